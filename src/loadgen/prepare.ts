// `sluice bench prepare` and `cleanup`: the sysbench-like tables the workloads run on.
//   sbtest{N}(id INT PRIMARY KEY AUTO_INCREMENT, k INT, c CHAR(120), pad CHAR(60), KEY k_N(k))
// Rows are inserted in multi-row INSERTs over a few connections, with a progress line.
import { BackendConnection, type BackendTarget } from '../backend/connection';
import { Cap } from '../protocol/constants';
import { ErrorCode, SqlError } from '../protocol/errors';
import { drawValue, rng } from './template';
import type { BenchTarget } from './options';

export interface SchemaOptions {
  target: BenchTarget;
  user: string;
  password: string;
  database: string;
  tables: number;
  tableSize: number;
  /** Progress lines go here (null: none). */
  progress: NodeJS.WritableStream | null;
}

/** Rows per INSERT statement, and INSERT streams running at once. */
const BATCH_ROWS = 1000;
const LOADERS = 4;

function backendTarget(o: SchemaOptions): BackendTarget {
  return { name: o.target.name, host: o.target.host, port: o.target.port, user: o.user, password: o.password, connectTimeoutMs: 10_000 };
}

/** Connects to the database, creating it first (utf8mb4) when the server says it does not exist. */
async function connectCreating(o: SchemaOptions): Promise<BackendConnection> {
  try {
    return await BackendConnection.connect(backendTarget(o), Cap.DEPRECATE_EOF, o.database);
  } catch (e) {
    if (!(e instanceof SqlError) || !e.message.includes(String(ErrorCode.ER_BAD_DB_ERROR))) throw e;
  }
  const admin = await BackendConnection.connect(backendTarget(o), Cap.DEPRECATE_EOF, null);
  try {
    await admin.query(`CREATE DATABASE IF NOT EXISTS \`${o.database}\` CHARACTER SET utf8mb4`);
  } finally {
    admin.close();
  }
  return BackendConnection.connect(backendTarget(o), Cap.DEPRECATE_EOF, o.database);
}

/** The VALUES list of `count` random rows with ids firstId, firstId+1, ... The ids are explicit (sysbench
 * leaves them to AUTO_INCREMENT) so that the same prepare works through sluice on a table sharded by id. */
function valuesOf(firstId: number, count: number, tableSize: number, random: () => number): string {
  const rows: string[] = [];
  const k = { kind: 'int', lo: 1, hi: tableSize } as const;
  for (let i = 0; i < count; i++) {
    rows.push(`(${firstId + i},${drawValue(k, random)},'${drawValue({ kind: 'digits', len: 120 }, random)}','${drawValue({ kind: 'digits', len: 60 }, random)}')`);
  }
  return rows.join(',');
}

/** Drops and creates sbtest1..N and fills each with tableSize rows. */
export async function prepareTables(o: SchemaOptions): Promise<void> {
  const first = await connectCreating(o);
  const conns = [first, ...(await Promise.all(Array.from({ length: LOADERS - 1 }, () =>
    BackendConnection.connect(backendTarget(o), Cap.DEPRECATE_EOF, o.database))))];
  try {
    const total = o.tables * o.tableSize;
    let inserted = 0;
    let lastShown = 0;
    const show = () => {
      const now = Date.now();
      if (now - lastShown < 1000) return;
      lastShown = now;
      o.progress?.write(`prepare: ${inserted}/${total} rows (${Math.floor((inserted / Math.max(total, 1)) * 100)}%)\n`);
    };
    for (let n = 1; n <= o.tables; n++) {
      await first.query(`DROP TABLE IF EXISTS sbtest${n}`);
      await first.query(
        `CREATE TABLE sbtest${n} (id INT NOT NULL AUTO_INCREMENT, k INT NOT NULL DEFAULT 0, ` +
        `c CHAR(120) NOT NULL DEFAULT '', pad CHAR(60) NOT NULL DEFAULT '', PRIMARY KEY (id), KEY k_${n} (k)) ` +
        `ENGINE=InnoDB DEFAULT CHARSET=utf8mb4`);
      let next = 0;
      await Promise.all(conns.map(async (conn, i) => {
        const random = rng(n * 1000 + i);
        while (next < o.tableSize) {
          const count = Math.min(BATCH_ROWS, o.tableSize - next);
          const firstId = next + 1;
          next += count;
          await conn.query(`INSERT INTO sbtest${n} (id, k, c, pad) VALUES ${valuesOf(firstId, count, o.tableSize, random)}`);
          inserted += count;
          show();
        }
      }));
    }
    o.progress?.write(`prepare: sbtest1..sbtest${o.tables} ready, ${total} rows\n`);
  } finally {
    for (const c of conns) c.close();
  }
}

/** Drops sbtest1..N. */
export async function cleanupTables(o: SchemaOptions): Promise<void> {
  const conn = await BackendConnection.connect(backendTarget(o), Cap.DEPRECATE_EOF, o.database);
  try {
    for (let n = 1; n <= o.tables; n++) await conn.query(`DROP TABLE IF EXISTS sbtest${n}`);
    o.progress?.write(`cleanup: dropped sbtest1..sbtest${o.tables}\n`);
  } finally {
    conn.close();
  }
}
