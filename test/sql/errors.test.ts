// ERR 1064 in MySQL's form: the near text is the rest of the statement from the failing token (cut at 80
// characters), the line is that token's line.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { parse, parseMany, SqlSyntaxError } from '../../src/sql';

function err(sql: string): SqlSyntaxError {
  try {
    parse(sql);
  } catch (e) {
    assert.ok(e instanceof SqlSyntaxError, String(e));
    return e;
  }
  assert.fail(`accepted: ${sql}`);
}
const MSG = "You have an error in your SQL syntax; check the manual that corresponds to your MySQL server version for the right syntax to use near '";

describe('syntax errors', () => {
  it('carries errno 1064, SQLSTATE 42000 and MySQL\'s message', () => {
    const e = err('SELECT * FORM t');
    assert.equal(e.errno, 1064);
    assert.equal(e.sqlState, '42000');
    assert.equal(e.message, MSG + "FORM t' at line 1");
    assert.equal(e.offset, 9);
  });

  it('says near \'\' at the end of the text', () => {
    assert.equal(err('SELECT 1 +').message, MSG + "' at line 1");
    assert.equal(err('SELECT * FROM t WHERE').near, '');
  });

  it('gives the failing token\'s line', () => {
    const e = err('SELECT a,\n  b\nFROM t\nWHERE a = = 1');
    assert.equal(e.line, 4);
    assert.equal(e.near, '= 1');
    assert.equal(err('SELECT 1\n\n\nFROM').line, 4);
  });

  it('cuts the near text at 80 characters', () => {
    const tail = 'x'.repeat(100);
    const e = err(`SELECT 1 FROM t WHERE = ${tail}`);
    assert.equal(e.near.length, 80);
    assert.equal(e.near, ('= ' + tail).slice(0, 80));
  });

  it('points at the token that breaks the grammar', () => {
    const cases: [string, string][] = [
      ['SELECT FROM t', 'FROM t'],
      ['SELECT * FROM t WHERE id IN ()', ')'],
      ['SELECT * FROM t WHERE id IN (1, 2,)', ')'],
      ['SELECT * FROM t WHERE id BETWEEN 1', ''],
      ['INSERT INTO t VALUES (1', ''],
      ['UPDATE t SET WHERE a = 1', 'WHERE a = 1'],
      ['DELETE t WHERE a = 1', 'WHERE a = 1'],
      ["SELECT 'unterminated", "'unterminated"],
      ['SELECT 1 2', '2'],
      ['SELECT COUNT(DISTINCT) FROM t', ') FROM t'],
      ['SELECT * FROM t LIMIT', ''],
      ['SELECEt 1', 'SELECEt 1'],
      ['SELECT select FROM t', 'select FROM t'],
    ];
    for (const [sql, near] of cases) assert.equal(err(sql).near, near, sql);
  });

  it('checks DDL against the grammar though the tree keeps it as written', () => {
    const cases: [string, string][] = [
      ['CREATE TABLE t (id INT PRIMARY)', ')'],
      ['CREATE TABLE t (id INT DEFAULT)', ')'],
      ['CREATE TABLE t (id INT, KEY (a) BOGUS)', 'BOGUS)'],
      ['CREATE TABLE t (id INT) ENGINE =', ''],
      ['CREATE INDEX i ON t ()', ')'],
      ['ALTER TABLE t ADD COLUMN', ''],
      ['ALTER TABLE t CHANGE a', ''],
      ['ALTER TABLE t RENAME COLUMN a TO', ''],
      ['ALTER TABLE t ALTER COLUMN a SET', ''],
    ];
    for (const [sql, near] of cases) assert.equal(err(sql).near, near, sql);
  });

  it('reports the rest of the whole text in a multi-statement text', () => {
    try {
      parseMany('SELECT 1; SELECT FROM t; SELECT 3');
      assert.fail('accepted');
    } catch (e) {
      assert.ok(e instanceof SqlSyntaxError);
      assert.equal(e.near, 'FROM t; SELECT 3');
    }
  });

  it('refuses a second statement where one is expected', () => {
    assert.equal(err('SELECT 1; SELECT 2').near, 'SELECT 2');
  });
});
