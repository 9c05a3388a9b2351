// PREVIEW: finding the statement behind the keyword, and the rows describing its plan. Expected rows
// checked by hand against the mod schema's formula (g = uid mod 4, partition = g div 2, table = g mod 2).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { ShardedSchema } from '../../src/config/types';
import { PlanCache, SnowflakeGenerator, splitSnowflake } from '../../src/plan';
import { PREVIEW_COLUMNS, previewRows, previewTarget } from '../../src/plan/preview';
import { SqlError } from '../../src/protocol/errors';
import { SqlSyntaxError } from '../../src/sql/errors';
import { SCHEMAS } from './schemas';

/** The mod schema with a read rotation (replica db0r, then the primary db0) on partition 0. */
const schema: ShardedSchema = {
  ...SCHEMAS.mod,
  partitions: [
    { write: 'db0', read: [{ backend: 'db0r', weight: 1 }, { backend: 'db0', weight: 1 }], database: 'shop_0' },
    SCHEMAS.mod.partitions[1],
  ],
};

const keys = () => new SnowflakeGenerator({ nodeId: 1, now: () => Date.UTC(2026, 0, 1) });

test('previewTarget: the statement after PREVIEW, past leading whitespace and comments', () => {
  const cases: [string, string | null][] = [
    ['PREVIEW SELECT 1', 'SELECT 1'],
    ['preview select 1', 'select 1'],
    ['  \n\tPreView\n  SELECT 1;', 'SELECT 1;'],
    ['/* why */ PREVIEW /* inner */ SELECT 1', 'SELECT 1'],
    ['-- note\nPREVIEW\n# another\nUPDATE t SET a = 1', 'UPDATE t SET a = 1'],
    ['PREVIEW /*!SELECT*/ 1', '/*!SELECT*/ 1'],
    ['PREVIEW /*+ hint */ SELECT 1', 'SELECT 1'],
    ['PREVIEW PREVIEW SELECT 1', 'PREVIEW SELECT 1'],
    ['PREVIEW', null],
    ['PREVIEW  -- nothing\n', null],
    ['PREVIEWS SELECT 1', null],
    ['SELECT preview FROM t', null],
    ['/*!PREVIEW SELECT 1*/', null],
    ['/* unterminated PREVIEW SELECT 1', null],
    ['--PREVIEW SELECT 1', null],
    ["'PREVIEW' SELECT 1", null],
    ['', null],
  ];
  for (const [sql, inner] of cases) assert.equal(previewTarget(sql), inner, sql);
});

test('previewRows: one row per unit (partition, backend, database, physical SQL)', () => {
  const single = previewRows('SELECT name FROM users WHERE uid = 5', schema, {});
  assert.deepEqual(single.columns, ['partition', 'backend', 'database', 'sql']);
  assert.deepEqual(single.columns, PREVIEW_COLUMNS);
  // A read on partition 0 goes to its read rotation; a one-unit plan has no merge steps.
  assert.deepEqual(single.rows, [['0', 'db0r,db0', 'shop_0', 'SELECT name FROM users_1 WHERE uid = 5']]);
  // The primary hint and locking reads pin the primary.
  assert.deepEqual(previewRows('SELECT name FROM users WHERE uid = 1 FOR UPDATE', schema, {}).rows, [
    ['0', 'db0', 'shop_0', 'SELECT name FROM users_1 WHERE uid = 1 FOR UPDATE'],
  ]);
  // A table without rule lives on defaultPartition.
  assert.deepEqual(previewRows('SELECT * FROM logs WHERE id = 3', schema, {}).rows, [['0', 'db0r,db0', 'shop_0', 'SELECT * FROM logs WHERE id = 3']]);
});

