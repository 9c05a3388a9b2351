// Statements that commit implicitly, as MariaDB 10.11 itself does them: SET autocommit=1 while
// autocommit was 0, BEGIN inside a transaction, DDL, LOCK TABLES, ANALYZE/OPTIMIZE/CHECK/REPAIR, FLUSH.
// Each runs in an open transaction (begun with SET autocommit=0, or BEGIN) on three targets: MariaDB
// directly (the reference, database `ref`), a forwarding schema `fwd` and a sharded schema `shop` of two
// partitions, both through sluice. The OK packet's status flags, @@autocommit and @@in_transaction
// after it, and the rows that survive a disconnect must be the same on all three.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import mysql from 'mysql2/promise';
import { startCluster, backendOf, type Cluster } from '../helpers/cluster';

let c: Cluster;

const IN_TRANS = 0x1;
const AUTOCOMMIT = 0x2;

before(async () => {
  c = await startCluster({
    backends: 2,
    setup: (_db, i) => `CREATE DATABASE shop_${i} CHARACTER SET utf8mb4;` + (i === 0 ? `
      CREATE DATABASE fwd CHARACTER SET utf8mb4; CREATE DATABASE ref CHARACTER SET utf8mb4;
      CREATE TABLE fwd.t (a INT PRIMARY KEY); CREATE TABLE fwd.u (a INT);
      CREATE TABLE ref.t (a INT PRIMARY KEY); CREATE TABLE ref.u (a INT);` : ''),
    config: ([a, b]) => ({
      users: [{ user: 'app', password: 'pw', schemas: ['shop', 'fwd'], privileges: ['read', 'write', 'ddl', 'admin'] }],
      // The forwarding schema has one backend connection per worker: a session that kept it after its
      // transaction ended implicitly would stall every other session.
      backends: { db1: backendOf(a), db2: backendOf(b), fwd1: backendOf(a, { min: 0, max: 1 }) },
      schemas: {
        shop: {
          partitions: [{ write: 'db1', database: 'shop_0' }, { write: 'db2', database: 'shop_1' }],
          tables: { t: { shardKey: 'a', algorithm: 'mod' }, w: { shardKey: 'w_id', algorithm: 'mod' }, d: { shardKey: 'd_w_id', algorithm: 'mod' } },
        },
        fwd: { backend: 'fwd1', database: 'fwd' },
      },
    }),
    threads: 1,
  });
  const s = await connect('shop');
  await s.query('CREATE TABLE t (a INT PRIMARY KEY)');
  await s.query('CREATE TABLE u (a INT)');
  await s.end();
});

after(async () => {
  await c?.stop();
});

type Target = 'ref' | 'fwd' | 'shop';
const TARGETS: Target[] = ['ref', 'fwd', 'shop'];

function connect(target: Target, opts: Partial<mysql.ConnectionOptions> = {}): Promise<mysql.Connection> {
  if (target === 'ref') {
    const db = c.dbs[0];
    return mysql.createConnection({ host: db.host, port: db.port, user: db.user, password: db.password, database: 'ref', ...opts });
  }
  return mysql.createConnection({ host: '127.0.0.1', port: c.port, user: 'app', password: 'pw', database: target, ...opts });
}

async function count(target: Target, table: string): Promise<number> {
  const conn = await connect(target);
  try {
    const [rows] = await conn.query(`SELECT COUNT(*) AS n FROM ${table}`);
    return Number((rows as { n: number }[])[0].n);
  } finally {
    await conn.end();
  }
}

async function vars(conn: mysql.Connection): Promise<{ autocommit: number; inTransaction: number }> {
  const [rows] = await conn.query('SELECT @@autocommit AS a, @@in_transaction AS i');
  const r = (rows as { a: number; i: number }[])[0];
  return { autocommit: Number(r.a), inTransaction: Number(r.i) };
}

/** The in-transaction and autocommit bits of an OK packet's status (rows: the statement returned a result set). */
function flags(result: unknown): string {
  if (Array.isArray(result)) return 'rows';
  const status = (result as mysql.ResultSetHeader).serverStatus;
  return `${status & IN_TRANS ? 'IN_TRANS' : '-'} ${status & AUTOCOMMIT ? 'AUTOCOMMIT' : '-'}`;
}

