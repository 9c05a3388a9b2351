// GROUP BY and aggregates across shards: streaming and in-memory grouping agree with each other and
// with a brute-force computation over all rows; COUNT/SUM/MIN/MAX/AVG values, NULLs, scale, types.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ColumnType, Collation } from '../../src/protocol/constants';
import { SqlError } from '../../src/protocol/errors';
import type { MergeSpec } from '../../src/merge/spec';
import { col, decCol, intCol, runMerge, spec, strCol, type Cell } from './helpers';
import { SlabPool } from '../../src/memory/slab-pool';

const countCol = (name: string) => col(name, ColumnType.LONGLONG, { charset: Collation.BINARY, length: 21 });
const doubleCol = (name: string) => col(name, ColumnType.DOUBLE, { charset: Collation.BINARY, length: 23, decimals: 31 });

/** Shard columns of: SELECT g, COUNT(*), SUM(v), MIN(v), MAX(v), AVG(v) [, SUM(v), COUNT(v)] ... */
const groupColumns = [strCol('g'), countCol('COUNT(*)'), decCol('SUM(v)', 32, 0), intCol('MIN(v)'), intCol('MAX(v)'),
  decCol('AVG(v)', 14, 4), decCol('SUM(v)', 32, 0), countCol('COUNT(v)')];

function groupSpec(over: Partial<MergeSpec>): MergeSpec {
  return spec({
    columnCount: 8, visible: 6, groupBy: [0],
    aggregates: [{ index: 1, fn: 'COUNT' }, { index: 2, fn: 'SUM' }, { index: 3, fn: 'MIN' }, { index: 4, fn: 'MAX' },
      { index: 5, fn: 'AVG', sumIndex: 6, countIndex: 7 }],
    ...over,
  });
}

/** Round half away from zero of n / d to 4 decimals, formatted (independent of src/merge/decimal). */
function avg4(sum: bigint, count: bigint): string {
  const neg = sum < 0n;
  const n = (neg ? -sum : sum) * 10000n;
  let q = n / count;
  if ((n % count) * 2n >= count) q++;
  const s = q.toString().padStart(5, '0');
  return `${neg ? '-' : ''}${s.slice(0, -4)}.${s.slice(-4)}`;
}

type Src = { g: string; v: number | null };

/** What each shard returns for the grouped query, sorted by g under general_ci (upper-cased here). */
function shardResult(rows: Src[]): Cell[][] {
  const groups = new Map<string, Src[]>();
  for (const r of rows) {
    const k = r.g.toUpperCase();
    if (!groups.has(k)) groups.set(k, []);
    groups.get(k)!.push(r);
  }
  return [...groups.keys()].sort().map((k) => {
    const rs = groups.get(k)!;
    const vs = rs.map((r) => r.v).filter((v): v is number => v !== null);
    const sum = vs.length ? String(vs.reduce((a, b) => a + b, 0)) : null;
    return [rs[0].g, String(rs.length), sum, vs.length ? String(Math.min(...vs)) : null, vs.length ? String(Math.max(...vs)) : null,
      vs.length ? avg4(BigInt(sum!), BigInt(vs.length)) : null, sum, String(vs.length)];
  });
}

function generated(): { shards: Src[][]; expected: (string | null)[][] } {
  let seed = 7;
  const rnd = (n: number) => ((seed = (seed * 1103515245 + 12345) % 2147483648) % n);
  const names = ['alice', 'ALICE', 'Bob', 'bob', 'carol', 'dave', 'Émile', 'emile', 'zoe'];
  const shards: Src[][] = [[], [], []];
  const all: Src[] = [];
  for (let i = 0; i < 300; i++) {
    const r = { g: names[rnd(names.length)], v: rnd(5) === 0 ? null : rnd(2001) - 1000 };
    shards[rnd(3)].push(r);
    all.push(r);
  }
  // general_ci folds case and accents: 'Émile' and 'emile' are one group.
  const fold = (g: string) => g.normalize('NFD').replace(/\p{M}/gu, '').toUpperCase();
  const groups = new Map<string, Src[]>();
  for (const r of all) {
    if (!groups.has(fold(r.g))) groups.set(fold(r.g), []);
    groups.get(fold(r.g))!.push(r);
  }
  const expected = [...groups.keys()].sort().map((k) => {
    const vs = groups.get(k)!.map((r) => r.v).filter((v): v is number => v !== null);
    const sum = vs.reduce((a, b) => a + b, 0);
    return [k, String(groups.get(k)!.length), vs.length ? String(sum) : null, vs.length ? String(Math.min(...vs)) : null,
      vs.length ? String(Math.max(...vs)) : null, vs.length ? avg4(BigInt(sum), BigInt(vs.length)) : null];
  });
  return { shards, expected };
}

