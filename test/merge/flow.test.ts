// Concatenation, LIMIT/OFFSET across shards, early satisfaction, backpressure, derived columns,
// DISTINCT and HAVING.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ColumnType, Collation } from '../../src/protocol/constants';
import { createMerger } from '../../src/merge';
import type { PostExpr } from '../../src/merge/spec';
import { col, decCol, decode, intCol, pushAt, row, runMerge, spec, strCol, type Cell } from './helpers';

test('concat: rows pass through byte for byte, derived columns stripped', () => {
  const sent: Buffer[] = [];
  const m = createMerger(spec({ columnCount: 2, visible: 1 }), [strCol('a'), intCol('derived')], 2, (b, s, e) => sent.push(Buffer.from(b.subarray(s, e))));
  const long = 'x'.repeat(300); // a 3-byte length prefix
  assert.equal(pushAt(m, 1, row([long, '1'])), true);
  assert.equal(pushAt(m, 0, row([null, '2'])), true);
  m.end(0);
  m.end(1);
  assert.deepEqual(sent.map(decode), [[long], [null]]);
  assert.deepEqual(sent[0], row([long]));
  const same: [Buffer, number, number][] = [];
  const plain = createMerger(spec({ columnCount: 1 }), [strCol('a')], 1, (b, s, e) => same.push([b, s, e]));
  const input = Buffer.concat([Buffer.from('junk'), row(['héllo']), Buffer.from('junk')]);
  plain.push(0, input, 4, input.length - 4);
  assert.deepEqual(same[0], [input, 4, input.length - 4], 'no derived columns: the very bytes are passed on, uncopied');
});

test('LIMIT/OFFSET over an ORDER BY merge, satisfied early; later pushes are ignored', () => {
  const s = spec({ columnCount: 1, orderBy: [{ index: 0, desc: false }], offset: 2, limit: 3 });
  const shards: Cell[][][] = [['1', '4', '7', '10'], ['2', '5', '8'], ['3', '6', '9']].map((xs) => xs.map((x) => [x]));
  const full = runMerge(s, [intCol('n')], shards);
  assert.deepEqual(full.rows, [['3'], ['4'], ['5']]);
  assert.equal(full.merger.emitted, 3);
  assert.equal(full.merger.satisfied, true);
  const early = runMerge(s, [intCol('n')], shards, { stopWhenSatisfied: true });
  assert.deepEqual(early.rows, [['3'], ['4'], ['5']]);
  assert.equal(early.merger.satisfied, true);
  assert.equal(pushAt(early.merger, 0, row(['0'])), true, 'once satisfied nothing pauses');
  early.merger.end(0);
  early.merger.end(1);
  early.merger.end(2);
  assert.equal(early.rows.length, 3);
});

test('LIMIT without ORDER BY, and LIMIT 0', () => {
  const shards: Cell[][][] = [[['a'], ['b']], [['c'], ['d']]];
  assert.equal(runMerge(spec({ columnCount: 1, limit: 3 }), [strCol('s')], shards).rows.length, 3);
  const zero = runMerge(spec({ columnCount: 1, limit: 0 }), [strCol('s')], shards);
  assert.deepEqual(zero.rows, []);
  assert.equal(zero.merger.satisfied, true);
});

test('backpressure: push returns false at the queue bound, onResume once drained to half', () => {
  const out: string[] = [];
  const m = createMerger(spec({ columnCount: 1, orderBy: [{ index: 0, desc: false }] }), [intCol('n')], 2,
    (b, s, e) => out.push(decode(b.subarray(s, e))[0]!), { queueRows: 4 });
  const resumed: number[] = [];
  m.onResume = (s) => resumed.push(s);
  // Shard 1 has sent nothing yet, so shard 0's rows must wait.
  assert.deepEqual([1, 2, 3, 4].map((n) => pushAt(m, 0, row([String(n * 10)]))), [true, true, true, false]);
  assert.deepEqual(out, []);
  assert.equal(pushAt(m, 1, row(['15'])), true); // emits 10 and 15, then waits on shard 1 again
  assert.deepEqual(out, ['10', '15']);
  assert.deepEqual(resumed, []);
  assert.equal(pushAt(m, 1, row(['25'])), true); // 20 leaves shard 0 with 2 (half of 4): resumed; then 25
  assert.deepEqual(out, ['10', '15', '20', '25']);
  assert.deepEqual(resumed, [0]);
  m.end(1);
  m.end(0);
  assert.deepEqual(out, ['10', '15', '20', '25', '30', '40']);
});

test('backpressure under a driver: many pauses, no deadlock, order kept', () => {
  const shards = [0, 1, 2].map((s) => Array.from({ length: 200 }, (_, i) => [String(i * 3 + s)] as Cell[]));
  const r = runMerge(spec({ columnCount: 1, orderBy: [{ index: 0, desc: false }] }), [intCol('n')], shards, { queueRows: 8, chunk: 50 });
  assert.deepEqual(r.rows.map((x) => Number(x[0])), Array.from({ length: 600 }, (_, i) => i));
  assert.ok(r.pauses.some((p) => p > 0));
  assert.deepEqual(r.pauses, r.resumes);
});

test('limit satisfied while shards are paused: they are resumed', () => {
  const shards = [0, 1].map((s) => Array.from({ length: 50 }, (_, i) => [String(i * 2 + s)] as Cell[]));
  const r = runMerge(spec({ columnCount: 1, orderBy: [{ index: 0, desc: false }], limit: 5 }), [intCol('n')], shards, { queueRows: 4, chunk: 10 });
  assert.deepEqual(r.rows.map((x) => x[0]), ['0', '1', '2', '3', '4']);
  assert.deepEqual(r.pauses, r.resumes);
});

