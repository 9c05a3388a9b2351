// npm run bench:replay-merge: a cross-shard merge's receive path, replayed from captured MariaDB streams.
//
// bench:scatter measures a merge end to end through sockets, where the kernel's reads and writes and
// a busy neighbour blur what sluice's own code costs per row. This replays instead: a MariaDB sandbox
// holds 4 partition databases of sbtest1 (rows split by id mod 4, --rows in total), and each
// partition's answer to the unit SQL the planner writes is captured as raw bytes. Each run then feeds
// the captures, cut into 64 KiB chunks as reads deliver them, through the code a live query runs:
// 4 BackendConnections (over stand-in sockets that honour pause/resume) -> stream() -> scatter() ->
// the merger -> ResultWriter (whose socket counts bytes). Chunks go round-robin over the shards that
// are not paused, as the event loop would deliver them. It reports input rows per CPU second of this
// process for each query, beside plain concatenation; the first (warm-up) run's output is checked
// for its row count, and every run must send the same bytes.
//
//   npm run bench:replay-merge                  (builds first)
//   node dist/bench/replay-merge.js [--rows 200000] [--runs 5]
import { EventEmitter } from 'node:events';
import type * as net from 'node:net';
import { startMariaDB } from '../scripts/sandbox';
import { BackendConnection } from '../src/backend/connection';
import { PacketFramer } from '../src/protocol/framing';
import { Cap } from '../src/protocol/constants';
import { planStatement } from '../src/plan';
import type { ShardedSchema } from '../src/config/types';
import type { ShardPlan } from '../src/plan/types';
import { scatter, type ScatterHost } from '../src/execute/scatter';
import { ResultWriter } from '../src/respond/result-writer';
import { alignColumns } from '../src/loadgen/report-text';
import { cut } from './micro/result-stream';
import { ReplaySocket } from './micro/replay-socket';
import { capture } from './capture';

function flag(name: string, dflt: number): number {
  const i = process.argv.indexOf(name);
  const v = i >= 0 ? Number(process.argv[i + 1]) : dflt;
  if (!(v > 0) || !Number.isInteger(v)) throw new Error(`${name} must be a positive integer`);
  return v;
}

const ROWS = flag('--rows', 200_000);
const RUNS = flag('--runs', 5);
const PARTITIONS = 4;
const CHUNK = 64 * 1024;

const SCHEMA: ShardedSchema = {
  kind: 'sharded',
  name: 'sb',
  partitions: Array.from({ length: PARTITIONS }, (_, i) => ({ write: 'db', read: [], database: `sb_${i}` })),
  tables: { sbtest1: { kind: 'sharded', name: 'sbtest1', shardKey: 'id', algorithm: 'mod', tablesPerPartition: 1 } },
  defaultPartition: 0,
  readYourWritesMs: 0,
  maxReplicaLagSeconds: 0,
  maxLimitRows: 10_000_000,
};

/** The client's socket: counts what sluice writes (and keeps it when asked, to check the rows). */
class ClientSocket extends EventEmitter {
  writableLength = 0;
  written = 0;
  readonly kept: Buffer[] = [];
  constructor(private readonly keep: boolean) {
    super();
  }
  write(b: Buffer): boolean {
    this.written += b.length;
    if (this.keep) this.kept.push(b);
    return true;
  }
}

/** Rows in a text result as the client receives it (column count, definitions, [EOF], rows, end). */
function countRows(stream: Buffer, deprecateEof: boolean): number {
  let packets = 0;
  let columns = 0;
  new PacketFramer((p) => {
    if (packets++ === 0) columns = p[0];
  }).push(stream);
  return packets - 1 - columns - (deprecateEof ? 0 : 1) - 1;
}

interface Case {
  name: string;
  plan: ShardPlan;
  /** Per partition: its captured response cut into reads. */
  chunks: Buffer[][];
  rowsOut: number;
}

/** One execution of the case's plan over the captured chunks; resolves with what the client got. */
function runOnce(c: Case, profile: number, keep: boolean): Promise<ClientSocket> {
  return new Promise((resolve, reject) => {
    const sockets = c.chunks.map(() => new ReplaySocket());
    const conns = sockets.map((s) => BackendConnection.overSocket(s as unknown as net.Socket, profile));
    const client = new ClientSocket(keep);
    const host: ScatterHost = {
      acquire: (p, _primary, cb) => cb(null, { conn: conns[p], release: () => {}, discard: () => {} }),
      describe: (p) => `partition ${p}`,
      inTransaction: false,
      status: 2,
      memoryLimitBytes: 256 * 1024 * 1024,
    };
    let finished = false;
    const out = new ResultWriter(client as unknown as net.Socket, profile);
    scatter(host, c.plan, out, (err) => {
      finished = true;
      if (err) reject(err);
    });
    const next = c.chunks.map(() => 0);
    for (let progressed = true; progressed && !finished; ) {
      progressed = false;
      for (let s = 0; s < sockets.length; s++) {
        if (sockets[s].isPaused() || next[s] >= c.chunks[s].length) continue;
        sockets[s].emit('data', c.chunks[s][next[s]++]);
        progressed = true;
      }
    }
    if (!finished) return reject(new Error(`${c.name}: the merge did not finish (chunks fed ${next.join("/")} of ${c.chunks.map((x) => x.length).join("/")}, paused ${sockets.map((s) => s.isPaused()).join("/")})`));
    setImmediate(() => resolve(client)); // after the writer's last flush
  });
}

