// What a big cross-shard result costs sluice in memory, and what a cross-shard ORDER BY costs in time.
//
//   npm run bench:scatter                     (builds first; about a minute, most of it filling tables)
//   node dist/bench/scatter-rss.js [--rows 1000000] [--partitions 4] [--threads 1] [--repeat 1]
//   SLUICE_NODE_ARGS='--cpu-prof --cpu-prof-dir=prof' node dist/bench/scatter-rss.js   (profile sluice)
//
// One MariaDB sandbox holds a sharded schema of P partitions (databases scatter_0..P-1), table
// t(id, k, c, pad) split by id mod P and filled with --rows rows in total from MariaDB's sequence
// engine (seq_1_to_N). sluice runs as a child process (the real CLI), so its resident set can be
// sampled from /proc/PID/status (VmRSS, every 5 ms) while a query streams through it. The client
// here reads each row and forgets it (BackendConnection.stream: row payloads are borrowed), counts
// rows and bytes, and checks the row count. Queries, one after another:
// Each query runs in a fresh sluice process, after a small warm-up and an idle RSS baseline.
//   - scatter:        SELECT * FROM t                        (no key: all partitions, concatenated)
//   - order-by merge: SELECT * FROM t ORDER BY id            (every row through the k-way heap merge)
//   - order-limit:    SELECT * FROM t ORDER BY k LIMIT 10    (k has no index: each shard sorts its part)
// For each: wall time, sluice's CPU time (/proc/PID/stat, all threads) and rows per CPU second of
// sluice, and the peak RSS growth over the idle baseline (taken after a small warm-up query).
// Target (issue 6): streaming the 1,000,000-row scatter keeps sluice's RSS growth under 50 MB.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { startMariaDB, type MariaDBInstance } from '../scripts/sandbox';
import type { BackendConnection } from '../src/backend/connection';
import { alignColumns } from '../src/loadgen/report-text';
import { cpuSeconds, procStatus, settledRss } from './proc-stats';
import { startSluiceChild } from './sluice-child';

function flag(name: string, dflt: number): number {
  const i = process.argv.indexOf(name);
  const v = i >= 0 ? Number(process.argv[i + 1]) : dflt;
  if (!(v > 0) || !Number.isInteger(v)) throw new Error(`${name} must be a positive integer`);
  return v;
}

interface Streamed { rows: number; bytes: number; seconds: number; cpu: number; peakRss: number; firstRow: string | null }

/** Streams sql through `conn`, counting rows and bytes without keeping them, sampling `pid`'s RSS. */
function streamQuery(conn: BackendConnection, sql: string, pid: number): Promise<Streamed> {
  return new Promise((resolve, reject) => {
    let rows = 0, bytes = 0, peakRss = procStatus(pid, 'VmRSS');
    let firstRow: string | null = null;
    const sampler = setInterval(() => { peakRss = Math.max(peakRss, procStatus(pid, 'VmRSS')); }, 5);
    const cpu0 = cpuSeconds(pid);
    const t0 = process.hrtime.bigint();
    conn.stream(sql, {
      columns() {},
      row(buf, start, end) {
        if (rows === 0) firstRow = buf.toString('latin1', start + 1, start + 1 + buf[start]); // the first column (a short lenenc string)
        rows++;
        bytes += end - start;
        return true;
      },
      end(_ok, err) {
        clearInterval(sampler);
        peakRss = Math.max(peakRss, procStatus(pid, 'VmRSS'));
        if (err) return reject(new Error(`${sql}: ${err.errno} ${err.message}`));
        resolve({ rows, bytes, seconds: Number(process.hrtime.bigint() - t0) / 1e9, cpu: cpuSeconds(pid) - cpu0, peakRss, firstRow });
      },
      fail(e) {
        clearInterval(sampler);
        reject(e);
      },
    });
  });
}

/** Creates scatter_0..P-1 with t, filling partition p with the ids ≡ p (mod P) of 1..rows. */
async function fillPartitions(db: MariaDBInstance, partitions: number, rows: number): Promise<void> {
  await Promise.all(Array.from({ length: partitions }, (_, p) => db.sql(`
    CREATE DATABASE scatter_${p} CHARACTER SET utf8mb4;
    USE scatter_${p};
    CREATE TABLE t (id BIGINT PRIMARY KEY, k INT NOT NULL, c CHAR(60) NOT NULL, pad CHAR(30) NOT NULL) ENGINE=InnoDB;
    INSERT INTO t SELECT seq, (seq * 7919) % 1000003, CONCAT('row-', seq, '-', REPEAT('x', 40)), 'padding-padding-padding'
      FROM seq_1_to_${rows} WHERE seq % ${partitions} = ${p};`)));
}

