// ORDER BY merge across shards: ties, NULLs, DESC, several keys, and MySQL's comparison per type
// and collation.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ColumnFlag, ColumnType, Collation } from '../../src/protocol/constants';
import { createMerger } from '../../src/merge';
import { bigintUnsigned, col, decCol, intCol, pushAt, row, runMerge, spec, strCol, type Cell } from './helpers';

/** Merges one sorted column from each shard and returns the merged column. */
function mergeOne(column: ReturnType<typeof col>, shards: Cell[][], desc = false): (string | null)[] {
  const { rows } = runMerge(spec({ columnCount: 1, orderBy: [{ index: 0, desc }] }), [column], shards.map((s) => s.map((v) => [v])));
  return rows.map((r) => r[0]);
}

test('integers: ties, NULL first ascending, negative numbers, shards of different lengths', () => {
  const got = mergeOne(intCol('n'), [[null, '-10', '2', '2', '30'], ['-9', '2', '100'], [null, '1']]);
  assert.deepEqual(got, [null, null, '-10', '-9', '1', '2', '2', '2', '30', '100']);
});

test('DESC puts NULL last', () => {
  const got = mergeOne(intCol('n'), [['5', '1', null], ['7', '-3'], [null]], true);
  assert.deepEqual(got, ['7', '5', '1', '-3', null, null]);
});

test('UNSIGNED BIGINT beyond 2^53 compares exactly', () => {
  const got = mergeOne(bigintUnsigned('id'), [['9007199254740993', '18446744073709551615'], ['9007199254740992', '18446744073709551614']]);
  assert.deepEqual(got, ['9007199254740992', '9007199254740993', '18446744073709551614', '18446744073709551615']);
});

test('DECIMAL exactly, DOUBLE with exponents', () => {
  assert.deepEqual(mergeOne(decCol('d', 10, 2), [['-1.50', '0.05', '10.00'], ['-10.25', '-0.00', '9.99']]),
    ['-10.25', '-1.50', '-0.00', '0.05', '9.99', '10.00']);
  assert.deepEqual(mergeOne(col('f', ColumnType.DOUBLE, { decimals: 31 }), [['-1e20', '2.5', '1e21'], ['-3', '1e-7', '30']]),
    ['-1e20', '-3', '1e-7', '2.5', '30', '1e21']);
});

test('DATE, DATETIME with fractions, and TIME with negative and 3-digit hours', () => {
  assert.deepEqual(mergeOne(col('dt', ColumnType.DATETIME, { decimals: 3 }), [['2024-01-01 00:00:00.500', '2024-12-31 23:59:59.000'], ['2024-01-01 00:00:00.499']]),
    ['2024-01-01 00:00:00.499', '2024-01-01 00:00:00.500', '2024-12-31 23:59:59.000']);
  assert.deepEqual(mergeOne(col('t', ColumnType.TIME, { decimals: 1 }), [['-100:00:00.0', '-00:00:01.5', '09:00:00.0'], ['-10:00:00.0', '-00:00:01.0', '100:00:00.0']]),
    ['-100:00:00.0', '-10:00:00.0', '-00:00:01.5', '-00:00:01.0', '09:00:00.0', '100:00:00.0']);
});

test('utf8mb4_general_ci: case- and accent-insensitive ties, PAD SPACE', () => {
  const shards = [['alice', 'Bob', 'émile'], ['ALICE', 'bob ', 'Eva'], ['Ärger', 'zed']];
  const got = mergeOne(strCol('s'), shards);
  // 'Ärger' weighs as 'ARGER' (after 'ALICE'); ties keep shard order; 'émile' = 'EMILE' < 'EVA'.
  assert.deepEqual(got, ['alice', 'ALICE', 'Ärger', 'Bob', 'bob ', 'émile', 'Eva', 'zed']);
});

test('utf8mb4_bin: byte order (uppercase before lowercase), trailing spaces ignored', () => {
  const got = mergeOne(strCol('s', Collation.UTF8MB4_BIN), [['B', 'a', 'b'], ['A', 'a ', 'é']]);
  assert.deepEqual(got, ['A', 'B', 'a', 'a ', 'b', 'é']);
});

test('a utf8mb4_bin column as MariaDB describes it (collation 45 + BINARY flag) merges in byte order', () => {
  const column = { ...strCol('s'), flags: ColumnFlag.BINARY };
  const got = mergeOne(column, [['B', 'a', 'b'], ['A', 'a ', 'é']]);
  assert.deepEqual(got, ['A', 'B', 'a', 'a ', 'b', 'é']);
});