test('sysbench-tpcc prepare: SET autocommit=0, DDL and inserts, SET SESSION autocommit=1, more inserts, disconnect: every row stays', async () => {
  for (const target of ['fwd', 'shop'] as const) {
    const conn = await connect(target);
    await conn.query('SET autocommit=0');
    await conn.query('CREATE TABLE IF NOT EXISTS w (w_id INT PRIMARY KEY, name VARCHAR(10))');
    await conn.query('CREATE TABLE IF NOT EXISTS d (d_w_id INT, d_id INT, PRIMARY KEY (d_w_id, d_id))');
    await conn.query(`INSERT INTO w VALUES (1, 'a'), (2, 'b'), (3, 'c'), (4, 'd')`);
    await conn.query('INSERT INTO d VALUES (1, 1), (2, 1), (3, 1), (4, 1)');
    const [set] = await conn.query('SET SESSION autocommit=1');
    assert.equal(flags(set), '- AUTOCOMMIT', `${target}: the OK of SET autocommit=1`);
    assert.deepEqual(await vars(conn), { autocommit: 1, inTransaction: 0 }, `${target}: after SET autocommit=1`);
    await conn.query(`INSERT INTO w VALUES (5, 'e'), (6, 'f'), (7, 'g'), (8, 'h')`);
    await conn.query('INSERT INTO d VALUES (5, 1), (6, 1), (7, 1), (8, 1)');
    conn.destroy(); // no COMMIT, no QUIT: what was committed stays
    assert.equal(await count(target, 'w'), 8, `${target}: warehouses`);
    assert.equal(await count(target, 'd'), 8, `${target}: districts`);
    const cleanup = await connect(target);
    await cleanup.query('DROP TABLE w');
    await cleanup.query('DROP TABLE d');
    await cleanup.end();
  }
});

/** Statements run inside an open transaction; each is followed by its undo (when it changed anything). */
const STATEMENTS: [string, string?][] = [
  ['SET autocommit=1'], ['SET SESSION autocommit=1'], ['SET @@autocommit=1'], ['SET @@session.autocommit = 1'],
  ['SET autocommit=ON'], ['SET autocommit = true'], ["SET autocommit=1, sql_mode=''"], ["SET sql_mode='', autocommit=1"],
  ['SET autocommit=0'], ["SET sql_mode=''"],
  ['BEGIN'], ['START TRANSACTION'], ['START TRANSACTION READ ONLY'], ['COMMIT'], ['ROLLBACK'],
  ['COMMIT AND CHAIN'], ['ROLLBACK AND CHAIN'], ['COMMIT AND NO CHAIN'],
  ['CREATE TABLE x1 (a INT)', 'DROP TABLE x1'], ['CREATE TABLE u (a INT)'], ['DROP TABLE IF EXISTS nothere'],
  ['ALTER TABLE u ADD COLUMN b INT', 'ALTER TABLE u DROP COLUMN b'], ['TRUNCATE TABLE u'], ['RENAME TABLE u TO u2', 'RENAME TABLE u2 TO u'],
  ['CREATE INDEX iu ON u (a)', 'DROP INDEX iu ON u'], ['/* why */ DROP TABLE IF EXISTS nothere'],
  ['ANALYZE TABLE u'], ['OPTIMIZE TABLE u'], ['CHECK TABLE u'], ['REPAIR TABLE u'], ['FLUSH TABLES'],
  ['UNLOCK TABLES'], ['SAVEPOINT s1'], ['DO 1'], ['SELECT 1'],
];

for (const mode of ['SET autocommit=0', 'BEGIN']) {
  test(`implicit commits after ${mode} + INSERT: flags, @@autocommit, @@in_transaction and surviving rows as on MariaDB`, async () => {
    const mismatches: string[] = [];
    for (const [sql, undo] of STATEMENTS) {
      const seen: Record<string, string> = {};
      for (const target of TARGETS) {
        const conn = await connect(target);
        await conn.query('DELETE FROM t');
        await conn.query(mode);
        await conn.query('INSERT INTO t VALUES (1), (2)'); // two partitions on shop
        let outcome: string;
        try {
          const [result] = await conn.query(sql);
          outcome = flags(result);
        } catch (e) {
          outcome = `error ${(e as { errno: number }).errno}`;
        }
        const v = await vars(conn);
        conn.destroy();
        seen[target] = `${outcome}; autocommit=${v.autocommit} in_transaction=${v.inTransaction}; rows kept ${await count(target, 't')}`;
        if (undo) {
          const u = await connect(target);
          await u.query(undo);
          await u.end();
        }
      }
      for (const target of ['fwd', 'shop'] as const) {
        if (seen[target] !== seen.ref) mismatches.push(`${sql} on ${target}: ${seen[target]}; MariaDB: ${seen.ref}`);
      }
    }
    assert.deepEqual(mismatches, []);
  });
}