async function main(): Promise<void> {
  process.stdout.write(`starting a MariaDB sandbox: ${PARTITIONS} partitions of sbtest1, ${ROWS} rows in total...\n`);
  const db = await startMariaDB();
  try {
    let sql = '';
    for (let p = 0; p < PARTITIONS; p++) {
      sql += `CREATE DATABASE sb_${p} CHARACTER SET utf8mb4;
        CREATE TABLE sb_${p}.sbtest1 (id INT PRIMARY KEY, k INT NOT NULL, c CHAR(120) NOT NULL, pad CHAR(60) NOT NULL, KEY k_1 (k));
        INSERT INTO sb_${p}.sbtest1 SELECT seq, FLOOR(RAND(seq) * 100000),
          LEFT(REPEAT(CONCAT(LPAD(seq * 7919 MOD 100000000000, 11, '0'), '-'), 11), 119),
          LEFT(REPEAT(CONCAT(LPAD(seq * 104729 MOD 100000000000, 11, '0'), '-'), 5), 59)
          FROM sb_${p}.seq_1_to_${ROWS} WHERE seq MOD ${PARTITIONS} = ${p};`;
    }
    await db.sql(sql);
    const conn = await BackendConnection.connect(
      { name: 'db', host: db.host, port: db.port, user: db.user, password: db.password, connectTimeoutMs: 5000 }, 0, null);
    const cases: Case[] = [];
    for (const [name, query, rowsOut] of [
      ['concat: SELECT * FROM sbtest1', 'SELECT * FROM sbtest1', ROWS],
      ['merge: SELECT * FROM sbtest1 ORDER BY id', 'SELECT * FROM sbtest1 ORDER BY id', ROWS],
      ['merge: SELECT id, k, c, pad ... ORDER BY id', 'SELECT id, k, c, pad FROM sbtest1 ORDER BY id', ROWS],
      ['merge: SELECT id, c ... ORDER BY c (text, by weight)', 'SELECT id, c FROM sbtest1 ORDER BY c', ROWS],
      ['merge: ... ORDER BY k, id LIMIT 100', 'SELECT * FROM sbtest1 ORDER BY k, id LIMIT 100', 100],
    ] as const) {
      const plan = planStatement(query, SCHEMA);
      const chunks: Buffer[][] = [];
      for (const unit of plan.units) {
        await capture(conn, `USE ${SCHEMA.partitions[unit.partition].database}`);
        chunks.push(cut(await capture(conn, unit.sql), CHUNK));
      }
      cases.push({ name, plan, chunks, rowsOut });
    }
    const profile = conn.profile;
    conn.close();
    await db.stop();

    const table: string[][] = [['query', 'rows in', 'rows out', 'best ms CPU', 'ns/input row', 'input rows/CPU s']];
    for (const c of cases) {
      const rowsIn = c.plan.merge?.limit != null ? c.chunks.length * Math.min(ROWS / PARTITIONS, c.plan.merge.limit + c.plan.merge.offset) : ROWS;
      let best = Infinity;
      let bytes = -1;
      for (let r = 0; r < RUNS + 1; r++) {
        const t0 = process.cpuUsage();
        const client = await runOnce(c, profile, r === 0);
        const t = process.cpuUsage(t0);
        const sent = client.written;
        if (r === 0) {
          const rows = countRows(Buffer.concat(client.kept), (profile & Cap.DEPRECATE_EOF) !== 0);
          if (rows !== c.rowsOut) throw new Error(`${c.name}: the client got ${rows} rows, expected ${c.rowsOut}`);
        }
        if (bytes >= 0 && sent !== bytes) throw new Error(`${c.name}: run ${r} sent ${sent} bytes, the first ${bytes}`);
        bytes = sent;
        if (r > 0) best = Math.min(best, (t.user + t.system) / 1000); // run 0 warms up
      }
      table.push([c.name, String(Math.round(rowsIn)), String(c.rowsOut), best.toFixed(0),
        ((best * 1e6) / rowsIn).toFixed(0), String(Math.round(rowsIn / (best / 1000)))]);
    }
    process.stdout.write(`\nnode ${process.version}; ${PARTITIONS} captured shard streams in ${CHUNK / 1024} KiB reads; best of ${RUNS} runs\n`);
    process.stdout.write(alignColumns(table) + '\n');
  } finally {
    await db.stop().catch(() => {});
  }
}

main().catch((e: unknown) => {
  console.error(e);
  process.exit(1);
});