test('DISTINCT across shards by collation, keeping the merged order; derived sort column stripped', () => {
  const s = spec({ columnCount: 2, visible: 1, orderBy: [{ index: 1, desc: false }], distinct: true });
  const r = runMerge(s, [strCol('name'), intCol('k')], [
    [['alice', '1'], ['bob', '3'], ['Bob ', '5']],
    [['ALICE', '2'], ['carol', '4']],
  ]);
  assert.deepEqual(r.rows, [['alice'], ['bob'], ['carol']]);
  const bin = runMerge(spec({ columnCount: 1, distinct: true }), [strCol('name', Collation.UTF8MB4_BIN)], [[['a'], ['A']], [['a'], ['a ']]]);
  assert.deepEqual(bin.rows, [['a'], ['A']]);
});

/** Groups (g, COUNT(*), SUM(x), name) merged, then filtered by HAVING. */
function having(expr: PostExpr, shards: Cell[][][]): (string | null)[] {
  const cols = [intCol('g'), col('COUNT(*)', ColumnType.LONGLONG, { charset: Collation.BINARY }), decCol('SUM(x)', 32, 2), strCol('name')];
  const s = spec({
    columnCount: 4, groupBy: [0], orderBy: [{ index: 0, desc: false }], groupsSorted: true, having: expr,
    aggregates: [{ index: 1, fn: 'COUNT' }, { index: 2, fn: 'SUM' }],
  });
  return runMerge(s, cols, shards).rows.map((r) => r[0]);
}

const HAVING_DATA: Cell[][][] = [
  [['1', '2', '1.50', 'Ann'], ['2', '1', null, 'bo'], ['3', '1', '10.00', '10']],
  [['1', '1', '0.50', 'ann'], ['3', '2', '-0.01', '10'], ['4', '5', '3.00', 'x']],
];

test('HAVING after the merge: comparisons, NULL propagation, three-valued logic', () => {
  const c = (index: number): PostExpr => ({ op: 'col', index });
  const lit = (value: string | number | null): PostExpr => ({ op: 'lit', value });
  // COUNT(*) > 2: per-shard counts would miss group 1 (2 + 1) and 3.
  assert.deepEqual(having({ op: '>', left: c(1), right: lit(2) }, HAVING_DATA), ['1', '3', '4']);
  // SUM(x) = 2.0 exactly (1.50 + 0.50); decimal vs decimal literal.
  assert.deepEqual(having({ op: '=', left: c(2), right: lit(2.0) }, HAVING_DATA), ['1']);
  assert.deepEqual(having({ op: '=', left: c(2), right: lit('2') }, HAVING_DATA), ['1'], "decimal vs '2' compares as numbers");
  // SUM(x) IS NULL; NOT (NULL > 1) is unknown, so dropped.
  assert.deepEqual(having({ op: 'isnull', arg: c(2) }, HAVING_DATA), ['2']);
  assert.deepEqual(having({ op: 'not', arg: { op: '>', left: c(2), right: lit(1) } }, HAVING_DATA), []);
  // NULL OR TRUE is true; NULL AND TRUE is unknown.
  const gt1 = { op: '>', left: c(2), right: lit(1) } as PostExpr;
  const isTwo = { op: '=', left: c(0), right: lit(2) } as PostExpr;
  assert.deepEqual(having({ op: 'or', args: [gt1, isTwo] }, HAVING_DATA), ['1', '2', '3', '4']);
  assert.deepEqual(having({ op: 'and', args: [{ op: 'isnotnull', arg: c(0) }, isTwo, gt1] }, HAVING_DATA), []);
  // XOR: true for exactly one true operand, unknown with a NULL one (group 2's SUM).
  assert.deepEqual(having({ op: 'xor', args: [{ op: '>', left: c(1), right: lit(2) }, { op: '>', left: c(2), right: lit(2.5) }] }, HAVING_DATA), ['1']);
  // String column vs number: '10' = 10 numerically; vs string under general_ci: 'ANN' = 'Ann'.
  assert.deepEqual(having({ op: '=', left: c(3), right: lit(10) }, HAVING_DATA), ['3']);
  assert.deepEqual(having({ op: '=', left: c(3), right: lit('ANN') }, HAVING_DATA), ['1']);
  // IN with NULL: 5 IN (1, NULL) is unknown; NOT IN likewise.
  assert.deepEqual(having({ op: 'in', arg: c(1), list: [lit(3), lit(null)], not: false }, HAVING_DATA), ['1', '3']);
  assert.deepEqual(having({ op: 'in', arg: c(1), list: [lit(3), lit(null)], not: true }, HAVING_DATA), []);
  // BETWEEN, arithmetic and division (SUM / COUNT), NULL-safe equality.
  assert.deepEqual(having({ op: 'between', arg: c(2), low: lit(2), high: lit(10), not: false }, HAVING_DATA), ['1', '3', '4']);
  assert.deepEqual(having({ op: '>', left: { op: '/', left: c(2), right: c(1) }, right: lit(0.6) }, HAVING_DATA), ['1', '3']);
  assert.deepEqual(having({ op: '=', left: { op: '+', left: c(1), right: lit(1) }, right: lit(6) }, HAVING_DATA), ['4']);
  assert.deepEqual(having({ op: '<=>', left: c(2), right: lit(null) }, HAVING_DATA), ['2']);
  assert.deepEqual(having({ op: '=', left: c(2), right: lit(null) }, HAVING_DATA), []);
});
