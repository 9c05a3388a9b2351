// The verbatim route (plan/verbatim-route.ts): a statement routed from its bytes must go exactly
// where planStatement sends it, as its own text, and every statement whose plan is anything else
// must be left to planStatement (null).
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { ShardedSchema } from '../../src/config/types';
import { PlanCache, planStatement, verbatimRoute } from '../../src/plan/index';
import { ByteLiteral, MAX_LITERALS, scanned, scanTemplate } from '../../src/plan/byte-template';
import { RouteTable } from '../../src/plan/route-table';
import { CASES } from './cases';
import { SCHEMAS } from './schemas';

/** 3 partitions, one table each, mod on uid; logs has no rule; items is broadcast. (Its own name: the plan cache keys analyses by name.) */
const MOD1: ShardedSchema = {
  ...SCHEMAS.mod,
  name: 'shop1',
  partitions: [0, 1, 2].map((i) => ({ write: `db${i}`, read: [], database: `shop_${i}` })),
  tables: {
    users: { kind: 'sharded', name: 'users', shardKey: 'uid', algorithm: 'mod', tablesPerPartition: 1 },
    items: { kind: 'broadcast', name: 'items' },
  },
  defaultPartition: 1,
};

/** verbatimRoute of sql's bytes (latin1, as the session holds SQL), behind a COM_QUERY byte as in a payload. */
function route(sql: string | Buffer, schema: ShardedSchema, cache: PlanCache) {
  const bytes = Buffer.concat([Buffer.from([3]), typeof sql === 'string' ? Buffer.from(sql, 'latin1') : sql]);
  return verbatimRoute(bytes, 1, bytes.length, schema, cache);
}

/** Routes sql twice (learned, then from the table) and checks both against planStatement; returns the route. */
function sameAsPlanner(sql: string | Buffer, schema: ShardedSchema, cache: PlanCache) {
  const text = typeof sql === 'string' ? sql : sql.toString('latin1');
  const plan = planStatement(text, schema);
  const first = route(sql, schema, cache);
  const again = route(sql, schema, cache);
  assert.deepEqual(again, first, text);
  if (first !== null) {
    assert.deepEqual(plan.units, [{ partition: first.partition, sql: text }], text);
    assert.equal(plan.merge, null, text);
    assert.equal(plan.tables, undefined, text);
    assert.equal(plan.primary, first.primary, text);
  }
  return first;
}