test('previewRows: merge steps follow the units with NULL partition, backend and database', () => {
  assert.deepEqual(previewRows('SELECT name FROM users ORDER BY age LIMIT 2', schema, {}).rows, [
    ['0', 'db0r,db0', 'shop_0', 'SELECT name, age, WEIGHT_STRING(age) FROM users_0 ORDER BY age LIMIT 2'],
    ['0', 'db0r,db0', 'shop_0', 'SELECT name, age, WEIGHT_STRING(age) FROM users_1 ORDER BY age LIMIT 2'],
    ['1', 'db1', 'shop_1', 'SELECT name, age, WEIGHT_STRING(age) FROM users_0 ORDER BY age LIMIT 2'],
    ['1', 'db1', 'shop_1', 'SELECT name, age, WEIGHT_STRING(age) FROM users_1 ORDER BY age LIMIT 2'],
    [null, null, null, '-- merge: order-by merge on 1 key'],
    [null, null, null, '-- merge: compare 1 key by collation weight'],
    [null, null, null, '-- merge: hide 2 derived columns'],
    [null, null, null, '-- merge: offset 0, limit 2'],
  ]);
  const grouped = previewRows('SELECT city, COUNT(*) AS n FROM users GROUP BY city HAVING n > 1 ORDER BY n DESC LIMIT 3', schema, {});
  assert.deepEqual(
    grouped.rows.filter((r) => r[0] === null).map((r) => r[3]),
    [
      '-- merge: group by 1 key (shards sorted by the group key, streamed)',
      '-- merge: having after merge',
      '-- merge: aggregates: COUNT(col 1)',
      '-- merge: sort merged groups on 1 key',
      '-- merge: compare 1 key by collation weight',
      '-- merge: hide 1 derived column',
      '-- merge: offset 0, limit 3',
    ],
  );
  assert.equal(grouped.rows.length, 4 + 7);
  assert.deepEqual(grouped.rows[3], ['1', 'db1', 'shop_1', 'SELECT city, COUNT(*) AS n, WEIGHT_STRING(city) FROM users_1 GROUP BY city ORDER BY city']);
});

test('previewRows: writes name the primaries and add up affected rows', () => {
  assert.deepEqual(previewRows("UPDATE users SET name = 'x' WHERE uid IN (5, 6)", schema, {}).rows, [
    ['0', 'db0', 'shop_0', "UPDATE users_1 SET name = 'x' WHERE uid IN (5)"],
    ['1', 'db1', 'shop_1', "UPDATE users_0 SET name = 'x' WHERE uid IN (6)"],
    [null, null, null, '-- merge: add up affected rows'],
  ]);
  assert.deepEqual(previewRows("INSERT INTO items (id, title) VALUES (1, 'x')", schema, {}).rows, [
    ['0', 'db0', 'shop_0', "INSERT INTO items (id, title) VALUES (1, 'x')"],
    ['1', 'db1', 'shop_1', "INSERT INTO items (id, title) VALUES (1, 'x')"],
    [null, null, null, '-- merge: same change on every partition: report one affected-rows count'],
  ]);
});

test('previewRows: an INSERT that omits its generated key lists the ids it would use', () => {
  const { rows } = previewRows('INSERT INTO orders (uid, total) VALUES (1, 10), (2, 20)', schema, { keys: keys() });
  assert.equal(rows.length, 4);
  const ids = rows[3][3]!.replace('-- generated ids: ', '').split(', ');
  assert.equal(ids.length, 2);
  assert.deepEqual(rows.slice(0, 3), [
    ['0', 'db0', 'shop_0', `INSERT INTO orders_1 (uid, total, oid) VALUES (1, 10, ${ids[0]})`],
    ['1', 'db1', 'shop_1', `INSERT INTO orders_0 (uid, total, oid) VALUES (2, 20, ${ids[1]})`],
    [null, null, null, '-- merge: add up affected rows'],
  ]);
  assert.ok(rows[3][3]!.startsWith('-- generated ids: '));
  for (const id of ids) assert.equal(splitSnowflake(BigInt(id)).nodeId, 1);
  assert.ok(BigInt(ids[0]) < BigInt(ids[1]));
});

test('previewRows: statements sluice refuses throw the planner errors', () => {
  assert.throws(
    () => previewRows('SELECT * FROM users u JOIN events e ON u.uid = e.eid', schema, {}),
    (e: unknown) => e instanceof SqlError && e.errno === 1235 && e.message.startsWith('cross-shard JOIN between users and events'),
  );
  assert.throws(() => previewRows('SELEC name FROM users', schema, {}), (e: unknown) => e instanceof SqlSyntaxError && e.errno === 1064);
});

test('previewRows: plans through the cache, new literals get their own units', () => {
  const cache = new PlanCache();
  assert.deepEqual(previewRows('SELECT name FROM users WHERE uid = 6', schema, { cache }).rows, [['1', 'db1', 'shop_1', 'SELECT name FROM users_0 WHERE uid = 6']]);
  assert.deepEqual(previewRows('SELECT name FROM users WHERE uid = 7', schema, { cache }).rows, [['1', 'db1', 'shop_1', 'SELECT name FROM users_1 WHERE uid = 7']]);
  assert.equal(cache.hits, 1);
});
