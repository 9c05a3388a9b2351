// End to end through sluice to real MariaDB servers: a forwarding schema used with the mariadb CLI
// and mysql2, exactly as if sluice were the server.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import mysql from 'mysql2/promise';
import { Readable } from 'node:stream';
import { execFile } from 'node:child_process';
import { startCluster, backendOf, type Cluster } from '../helpers/cluster';
import { mariadbCli } from '../helpers/mariadb-cli';
import { BackendConnection } from '../../src/backend/connection';
import { Com } from '../../src/protocol/constants';
import { rawPackets, isEnd, executePacket, fetchPacket } from '../helpers/raw-packets';
import type { SqlError } from '../../src/protocol/errors';

let c: Cluster;

const SETUP = `
  CREATE DATABASE legacy_db CHARACTER SET utf8mb4;
  CREATE TABLE legacy_db.items (id INT PRIMARY KEY AUTO_INCREMENT, name VARCHAR(64) NOT NULL, big LONGBLOB);
  INSERT INTO legacy_db.items (name) VALUES ('apple'), ('pear'), ('plum');
  CREATE DATABASE other_db CHARACTER SET utf8mb4;
  CREATE TABLE other_db.t (x INT);
  INSERT INTO other_db.t VALUES (7);
`;

before(async () => {
  c = await startCluster({
    backends: 1,
    setup: () => SETUP,
    config: ([db]) => ({
      users: [
        { user: 'app', password: 'app-secret', schemas: ['legacy'] },
        { user: 'root2', password: 'pw', schemas: ['*'] },
      ],
      // max 1 per worker: sessions on a worker take turns on one backend connection, so session
      // state must be restored on hand-over and pinning must hold.
      backends: { db1: backendOf(db, { min: 0, max: 1 }) },
      schemas: {
        legacy: { backend: 'db1', database: 'legacy_db' },
        other: { backend: 'db1', database: 'other_db' },
      },
    }),
    threads: 1,
  });
});

after(async () => {
  await c?.stop();
});

const connect = (opts: Record<string, unknown> = {}) =>
  mysql.createConnection({ host: '127.0.0.1', port: c.port, user: 'app', password: 'app-secret', database: 'legacy', ...opts });

test('mariadb CLI in batch mode: queries, USE, SHOW DATABASES', async () => {
  const r = await mariadbCli(c.port, 'app', 'app-secret', 'SELECT name FROM items ORDER BY id; SHOW DATABASES;', 'legacy');
  assert.equal(r.code, 0, r.stderr);
  assert.equal(r.stdout, 'name\napple\npear\nplum\nDatabase\ninformation_schema\nlegacy\n');
  const r2 = await mariadbCli(c.port, 'root2', 'pw', 'USE other; SELECT x FROM t;');
  assert.equal(r2.code, 0, r2.stderr);
  assert.equal(r2.stdout, 'x\n7\n');
});

test('mariadb CLI: errors keep the right code, SQLSTATE and message', async () => {
  const bad = await mariadbCli(c.port, 'app', 'nope', 'SELECT 1');
  assert.notEqual(bad.code, 0);
  assert.match(bad.stderr, /ERROR 1045 \(28000\): Access denied for user 'app'@'127\.0\.0\.1' \(using password: YES\)/);
  const unknown = await mariadbCli(c.port, 'app', 'app-secret', 'SELECT 1', 'nosuch');
  assert.match(unknown.stderr, /ERROR 1049 \(42000\): Unknown database 'nosuch'/);
  const forbidden = await mariadbCli(c.port, 'app', 'app-secret', 'SELECT 1', 'other');
  assert.match(forbidden.stderr, /ERROR 1044 \(42000\): Access denied for user 'app'@'%' to database 'other'/);
  const syntax = await mariadbCli(c.port, 'app', 'app-secret', 'SELEC 1', 'legacy');
  assert.match(syntax.stderr, /ERROR 1064 \(42000\).*near 'SELEC 1'/);
});

