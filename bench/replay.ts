// npm run bench:replay: replays real MariaDB result streams through sluice's receive path.
//
// Starts a MariaDB sandbox, fills a sysbench-like sbtest1 table (10,000 rows), and captures the raw
// bytes MariaDB sends for a point select and for a 10,000-row range scan (over sluice's own backend
// connection, as the proxy sees them). Each stream is then cut at socket-like chunk sizes (64 KiB,
// and the 1448-byte MSS of a 1500-byte MTU) and fed through ResponseScanner + a relay sink the way
// BackendConnection.onData does, after checking the row count. Reports ns per row (and per
// response) and what the loop allocates: growth of JS heap + ArrayBuffer memory per row, and the
// GCs seen (GC forced before; a GC during the run hides part of the growth, hence the count).
import { PerformanceObserver } from 'node:perf_hooks';
import v8 from 'node:v8';
import vm from 'node:vm';
import { startMariaDB } from '../scripts/sandbox';
import { BackendConnection } from '../src/backend/connection';
import { PacketFramer } from '../src/protocol/framing';
import { Cap } from '../src/protocol/constants';
import { Metrics } from '../src/metrics/shared-metrics';
import { Counter } from '../src/metrics/layout';
import { cut } from './micro/result-stream';
import { capture } from './capture';
import { relayOver } from './micro/wire';

v8.setFlagsFromString('--expose-gc');
const gc = vm.runInNewContext('gc') as () => void;

interface Capture {
  name: string;
  sql: string;
  rows: number;
  stream: Buffer;
  deprecateEof: boolean;
}

/** Rows in a captured text result, counted independently of the scanner (framing + packet headers). */
function countRows(stream: Buffer, deprecateEof: boolean): number {
  let index = 0;
  let columns = -1;
  let rows = 0;
  let ended = false;
  new PacketFramer((payload) => {
    if (ended) throw new Error('BUG: bytes after the end of the result');
    if (index++ === 0) {
      columns = payload[0];
      return;
    }
    const headerPackets = columns + (deprecateEof ? 0 : 1);
    if (index - 1 <= headerPackets) return;
    if (payload[0] === 0xfe && payload.length < 0xffffff && (deprecateEof || payload.length < 9)) ended = true;
    else rows++;
  }).push(stream);
  if (!ended) throw new Error('BUG: the captured result has no end');
  return rows;
}

/** JS heap plus ArrayBuffer memory (Buffers live outside the JS heap): its growth is what a loop allocated. */
function allocatedNow(): number {
  const m = process.memoryUsage();
  return m.heapUsed + m.arrayBuffers;
}

interface Measurement {
  nsPerRow: number;
  nsPerResponse: number;
  heapBytesPerRow: number;
  gcs: number;
}

async function measure(c: Capture, chunkSize: number): Promise<Measurement> {
  const metrics = Metrics.create({ workers: 1, backends: [] }).writer(0);
  const chunks = cut(c.stream, chunkSize);
  // The session's sink counts BytesOut and writes the chunk to the client socket; the write is the
  // kernel's cost and is left out here.
  const relay = relayOver(chunks, c.deprecateEof, (chunk) => metrics.inc(Counter.BytesOut, chunk.length));
  if (relay() !== c.stream.length) throw new Error('BUG: the relay did not pass every byte');
  const rowsPerRun = Math.max(c.rows, 1);
  const runs = Math.max(200, Math.ceil(2_000_000 / rowsPerRun));
  for (let i = 0; i < Math.min(runs, 2000); i++) relay(); // warm-up
  let gcs = 0;
  const obs = new PerformanceObserver((list) => (gcs += list.getEntries().length));
  obs.observe({ entryTypes: ['gc'] });
  gc();
  const heap0 = allocatedNow();
  // Timed in slices with a turn of the event loop between them, so GC entries get delivered.
  let ns = 0;
  for (let done = 0; done < runs; ) {
    const slice = Math.min(runs - done, Math.ceil(runs / 20));
    const t0 = process.hrtime.bigint();
    for (let i = 0; i < slice; i++) relay();
    ns += Number(process.hrtime.bigint() - t0);
    done += slice;
    await new Promise((resolve) => setImmediate(resolve));
  }
  const heap1 = allocatedNow();
  obs.disconnect();
  return {
    nsPerRow: ns / (runs * rowsPerRun),
    nsPerResponse: ns / runs,
    heapBytesPerRow: Math.max(0, heap1 - heap0) / (runs * rowsPerRun),
    gcs,
  };
}

async function main(): Promise<void> {
  process.stdout.write('starting a MariaDB sandbox and filling sbtest1 (10,000 rows)...\n');
  const db = await startMariaDB();
  try {
    await db.sql(`CREATE DATABASE sbtest CHARACTER SET utf8mb4;
      CREATE TABLE sbtest.sbtest1 (id INT PRIMARY KEY, k INT NOT NULL, c CHAR(120) NOT NULL, pad CHAR(60) NOT NULL, KEY k_1 (k));
      INSERT INTO sbtest.sbtest1 SELECT seq, FLOOR(RAND(seq) * 10000),
        LEFT(REPEAT(CONCAT(LPAD(seq * 7919 MOD 100000000000, 11, '0'), '-'), 11), 119),
        LEFT(REPEAT(CONCAT(LPAD(seq * 104729 MOD 100000000000, 11, '0'), '-'), 5), 59)
        FROM sbtest.seq_1_to_10000;`);
    const conn = await BackendConnection.connect(
      { name: 'db', host: db.host, port: db.port, user: db.user, password: db.password, connectTimeoutMs: 5000 }, 0, 'sbtest');
    const deprecateEof = (conn.caps & Cap.DEPRECATE_EOF) !== 0;
    const captures: Capture[] = [];
    for (const [name, sql, rows] of [
      ['point select (sysbench: SELECT c WHERE id = ?)', 'SELECT c FROM sbtest1 WHERE id = 4242', 1],
      ['range scan of 10,000 rows (SELECT *)', 'SELECT id, k, c, pad FROM sbtest1 WHERE id BETWEEN 1 AND 10000', 10_000],
    ] as const) {
      const stream = await capture(conn, sql);
      const counted = countRows(stream, deprecateEof);
      if (counted !== rows) throw new Error(`${name}: captured ${counted} rows, expected ${rows}`);
      captures.push({ name, sql, rows, stream, deprecateEof });
    }
    conn.close();

    process.stdout.write(`node ${process.version}; DEPRECATE_EOF ${deprecateEof ? 'on' : 'off'}; ResponseScanner + relay sink (BytesOut metric), socket writes excluded\n\n`);
    process.stdout.write(`${'stream'.padEnd(48)} ${'chunk'.padStart(6)} ${'bytes'.padStart(9)} ${'ns/row'.padStart(8)} ${'µs/resp'.padStart(9)} ${'alloc B/row'.padStart(11)} ${'GCs'.padStart(5)}\n`);
    for (const c of captures) {
      for (const size of [65536, 1448]) {
        const m = await measure(c, size);
        process.stdout.write(
          `${c.name.padEnd(48)} ${String(size).padStart(6)} ${String(c.stream.length).padStart(9)} ` +
          `${m.nsPerRow.toFixed(1).padStart(8)} ${(m.nsPerResponse / 1000).toFixed(2).padStart(9)} ` +
          `${m.heapBytesPerRow.toFixed(2).padStart(11)} ${String(m.gcs).padStart(5)}\n`,
        );
      }
    }
  } finally {
    await db.stop();
  }
}

main().catch((e: unknown) => {
  console.error(e);
  process.exit(1);
});
