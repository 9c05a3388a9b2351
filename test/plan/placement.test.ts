// The placement formulas (README "Configuration"), the snowflake generator and merge index resolution.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { TableRule } from '../../src/config/types';
import { canonicalText, crc32, crc32Utf8, placeValue, toDays } from '../../src/plan/placement';
import { resolveMergeSpec } from '../../src/plan/merge-indexes';
import { SNOWFLAKE_EPOCH_MS, SnowflakeGenerator, splitSnowflake } from '../../src/plan/snowflake';
import type { ShardRule } from '../../src/plan/placement';

const rule = (r: Partial<ShardRule>): ShardRule =>
  ({ kind: 'sharded', name: 't', shardKey: 'k', algorithm: 'mod', tablesPerPartition: 1, ...r }) as Extract<TableRule, { kind: 'sharded' }>;

describe('placement', () => {
  it('CRC-32 matches the standard check value', () => {
    assert.equal(crc32(Buffer.from('123456789')), 0xcbf43926);
  });
  it('mod: index = key mod (P×N), non-negative; partition = index div N, table = index mod N', () => {
    const r = rule({ algorithm: 'mod', tablesPerPartition: 3 });
    for (const key of [0, 1, 5, 6, 17, -1, -7]) {
      const g = placeValue(r, 2, BigInt(key));
      assert.equal(g, ((key % 6) + 6) % 6);
      assert.equal(placeValue(r, 2, key), g, 'a number key (the point fast path) places as its BigInt');
    }
    for (const big of ['9007199254740993', '123456789012345678901']) assert.equal(placeValue(r, 2, BigInt(big)), Number(BigInt(big) % 6n));
    assert.equal(placeValue(r, 2, '11'), 5);
    assert.equal(placeValue(r, 2, 5.5), 'none');
    assert.equal(placeValue(r, 2, 'abc'), 'all');
    assert.equal(placeValue(r, 2, null), 'none');
  });
  it('hash: CRC-32 of the canonical text mod (P×N); case, trailing spaces and accents do not matter', () => {
    const r = rule({ algorithm: 'hash', tablesPerPartition: 2 });
    assert.equal(canonicalText('Alice  '), 'alice');
    assert.equal(canonicalText('Àlice'), 'alice');
    assert.equal(canonicalText('007'), '7');
    assert.equal(canonicalText(7n), '7');
    assert.equal(placeValue(r, 3, 'Alice'), crc32(Buffer.from('alice')) % 6);
    assert.equal(placeValue(r, 3, 'ALICE '), placeValue(r, 3, 'alice'));
    assert.equal(placeValue(r, 3, 42), crc32(Buffer.from('42')) % 6);
    assert.equal(placeValue(r, 3, '42'), placeValue(r, 3, 42n));
  });
  it('hash: the canonical text and CRC of the usual keys are those of the general formulas', () => {
    for (const s of ['', 'alice', '42', 'àlice', '\u00c0', 'x\u{1f600}y', '\x7f\x80']) assert.equal(crc32Utf8(s), crc32(Buffer.from(s, 'utf8')), s);
    for (const n of [0, -0, 7, -7, 2 ** 53 - 1, -(2 ** 53 - 1)]) assert.equal(canonicalText(n), BigInt(n).toString());
    assert.equal(canonicalText(2 ** 53 + 2), '9007199254740994');
    assert.equal(canonicalText(1.5), '1.5');
    const cases: [string, string][] = [['Zed', 'zed'], ['a1', 'a1'], [' 7', '7'], ['+7', '7'], ['-07', '-7'], ['\u00a07', '7'], ['7.0', '7'], ['_x ', '_x'],
      ['x  y  ', 'x  y'], ['', ''], ['   ', ''], ['Éa', 'ea'], ['\t7\t', '7'], ['a 7', 'a 7']];
    for (const [v, want] of cases) assert.equal(canonicalText(v), want, JSON.stringify(v));
    assert.equal(canonicalText(Buffer.from('Bob ')), 'bob');
  });
  it('date: TO_DAYS for day, year×12+month-1 for month, year for year', () => {
    assert.equal(toDays(1970, 1, 1), 719528);
    assert.equal(toDays(2024, 1, 1), 739251);
    assert.equal(toDays(2000, 3, 1), 730545);
    assert.equal(placeValue(rule({ algorithm: 'date', dateUnit: 'day' }), 4, '2024-01-01'), 739251 % 4);
    assert.equal(placeValue(rule({ algorithm: 'date', dateUnit: 'month' }), 5, '2024-03-15 10:00:00'), (2024 * 12 + 2) % 5);
    assert.equal(placeValue(rule({ algorithm: 'date', dateUnit: 'year' }), 3, '2025-12-31'), 2025 % 3);
    assert.equal(placeValue(rule({ algorithm: 'date', dateUnit: 'day' }), 4, 'soon'), 'all');
  });
  it('range and list: the index written in the rule', () => {
    const r = rule({ algorithm: 'range', ranges: [{ lt: 10, partition: 0 }, { lt: 20, partition: 3 }] });
    assert.equal(placeValue(r, 2, 9), 0);
    assert.equal(placeValue(r, 2, 10), 3);
    assert.equal(placeValue(r, 2, 20), 'none');
    const l = rule({ algorithm: 'list', values: { cn: 0, us: 1 } });
    assert.equal(placeValue(l, 2, 'US'), 1);
    assert.equal(placeValue(l, 2, 'fr'), 'none');
    // Values that read alike: the first one listed decides, as written in the rule.
    const dup = rule({ algorithm: 'list', values: { US: 0, 'us ': 1, '7': 1, '007': 0 } });
    assert.equal(placeValue(dup, 2, 'us'), 0);
    assert.equal(placeValue(dup, 2, 7), 1);
  });
});

