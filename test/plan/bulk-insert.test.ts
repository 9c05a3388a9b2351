// The tuple splice of multi-row INSERTs (plan/bulk-insert.ts): every statement it plans must give
// the units the general planner (parse -> analyse -> render) gives, row for row; what it cannot place
// on its own it leaves to the general planner (null); long INSERTs go through it and are not cached.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { ShardedSchema } from '../../src/config/types';
import { planBulkInsert } from '../../src/plan/bulk-insert';
import { bind } from '../../src/plan/bind';
import { cachedAnalysis } from '../../src/plan/cached-analysis';
import { MAX_CACHED_SQL, PlanCache, planStatement, SnowflakeGenerator, type ShardPlan } from '../../src/plan/index';
import { SCHEMAS } from './schemas';

/** A mod schema of 2 partitions whose tickets table's shard key is its generated column. */
const TICKETS: ShardedSchema = {
  ...SCHEMAS.mod,
  tables: {
    ...SCHEMAS.mod.tables,
    tickets: { kind: 'sharded', name: 'tickets', shardKey: 'tid', algorithm: 'mod', tablesPerPartition: 1, keyGenerator: { column: 'tid', type: 'snowflake' } },
  },
};

/** Generators that give the same ids in the same order (a fixed clock). */
const keys = () => new SnowflakeGenerator({ nodeId: 5, now: () => 1_800_000_000_000 });

/** The general planner's plan of sql, whatever its length (no cache, no splice). */
function general(sql: string, schema: ShardedSchema): ShardPlan {
  const { a, bound } = cachedAnalysis(sql, [], schema, undefined);
  return bind(a, bound, schema, { keys: keys() });
}

function spliced(sql: string, schema: ShardedSchema = SCHEMAS.mod): ShardPlan | null {
  return planBulkInsert(sql, schema, { keys: keys() });
}

/** The splice plans sql, exactly as the general planner does. */
function same(sql: string, schema: ShardedSchema = SCHEMAS.mod): ShardPlan {
  const p = spliced(sql, schema);
  assert.ok(p, `not spliced: ${sql}`);
  assert.deepEqual(p, general(sql, schema));
  return p;
}

