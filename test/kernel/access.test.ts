import { test } from 'node:test';
import assert from 'node:assert/strict';
import { classify } from '../../src/kernel/classify';
import { accessError } from '../../src/kernel/access';
import type { Privilege, SchemaConfig, UserConfig } from '../../src/config/types';

// Schemas: fwd and fwd2 forward to databases of the same name on backend b1, far to b2, alias to alias_db;
// shop is sharded. The user may use fwd, far, alias and shop.
const schemas: Record<string, SchemaConfig> = {
  fwd: { kind: 'forward', name: 'fwd', backend: 'b1', database: 'fwd' },
  fwd2: { kind: 'forward', name: 'fwd2', backend: 'b1', database: 'fwd2' },
  near: { kind: 'forward', name: 'near', backend: 'b1', database: 'near' },
  far: { kind: 'forward', name: 'far', backend: 'b2', database: 'far' },
  alias: { kind: 'forward', name: 'alias', backend: 'b1', database: 'alias_db' },
  shop: { kind: 'sharded', name: 'shop', partitions: [], tables: {}, defaultPartition: 0, readYourWritesMs: 0, maxReplicaLagSeconds: 0, maxLimitRows: 0 } as unknown as SchemaConfig,
};

function user(privileges: Privilege[] = ['read', 'write', 'ddl']): UserConfig {
  return { user: 'u', password: 'x', schemas: ['fwd', 'near', 'far', 'alias', 'shop'], requireTls: false, privileges };
}

/** The errno sluice answers sql with on schema `on` (0: allowed). */
function errno(sql: string, privileges?: Privilege[], on = 'fwd'): number {
  const payload = Buffer.from(sql, 'utf8');
  return accessError(payload, 0, classify(payload, 0, payload.length), user(privileges), schemas, schemas[on])?.errno ?? 0;
}

test('qualified names: a database where a table stands, table.column elsewhere', () => {
  const allowed = [
    'SELECT t.a, u.b FROM t JOIN u ON t.id = u.id WHERE t.c = 1 ORDER BY u.b',
    'SELECT t.* FROM t', 'SELECT a FROM t1 x, t2 y WHERE x.a = y.a', 'UPDATE t SET t.a = 1 WHERE t.b = 2',
    'INSERT INTO t (a) VALUES (1) ON DUPLICATE KEY UPDATE t.a = VALUES(t.a)', 'DELETE t1 FROM t1 JOIN t2 ON t1.id = t2.id',
    'SELECT * FROM fwd.t', 'SELECT * FROM near.t JOIN fwd.u ON near.t.id = fwd.u.id', 'SELECT * FROM information_schema.TABLES',
    'SELECT * FROM INFORMATION_SCHEMA.tables', 'SELECT a FROM t1 JOIN t2 USING (a), t3 WHERE t3.x = 1',
    'SELECT CONVERT(t.a USING utf8mb4), t.b FROM t', 'SELECT REPLACE(t.a, 1, 2), t.b FROM t', 'SELECT x.a FROM (SELECT 1 AS a) x',
    "SELECT 'mysql.user' AS s", 'SELECT 1 /* FROM mysql.user */', 'SELECT NEW.a', 'SELECT 1.5, t.a FROM t',
    'CREATE TABLE t (a INT, FOREIGN KEY (a) REFERENCES p (id))', 'SELECT * FROM t FORCE INDEX (i), u WHERE u.a = t.a',
  ];
  for (const sql of allowed) assert.equal(errno(sql), 0, sql);
  const refused: [string, number][] = [
    ['SELECT * FROM fwd2.t', 1142], ['SELECT * FROM t, fwd2.t', 1142], ['SELECT * FROM t JOIN (u, fwd2.v) ON 1', 1142],
    ['SELECT * FROM t WHERE a IN (SELECT b FROM fwd2.u)', 1142], ['SELECT fwd2.t.a FROM t', 1142], ['SELECT fwd2.f(1)', 1044],
    ['SELECT mysql.user.User FROM t', 1142], ['SELECT * FROM `mysql`.`user`', 1142], ['SELECT * FROM "mysql".user', 1142],
    ['SELECT mysql.x FROM t', 1142], ['CALL fwd2.p()', 1044], ['INSERT fwd2.t VALUES (1)', 1142], ['REPLACE fwd2.t VALUES (1)', 1142],
    ['UPDATE t, fwd2.u SET t.a = 1', 1142], ['DELETE FROM t USING t, fwd2.u', 1142], ['TABLE fwd2.t', 1142], ['DESCRIBE fwd2.t', 1142],
    ['CREATE TABLE t LIKE fwd2.t', 1142], ['CREATE TABLE t (a INT REFERENCES fwd2.p (id))', 1142], ['RENAME TABLE t TO fwd2.t', 1142],
    ['ALTER TABLE t RENAME TO fwd2.t', 1142], ['CREATE VIEW fwd2.v AS SELECT 1', 1142], ['CREATE TRIGGER tr BEFORE INSERT ON fwd2.t FOR EACH ROW SET @a = 1', 1142],
    ['SELECT NEXTVAL(fwd2.s)', 1142], ['SELECT NEXT VALUE FOR fwd2.s', 1142], ['LOCK TABLES t READ, fwd2.t WRITE', 1142],
    ['SHOW CREATE TABLE fwd2.t', 1142], ['SHOW COLUMNS FROM fwd2.t', 1142], ['HANDLER fwd2.t OPEN', 1142],
    ['CREATE TABLE m (a INT) ENGINE=MERGE UNION=(fwd2.t)', 1142], ['SELECT 1 FROM alias_db.t', 1142],
    // logical schemas sluice cannot reach from here
    ['SELECT * FROM alias.t', 1235], ['SELECT * FROM far.t', 1235], ['SELECT * FROM shop.t', 1235],
  ];
  for (const [sql, n] of refused) assert.equal(errno(sql), n, sql);
  assert.equal(errno('SELECT * FROM shop.t', undefined, 'shop'), 0);
  assert.equal(errno('SELECT * FROM fwd.t', undefined, 'shop'), 1235);
  assert.equal(errno('SELECT * FROM mysql.user', undefined, 'shop'), 1142);
});

