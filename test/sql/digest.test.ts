// Digests from tokens alone: literals -> ?, IN lists and VALUES rows collapsed, comments and whitespace
// folded, keywords upper-cased, values in order.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { digest } from '../../src/sql';

describe('digest', () => {
  it('replaces literals by ? and collects their values in order', () => {
    assert.deepEqual(digest('SELECT c FROM sbtest1 WHERE id=123'), { text: 'SELECT c FROM sbtest1 WHERE id = ?', values: [123] });
    assert.deepEqual(digest("select a from t where b = 'x' and c > 1.5 and d = NULL and e = 1e3"), {
      text: 'SELECT a FROM t WHERE b = ? AND c > ? AND d = ? AND e = ?',
      values: ['x', 1.5, null, 1000],
    });
  });

  it('gives statements that differ only in literals, spacing, case of keywords and comments the same text', () => {
    const a = digest('SELECT c FROM sbtest1 WHERE id=1');
    const b = digest('select   c\n  from sbtest1 /* hi */ where id = 99999 -- tail\n');
    assert.equal(a.text, b.text);
    assert.deepEqual(b.values, [99999]);
  });

  it('collapses IN lists of literals and keeps their values', () => {
    assert.deepEqual(digest('SELECT * FROM t WHERE a IN (1, 2, 3) AND b NOT IN (?, ?)'), {
      text: 'SELECT * FROM t WHERE a IN (...) AND b NOT IN (...)',
      values: [1, 2, 3],
    });
    assert.equal(digest('SELECT * FROM t WHERE a IN (1,2)').text, digest('SELECT * FROM t WHERE a IN (7,8,9,10)').text);
    // a list with expressions is kept
    assert.equal(digest('SELECT * FROM t WHERE a IN (b, 1)').text, 'SELECT * FROM t WHERE a IN (b, ?)');
  });

  it('collapses runs of literal VALUES rows', () => {
    assert.deepEqual(digest("INSERT INTO t (a, b) VALUES (1, 'x'), (2, 'y'), (3, 'z')"), {
      text: 'INSERT INTO t (a, b) VALUES (...)',
      values: [1, 'x', 2, 'y', 3, 'z'],
    });
    assert.equal(digest('INSERT INTO t VALUES (1, NOW())').text, 'INSERT INTO t VALUES (?, NOW())');
    assert.equal(
      digest('INSERT INTO t (a) VALUES (1) ON DUPLICATE KEY UPDATE a = VALUES(a) + 1').text,
      'INSERT INTO t (a) VALUES (...) ON DUPLICATE KEY UPDATE a = VALUES(a) + ?',
    );
  });

  it('folds a sign into a number where a value is expected, not after a value', () => {
    assert.deepEqual(digest('SELECT -1, a - 2, (-3), 4 + -5, x=-6'), {
      text: 'SELECT ?, a - ?, (?), ? + ?, x = ?',
      values: [-1, 2, -3, 4, -5, -6],
    });
  });

  it('decodes every kind of literal', () => {
    const d = digest("SELECT 'it''s' 'x', _utf8mb4'u', N'n', X'1F', 0x20, b'101', 0b11, 18446744073709551615, -9007199254740993, 2.50");
    assert.equal(d.text, 'SELECT ?, ?, ?, ?, ?, ?, ?, ?, ?, ?');
    assert.deepEqual(d.values, ["it'sx", 'u', 'n', 31n, 32n, 5n, 3n, 18446744073709551615n, -9007199254740993n, 2.5]);
  });

  it('keeps ? markers, IS [NOT] NULL, identifiers, variables and hints as written', () => {
    assert.deepEqual(digest('SELECT /*+ BKA(t) */ `T`.a, @v, @@session.x FROM db.t WHERE b = ? AND c IS NOT NULL AND d IS NULL'), {
      text: 'SELECT /*+ BKA(t) */ `T`.a, @v, @@session.x FROM db.t WHERE b = ? AND c IS NOT NULL AND d IS NULL',
      values: [],
    });
  });

  it('upper-cases keywords and function names, keeps spacing of calls', () => {
    // `max (b)` is no built-in call without IGNORE_SPACE: the name stays as written
    assert.equal(digest('select count(*), sum(a), max (b) from t').text, 'SELECT COUNT(*), SUM(a), max (b) FROM t');
  });

  it('reads executable comments as SQL and drops the trailing ;', () => {
    assert.deepEqual(digest('/*!40101 SET NAMES utf8 */;'), { text: 'SET NAMES utf8', values: [] });
    assert.deepEqual(digest('SELECT 1 LIMIT 10, 20;'), { text: 'SELECT ? LIMIT ?, ?', values: [1, 10, 20] });
  });
});
