// Who the client is, seen through sluice: SHOW GRANTS, USER() and CURRENT_USER() answer for the
// sluice user (never the backend account sluice connects as, whose grant carries a password hash).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import mysql from 'mysql2/promise';
import { startCluster, backendOf, type Cluster } from '../helpers/cluster';

let c: Cluster;

before(async () => {
  c = await startCluster({
    backends: 1,
    setup: () => `
      CREATE DATABASE fwd_db; CREATE TABLE fwd_db.items (id INT PRIMARY KEY, name VARCHAR(20)); INSERT INTO fwd_db.items VALUES (1, 'apple');
      CREATE DATABASE other_db; CREATE TABLE other_db.secrets (id INT PRIMARY KEY, v VARCHAR(20));
      CREATE DATABASE sh_0; CREATE DATABASE sh_1;
      CREATE TABLE sh_0.users_0 (id INT PRIMARY KEY, name VARCHAR(20)); CREATE TABLE sh_0.users_1 LIKE sh_0.users_0;
      CREATE TABLE sh_1.users_0 LIKE sh_0.users_0; CREATE TABLE sh_1.users_1 LIKE sh_0.users_0;
      CREATE TABLE sh_0.notes (id INT PRIMARY KEY, body TEXT);
      CREATE USER 'reader'@'127.0.0.1' IDENTIFIED BY 'rpw';
      GRANT SELECT ON fwd_db.* TO 'reader'@'127.0.0.1'; GRANT SELECT ON sh_0.* TO 'reader'@'127.0.0.1'; GRANT SELECT ON sh_1.* TO 'reader'@'127.0.0.1';`,
    config: ([db]) => ({
      users: [
        { user: 'app', password: 'pw', schemas: ['fwd', 'sh'] },
        { user: 'ro', password: 'pw', schemas: ['fwd'], privileges: ['read'] },
        { user: 'boss', password: 'pw', schemas: ['*'], privileges: ['read', 'write', 'ddl', 'admin'] },
        // may write as far as sluice is concerned, but runs as a backend account that may only SELECT
        { user: 'rdr', password: 'pw', schemas: ['fwd', 'sh'], backendUser: 'reader', backendPassword: 'rpw' },
      ],
      backends: { db1: backendOf(db) },
      schemas: {
        fwd: { backend: 'db1', database: 'fwd_db' },
        other: { backend: 'db1', database: 'other_db' },
        sh: {
          partitions: [{ write: 'db1', database: 'sh_0' }, { write: 'db1', database: 'sh_1' }],
          tables: { users: { shardKey: 'id', algorithm: 'mod', tablesPerPartition: 2 } },
        },
      },
    }),
    threads: 1,
  });
});

after(async () => {
  await c?.stop();
});

const connect = (user: string, database?: string) =>
  mysql.createConnection({ host: '127.0.0.1', port: c.port, user, password: 'pw', database });

const ALL = 'SELECT, INSERT, UPDATE, DELETE, CREATE, DROP, INDEX, ALTER, CREATE TEMPORARY TABLES, LOCK TABLES, CREATE VIEW, SHOW VIEW, CREATE ROUTINE, ALTER ROUTINE';

/** The single column of every row, whatever its name. */
const column = (rows: unknown) => (rows as Record<string, unknown>[]).map((r) => Object.values(r)[0]);

