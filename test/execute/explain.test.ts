// EXPLAIN on sharded statements: which statements are explained per shard, and how the backends'
// EXPLAIN results are put together (a fake runOn records the calls and answers with canned rows).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { QueryResult } from '../../src/backend/connection';
import { explainSharded, explainTarget } from '../../src/execute/explain';
import type { ColumnInfo } from '../../src/protocol/packets';
import { SqlError } from '../../src/protocol/errors';
import { SqlSyntaxError } from '../../src/sql/errors';
import { SCHEMAS } from '../plan/schemas';

const schema = SCHEMAS.mod;

/** MariaDB's EXPLAIN columns. */
const EXPLAIN_COLUMNS = ['id', 'select_type', 'table', 'type', 'possible_keys', 'key', 'key_len', 'ref', 'rows', 'Extra'];

function column(name: string): ColumnInfo {
  return { schema: '', table: '', orgTable: '', name, orgName: '', charset: 33, length: 64, type: 253, flags: 0, decimals: 0 } as ColumnInfo;
}

/** A runOn that records (partition, sql) and answers one EXPLAIN row naming the physical table. */
function fakeBackends(columns = EXPLAIN_COLUMNS) {
  const calls: [number, string][] = [];
  const runOn = async (partition: number, sql: string): Promise<QueryResult> => {
    calls.push([partition, sql]);
    const table = /FROM (\w+)/.exec(sql)?.[1] ?? /(?:UPDATE|INTO) (\w+)/.exec(sql)?.[1] ?? null;
    const row = columns.map((c) => (c === 'table' ? table : c === 'id' ? '1' : c === 'rows' ? String(10 + calls.length) : null));
    return { columns: columns.map(column), rows: [row], ok: null };
  };
  return { calls, runOn };
}

test('explainTarget: EXPLAIN/DESCRIBE of a query or change, else null', () => {
  const cases: [string, string | null][] = [
    ['EXPLAIN SELECT * FROM users', 'SELECT * FROM users'],
    ['explain select 1', 'select 1'],
    ['  /* c */ EXPLAIN -- c\n DELETE FROM users WHERE uid = 1', 'DELETE FROM users WHERE uid = 1'],
    ['DESCRIBE UPDATE users SET a = 1', 'UPDATE users SET a = 1'],
    ['desc insert into users (uid) values (1)', 'insert into users (uid) values (1)'],
    ['EXPLAIN REPLACE INTO users (uid) VALUES (1)', 'REPLACE INTO users (uid) VALUES (1)'],
    ['EXPLAIN WITH x AS (SELECT 1) SELECT * FROM x', 'WITH x AS (SELECT 1) SELECT * FROM x'],
    ['EXPLAIN (SELECT 1) UNION (SELECT 2)', '(SELECT 1) UNION (SELECT 2)'],
    ['EXPLAIN FORMAT=JSON SELECT 1', null],
    ['EXPLAIN EXTENDED SELECT 1', null],
    ['EXPLAIN PARTITIONS SELECT 1', null],
    ['EXPLAIN ANALYZE SELECT 1', null],
    ['EXPLAIN FOR CONNECTION 12', null],
    ['EXPLAIN users', null],
    ['DESCRIBE users uid', null],
    ['DESC `users`', null],
    ['EXPLAIN', null],
    ['EXPLAINS SELECT 1', null],
    ['EXPLAIN SELECTED', null],
    ['SELECT 1', null],
    ['PREVIEW EXPLAIN SELECT 1', null],
  ];
  for (const [sql, inner] of cases) assert.equal(explainTarget(sql), inner, sql);
});

test('explainSharded: EXPLAIN of each unit on its partition, partition as the first column', async () => {
  const { calls, runOn } = fakeBackends();
  const result = await explainSharded('SELECT name FROM users WHERE uid IN (1, 2, 5, 7)', schema, {}, runOn);
  assert.deepEqual(calls, [
    [0, 'EXPLAIN SELECT name FROM users_1 WHERE uid IN (1, 5)'],
    [1, 'EXPLAIN SELECT name FROM users_0 WHERE uid IN (2)'],
    [1, 'EXPLAIN SELECT name FROM users_1 WHERE uid IN (7)'],
  ]);
  assert.deepEqual(result.columns, ['partition', ...EXPLAIN_COLUMNS]);
  assert.deepEqual(result.rows, [
    ['0', '1', null, 'users_1', null, null, null, null, null, '11', null],
    ['1', '1', null, 'users_0', null, null, null, null, null, '12', null],
    ['1', '1', null, 'users_1', null, null, null, null, null, '13', null],
  ]);
});

test('explainSharded: several rows per unit stay together, in unit order', async () => {
  const calls: number[] = [];
  const runOn = async (partition: number): Promise<QueryResult> => {
    calls.push(partition);
    return { columns: [column('id'), column('table')], rows: [['1', `u${partition}`], ['2', null]], ok: null };
  };
  const result = await explainSharded('SELECT * FROM items WHERE id = 1', schema, {}, runOn);
  // A broadcast table is read on one partition.
  assert.deepEqual(calls, [0]);
  assert.deepEqual(result, { columns: ['partition', 'id', 'table'], rows: [['0', '1', 'u0'], ['0', '2', null]] });
});

test('explainSharded: units run one after another, never two at once', async () => {
  let running = 0;
  let most = 0;
  const runOn = async (): Promise<QueryResult> => {
    most = Math.max(most, ++running);
    await new Promise<void>((resolve) => setImmediate(resolve));
    running--;
    return { columns: [column('id')], rows: [['1']], ok: null };
  };
  const result = await explainSharded("UPDATE users SET name = 'x'", schema, {}, runOn);
  assert.equal(result.rows.length, 4);
  assert.equal(most, 1);
});

test('explainSharded: refusals and syntax errors come from the planner, before any backend', async () => {
  const { calls, runOn } = fakeBackends();
  await assert.rejects(
    explainSharded('SELECT * FROM users u JOIN events e ON u.uid = e.eid', schema, {}, runOn),
    (e: unknown) => e instanceof SqlError && e.errno === 1235,
  );
  await assert.rejects(explainSharded('SELEC 1', schema, {}, runOn), (e: unknown) => e instanceof SqlSyntaxError);
  assert.deepEqual(calls, []);
});

test("explainSharded: a backend's error ends the EXPLAIN with that error", async () => {
  const failure = new SqlError(1146, "Table 'shop_1.users_0' doesn't exist");
  const calls: number[] = [];
  const runOn = async (partition: number): Promise<QueryResult> => {
    calls.push(partition);
    if (partition === 1) throw failure;
    return { columns: [column('id')], rows: [['1']], ok: null };
  };
  await assert.rejects(explainSharded('SELECT name FROM users', schema, {}, runOn), (e: unknown) => e === failure);
  assert.deepEqual(calls, [0, 0, 1]);
});

test('explainSharded: partitions with different EXPLAIN columns get a clear error', async () => {
  const runOn = async (partition: number): Promise<QueryResult> => ({
    columns: (partition === 0 ? ['id', 'rows'] : ['id', 'rows', 'filtered']).map(column),
    rows: [],
    ok: null,
  });
  await assert.rejects(explainSharded('SELECT name FROM users WHERE uid IN (1, 2)', schema, {}, runOn), (e: unknown) => {
    assert.ok(e instanceof SqlError);
    assert.equal(e.errno, 1235);
    assert.equal(
      e.message,
      'EXPLAIN across shards: partition 1 returned columns (id, rows, filtered) unlike partition 0 (id, rows); PREVIEW the statement and run EXPLAIN on each backend',
    );
    return true;
  });
});
