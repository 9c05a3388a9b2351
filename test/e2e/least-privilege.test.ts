// sluice behind backend accounts with least privilege: the GRANTs README's setup section shows are
// enough for what sluice does on forwarding and sharded schemas, and check-config warns (one line
// per finding, naming the backend and the account) about grants beyond them.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import mysql from 'mysql2/promise';
import { stringify } from 'yaml';
import { startCluster, type Cluster } from '../helpers/cluster';
import { run, tempFiles } from '../helpers/run-cli';

/** README's least-privilege grant for the databases of sluice's schemas. */
const SCHEMA_GRANT = 'SELECT, INSERT, UPDATE, DELETE, CREATE, DROP, INDEX, ALTER, CREATE TEMPORARY TABLES, LOCK TABLES, ' +
  'CREATE VIEW, SHOW VIEW, CREATE ROUTINE, ALTER ROUTINE, EXECUTE, TRIGGER, REFERENCES';
const DATABASES = ['fwd_db', 'sh_0', 'sh_1'];

let c: Cluster;
const { write } = tempFiles('sluice-grants-');

/** The raw config: backend db1 logs in as `account`, user rdr as `reader`. */
function rawConfig(port: number, account: string): Record<string, unknown> {
  return {
    listen: '127.0.0.1:0',
    users: [
      { user: 'app', password: 'pw', schemas: ['*'] },
      { user: 'rdr', password: 'pw', schemas: ['fwd'], backendUser: 'reader', backendPassword: 'rpw' },
    ],
    backends: { db1: { host: '127.0.0.1', port, user: account, password: `${account}-pw` } },
    schemas: {
      fwd: { backend: 'db1', database: 'fwd_db' },
      sh: {
        partitions: [{ write: 'db1', database: 'sh_0' }, { write: 'db1', database: 'sh_1' }],
        tables: { users: { shardKey: 'id', algorithm: 'mod', tablesPerPartition: 2 } },
      },
    },
  };
}

