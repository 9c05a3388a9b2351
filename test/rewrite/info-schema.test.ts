import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spliceInfoSchema, visibleDatabases, columnsByTable, onlyProcessList } from '../../src/rewrite/info-schema';
import type { SchemaConfig } from '../../src/config/types';

const schemas: SchemaConfig[] = [
  { kind: 'forward', name: 'fwd', backend: 'db1', database: 'fwd_db' },
  { kind: 'forward', name: 'far', backend: 'db2', database: 'far_db' },
  {
    kind: 'sharded', name: 'sh', defaultPartition: 0, readYourWritesMs: 0, maxReplicaLagSeconds: 0, maxLimitRows: 0,
    partitions: [{ write: 'db1', read: [], database: 'sh_0' }, { write: 'db2', read: [], database: 'sh_1' }],
    tables: { users: { kind: 'sharded', name: 'users', shardKey: 'id', algorithm: 'mod', tablesPerPartition: 2 } },
  },
];
const columns = columnsByTable([['SCHEMATA', 'CATALOG_NAME'], ['SCHEMATA', 'SCHEMA_NAME'], ['TABLES', 'TABLE_SCHEMA'], ['TABLES', 'TABLE_NAME'], ['TABLES', 'ENGINE']]);

test('visible databases: information_schema, forwarding databases and default partitions on that backend', () => {
  assert.deepEqual(visibleDatabases(schemas, 'db1').map((d) => [d.physical, d.logical, [...d.renames], d.hidden]), [
    ['information_schema', 'information_schema', [], []],
    ['fwd_db', 'fwd', [], []],
    ['sh_0', 'sh', [['users_0', 'users']], ['users_1']],
  ]);
  assert.deepEqual(visibleDatabases(schemas, 'db2').map((d) => d.logical), ['information_schema', 'far']);
});

test('a scoped table becomes a derived table named as written, schema and table names mapped', () => {
  const dbs = visibleDatabases(schemas, 'db1');
  const r = spliceInfoSchema("SELECT TABLE_NAME FROM information_schema.TABLES WHERE TABLE_SCHEMA = 'sh'", 'app', dbs, columns);
  assert.equal(r.sql, "SELECT TABLE_NAME FROM (SELECT CASE `TABLE_SCHEMA` WHEN 'information_schema' THEN 'information_schema' WHEN 'fwd_db' THEN 'fwd' WHEN 'sh_0' THEN 'sh' END AS `TABLE_SCHEMA`, " +
    "CASE WHEN `TABLE_SCHEMA` = 'sh_0' AND `TABLE_NAME` = 'users_0' THEN 'users' ELSE `TABLE_NAME` END AS `TABLE_NAME`, `ENGINE` " +
    "FROM information_schema.`TABLES` WHERE `TABLE_SCHEMA` IN ('information_schema', 'fwd_db', 'sh_0') AND NOT (`TABLE_SCHEMA` = 'sh_0' AND `TABLE_NAME` IN ('users_1'))) AS `TABLES` WHERE TABLE_SCHEMA = 'sh'");
  assert.equal(r.otherTables, false);
});

test('an alias is kept; other tables and CTEs are told apart; shared tables are left as written', () => {
  const dbs = visibleDatabases(schemas, 'db2');
  const r = spliceInfoSchema('WITH x AS (SELECT 1) SELECT s.SCHEMA_NAME FROM `INFORMATION_SCHEMA`.schemata s, x', 'app', dbs, columns);
  assert.equal(r.sql, "WITH x AS (SELECT 1) SELECT s.SCHEMA_NAME FROM (SELECT `CATALOG_NAME`, CASE `SCHEMA_NAME` WHEN 'information_schema' THEN 'information_schema' WHEN 'far_db' THEN 'far' END AS `SCHEMA_NAME` " +
    "FROM information_schema.`SCHEMATA` WHERE `SCHEMA_NAME` IN ('information_schema', 'far_db')) s, x");
  assert.equal(r.otherTables, false);
  assert.equal(spliceInfoSchema('SELECT * FROM t JOIN information_schema.COLLATIONS c', 'app', dbs, columns).otherTables, true);
  for (const same of ['SELECT * FROM information_schema.CHARACTER_SETS', 'DESCRIBE information_schema.TABLES', 'SHOW COLUMNS FROM information_schema.TABLES']) {
    assert.equal(spliceInfoSchema(same, 'app', dbs, columns).sql, same);
  }
});

test('other information_schema tables are refused with 1142; an unparsable statement with 1235', () => {
  const dbs = visibleDatabases(schemas, 'db1');
  assert.throws(() => spliceInfoSchema('SELECT * FROM information_schema.USER_PRIVILEGES', 'app', dbs, columns), { errno: 1142, message: /USER_PRIVILEGES/ });
  assert.throws(() => spliceInfoSchema('SELECT * FROM information_schema.COLUMNS', 'app', dbs, columns), { errno: 1142 }, 'no column list known');
  assert.throws(() => spliceInfoSchema('SELECT * FROM information_schema.TABLES WHERE', 'app', dbs, columns), { errno: 1235 });
  for (const sql of ['CREATE VIEW v AS SELECT * FROM information_schema.TABLES', 'CREATE PROCEDURE p() SELECT * FROM information_schema.TABLES']) {
    assert.throws(() => spliceInfoSchema(sql, 'app', dbs, columns), { errno: 1235 }, sql);
  }
});

test('information_schema.PROCESSLIST alone is left to the process list; with other information_schema tables it is refused', () => {
  assert.equal(onlyProcessList('SELECT * FROM information_schema.PROCESSLIST WHERE ID > 1'), true);
  assert.equal(onlyProcessList('SELECT * FROM information_schema.TABLES /* processlist */'), false);
  assert.equal(onlyProcessList('SELECT * FROM information_schema.PROCESSLIST p JOIN information_schema.TABLES t'), false);
  assert.throws(() => spliceInfoSchema('SELECT * FROM information_schema.PROCESSLIST p JOIN information_schema.TABLES t', 'app', visibleDatabases(schemas, 'db1'), columns), { errno: 1235 });
});
