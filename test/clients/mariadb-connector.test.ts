// The client matrix for the `mariadb` npm connector: batch() with stream parameters. A stream cannot
// go in a bulk execute, so the connector sends every row as COM_STMT_SEND_LONG_DATA + COM_STMT_EXECUTE
// and pipelines the rows without waiting for answers; sluice must answer each execute, in order, on
// a forwarding and a sharded schema.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Readable } from 'node:stream';
import { createHash } from 'node:crypto';
import * as mariadb from 'mariadb';
import { BackendConnection } from '../../src/backend/connection';
import { useMatrixCluster, backendStmtExecutes, FORWARD_SCHEMA, SHARDED_SCHEMA, USER, PASSWORD } from './scenario';

const cluster = useMatrixCluster();
const ROWS = 40;

/** Row id's blob: a few kB that differ per row, so a value stored under another row's id shows. */
const blob = (id: number) => Buffer.from(`blob of row ${id};`.repeat(100 + id));
const md5 = (b: Buffer) => createHash('md5').update(b).digest('hex');

async function batchWithStreams(database: string, base: number): Promise<void> {
  const conn = await mariadb.createConnection({ host: '127.0.0.1', port: cluster().port, user: USER, password: PASSWORD, database });
  try {
    const ids = Array.from({ length: ROWS }, (_, k) => base + 1 + k);
    const executes = await backendStmtExecutes(cluster());
    // The stream is read in two pieces, so each row sends its value as two long-data packets.
    const rows = ids.map((id) => [id, `row ${id}`, Readable.from([blob(id).subarray(0, 1000), blob(id).subarray(1000)])]);
    const res = await conn.batch('INSERT INTO typed (id, s, big) VALUES (?, ?, ?)', rows);
    const affected = Array.isArray(res) ? res.reduce((n, r: { affectedRows: number }) => n + r.affectedRows, 0) : (res as { affectedRows: number }).affectedRows;
    assert.equal(affected, ROWS);
    if (database === FORWARD_SCHEMA) assert.ok((await backendStmtExecutes(cluster())) - executes >= ROWS, 'the rows reached the backend as COM_STMT_EXECUTE');
    const back = await conn.query({ sql: 'SELECT id, s, MD5(big) FROM typed WHERE id BETWEEN ? AND ? ORDER BY id', rowsAsArray: true }, [ids[0], ids[ROWS - 1]]);
    assert.deepEqual(back, ids.map((id) => [id, `row ${id}`, md5(blob(id))]));
  } finally {
    await conn.query('DELETE FROM typed WHERE id BETWEEN ? AND ?', [base + 1, base + ROWS]).catch(() => {});
    await conn.end();
  }
}

test('mariadb connector batch() with stream parameters (pipelined long data and executes) on a forwarding schema', { timeout: 30_000 }, () => batchWithStreams(FORWARD_SCHEMA, 700));
test('mariadb connector batch() with stream parameters (pipelined long data and executes) on a sharded schema', { timeout: 30_000 }, () => batchWithStreams(SHARDED_SCHEMA, 800));

// sluice announces the version its backends announce (serverVersion unset), so the connector knows it
// talks to MariaDB: it then pipelines COM_STMT_PREPARE with COM_STMT_EXECUTE of statement id
// 0xffffffff ("the statement just prepared"), which sluice must run as that statement.
test('the handshake announces the backend version, and SELECT VERSION() agrees with it', { timeout: 30_000 }, async () => {
  const direct = await BackendConnection.connect({ name: 'db', host: '127.0.0.1', port: cluster().dbs[0].port, user: cluster().dbs[0].user, password: cluster().dbs[0].password, connectTimeoutMs: 5000 }, 0, null);
  direct.close();
  assert.match(direct.serverVersion, /^5\.5\.5-10\.\d+\.\d+-MariaDB/);
  const conn = await mariadb.createConnection({ host: '127.0.0.1', port: cluster().port, user: USER, password: PASSWORD, database: FORWARD_SCHEMA });
  try {
    assert.equal(conn.info!.isMariaDB(), true);
    assert.equal(conn.info!.serverVersion.raw, direct.serverVersion.replace(/^5\.5\.5-/, ''));
    const [row] = await conn.query({ sql: 'SELECT VERSION()', rowsAsArray: true });
    assert.equal(row[0], direct.serverVersion.replace(/^5\.5\.5-/, ''));
  } finally {
    await conn.end();
  }
});

for (const database of [FORWARD_SCHEMA, SHARDED_SCHEMA]) {
  test(`mariadb connector execute() pipelines PREPARE and EXECUTE of the last prepared statement (${database})`, { timeout: 30_000 }, async () => {
    const conn = await mariadb.createConnection({ host: '127.0.0.1', port: cluster().port, user: USER, password: PASSWORD, database, prepareCacheLength: 0 });
    try {
      await conn.query('DELETE FROM typed WHERE id BETWEEN 901 AND 904');
      for (const id of [901, 902, 903, 904]) await conn.execute('INSERT INTO typed (id, s) VALUES (?, ?)', [id, `row ${id}`]);
      const got = await Promise.all([901, 902, 903, 904].map((id) => conn.execute({ sql: 'SELECT s FROM typed WHERE id = ?', rowsAsArray: true }, [id])));
      assert.deepEqual(got.map((r) => (r as unknown[][])[0][0]), ['row 901', 'row 902', 'row 903', 'row 904']);
      await assert.rejects(conn.execute('SELECT nope FROM typed WHERE id = ?', [1]), (e: { errno: number }) => e.errno === 1054);
      const [after] = (await conn.execute({ sql: 'SELECT COUNT(*) FROM typed WHERE id BETWEEN ? AND ?', rowsAsArray: true }, [901, 904])) as unknown[][];
      assert.equal(Number(after[0]), 4);
    } finally {
      await conn.query('DELETE FROM typed WHERE id BETWEEN 901 AND 904').catch(() => {});
      await conn.end();
    }
  });
}