test('databases named alone: CREATE/DROP DATABASE, SHOW ... FROM, USE among statements', () => {
  assert.equal(errno('CREATE DATABASE evil'), 1044);
  assert.equal(errno('CREATE DATABASE IF NOT EXISTS evil'), 1044);
  assert.equal(errno('DROP SCHEMA IF EXISTS fwd2'), 1044);
  assert.equal(errno('ALTER DATABASE fwd2 CHARACTER SET utf8mb4'), 1044);
  assert.equal(errno('ALTER DATABASE CHARACTER SET utf8mb4'), 0);
  assert.equal(errno('CREATE DATABASE near'), 0);
  assert.equal(errno('SHOW TABLES FROM mysql'), 1044);
  assert.equal(errno('SHOW TABLES'), 0);
  assert.equal(errno('SHOW TABLE STATUS IN fwd2'), 1044);
  assert.equal(errno('SHOW COLUMNS FROM t FROM mysql'), 1044);
  assert.equal(errno('SHOW COLUMNS FROM t'), 0);
  assert.equal(errno('SHOW CREATE DATABASE mysql'), 1044);
  assert.equal(errno('SELECT 1; USE fwd2'), 1044);
  assert.equal(errno('SELECT 1; USE near'), 1235);
  assert.equal(errno('SHOW DATABASES LIKE "m%"'), 1235);
});

