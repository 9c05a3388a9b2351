import { test } from 'node:test';
import assert from 'node:assert/strict';
import { classify, Verb, Trait } from '../../src/kernel/classify';

const TRAIT_NAMES: [number, string][] = [
  [Trait.Pin, 'Pin'], [Trait.Unlock, 'Unlock'], [Trait.NeedsLastConnection, 'NeedsLastConnection'],
  [Trait.SessionSet, 'SessionSet'], [Trait.GlobalSet, 'GlobalSet'], [Trait.Multi, 'Multi'], [Trait.Access, 'Access'],
  [Trait.Identity, 'Identity'], [Trait.InfoSchema, 'InfoSchema'],
];

/** Classifies sql as the session does: a COM_QUERY payload (command byte first), from offset 1. */
function run(sql: string) {
  const payload = Buffer.concat([Buffer.from([0x03]), Buffer.from(sql, 'utf8')]);
  const c = classify(payload, 1, payload.length);
  return { verb: c.verb, traits: TRAIT_NAMES.filter(([bit]) => c.traits & bit).map(([, name]) => name), setNames: c.setNames };
}

function traits(sql: string): string[] {
  return run(sql).traits;
}

test('verbs of each statement kind, in any case and after leading white space', () => {
  const cases: [string, Verb][] = [
    ['SELECT 1', Verb.Select], ['select 1', Verb.Select], [' \n\t\r SeLeCt 1', Verb.Select],
    ['(SELECT 1) UNION (SELECT 2)', Verb.Select], ['WITH x AS (SELECT 1) SELECT * FROM x', Verb.Select],
    ['VALUES (1), (2)', Verb.Select], ['TABLE t', Verb.Select],
    ['INSERT INTO t VALUES (1)', Verb.Insert], ['UPDATE t SET a = 1', Verb.Update], ['DELETE FROM t', Verb.Delete],
    ['REPLACE INTO t VALUES (1)', Verb.Replace], ['SET sql_mode = \'\'', Verb.Set], ['USE shop', Verb.Use],
    ['BEGIN', Verb.Begin], ['START TRANSACTION', Verb.Start], ['COMMIT', Verb.Commit], ['ROLLBACK', Verb.Rollback],
    ['LOCK TABLES t WRITE', Verb.Lock], ['UNLOCK TABLES', Verb.Unlock], ['CREATE TABLE t (a INT)', Verb.Create],
    ['PREPARE s FROM \'SELECT 1\'', Verb.Prepare], ['DEALLOCATE PREPARE s', Verb.Deallocate], ['HANDLER t OPEN', Verb.Handler],
    ["XA START 'x'", Verb.Xa], ['SHOW TABLES', Verb.Other], ['EXPLAIN SELECT 1', Verb.Other], ['DROP TABLE t', Verb.Other],
    ['', Verb.Other], ['   ', Verb.Other], ['selected', Verb.Other], ['`SELECT`', Verb.Other],
  ];
  for (const [sql, verb] of cases) assert.equal(run(sql).verb, verb, sql);
  // Plain statements carry no traits.
  for (const sql of ['SELECT 1', 'INSERT INTO t VALUES (1)', 'BEGIN', 'COMMIT', 'SHOW TABLES', 'SELECT a FROM t WHERE b = 2']) {
    assert.deepEqual(traits(sql), [], sql);
  }
});

test('comments are skipped: #, -- and /* */', () => {
  assert.equal(run('/* hint */ SELECT 1').verb, Verb.Select);
  assert.equal(run('# line\nSELECT 1').verb, Verb.Select);
  assert.equal(run('-- line\nSELECT 1').verb, Verb.Select);
  assert.equal(run('--\nINSERT INTO t VALUES (1)').verb, Verb.Insert);
  assert.equal(run('/* a */ /* b */\n-- c\n# d\nUPDATE t SET a = 1').verb, Verb.Update);
  assert.deepEqual(traits('/* GET_LOCK(1) LAST_INSERT_ID() */ SELECT 1'), []);
  assert.deepEqual(traits('SELECT 1 # GET_LOCK(\'x\', 1); SELECT 2'), []);
  assert.deepEqual(traits('SELECT 1 -- TEMPORARY; SELECT 2\n'), []);
  assert.deepEqual(traits('SELECT /*+ MAX_EXECUTION_TIME(1) */ 1'), []);
  assert.deepEqual(traits('SELECT 1 /* unterminated GET_LOCK'), []);
});

