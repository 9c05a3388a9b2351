// Statement access control, end to end: sluice checks every statement against the user's schemas and
// privileges before it reaches a backend, on a forwarding schema (fwd) and a sharded one (shop), by
// text, prepared statement and multi-statement. One MariaDB holds everything: fwd, fwd2 (another
// user's forwarding schema), alias (logical name alias, database alias_db) and shop_0/shop_1 (the
// partitions of shop); the backend account can do anything, so every refusal here is sluice's.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import mysql from 'mysql2/promise';
import { startCluster, backendOf, type Cluster } from '../helpers/cluster';
import { rawPackets, isEnd } from '../helpers/raw-packets';
import { BackendConnection } from '../../src/backend/connection';

let c: Cluster;
const open: mysql.Connection[] = [];

const setup = () => `
  CREATE DATABASE fwd CHARACTER SET utf8mb4;
  CREATE TABLE fwd.t (id INT PRIMARY KEY, v VARCHAR(20));
  INSERT INTO fwd.t VALUES (1, 'mine');
  CREATE DATABASE fwd2 CHARACTER SET utf8mb4;
  CREATE TABLE fwd2.secrets (s VARCHAR(40));
  INSERT INTO fwd2.secrets VALUES ('other-user-data');
  CREATE DATABASE alias_db CHARACTER SET utf8mb4;
  CREATE TABLE alias_db.t (id INT);
  CREATE DATABASE shop_0 CHARACTER SET utf8mb4;
  CREATE DATABASE shop_1 CHARACTER SET utf8mb4;
  CREATE TABLE shop_0.users (uid INT PRIMARY KEY, name VARCHAR(20));
  CREATE TABLE shop_1.users (uid INT PRIMARY KEY, name VARCHAR(20));
  INSERT INTO shop_0.users VALUES (2, 'bo');
  INSERT INTO shop_1.users VALUES (1, 'al');
`;

before(async () => {
  c = await startCluster({
    backends: 1,
    setup,
    config: ([a]) => ({
      users: [
        { user: 'app', password: 'pw', schemas: ['fwd', 'shop', 'alias'] },
        { user: 'ro', password: 'pw', schemas: ['fwd', 'shop'], privileges: ['read'] },
        { user: 'ops', password: 'pw', schemas: ['fwd', 'shop'], privileges: ['read', 'write', 'ddl', 'admin'] },
        { user: 'other', password: 'pw', schemas: ['fwd2'] },
      ],
      backends: { db1: backendOf(a) },
      schemas: {
        fwd: { backend: 'db1', database: 'fwd' },
        fwd2: { backend: 'db1', database: 'fwd2' },
        alias: { backend: 'db1', database: 'alias_db' },
        shop: {
          partitions: [{ write: 'db1', database: 'shop_0' }, { write: 'db1', database: 'shop_1' }],
          tables: { users: { shardKey: 'uid', algorithm: 'mod' } },
        },
      },
    }),
  });
});

after(async () => {
  await Promise.all(open.map((s) => s.end().catch(() => undefined)));
  await c?.stop();
});

async function connect(user: string, database: string): Promise<mysql.Connection> {
  const s = await mysql.createConnection({ host: '127.0.0.1', port: c.port, user, password: 'pw', database, multipleStatements: true });
  open.push(s);
  return s;
}

interface DriverError { errno: number; sqlState: string; message: string }

const SQLSTATE: Record<number, string> = { 1044: '42000', 1142: '42000', 1227: '42000', 1235: '42000' };

/** sql (text, or prepared with params) fails with errno and message; the session still answers. */
async function refused(s: mysql.Connection, sql: string, errno: number, message: string | RegExp, params?: (string | number)[]): Promise<void> {
  let err: DriverError | null = null;
  try {
    if (params) await s.execute(sql, params);
    else await s.query(sql);
  } catch (e) {
    err = e as DriverError;
  }
  assert.ok(err, `${sql}: expected error ${errno}`);
  assert.equal(err.errno, errno, `${sql}: ${err.message}`);
  assert.equal(err.sqlState, SQLSTATE[errno]);
  if (typeof message === 'string') assert.equal(err.message, message);
  else assert.match(err.message, message);
  const [rows] = await s.query('SELECT 1 AS one');
  assert.deepEqual(rows, [{ one: 1 }]);
}

