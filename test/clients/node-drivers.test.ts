// The client matrix for Node drivers: mysql2 (`execute` = binary protocol, `query` = text) and the
// older `mysql` package (text protocol, parameters interpolated by the driver), through sluice on a
// forwarding and a sharded schema.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import mysql2 from 'mysql2/promise';
import * as mariadb from 'mariadb';
import { useMatrixCluster, backendStmtExecutes, expectedLines, FORWARD_SCHEMA, SHARDED_SCHEMA, USER, PASSWORD } from './scenario';
import { runNodeSession, type SqlRunner } from './node-session';

/** The slice of the `mysql` package's API used here (it ships no types). */
interface OldConnection {
  connect(cb: (err: Error | null) => void): void;
  query(opts: { sql: string; values?: unknown[] }, cb: (err: Error | null, rows: unknown) => void): void;
  end(cb: (err?: Error | null) => void): void;
}
const oldMysql = require('mysql') as { createConnection(opts: Record<string, unknown>): OldConnection };

const cluster = useMatrixCluster();

const options = (database: string) => ({
  host: '127.0.0.1', port: cluster().port, user: USER, password: PASSWORD, database,
  supportBigNumbers: true, bigNumberStrings: true, dateStrings: true,
});

async function withMysql2(database: string, prepared: boolean, base: number): Promise<string[]> {
  const conn = await mysql2.createConnection(options(database));
  try {
    const runner: SqlRunner = {
      async rows(sql, params) {
        const [rows] = prepared
          ? await conn.execute({ sql, rowsAsArray: true }, (params ?? []) as mysql2.ExecuteValues[])
          : await conn.query({ sql, rowsAsArray: true }, params ?? []);
        return Array.isArray(rows) ? (rows as unknown[][]) : [];
      },
      begin: () => conn.beginTransaction(),
      rollback: () => conn.rollback(),
    };
    return await runNodeSession(runner, base);
  } finally {
    await conn.end();
  }
}

async function withOldMysql(database: string, base: number): Promise<string[]> {
  // Its default charset is utf8mb3 (UTF8_GENERAL_CI); applications storing emoji ask for utf8mb4.
  const conn = oldMysql.createConnection({ ...options(database), charset: 'UTF8MB4_GENERAL_CI' });
  const query = (sql: string, values?: unknown[]) =>
    new Promise<unknown>((resolve, reject) => conn.query({ sql, values }, (err, rows) => (err ? reject(err) : resolve(rows))));
  await new Promise<void>((resolve, reject) => conn.connect((err) => (err ? reject(err) : resolve())));
  try {
    const runner: SqlRunner = {
      async rows(sql, params) {
        const rows = await query(sql, params);
        return Array.isArray(rows) ? rows.map((r) => Object.values(r as object)) : [];
      },
      begin: async () => void (await query('START TRANSACTION')),
      rollback: async () => void (await query('ROLLBACK')),
    };
    return await runNodeSession(runner, base);
  } finally {
    await new Promise<void>((resolve) => conn.end(() => resolve()));
  }
}

test('mysql2 execute (binary protocol) on a forwarding schema', async () => {
  const executes = await backendStmtExecutes(cluster());
  assert.deepEqual(await withMysql2(FORWARD_SCHEMA, true, 100), expectedLines(100));
  assert.ok((await backendStmtExecutes(cluster())) - executes >= 10, 'the executes reached the backend as COM_STMT_EXECUTE');
});

test('mysql2 query (text protocol) on a forwarding schema', async () => {
  assert.deepEqual(await withMysql2(FORWARD_SCHEMA, false, 200), expectedLines(200));
});

test('mysql2 execute (binary protocol) on a sharded schema', async () => {
  assert.deepEqual(await withMysql2(SHARDED_SCHEMA, true, 600), expectedLines(600));
});

test('mysql2 query (text protocol) on a sharded schema', async () => {
  assert.deepEqual(await withMysql2(SHARDED_SCHEMA, false, 300), expectedLines(300));
});

test('mysql (older driver) on a forwarding schema', async () => {
  assert.deepEqual(await withOldMysql(FORWARD_SCHEMA, 400), expectedLines(400));
});

test('mysql (older driver) on a sharded schema', async () => {
  assert.deepEqual(await withOldMysql(SHARDED_SCHEMA, 500), expectedLines(500));
});