test('binary: byte order without padding ("a" < "a\\x01" < "a ")', () => {
  const got = mergeOne(strCol('s', Collation.BINARY), [['a', 'a '], ['a\u0001']]);
  assert.deepEqual(got, ['a', 'a\u0001', 'a ']);
});

test('latin1_swedish_ci: Å, Ä, Ö after Z (in that order), Ü equals Y', () => {
  const shards = [['apa', 'Zeta', 'Öl'], ['yxa', 'Ände'], ['Über', 'Åsa']];
  const out: string[] = [];
  const m = createMerger(spec({ columnCount: 1, orderBy: [{ index: 0, desc: false }] }), [strCol('s', Collation.LATIN1_SWEDISH_CI)],
    3, (b, start, end) => out.push(b.toString('latin1', start + 1, end)));
  shards.forEach((rows, s) => rows.forEach((v) => pushAt(m, s, row([Buffer.from(v, 'latin1')]))));
  shards.forEach((_, s) => m.end(s));
  assert.deepEqual(out, ['apa', 'Über', 'yxa', 'Zeta', 'Åsa', 'Ände', 'Öl']);
});

test('utf8mb4_unicode_ci (Intl.Collator approximation): punctuation before digits before letters', () => {
  const got = mergeOne(strCol('s', 224), [['_x', 'b'], ['1', 'A'], ['-', 'ä']]);
  assert.deepEqual(got.slice(0, 2).sort(), ['-', '_x']);
  assert.deepEqual(got.slice(2), ['1', 'A', 'ä', 'b']);
});

test('several keys, mixed directions, column types per key', () => {
  const cols = [strCol('name'), intCol('age'), intCol('id')];
  const s = spec({ columnCount: 3, orderBy: [{ index: 0, desc: false }, { index: 1, desc: true }] });
  const { rows } = runMerge(s, cols, [
    [['amy', '40', '1'], ['AMY', '20', '2'], ['bob', '50', '3']],
    [['Amy', '30', '4'], ['bob', '60', '5']],
  ]);
  assert.deepEqual(rows.map((r) => r[2]), ['1', '4', '2', '5', '3']);
});

test('collation weights: sorted by the weight column, trailing-space units dropped, controls below the padding', () => {
  const w = (hex: string) => Buffer.from(hex, 'hex');
  // [text, weight] pairs as MariaDB returns them: utf8mb4_unicode_ci (2-byte units, space 0209)
  // and latin1_swedish_ci (1-byte units, space 20).
  const merge = (shards: [string, Buffer][][]) =>
    runMerge(spec({ columnCount: 2, visible: 1, orderBy: [{ index: 0, desc: false }], weights: [[0, 1]] }),
      [strCol('w'), col('ws', ColumnType.VAR_STRING, { charset: Collation.BINARY, flags: ColumnFlag.BINARY })],
      shards.map((s) => s.map(([t, x]) => [t, x]))).rows.map((r) => r[0]);
  // 'ß' weighs as 'ss' (0FEA 0FEA): between 'sr' and 'st', though its text sorts after both.
  assert.deepEqual(merge([[['sr', w('0FEA0FC0')], ['st', w('0FEA1002')]], [['ß', w('0FEA0FEA')]]]), ['sr', 'ß', 'st']);
  // 'a ' equals 'a' (stable: shard order on ties); 'a\t' sorts below both, 'ab' above.
  assert.deepEqual(merge([[['a ', w('0E330209')], ['ab', w('0E330E4A')]], [['a\t', w('0E330201')], ['a', w('0E33')]]]), ['a\t', 'a ', 'a', 'ab']);
  // 1-byte units: 'A ' (41 20) equals 'A' (41); 'A\t' (41 09) sorts first.
  assert.deepEqual(merge([[['A ', w('4120')], ['B', w('42')]], [['A\t', w('4109')], ['A', w('41')]]]), ['A\t', 'A ', 'A', 'B']);
  // Without a weight column the same text merges as general_ci (its column definition's collation).
  const plain = runMerge(spec({ columnCount: 1, orderBy: [{ index: 0, desc: false }] }), [strCol('w')], [[['sr'], ['st']], [['ß']]]).rows.map((r) => r[0]);
  assert.deepEqual(plain, ['ß', 'sr', 'st']);
});
