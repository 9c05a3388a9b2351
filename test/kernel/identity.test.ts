import { test } from 'node:test';
import assert from 'node:assert/strict';
import { grantRows, showGrants, spliceIdentity, grantsSelect, checkDynamicSql, type Identity } from '../../src/kernel/identity';
import { SqlError } from '../../src/protocol/errors';

const app: Identity = { user: 'app', clientHost: '10.0.0.7', privileges: ['read', 'write', 'ddl'], schemas: ['shop', 'crm'], database: 'shop' };

test('grant rows: USAGE (or the admin set) on *.*, then the schema privileges per schema, sorted', () => {
  assert.deepEqual(grantRows({ ...app, privileges: ['read'] }), [
    'GRANT USAGE ON *.* TO `app`@`%`',
    'GRANT SELECT, SHOW VIEW ON `crm`.* TO `app`@`%`',
    'GRANT SELECT, SHOW VIEW ON `shop`.* TO `app`@`%`',
  ]);
  assert.deepEqual(grantRows({ ...app, privileges: ['write'], schemas: ['s`x'] }), [
    'GRANT USAGE ON *.* TO `app`@`%`',
    'GRANT INSERT, UPDATE, DELETE, CREATE TEMPORARY TABLES, LOCK TABLES ON `s``x`.* TO `app`@`%`',
  ]);
  assert.deepEqual(grantRows({ ...app, privileges: ['admin'] }), ['GRANT RELOAD, PROCESS, SUPER ON *.* TO `app`@`%`']);
  assert.deepEqual(grantRows({ ...app, privileges: [] }), ['GRANT USAGE ON *.* TO `app`@`%`']);
});

test('SHOW GRANTS forms: own account answered, another refused, not SHOW GRANTS is null', () => {
  for (const sql of ['SHOW GRANTS', 'show grants;', 'SHOW GRANTS FOR CURRENT_USER', 'SHOW GRANTS FOR current_user ( )', "SHOW GRANTS FOR 'app'@'%'", 'SHOW GRANTS FOR `app`@`%`', 'SHOW GRANTS FOR app']) {
    const r = showGrants(sql, app);
    assert.ok(r && !(r instanceof SqlError), sql);
    assert.equal(r.header, 'Grants for app@%');
    assert.equal(r.rows.length, 3);
  }
  assert.equal((showGrants("SHOW GRANTS FOR 'root'@'localhost'", app) as SqlError).errno, 1044);
  assert.equal((showGrants("SHOW GRANTS FOR 'app'@'localhost'", app) as SqlError).errno, 1141);
  assert.equal(showGrants('SHOW DATABASES', app), null);
  assert.equal(grantsSelect('Grants for app@%', ['GRANT A', "it's"]), "SELECT 'GRANT A' AS `Grants for app@%` UNION ALL SELECT 'it\\'s'");
});

test('identity calls become literals; a select item keeps its column name', () => {
  assert.equal(spliceIdentity('SELECT USER(), current_user, CURRENT_USER() AS c', app),
    "SELECT 'app@10.0.0.7' AS `USER()`, 'app@%' AS `current_user`, 'app@%' AS c");
  assert.equal(spliceIdentity("SELECT a FROM t WHERE owner = SESSION_USER() AND db = DATABASE()", app),
    "SELECT a FROM t WHERE owner = 'app@10.0.0.7' AND db = 'shop'");
  assert.equal(spliceIdentity('SELECT SCHEMA()', { ...app, database: null }), 'SELECT NULL AS `SCHEMA()`');
  assert.equal(spliceIdentity("INSERT INTO log (who) VALUES (SYSTEM_USER())", app), "INSERT INTO log (who) VALUES ('app@10.0.0.7')");
  assert.equal(spliceIdentity('SELECT user FROM t', app), null);
  assert.throws(() => spliceIdentity('SELECT USER() FROM', app), { errno: 1235 });
  for (const sql of ['CREATE VIEW v AS SELECT USER()', 'CREATE TABLE t (a VARCHAR(9) DEFAULT CURRENT_USER())', 'CREATE PROCEDURE p() SELECT CURRENT_USER()', 'DO USER()']) {
    assert.throws(() => spliceIdentity(sql, app), { errno: 1235 }, sql);
  }
});

test('SQL inside a string (PREPARE … FROM, EXECUTE IMMEDIATE) may not call USER() or name information_schema', () => {
  for (const sql of ["PREPARE s FROM 'SELECT USER()'", 'EXECUTE IMMEDIATE "SELECT * FROM information_schema.TABLES"', "PREPARE s FROM 'SELECT CURRENT_USER'"]) {
    assert.throws(() => checkDynamicSql(sql), { errno: 1235 }, sql);
  }
  checkDynamicSql("PREPARE s FROM 'SELECT name FROM users WHERE id = ?'");
});