test('group-by stream and group-by memory give identical, correct results', () => {
  const { shards, expected } = generated();
  const shardRows = shards.map((rows) => {
    // Shards group 'Émile'/'emile' together too: fold the same way before grouping.
    const folded = rows.map((r) => ({ ...r, g: r.g.normalize('NFD').replace(/\p{M}/gu, '') }));
    return shardResult(folded);
  });
  const order = [{ index: 0, desc: false }];
  const stream = runMerge(groupSpec({ orderBy: order, groupsSorted: true }), groupColumns, shardRows, { chunk: 3 });
  const memory = runMerge(groupSpec({ orderBy: order, groupsSorted: false }), groupColumns, shardRows, { chunk: 2 });
  const memoryUnordered = runMerge(groupSpec({ groupsSorted: false }), groupColumns, shardRows);
  const upper = (rows: (string | null)[][]) => rows.map((r) => [r[0]!.toUpperCase(), ...r.slice(1)]);
  assert.deepEqual(upper(stream.rows), expected);
  assert.deepEqual(upper(memory.rows), expected);
  assert.deepEqual(upper(memoryUnordered.rows), expected, 'without ORDER BY, groups come sorted by the key as in MariaDB');
  assert.equal(stream.merger.emitted, expected.length);
});

test('result column types: COUNT BIGINT, SUM DECIMAL, AVG DECIMAL(14,4) from SUM(INT) or DOUBLE', () => {
  const { merger } = runMerge(groupSpec({}), groupColumns, [[]]);
  assert.equal(merger.columns.length, 6);
  assert.equal(merger.columns[1].type, ColumnType.LONGLONG);
  assert.equal(merger.columns[2].type, ColumnType.NEWDECIMAL);
  assert.deepEqual([merger.columns[5].type, merger.columns[5].decimals, merger.columns[5].length], [ColumnType.NEWDECIMAL, 4, 16]);
  const floatCols = [doubleCol('AVG(f)'), doubleCol('SUM(f)'), countCol('COUNT(f)')];
  const f = runMerge(spec({ columnCount: 3, visible: 1, groupBy: [], aggregates: [{ index: 0, fn: 'AVG', sumIndex: 1, countIndex: 2 }] }),
    floatCols, [[['0.5', '1', '2']], [['2', '2', '1']]]);
  assert.equal(f.merger.columns[0].type, ColumnType.DOUBLE);
  assert.deepEqual(f.rows, [['1']]);
});

/** SELECT COUNT(*), SUM(x), MIN(x), MAX(x), AVG(x) [, SUM(x), COUNT(x)] FROM t — no GROUP BY. */
const scalarColumns = [countCol('COUNT(*)'), decCol('SUM(x)', 32, 0), intCol('MIN(x)'), intCol('MAX(x)'), decCol('AVG(x)', 14, 4),
  decCol('SUM(x)', 32, 0), countCol('COUNT(x)')];
const scalarSpec = spec({
  columnCount: 7, visible: 5, groupBy: [],
  aggregates: [{ index: 0, fn: 'COUNT' }, { index: 1, fn: 'SUM' }, { index: 2, fn: 'MIN' }, { index: 3, fn: 'MAX' },
    { index: 4, fn: 'AVG', sumIndex: 5, countIndex: 6 }],
});

test('aggregates without GROUP BY: AVG rounds half up at scale 4, NULL partials ignored', () => {
  const r = runMerge(scalarSpec, scalarColumns, [
    [['2', '7', '-5', '12', '3.5000', '7', '2']],
    [['3', null, null, null, null, null, '0']],
    [['1', '-1', '-1', '-1', '-1.0000', '-1', '1']],
  ]);
  // 6 / 3 = 2.0000
  assert.deepEqual(r.rows, [['6', '6', '-5', '12', '2.0000']]);
  const third = runMerge(scalarSpec, scalarColumns, [[['3', '2', '0', '2', '0.6667', '2', '3']], [['3', '-4', '-2', '0', '-1.3333', '-4', '3']]]);
  assert.deepEqual(third.rows[0][4], '-0.3333'); // -2/6
  const round = runMerge(scalarSpec, scalarColumns, [[['1', '2', '2', '2', '2.0000', '2', '1']], [['2', '0', '0', '0', '0.0000', '0', '2']]]);
  assert.equal(round.rows[0][4], '0.6667'); // 2/3 rounds up
  const neg = runMerge(scalarSpec, scalarColumns, [[['3', '-2', '-2', '0', '-0.6667', '-2', '3']]]);
  assert.equal(neg.rows[0][4], '-0.6667'); // half away from zero
});

