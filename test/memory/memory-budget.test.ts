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

test('queries each within their share cannot together exceed the pool: the ones that find it full are short', () => {
  const pool = SlabPool.create(16);
  const budgets = Array.from({ length: 4 }, () => new MemoryBudget(6 * MB, pool));
  let shortSeen = 0;
  for (let step = 0; step < 6 * 1024; step++) {
    for (const b of budgets) {
      b.charge(1024);
      if (b.short) shortSeen++;
      assert.ok(pool.stats().bytesInUse <= 16 * MB);
    }
  }
  assert.ok(shortSeen > 0, 'four 6 MB merges do not fit in 16 MB');
  assert.ok(pool.stats().refusals > 0, 'the failed reservations are counted');
  budgets.forEach((b) => b.release());
  assert.equal(pool.stats().bytesInUse, 0);
});

test('a short merge waits for room (backpressure) and goes on when another query releases', async () => {
  const pool = SlabPool.create(1);
  const holder = new MemoryBudget(8 * MB, pool);
  holder.charge(MB); // the whole pool
  const waiting = new MemoryBudget(8 * MB, pool);
  waiting.charge(100);
  assert.equal(waiting.short, true);
  let resumed = false;
  const done = new Promise<SqlError | null>((resolve) => waiting.waitForRoom((err) => { resumed = true; resolve(err); }));
  await new Promise((r) => setImmediate(r));
  assert.equal(resumed, false, 'still waiting while the pool is full');
  holder.release();
  assert.equal(await done, null);
  assert.equal(waiting.short, false);
  assert.ok(pool.stats().bytesInUse > 0 && pool.stats().bytesInUse <= MB);
  waiting.release();
  assert.equal(pool.stats().bytesInUse, 0);
});

test('a merge that waits too long for room gets ERR 1041 and keeps nothing', async () => {
  const pool = SlabPool.create(1);
  const holder = new MemoryBudget(8 * MB, pool);
  holder.charge(MB);
  const limit = MemoryBudget.waitLimitMs;
  MemoryBudget.waitLimitMs = 50;
  try {
    const waiting = new MemoryBudget(8 * MB, pool);
    waiting.charge(100);
    const err = await new Promise<SqlError | null>((resolve) => waiting.waitForRoom(resolve));
    assert.ok(err && isOutOfResources(/stayed full for 50 ms/)(err));
    holder.release();
    assert.equal(pool.stats().bytesInUse, 0, 'the timed-out merge holds no slab, not even one served late');
  } finally {
    MemoryBudget.waitLimitMs = limit;
  }
});

test('hold() keeps rows in the reserved slabs of the shared pool, slab after slab; on the heap without a pool or room', () => {
  const pool = SlabPool.create(16);
  const budget = new MemoryBudget(8 * MB, pool);
  const kept: [Buffer, Buffer][] = [];
  for (let i = 0; i < 2000; i++) {
    const row = Buffer.from(`row ${i} `.repeat(1 + (i % 20)));
    budget.charge(row.length);
    const held = budget.hold(row);
    row.fill(0); // the caller's bytes are borrowed: the held copy must not depend on them
    kept.push([held, Buffer.from(`row ${i} `.repeat(1 + (i % 20)))]);
  }
  for (const [held, want] of kept) {
    assert.ok(held.equals(want));
    assert.equal(held.buffer, pool.shared.data, 'in the shared pool, not on the heap');
  }
  assert.ok(pool.stats().bytesInUse >= budget.used);
  budget.release();
  assert.equal(pool.stats().bytesInUse, 0);

  const heapOnly = new MemoryBudget(MB).hold(Buffer.from('abc'));
  assert.ok(!(heapOnly.buffer instanceof SharedArrayBuffer) && heapOnly.equals(Buffer.from('abc')));
  const full = SlabPool.create(16);
  const pages = Array.from({ length: 16 }, () => full.allocate(MB)!);
  const short = new MemoryBudget(MB, full);
  short.charge(10);
  const fallback = short.hold(Buffer.from('0123456789'));
  assert.ok(fallback.equals(Buffer.from('0123456789')) && !(fallback.buffer instanceof SharedArrayBuffer), 'no room: a heap copy');
  for (const p of pages) p.release();
  short.release();
  assert.equal(full.stats().bytesInUse, 0);
});
