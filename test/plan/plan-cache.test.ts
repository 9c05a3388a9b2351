// The plan cache, key generation in INSERTs, parameters and describePlan.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { describePlan, PlanCache, planStatement, SnowflakeGenerator, splitSnowflake } from '../../src/plan/index';
import { SCHEMAS } from './schemas';
import { bindText, sameTemplate, templateOf } from '../../src/plan/template';
import { entryBytes } from '../../src/plan/cache';

const schema = SCHEMAS.mod;

describe('plan cache', () => {
  it('statements differing in literals share one analysis and get their own values', () => {
    const cache = new PlanCache();
    const a = planStatement('SELECT c FROM users WHERE uid=5', schema, { cache });
    const b = planStatement('SELECT c FROM users WHERE uid=6', schema, { cache });
    assert.equal(cache.size, 1);
    assert.equal(cache.hits, 1);
    assert.deepEqual(a.units, [{ partition: 0, sql: 'SELECT c FROM users_1 WHERE uid=5' }]);
    assert.deepEqual(b.units, [{ partition: 1, sql: 'SELECT c FROM users_0 WHERE uid=6' }]);
    assert.deepEqual(b, planStatement('SELECT c FROM users WHERE uid=6', schema));
  });
  it('a cached multi-shard plan re-cuts IN lists and re-checks LIMIT for the new values', () => {
    const cache = new PlanCache();
    planStatement('SELECT c FROM users WHERE uid IN (1, 2) ORDER BY c LIMIT 3', schema, { cache });
    const p = planStatement("SELECT c FROM users WHERE uid IN (4, 8) ORDER BY c LIMIT 999", schema, { cache });
    assert.equal(cache.hits, 1);
    assert.deepEqual(p.units, [{ partition: 0, sql: 'SELECT c FROM users_0 WHERE uid IN (4, 8) ORDER BY c LIMIT 999' }]);
    const q = planStatement('SELECT c FROM users WHERE uid IN (4, 9) ORDER BY c LIMIT 999', schema, { cache });
    assert.deepEqual(q.units.map((u) => u.sql), [
      'SELECT c, WEIGHT_STRING(c) FROM users_0 WHERE uid IN (4) ORDER BY c LIMIT 999',
      'SELECT c, WEIGHT_STRING(c) FROM users_1 WHERE uid IN (9) ORDER BY c LIMIT 999',
    ]);
    assert.throws(() => planStatement('SELECT c FROM users WHERE uid IN (4, 9) ORDER BY c LIMIT 1001', schema, { cache }), /maxLimitRows 1000/);
  });
  it('cached point statements keep their renames: only a text the program writes unchanged is sent as it came', () => {
    const cache = new PlanCache();
    const hash = SCHEMAS.hash;
    for (let i = 0; i < 3; i++) {
      // Written as the physical statement: sent unchanged (the verbatim fast path).
      assert.deepEqual(planStatement(`SELECT * FROM people WHERE name = 'n${i}'`, hash, { cache }).units[0].sql, `SELECT * FROM people WHERE name = 'n${i}'`);
      // Qualified by the logical schema: the qualifier is dropped on every execution, not only the first.
      assert.equal(planStatement(`SELECT * FROM shop.people WHERE shop.people.name = 'n${i}'`, hash, { cache }).units[0].sql,
        `SELECT * FROM people WHERE people.name = 'n${i}'`);
      // Table sharding renames per value, so the same template renders users_0 and users_1.
      assert.equal(planStatement(`SELECT c FROM users WHERE uid = ${i}`, schema, { cache }).units[0].sql, `SELECT c FROM users_${i % 2} WHERE uid = ${i}`);
    }
    // A key value the rule cannot place goes the general way (range: beyond every bound -> one empty unit).
    const range = SCHEMAS.range;
    assert.deepEqual(planStatement('SELECT * FROM ledger WHERE id = 1500', range, { cache }).units, [{ partition: 1, sql: 'SELECT * FROM ledger WHERE id = 1500' }]);
    assert.deepEqual(planStatement('SELECT * FROM ledger WHERE id = 99999', range, { cache }).units, [{ partition: 0, sql: 'SELECT * FROM ledger WHERE id = 99999' }]);
    assert.equal(planStatement("SELECT * FROM ledger WHERE id = 'abc'", range, { cache }).units.length, 3);
  });
  it('the hash key is checked against the template in place: other texts never match', () => {
    const t = templateOf(bindText("SELECT c FROM users WHERE uid = 5 AND name = 'x'", []));
    assert.equal(t.text, 'SELECT c FROM users WHERE uid = ? AND name = ?');
    assert.ok(sameTemplate(t, bindText("SELECT c FROM users WHERE uid = 123456 AND name = 'it''s'", [])));
    for (const other of ["SELECT c FROM users WHERE uid = 5 AND name = 'x' ", "SELECT c FROM users WHERE uid = 5 AND nam = 'x'",
      'SELECT c FROM users WHERE uid = 5 AND name = ?', "SELECT c FROM users WHERE uid = 5", "SELECT c FROM users WHERE uid = 5 AND name = 'x' AND 1"]) {
      assert.ok(!sameTemplate(t, bindText(other, [])), other);
    }
    assert.equal(bindText('SELECT c FROM users WHERE uid = 1', []).hash, bindText('SELECT c FROM users WHERE uid = 22', []).hash);
    assert.notEqual(bindText('SELECT c FROM users WHERE uid = 1', []).hash, bindText('SELECT c FROM users WHERE uid = ?', []).hash);
  });
  it('a template that only parses with its literals kept is cached that way too', () => {
    const cache = new PlanCache();
    const a = planStatement('SELECT CAST(c AS CHAR(10)) FROM users WHERE uid = 3', schema, { cache });
    const b = planStatement('SELECT CAST(c AS CHAR(10)) FROM users WHERE uid = 4', schema, { cache });
    assert.equal(a.units[0].sql, 'SELECT CAST(c AS CHAR(10)) FROM users_1 WHERE uid = 3');
    assert.equal(b.units[0].sql, 'SELECT CAST(c AS CHAR(10)) FROM users_0 WHERE uid = 4');
    const again = planStatement('SELECT CAST(c AS CHAR(10)) FROM users WHERE uid = 3', schema, { cache });
    assert.deepEqual(again, a);
    assert.ok(cache.hits >= 2, `hits ${cache.hits}`);
  });
  it('a literal and a ? marker in the same place are different templates', () => {
    const cache = new PlanCache();
    planStatement('SELECT c FROM users WHERE uid = 5', schema, { cache });
    const p = planStatement('SELECT c FROM users WHERE uid = ?', schema, { cache, params: [5] });
    assert.equal(cache.size, 2);
    assert.equal(p.units[0].sql, 'SELECT c FROM users_1 WHERE uid = 5');
  });
  it('column positions in ORDER BY stay part of the template', () => {
    const cache = new PlanCache();
    const a = planStatement('SELECT a, b FROM users ORDER BY 1', schema, { cache });
    const b = planStatement('SELECT a, b FROM users ORDER BY 2', schema, { cache });
    assert.deepEqual(a.merge!.orderBy, [{ index: 0, desc: false }]);
    assert.deepEqual(b.merge!.orderBy, [{ index: 1, desc: false }]);
    assert.equal(cache.size, 2);
  });
  it('evicts the least recently used analysis', () => {
    // Room for two of these templates (all of one length and one slot).
    const cache = new PlanCache(2 * entryBytes(templateOf(bindText('SELECT a FROM users WHERE uid = 1', [])), true) + 100);
    planStatement('SELECT a FROM users WHERE uid = 1', schema, { cache });
    planStatement('SELECT b FROM users WHERE uid = 1', schema, { cache });
    planStatement('SELECT a FROM users WHERE uid = 2', schema, { cache });
    planStatement('SELECT c FROM users WHERE uid = 1', schema, { cache });
    assert.equal(cache.size, 2);
    planStatement('SELECT a FROM users WHERE uid = 3', schema, { cache });
    assert.equal(cache.hits, 2);
  });
});