/** What root sees on the backend (the databases, a variable), to show a refused statement changed nothing. */
async function backendDatabases(): Promise<string> {
  return c.dbs[0].sql('SHOW DATABASES');
}

const denied = (user: string, db: string, table: string, cmd = 'SELECT') =>
  `${cmd} command denied to user '${user}'@'%' for table \`${db}\`.\`${table}\``;
const dbDenied = (user: string, db: string) => `Access denied for user '${user}'@'%' to database '${db}'`;
const needs = (priv: string) => `Access denied; you need (at least one of) the ${priv} privilege(s) for this operation`;

for (const schema of ['fwd', 'shop']) {
  test(`${schema}: another logical schema's table by qualified name (plain, backquoted, spaced, in a join list)`, async () => {
    const s = await connect('app', schema);
    for (const sql of [
      'SELECT * FROM fwd2.secrets',
      'SELECT * FROM `fwd2`.`secrets`',
      'SELECT * FROM fwd2 . secrets',
      'SELECT * FROM users, fwd2.secrets',
      'SELECT (SELECT s FROM fwd2.secrets LIMIT 1) AS x',
      'INSERT INTO fwd2.secrets VALUES (1)',
      'UPDATE fwd2.secrets SET s = 1',
      'DELETE FROM fwd2.secrets',
    ]) {
      const cmd = /^(INSERT|UPDATE|DELETE)/.exec(sql)?.[1] ?? 'SELECT';
      await refused(s, sql, 1142, denied('app', 'fwd2', 'secrets', cmd));
    }
  });

  test(`${schema}: mysql, performance_schema and sys are denied`, async () => {
    const s = await connect('app', schema);
    await refused(s, 'SELECT User, authentication_string FROM mysql.user', 1142, denied('app', 'mysql', 'user'));
    await refused(s, 'SELECT * FROM performance_schema.threads', 1142, denied('app', 'performance_schema', 'threads'));
    await refused(s, 'SELECT * FROM sys.version', 1142, denied('app', 'sys', 'version'));
    await refused(s, 'SELECT mysql.user.User FROM mysql.user', 1142, denied('app', 'mysql', 'user'));
    await refused(s, 'SHOW TABLES FROM mysql', 1044, dbDenied('app', 'mysql'));
    await refused(s, 'SHOW COLUMNS FROM user FROM mysql', 1044, dbDenied('app', 'mysql'));
    // information_schema.PROCESSLIST is answered with sluice's sessions: the rest of its statement is checked too.
    await refused(s, 'SELECT u.authentication_string FROM information_schema.PROCESSLIST p JOIN mysql.user u', 1142, denied('app', 'mysql', 'user'));
    await refused(s, 'SELECT ID FROM information_schema.PROCESSLIST UNION SELECT authentication_string FROM mysql.user', 1142, denied('app', 'mysql', 'user'));
  });

  test(`${schema}: CREATE and DROP DATABASE outside the user's schemas, admin included`, async () => {
    for (const user of ['app', 'ops']) {
      const s = await connect(user, schema);
      await refused(s, 'CREATE DATABASE evil', 1044, dbDenied(user, 'evil'));
      await refused(s, 'DROP DATABASE fwd2', 1044, dbDenied(user, 'fwd2'));
      await refused(s, 'DROP SCHEMA IF EXISTS mysql', 1044, dbDenied(user, 'mysql'));
    }
    const dbs = await backendDatabases();
    assert.match(dbs, /\bfwd2\b/);
    assert.doesNotMatch(dbs, /\bevil\b/);
  });

  test(`${schema}: server-level statements need admin`, async () => {
    const s = await connect('app', schema);
    const statements: [string, string][] = [
      ['SET GLOBAL max_connections = 10', 'SUPER'], ['SET @@global.max_connections = 10', 'SUPER'],
      ['SET SESSION sql_log_bin = 0', 'SUPER'], ["GRANT ALL ON *.* TO 'x'@'%'", 'GRANT OPTION'],
      ["CREATE USER 'x'@'%' IDENTIFIED BY 'y'", 'CREATE USER'], ['SHUTDOWN', 'SHUTDOWN'], ['FLUSH TABLES', 'RELOAD'],
      ['RESET MASTER', 'RELOAD'], ["SELECT LOAD_FILE('/etc/hostname') AS f", 'FILE'], ["SELECT 1 INTO OUTFILE '/tmp/sluice-access-out'", 'FILE'],
      ["SELECT 1 INTO DUMPFILE '/tmp/sluice-access-dump'", 'FILE'], ["LOAD DATA INFILE '/etc/hostname' INTO TABLE users", 'FILE'],
    ];
    for (const [sql, privilege] of statements) await refused(s, sql, 1227, needs(privilege));
    assert.match(await c.dbs[0].sql("SELECT @@global.max_connections"), /151/);
  });

  test(`${schema}: executable comments are read as SQL`, async () => {
    const s = await connect('app', schema);
    await refused(s, 'SELECT 1 /*! , (SELECT COUNT(*) FROM mysql.user) */', 1142, denied('app', 'mysql', 'user'));
    await refused(s, '/*!40000 SET GLOBAL max_connections = 10 */', 1227, needs('SUPER'));
    await refused(s, 'SELECT 1 /*M!100000 , LOAD_FILE("/etc/hostname") */', 1227, needs('FILE'));
    // An ordinary comment or a string that mentions them is no reference.
    const [rows] = await s.query("SELECT 'mysql.user' AS a /* FROM mysql.user */ -- LOAD_FILE(x)\n");
    assert.deepEqual(rows, [{ a: 'mysql.user' }]);
  });

  test(`${schema}: a backslash that ends a string under NO_BACKSLASH_ESCAPES hides nothing`, async () => {
    const s = await connect('app', schema);
    await s.query("SET sql_mode = 'NO_BACKSLASH_ESCAPES'");
    await refused(s, "SELECT '\\' AS a, (SELECT authentication_string FROM mysql.user LIMIT 1) AS b -- '", 1142, denied('app', 'mysql', 'user'));
    const [rows] = await s.query("SELECT 'a\\b' AS a");
    assert.deepEqual(rows, [{ a: 'a\\b' }]);
  });

  test(`${schema}: prepared statements are checked at prepare`, async () => {
    const s = await connect('app', schema);
    await refused(s, 'SELECT User FROM mysql.user WHERE 1 = ?', 1142, denied('app', 'mysql', 'user'), [1]);
    await refused(s, 'SELECT s FROM fwd2.secrets WHERE 1 = ?', 1142, denied('app', 'fwd2', 'secrets'), [1]);
    await refused(s, 'SET GLOBAL max_connections = ?', 1227, needs('SUPER'), [10]);
    // SQL-level PREPARE: a literal is checked as the statement it is; a variable cannot be read.
    await refused(s, "PREPARE p FROM 'SELECT * FROM mysql.user'", 1142, denied('app', 'mysql', 'user'));
    await refused(s, "SET @q = 'SELECT * FROM mysql.user'; PREPARE p FROM @q", 1235, /PREPARE from a variable/);
  });

  test(`${schema}: multi-statements are checked statement by statement, before any runs`, async () => {
    const s = await connect('app', schema);
    await refused(s, 'SELECT 1; SELECT * FROM mysql.user', 1142, denied('app', 'mysql', 'user'));
    await refused(s, 'SELECT 1; DROP DATABASE fwd2', 1044, dbDenied('app', 'fwd2'));
    await refused(s, 'SELECT 1; SET GLOBAL max_connections = 10', 1227, needs('SUPER'));
    await refused(s, 'SELECT 1; USE fwd2', 1044, dbDenied('app', 'fwd2'));
  });

  test(`${schema}: a read-only user reads, and may not write or change tables`, async () => {
    const s = await connect('ro', schema);
    const [rows] = await s.query(schema === 'fwd' ? 'SELECT v FROM t' : 'SELECT name FROM users WHERE uid = 1');
    assert.equal((rows as unknown[]).length, 1);
    const table = schema === 'fwd' ? 't' : 'users';
    await refused(s, `INSERT INTO ${table} VALUES (9, 'x')`, 1142, denied('ro', schema, table, 'INSERT'));
    await refused(s, `UPDATE ${table} SET id = 2`, 1142, denied('ro', schema, table, 'UPDATE'));
    await refused(s, `DELETE FROM ${table}`, 1142, denied('ro', schema, table, 'DELETE'));
    await refused(s, `REPLACE INTO ${table} VALUES (9, 'x')`, 1142, denied('ro', schema, table, 'INSERT'));
    await refused(s, 'CREATE TABLE t2 (id INT)', 1142, denied('ro', schema, 't2', 'CREATE'));
    await refused(s, `DROP TABLE ${table}`, 1142, denied('ro', schema, table, 'DROP'));
    await refused(s, `TRUNCATE TABLE ${table}`, 1142, denied('ro', schema, table, 'DROP'));
    await refused(s, `ALTER TABLE ${table} ADD COLUMN z INT`, 1142, denied('ro', schema, table, 'ALTER'));
    await refused(s, `INSERT INTO ${table} VALUES (?, 'x')`, 1142, denied('ro', schema, table, 'INSERT'), [9]);
    await refused(s, `SELECT 1; DELETE FROM ${table}`, 1142, denied('ro', schema, table, 'DELETE'));
  });

  test(`${schema}: the schema's own logical name and information_schema work; another schema of the user is refused`, async () => {
    const s = await connect('app', schema);
    const own = schema === 'fwd' ? 'SELECT v FROM fwd.t WHERE id = 1' : 'SELECT name FROM shop.users WHERE uid = 1';
    const [rows] = await s.query(own);
    assert.deepEqual(rows, [schema === 'fwd' ? { v: 'mine' } : { name: 'al' }]);
    const [info] = await s.query(`SELECT COUNT(*) AS n FROM information_schema.schemata`);
    assert.equal((info as { n: number }[]).length, 1);
    if (schema === 'fwd') await refused(s, 'SELECT name FROM shop.users', 1235, "schema 'shop' is sharded: its tables can be named only in statements run on it; USE shop first");
    else await refused(s, 'SELECT v FROM fwd.t', 1235, "schema 'fwd' is a forwarding schema: a statement on sharded schema 'shop' cannot name it; USE fwd first");
  });
}

