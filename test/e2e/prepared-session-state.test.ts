// Session state created through the binary protocol (COM_STMT_PREPARE/EXECUTE, mysql2's execute())
// must bind the client to its backend connection exactly as the text protocol does: a temporary
// table, a user variable, a named lock or a SET left on a pooled connection is seen by the next
// client that gets it. One worker and a small pool, so connections are reused between clients.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import mysql from 'mysql2/promise';
import { startCluster, backendOf, type Cluster } from '../helpers/cluster';
import { BackendConnection } from '../../src/backend/connection';
import { Com } from '../../src/protocol/constants';
import { executePacket } from '../helpers/raw-packets';

let c: Cluster;

before(async () => {
  c = await startCluster({
    backends: 1,
    setup: () => `
      CREATE DATABASE app CHARACTER SET utf8mb4; CREATE TABLE app.t (id INT PRIMARY KEY, v INT); INSERT INTO app.t VALUES (1, 10), (2, 20), (3, 30);
      CREATE DATABASE p0; CREATE TABLE p0.t (id INT PRIMARY KEY, v INT); INSERT INTO p0.t VALUES (2, 20);
      CREATE DATABASE p1; CREATE TABLE p1.t (id INT PRIMARY KEY, v INT); INSERT INTO p1.t VALUES (1, 10), (3, 30);`,
    config: ([db]) => ({
      users: [{ user: 'app', password: 'pw', schemas: ['*'] }],
      backends: { db1: backendOf(db, { min: 0, max: 4 }) },
      schemas: {
        app: { backend: 'db1', database: 'app' },
        sh: {
          partitions: [{ write: 'db1', database: 'p0' }, { write: 'db1', database: 'p1' }],
          tables: { t: { shardKey: 'id', algorithm: 'mod' } },
        },
      },
    }),
    threads: 1,
  });
});

after(async () => {
  await c?.stop();
});

const connect = (database = 'app') => mysql.createConnection({ host: '127.0.0.1', port: c.port, user: 'app', password: 'pw', database });

/** Polls the backend as root until check(output) holds (a dropped connection's state goes when the server notices). */
async function untilServer(sql: string, check: (out: string) => boolean): Promise<string> {
  const deadline = Date.now() + 10_000;
  for (;;) {
    const out = await c.dbs[0].sql(sql);
    if (check(out) || Date.now() > deadline) return out;
    await new Promise((r) => setTimeout(r, 50));
  }
}

test('a temporary table created by execute() stays with its client: 10 new clients neither see it nor fail their own CREATE', async () => {
  for (let i = 0; i < 10; i++) {
    const s = await connect();
    try {
      await assert.rejects(s.execute('SELECT v FROM tmp_leak'), (e: { errno: number }) => e.errno === 1146, `client ${i} read another client's temporary table`);
      await s.execute('CREATE TEMPORARY TABLE tmp_leak (v INT)');
      await s.execute('INSERT INTO tmp_leak VALUES (?)', [i]);
      // Other clients use the pool meanwhile; this one keeps its connection.
      const other = await connect();
      await other.execute('SELECT v FROM t WHERE id = ?', [1]);
      await other.end();
      const [rows] = await s.execute('SELECT v FROM tmp_leak');
      assert.deepEqual(rows, [{ v: i }]);
    } finally {
      await s.end();
    }
  }
});

test('user variables assigned by execute() (SET @x = ?, SELECT … INTO @x, @x := …) stay with their client', async () => {
  for (let i = 0; i < 5; i++) {
    const s = await connect();
    try {
      const [before] = await s.execute('SELECT @a AS a, @b AS b, @c AS c');
      assert.deepEqual(before, [{ a: null, b: null, c: null }], `client ${i} saw another client's user variables`);
      await s.execute('SET @a = ?', [i]);
      await s.execute('SELECT v INTO @b FROM t WHERE id = ?', [2]);
      await s.execute('SELECT @c := ? AS c', [i * 100]);
      const other = await connect();
      await other.execute('SELECT v FROM t WHERE id = ?', [1]);
      await other.end();
      const [after] = await s.execute('SELECT @a AS a, @b AS b, @c AS c');
      assert.deepEqual(after, [{ a: i, b: 20, c: i * 100 }]);
    } finally {
      await s.end();
    }
  }
});

