// The merger's byte budget drawing from the slab pool: per-query share and global pool both bound it.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { MemoryBudget } from '../../src/merge/memory-budget';
import { SlabPool } from '../../src/memory/slab-pool';
import { SqlError } from '../../src/protocol/errors';

const MB = 1024 * 1024;

function isOutOfResources(pattern: RegExp): (e: unknown) => boolean {
  return (e: unknown) => {
    assert.ok(e instanceof SqlError);
    assert.equal(e.errno, 1041);
    assert.match(e.message, pattern);
    return true;
  };
}

test('without a pool, only the query share applies', () => {
  const budget = new MemoryBudget(MB);
  budget.charge(MB);
  assert.throws(() => budget.charge(1), isOutOfResources(/exceeds maxQueryMemoryMB \(1 MB\)/));
});

test('charges reserve slabs from the pool; release gives them back', () => {
  const pool = SlabPool.create(16);
  const budget = new MemoryBudget(8 * MB, pool);
  budget.charge(100);
  assert.equal(pool.stats().bytesInUse, 64 * 1024);
  for (let i = 0; i < 3000; i++) budget.charge(1000);
  const held = pool.stats().bytesInUse;
  assert.ok(held >= budget.used && held < budget.used + MB, `held ${held} for ${budget.used}`);
  budget.release();
  assert.equal(pool.stats().bytesInUse, 0);
  budget.release(); // idempotent
  assert.equal(pool.stats().bytesInUse, 0);
});

test('a query over its share gets ERR 1041, counted as a refusal, and its reservation is returned', () => {
  const pool = SlabPool.create(16);
  const budget = new MemoryBudget(2 * MB, pool);
  budget.charge(2 * MB - 10);
  assert.ok(pool.stats().bytesInUse >= 2 * MB - 10);
  assert.throws(() => budget.charge(11), isOutOfResources(/maxQueryMemoryMB \(2 MB\)/));
  assert.deepEqual(pool.stats(), { capacityBytes: 16 * MB, bytesInUse: 0, waits: 0, refusals: 1 });
});

test('queries each within their share cannot together exceed the pool', () => {
  const pool = SlabPool.create(16);
  const budgets = Array.from({ length: 4 }, () => new MemoryBudget(6 * MB, pool));
  let refused = 0;
  for (let step = 0; step < 6 * 1024; step++) {
    for (const b of budgets) {
      try {
        b.charge(1024);
      } catch (e) {
        assert.ok(isOutOfResources(/buffer pool \(bufferPoolMB\) is full/)(e));
        refused++;
      }
      assert.ok(pool.stats().bytesInUse <= 16 * MB);
    }
  }
  assert.ok(refused > 0, 'four 6 MB merges do not fit in 16 MB');
  assert.ok(pool.stats().refusals >= refused);
  budgets.forEach((b) => b.release());
  assert.equal(pool.stats().bytesInUse, 0);
});
