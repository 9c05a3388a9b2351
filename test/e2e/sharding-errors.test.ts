// Errors from the shards name logical databases and tables, end to end: schema `shop` on two MariaDB
// partitions (shop_0, shop_1); users in 2 tables per partition, items broadcast; ghosts (2 tables per
// partition) and ghostb (broadcast) have rules but no physical tables. A forwarding schema `raw` on
// shop_0 shows that forwarded errors stay as the backend wrote them.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import mysql from 'mysql2/promise';
import { startCluster, backendOf, type Cluster } from '../helpers/cluster';

let c: Cluster;
let s: mysql.Connection;

const tables = (i: number) => `
  CREATE DATABASE shop_${i} CHARACTER SET utf8mb4;
  CREATE TABLE shop_${i}.users_0 (uid INT PRIMARY KEY, name VARCHAR(32) NOT NULL);
  CREATE TABLE shop_${i}.users_1 (uid INT PRIMARY KEY, name VARCHAR(32) NOT NULL);
  CREATE TABLE shop_${i}.items (id INT PRIMARY KEY, title VARCHAR(32));
`;

before(async () => {
  c = await startCluster({
    backends: 2,
    setup: (_db, i) => tables(i),
    config: ([a, b]) => ({
      users: [{ user: 'app', password: 'pw', schemas: ['shop', 'raw'] }],
      backends: { db1: backendOf(a), db2: backendOf(b) },
      schemas: {
        shop: {
          partitions: [{ write: 'db1', database: 'shop_0' }, { write: 'db2', database: 'shop_1' }],
          tables: {
            users: { shardKey: 'uid', algorithm: 'mod', tablesPerPartition: 2 },
            ghosts: { shardKey: 'gid', algorithm: 'mod', tablesPerPartition: 2 },
            items: { broadcast: true },
            ghostb: { broadcast: true },
          },
        },
        raw: { backend: 'db1', database: 'shop_0' },
      },
    }),
  });
  s = await mysql.createConnection({ host: '127.0.0.1', port: c.port, user: 'app', password: 'pw', database: 'shop', multipleStatements: true });
  await s.query(`INSERT INTO users (uid, name) VALUES (1, 'ann'), (2, 'bob'), (3, 'cy'), (4, 'di')`);
  await s.query(`INSERT INTO items (id, title) VALUES (1, 'pen')`);
});

after(async () => {
  await s?.end();
  await c?.stop();
});

interface DriverError { errno: number; sqlState: string; message: string }

/** Runs sql through sluice, expecting an error; returns it. */
async function fails(sql: string, conn: mysql.Connection = s, params?: number[]): Promise<DriverError> {
  try {
    if (params) await conn.execute(sql, params);
    else await conn.query(sql);
  } catch (e) {
    return e as DriverError;
  }
  return assert.fail(`${sql}: expected an error`);
}

/** The backend's part of a scattered error: the text after the "partition N (dbX/shop_N): " prefix. */
function shardPart(message: string): string {
  const m = /^partition [01] \(db[12]\/shop_[01]\): (.*)$/s.exec(message);
  assert.ok(m, `no partition prefix: ${message}`);
  return m[1];
}

/** No physical name of the schema in the text. */
function noPhysical(text: string): void {
  assert.doesNotMatch(text, /shop_[01]|users_[01]|ghosts_[01]/, text);
}

/** The session goes on after an error. */
async function stillUsable(): Promise<void> {
  const [rows] = await s.query('SELECT COUNT(*) AS n FROM users');
  assert.deepEqual(rows, [{ n: 4 }]);
}

test('missing table, one shard (relayed): the logical schema and table, errno and SQLSTATE kept', async () => {
  const e = await fails('SELECT * FROM ghosts WHERE gid = 3'); // partition 1, table ghosts_1
  assert.equal(e.message, "Table 'shop.ghosts' doesn't exist");
  assert.equal(e.errno, 1146);
  assert.equal(e.sqlState, '42S02');
  await stillUsable();
});

test('missing table, every shard (scattered): the partition prefix stays, the backend text is logical', async () => {
  const e = await fails('SELECT * FROM ghosts');
  assert.equal(shardPart(e.message), "Table 'shop.ghosts' doesn't exist");
  assert.equal(e.errno, 1146);
  assert.equal(e.sqlState, '42S02');
  await stillUsable();
});

