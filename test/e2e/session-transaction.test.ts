// SET SESSION TRANSACTION (isolation level, access mode): JDBC's setReadOnly and setTransactionIsolation
// and Spring send it. It sets the session, so sluice records it like any session SET and every
// connection that serves the session gets it, on a forwarding schema and on every partition of a
// sharded one (refused there before with ERR 1235). SET TRANSACTION without a scope, which sets
// the next transaction only, still stays with its connection (forwarding) or is refused (sharded).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import mysql2 from 'mysql2/promise';
import { startBothPathsCluster, type Cluster } from '../helpers/cluster';

let c: Cluster;

before(async () => {
  c = await startBothPathsCluster({ ddl: 'CREATE TABLE t (id INT PRIMARY KEY, v VARCHAR(16))', tables: ['t'] });
});

after(async () => {
  await c?.stop();
});

for (const database of ['fwd', 'shop']) {
  test(`${database}: SET SESSION TRANSACTION READ ONLY / READ WRITE and ISOLATION LEVEL hold for every statement after it`, { timeout: 30_000 }, async () => {
    const conn = await mysql2.createConnection({ host: '127.0.0.1', port: c.port, user: 'app', password: 'pw', database });
    try {
      await conn.query('SET SESSION TRANSACTION ISOLATION LEVEL READ COMMITTED, READ ONLY');
      // Rows for both partitions of the sharded table: each write is refused by its own partition.
      for (const id of [10, 11]) {
        await assert.rejects(conn.query(`INSERT INTO t VALUES (${id}, 'x')`), (e: { errno: number }) => e.errno === 1792, `id ${id}`);
      }
      const [iso] = await conn.query('SELECT @@session.tx_isolation AS i, @@session.tx_read_only AS r');
      assert.deepEqual(iso, [{ i: 'READ-COMMITTED', r: 1 }]);
      await conn.query('SET SESSION TRANSACTION READ WRITE');
      for (const id of [10, 11]) await conn.query(`INSERT INTO t VALUES (${id}, 'x')`);
      const [after] = await conn.query('SELECT @@session.tx_isolation AS i, @@session.tx_read_only AS r');
      assert.deepEqual(after, [{ i: 'READ-COMMITTED', r: 0 }], 'READ WRITE leaves the isolation level as it was');
      const [rows] = await conn.query('SELECT COUNT(*) AS n FROM t WHERE id IN (10, 11)');
      assert.deepEqual(rows, [{ n: 2 }]);
    } finally {
      await conn.query('DELETE FROM t WHERE id IN (10, 11)').catch(() => {});
      await conn.end();
    }
  });
}

test('shop: SET TRANSACTION (next transaction only) is refused with what to send instead; the session goes on', { timeout: 30_000 }, async () => {
  const conn = await mysql2.createConnection({ host: '127.0.0.1', port: c.port, user: 'app', password: 'pw', database: 'shop' });
  try {
    await assert.rejects(conn.query('SET TRANSACTION READ ONLY'), (e: { errno: number; message: string }) => e.errno === 1235 && /SET SESSION TRANSACTION/.test(e.message) && /START TRANSACTION READ ONLY/.test(e.message));
    const [rows] = await conn.query('SELECT 1 AS one');
    assert.deepEqual(rows, [{ one: 1 }]);
  } finally {
    await conn.end();
  }
});
