// Read/write splitting against a real MariaDB primary and a GTID replica of it (set up by
// scripts/sandbox.ts), with sluice in front. Which server answered is told by @@server_id in the
// select list: the replica's id for reads outside transactions, the primary's for writes,
// transactions, locking reads and the primary hint, for reads right after a write with
// readYourWritesMs, and whenever the replica is not replicating or not there at all.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import mysql from 'mysql2/promise';
import { startMariaDB, startReplica, waitCaughtUp, slaveStatus, type MariaDBInstance } from '../../scripts/sandbox';
import { resolveConfig } from '../../src/config';
import { startServer, type RunningServer } from '../../src/server';
import { createLogger } from '../../src/logger';
import { backendOf } from '../helpers/cluster';

let primary: MariaDBInstance;
let replica: MariaDBInstance;
let sluice: RunningServer;
let shop: mysql.Connection; // schema `shop`: lag check on, no read-your-writes
let ryw: mysql.Connection; // schema `shop_ryw`: the same partition with readYourWritesMs

const table = (shardKey: string) => ({ shardKey, algorithm: 'mod' });

before(async () => {
  primary = await startMariaDB({ logBin: true });
  replica = await startReplica(primary);
  await primary.sql(
    'CREATE DATABASE shop_0 CHARACTER SET utf8mb4;' +
    ' CREATE TABLE shop_0.items (id INT PRIMARY KEY, note VARCHAR(20), sid INT);' +
    " INSERT INTO shop_0.items (id, note) VALUES (1, 'one');");
  await waitCaughtUp(primary, replica);
  const partitions = [{ write: 'p', read: ['r'], database: 'shop_0' }];
  const config = resolveConfig({
    listen: '127.0.0.1:0', threads: 1, logLevel: 'error',
    users: [{ user: 'app', password: 'pw', schemas: ['*'] }],
    backends: { p: backendOf(primary), r: backendOf(replica) },
    schemas: {
      shop: { partitions, tables: { items: table('id') }, maxReplicaLagSeconds: 30 },
      shop_ryw: { partitions, tables: { items: table('id') }, readYourWritesMs: 2000 },
    },
  });
  sluice = await startServer(config, { logger: createLogger('error') });
  const connect = (database: string) => mysql.createConnection({ host: '127.0.0.1', port: sluice.address.port, user: 'app', password: 'pw', database });
  [shop, ryw] = await Promise.all([connect('shop'), connect('shop_ryw')]);
});

after(async () => {
  await shop?.end();
  await ryw?.end();
  await sluice?.close();
  await replica?.stop();
  await primary?.stop();
});

/** The @@server_id of the server that answered a read of items through `conn`. */
async function servedBy(conn: mysql.Connection, sql = 'SELECT @@server_id AS sid, note FROM items WHERE id = 1'): Promise<number> {
  const [rows] = await conn.query<mysql.RowDataPacket[]>(sql);
  assert.ok(rows.length > 0, `no row for ${sql}`);
  return Number(rows[0].sid);
}

/** Polls servedBy until it answers `want` (errors while a backend goes away count as not yet), bounded. */
async function untilServedBy(conn: mysql.Connection, want: number, timeoutMs = 15_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let last: unknown;
  for (;;) {
    try {
      last = await servedBy(conn);
      if (last === want) return;
    } catch (e) {
      last = e;
    }
    if (Date.now() > deadline) assert.fail(`reads not served by server ${want} within ${timeoutMs} ms; last: ${String(last)}`);
    await new Promise((r) => setTimeout(r, 50)); // poll interval of a routing check
  }
}

test('the pair replicates and the servers are told apart by @@server_id', async () => {
  assert.notEqual(primary.serverId, replica.serverId);
  assert.equal((await replica.sql('SELECT note FROM shop_0.items WHERE id = 1')).trim(), 'one');
});

test('reads outside a transaction reach the replica', async () => {
  for (let i = 0; i < 5; i++) assert.equal(await servedBy(shop), replica.serverId);
  assert.equal(await servedBy(shop, 'SELECT @@server_id AS sid FROM items'), replica.serverId); // all-partition read
  assert.equal(await servedBy(shop, 'SELECT @@server_id AS sid'), replica.serverId); // no table: default partition
});

test('writes reach the primary', async () => {
  // @@server_id evaluated by the server that runs the INSERT; row-based replication copies the value.
  await shop.query("INSERT INTO items (id, note, sid) VALUES (2, 'two', @@server_id)");
  assert.equal((await primary.sql('SELECT sid FROM shop_0.items WHERE id = 2')).trim(), String(primary.serverId));
  await shop.query('UPDATE items SET sid = @@server_id + 1000 WHERE id = 2');
  assert.equal((await primary.sql('SELECT sid FROM shop_0.items WHERE id = 2')).trim(), String(primary.serverId + 1000));
});

test('a write becomes visible to reads on the replica once it caught up', async () => {
  await shop.query("INSERT INTO items (id, note) VALUES (3, 'three')");
  await waitCaughtUp(primary, replica);
  const [rows] = await shop.query<mysql.RowDataPacket[]>('SELECT @@server_id AS sid, note FROM items WHERE id = 3');
  assert.deepEqual(rows.map((r) => [Number(r.sid), r.note]), [[replica.serverId, 'three']]);
});