test('a statement that commits implicitly in the middle of a multi-statement query commits what came before it', async () => {
  const seen: Record<string, number> = {};
  for (const target of TARGETS) {
    const conn = await connect(target, { multipleStatements: true });
    try {
      await conn.query('DELETE FROM t');
      await conn.query('SET autocommit=0');
      await conn.query('INSERT INTO t VALUES (1), (2)');
      await conn.query('INSERT INTO t (a) VALUES (3); CREATE TABLE x3 (a INT); INSERT INTO t (a) VALUES (4)');
    } finally {
      conn.destroy(); // 4 was inserted after the implicit commit, in a new transaction: rolled back
    }
    seen[target] = await count(target, 't');
    const u = await connect(target);
    await u.query('DROP TABLE x3');
    await u.end();
  }
  assert.deepEqual(seen, { ref: 3, fwd: 3, shop: 3 });
});

test('SET autocommit=1 with no transaction open and autocommit already 1 changes nothing', async () => {
  for (const target of TARGETS) {
    const conn = await connect(target);
    try {
      await conn.query('DELETE FROM t');
      const [set] = await conn.query('SET autocommit=1');
      assert.equal(flags(set), '- AUTOCOMMIT', target);
      await conn.query('BEGIN');
      await conn.query('INSERT INTO t VALUES (1), (2)');
      const [again] = await conn.query('SET autocommit=1'); // autocommit was 1: the transaction goes on
      assert.equal(flags(again), 'IN_TRANS AUTOCOMMIT', target);
      await conn.query('ROLLBACK');
      assert.equal(await count(target, 't'), 0, target);
    } finally {
      conn.destroy();
    }
  }
});

test('a prepared SET autocommit=1 commits like the text one', async () => {
  for (const target of TARGETS) {
    const conn = await connect(target);
    await conn.query('DELETE FROM t');
    await conn.execute('SET autocommit=0');
    await conn.execute('INSERT INTO t (a) VALUES (?), (?)', [1, 2]);
    const [set] = await conn.execute('SET autocommit=1');
    assert.equal(flags(set), '- AUTOCOMMIT', target);
    conn.destroy();
    assert.equal(await count(target, 't'), 2, target);
  }
});

test('a forwarding session lets its backend connection go when its transaction ends implicitly', async () => {
  // fwd1 has one connection: the second session can only run once the first has let it go.
  const a = await connect('fwd');
  const b = await connect('fwd');
  await a.query('DELETE FROM t');
  await a.query('SET autocommit=0');
  await a.query('INSERT INTO t VALUES (1)');
  await a.query('CREATE TABLE IF NOT EXISTS x2 (a INT)'); // commits
  const [rows] = await b.query('SELECT COUNT(*) AS n FROM t');
  assert.equal(Number((rows as { n: number }[])[0].n), 1);
  await a.query('INSERT INTO t VALUES (2)');
  await a.query('SET autocommit=1'); // commits
  const [rows2] = await b.query('SELECT COUNT(*) AS n FROM t');
  assert.equal(Number((rows2 as { n: number }[])[0].n), 2);
  await b.query('DROP TABLE x2');
  await a.end();
  await b.end();
});

test('COMMIT RELEASE commits and closes the connection, as MariaDB does', async () => {
  for (const target of TARGETS) {
    const conn = await connect(target);
    await conn.query('DELETE FROM t');
    await conn.query('BEGIN');
    await conn.query('INSERT INTO t VALUES (1), (2)');
    await conn.query('COMMIT RELEASE');
    await assert.rejects(conn.query('SELECT 1'), `${target}: the connection is closed`);
    conn.destroy();
    assert.equal(await count(target, 't'), 2, target);
  }
});

test('LOCK TABLES on a sharded schema is refused and commits nothing; UNLOCK TABLES with no locks leaves the transaction open', async () => {
  const conn = await connect('shop');
  await conn.query('BEGIN');
  await conn.query('INSERT INTO t VALUES (7)');
  await assert.rejects(conn.query('LOCK TABLES u WRITE'), (e: { errno: number; message: string }) => {
    assert.equal(e.errno, 1235);
    assert.match(e.message, /LOCK TABLES/);
    return true;
  });
  const [unlock] = await conn.query('UNLOCK TABLES');
  assert.equal(flags(unlock), 'IN_TRANS AUTOCOMMIT');
  await conn.query('ROLLBACK');
  assert.equal(await count('shop', 't WHERE a = 7'), 0);
  await conn.end();
});