describe('bulk INSERT splice', () => {
  it('copies tuples as written: parentheses, quotes and escaped quotes inside strings, comments inside tuples', () => {
    const p = same(
      "INSERT INTO users (uid, name) VALUES (1, 'a(b'), (2, 'it''s )'), (3, 'back\\'sl)ash'), (4, \"dq ) (\"), (5, /* ( */ 'c' -- )\n), (6, 'x')",
    );
    assert.deepEqual(p.units, [
      { partition: 0, sql: 'INSERT INTO users_0 (uid, name) VALUES (4, "dq ) (")' },
      { partition: 0, sql: "INSERT INTO users_1 (uid, name) VALUES (1, 'a(b'), (5, /* ( */ 'c' -- )\n)" },
      { partition: 1, sql: "INSERT INTO users_0 (uid, name) VALUES (2, 'it''s )'), (6, 'x')" },
      { partition: 1, sql: "INSERT INTO users_1 (uid, name) VALUES (3, 'back\\'sl)ash')" },
    ]);
    assert.deepEqual(p.tables, [0, 1, 0, 1]);
    assert.deepEqual(p.steps, ['add up affected rows']);
  });
  it('keeps the tail: ON DUPLICATE KEY UPDATE with VALUES() and the table qualifier renamed per target', () => {
    const p = same('INSERT INTO users (uid, n) VALUES (1, 1), (2, 2), (5, 3) ON DUPLICATE KEY UPDATE n = VALUES(n) + users.n;');
    assert.equal(p.units[0].sql, 'INSERT INTO users_1 (uid, n) VALUES (1, 1), (5, 3) ON DUPLICATE KEY UPDATE n = VALUES(n) + users_1.n;');
    assert.equal(p.units[1].sql, 'INSERT INTO users_0 (uid, n) VALUES (2, 2) ON DUPLICATE KEY UPDATE n = VALUES(n) + users_0.n;');
  });
  it('an ON DUPLICATE KEY UPDATE of the shard key is refused as for any INSERT', () => {
    assert.throws(() => spliced('INSERT INTO users (uid, n) VALUES (1, 1), (2, 2) ON DUPLICATE KEY UPDATE uid = 9'), /UPDATE of shard key column users.uid/);
  });
  it('expressions and functions in tuples, REPLACE, IGNORE, qualified and quoted names, negative, long and string keys', () => {
    same("INSERT INTO users (uid, name, t, n) VALUES (1, CONCAT('a', '(b'), NOW(), 1 + 2), (-2, LOWER('X'), '2024-01-01', (3 * (4 + 1))), (3, 'c', NULL, DEFAULT)");
    same("REPLACE INTO shop.users (uid, name) VALUES (7, 'a'), (8, 'b')");
    same("INSERT IGNORE INTO `users` (`uid`, `name`) VALUE (12345678901234567890, 'a'), (-7, 'b'), (0, 'c')");
    same("INSERT INTO people (name, n) VALUES ('ann', 1), ('bob', 2), ('it''s', 3), ('zoë', 4)", SCHEMAS.hash);
    same("INSERT INTO visits (day, n) VALUES ('2024-01-05', 1), ('2024-02-05', 2), ('2024-05-05', 3)", SCHEMAS.date);
    same('INSERT INTO ledger (id, v) VALUES (1.5, 1), (1500, 2), (2999, 3)', SCHEMAS.range);
  });
  it('fills generated keys: an omitted column, NULL or DEFAULT in the column, and a generated shard key', () => {
    const a = same('INSERT INTO orders (uid, total) VALUES (1, 10), (2, 20), (5, 30)');
    assert.equal(a.generatedIds!.length, 3);
    assert.match(a.units[0].sql, new RegExp(`^INSERT INTO orders_1 \\(uid, total, oid\\) VALUES \\(1, 10, ${a.generatedIds![0]}\\), \\(5, 30, ${a.generatedIds![2]}\\)$`));
    const b = same('INSERT INTO orders (uid, oid, total) VALUES (1, NULL, 10), (2, 77, 20), (5, DEFAULT, 30)');
    assert.equal(b.generatedIds!.length, 2);
    assert.ok(b.units.some((u) => u.sql.includes('(2, 77, 20)')));
    const c = same('INSERT INTO tickets (tid, what) VALUES (NULL, 1), (10, 2), (DEFAULT, 3), (11, 4)', TICKETS);
    assert.equal(c.generatedIds!.length, 2);
    same('INSERT INTO tickets (what) VALUES (1), (2), (3)', TICKETS);
  });
  it('a broadcast table gets the statement as written on every partition, a table without a rule on the default one', () => {
    const b = same("INSERT INTO items (id, title) VALUES (1, 'x'), (2, 'y (z)')");
    assert.deepEqual(b.units.map((u) => u.partition), [0, 1]);
    assert.equal(b.units[1].sql, "INSERT INTO items (id, title) VALUES (1, 'x'), (2, 'y (z)')");
    const l = same("INSERT INTO logs (id, title) VALUES (1, 'x'), (2, NOW())");
    assert.deepEqual(l.units, [{ partition: 0, sql: "INSERT INTO logs (id, title) VALUES (1, 'x'), (2, NOW())" }]);
  });
  it('a NULL key without a generator is refused naming its row', () => {
    const msg = /Field 'uid' doesn't have a default value: row 3 of the INSERT into sharded table users/;
    assert.throws(() => spliced("INSERT INTO users (uid, name) VALUES (1, 'a'), (2, 'b'), (NULL, 'c')"), msg);
    assert.throws(() => general("INSERT INTO users (uid, name) VALUES (1, 'a'), (2, 'b'), (NULL, 'c')", SCHEMAS.mod), msg);
    assert.throws(() => spliced("INSERT INTO ledger (id, v) VALUES (1, 1), (5000, 2)", SCHEMAS.range), /value 5000 of row 2 \(ledger.id\) matches no partition/);
  });
  it('leaves to the general planner what the scan cannot place or check', () => {
    for (const sql of [
      "INSERT INTO users SET uid = 6, name = 'z'",
      "INSERT INTO users (uid, name) VALUES (1, 'a')",
      'INSERT INTO users (uid, name) SELECT uid, name FROM users WHERE uid = 3',
      "INSERT INTO users (uid, name) VALUES (1, 'a'), (1 + 1, 'b')",
      "INSERT INTO users (uid, name) VALUES (1, 'a'), (2, (SELECT MAX(name) FROM items))",
      "INSERT INTO users (uid, name) VALUES (1, 'a'), (2, 'b', 3)",
      "INSERT INTO users (uid, name) VALUES (1, 'a'), (2, 'b' 'c' +)",
      "INSERT INTO users (uid, name) VALUES (1, 'a'), ()",
      "INSERT INTO users (uid, n) VALUES (1, 1), (2, users.n)",
      "INSERT INTO shop.items (id, title) VALUES (1, 'x'), (2, 'y')",
      'INSERT INTO users (uid, name) TABLE other',
      'SELECT 1',
    ]) assert.equal(spliced(sql), null, sql);
  });
  it('a long INSERT is spliced and not cached; its one-row head is cached once for all of them', () => {
    const cache = new PlanCache();
    const kg = keys();
    for (let s = 0; s < 5; s++) {
      const rows = Array.from({ length: 600 + s * 7 }, (_, i) => `(${s * 10000 + i}, 'name-${i}-${'x'.repeat(i % 13)}', ${i % 3 === 0 ? 'NOW()' : 'NULL'})`);
      const sql = `INSERT INTO users (uid, name, t) VALUES ${rows.join(', ')}`;
      assert.ok(sql.length > MAX_CACHED_SQL);
      const p = planStatement(sql, SCHEMAS.mod, { cache, keys: kg });
      assert.deepEqual(p, general(sql, SCHEMAS.mod));
      // Every row once, on the target its key names.
      const seen = p.units.flatMap((u, i) => [...u.sql.matchAll(/\((\d+), 'name-/g)].map((m) => ({ uid: Number(m[1]), g: 2 * u.partition + p.tables![i] })));
      assert.equal(seen.length, rows.length);
      for (const { uid, g } of seen) assert.equal(g, uid % 4);
    }
    assert.equal(cache.size, 1);
    assert.ok(cache.bytes < 64 * 1024, `cache bytes ${cache.bytes}`);
  });
  it('a long prepared INSERT (with ? markers) is cached: its template repeats with every execution', () => {
    const cache = new PlanCache();
    const sql = `INSERT INTO users (uid, name) VALUES ${Array.from({ length: 3000 }, () => '(?, ?)').join(', ')}`;
    assert.ok(sql.length > MAX_CACHED_SQL);
    for (let run = 0; run < 2; run++) {
      const params = Array.from({ length: 6000 }, (_, i) => (i % 2 ? `n${i}` : run * 10000 + i / 2));
      const p = planStatement(sql, SCHEMAS.mod, { cache, params });
      assert.equal(p.units.length, 4);
      assert.ok(p.units[0].sql.startsWith(`INSERT INTO users_0 (uid, name) VALUES (${run * 10000}, 'n1'), `), p.units[0].sql.slice(0, 80));
    }
    assert.equal(cache.size, 1);
    assert.equal(cache.hits, 1);
  });
});

describe('plan cache bound', () => {
  it('stays within its byte bound, evicting, and never keeps an entry larger than the bound', () => {
    const cache = new PlanCache(200_000);
    for (let i = 0; i < 200; i++) planStatement(`SELECT c${i} FROM users WHERE uid IN (${Array.from({ length: 50 }, (_, j) => j).join(', ')})`, SCHEMAS.mod, { cache });
    assert.ok(cache.bytes <= 200_000 && cache.bytes > 100_000, `bytes ${cache.bytes}`);
    assert.ok(cache.size < 200);
    const small = new PlanCache(1000);
    planStatement('SELECT c FROM users WHERE uid = 1', SCHEMAS.mod, { cache: small });
    assert.equal(small.size, 0);
    assert.equal(small.bytes, 0);
  });
  it('reports every change of its size, and clear() gives it all back', () => {
    let gauge = 0;
    const cache = new PlanCache(100_000, (d) => (gauge += d));
    for (let i = 0; i < 50; i++) planStatement(`SELECT c${i} FROM users WHERE uid = ${i}`, SCHEMAS.mod, { cache });
    assert.equal(gauge, cache.bytes);
    cache.clear();
    assert.equal(gauge, 0);
  });
});