describe('verbatim route', () => {
  it('routes a point statement by its key as planStatement does, for every algorithm', () => {
    const cache = new PlanCache();
    for (let uid = 0; uid < 40; uid++) {
      assert.deepEqual(sameAsPlanner(`SELECT c FROM users WHERE uid=${uid}`, MOD1, cache), { partition: uid % 3, primary: false });
      assert.deepEqual(sameAsPlanner(`UPDATE users SET c = 'x' WHERE uid = ${uid}`, MOD1, cache), { partition: uid % 3, primary: true });
    }
    for (const name of ['Alice', 'ALICE  ', 'bob', '', '007', '7', 'x y', 'Àlice']) {
      assert.notEqual(sameAsPlanner(`SELECT * FROM people WHERE name = '${name}'`, SCHEMAS.hash, cache), null, name);
      // As UTF-8 bytes, the way a client sends them (the planner sees them as latin1 characters).
      assert.notEqual(sameAsPlanner(Buffer.from(`SELECT * FROM people WHERE name = '${name}'`, 'utf8'), SCHEMAS.hash, cache), null, name);
    }
    for (const id of [0, 999, 1000, 1500, 2999]) assert.notEqual(sameAsPlanner(`SELECT * FROM ledger WHERE id = ${id}`, SCHEMAS.range, cache), null);
    for (const c of ['cn', 'US', 'de ']) assert.notEqual(sameAsPlanner(`SELECT * FROM shops WHERE country = '${c}'`, SCHEMAS.list, cache), null);
    assert.equal(cache.routes.size, 5);
  });

  it('gives integers of any length the planner\'s value', () => {
    const cache = new PlanCache();
    for (const v of ['0', '007', '123456789012345', '1234567890123456', '99999999999999999999999', '9007199254740993']) {
      assert.notEqual(sameAsPlanner(`SELECT c FROM users WHERE uid = ${v}`, MOD1, cache), null, v);
    }
  });

  it('routes statements on tables without rules and broadcast reads to their one partition', () => {
    const cache = new PlanCache();
    assert.deepEqual(sameAsPlanner('SELECT * FROM logs WHERE id = 3', MOD1, cache), { partition: 1, primary: false });
    assert.deepEqual(sameAsPlanner("INSERT INTO logs (id, msg) VALUES (4, 'x')", MOD1, cache), { partition: 1, primary: true });
    assert.deepEqual(sameAsPlanner('SELECT title FROM items WHERE id = 3', MOD1, cache), { partition: 1, primary: false });
    assert.deepEqual(sameAsPlanner('SELECT c FROM users WHERE uid = 4 FOR UPDATE', MOD1, cache), { partition: 1, primary: true });
  });

  it('leaves everything else to planStatement', () => {
    const cache = new PlanCache();
    const planned = [
      // Renamed tables: the unit is not the client's text.
      [SCHEMAS.hash, "SELECT * FROM shop.people WHERE shop.people.name = 'x'"],
      [SCHEMAS.mod, 'SELECT name FROM users WHERE uid = 5'], // tablesPerPartition 2: users_1
      // Not one key value.
      [MOD1, 'SELECT c FROM users WHERE uid IN (1, 4)'],
      [MOD1, 'SELECT c FROM users WHERE uid = -5'],
      [MOD1, 'SELECT c FROM users WHERE uid = 5.0'],
      [MOD1, 'SELECT c FROM users WHERE uid = 1e1'],
      [MOD1, 'SELECT c FROM users WHERE uid = 0x10'],
      [MOD1, 'SELECT c FROM users WHERE uid > 5'],
      [MOD1, 'SELECT c FROM users WHERE uid = 1 OR uid = 4'],
      [MOD1, 'SELECT c FROM users'],
      [MOD1, 'UPDATE items SET c = 1 WHERE id = 2'], // a broadcast write goes everywhere
      [MOD1, 'INSERT INTO users (uid, c) VALUES (5, 1)'],
      [SCHEMAS.range, 'SELECT * FROM ledger WHERE id = 5000'], // beyond every range: the general bind's one empty unit
      [SCHEMAS.hash, "SELECT * FROM people WHERE name = 'x' ORDER BY 1"],
      // Strings with escapes, charset introducers and typed strings.
      [SCHEMAS.hash, "SELECT * FROM people WHERE name = 'it\\'s'"],
      [SCHEMAS.hash, "SELECT * FROM people WHERE name = 'it''s'"],
      [SCHEMAS.hash, "SELECT * FROM people WHERE name = _utf8mb4'x'"],
      [SCHEMAS.hash, "SELECT * FROM people WHERE name = _utf8mb4 'x'"],
      [SCHEMAS.hash, "SELECT * FROM people WHERE name = N'x'"],
      [SCHEMAS.hash, "SELECT * FROM people WHERE name = X'41'"],
      [SCHEMAS.hash, "SELECT * FROM people WHERE name = 'a' 'b'"],
      [SCHEMAS.hash, 'SELECT * FROM people WHERE name = "x"'],
      // Comments, markers, several statements, variables.
      [MOD1, 'SELECT c FROM users WHERE uid = 4 /* c */'],
      [MOD1, '/*+ sluice:primary */ SELECT c FROM users WHERE uid = 4'],
      [MOD1, 'SELECT c FROM users WHERE uid = 4 -- c'],
      [MOD1, 'SELECT c FROM users WHERE uid = 4 # c'],
      [MOD1, 'SELECT c FROM users WHERE uid = ?'],
      [MOD1, 'SELECT c FROM users WHERE uid = 4; SELECT 1'],
      [MOD1, 'SELECT c FROM users WHERE uid = @u'],
      // Not a statement the planner routes by a template.
      [MOD1, 'SHOW TABLES'],
      [MOD1, 'SET @a = 1'],
      [MOD1, 'SELECTED c FROM users WHERE uid = 4'],
      [MOD1, 'SELECT c FROM users WHERE'],
    ] as const;
    for (const [schema, sql] of planned) {
      assert.equal(route(sql, schema, cache), null, sql);
      assert.equal(route(sql, schema, cache), null, sql); // and again, from the table when it was learned
    }
    // The quoted value of a string key is never mistaken for text: 'it''s' is planned, 'its' routed.
    assert.notEqual(sameAsPlanner("SELECT * FROM people WHERE name = 'its'", SCHEMAS.hash, cache), null);
  });

  it('agrees with every golden case', () => {
    const cache = new PlanCache();
    let routed = 0;
    for (const c of CASES) {
      if (c.params || c.error) continue;
      const r = sameAsPlanner(c.sql, SCHEMAS[c.schema ?? 'mod'], cache);
      if (r === null) continue;
      routed++;
      assert.deepEqual(c.units, [[r.partition, c.sql]], c.sql);
    }
    // Most golden cases run on `mod` (two tables per partition: renamed); the point selects of the others are routed.
    assert.ok(routed >= 7, `routed ${routed}`);
  });

  it('learns a template once: a statement that is planned costs a scan and a lookup after that', () => {
    const cache = new PlanCache();
    assert.equal(route('SELECT c FROM users WHERE uid IN (1, 4)', MOD1, cache), null);
    const lookups = cache.hits + cache.misses;
    assert.equal(route('SELECT c FROM users WHERE uid IN (7, 8)', MOD1, cache), null);
    assert.equal(cache.hits + cache.misses, lookups);
    assert.notEqual(route('SELECT c FROM users WHERE uid = 1', MOD1, cache), null);
    const after = cache.hits + cache.misses;
    assert.notEqual(route('SELECT c FROM users WHERE uid = 2', MOD1, cache), null);
    assert.equal(cache.hits + cache.misses, after);
    assert.equal(cache.routes.size, 2);
  });

  it('keeps routes per schema object', () => {
    const cache = new PlanCache();
    const copy: ShardedSchema = { ...MOD1, tables: { ...MOD1.tables } };
    assert.notEqual(route('SELECT c FROM users WHERE uid = 1', MOD1, cache), null);
    const lookups = cache.hits + cache.misses;
    // Another schema object: its own entry, learned from the planner, not the first one's.
    assert.deepEqual(route('SELECT c FROM users WHERE uid = 1', copy, cache), route('SELECT c FROM users WHERE uid = 1', MOD1, cache));
    assert.equal(cache.hits + cache.misses, lookups + 1);
    assert.deepEqual(route('SELECT c FROM users WHERE uid = 2', copy, cache), { partition: 2, primary: false });
    assert.equal(cache.hits + cache.misses, lookups + 1);
  });

  it('agrees with planStatement on generated statements, one route table for all', () => {
    // Templates repeat with other values (and other kinds of value), so routes learned from one
    // statement are used for many others: a route must never differ from the planner's unit.
    let seed = 13;
    const rnd = (n: number) => {
      seed = (Math.imul(seed, 1103515245) + 12345) >>> 0;
      return (seed >>> 8) % n;
    };
    const pick = <T,>(xs: readonly T[]): T => xs[rnd(xs.length)];
    const simple = ['0', '7', '42', '007', '123456789012345678901', '1500', "'a'", "'Alice'", "'007'", "''", "'2024-03-15'", "'cn'", "'US'", "'Àlice'"];
    const values = [...simple, '-3', '1.5', '1e2', '0x1f', "'it''s'", "'a\\'b'", "_utf8mb4'x'", "_utf8mb4 'x'", "DATE '2024-01-05'", "'a' 'b'", '"dq"', "X'41'", "N'x'", 'NULL', '?'];
    const targets: [ShardedSchema, string, string][] = [
      [MOD1, 'users', 'uid'], [MOD1, 'logs', 'id'], [MOD1, 'items', 'id'], [SCHEMAS.mod, 'users', 'uid'], [SCHEMAS.hash, 'people', 'name'],
      [SCHEMAS.range, 'ledger', 'id'], [SCHEMAS.list, 'shops', 'country'], [SCHEMAS.date, 'visits', 'day'],
    ];
    const cache = new PlanCache();
    let routed = 0;
    for (let n = 0; n < 2000; n++) {
      const [schema, table, key] = pick(targets);
      const ws = pick([' ', ' ', '  ', '\n']);
      const t = pick([table, table, `\`${table}\``, `shop.${table}`]);
      const v = () => pick(rnd(3) === 0 ? values : simple);
      const cond = pick([`${key} = ${v()}`, `${key}=${v()}`, `${key} = ${v()} AND c = ${v()}`, `${key} IN (${v()}, ${v()})`, `${key} = ${v()} OR ${key} = ${v()}`, `c = ${v()}`, `${key} > ${v()}`]);
      const tail = pick(['', '', ' FOR UPDATE', ' LIMIT 1', ' ORDER BY 1', ' /* c */', ';']);
      const sql = pick([`SELECT c FROM ${t} WHERE${ws}${cond}${tail}`, `SELECT *, ${v()} FROM ${t} WHERE ${cond}`, `UPDATE ${t} SET c = ${v()} WHERE ${cond}`, `DELETE FROM ${t} WHERE ${cond}`]);
      let plan;
      try {
        plan = planStatement(sql, schema, { params: sql.includes('?') ? [1] : [] });
      } catch {
        plan = null;
      }
      const r = route(sql, schema, cache);
      if (r === null) continue;
      routed++;
      assert.ok(plan !== null, sql);
      assert.deepEqual(plan.units, [{ partition: r.partition, sql }], sql);
      assert.equal(plan.merge, null, sql);
      assert.equal(plan.primary, r.primary, sql);
    }
    assert.ok(routed > 200, `routed ${routed}`);
  });

  it('stays within its bound', () => {
    const cache = new PlanCache(64 * 1024);
    for (let i = 0; i < 400; i++) route(`SELECT c${i} FROM users WHERE uid = ${i}`, MOD1, cache);
    assert.ok(cache.routes.size < 400 && cache.routes.size > 10, `size ${cache.routes.size}`);
    assert.notEqual(route('SELECT c399 FROM users WHERE uid = 1', MOD1, cache), null);
  });
});