test('executable comments /*! … */ are read as SQL', () => {
  assert.deepEqual(run('/*!40101 SET NAMES utf8mb4 */'), { verb: Verb.Set, traits: ['SessionSet'], setNames: ['names'] });
  assert.deepEqual(run('/*!40101 SET @OLD_CHARACTER_SET_CLIENT=@@CHARACTER_SET_CLIENT */').traits, ['Pin']);
  assert.deepEqual(traits('/*! SELECT GET_LOCK(\'a\', 1) */'), ['Pin']);
  assert.deepEqual(traits('SELECT /*!50000 SQL_CALC_FOUND_ROWS */ * FROM t'), ['Pin']);
  assert.equal(run('/*!50001 CREATE ALGORITHM=UNDEFINED VIEW v AS SELECT 1 */').verb, Verb.Create);
});

test('MariaDB executable comments /*M! … */ are read as SQL too (mariadb-dump writes them)', () => {
  assert.deepEqual(run('/*M!100616 SET @OLD_NOTE_VERBOSITY=@@NOTE_VERBOSITY, NOTE_VERBOSITY=0 */'),
    { verb: Verb.Set, traits: ['Pin'], setNames: ['note_verbosity'] });
  assert.deepEqual(run('/*M!100100 SET sql_mode = \'\' */'), { verb: Verb.Set, traits: ['SessionSet'], setNames: ['sql_mode'] });
  assert.deepEqual(run('/*M!100101 SET LOCAL SQL_LOG_OFF=0, LOCAL LOG_SLOW_QUERY=0 */'),
    { verb: Verb.Set, traits: ['SessionSet'], setNames: ['sql_log_off', 'log_slow_query'] });
  // A plain comment that merely starts with M is still a comment.
  assert.equal(run('/*Mind the gap*/ SELECT 1').verb, Verb.Select);
});

test('strings and quoted identifiers hide keywords and semicolons', () => {
  assert.deepEqual(traits("SELECT 'GET_LOCK(1)'"), []);
  assert.deepEqual(traits('SELECT "LAST_INSERT_ID()"'), []);
  assert.deepEqual(traits('SELECT `temporary` FROM `get_lock`'), []);
  assert.deepEqual(traits("SELECT 'it''s; GET_LOCK(1)'"), []);
  // A backslash in a string makes the access check read the statement (both with and without escapes).
  assert.deepEqual(traits("SELECT 'a\\'; GET_LOCK(1)'"), ['Access'], 'backslash-escaped quote');
  assert.deepEqual(traits('SELECT "a\\"; SELECT 2"'), ['Access']);
  assert.deepEqual(traits('SELECT `a``; SELECT 2`'), []);
  assert.deepEqual(traits("SELECT ';'"), []);
  assert.deepEqual(traits("SELECT '@a := 1', \"INTO @x\""), []);
  assert.deepEqual(traits("SELECT 'x'; SELECT GET_LOCK('y', 1)"), ['Pin', 'Multi']);
});

test('Pin: state a pooled connection cannot restore', () => {
  const pins = [
    "SELECT GET_LOCK('x', 1)", 'select get_lock("x",1)', 'CREATE TEMPORARY TABLE t (a INT)', 'SET @a = 1', 'SET @a=1',
    "SET @`a b` = 'x'", 'SELECT 1 INTO @x', 'SELECT a, b INTO @x, @y FROM t', 'SELECT a INTO\n@x FROM t', 'SELECT @a := 1',
    'SELECT @a:=1', 'SELECT @`a b` := 5', "SELECT @'x':=1", 'UPDATE t SET a = (@n := @n + 1)', 'SET TRANSACTION ISOLATION LEVEL READ COMMITTED',
    'LOCK TABLES t WRITE', 'LOCK TABLE t READ', 'SELECT SQL_CALC_FOUND_ROWS * FROM t LIMIT 1',
    "PREPARE s FROM 'SELECT 1'", 'HANDLER t OPEN',
  ];
  for (const sql of pins) assert.ok(traits(sql).includes('Pin'), sql);
  assert.equal(run('CREATE TEMPORARY TABLE t (a INT)').verb, Verb.Create);
  // Reading user or system variables is fine.
  for (const sql of ['SELECT @a', 'SELECT @a, @b + 1', 'SELECT @`a b`, @\'c\' FROM t', 'SELECT @@version', 'SELECT * FROM t WHERE a = @a', "SET sql_mode = @saved",
    'SELECT @@session.sql_mode', 'SELECT a FROM t WHERE b = 2 INTO OUTFILE \'/tmp/x\'']) {
    assert.ok(!traits(sql).includes('Pin'), sql);
  }
});