before(async () => {
  c = await startCluster({
    backends: 1,
    setup: () => `
      ${DATABASES.map((d) => `CREATE DATABASE ${d} CHARACTER SET utf8mb4;`).join(' ')}
      CREATE DATABASE other_db;
      CREATE USER 'least'@'127.0.0.1' IDENTIFIED BY 'least-pw';
      ${DATABASES.map((d) => `GRANT ${SCHEMA_GRANT} ON \`${d}\`.* TO 'least'@'127.0.0.1';`).join(' ')}
      CREATE USER 'reader'@'127.0.0.1' IDENTIFIED BY 'rpw';
      GRANT SELECT ON fwd_db.* TO 'reader'@'127.0.0.1'; GRANT SELECT ON other_db.* TO 'reader'@'127.0.0.1';
      GRANT PROCESS ON *.* TO 'reader'@'127.0.0.1';`,
    config: ([db]) => {
      const raw = rawConfig(db.port, 'least');
      delete raw.listen;
      return raw;
    },
    threads: 1,
  });
});

after(async () => {
  await c?.stop();
});

const connect = (database: string) => mysql.createConnection({ host: '127.0.0.1', port: c.port, user: 'app', password: 'pw', database });

test('check-config warns about grants beyond the schemas\' databases, one line each, naming backend and account', async () => {
  const port = c.dbs[0].port;
  // the sandbox's own account has ALL PRIVILEGES ON *.*
  const wide = await run('check-config', write('wide.yaml', stringify({ ...rawConfig(port, 'sluice'), backends: { db1: { host: '127.0.0.1', port, user: 'sluice', password: 'sluice' } } })));
  assert.equal(wide.code, 0);
  assert.deepEqual(wide.stderr.split('\n').filter(Boolean).sort(), [
    'warning: backends.db1 (account sluice): has global privileges (ALL PRIVILEGES ON *.*); grant them on the schemas\' databases only',
    'warning: backends.db1, users[1].backendUser (account reader): has global privileges (PROCESS ON *.*); grant them on the schemas\' databases only',
    'warning: backends.db1, users[1].backendUser (account reader): has privileges on database `other_db` (SELECT), which no schema of this config uses there',
  ]);
  // README's grants: nothing to say about the backend's account
  const least = await run('check-config', write('least.yaml', stringify(rawConfig(port, 'least'))));
  assert.equal(least.code, 0);
  assert.ok(!least.stderr.includes('account least'), least.stderr);
  assert.ok(!least.stdout.includes('grants not checked'), least.stdout);
});

test('README\'s least-privilege grants are enough for forwarding: DDL, writes, temporary tables, locks, transactions, views, routines, prepared statements', async () => {
  const s = await connect('fwd');
  try {
    await s.query('CREATE TABLE items (id INT PRIMARY KEY, name VARCHAR(20), KEY (name))');
    await s.query("INSERT INTO items VALUES (1, 'apple'), (2, 'pear')");
    await s.query("UPDATE items SET name = 'plum' WHERE id = 2");
    await s.query('ALTER TABLE items ADD COLUMN qty INT DEFAULT 0');
    await s.query('CREATE INDEX by_qty ON items (qty)');
    await s.query('CREATE VIEW named AS SELECT id, name FROM items');
    await s.query('CREATE PROCEDURE count_items() SELECT COUNT(*) AS n FROM items');
    const [called] = await s.query('CALL count_items()');
    assert.deepEqual((called as unknown[])[0], [{ n: 2 }]);
    await s.query('CREATE TEMPORARY TABLE scratch (x INT)');
    await s.query('INSERT INTO scratch VALUES (1)');
    await s.query('LOCK TABLES items WRITE');
    await s.query('UNLOCK TABLES');
    await s.query('START TRANSACTION');
    await s.query('DELETE FROM items WHERE id = 1');
    await s.query('ROLLBACK');
    const [view] = await s.execute('SELECT name FROM named WHERE id = ?', [1]);
    assert.deepEqual(view, [{ name: 'apple' }]);
    const [tables] = await s.query("SELECT TABLE_NAME FROM information_schema.TABLES WHERE TABLE_SCHEMA = 'fwd' ORDER BY 1");
    assert.deepEqual(tables, [{ TABLE_NAME: 'items' }, { TABLE_NAME: 'named' }]);
    await s.query('TRUNCATE TABLE items');
    await s.query('DROP VIEW named');
    await s.query('DROP PROCEDURE count_items');
    await s.query('DROP TABLE items');
  } finally {
    await s.end();
  }
});

test('README\'s least-privilege grants are enough for a sharded schema: DDL fan-out, routed and scattered reads and writes, a cross-partition transaction', async () => {
  const s = await connect('sh');
  try {
    await s.query('CREATE TABLE users (id INT PRIMARY KEY, name VARCHAR(20))');
    await s.query("INSERT INTO users (id, name) VALUES (1, 'a'), (2, 'b'), (3, 'c'), (4, 'd')");
    await s.query('BEGIN');
    await s.query("UPDATE users SET name = 'x' WHERE id IN (1, 2)");
    await s.query('COMMIT');
    const [rows] = await s.query('SELECT id, name FROM users ORDER BY id');
    assert.deepEqual(rows, [{ id: 1, name: 'x' }, { id: 2, name: 'x' }, { id: 3, name: 'c' }, { id: 4, name: 'd' }]);
    const [one] = await s.execute('SELECT name FROM users WHERE id = ?', [3]);
    assert.deepEqual(one, [{ name: 'c' }]);
    await s.query('ALTER TABLE users ADD COLUMN age INT');
    await s.query('DELETE FROM users WHERE id > 2');
    const [count] = await s.query('SELECT COUNT(*) AS n FROM users');
    assert.deepEqual(count, [{ n: 2 }]);
    await s.query('DROP TABLE users');
  } finally {
    await s.end();
  }
});