describe('key generator', () => {
  it('fills omitted snowflake columns per row and routes by the key', () => {
    const keys = new SnowflakeGenerator({ nodeId: 3 });
    const cache = new PlanCache();
    const sql = "INSERT INTO orders (uid, total) VALUES (1, 10), (2, 20), (5, 30)";
    const p = planStatement(sql, schema, { keys, cache });
    const ids = p.generatedIds!;
    assert.equal(ids.length, 3);
    assert.ok(ids[0] < ids[1] && ids[1] < ids[2]);
    assert.equal(splitSnowflake(ids[0]).nodeId, 3);
    assert.deepEqual(p.units, [
      { partition: 0, sql: `INSERT INTO orders_1 (uid, total, oid) VALUES (1, 10, ${ids[0]}), (5, 30, ${ids[2]})` },
      { partition: 1, sql: `INSERT INTO orders_0 (uid, total, oid) VALUES (2, 20, ${ids[1]})` },
    ]);
    const again = planStatement(sql, schema, { keys, cache });
    assert.ok(again.generatedIds![0] > ids[2]);
    assert.equal(cache.hits, 1);
  });
  it('fills a NULL in the generated column', () => {
    const p = planStatement('INSERT INTO orders (uid, oid) VALUES (4, NULL)', schema);
    assert.equal(p.units[0].sql, `INSERT INTO orders_0 (uid, oid) VALUES (4, ${p.generatedIds![0]})`);
  });
});

describe('parameters', () => {
  it('inlines bound values as literals, quoting strings safely', () => {
    const p = planStatement('SELECT * FROM users WHERE uid = ? AND name = ? AND pic = ?', schema, {
      params: [7n, "a\\b'c", Buffer.from([1, 2])],
    });
    assert.equal(p.units[0].sql, "SELECT * FROM users_1 WHERE uid = 7 AND name = _utf8mb4 X'615c622763' AND pic = X'0102'");
  });
  it('a missing parameter is an error', () => {
    assert.throws(() => planStatement('SELECT * FROM users WHERE uid = ?', schema), (e: { errno?: number }) => e.errno === 1210);
  });
  it('syntax errors propagate as 1064', () => {
    assert.throws(() => planStatement('SELEC 1', schema), (e: { errno?: number }) => e.errno === 1064);
  });
});

describe('describePlan', () => {
  it('one line per unit, then the merge steps', () => {
    const p = planStatement('SELECT name FROM users WHERE uid IN (1, 2) ORDER BY name LIMIT 1, 2', schema);
    assert.equal(
      describePlan(p, schema),
      [
        'route: multi, 2 units, primary: no, returns rows',
        '[0] partition 0 (write db0, database shop_0, table _1): SELECT name, WEIGHT_STRING(name) FROM users_1 WHERE uid IN (1) ORDER BY name LIMIT 3',
        '[1] partition 1 (write db1, database shop_1, table _0): SELECT name, WEIGHT_STRING(name) FROM users_0 WHERE uid IN (2) ORDER BY name LIMIT 3',
        'merge: order-by merge on 1 key; compare 1 key by collation weight; hide 1 derived column; offset 1, limit 2',
      ].join('\n'),
    );
  });
});