for (const schema of ['fwd', 'sh']) {
  test(`${schema}: SHOW GRANTS lists the sluice user's grants, text and prepared, never the backend account`, async () => {
    const s = await connect('app', schema);
    try {
      const expected = ['GRANT USAGE ON *.* TO `app`@`%`', `GRANT ${ALL} ON \`fwd\`.* TO \`app\`@\`%\``, `GRANT ${ALL} ON \`sh\`.* TO \`app\`@\`%\``];
      for (const sql of ['SHOW GRANTS', 'SHOW GRANTS FOR CURRENT_USER', 'show grants for current_user();', "SHOW GRANTS FOR 'app'@'%'", 'SHOW GRANTS FOR app']) {
        const [rows, fields] = await s.query(sql);
        assert.deepEqual(column(rows), expected, sql);
        assert.equal(fields![0].name, 'Grants for app@%', sql);
      }
      const [prepared, fields] = await s.execute('SHOW GRANTS');
      assert.deepEqual(column(prepared), expected, 'prepared');
      assert.equal(fields![0].name, 'Grants for app@%');
      await assert.rejects(s.query("SHOW GRANTS FOR 'sluice'@'127.0.0.1'"), { errno: 1044 });
      await assert.rejects(s.query("SHOW GRANTS FOR 'app'@'localhost'"), { errno: 1141 });
      const [after] = await s.query('SELECT 1 AS one');
      assert.deepEqual(after, [{ one: 1 }], 'the session goes on');
    } finally {
      await s.end();
    }
  });

  test(`${schema}: USER(), CURRENT_USER(), SESSION_USER(), SYSTEM_USER() name the sluice user, text and prepared`, async () => {
    const s = await connect('app', schema);
    try {
      const sql = 'SELECT USER(), CURRENT_USER(), current_user, SESSION_USER(), SYSTEM_USER() AS sys, 1 + 1 AS two';
      const want = { 'USER()': 'app@127.0.0.1', 'CURRENT_USER()': 'app@%', current_user: 'app@%', 'SESSION_USER()': 'app@127.0.0.1', sys: 'app@127.0.0.1', two: 2 };
      const [text] = await s.query(sql);
      assert.deepEqual(text, [want]);
      const [prepared] = await s.execute(sql);
      assert.deepEqual(prepared, [want]);
      // mariadb's `status` command
      const [status] = await s.query('SELECT DATABASE(), USER() limit 1');
      assert.deepEqual(status, [{ 'DATABASE()': schema, 'USER()': 'app@127.0.0.1' }]);
    } finally {
      await s.end();
    }
  });
}

test('fwd: USER() inside a larger statement is the sluice user too', async () => {
  const s = await connect('app', 'fwd');
  try {
    const [rows] = await s.query("SELECT name, CONCAT('by ', USER()) AS who FROM items WHERE CURRENT_USER() = 'app@%'");
    assert.deepEqual(rows, [{ name: 'apple', who: 'by app@127.0.0.1' }]);
  } finally {
    await s.end();
  }
});

test('SHOW GRANTS follows privileges and schemas: read only; admin on every schema', async () => {
  const ro = await connect('ro', 'fwd');
  const boss = await connect('boss', 'fwd');
  try {
    const [r] = await ro.query('SHOW GRANTS');
    assert.deepEqual(column(r), ['GRANT USAGE ON *.* TO `ro`@`%`', 'GRANT SELECT, SHOW VIEW ON `fwd`.* TO `ro`@`%`']);
    const [b] = await boss.query('SHOW GRANTS');
    assert.deepEqual(column(b), ['GRANT RELOAD, PROCESS, SUPER ON *.* TO `boss`@`%`', ...['fwd', 'other', 'sh'].map((n) => `GRANT ${ALL} ON \`${n}\`.* TO \`boss\`@\`%\``)]);
  } finally {
    await ro.end();
    await boss.end();
  }
});

for (const [schema, table, row] of [['fwd', 'items', '(2, \'pear\')'], ['sh', 'users', '(7, \'ann\')']]) {
  test(`${schema}: a user with a backend account runs as it, so MariaDB's own grants apply as a second wall`, async () => {
    const s = await connect('rdr', schema);
    const app = await connect('app', schema);
    try {
      const [read] = await s.query(`SELECT COUNT(*) AS n FROM ${table}`);
      assert.deepEqual(read, [{ n: schema === 'fwd' ? 1 : 0 }]);
      // sluice allows the write (default privileges include write); the backend account does not
      await assert.rejects(s.query(`INSERT INTO ${table} (id, name) VALUES ${row}`), (e: { errno: number; message: string }) => {
        assert.equal(e.errno, 1142, e.message);
        return true;
      });
      await assert.rejects(s.execute(`INSERT INTO ${table} (id, name) VALUES ${row}`), { errno: 1142 });
      // another user on the same worker still writes as the backend's own account
      await app.query(`INSERT INTO ${table} (id, name) VALUES ${row}`);
      const [after] = await s.query(`SELECT COUNT(*) AS n FROM ${table}`);
      assert.deepEqual(after, [{ n: schema === 'fwd' ? 2 : 1 }]);
      const [who] = await s.query('SELECT CURRENT_USER() AS who');
      assert.deepEqual(who, [{ who: 'rdr@%' }]);
    } finally {
      await s.end();
      await app.end();
    }
  });
}