test('privileges: read-only, writes, DDL and server-level statements', () => {
  const ro: Privilege[] = ['read'];
  for (const sql of ["XA START 'x'", "XA END 'x'", "XA COMMIT 'x' ONE PHASE", 'SELECT 1', 'SHOW TABLES', 'DESCRIBE t', 'EXPLAIN SELECT * FROM t', 'SET NAMES utf8mb4', 'BEGIN', 'COMMIT', 'SELEC 1', 'KILL 5', 'SHOW PROCESSLIST', 'SHOW GRANTS', 'EXPLAIN DELETE FROM t']) {
    assert.equal(errno(sql, ro), 0, sql);
  }
  for (const sql of ['INSERT INTO t VALUES (1)', 'UPDATE t SET a = 1', 'DELETE FROM t', 'REPLACE t VALUES (1)', 'CREATE TABLE t2 (a INT)',
    'DROP TABLE t', 'TRUNCATE t', 'ALTER TABLE t ADD b INT', 'RENAME TABLE t TO u', 'CREATE INDEX i ON t (a)', 'CALL p()',
    "LOAD DATA LOCAL INFILE 'x' INTO TABLE t", 'SELECT 1; DELETE FROM t', 'ANALYZE DELETE FROM t', 'EXPLAIN ANALYZE DELETE FROM t',
    'CREATE TEMPORARY TABLE tt (a INT)', 'SET STATEMENT max_statement_time = 1 FOR DELETE FROM t']) {
    assert.ok([1142, 1044].includes(errno(sql, ro)), sql);
  }
  // write without ddl
  assert.equal(errno('CREATE TEMPORARY TABLE tt (a INT)', ['read', 'write']), 0);
  assert.equal(errno('CREATE TABLE tt (a INT)', ['read', 'write']), 1142);
  const server = [
    'SET GLOBAL max_connections = 1', 'SET @@global.max_connections = 1', 'SET PERSIST a = 1', 'SET sql_log_bin = 0', 'SET @@session.sql_log_bin = 0',
    "SET PASSWORD = PASSWORD('x')", 'SET ROLE r', "GRANT ALL ON *.* TO 'x'", "REVOKE ALL ON fwd.* FROM 'x'", "CREATE USER 'x'", "DROP USER 'x'",
    "ALTER USER 'x' IDENTIFIED BY 'y'", "RENAME USER 'x' TO 'y'", 'CREATE ROLE r', 'SHUTDOWN', 'FLUSH PRIVILEGES', 'RESET MASTER',
    "PURGE BINARY LOGS TO 'x'", "CHANGE MASTER TO MASTER_HOST = 'x'", 'START SLAVE', 'STOP REPLICA', "INSTALL PLUGIN p SONAME 'p.so'",
    'UNINSTALL SONAME "x"', "CREATE FUNCTION f RETURNS STRING SONAME 'x.so'", "LOAD DATA INFILE 'x' INTO TABLE t", "LOAD XML INFILE 'x' INTO TABLE t",
    "SELECT LOAD_FILE('/etc/passwd')", "SELECT 1 INTO OUTFILE '/tmp/x'", "SELECT * FROM t INTO DUMPFILE '/tmp/x'", 'SHOW MASTER STATUS',
    'SHOW SLAVE STATUS', 'SHOW BINARY LOGS', 'SHOW ENGINE INNODB STATUS', "SHOW CREATE USER 'x'", 'BINLOG "x"', 'CACHE INDEX t IN c',
    'LOAD INDEX INTO CACHE t', 'BACKUP STAGE START', 'DO LOAD_FILE("x")', 'SET STATEMENT a = 1 FOR SET GLOBAL b = 1',
    'CREATE PROCEDURE p() BEGIN FLUSH TABLES; END', 'BEGIN NOT ATOMIC SET GLOBAL a = 1; END',
    'CREATE EVENT e ON SCHEDULE EVERY 1 DAY DO FLUSH LOGS', 'SELECT 1 /*!40000 INTO OUTFILE "/tmp/x" */',
    "CREATE TABLE f (a INT) ENGINE=FEDERATED CONNECTION='mysql://root@h/mysql/user'", "ALTER TABLE t CONNECTION='mysql://h/db/t'",
    "CREATE TABLE d (a INT) DATA DIRECTORY = '/tmp'", 'XA RECOVER', 'xa recover CONVERT XID',
  ];
  for (const sql of server) assert.equal(errno(sql), 1227, sql);
  for (const sql of server) assert.notEqual(errno(sql, ['read', 'write', 'ddl', 'admin']), 1227, sql);
  // Procedure bodies: their statements are checked; clause words are no statements.
  assert.equal(errno('CREATE PROCEDURE p() BEGIN SELECT * FROM t FOR UPDATE; INSERT INTO t VALUES (1); END'), 0);
  assert.equal(errno('CREATE PROCEDURE p() BEGIN INSERT INTO t VALUES (1); END', ['read', 'ddl']), 1142);
  assert.equal(errno('CREATE PROCEDURE p() BEGIN DROP DATABASE fwd2; END'), 1044);
  assert.equal(errno('CREATE TRIGGER tr BEFORE INSERT ON t FOR EACH ROW SET NEW.a = 1', ['read', 'ddl']), 0);
});

test('PREPARE and EXECUTE IMMEDIATE: a literal is checked as SQL, a variable is refused', () => {
  assert.equal(errno("PREPARE s FROM 'SELECT * FROM t'"), 0);
  assert.equal(errno("PREPARE s FROM 'SELECT * FROM mysql.user'"), 1142);
  assert.equal(errno("PREPARE s FROM 'SELECT \\'x\\' FROM fwd2.t'"), 1142);
  assert.equal(errno('PREPARE s FROM @q'), 1235);
  assert.equal(errno(`PREPARE s FROM "SELECT * FROM t WHERE a = 'x'"`), 0);
  assert.equal(errno("PREPARE s FROM 'SELECT * FROM my' 'sql.user'"), 1142); // adjacent literals are one string
  assert.equal(errno("PREPARE s FROM CONCAT('SELECT 1', '')"), 1235);
  assert.equal(errno("EXECUTE IMMEDIATE 'SELECT ?' USING 1"), 0);
  assert.equal(errno("EXECUTE IMMEDIATE 'SET GLOBAL a = 1'"), 1227);
  assert.equal(errno('EXECUTE IMMEDIATE @q'), 1235);
  assert.equal(errno('EXECUTE s'), 0);
  assert.equal(errno("CREATE PROCEDURE p() BEGIN PREPARE s FROM @q; EXECUTE s; END"), 1235);
});

test('a backslash in a string: the statement is read with and without backslash escapes', () => {
  // Under NO_BACKSLASH_ESCAPES the string is '\' and the subquery runs.
  assert.equal(errno("SELECT '\\' , (SELECT authentication_string FROM mysql.user LIMIT 1) -- '"), 1142);
  assert.equal(errno("SELECT 'it\\'s', t.a FROM t"), 0);
  assert.equal(errno("INSERT INTO t VALUES ('a\\\\b', 'c\\'d')"), 0);
});
