// The scripted session every client of the matrix runs through sluice, and the answers it must give.
// A client script (Node, Python, Java, Perl, the CLI) runs the steps below against one schema and
// prints one line per step, `STEP VALUE`; the test compares the lines with `expectedLines`.
//
//   text              SELECT id, name FROM items ORDER BY id            -> "1:apple,2:pear,3:plum"
//   prepared-stored   insert two `typed` rows with parameters (one all NULL), read them back as the
//                     server's canonical text (CONCAT_WS of IFNULL(col,'N'))
//   prepared-decoded  both rows read with parameters and decoded by the driver: i|d|s|hex(b)|n
//   transaction       BEGIN, INSERT, count inside (1), ROLLBACK, count after (0)  -> "1,0"
//   error             a query on a missing table (its errno), then SELECT 42 on the same connection
//   large             a LARGE_LEN-byte blob written with a parameter and read back: LENGTH:MD5:same
//
// Drivers that can prepare on the server run it both ways (binary protocol, and parameters interpolated
// by the driver: text protocol); the others (PyMySQL, mysqlclient, mysql) always interpolate.
import { before, after } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import mysql from 'mysql2/promise';
import { startCluster, backendOf, type Cluster } from '../helpers/cluster';
import { requireDebianPackages, type ProcessResult } from './processes';

/** The logical schemas of the matrix cluster. */
export const FORWARD_SCHEMA = 'fwd';
export const SHARDED_SCHEMA = 'shard';
/** A second, empty forwarding schema that mariadb-dump output is loaded into. */
export const RESTORE_SCHEMA = 'restore';
export const USER = 'app';
export const PASSWORD = 'app-secret';

/** The parameter values of the prepared-stored step (row base+1; row base+2 is all NULL). */
export const BIG = '9007199254740993'; // 2^53 + 1: a driver that goes through a double loses it
export const DEC = '12345.67';
export const DBL = '2.5';
export const STR = 'žluť 🐟';
export const DATETIME = '2024-02-29 13:14:15.250';
export const BLOB_HEX = '00ff10';
export const SMALL = 7;

/** The large value: LARGE_LEN bytes of 'x' with 'A' first and 'Z' last (a few MB, under 16 MiB). */
export const LARGE_LEN = 3 * 1024 * 1024 + 7;
export function largeValue(): Buffer {
  const b = Buffer.alloc(LARGE_LEN, 'x');
  b[0] = 0x41;
  b[LARGE_LEN - 1] = 0x5a;
  return b;
}

/** Column list and DDL shared by both schemas. */
const ITEMS_DDL = 'CREATE TABLE items (id INT PRIMARY KEY, name VARCHAR(64) NOT NULL)';
const TYPED_DDL =
  'CREATE TABLE typed (id INT PRIMARY KEY, i BIGINT, d DECIMAL(10,2), f DOUBLE, s VARCHAR(64), dt DATETIME(3), b BLOB, n INT, big LONGBLOB)';
const ITEMS_ROWS = "INSERT INTO items (id, name) VALUES (1, 'apple'), (2, 'pear'), (3, 'plum')";

/** The driver-decoded read of the prepared-decoded step (NULL cells print as NULL, blobs as hex). */
export const DECODED_SQL = 'SELECT i, d, s, b, n FROM typed WHERE id IN (?, ?) ORDER BY id';

/** The canonical text of a typed row as the server renders it (the prepared-stored step selects this). */
export const CANONICAL_SQL =
  "SELECT id, CONCAT_WS('|', id, IFNULL(i,'N'), IFNULL(d,'N'), IFNULL(f,'N'), IFNULL(s,'N'), IFNULL(dt,'N'), IFNULL(HEX(b),'N'), IFNULL(n,'N')) AS v FROM typed WHERE id IN (?, ?) ORDER BY id";

/** The lines a client must print for id base `base`. */
export function expectedLines(base: number): string[] {
  const large = largeValue();
  return [
    'text 1:apple,2:pear,3:plum',
    `prepared-stored ${base + 1}|${BIG}|${DEC}|${DBL}|${STR}|${DATETIME}|${BLOB_HEX.toUpperCase()}|${SMALL};${base + 2}|N|N|N|N|N|N|N`,
    `prepared-decoded ${BIG}|${DEC}|${STR}|${BLOB_HEX}|${SMALL};NULL|NULL|NULL|NULL|NULL`,
    'transaction 1,0',
    'error 1146,42',
    `large ${large.length}:${createHash('md5').update(large).digest('hex')}:same`,
  ];
}