const rows = (r: unknown) => (r as Record<string, unknown>[]).map((x) => Object.values(x).join('.'));

test('fwd: information_schema lists the user\'s schemas only, in logical names', async () => {
  const s = await connect('app', 'fwd');
  try {
    const [tables] = await s.query("SELECT TABLE_SCHEMA, TABLE_NAME FROM information_schema.TABLES WHERE TABLE_SCHEMA <> 'information_schema' ORDER BY 1, 2");
    assert.deepEqual(rows(tables), ['fwd.items', 'sh.notes', 'sh.users']);
    const [schemata] = await s.query('SELECT SCHEMA_NAME FROM `information_schema`.`SCHEMATA` ORDER BY 1');
    assert.deepEqual(rows(schemata), ['fwd', 'information_schema', 'sh']);
    // mariadb-dump's and GUIs' form: the current schema by DATABASE(), an alias, lower-case names
    const [columns] = await s.query("SELECT c.table_schema, c.column_name FROM information_schema.columns c WHERE c.table_schema = DATABASE() AND c.table_name = 'items' ORDER BY c.ordinal_position");
    assert.deepEqual(rows(columns), ['fwd.id', 'fwd.name']);
    const [keys] = await s.query("SELECT CONSTRAINT_SCHEMA, TABLE_SCHEMA, TABLE_NAME, CONSTRAINT_NAME FROM information_schema.KEY_COLUMN_USAGE WHERE TABLE_SCHEMA NOT IN ('mysql')");
    assert.deepEqual(rows(keys).sort(), ['fwd.fwd.items.PRIMARY', 'sh.sh.notes.PRIMARY', 'sh.sh.users.PRIMARY']);
    const [stats] = await s.query('SELECT TABLE_SCHEMA, INDEX_SCHEMA, TABLE_NAME, INDEX_NAME FROM information_schema.STATISTICS ORDER BY 1, 3');
    assert.deepEqual(rows(stats), ['fwd.fwd.items.PRIMARY', 'sh.sh.notes.PRIMARY', 'sh.sh.users.PRIMARY']);
    const [star] = await s.query("SELECT * FROM information_schema.TABLES WHERE TABLE_NAME = 'items'");
    assert.equal((star as Record<string, unknown>[]).length, 1);
    assert.equal((star as Record<string, unknown>[])[0].TABLE_SCHEMA, 'fwd');
    assert.ok('ENGINE' in (star as Record<string, unknown>[])[0], 'every column of TABLES');
    const [prepared] = await s.execute('SELECT TABLE_NAME FROM information_schema.TABLES WHERE TABLE_SCHEMA = ? ORDER BY 1', ['sh']);
    assert.deepEqual(rows(prepared), ['notes', 'users']);
    const [none] = await s.query("SELECT COUNT(*) AS n FROM information_schema.TABLES WHERE TABLE_SCHEMA IN ('other_db', 'mysql', 'fwd_db', 'sh_0', 'sh_1')");
    assert.deepEqual(none, [{ n: 0 }]);
    const [joined] = await s.query("SELECT i.name, t.TABLE_NAME FROM items i JOIN information_schema.TABLES t ON t.TABLE_SCHEMA = 'fwd' WHERE i.id = 1");
    assert.deepEqual(rows(joined), ['apple.items']);
    const [charsets] = await s.query("SELECT CHARACTER_SET_NAME FROM information_schema.CHARACTER_SETS WHERE CHARACTER_SET_NAME = 'utf8mb4'");
    assert.deepEqual(rows(charsets), ['utf8mb4']);
  } finally {
    await s.end();
  }
});