test('mysql2: query, prepared execute, errors leave the connection usable', async () => {
  const conn = await connect();
  try {
    const [rows] = await conn.query('SELECT id, name FROM items WHERE id <= 2 ORDER BY id');
    assert.deepEqual(rows, [{ id: 1, name: 'apple' }, { id: 2, name: 'pear' }]);
    const [prepared] = await conn.execute('SELECT name FROM items WHERE id = ?', [3]);
    assert.deepEqual(prepared, [{ name: 'plum' }]);
    await assert.rejects(conn.query('SELECT * FROM no_such_table'), (e: { errno: number; sqlState: string }) =>
      e.errno === 1146 && e.sqlState === '42S02');
    await assert.rejects(conn.query('USE nosuch'), (e: { errno: number }) => e.errno === 1049);
    const [after1] = await conn.query('SELECT COUNT(*) AS n FROM items');
    assert.deepEqual(after1, [{ n: 3 }]);
  } finally {
    await conn.end();
  }
});

test('mysql2: multi-statement results arrive in order', async () => {
  const conn = await connect({ multipleStatements: true });
  try {
    const [results] = await conn.query('SELECT 1 AS a; SELECT name FROM items WHERE id = 1; UPDATE items SET name = name WHERE id = 1');
    const r = results as unknown[];
    assert.equal(r.length, 3);
    assert.deepEqual(r[0], [{ a: 1 }]);
    assert.deepEqual(r[1], [{ name: 'apple' }]);
    assert.equal((r[2] as { affectedRows: number }).affectedRows, 1);
  } finally {
    await conn.end();
  }
});

test('rows larger than 16 MiB travel both ways', async () => {
  const conn = await connect();
  try {
    const big = Buffer.alloc(17 * 1024 * 1024 + 13, 'q');
    big[0] = 0x41;
    big[big.length - 1] = 0x5a;
    await conn.query('INSERT INTO items (id, name, big) VALUES (100, ?, ?)', ['huge', big]);
    const [rows] = await conn.query('SELECT big, LENGTH(big) AS n FROM items WHERE id = 100');
    const row = (rows as { big: Buffer; n: number }[])[0];
    assert.equal(row.n, big.length);
    assert.ok(row.big.equals(big));
    await conn.query('DELETE FROM items WHERE id = 100');
  } finally {
    await conn.end();
  }
});

test('session state follows the client across pooled backend connections', async () => {
  // Both sessions live on the single worker, whose pool has one backend connection.
  const a = await connect();
  const b = await connect();
  try {
    await a.query("SET sql_mode = 'ANSI_QUOTES', time_zone = '+05:00'");
    await b.query("SET sql_mode = 'NO_ZERO_DATE'");
    const [ra] = await a.query('SELECT @@sql_mode AS m, @@time_zone AS tz');
    const [rb] = await b.query('SELECT @@sql_mode AS m, @@time_zone AS tz');
    assert.deepEqual(ra, [{ m: 'ANSI_QUOTES', tz: '+05:00' }]);
    assert.deepEqual(rb, [{ m: 'NO_ZERO_DATE', tz: 'SYSTEM' }]);
    await a.query('USE legacy');
    const [ra2] = await a.query("SELECT @@sql_mode AS m, DATABASE() AS d, (SELECT name FROM items WHERE id = 1) AS first");
    // DATABASE() names the logical schema; the row comes from legacy_db
    assert.deepEqual(ra2, [{ m: 'ANSI_QUOTES', d: 'legacy', first: 'apple' }]);
  } finally {
    await a.end();
    await b.end();
  }
});

test('a transaction keeps its backend connection until it ends', async () => {
  const a = await connect();
  const b = await connect();
  try {
    await a.query('BEGIN');
    await a.query("INSERT INTO items (id, name) VALUES (50, 'kiwi')");
    // b waits for the only backend connection while a's transaction holds it, so query from b
    // only after a ends; first check a sees its own row.
    const [seen] = await a.query('SELECT name FROM items WHERE id = 50');
    assert.deepEqual(seen, [{ name: 'kiwi' }]);
    const bQuery = b.query('SELECT COUNT(*) AS n FROM items WHERE id = 50');
    await a.query('ROLLBACK');
    const [rb] = await bQuery;
    assert.deepEqual(rb, [{ n: 0 }]);
    const [ra] = await a.query('SELECT COUNT(*) AS n FROM items WHERE id = 50');
    assert.deepEqual(ra, [{ n: 0 }]);
  } finally {
    await a.end();
    await b.end();
  }
});