/** The measured queries: name, SQL, expected row count. */
const QUERIES = (rows: number): [string, string, number][] => [
  ['scatter', 'SELECT * FROM t', rows],
  ['order-by merge', 'SELECT * FROM t ORDER BY id', rows],
  ['order-limit', 'SELECT * FROM t ORDER BY k LIMIT 10', 10],
];

/** Longest a measured query may take before the bench gives up (a hang is a failure, not a wait). */
const QUERY_TIMEOUT_MS = 180_000;

/** Starts sluice (the CLI, a child process) on the sharded schema, logs in, runs fn, stops sluice. */
async function withSluice<T>(db: MariaDBInstance, dir: string, partitions: number, threads: number,
  fn: (conn: BackendConnection, pid: number) => Promise<T>): Promise<T> {
  const sluice = await startSluiceChild(db, dir, {
    threads, poolMax: 16, database: 'scatter',
    schemas: [
      '  scatter:',
      '    partitions:',
      ...Array.from({ length: partitions }, (_, p) => `      - { write: db, database: scatter_${p} }`),
      '    tables:',
      '      t: { shardKey: id, algorithm: mod }',
    ],
  });
  let timer: NodeJS.Timeout | undefined;
  try {
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error(`no answer from sluice in ${QUERY_TIMEOUT_MS / 1000} s`)), QUERY_TIMEOUT_MS);
    });
    return await Promise.race([fn(sluice.conn, sluice.pid), timeout]);
  } finally {
    clearTimeout(timer);
    await sluice.stop();
  }
}

async function main(): Promise<void> {
  const rows = flag('--rows', 1_000_000);
  const partitions = flag('--partitions', 4);
  const threads = flag('--threads', 1);
  const repeat = flag('--repeat', 1);
  const dir = mkdtempSync(path.join(tmpdir(), 'sluice-bench-scatter-'));
  // A buffer pool that holds the table: the scans measure sluice, not the disk.
  const db = await startMariaDB({ extraArgs: ['--innodb-buffer-pool-size=512M'] });
  try {
    const t0 = Date.now();
    await fillPartitions(db, partitions, rows);
    process.stderr.write(`filled ${partitions} partitions with ${rows} rows in ${((Date.now() - t0) / 1000).toFixed(1)} s\n`);

    // A fresh sluice per query, so that each one's RSS growth is measured from its own idle
    // baseline. With --repeat N the query runs N times in that process: the table shows the run with
    // the least CPU (a busy neighbour on the host only ever adds) and the largest RSS growth.
    const table = [['query', 'rows', 'MB sent', 'wall s', 'sluice CPU s', 'rows/CPU s', 'idle RSS MiB', 'peak RSS growth MiB']];
    for (const [name, sql, expected] of QUERIES(rows)) {
      const r = await withSluice(db, dir, partitions, threads, async (conn, pid) => {
        // Warm-up: a point select and a one-row-per-shard scatter open the backend connections and load the code.
        await streamQuery(conn, 'SELECT * FROM t WHERE id = 1', pid);
        await streamQuery(conn, 'SELECT COUNT(*) FROM t', pid);
        const baseline = await settledRss(pid);
        let best = await streamQuery(conn, sql, pid);
        let peakRss = best.peakRss;
        for (let i = 1; i < repeat; i++) {
          const again = await streamQuery(conn, sql, pid);
          if (again.rows !== best.rows) throw new Error(`${sql}: run ${i + 1} gave ${again.rows} rows, the first ${best.rows}`);
          peakRss = Math.max(peakRss, again.peakRss);
          if (again.cpu < best.cpu) best = again;
        }
        return { ...best, peakRss, baseline };
      });
      if (r.rows !== expected) throw new Error(`${sql}: ${r.rows} rows, expected ${expected}`);
      if (name === 'order-by merge' && r.firstRow !== '1') throw new Error(`${sql}: first id ${r.firstRow}, expected 1`);
      table.push([name, String(r.rows), (r.bytes / 1e6).toFixed(1), r.seconds.toFixed(2), r.cpu.toFixed(2),
        r.cpu > 0 ? String(Math.round(r.rows / r.cpu)) : '-', (r.baseline / 1048576).toFixed(1), ((r.peakRss - r.baseline) / 1048576).toFixed(1)]);
      process.stderr.write(`${name}: ${r.rows} rows in ${r.seconds.toFixed(2)} s\n`);
    }
    process.stdout.write(
      `sluice (${threads} worker thread${threads > 1 ? 's' : ''}), ${partitions} partitions on one MariaDB, ${rows} rows in t, ` +
      `${repeat > 1 ? `best of ${repeat} runs, ` : ''}node ${process.version}\n` +
      alignColumns(table) +
      `target: scatter RSS growth < 50 MB\n`);
  } finally {
    await db.stop();
    rmSync(dir, { recursive: true, force: true });
  }
}

main().catch((e: unknown) => {
  console.error(e instanceof Error ? e.stack ?? e.message : e);
  process.exitCode = 1;
});