test('SET: session variables are recorded by name; GLOBAL/PERSIST are not', () => {
  const set = (sql: string) => { const r = run(sql); return { traits: r.traits, setNames: r.setNames }; };
  assert.deepEqual(set("SET sql_mode='x'"), { traits: ['SessionSet'], setNames: ['sql_mode'] });
  assert.deepEqual(set('SET NAMES utf8mb4'), { traits: ['SessionSet'], setNames: ['names'] });
  assert.deepEqual(set("SET NAMES 'utf8mb4' COLLATE 'utf8mb4_bin'"), { traits: ['SessionSet'], setNames: ['names'] });
  assert.deepEqual(set('SET CHARACTER SET utf8mb4'), { traits: ['SessionSet'], setNames: ['names'] });
  assert.deepEqual(set("SET @@session.time_zone='+00:00'"), { traits: ['SessionSet'], setNames: ['time_zone'] });
  assert.deepEqual(set("SET @@SESSION.TIME_ZONE = '+00:00'"), { traits: ['SessionSet'], setNames: ['time_zone'] });
  assert.deepEqual(set("SET @@time_zone = '+00:00'"), { traits: ['SessionSet'], setNames: ['time_zone'] });
  assert.deepEqual(set("SET @@local.sql_mode = ''"), { traits: ['SessionSet'], setNames: ['sql_mode'] });
  assert.deepEqual(set("SET SESSION time_zone = 'UTC'"), { traits: ['SessionSet'], setNames: ['time_zone'] });
  assert.deepEqual(set("SET LOCAL sql_mode = ''"), { traits: ['SessionSet'], setNames: ['sql_mode'] });
  assert.deepEqual(set("SET autocommit=0, sql_mode=''"), { traits: ['SessionSet'], setNames: ['autocommit', 'sql_mode'] });
  assert.deepEqual(set("SET sql_mode = CONCAT(@@sql_mode, ',STRICT_ALL_TABLES'), time_zone = 'UTC'"),
    { traits: ['SessionSet'], setNames: ['sql_mode', 'time_zone'] });
  assert.deepEqual(set("SET /* c */ autocommit = 1 , SESSION wait_timeout = 60, @@session.sql_mode = ''"),
    { traits: ['SessionSet'], setNames: ['autocommit', 'wait_timeout', 'sql_mode'] });
  // A back-quoted variable name is a name too (MariaDB accepts SET `sql_mode` = ...).
  assert.deepEqual(set("SET `sql_mode` = 'ANSI'"), { traits: ['SessionSet'], setNames: ['sql_mode'] });
  assert.deepEqual(set("SET SESSION `Time_Zone` = 'UTC', `autocommit` = 1"), { traits: ['SessionSet'], setNames: ['time_zone', 'autocommit'] });
  // GLOBAL and PERSIST: forwarded, never replayed.
  for (const sql of ['SET GLOBAL x=1', 'SET @@global.max_connections = 100', 'SET PERSIST max_connections = 100',
    'SET PERSIST_ONLY max_connections = 100', 'set global max_connections=1, global wait_timeout=2']) {
    assert.deepEqual(set(sql).traits, ['GlobalSet'], sql);
  }
  // A user variable in the list pins; nothing is recorded then.
  assert.deepEqual(set("SET sql_mode = '', @x = 1").traits, ['Pin']);
  assert.deepEqual(set('SET TRANSACTION ISOLATION LEVEL SERIALIZABLE').traits, ['Pin']);
});

test('Unlock, NeedsLastConnection', () => {
  assert.deepEqual(run('UNLOCK TABLES'), { verb: Verb.Unlock, traits: ['Unlock'], setNames: null });
  assert.deepEqual(traits('SELECT RELEASE_ALL_LOCKS()'), ['Unlock']);
  assert.deepEqual(traits("SELECT RELEASE_LOCK('x')"), ['Unlock']);
  assert.deepEqual(traits('SELECT LAST_INSERT_ID()'), ['NeedsLastConnection']);
  assert.deepEqual(traits('select last_insert_id()'), ['NeedsLastConnection']);
  assert.deepEqual(traits('SELECT ROW_COUNT()'), ['NeedsLastConnection']);
  assert.deepEqual(traits('SELECT FOUND_ROWS()'), ['NeedsLastConnection']);
  assert.deepEqual(traits('INSERT INTO log VALUES (LAST_INSERT_ID())'), ['NeedsLastConnection']);
  assert.deepEqual(traits('SELECT last_insert_id_x, found_rowsy FROM t'), []);
});

test('Multi: a second statement after a semicolon, not a trailing semicolon or one in a string', () => {
  assert.deepEqual(traits('select 1; select 2'), ['Multi']);
  assert.deepEqual(traits('select 1;select 2;'), ['Multi']);
  assert.deepEqual(traits('SET @a = 1; SELECT @a'), ['Pin', 'Multi']);
  assert.deepEqual(traits('select 1;'), []);
  assert.deepEqual(traits('select 1 ;  \n\t'), []);
  assert.deepEqual(traits("select ';'"), []);
  assert.deepEqual(traits('select 1 /* ; */'), []);
  assert.deepEqual(traits('USE shop; SELECT 1'), ['Multi']);
  // MariaDB answers a comment after the semicolon with a second result (an OK): that is Multi too.
  assert.deepEqual(traits('select 1; -- done'), ['Multi']);
  assert.deepEqual(traits('select 1; /* done */'), ['Multi']);
});