describe('snowflake', () => {
  it('ids are increasing and carry time and node id', () => {
    let now = SNOWFLAKE_EPOCH_MS + 1000;
    const g = new SnowflakeGenerator({ nodeId: 7, now: () => now });
    let last = -1n;
    for (let i = 0; i < 10000; i++) {
      if (i % 3000 === 0) now++;
      const id = g.next();
      assert.ok(id > last);
      last = id;
    }
    const first = splitSnowflake(new SnowflakeGenerator({ nodeId: 7, now: () => now }).next());
    assert.equal(first.nodeId, 7);
    assert.equal(first.ms, now);
  });
  it('never repeats across node ids and worker threads, even on the same millisecond and with the clock stepping back', () => {
    const seen = new Set<bigint>();
    let now = SNOWFLAKE_EPOCH_MS + 5;
    for (const nodeId of [0, 1, 1023])
      for (let w = 0; w < 3; w++) {
        const g = new SnowflakeGenerator({ nodeId, workerIndex: w, workerCount: 3, now: () => now });
        for (let i = 0; i < 3000; i++) {
          if (i === 1500) now -= 2;
          const id = g.next();
          assert.ok(!seen.has(id), `duplicate ${id}`);
          seen.add(id);
          assert.ok(id > 0n && id < 1n << 63n);
        }
        now += 2;
      }
  });
  it('rejects out-of-range ids', () => {
    assert.throws(() => new SnowflakeGenerator({ nodeId: 1024 }), RangeError);
    assert.throws(() => new SnowflakeGenerator({ nodeId: 0, workerIndex: 2, workerCount: 2 }), RangeError);
  });
});

describe('resolveMergeSpec', () => {
  it('makes indexes counted from the end absolute once the width is known', () => {
    const spec = resolveMergeSpec(
      {
        columnCount: -1,
        visible: -2,
        orderBy: [{ index: -2, desc: true }],
        groupBy: [0, -1],
        groupsSorted: true,
        aggregates: [{ index: -1, fn: 'AVG', sumIndex: -2, countIndex: -1 }],
        having: { op: '>', left: { op: 'col', index: -1 }, right: { op: 'lit', value: 1 } },
        distinct: false,
        offset: 0,
        limit: null,
      },
      7,
    );
    assert.equal(spec.columnCount, 7);
    assert.equal(spec.visible, 5);
    assert.deepEqual(spec.orderBy, [{ index: 5, desc: true }]);
    assert.deepEqual(spec.groupBy, [0, 6]);
    assert.deepEqual(spec.aggregates, [{ index: 6, fn: 'AVG', sumIndex: 5, countIndex: 6 }]);
    assert.deepEqual(spec.having, { op: '>', left: { op: 'col', index: 6 }, right: { op: 'lit', value: 1 } });
  });
});
