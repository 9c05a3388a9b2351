// Which statements commit implicitly and how COMMIT/ROLLBACK options read; the cases are those
// MariaDB 10.11 was checked on (@@in_transaction after each, in test/e2e/implicit-commit.test.ts).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { commitsImplicitly, transactionEnd } from '../../src/transaction/statements';

test('statements that commit the open transaction before they run', () => {
  for (const sql of [
    'CREATE TABLE t (a INT)', 'create or replace table t (a int)', 'CREATE INDEX i ON t (a)', 'CREATE VIEW v AS SELECT 1',
    'CREATE DATABASE d', 'CREATE PROCEDURE p() SELECT 1', 'CREATE SEQUENCE s', "CREATE USER 'u'", 'CREATE ROLE r',
    'DROP TABLE IF EXISTS t', 'DROP INDEX i ON t', 'ALTER TABLE t ADD b INT', 'RENAME TABLE a TO b', 'TRUNCATE t',
    "GRANT SELECT ON d.* TO 'u'", "REVOKE SELECT ON d.* FROM 'u'", "SET PASSWORD = PASSWORD('x')",
    'LOCK TABLES t WRITE', 'lock table t read', 'ANALYZE TABLE t', 'ANALYZE LOCAL TABLE t', 'OPTIMIZE TABLE t',
    'CHECK TABLE t', 'CHECK VIEW v', 'REPAIR TABLE t', 'FLUSH TABLES', 'RESET QUERY CACHE', "INSTALL SONAME 'x'",
    '/* comment */ CREATE TABLE t (a INT)', '-- note\nDROP TABLE t', '/*!40101 ALTER TABLE t ENGINE=InnoDB */', '\n\t truncate table t',
  ]) assert.equal(commitsImplicitly(sql), true, sql);
});

test('statements that leave the transaction open', () => {
  for (const sql of [
    'CREATE TEMPORARY TABLE t (a INT)', 'CREATE OR REPLACE TEMPORARY TABLE t (a INT)', 'DROP TEMPORARY TABLE IF EXISTS t',
    'ANALYZE SELECT 1', 'ANALYZE FORMAT=JSON SELECT 1', 'CHECKSUM TABLE t', 'CACHE INDEX t IN DEFAULT', 'LOAD INDEX INTO CACHE t',
    "LOAD DATA INFILE 'f' INTO TABLE t", 'SELECT 1', 'INSERT INTO t VALUES (1)', "SET sql_mode=''", 'SET autocommit=1',
    'UNLOCK TABLES', 'SAVEPOINT s', 'DO 1', 'SHOW TABLES', "SELECT 'CREATE TABLE'", '', '/* DROP TABLE t */ SELECT 1',
  ]) assert.equal(commitsImplicitly(sql), false, sql);
});

test('COMMIT and ROLLBACK with AND [NO] CHAIN and [NO] RELEASE', () => {
  assert.deepEqual(transactionEnd('COMMIT'), { verb: 'COMMIT', chain: false, release: false });
  assert.deepEqual(transactionEnd('rollback work;'), { verb: 'ROLLBACK', chain: false, release: false });
  assert.deepEqual(transactionEnd('COMMIT AND CHAIN'), { verb: 'COMMIT', chain: true, release: false });
  assert.deepEqual(transactionEnd('COMMIT WORK AND NO CHAIN NO RELEASE'), { verb: 'COMMIT', chain: false, release: false });
  assert.deepEqual(transactionEnd('ROLLBACK AND CHAIN'), { verb: 'ROLLBACK', chain: true, release: false });
  assert.deepEqual(transactionEnd('/* app */ COMMIT RELEASE'), { verb: 'COMMIT', chain: false, release: true });
  assert.deepEqual(transactionEnd('ROLLBACK  AND  NO  CHAIN  RELEASE'), { verb: 'ROLLBACK', chain: false, release: true });
  assert.equal(transactionEnd('ROLLBACK TO SAVEPOINT s1'), null);
  assert.equal(transactionEnd('ROLLBACK WORK TO s1'), null);
});
