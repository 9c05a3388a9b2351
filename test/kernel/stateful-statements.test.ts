import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Trait, Verb } from '../../src/kernel/classify';
import { classifyPrepared, withParams, unpreparable, shardedStateRefusal } from '../../src/kernel/stateful-statements';

const prepared = (sql: string, params: number) => withParams(classifyPrepared(sql), params);

test('a prepared SET without parameters is recorded like its text; with parameters it pins', () => {
  const plain = prepared("SET sql_mode = 'ANSI_QUOTES'", 0);
  assert.equal(plain.traits & (Trait.SessionSet | Trait.Pin), Trait.SessionSet);
  assert.deepEqual(plain.setNames, ['sql_mode']);
  const bound = prepared('SET time_zone = ?', 1);
  assert.equal(bound.traits & (Trait.SessionSet | Trait.Pin), Trait.Pin);
  assert.equal(bound.verb, Verb.Set);
});

test('prepared statements that create session state pin, as their text does', () => {
  for (const sql of ['CREATE TEMPORARY TABLE t (a INT)', 'SET @x = ?', 'SELECT ? INTO @x', 'SELECT @x := ?', 'SELECT GET_LOCK(?, 0)',
    'SELECT SQL_CALC_FOUND_ROWS * FROM t LIMIT ?', 'LOCK TABLES t READ', 'HANDLER t OPEN']) {
    assert.ok(prepared(sql, 1).traits & Trait.Pin, sql);
  }
  assert.equal(prepared('SELECT a FROM t WHERE id = ?', 1).traits & Trait.Pin, 0);
});

test('USE cannot be prepared (ERR 1295): sluice answers USE itself', () => {
  assert.equal(unpreparable(classifyPrepared('/* x */ use other'))?.errno, 1295);
  assert.equal(unpreparable(classifyPrepared('SELECT 1')), null);
});

test('sharded schemas refuse what would stay on a pooled connection, naming the state', () => {
  const cases: [string, RegExp][] = [
    ['CREATE TEMPORARY TABLE t (a INT)', /a temporary table/],
    ["SELECT GET_LOCK('l', 0)", /named lock/],
    ['SELECT a INTO @x FROM t', /user variable/],
    ['SELECT @x := 1', /user variable/],
    ['SELECT SQL_CALC_FOUND_ROWS * FROM t', /FOUND_ROWS/],
    ['HANDLER t OPEN', /HANDLER/],
    ['LOCK TABLES t READ', /LOCK TABLES/],
  ];
  for (const [sql, what] of cases) {
    const e = shardedStateRefusal(sql, prepared(sql, 0), 'shop');
    assert.ok(e, sql);
    assert.equal(e.errno, 1235);
    assert.match(e.message, what);
    assert.match(e.message, /sharded schema 'shop'/);
  }
  // SETs a connection would keep say what to send instead.
  assert.match(shardedStateRefusal("SET @x = 1, sql_mode = ''", prepared("SET @x = 1, sql_mode = ''", 0), 'shop')!.message, /mixes user variables with session variables.*SET of their own/);
  assert.match(shardedStateRefusal('SET TRANSACTION READ ONLY', prepared('SET TRANSACTION READ ONLY', 0), 'shop')!.message, /SET SESSION TRANSACTION/);
  // Reads and session SETs are not refused here (session SETs are the session's own business on sharded schemas).
  for (const sql of ['SELECT @x', 'SELECT a FROM t', "SET sql_mode = ''", 'SET SESSION TRANSACTION READ ONLY', 'SELECT RELEASE_LOCK(\'l\')']) {
    assert.equal(shardedStateRefusal(sql, prepared(sql, 0), 'shop'), null, sql);
  }
});