test('fwd: a schema whose backend database has another name, and backend names, are not reached', async () => {
  const s = await connect('app', 'fwd');
  // The logical name `alias` is not the backend's: refused, never sent to a database called alias.
  await refused(s, 'SELECT * FROM alias.t', 1235, /schema 'alias' is database 'alias_db' on its backend/);
  // Backend database names that are no logical schema of the user are denied.
  await refused(s, 'SELECT * FROM alias_db.t', 1142, denied('app', 'alias_db', 't'));
  await refused(s, 'SELECT * FROM shop_0.users', 1142, denied('app', 'shop_0', 'users'));
});

test('admin may run server-level statements, still only in its schemas', async () => {
  const s = await connect('ops', 'fwd');
  await s.query('SET GLOBAL max_connections = 151');
  await s.query("CREATE USER 'sluice_tmp'@'127.0.0.1' IDENTIFIED BY 'x'");
  await s.query("DROP USER 'sluice_tmp'@'127.0.0.1'");
  await s.query('FLUSH TABLES');
  const [rows] = await s.query("SELECT LOAD_FILE('/etc/hostname') IS NOT NULL AS readable");
  assert.equal((rows as { readable: number }[]).length, 1);
  await refused(s, 'SELECT User FROM mysql.user', 1142, denied('ops', 'mysql', 'user'));
  // ddl inside its own schema: a table is created and dropped.
  await s.query('CREATE TABLE fwd.made (id INT)');
  await s.query('DROP TABLE made');
});