test('user variables pin the session to its backend connection', async () => {
  const a = await connect();
  try {
    await a.query('SET @x = 41');
    const [r] = await a.query('SELECT @x + 1 AS v');
    assert.deepEqual(r, [{ v: 42 }]);
    await a.query("INSERT INTO items (name) VALUES ('fig')");
    const [id] = await a.query('SELECT LAST_INSERT_ID() AS id');
    assert.ok((id as { id: number }[])[0].id > 3);
  } finally {
    await a.end();
  }
});

test('unknown commands get ERR 1047 and the session goes on; a malformed packet gets ERR and a close', async () => {
  const target = { name: 'sluice', host: '127.0.0.1', port: c.port, user: 'app', password: 'app-secret', connectTimeoutMs: 5000 };
  const raw = await BackendConnection.connect(target, 0, 'legacy');
  try {
    await assert.rejects(raw.command(Com.DEBUG), (e: SqlError) => e.errno === 1047 && e.sqlState === '08S01');
    const r = await raw.query('SELECT name FROM items WHERE id = 2');
    assert.deepEqual(r.rows, [['pear']]);
    // An empty command packet is malformed: ERR 1835, then sluice closes the connection.
    const closed = new Promise<void>((resolve) => raw.socket.once('close', () => resolve()));
    const reply = new Promise<Buffer>((resolve) => raw.takeOverReads(resolve));
    raw.socket.write(Buffer.from([0, 0, 0, 0]));
    const err = await reply;
    assert.equal(err[4], 0xff);
    assert.equal(err.readUInt16LE(5), 1835);
    await closed;
  } finally {
    raw.destroy();
  }
});

test('prepared statements survive pooling: sluice owns the ids, backends prepare lazily', async () => {
  // One worker, one backend connection: a and b take turns on it, each with its own statements.
  const a = await connect();
  const b = await connect();
  try {
    await a.query('CREATE TABLE IF NOT EXISTS typed (id INT PRIMARY KEY, i BIGINT, d DECIMAL(10,3), f DOUBLE, s VARCHAR(20), dt DATETIME(3), dd DATE, bin VARBINARY(8))');
    const row = [1, '1234567890123', '12.345', 1.5, 'héllo', '2026-11-23 10:11:12.345', '2026-02-28', Buffer.from([0, 1, 2])];
    await a.execute('INSERT INTO typed VALUES (?, ?, ?, ?, ?, ?, ?, ?)', row);
    await b.execute('INSERT INTO typed VALUES (?, ?, ?, ?, ?, ?, ?, ?)', [2, null, null, null, null, null, null, null]);
    for (let i = 0; i < 3; i++) {
      const [ra] = await a.execute('SELECT id, i, d, f, s, dt, dd, bin FROM typed WHERE id = ?', [1]);
      const [rb] = await b.execute('SELECT id, s FROM typed WHERE id = ?', [2]);
      const x = (ra as Record<string, unknown>[])[0];
      assert.equal(x.id, 1);
      assert.equal(String(x.i), '1234567890123');
      assert.equal(x.d, '12.345');
      assert.equal(x.f, 1.5);
      assert.equal(x.s, 'héllo');
      assert.ok((x.bin as Buffer).equals(Buffer.from([0, 1, 2])));
      assert.deepEqual(rb, [{ id: 2, s: null }]);
    }
    // An unknown statement id is an ERR, and the session goes on.
    const raw = await BackendConnection.connect({ name: 'sluice', host: '127.0.0.1', port: c.port, user: 'app', password: 'app-secret', connectTimeoutMs: 5000 }, 0, 'legacy');
    const exec = Buffer.from([0x17, 99, 0, 0, 0, 0, 1, 0, 0, 0]);
    await assert.rejects(raw.command(0x17 as never, exec.subarray(1)), (e: SqlError) => e.errno === 1243);
    assert.deepEqual((await raw.query('SELECT 1 AS one')).rows, [['1']]);
    raw.destroy();
    await a.query('DROP TABLE typed');
  } finally {
    await a.end();
    await b.end();
  }
});

