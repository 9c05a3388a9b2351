import { test } from 'node:test';
import assert from 'node:assert/strict';
import net from 'node:net';
import path from 'node:path';
import { once } from 'node:events';
import { spawn } from 'node:child_process';
import { startServer, type RunningServer } from '../../src/server/index';
import { testConfig } from './fixtures/config';
import { LineClient, decodeErr, firstPacket, readAll, until } from './fixtures/client';

const ECHO = path.join(__dirname, 'fixtures/echo-runtime.js');

/** Open n echo clients at once; returns them with the worker each greeting names. */
async function openEcho(server: RunningServer, n: number): Promise<{ client: LineClient; worker: number }[]> {
  const clients = await Promise.all(Array.from({ length: n }, () => LineClient.connect(server.address.port)));
  return Promise.all(
    clients.map(async (client) => {
      const m = /^worker (\d+) conn (\d+)$/.exec(await client.line());
      assert.ok(m, 'greeting');
      return { client, worker: Number(m[1]) };
    }),
  );
}

async function echoes(client: LineClient, worker: number, text: string): Promise<void> {
  client.socket.write(text + '\n');
  assert.equal(await client.line(), `${worker}:${text}`);
}

function perWorker(list: { worker: number }[], threads: number): number[] {
  const counts = new Array<number>(threads).fill(0);
  for (const c of list) counts[c.worker]++;
  return counts;
}

test('session runtime: every connection gets a handshake carrying its id; both workers serve', async (t) => {
  const server = await startServer(testConfig());
  t.after(() => server.close());
  assert.equal(server.workerCount, 2);
  const conns = await Promise.all(Array.from({ length: 20 }, () => firstPacket(server.address.port)));
  const ids = conns.map(({ payload }) => {
    // HandshakeV10: protocol version 10, server version NUL-terminated, connection id uint32 LE.
    assert.equal(payload[0], 10);
    return payload.readUInt32LE(payload.indexOf(0, 1) + 1);
  });
  assert.deepEqual(ids.sort((a, b) => a - b), Array.from({ length: 20 }, (_, i) => i + 1));
  await until(() => server.workers().every((w) => w.connections === 10), 'ten per worker');
  for (const { socket } of conns) socket.destroy();
  await until(() => server.metrics.snapshot().total.connectionsCurrent === 0, 'all closed');
  const snap = server.metrics.snapshot();
  assert.deepEqual(
    snap.workers.map((w) => w.counters.connectionsOpened),
    [10, 10],
  );
  assert.equal(snap.total.counters.connectionsClosed, 20);
});

test('open connections are placed on the least loaded worker and counted per worker', async (t) => {
  const server = await startServer(testConfig(), { runtimeModule: ECHO });
  t.after(() => server.close());
  const clients = await openEcho(server, 10);
  assert.deepEqual(perWorker(clients, 2), [5, 5]);
  await until(() => server.workers().every((w) => w.connections === 5), 'gauges at 5');
  for (const { client, worker } of clients) await echoes(client, worker, 'ping');
  // Close three on worker 0: the next three connections go there.
  const onZero = clients.filter((c) => c.worker === 0).slice(0, 3);
  for (const { client } of onZero) client.socket.end();
  await until(() => server.workers()[0].connections === 2, 'worker 0 down to 2');
  const more = await openEcho(server, 3);
  assert.deepEqual(perWorker(more, 2), [3, 0]);
  for (const c of [...clients, ...more]) c.client.socket.destroy();
});

test('a terminated worker is replaced; the other worker keeps serving its open connections', async (t) => {
  const server = await startServer(testConfig(), { runtimeModule: ECHO });
  t.after(() => server.close());
  const clients = await openEcho(server, 6);
  assert.deepEqual(perWorker(clients, 2), [3, 3]);
  const victim = server.workerThread(0);
  assert.ok(victim, 'worker 0 thread');
  const oldThreadId = victim.threadId;
  const survivor = server.workerThread(1)!.threadId;

  await victim.terminate();
  // The dead worker's sockets die with it; the other worker's clients do not notice.
  for (const c of clients.filter((c) => c.worker === 0)) await c.client.whenClosed();
  for (const c of clients.filter((c) => c.worker === 1)) await echoes(c.client, 1, 'still here');

  await until(() => server.workers()[0].ready, 'slot 0 replaced');
  const status = server.workers();
  assert.notEqual(status[0].threadId, oldThreadId);
  assert.equal(status[1].threadId, survivor);
  assert.equal(status[0].connections, 0, 'dead slot gauge reset');
  assert.equal(status[1].connections, 3);

  const fresh = await openEcho(server, 4);
  assert.deepEqual(perWorker(fresh, 2), [3, 1]);
  for (const c of fresh) await echoes(c.client, c.worker, 'new');
  for (const c of clients.filter((c) => c.worker === 1)) await echoes(c.client, 1, 'after');
  await until(() => server.workers()[0].connections === 3, 'replacement counts its connections');
  for (const c of [...clients, ...fresh]) c.client.socket.destroy();
});