test('reads inside a transaction reach the primary, and the replica again after it', async () => {
  await shop.query('BEGIN');
  assert.equal(await servedBy(shop), primary.serverId);
  assert.equal(await servedBy(shop, 'SELECT @@server_id AS sid FROM items'), primary.serverId);
  await shop.query('COMMIT');
  assert.equal(await servedBy(shop), replica.serverId);
  await shop.query('START TRANSACTION');
  assert.equal(await servedBy(shop), primary.serverId);
  await shop.query('ROLLBACK');
  assert.equal(await servedBy(shop), replica.serverId);
});

test('locking reads reach the primary', async () => {
  assert.equal(await servedBy(shop, 'SELECT @@server_id AS sid FROM items WHERE id = 1 FOR UPDATE'), primary.serverId);
  assert.equal(await servedBy(shop, 'SELECT @@server_id AS sid FROM items WHERE id = 1 LOCK IN SHARE MODE'), primary.serverId);
});

test('the /*+ sluice:primary */ hint forces the primary; the same read without it does not', async () => {
  for (let i = 0; i < 2; i++) { // twice: the second time from the plan cache
    assert.equal(await servedBy(shop, 'SELECT /*+ sluice:primary */ @@server_id AS sid FROM items WHERE id = 1'), primary.serverId);
    assert.equal(await servedBy(shop, '/*+ sluice:primary */ SELECT @@server_id AS sid FROM items WHERE id = 1'), primary.serverId);
    assert.equal(await servedBy(shop, 'SELECT @@server_id AS sid FROM items WHERE id = 1'), replica.serverId);
  }
});

test('with readYourWritesMs a read right after a write goes to the primary, for that long', async () => {
  assert.equal(await servedBy(ryw), replica.serverId); // before any write
  await ryw.query("UPDATE items SET note = 'uno' WHERE id = 1");
  const [rows] = await ryw.query<mysql.RowDataPacket[]>('SELECT @@server_id AS sid, note FROM items WHERE id = 1');
  assert.deepEqual(rows.map((r) => [Number(r.sid), r.note]), [[primary.serverId, 'uno']]);
  await untilServedBy(ryw, replica.serverId); // the 2 s window ends
  // a session without the setting reads the replica right after its own write
  await shop.query("UPDATE items SET note = 'one' WHERE id = 1");
  assert.equal(await servedBy(shop), replica.serverId);
});

test('with readYourWritesMs a read right after a committed transaction goes to the primary', async () => {
  const conn = await mysql.createConnection({ host: '127.0.0.1', port: sluice.address.port, user: 'app', password: 'pw', database: 'shop_ryw' });
  try {
    assert.equal(await servedBy(conn), replica.serverId);
    await conn.query('BEGIN');
    await conn.query("UPDATE items SET note = 'eins' WHERE id = 1");
    await conn.query('COMMIT');
    assert.equal(await servedBy(conn), primary.serverId);
  } finally {
    await conn.end();
  }
});

test('a replica lagging beyond maxReplicaLagSeconds leaves the rotation until it catches up', async () => {
  // A replica transaction holds the row lock that the next replicated change needs, so the SQL
  // thread waits on an event stamped 100 s ago (SET timestamp): Seconds_Behind_Master ~ 100 > 30.
  const blocker = await mysql.createConnection({ host: replica.host, port: replica.port, user: replica.user, password: replica.password, database: 'shop_0' });
  try {
    await blocker.query('BEGIN');
    await blocker.query('SELECT * FROM items WHERE id = 1 FOR UPDATE');
    await primary.sql("SET timestamp = UNIX_TIMESTAMP() - 100; UPDATE shop_0.items SET note = 'late' WHERE id = 1;");
    await untilServedBy(shop, primary.serverId);
    const st = await slaveStatus(replica);
    assert.equal(st.Slave_SQL_Running, 'Yes');
    assert.ok(Number(st.Seconds_Behind_Master) > 30, `Seconds_Behind_Master ${st.Seconds_Behind_Master}`);
    await blocker.query('COMMIT');
    await waitCaughtUp(primary, replica);
    await untilServedBy(shop, replica.serverId);
  } finally {
    await blocker.end();
  }
});

test('a replica whose replication stopped leaves the rotation and returns when it runs again', async () => {
  await replica.sql('STOP SLAVE SQL_THREAD');
  await untilServedBy(shop, primary.serverId); // Seconds_Behind_Master is NULL: out of rotation
  for (let i = 0; i < 5; i++) assert.equal(await servedBy(shop), primary.serverId);
  await replica.sql('START SLAVE SQL_THREAD');
  await untilServedBy(shop, replica.serverId);
});

test('reads still succeed, on the primary, once the replica server is gone', async () => {
  await replica.stop();
  await untilServedBy(shop, primary.serverId);
  for (let i = 0; i < 10; i++) assert.equal(await servedBy(shop), primary.serverId);
});