test('one group over zero rows: each shard answers (0, NULL...), the merge answers one such row', () => {
  const zero: Cell[] = ['0', null, null, null, null, null, '0'];
  assert.deepEqual(runMerge(scalarSpec, scalarColumns, [[zero], [zero], [zero]]).rows, [['0', null, null, null, null]]);
  assert.deepEqual(runMerge(scalarSpec, scalarColumns, [[], []]).rows, [['0', null, null, null, null]], 'even with no shard rows');
  const grouped = runMerge(groupSpec({ orderBy: [{ index: 0, desc: false }], groupsSorted: true }), groupColumns, [[], []]);
  assert.deepEqual(grouped.rows, [], 'GROUP BY over no rows returns no rows');
});

test('SUM exactly beyond 2^64 and DECIMAL scales; SUM of doubles as double; MIN/MAX of strings by collation', () => {
  const cols = [decCol('SUM(a)', 65, 0), decCol('SUM(d)', 30, 2), doubleCol('SUM(f)'), strCol('MIN(s)'), strCol('MAX(s)'),
    decCol('AVG(d)', 12, 6), decCol('SUM(d)', 30, 2), countCol('COUNT(d)')];
  const s = spec({
    columnCount: 8, visible: 6, groupBy: [],
    aggregates: [{ index: 0, fn: 'SUM' }, { index: 1, fn: 'SUM' }, { index: 2, fn: 'SUM' }, { index: 3, fn: 'MIN' }, { index: 4, fn: 'MAX' },
      { index: 5, fn: 'AVG', sumIndex: 6, countIndex: 7 }],
  });
  const r = runMerge(s, cols, [
    [['18446744073709551615', '1.05', '0.1', 'bob', 'bob', null, '1.05', '2']],
    [['18446744073709551615', '-0.10', '0.2', 'Alice', 'ZED', null, '1.00', '1']],
    [['1', null, null, 'alice', 'zed', null, null, '0']],
  ]);
  assert.deepEqual(r.rows, [['36893488147419103231', '0.95', '0.30000000000000004', 'Alice', 'ZED', '0.683333']]);
  assert.equal(r.merger.columns[5].decimals, 6);
});

test('GROUP BY in memory over the memory limit fails with ER_OUT_OF_RESOURCES', () => {
  const rows: Cell[][] = Array.from({ length: 200 }, (_, i) => [`g${i}`, '1', '1', '1', '1', '1.0000', '1', '1']);
  assert.throws(() => runMerge(groupSpec({}), groupColumns, [rows, rows], { memoryLimitBytes: 8 * 1024 }), (e: unknown) => {
    assert.ok(e instanceof SqlError);
    assert.equal(e.errno, 1041);
    assert.match(e.message, /maxQueryMemoryMB/);
    return true;
  });
  assert.equal(runMerge(groupSpec({}), groupColumns, [rows, rows], { memoryLimitBytes: 1024 * 1024 }).rows.length, 200);
});

test('GROUP BY in memory holding its groups\' rows in the slab pool gives the heap\'s result; the pool is empty after release', () => {
  // 5,000 groups of 60-100-byte rows: several 64 KiB slabs of rows.
  const rows: Cell[][] = Array.from({ length: 5000 }, (_, i) => [`group-${String(i).padStart(6, '0')}-${'x'.repeat(i % 40)}`, '2', String(i), String(i), String(i), `${i}.0000`, String(i), '1']);
  const heap = runMerge(groupSpec({}), groupColumns, [rows, rows.slice(0, 2500)]);
  const pool = SlabPool.create(16);
  const pooled = runMerge(groupSpec({}), groupColumns, [rows, rows.slice(0, 2500)], { slabPool: pool });
  assert.equal(pooled.rows.length, 5000);
  assert.deepEqual(pooled.rows, heap.rows);
  assert.ok(pool.stats().bytesInUse >= 5000 * 60, 'held until release');
  pooled.merger.release();
  assert.equal(pool.stats().bytesInUse, 0);
});

test('GROUP BY in memory with a full pool keeps the rows that find no slab on the heap, and waits', () => {
  const pool = SlabPool.create(16);
  const hog = pool.allocate(1024 * 1024)!; // one page for the test: the others filled below
  const others = Array.from({ length: 15 }, () => pool.allocate(1024 * 1024)!);
  const rows: Cell[][] = Array.from({ length: 300 }, (_, i) => [`g${i}`, '1', '1', '1', '1', '1.0000', '1', '1']);
  const r = runMerge(groupSpec({}), groupColumns, [rows], { slabPool: pool });
  assert.equal(r.rows.length, 300);
  assert.equal(r.merger.memoryShort, true, 'nothing could be reserved: the merge asks to stop reading');
  for (const s of [hog, ...others]) s.release();
  r.merger.release();
  assert.equal(pool.stats().bytesInUse, 0);
});
