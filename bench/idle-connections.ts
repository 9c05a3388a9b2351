// npm run bench:idle [-- --connections N --threads T]: what an idle client connection costs sluice.
//
// Starts sluice (the real CLI, a child process, 2 worker threads by default) with a forwarding
// schema, logs in 100 warm-up clients, reads sluice's RSS, logs in N more (default 10,000; each one
// completes the MySQL handshake and then sits idle), reads the RSS again once it has settled, and
// reports the growth per connection (target: <= 20 KB). The clients live in this process; each side
// needs one fd per connection, so the soft `ulimit -n` must exceed N (checked first). The backend is
// never contacted: logins are checked by sluice itself and idle sessions hold no backend connection.
import { spawn, execFileSync, type ChildProcess } from 'node:child_process';
import { sluiceYaml } from './sluice-config';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { freePort } from '../scripts/sandbox';
import { BackendConnection } from '../src/backend/connection';

const WARM = 100;

function flag(name: string, dflt: number): number {
  const i = process.argv.indexOf(name);
  const v = i >= 0 ? Number(process.argv[i + 1]) : dflt;
  if (!(v > 0)) throw new Error(`${name} must be a positive number`);
  return v;
}

/** Resident set size of a process in bytes (VmRSS: all its threads). */
function rss(pid: number): number {
  const m = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
  if (!m) throw new Error(`no VmRSS for ${pid}`);
  return Number(m[1]) * 1024;
}

/** RSS once two reads 300 ms apart differ by less than 0.5% (at most ~6 s). */
async function settledRss(pid: number): Promise<number> {
  let last = rss(pid);
  for (let i = 0; i < 20; i++) {
    await new Promise((r) => setTimeout(r, 300)); // interval between two RSS samples
    const now = rss(pid);
    if (Math.abs(now - last) < last * 0.005) return now;
    last = now;
  }
  return last;
}

/** Log in `n` clients, `parallel` handshakes at a time. */
async function login(port: number, n: number, parallel: number, into: BackendConnection[]): Promise<void> {
  let next = 0;
  const one = async (): Promise<void> => {
    while (next < n) {
      next++;
      into.push(await BackendConnection.connect(
        { name: 'sluice', host: '127.0.0.1', port, user: 'idle', password: 'idle-secret', connectTimeoutMs: 30_000 }, 0, null));
    }
  };
  await Promise.all(Array.from({ length: Math.min(parallel, n) }, one));
}

async function main(): Promise<void> {
  const connections = flag('--connections', 10_000);
  const threads = flag('--threads', 2);
  const limit = Number(execFileSync('bash', ['-c', 'ulimit -n']).toString().trim());
  if (limit < connections + WARM + 200) {
    throw new Error(`ulimit -n is ${limit}: ${connections} connections need more; run \`ulimit -n ${connections * 2}\` (up to the hard limit) first`);
  }
  const dir = mkdtempSync(path.join(tmpdir(), 'sluice-bench-idle-'));
  const clients: BackendConnection[] = [];
  let sluice: ChildProcess | null = null;
  try {
    const port = await freePort();
    const unused = await freePort();
    const config = path.join(dir, 'sluice.yaml');
    writeFileSync(config, sluiceYaml({
      port, threads, user: 'idle', password: 'idle-secret',
      backend: { host: '127.0.0.1', port: unused, user: 'nobody', password: 'none', poolMax: 4 },
      schemas: ['  app: { backend: db, database: app }'],
    }));
    sluice = spawn(process.execPath, [path.join(__dirname, '..', 'src', 'cli.js'), 'serve', '--config', config], { stdio: ['ignore', 'inherit', 'inherit'] });
    const pid = sluice.pid!;
    const deadline = Date.now() + 30_000;
    for (;;) {
      if (sluice.exitCode !== null) throw new Error('sluice exited before listening');
      try {
        await login(port, 1, 1, clients);
        break;
      } catch (e) {
        if (Date.now() > deadline) throw e;
        await new Promise((r) => setTimeout(r, 50)); // poll interval of the readiness check
      }
    }
    await login(port, WARM - 1, 50, clients);
    const before = await settledRss(pid);
    const t0 = Date.now();
    await login(port, connections, 100, clients);
    const loginSecs = (Date.now() - t0) / 1000;
    const after = await settledRss(pid);
    const open = clients.filter((c) => !c.socket.destroyed).length;
    const perConn = (after - before) / connections;
    process.stdout.write(
      `sluice (${threads} worker threads), node ${process.version}\n` +
      `  logged in ${connections} idle connections in ${loginSecs.toFixed(1)} s (${open} open at the end, ${WARM} of them warm-up)\n` +
      `  RSS with ${WARM} connections: ${(before / 1048576).toFixed(1)} MiB; with ${WARM + connections}: ${(after / 1048576).toFixed(1)} MiB\n` +
      `  RSS growth per idle connection: ${(perConn / 1024).toFixed(1)} KiB (target <= 20 KB)\n`,
    );
    if (open !== clients.length) throw new Error(`${clients.length - open} connections were closed by sluice`);
  } finally {
    for (const c of clients) c.close();
    if (sluice && sluice.exitCode === null) {
      const exited = new Promise((r) => sluice!.once('exit', r));
      sluice.kill('SIGTERM');
      await exited;
    }
    rmSync(dir, { recursive: true, force: true });
  }
}

main().catch((e: unknown) => {
  console.error(e instanceof Error ? e.message : e);
  process.exit(1);
});
