// The cost of a proxy, side by side in one run: sysbench-style point selects (text protocol) against
// direct MariaDB, the plain Node byte relay (bench/relay.ts), sluice with a forwarding schema and
// sluice with a 2-partition sharded schema (point selects by the shard key), at 8 and 32 client
// connections, alternating between the four targets in slices so that a busy neighbour on this
// shared machine slows all of them alike.
//
//   npm run bench:proxy                                  (builds first; about two minutes)
//   node dist/bench/proxy.js --duration 3 --connections 8,32 --sluice-threads 1
//   node dist/bench/proxy.js --connections 1 --no-shard              (the latency one client sees)
//   node dist/bench/proxy.js --connections 32 --sluice-threads 1,2 --no-shard   (--threads scaling)
//
// --sluice-threads takes a list: one forwarding sluice per worker-thread count, all in the same
// alternating run (the 2-shard sluice uses the first count; --no-shard leaves it out). After the
// table, each proxy's added p50 (its p50 minus direct's) is compared with the relay's.
//
// The relay and sluice run as child processes, so each one's own CPU time can be read from
// /proc/PID/stat (utime + stime, all its threads) before and after the measured run, and divided by
// the queries it served: CPU µs per query, the figure that does not depend on how loaded the machine
// is. The load generator's own CPU per query is shown too (it shares the 2 cores).
import { spawn, execFileSync, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { createInterface } from 'node:readline';
import { startMariaDB, freePort, type MariaDBInstance } from '../scripts/sandbox';
import { sluiceYaml } from './sluice-config';
import { BackendConnection } from '../src/backend/connection';
import { prepareTables } from '../src/loadgen/prepare';
import { runBench } from '../src/loadgen/run';
import { alignColumns } from '../src/loadgen/report-text';
import { builtinMix } from '../src/loadgen/workloads';
import type { BenchOptions, BenchTarget } from '../src/loadgen/options';

interface Flags {
  duration: number;
  warmup: number;
  slice: number;
  connections: number[];
  sluiceThreads: number[];
  shard: boolean;
  loadThreads: number;
  tableSize: number;
}

function parseFlags(argv: string[]): Flags {
  const get = (name: string, dflt: string) => {
    const i = argv.indexOf(name);
    return i >= 0 && argv[i + 1] !== undefined ? argv[i + 1] : dflt;
  };
  const num = (name: string, dflt: string) => {
    const v = Number(get(name, dflt));
    if (!(v > 0)) throw new Error(`${name} must be a positive number`);
    return v;
  };
  return {
    duration: num('--duration', '5'),
    warmup: num('--warmup', '1'),
    slice: num('--slice', '1'),
    connections: get('--connections', '8,32').split(',').map(Number),
    sluiceThreads: get('--sluice-threads', '1').split(',').map((v) => {
      if (!(Number(v) > 0)) throw new Error('--sluice-threads must be positive numbers');
      return Number(v);
    }),
    shard: !argv.includes('--no-shard'),
    loadThreads: num('--threads', '1'),
    tableSize: num('--table-size', '10000'),
  };
}

const CLK_TCK = Number(execFileSync('getconf', ['CLK_TCK']).toString().trim()) || 100;

/** CPU seconds (user + system, all threads) a process has used so far. */
function cpuSeconds(pid: number): number {
  // Fields after the command name "(...)": state is field 3; utime and stime are fields 14 and 15.
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return (Number(fields[11]) + Number(fields[12])) / CLK_TCK;
}

/** Starts a child and resolves it once `ready()` succeeds (polled), or rejects if the child exits. */
async function startChild(args: string[], ready: () => Promise<boolean>): Promise<ChildProcess> {
  // Its log lines (warnings and worse) go to this terminal; an unread pipe could fill and stall it.
  const child = spawn(process.execPath, args, { stdio: ['ignore', 'inherit', 'inherit'] });
  let exited = false;
  child.once('exit', () => (exited = true));
  const deadline = Date.now() + 30_000;
  for (;;) {
    if (exited) throw new Error(`${args.join(' ')} exited before it was ready`);
    if (await ready()) return child;
    if (Date.now() > deadline) throw new Error(`${args.join(' ')} not ready in 30 s`);
    await new Promise((r) => setTimeout(r, 50)); // poll interval of a readiness check
  }
}

/** True once a MySQL login to the target succeeds. */
async function canLogin(target: BenchTarget, db: MariaDBInstance): Promise<boolean> {
  try {
    const c = await BackendConnection.connect(
      { name: target.name, host: target.host, port: target.port, user: db.user, password: db.password, connectTimeoutMs: 2000 }, 0, 'sbtest');
    c.close();
    return true;
  } catch {
    return false;
  }
}

async function main(): Promise<void> {
  const flags = parseFlags(process.argv.slice(2));
  const dir = mkdtempSync(path.join(tmpdir(), 'sluice-bench-proxy-'));
  const children: ChildProcess[] = [];
  const db = await startMariaDB();
  try {
    const direct: BenchTarget = { name: 'direct', host: db.host, port: db.port };
    process.stderr.write(`MariaDB sandbox on port ${db.port}; preparing sbtest1 with ${flags.tableSize} rows\n`);
    await prepareTables({ target: direct, user: db.user, password: db.password, database: 'sbtest', tables: 1, tableSize: flags.tableSize, progress: null });

    // The relay prints its port on its first stdout line.
    const relayChild = spawn(process.execPath, [path.join(__dirname, 'relay.js'), '--backend', `${db.host}:${db.port}`], { stdio: ['ignore', 'pipe', 'inherit'] });
    children.push(relayChild);
    const line = await new Promise<string>((resolve, reject) => {
      createInterface({ input: relayChild.stdout! }).once('line', resolve);
      relayChild.once('exit', () => reject(new Error('the relay exited before listening')));
    });
    const relay: BenchTarget = { name: 'relay', host: '127.0.0.1', port: Number(/:(\d+)$/.exec(line)![1]) };

    // Two sluices: one forwarding sbtest to MariaDB as is; one where sbtest is a sharded schema of
    // 2 partitions (databases sbshard_0/1 on the same MariaDB, sbtest1 split by id mod 2), so a
    // point select by id takes the sharding path (plan cache, routing to one partition).
    await db.sql([0, 1].map((p) => `CREATE DATABASE sbshard_${p} CHARACTER SET utf8mb4;
      CREATE TABLE sbshard_${p}.sbtest1 LIKE sbtest.sbtest1;
      INSERT INTO sbshard_${p}.sbtest1 SELECT * FROM sbtest.sbtest1 WHERE id MOD 2 = ${p};`).join('\n'));
    const startSluice = async (name: string, threads: number, schema: string[]): Promise<[BenchTarget, ChildProcess]> => {
      const port = await freePort();
      const config = path.join(dir, `${name}.yaml`);
      writeFileSync(config, sluiceYaml({
        port, threads, user: db.user, password: db.password,
        backend: { host: db.host, port: db.port, user: db.user, password: db.password, poolMax: 64 }, schemas: schema,
      }));
      const target: BenchTarget = { name, host: '127.0.0.1', port };
      const child = await startChild([path.join(__dirname, '..', 'src', 'cli.js'), 'serve', '--config', config], () => canLogin(target, db));
      children.push(child);
      return [target, child];
    };
    const targets = [direct, relay];
    const proxies = [{ index: 1, pid: relayChild.pid! }];
    const addProxy = ([target, child]: [BenchTarget, ChildProcess]) => {
      proxies.push({ index: targets.length, pid: child.pid! });
      targets.push(target);
    };
    const threadsTag = (n: number) => (flags.sluiceThreads.length > 1 ? `-${n}t` : '');
    for (const n of flags.sluiceThreads) {
      addProxy(await startSluice(`sluice${threadsTag(n)}`, n, ['  sbtest: { backend: db, database: sbtest }']));
    }
    if (flags.shard) {
      const n = flags.sluiceThreads[0];
      addProxy(await startSluice(`sluice-2shard${threadsTag(n)}`, n, [
        '  sbtest:',
        '    partitions:',
        '      - { write: db, database: sbshard_0 }',
        '      - { write: db, database: sbshard_1 }',
        '    tables:',
        '      sbtest1: { shardKey: id, algorithm: mod }',
      ]));
    }
    const base: Omit<BenchOptions, 'connections' | 'durationSec' | 'warmupSec'> = {
      targets, user: db.user, password: db.password, database: 'sbtest', workload: 'point-select',
      mix: builtinMix('point-select'), threads: flags.loadThreads, sliceSec: flags.slice, prepared: false,
      tables: 1, tableSize: flags.tableSize, progress: process.stderr,
    };
    const rows = [['connections', 'target', 'qps', 'ratio', 'p50 ms', 'p99 ms', 'proxy CPU µs/q', 'loadgen CPU µs/q (all targets)', 'errors']];
    const added: string[] = [];
    for (const connections of flags.connections) {
      process.stderr.write(`-- ${connections} connections: warm-up ${flags.warmup} s per target, then ${flags.duration} s per target in ${flags.slice} s slices\n`);
      // Warm-up is its own run, so the CPU readings below cover measured queries only.
      await runBench({ ...base, connections, durationSec: flags.warmup, warmupSec: 0, progress: null });
      const before = proxies.map((p) => cpuSeconds(p.pid));
      const selfBefore = process.cpuUsage();
      const r = await runBench({ ...base, connections, durationSec: flags.duration, warmupSec: 0 });
      const self = process.cpuUsage(selfBefore);
      const all = r.targets.reduce((sum, t) => sum + t.requests, 0);
      const loadUs = (self.user + self.system) / Math.max(all, 1);
      r.targets.forEach((t, i) => {
        const proxy = proxies.find((p) => p.index === i);
        const cpu = proxy ? ((cpuSeconds(proxy.pid) - before[proxies.indexOf(proxy)]) * 1e6) / Math.max(t.requests, 1) : null;
        rows.push([
          String(connections), t.target.name, String(t.qps), r.ratios[i].toFixed(3), t.latency.p50.toFixed(3),
          t.latency.p99.toFixed(3), cpu === null ? '-' : cpu.toFixed(1), loadUs.toFixed(1), String(t.errors),
        ]);
      });
      // The latency a proxy adds at p50, against the relay's (target: sluice within 10% of the relay).
      const direct50 = r.targets[0].latency.p50, relayAdded = r.targets[1].latency.p50 - direct50;
      for (let i = 1; i < r.targets.length; i++) {
        const a = r.targets[i].latency.p50 - direct50;
        added.push(`${connections} connections: ${r.targets[i].target.name} adds ${(a * 1000).toFixed(1)} µs at p50` +
          (i > 1 && relayAdded > 0 ? ` (${((a / relayAdded - 1) * 100).toFixed(1)}% vs the relay's)` : ''));
      }
    }
    process.stdout.write(
      `\npoint-select, text protocol, ${flags.duration} s per target, sluice threads ${flags.sluiceThreads.join(',')}, ` +
      `load generator threads ${flags.loadThreads}, sbtest1 of ${flags.tableSize} rows\n` + alignColumns(rows) +
      added.map((l) => `${l}\n`).join(''));
  } finally {
    for (const c of children) c.kill('SIGTERM');
    await Promise.all(children.map((c) => (c.exitCode !== null || c.signalCode !== null ? undefined : new Promise((r) => c.once('exit', r)))));
    await db.stop();
    rmSync(dir, { recursive: true, force: true });
  }
}

main().catch((e: Error) => {
  console.error(e.stack ?? e.message);
  process.exitCode = 1;
});