test('GET_LOCK through execute() keeps its connection: another client cannot take the lock, and it is free once the holder leaves', async () => {
  const a = await connect();
  const b = await connect();
  try {
    const [got] = await a.execute('SELECT GET_LOCK(?, 0) AS g', ['stmt_lock']);
    assert.deepEqual(got, [{ g: 1 }]);
    const [other] = await b.execute('SELECT GET_LOCK(?, 0) AS g', ['stmt_lock']);
    assert.deepEqual(other, [{ g: 0 }], 'a second client got the lock another client holds');
    const [released] = await a.execute('SELECT RELEASE_LOCK(?) AS r', ['stmt_lock']);
    assert.deepEqual(released, [{ r: 1 }], 'the holder lost its connection (and the lock with it)');
    await a.execute('SELECT GET_LOCK(?, 0) AS g', ['stmt_lock']);
  } finally {
    await a.end();
    await b.end();
  }
  const free = await untilServer("SELECT IS_FREE_LOCK('stmt_lock')", (out) => out.trim().endsWith('1'));
  assert.match(free.trim(), /1$/, 'the lock outlived its client on a pooled connection');
});

test('SET through execute() follows its client and is not left on the pooled connection', async () => {
  for (let i = 0; i < 4; i++) {
    const s = await connect();
    try {
      const [before] = await s.execute('SELECT @@time_zone AS tz, @@sql_mode LIKE ? AS ansi', ['%ANSI_QUOTES%']);
      assert.deepEqual(before, [{ tz: 'SYSTEM', ansi: 0 }], `client ${i} inherited another client's SET`);
      await s.execute("SET sql_mode = CONCAT(@@sql_mode, ',ANSI_QUOTES')"); // no parameters: recorded and replayed
      await s.execute('SET time_zone = ?', ['+05:00']); // a parameter: the connection is kept
      const other = await connect();
      await other.execute('SELECT v FROM t WHERE id = ?', [1]);
      await other.end();
      const [after] = await s.execute('SELECT @@time_zone AS tz, @@sql_mode LIKE ? AS ansi', ['%ANSI_QUOTES%']);
      assert.deepEqual(after, [{ tz: '+05:00', ansi: 1 }]);
    } finally {
      await s.end();
    }
  }
});

test('SQL_CALC_FOUND_ROWS through execute(): FOUND_ROWS() answers on the same connection', async () => {
  const s = await connect();
  try {
    await s.execute('SELECT SQL_CALC_FOUND_ROWS v FROM t ORDER BY id LIMIT ?', ['1']);
    const other = await connect();
    await other.execute('SELECT SQL_CALC_FOUND_ROWS v FROM t WHERE id = ?', [1]);
    await other.end();
    const [rows] = await s.execute('SELECT FOUND_ROWS() AS n');
    assert.deepEqual(rows, [{ n: 3 }]);
  } finally {
    await s.end();
  }
});

test('USE cannot be prepared (ERR 1295, as MySQL answers what it cannot prepare): the backend connection keeps its database', async () => {
  const s = await connect();
  try {
    await assert.rejects(s.execute('USE p0'), (e: { errno: number; message: string }) => e.errno === 1295 && /text statement/.test(e.message));
    const [rows] = await s.execute('SELECT v FROM t WHERE id = ?', [3]);
    assert.deepEqual(rows, [{ v: 30 }]);
    const [db] = await s.execute('SELECT DATABASE() AS d');
    assert.deepEqual(db, [{ d: 'app' }]);
  } finally {
    await s.end();
  }
});