test('mysql2 execute on a sharded schema: a one-partition statement as written goes to that partition as COM_STMT_EXECUTE, its binary answer relayed; others are merged', async () => {
  const conn = await mysql2.createConnection(options(SHARDED_SCHEMA));
  try {
    await conn.query('CREATE TABLE relayed (id INT PRIMARY KEY, d DECIMAL(10,2), s VARCHAR(32), dt DATETIME(3), b BLOB, n INT)');
    await conn.query("INSERT INTO relayed VALUES (1, 1.50, 'one', '2024-02-29 13:14:15.250', x'00ff', NULL), (2, -2.25, 'two', '1999-12-31 23:59:59.125', x'', 7)");
    const before = await backendStmtExecutes(cluster());
    for (const [id, want] of [[1, [1, '1.50', 'one', '2024-02-29 13:14:15.250', '00ff', null]], [2, [2, '-2.25', 'two', '1999-12-31 23:59:59.125', '', 7]]] as const) {
      const [rows] = await conn.execute({ sql: 'SELECT id, d, s, dt, b, n FROM relayed WHERE id = ?', rowsAsArray: true }, [id]);
      const got = (rows as unknown[][]).map((r) => r.map((v) => (Buffer.isBuffer(v) ? v.toString('hex') : v)));
      assert.deepEqual(got, [want]);
    }
    const [upd] = await conn.execute('UPDATE relayed SET n = ? WHERE id = ?', [9, 1]);
    assert.equal((upd as { affectedRows: number }).affectedRows, 1);
    const relayed = (await backendStmtExecutes(cluster())) - before;
    assert.equal(relayed, 3, 'the two point selects and the update ran as prepared statements on their partition');
    // Across partitions (a range): planned, run as text on each and merged into binary rows by sluice.
    const [range] = await conn.execute({ sql: 'SELECT id, n FROM relayed WHERE id BETWEEN ? AND ? ORDER BY id', rowsAsArray: true }, [1, 2]);
    assert.deepEqual(range, [[1, 9], [2, 7]]);
    assert.equal((await backendStmtExecutes(cluster())) - before, 3, 'the merged one was not');
    // An error on the relayed path names the logical schema.
    await assert.rejects(conn.execute('SELECT nope FROM relayed WHERE id = ?', [1]), (e: { errno: number; message: string }) =>
      e.errno === 1054 && !/shard_\d/.test(e.message));
  } finally {
    await conn.query('DROP TABLE IF EXISTS relayed').catch(() => {});
    await conn.end();
  }
});

// USE is answered by sluice itself: its OK must carry SESSION_TRACK_SCHEMA as MariaDB's does, or
// clients that track the current schema (mysql2's stateChanges, the mariadb connector's
// info.database) keep the old one.
test('USE answers with the schema change tracked (SESSION_TRACK_SCHEMA), as MariaDB does', { timeout: 30_000 }, async () => {
  const db = cluster().dbs[0];
  const direct = await mysql2.createConnection({ host: '127.0.0.1', port: db.port, user: db.user, password: db.password });
  try {
    const [res] = await direct.query('USE information_schema');
    assert.equal((res as { stateChanges?: { schema: string } }).stateChanges?.schema, 'information_schema', 'MariaDB itself tracks the schema');
  } finally {
    await direct.end();
  }
  const conn = await mysql2.createConnection({ host: '127.0.0.1', port: cluster().port, user: USER, password: PASSWORD, database: FORWARD_SCHEMA });
  try {
    for (const schema of [SHARDED_SCHEMA, FORWARD_SCHEMA]) {
      const [res] = await conn.query(`USE ${schema}`);
      assert.equal((res as { stateChanges?: { schema: string } }).stateChanges?.schema, schema);
    }
  } finally {
    await conn.end();
  }
  const mdb = await mariadb.createConnection({ host: '127.0.0.1', port: cluster().port, user: USER, password: PASSWORD, database: FORWARD_SCHEMA });
  try {
    await mdb.query(`USE ${SHARDED_SCHEMA}`);
    assert.equal((mdb.info as unknown as { database: string }).database, SHARDED_SCHEMA);
  } finally {
    await mdb.end();
  }
});