test('missing broadcast table: a read (one partition) and a write (all partitions)', async () => {
  const read = await fails('SELECT * FROM ghostb');
  assert.equal(read.message, "Table 'shop.ghostb' doesn't exist");
  assert.equal(read.errno, 1146);
  const write = await fails('INSERT INTO ghostb (id) VALUES (1)');
  assert.equal(shardPart(write.message), "Table 'shop.ghostb' doesn't exist");
  assert.equal(write.sqlState, '42S02');
  await stillUsable();
});

test('a qualified unknown column names the logical table', async () => {
  const one = await fails('SELECT users.nope FROM users WHERE uid = 2');
  assert.match(one.message, /^Unknown column 'users\.nope' in '/);
  assert.equal(one.errno, 1054);
  assert.equal(one.sqlState, '42S22');
  const all = await fails('SELECT users.nope FROM users');
  assert.match(shardPart(all.message), /^Unknown column 'users\.nope' in '/);
  await stillUsable();
});

test('a syntax error that echoes the statement shows the logical table', async () => {
  // sluice reads MySQL's ->> operator; MariaDB has no such operator and quotes the rest of the text.
  const one = await fails(`SELECT name->>'$.x' FROM users WHERE uid = 1`);
  assert.equal(one.errno, 1064);
  assert.equal(one.sqlState, '42000');
  assert.match(one.message, /near '>>'\$\.x' FROM users WHERE uid = 1' at line 1$/);
  noPhysical(one.message);
  const all = await fails(`SELECT name->>'$.x' FROM users`);
  assert.match(shardPart(all.message), /near '>>'\$\.x' FROM users' at line 1$/);
  noPhysical(shardPart(all.message));
  await stillUsable();
});

test('DDL on an existing sharded table, and DESCRIBE of a missing one', async () => {
  const create = await fails('CREATE TABLE users (uid INT PRIMARY KEY)');
  assert.equal(shardPart(create.message), "Table 'users' already exists");
  assert.equal(create.errno, 1050);
  const describe = await fails('DESCRIBE ghosts');
  assert.equal(describe.message, "Table 'shop.ghosts' doesn't exist");
  assert.equal(describe.errno, 1146);
  await stillUsable();
});

test('duplicate keys: one shard (relayed) and several (scattered); nothing physical in the message', async () => {
  const one = await fails(`INSERT INTO users (uid, name) VALUES (1, 'again')`);
  assert.equal(one.errno, 1062);
  assert.equal(one.sqlState, '23000');
  assert.match(one.message, /^Duplicate entry '1' for key 'PRIMARY'$/);
  const several = await fails(`INSERT INTO users (uid, name) VALUES (2, 'again'), (3, 'again')`);
  assert.equal(several.errno, 1062);
  assert.match(shardPart(several.message), /^Duplicate entry '[23]' for key 'PRIMARY'$/);
  await stillUsable();
});

test('prepared statements (executed through the scatter path) get logical names too', async () => {
  const e = await fails('SELECT * FROM ghosts WHERE gid = ?', s, [2]);
  assert.equal(shardPart(e.message), "Table 'shop.ghosts' doesn't exist");
  assert.equal(e.errno, 1146);
  await stillUsable();
});

test('in a multi-statement query and a transaction, the first error is logical and the session goes on', async () => {
  const multi = await fails('SELECT 1 FROM users WHERE uid = 1; SELECT * FROM ghosts WHERE gid = 1');
  assert.equal(shardPart(multi.message), "Table 'shop.ghosts' doesn't exist");
  await s.query('BEGIN');
  const inTrx = await fails('SELECT * FROM ghosts WHERE gid = 1');
  assert.equal(shardPart(inTrx.message), "Table 'shop.ghosts' doesn't exist");
  await s.query('ROLLBACK');
  await stillUsable();
});

test('a forwarding schema is not touched: its errors name the backend database as they are', async () => {
  const raw = await mysql.createConnection({ host: '127.0.0.1', port: c.port, user: 'app', password: 'pw', database: 'raw' });
  try {
    const e = await fails('SELECT * FROM ghosts_1', raw);
    assert.equal(e.message, "Table 'shop_0.ghosts_1' doesn't exist");
    assert.equal(e.errno, 1146);
    const [rows] = await raw.query('SELECT COUNT(*) AS n FROM users_1');
    assert.equal((rows as { n: number }[]).length, 1);
  } finally {
    await raw.end();
  }
});