/** The step lines of a client's stdout (other output, e.g. warnings, is ignored). */
export function stepLines(stdout: string): string[] {
  const steps = new Set(['text', 'prepared-stored', 'prepared-decoded', 'transaction', 'error', 'large']);
  return stdout.split('\n').filter((l) => steps.has(l.split(' ', 1)[0]));
}

/**
 * One MariaDB sandbox and sluice with three schemas: `fwd` (forwarding to fwd_db, seeded), `restore`
 * (forwarding to the empty restore_db) and `shard` (items, typed and sbtest1 spread by id mod 2 over two
 * databases of the same server). The sharded tables are created and seeded through sluice.
 */
export async function startMatrixCluster(): Promise<Cluster> {
  const c = await startCluster({
    backends: 1,
    setup: () => `
      CREATE DATABASE fwd_db CHARACTER SET utf8mb4;
      USE fwd_db;
      ${ITEMS_DDL};
      ${TYPED_DDL};
      ${ITEMS_ROWS};
      CREATE DATABASE restore_db CHARACTER SET utf8mb4;
      CREATE DATABASE shard_0 CHARACTER SET utf8mb4;
      CREATE DATABASE shard_1 CHARACTER SET utf8mb4;
    `,
    config: ([db]) => ({
      users: [{ user: USER, password: PASSWORD, schemas: [FORWARD_SCHEMA, SHARDED_SCHEMA, RESTORE_SCHEMA] }],
      backends: { db1: backendOf(db) },
      schemas: {
        [FORWARD_SCHEMA]: { backend: 'db1', database: 'fwd_db' },
        [RESTORE_SCHEMA]: { backend: 'db1', database: 'restore_db' },
        [SHARDED_SCHEMA]: {
          partitions: [{ write: 'db1', database: 'shard_0' }, { write: 'db1', database: 'shard_1' }],
          tables: {
            items: { shardKey: 'id', algorithm: 'mod' },
            typed: { shardKey: 'id', algorithm: 'mod' },
            sbtest1: { shardKey: 'id', algorithm: 'mod' }, // created by the sysbench test
            relayed: { shardKey: 'id', algorithm: 'mod' }, // created by the node drivers' test
          },
        },
      },
    }),
    threads: 1,
  });
  try {
    const conn = await mysql.createConnection({ host: '127.0.0.1', port: c.port, user: USER, password: PASSWORD, database: SHARDED_SCHEMA });
    try {
      await conn.query(ITEMS_DDL);
      await conn.query(TYPED_DDL);
      await conn.query(ITEMS_ROWS);
    } finally {
      await conn.end();
    }
  } catch (e) {
    await c.stop();
    throw e;
  }
  return c;
}

/** How many COM_STMT_EXECUTEs the backend has served: proof that a client really used the binary protocol. */
export async function backendStmtExecutes(c: Cluster): Promise<number> {
  const out = await c.dbs[0].sql("SHOW GLOBAL STATUS LIKE 'Com_stmt_execute'");
  return Number(out.trim().split('\t')[1]);
}

/**
 * Runs one client's scripted session and checks its lines, and whether its statements reached the
 * backend as COM_STMT_EXECUTE (`binaryToBackend`; null on sharded schemas, where sluice decides).
 */
export async function checkSession(c: Cluster, label: string, base: number, binaryToBackend: boolean | null, run: () => Promise<ProcessResult>): Promise<void> {
  const executes = await backendStmtExecutes(c);
  const r = await run();
  assert.equal(r.code, 0, `${label} exited with ${r.code}:\n${r.stdout}\n${r.stderr}`);
  assert.deepEqual(stepLines(r.stdout), expectedLines(base), label);
  const binary = (await backendStmtExecutes(c)) - executes;
  if (binaryToBackend === true) assert.ok(binary >= 10, `${label}: only ${binary} COM_STMT_EXECUTE reached the backend`);
  if (binaryToBackend === false) assert.equal(binary, 0, `${label}: prepared on the server`);
}

/**
 * Registers the test file's hooks: check that `debianPackages` are installed (by scripts/setup.sh), start the matrix cluster
 * before the tests and stop it after them. Returns the running cluster's getter.
 */
export function useMatrixCluster(...debianPackages: string[]): () => Cluster {
  let c: Cluster | undefined;
  before(async () => {
    requireDebianPackages(...debianPackages);
    c = await startMatrixCluster();
  });
  after(async () => {
    await c?.stop();
  });
  return () => {
    if (!c) throw new Error('BUG: the matrix cluster is used before its before() hook ran');
    return c;
  };
}