test('forwarding without a selected schema: qualified names are checked too', async () => {
  const s = await mysql.createConnection({ host: '127.0.0.1', port: c.port, user: 'app', password: 'pw' });
  open.push(s);
  await refused(s, 'SELECT * FROM fwd2.secrets', 1142, denied('app', 'fwd2', 'secrets'));
  await refused(s, 'SELECT User FROM mysql.user', 1142, denied('app', 'mysql', 'user'));
  const [rows] = await s.query('SELECT v FROM fwd.t');
  assert.deepEqual(rows, [{ v: 'mine' }]);
});

test('the user allowed fwd2 reads it', async () => {
  const s = await connect('other', 'fwd2');
  const [rows] = await s.query('SELECT s FROM fwd2.secrets');
  assert.deepEqual(rows, [{ s: 'other-user-data' }]);
});

test('without a selected schema, an unqualified name never reaches the database a pooled connection last used', async () => {
  // One worker and one backend connection: the session without a schema gets the connection `other` used in fwd2.
  const solo = await startCluster({
    backends: 1,
    setup,
    threads: 1,
    config: ([a]) => ({
      users: [{ user: 'app', password: 'pw', schemas: ['fwd'] }, { user: 'other', password: 'pw', schemas: ['fwd2'] }],
      backends: { db1: backendOf(a, { max: 1 }) },
      schemas: { fwd: { backend: 'db1', database: 'fwd' }, fwd2: { backend: 'db1', database: 'fwd2' } },
    }),
  });
  const o = await mysql.createConnection({ host: '127.0.0.1', port: solo.port, user: 'other', password: 'pw', database: 'fwd2' });
  const s = await mysql.createConnection({ host: '127.0.0.1', port: solo.port, user: 'app', password: 'pw' });
  try {
    await o.query('SELECT s FROM secrets');
    let err: DriverError | null = null;
    try {
      await s.query('SELECT s FROM secrets');
    } catch (e) {
      err = e as DriverError;
    }
    assert.ok(err, 'read fwd2.secrets through the pooled connection');
    assert.equal(err.errno, 1146);
    assert.equal(err.message, "Table 'fwd.secrets' doesn't exist");
    const [rows] = await s.query('SELECT v FROM t');
    assert.deepEqual(rows, [{ v: 'mine' }]);
  } finally {
    await o.end();
    await s.end();
    await solo.stop();
  }
});

test('COM_FIELD_LIST lists only tables of the current schema (no schema selected included)', async () => {
  for (const database of ['fwd', 'shop', null]) {
    const conn = await BackendConnection.connect({ name: 'sluice', host: '127.0.0.1', port: c.port, user: 'app', password: 'pw', connectTimeoutMs: 5000 }, 0, database);
    const raw = rawPackets(conn);
    const fieldList = async (table: string): Promise<Buffer[]> => {
      raw.send(Buffer.concat([Buffer.from([0x04]), Buffer.from(table), Buffer.from([0])]));
      await raw.until(() => raw.packets.length > 0 && (raw.packets[raw.packets.length - 1][0] === 0xff || isEnd(raw.packets[raw.packets.length - 1])));
      return raw.packets.splice(0);
    };
    try {
      for (const table of ['secrets', 'mysql.user', 'user']) {
        const answer = await fieldList(table);
        assert.equal(answer.length, 1, `${database}: ${table} listed ${answer.length - 1} columns`);
        assert.equal(answer[0][0], 0xff);
      }
      const own = await fieldList(database === 'shop' ? 'users' : 't');
      assert.equal(own.length, 3, `${database}: its own table's two columns and the end`);
    } finally {
      conn.destroy();
    }
  }
});
