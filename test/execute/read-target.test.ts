// ReadRotation: smooth weighted round robin over a partition's replicas, skipping unusable ones,
// falling back to the primary.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { ReadRotation, type ReplicaHealth } from '../../src/execute/read-target';
import type { PartitionConfig } from '../../src/config/types';

const partition = (read: [string, number][]): PartitionConfig => ({
  write: 'primary', database: 'shop_0', read: read.map(([backend, weight]) => ({ backend, weight })),
});
const allUsable: ReplicaHealth = { usable: () => true };
const without = (...down: string[]): ReplicaHealth => ({ usable: (b) => !down.includes(b) });
const picks = (r: ReadRotation, n: number, health = allUsable): string[] => Array.from({ length: n }, () => r.pick(health));
const counts = (xs: string[]): Record<string, number> => {
  const out: Record<string, number> = {};
  for (const x of xs) out[x] = (out[x] ?? 0) + 1;
  return out;
};

describe('ReadRotation', () => {
  it('weights 1:3 give exactly 1:3 in every cycle of 4, interleaved (smooth)', () => {
    const r = new ReadRotation(partition([['a', 1], ['b', 3]]));
    const seq = picks(r, 400);
    for (let i = 0; i < seq.length; i += 4) assert.deepEqual(counts(seq.slice(i, i + 4)), { a: 1, b: 3 }, `cycle at ${i}: ${seq.slice(i, i + 4)}`);
    // smooth: the heavy replica never gets the whole cycle in one run longer than its weight
    assert.ok(!seq.join('').includes('bbbb'));
    assert.deepEqual(seq.slice(0, 4), ['b', 'a', 'b', 'b']); // nginx's order: ties go to the first listed
  });

  it('equal weights alternate', () => {
    const r = new ReadRotation(partition([['a', 1], ['b', 1], ['c', 1]]));
    assert.deepEqual(picks(r, 6), ['a', 'b', 'c', 'a', 'b', 'c']);
  });

  it('skips an unusable replica and shares its reads among the rest by their weights', () => {
    const r = new ReadRotation(partition([['a', 1], ['b', 3], ['c', 2]]));
    assert.deepEqual(counts(picks(r, 300, without('b'))), { a: 100, c: 200 });
    assert.deepEqual(counts(picks(r, 3, without('a', 'c'))), { b: 3 });
  });

  it('returns to the full rotation when the replica recovers', () => {
    const r = new ReadRotation(partition([['a', 1], ['b', 1]]));
    assert.deepEqual(picks(r, 4, without('a')), ['b', 'b', 'b', 'b']);
    assert.deepEqual(counts(picks(r, 100)), { a: 50, b: 50 });
  });

  it('falls back to the primary when every replica is unusable', () => {
    const r = new ReadRotation(partition([['a', 1], ['b', 3]]));
    assert.deepEqual(picks(r, 5, without('a', 'b')), Array(5).fill('primary'));
  });

  it('reads the primary when the partition has no replicas', () => {
    assert.equal(new ReadRotation(partition([])).pick(allUsable), 'primary');
  });
});