describe('byte template', () => {
  const scan = (sql: string) => {
    const bytes = Buffer.from(sql, 'latin1');
    const n = scanTemplate(bytes, 0, bytes.length);
    const lits = Array.from({ length: Math.max(n, 0) }, (_, l) => [sql.slice(scanned.spans[2 * l], scanned.spans[2 * l + 1]), scanned.kinds[l]]);
    return { n, hash: scanned.hash, lits };
  };
  it('finds integer and simple string literals, and hashes the rest', () => {
    const a = scan("select c, 'x' FROM sbtest1 WHERE id=42 AND `we'ird` = '' AND k = 007");
    assert.deepEqual(a.lits, [["'x'", ByteLiteral.String], ['42', ByteLiteral.Int], ["''", ByteLiteral.String], ['007', ByteLiteral.Int]]);
    const b = scan("select c, 'yy' FROM sbtest1 WHERE id=4242424242424242424 AND `we'ird` = 'zz' AND k = 1");
    assert.equal(b.hash, a.hash);
    assert.notEqual(scan("select c, 'x' FROM sbtest1 WHERE id=42 AND `we'ird` = '' AND k = 'a'").hash, a.hash); // another kind
    assert.notEqual(scan("select c, 'x' FROM sbtest2 WHERE id=42 AND `we'ird` = '' AND k = 1").hash, a.hash);
    assert.notEqual(scan("select c, 'x' FROM sbtest1 WHERE id=42 AND `we'ird` = '' AND  k = 1").hash, a.hash);
  });
  it('stops at what it does not read', () => {
    for (const sql of ["SELECT 'a\\'b'", "SELECT 'a''b'", "SELECT 'open", 'SELECT `open', 'SELECT 1.5', 'SELECT .5', 'SELECT 1e3', 'SELECT 2abc',
      'SELECT 0x1f', 'SELECT 0b1', "SELECT X'41'", "SELECT _latin1'a'", 'SELECT ?', 'SELECT 1;', 'SELECT @a', 'SELECT "a"', 'SELECT 1 # c',
      'SELECT 1 -- c', 'SELECT 1 /* c */', 'SELECT \\N', 'SHOW TABLES', 'SELECT1 FROM t', 'WITH x AS (SELECT 1) SELECT * FROM x',
      `SELECT * FROM t WHERE a IN (${Array.from({ length: MAX_LITERALS + 1 }, (_, i) => i).join(', ')})`]) {
      assert.equal(scan(sql).n, -1, sql);
    }
    assert.equal(scan(`SELECT * FROM t WHERE a IN (${Array.from({ length: MAX_LITERALS }, (_, i) => i).join(', ')})`).n, MAX_LITERALS);
    assert.equal(scan('  delete FROM t WHERE a-1 = 2/3').n, 3);
  });
  it('a hash collision is a miss, never another template\'s route', () => {
    const table = new RouteTable(1 << 20);
    const schema = MOD1;
    const put = (sql: string, partition: number) => {
      const bytes = Buffer.from(sql, 'latin1');
      scanTemplate(bytes, 0, bytes.length);
      scanned.hash = 7; // every template on one hash
      table.set(bytes, 0, bytes.length, schema, { k: 'one', route: { partition, primary: false } });
    };
    const get = (sql: string) => {
      const bytes = Buffer.from(sql, 'latin1');
      scanTemplate(bytes, 0, bytes.length);
      scanned.hash = 7;
      const t = table.get(bytes, 0, bytes.length, schema);
      return t && t.k === 'one' ? t.route.partition : undefined;
    };
    put('SELECT a FROM t WHERE b = 1', 0);
    put("SELECT a FROM t WHERE b = 'x'", 1);
    put('SELECT a FROM t WHERE b = 1 ', 2);
    assert.equal(get('SELECT a FROM t WHERE b = 22'), 0);
    assert.equal(get("SELECT a FROM t WHERE b = 'yy'"), 1);
    assert.equal(get('SELECT a FROM t WHERE b = 3 '), 2);
    for (const other of ['SELECT a FROM t WHERE b = 1  ', 'SELECT a FROM t WHERE c = 1', 'SELECT a FROM t WHERE b = 1 AND 2', 'SELECT a FROM t WHERE b =1', 'SELECT a FROM t WHERE b = 1.5']) {
      assert.equal(get(other), undefined, other);
    }
  });
});
