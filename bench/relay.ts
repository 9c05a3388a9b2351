// The plain Node byte relay, the baseline sluice is measured against: each client connection gets
// its own backend connection and the bytes are piped both ways (`client.pipe(backend)`), with no
// parsing at all. Most of its cost is the kernel's socket calls, so a proxy that matches it adds
// almost nothing of its own.
//
// In-process:  const relay = await startRelay({ host, port });  ...  await relay.close();
// As a child:  node dist/bench/relay.js --backend HOST:PORT [--port N]
//              (prints "relay listening on 127.0.0.1:PORT"; SIGTERM/SIGINT stop it)
import * as net from 'node:net';
import { once } from 'node:events';

export interface Relay {
  port: number;
  close(): Promise<void>;
}

export async function startRelay(backend: { host: string; port: number }, listenPort = 0): Promise<Relay> {
  const sockets = new Set<net.Socket>();
  const server = net.createServer({ noDelay: true }, (client) => {
    const upstream = net.connect({ host: backend.host, port: backend.port, noDelay: true });
    for (const s of [client, upstream]) {
      sockets.add(s);
      s.on('close', () => sockets.delete(s));
      // A reset on either side ends the pair; it is an ordinary end, not an alarm.
      s.on('error', () => { client.destroy(); upstream.destroy(); });
    }
    client.pipe(upstream);
    upstream.pipe(client);
  });
  server.listen(listenPort, '127.0.0.1');
  await once(server, 'listening');
  return {
    port: (server.address() as net.AddressInfo).port,
    close: () => new Promise<void>((resolve) => {
      server.close(() => resolve());
      for (const s of sockets) s.destroy();
    }),
  };
}

async function main(argv: string[]): Promise<void> {
  const flag = (name: string) => {
    const i = argv.indexOf(name);
    return i >= 0 ? argv[i + 1] : undefined;
  };
  const m = /^(.+):([0-9]+)$/.exec(flag('--backend') ?? '');
  if (!m) {
    console.error('usage: relay --backend HOST:PORT [--port N]');
    process.exit(2);
  }
  const relay = await startRelay({ host: m[1], port: Number(m[2]) }, Number(flag('--port') ?? 0));
  console.log(`relay listening on 127.0.0.1:${relay.port}`);
  const stop = () => void relay.close().then(() => process.exit(0));
  process.once('SIGTERM', stop);
  process.once('SIGINT', stop);
}

if (require.main === module) {
  main(process.argv.slice(2)).catch((e: Error) => {
    console.error(e.message);
    process.exit(1);
  });
}