/** A client speaking the binary protocol by hand (for COM_RESET_CONNECTION, which mysql2 does not send). */
async function rawClient(): Promise<BackendConnection> {
  return BackendConnection.connect({ name: 'sluice', host: '127.0.0.1', port: c.port, user: 'app', password: 'pw', connectTimeoutMs: 5000 }, 0, 'app');
}

async function executeRaw(conn: BackendConnection, sql: string) {
  const stmt = await conn.prepare(sql);
  return conn.command(Com.STMT_EXECUTE, executePacket(stmt.id, 0).subarray(1));
}

test('COM_RESET_CONNECTION and COM_CHANGE_USER end the pin: the temporary table and the lock are gone', async () => {
  const raw = await rawClient();
  try {
    await executeRaw(raw, 'CREATE TEMPORARY TABLE tmp_reset (v INT)');
    await executeRaw(raw, "SELECT GET_LOCK('reset_lock', 0)");
    await raw.command(Com.RESET_CONNECTION);
    await assert.rejects(executeRaw(raw, 'SELECT * FROM tmp_reset'), (e: { errno: number }) => e.errno === 1146);
    const free = await untilServer("SELECT IS_FREE_LOCK('reset_lock')", (out) => out.trim().endsWith('1'));
    assert.match(free.trim(), /1$/);
    // The session goes on, unpinned: another client does not get its state either.
    await executeRaw(raw, 'CREATE TEMPORARY TABLE tmp_reset (v INT)');
  } finally {
    raw.close();
  }
  const s = await connect();
  try {
    await s.execute('CREATE TEMPORARY TABLE tmp_change (v INT)');
    await s.execute('SELECT GET_LOCK(?, 0)', ['change_lock']);
    await s.changeUser({ user: 'app', password: 'pw', database: 'app' });
    await assert.rejects(s.query('SELECT * FROM tmp_change'), (e: { errno: number }) => e.errno === 1146);
    const free = await untilServer("SELECT IS_FREE_LOCK('change_lock')", (out) => out.trim().endsWith('1'));
    assert.match(free.trim(), /1$/);
  } finally {
    await s.end();
  }
});

test('sharded schema: statements that leave state on a partition connection are refused clearly, text and prepared, and leave nothing behind', async () => {
  const refused = [
    'CREATE TEMPORARY TABLE tt (v INT)',
    "SELECT GET_LOCK('sh_lock', 0)",
    'SELECT v INTO @y FROM t WHERE id = 1',
    'SELECT @z := 3',
    'SELECT SQL_CALC_FOUND_ROWS * FROM t WHERE id = 1',
    'HANDLER t OPEN',
  ];
  for (const via of ['query', 'execute'] as const) {
    const s = await connect('sh');
    const run = (sql: string) => (via === 'query' ? s.query(sql) : s.execute(sql));
    try {
      for (const sql of refused) {
        await assert.rejects(run(sql), (e: { errno: number; message: string }) => {
          assert.equal(e.errno, 1235, `${via} ${sql}: ${e.message}`);
          assert.match(e.message, /sharded schema/);
          assert.match(e.message, /forwarding schema/);
          return true;
        }, `${via} ${sql} was run`);
      }
      // The session goes on; ordinary statements and reads of variables still work.
      const [rows] = await run('SELECT v FROM t WHERE id = 3');
      assert.deepEqual(rows, [{ v: 30 }]);
    } finally {
      await s.end();
    }
  }
  // Prepared on a forwarding schema, executed after USE of the sharded one.
  const s = await connect('app');
  try {
    const stmt = await s.prepare('CREATE TEMPORARY TABLE tt (v INT)');
    await s.query('USE sh');
    await assert.rejects(stmt.execute([]), (e: { errno: number }) => e.errno === 1235);
  } finally {
    await s.end();
  }
  const out = await c.dbs[0].sql("SELECT IS_FREE_LOCK('sh_lock')");
  assert.match(out.trim(), /1$/, 'a refused GET_LOCK still took the lock');
});
