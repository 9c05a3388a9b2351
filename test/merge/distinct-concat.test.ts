// COUNT/SUM(DISTINCT x) from raw shard values and GROUP_CONCAT from partial concatenations, over
// tiny shard tables; and a UNION's merge (concatenation, order-by merge, DISTINCT) of union units.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Collation, ColumnType } from '../../src/protocol/constants';
import { SqlError } from '../../src/protocol/errors';
import { col, decCol, intCol, runMerge, spec, strCol } from './helpers';

const countCol = (name: string) => col(name, ColumnType.LONGLONG, { charset: Collation.BINARY, length: 21 });

test('COUNT(DISTINCT x) and SUM(DISTINCT x) per group count each value once across shards, collation-aware, NULLs ignored', () => {
  // Shard SQL: SELECT g, x AS cd, x AS sd, COUNT(*) FROM t GROUP BY g, x ORDER BY g
  const columns = [strCol('g'), strCol('cd'), intCol('sd'), countCol('COUNT(*)')];
  const s = spec({
    columnCount: 4, groupBy: [0], groupsSorted: true, orderBy: [{ index: 0, desc: false }],
    aggregates: [{ index: 1, fn: 'COUNT', distinct: true }, { index: 2, fn: 'SUM', distinct: true }, { index: 3, fn: 'COUNT' }],
  });
  // cd is a string column under general_ci ('Oslo' = 'oslo'); sd carries the same numbers as text.
  const shards = [
    [['a', 'Oslo', '1', '2'], ['a', null, null, '1'], ['b', 'x', '5', '1']],
    [['a', 'oslo', '1', '1'], ['a', 'Lima', '3', '4']],
    [['b', 'x', '5', '2'], ['b', 'y', '7', '1'], ['c', null, null, '3']],
  ];
  const { rows, merger } = runMerge(s, columns, shards);
  assert.deepEqual(rows, [['a', '2', '4', '8'], ['b', '2', '12', '4'], ['c', '0', null, '3']]);
  assert.equal(merger.columns[1].type, ColumnType.LONGLONG);
  assert.equal(merger.columns[2].type, ColumnType.NEWDECIMAL);
});

test('SUM(DISTINCT decimal) adds exactly; COUNT(DISTINCT) over no rows is 0', () => {
  const columns = [decCol('x', 10, 2)];
  const s = spec({ columnCount: 1, groupBy: [], groupsSorted: true, aggregates: [{ index: 0, fn: 'SUM', distinct: true }] });
  assert.deepEqual(runMerge(s, columns, [[['0.10'], ['0.20']], [['0.20'], ['1000000.05']]]).rows, [['1000000.35']]);
  const c = spec({ columnCount: 1, groupBy: [], groupsSorted: true, aggregates: [{ index: 0, fn: 'COUNT', distinct: true }] });
  assert.deepEqual(runMerge(c, [strCol('x')], [[], []]).rows, [['0']]);
});

test('distinct values beyond the merge memory budget: ERR 1041', () => {
  const s = spec({ columnCount: 1, groupBy: [], groupsSorted: true, aggregates: [{ index: 0, fn: 'COUNT', distinct: true }] });
  const many = Array.from({ length: 2000 }, (_, i) => [`value-${i}`]);
  assert.throws(() => runMerge(s, [strCol('x')], [many, many], { memoryLimitBytes: 64 * 1024 }), (e: unknown) => e instanceof SqlError && e.errno === 1041);
});

test('GROUP_CONCAT joins partials with the separator, skips NULL partials, NULL when all are NULL', () => {
  const columns = [strCol('g'), strCol('GROUP_CONCAT(name)')];
  const s = spec({ columnCount: 2, groupBy: [0], groupsSorted: true, aggregates: [{ index: 1, fn: 'GROUP_CONCAT', separator: '; ' }] });
  const { rows } = runMerge(s, columns, [[['a', 'x; y'], ['b', null]], [['a', 'z'], ['b', null], ['c', 'w']]]);
  assert.deepEqual(rows, [['a', 'x; y; z'], ['b', null], ['c', 'w']]);
});

test('GROUP_CONCAT is cut to group_concat_max_len bytes at a character boundary', () => {
  const columns = [strCol('GROUP_CONCAT(name)')];
  const s = spec({ columnCount: 1, groupBy: [], groupsSorted: true, aggregates: [{ index: 0, fn: 'GROUP_CONCAT', maxLength: 10 }] });
  // 'abcd' + ',' + 'éé' (4 bytes) = 9 bytes, + ',' = 10, then 'zz' is cut off.
  assert.deepEqual(runMerge(s, columns, [[['abcd']], [['éé']], [['zz']]]).rows, [['abcd,éé,']]);
  // A two-byte character across the cut is dropped whole: 'abcdefghi' + ',' = 10 bytes, 'é' would be 12.
  const t = spec({ columnCount: 1, groupBy: [], groupsSorted: true, aggregates: [{ index: 0, fn: 'GROUP_CONCAT', maxLength: 11 }] });
  assert.deepEqual(runMerge(t, columns, [[['abcdefghi']], [['é']]]).rows, [['abcdefghi,']]);
  // The limit from a derived @@group_concat_max_len column (read from the first row), else 1024.
  const fromColumn = spec({ columnCount: 2, visible: 1, groupBy: [], groupsSorted: true, aggregates: [{ index: 0, fn: 'GROUP_CONCAT', maxLengthIndex: 1 }] });
  const long = 'x'.repeat(700);
  const two = [strCol('GROUP_CONCAT(name)'), intCol('@@group_concat_max_len')];
  assert.equal(runMerge(fromColumn, two, [[[long, '1048576']], [[long, '1048576']]]).rows[0][0]!.length, 1401);
  assert.equal(runMerge(fromColumn, two, [[[long, '1000']], [[long, '1000']]]).rows[0][0]!.length, 1000);
  const d = spec({ columnCount: 1, groupBy: [], groupsSorted: true, aggregates: [{ index: 0, fn: 'GROUP_CONCAT' }] });
  assert.equal(runMerge(d, columns, [[[long]], [[long]]]).rows[0][0]!.length, 1024);
});

test('UNION units: ORDER BY merge with offset/limit, and UNION DISTINCT across units', () => {
  const columns = [strCol('name')];
  const ordered = spec({ columnCount: 1, orderBy: [{ index: 0, desc: false }], offset: 1, limit: 3 });
  assert.deepEqual(runMerge(ordered, columns, [[['a'], ['c'], ['e']], [['b'], ['d']]]).rows, [['b'], ['c'], ['d']]);
  const distinct = spec({ columnCount: 1, distinct: true });
  const got = runMerge(distinct, columns, [[['x'], ['Y']], [['y'], ['z'], ['X']]]).rows.map((r) => r[0]!.toLowerCase()).sort();
  assert.deepEqual(got, ['x', 'y', 'z']);
});