test('information_schema tables about the server or other accounts are refused, text and prepared', async () => {
  const s = await connect('app', 'fwd');
  try {
    for (const table of ['USER_PRIVILEGES', 'SCHEMA_PRIVILEGES', 'TABLE_PRIVILEGES', 'GLOBAL_VARIABLES', 'PLUGINS', 'INNODB_TRX']) {
      await assert.rejects(s.query(`SELECT * FROM information_schema.${table}`), { errno: 1142 }, table);
    }
    await assert.rejects(s.execute('SELECT * FROM information_schema.USER_PRIVILEGES'), { errno: 1142 });
    // the process list sluice answers itself, but not joined with a table it would not narrow
    await assert.rejects(s.query('SELECT p.ID, u.GRANTEE FROM information_schema.PROCESSLIST p JOIN information_schema.USER_PRIVILEGES u'), { errno: 1235 });
    const [after] = await s.query('SELECT 1 AS one');
    assert.deepEqual(after, [{ one: 1 }]);
  } finally {
    await s.end();
  }
});

test('a user sees only its own schemas in information_schema', async () => {
  const s = await connect('ro', 'fwd');
  try {
    const [tables] = await s.query("SELECT TABLE_SCHEMA, TABLE_NAME FROM information_schema.TABLES WHERE TABLE_SCHEMA <> 'information_schema'");
    assert.deepEqual(rows(tables), ['fwd.items']);
  } finally {
    await s.end();
  }
});

test('sh: information_schema on a sharded schema reads its default partition under logical names', async () => {
  const s = await connect('app', 'sh');
  try {
    const [tables] = await s.query('SELECT TABLE_SCHEMA, TABLE_NAME FROM information_schema.TABLES WHERE TABLE_SCHEMA = DATABASE() ORDER BY 2');
    assert.deepEqual(rows(tables), ['sh.notes', 'sh.users']);
    const [columns] = await s.query("SELECT TABLE_NAME, COLUMN_NAME FROM information_schema.COLUMNS WHERE TABLE_SCHEMA = 'sh' AND TABLE_NAME = 'users' ORDER BY ORDINAL_POSITION");
    assert.deepEqual(rows(columns), ['users.id', 'users.name']);
    await assert.rejects(s.query('SELECT u.id FROM users u JOIN information_schema.TABLES t ON t.TABLE_NAME = \'users\''), { errno: 1235 });
    await assert.rejects(s.execute('SELECT TABLE_NAME FROM information_schema.TABLES'), { errno: 1235 });
  } finally {
    await s.end();
  }
});

test('fwd: where sluice cannot answer for the sluice user it refuses (1235) rather than run the statement as the backend account', async () => {
  const s = await mysql.createConnection({ host: '127.0.0.1', port: c.port, user: 'app', password: 'pw', database: 'fwd', multipleStatements: true });
  try {
    for (const sql of [
      'SELECT 1; SELECT USER()',
      'SELECT 1; SELECT * FROM information_schema.USER_PRIVILEGES',
      "PREPARE s FROM 'SELECT CURRENT_USER()'",
      "EXECUTE IMMEDIATE 'SELECT * FROM information_schema.TABLES'",
      'CREATE VIEW who AS SELECT CURRENT_USER() AS u',
      'CREATE PROCEDURE grants_of() SELECT * FROM information_schema.SCHEMA_PRIVILEGES',
    ]) {
      await assert.rejects(s.query(sql), { errno: 1235 }, sql);
    }
    // SQL-level PREPARE of anything else goes on as before
    await s.query("PREPARE s FROM 'SELECT name FROM items WHERE id = ?'");
    const [rows] = await s.query('SET @i = 1; EXECUTE s USING @i');
    assert.deepEqual((rows as unknown[])[1], [{ name: 'apple' }]);
  } finally {
    await s.end();
  }
});