test('classify reads only buf[start, end)', () => {
  const buf = Buffer.from("xxSET @a = 1; SELECT LAST_INSERT_ID()", 'latin1');
  const c = classify(buf, 2, 12);
  assert.equal(c.verb, Verb.Set);
  assert.equal(c.traits, Trait.Pin);
  const d = classify(buf, 14, buf.length);
  assert.equal(d.verb, Verb.Select);
  assert.equal(d.traits, Trait.NeedsLastConnection);
  // Bytes that are not ASCII (UTF-8 identifiers and strings) are word bytes or skipped, never misread.
  assert.deepEqual(run("SELECT größe FROM tëst WHERE x = 'ünï;'"), { verb: Verb.Select, traits: [], setNames: null });
});

test('Access: qualified names and file functions are noticed; in strings and comments they are not', () => {
  for (const sql of [
    'SELECT * FROM mysql.user', 'SELECT * FROM `mysql`.`user`', 'SELECT * FROM mysql . user', 'SELECT * FROM mysql/**/.user',
    'SELECT * FROM "mysql".user', 'SELECT t.a FROM t', 'SELECT 1 FROM 1db.t', "SELECT load_file('/x')", "SELECT 1 INTO OUTFILE '/x'",
    "SELECT 1 INTO dumpfile '/x'", 'SELECT 1 /*! , x.y */', 'SELECT 1 /*M!100000 , LOAD_FILE(1) */',
  ]) {
    assert.ok(traits(sql).includes('Access'), sql);
  }
  for (const sql of [
    "SELECT 'mysql.user'", 'SELECT 1 /* mysql.user */', 'SELECT 1 -- mysql.user', 'SELECT 1 # LOAD_FILE(x)', 'SELECT 1.5', 'SELECT 1 + .5',
    'SELECT c FROM sbtest1 WHERE id = 5', 'SELECT @a.b', 'SELECT @@session.sql_mode', "SELECT 'LOAD_FILE(x)'", 'SELECT outfiles FROM t',
  ]) {
    assert.ok(!traits(sql).includes('Access'), sql);
  }
});

test('identity calls and information_schema are noticed; the same words as names are not', () => {
  for (const sql of ['SELECT USER()', 'SELECT user ( )', 'SELECT CURRENT_USER', 'select current_user()', 'SELECT 1, SESSION_USER(), 2',
    'SELECT SYSTEM_USER()', 'SELECT DATABASE(), USER() limit 1', "SELECT * FROM t WHERE s = schema()"]) {
    assert.deepEqual(traits(sql), ['Identity'], sql);
  }
  for (const sql of ['SELECT user FROM t', 'CREATE USER x', 'CREATE SCHEMA s', 'SELECT database FROM t', "SELECT 'USER()'", 'SELECT `user`(1)']) {
    assert.deepEqual(traits(sql), [], sql);
  }
  for (const sql of ['SELECT * FROM information_schema.TABLES', 'SELECT * FROM `INFORMATION_SCHEMA`.`COLUMNS`', 'SHOW TABLES FROM information_schema']) {
    assert.ok(traits(sql).includes('InfoSchema'), sql); // (a qualified name is Access too)
  }
  assert.deepEqual(traits("SELECT 'information_schema'"), []);
});

test('SET SESSION TRANSACTION is a session SET named by what it sets; SET TRANSACTION (next transaction only) pins', () => {
  assert.deepEqual(run('SET SESSION TRANSACTION ISOLATION LEVEL READ COMMITTED'), { verb: Verb.Set, traits: ['SessionSet'], setNames: ['transaction_isolation'] });
  assert.deepEqual(run('set local transaction read only'), { verb: Verb.Set, traits: ['SessionSet'], setNames: ['transaction_read_only'] });
  assert.deepEqual(run('SET SESSION TRANSACTION ISOLATION LEVEL SERIALIZABLE, READ WRITE'),
    { verb: Verb.Set, traits: ['SessionSet'], setNames: ['transaction_isolation', 'transaction_read_only'] });
  assert.deepEqual(run('SET TRANSACTION READ ONLY'), { verb: Verb.Set, traits: ['Pin'], setNames: null });
  assert.deepEqual(run('SET TRANSACTION ISOLATION LEVEL READ UNCOMMITTED'), { verb: Verb.Set, traits: ['Pin'], setNames: null });
  assert.deepEqual(run('SET SESSION sql_mode = 1, autocommit = 0'), { verb: Verb.Set, traits: ['SessionSet'], setNames: ['sql_mode', 'autocommit'] });
});