test('while the only worker is being replaced, new connections wait for the replacement', async (t) => {
  const server = await startServer(testConfig({ threads: 1 }), { runtimeModule: ECHO });
  t.after(() => server.close());
  await server.workerThread(0)!.terminate();
  await until(() => !server.workers()[0].ready, 'slot 0 seen dead');
  const [held] = await openEcho(server, 1);
  assert.equal(held.worker, 0);
  await echoes(held.client, 0, 'served by the replacement');
  assert.equal(server.metrics.snapshot().total.counters.connectionsRefused, 0);
  held.client.socket.destroy();
});

test('maxConnectionsPerWorker: when every worker is full, ERR 1040 Too many connections', async (t) => {
  const server = await startServer(testConfig({ maxConnectionsPerWorker: 1 }), { runtimeModule: ECHO });
  t.after(() => server.close());
  const clients = await openEcho(server, 2);
  assert.deepEqual(perWorker(clients, 2), [1, 1]);
  assert.deepEqual(decodeErr(await readAll(server.address.port)), { errno: 1040, message: 'Too many connections' });
  assert.equal(server.metrics.snapshot().total.counters.connectionsRefused, 1);
  // A freed place is taken again.
  clients[0].client.socket.end();
  await until(() => server.workers()[clients[0].worker].connections === 0, 'place freed');
  const [again] = await openEcho(server, 1);
  assert.equal(again.worker, clients[0].worker);
  for (const c of [clients[1], again]) c.client.socket.destroy();
});

test('close() is graceful: sessions are shut down, the port and the workers are gone', async () => {
  const server = await startServer(testConfig(), { runtimeModule: ECHO });
  const clients = await openEcho(server, 4);
  const threads = [server.workerThread(0)!, server.workerThread(1)!];
  const exits = threads.map((w) => once(w, 'exit'));
  await Promise.all([server.close(), server.close()]);
  for (const { client } of clients) {
    assert.equal(await client.line(), 'bye');
    await client.whenClosed();
  }
  await Promise.all(exits);
  const refused = net.connect(server.address.port, '127.0.0.1');
  const [err] = (await once(refused, 'error')) as [NodeJS.ErrnoException];
  assert.equal(err.code, 'ECONNREFUSED');
});

test('/metrics serves Prometheus text with the connection counters', async (t) => {
  const server = await startServer(testConfig(), { runtimeModule: ECHO, metricsPort: 0 });
  t.after(() => server.close());
  assert.ok(server.metricsAddress);
  const clients = await openEcho(server, 3);
  await until(() => server.metrics.snapshot().total.connectionsCurrent === 3, 'three open');
  const base = `http://127.0.0.1:${server.metricsAddress.port}`;
  const res = await fetch(`${base}/metrics`);
  assert.equal(res.status, 200);
  assert.match(res.headers.get('content-type') ?? '', /^text\/plain; version=0\.0\.4/);
  const samples = new Map<string, number>();
  for (const line of (await res.text()).split('\n')) {
    if (line === '' || line.startsWith('#')) continue;
    const m = /^([a-z_]+(?:\{[^}]*\})?) (\S+)$/.exec(line);
    assert.ok(m, `bad line: ${line}`);
    samples.set(m[1], Number(m[2]));
  }
  assert.equal(samples.get('sluice_connections_current'), 3);
  assert.equal(samples.get('sluice_connections_total'), 3);
  assert.equal(samples.get('sluice_connections_refused_total'), 0);
  const w0 = samples.get('sluice_worker_connections_current{worker="0"}')!;
  const w1 = samples.get('sluice_worker_connections_current{worker="1"}')!;
  assert.deepEqual([w0 + w1, Math.min(w0, w1)], [3, 1]);
  assert.equal(samples.get('sluice_backend_connects_total{backend="db1"}'), 0);
  assert.ok(samples.has('sluice_query_duration_seconds_count'));
  assert.equal((await fetch(`${base}/`)).status, 404);
  for (const c of clients) c.client.socket.destroy();
});

test('SIGTERM: a sluice process started with handleSignals closes gracefully and exits 0', async () => {
  const child = spawn(process.execPath, [path.join(__dirname, 'fixtures/serve-child.js')], {
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const exited = once(child, 'exit');
  let out = '';
  child.stdout.setEncoding('utf8');
  child.stdout.on('data', (d: string) => (out += d));
  try {
    await until(() => out.includes('\n'), 'child listening', 10_000);
    const { port } = JSON.parse(out) as { port: number };
    const client = await LineClient.connect(port);
    assert.match(await client.line(), /^worker \d conn 1$/);
    child.kill('SIGTERM');
    assert.equal(await client.line(), 'bye');
    const [code, signal] = await exited;
    assert.deepEqual([code, signal], [0, null]);
  } finally {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
  }
});