test('COM_CHANGE_USER re-authenticates and starts a clean session; SHOW WARNINGS sees the last statement', async () => {
  const conn = await connect();
  try {
    await conn.query("SET sql_mode = 'ANSI_QUOTES'");
    await conn.changeUser({ user: 'root2', password: 'pw', database: 'other' });
    const [rows] = await conn.query('SELECT x, @@sql_mode AS m FROM t');
    assert.equal((rows as { x: number }[])[0].x, 7);
    assert.notEqual((rows as { m: string }[])[0].m, 'ANSI_QUOTES', 'session state was reset');
    await conn.query("SELECT CAST('12abc' AS SIGNED) AS v");
    const [warnings] = await conn.query('SHOW WARNINGS');
    assert.equal((warnings as { Code: number }[])[0].Code, 1292);
    await assert.rejects(conn.changeUser({ user: 'root2', password: 'wrong' }), (e: { errno: number }) => e.errno === 1045);
  } finally {
    conn.destroy();
  }
});

test('LOAD DATA LOCAL INFILE streams the client\'s file through to the backend', async () => {
  const lines = Array.from({ length: 2000 }, (_, i) => `${i + 1},name-${i + 1}\n`).join('');
  const conn = await connect({ infileStreamFactory: () => Readable.from([Buffer.from(lines)]), flags: ['+LOCAL_FILES'] });
  try {
    await conn.query('CREATE TABLE ld (id INT PRIMARY KEY, name VARCHAR(20))');
    const [res] = await conn.query("LOAD DATA LOCAL INFILE 'rows.csv' INTO TABLE ld FIELDS TERMINATED BY ','");
    assert.equal((res as { affectedRows: number }).affectedRows, 2000);
    const [rows] = await conn.query('SELECT COUNT(*) AS n, MAX(name) AS top FROM ld');
    assert.deepEqual(rows, [{ n: 2000, top: 'name-999' }]);
    await conn.query('DROP TABLE ld');
  } finally {
    await conn.end();
  }
});

test('SELECT DATABASE() names the logical schema', async () => {
  const r = await mariadbCli(c.port, 'app', 'app-secret', 'SELECT DATABASE(); USE legacy; select database();');
  assert.equal(r.code, 0, r.stderr);
  assert.equal(r.stdout, 'DATABASE()\nNULL\ndatabase()\nlegacy\n');
});

test('a prepared statement executed with a cursor, then fetched in pieces (COM_STMT_FETCH)', async () => {
  const conn = await BackendConnection.connect({ name: 'sluice', host: '127.0.0.1', port: c.port, user: 'app', password: 'app-secret', connectTimeoutMs: 5000 }, 0, 'legacy');
  try {
    const stmt = await conn.prepare('SELECT id, name FROM items WHERE id <= 3 ORDER BY id');
    const { packets, send, until } = rawPackets(conn);
    send(executePacket(stmt.id, 0x01)); // CURSOR_TYPE_READ_ONLY
    await until(() => packets.some(isEnd));
    const meta = packets.splice(0);
    assert.equal(meta[0][0], 2, 'two columns');
    assert.ok(meta[meta.length - 1].readUInt16LE(3) & 0x40, 'the cursor is open (SERVER_STATUS_CURSOR_EXISTS)');
    send(fetchPacket(stmt.id, 2));
    await until(() => packets.some(isEnd));
    const first = packets.splice(0);
    assert.equal(first.length, 3, 'two binary rows and an EOF');
    assert.ok(first[2].readUInt16LE(3) & 0x40, 'more rows remain');
    send(fetchPacket(stmt.id, 10));
    await until(() => packets.some(isEnd));
    const rest = packets.splice(0);
    assert.equal(rest.length, 2, 'the last row and an EOF');
    assert.ok(rest[1].readUInt16LE(3) & 0x80, 'SERVER_STATUS_LAST_ROW_SENT');
    // The session goes on with ordinary statements.
    send(Buffer.from([0x0e])); // COM_PING
    await until(() => packets.length > 0);
    assert.equal(packets[0][0], 0x00);
  } finally {
    conn.destroy();
  }
});

test('mariadb-admin status (COM_STATISTICS) answers in mysqladmin\'s format', async () => {
  const out = await new Promise<string>((resolve, reject) => {
    execFile('mariadb-admin', ['--no-defaults', '-h127.0.0.1', `-P${c.port}`, '-uapp', '-papp-secret', '--skip-ssl', 'status'],
      (err, stdout, stderr) => (err ? reject(new Error(stderr || err.message)) : resolve(stdout)));
  });
  assert.match(out, /^Uptime: \d+ {2}Threads: [1-9]\d* {2}Questions: \d+ {2}Slow queries: 0 {2}Opens: 0 {2}Open tables: 0 {2}Queries per second avg: [\d.]+\s*$/);
});
