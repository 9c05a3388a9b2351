import { test } from 'node:test';
import assert from 'node:assert/strict';
import path from 'node:path';
import { once } from 'node:events';
import { Worker } from 'node:worker_threads';
import { SlabPool, type Slab } from '../../src/memory/slab-pool';
import { PAGE_BYTES, SLAB_SIZES, SPAN_CLASS } from '../../src/memory/slab-layout';
import { Metrics } from '../../src/metrics/shared-metrics';

interface ChurnResult {
  broken: number;
  allocated: number;
  refused: number;
  outOfBounds: number;
}

async function churn(pool: SlabPool, id: number, rounds: number, hold: number, sizes?: number[]): Promise<ChurnResult> {
  const w = new Worker(path.join(__dirname, 'fixtures/slab-worker.js'), { workerData: { shared: pool.shared, id, rounds, hold, sizes } });
  const [[msg], [code]] = await Promise.all([once(w, 'message'), once(w, 'exit')]);
  assert.equal(code, 0);
  return msg as ChurnResult;
}

/** Allocate `bytes`-sized slabs until the pool refuses. */
function drain(pool: SlabPool, bytes: number): Slab[] {
  const slabs: Slab[] = [];
  for (let s = pool.allocate(bytes); s !== null; s = pool.allocate(bytes)) slabs.push(s);
  return slabs;
}

test('four worker_threads churning one pool never hold overlapping slabs, and give everything back', async () => {
  // 8 MiB shared by 4 workers holding up to 32 slabs of up to 1 MiB each: they run into exhaustion too.
  const pool = SlabPool.create(8);
  const results = await Promise.all([0, 1, 2, 3].map((id) => churn(pool, id, 10_000, 32)));
  for (const r of results) {
    assert.equal(r.broken, 0, 'a slab was written by another holder');
    assert.equal(r.outOfBounds, 0);
    assert.ok(r.allocated > 1000, `allocated ${r.allocated}`);
  }
  const refused = results.reduce((n, r) => n + r.refused, 0);
  assert.ok(refused > 0, 'the workers should have met a full pool');
  const stats = pool.stats();
  assert.equal(stats.bytesInUse, 0);
  assert.equal(stats.refusals, refused);
  // Every page is free again: the whole pool is available as 1 MiB slabs.
  const big = drain(pool, PAGE_BYTES);
  assert.equal(big.length, 8);
  big.forEach((s) => s.release());
});

test('exhaustion returns null, release makes room, and a freed page serves another size class', () => {
  const pool = SlabPool.create(16);
  const small = drain(pool, 1);
  assert.equal(small.length, 16 * (PAGE_BYTES / SLAB_SIZES[0]));
  assert.equal(small[0].buffer.length, 4096);
  assert.equal(pool.stats().bytesInUse, 16 * PAGE_BYTES);
  assert.equal(pool.allocate(4096), null);
  assert.equal(pool.allocate(PAGE_BYTES), null);
  assert.equal(pool.stats().refusals, 3); // the one that ended drain() and these two

  // Free one slab: a small one fits again, a page-sized one does not.
  small.pop()!.release();
  const again = pool.allocate(4000);
  assert.ok(again);
  small.push(again);
  small.pop()!.release();
  assert.equal(pool.allocate(PAGE_BYTES), null);

  // Free a whole page's worth of 4 KiB slabs (all on one page: same 1 MiB-aligned offsets).
  const page = Math.floor(small[0].offset / PAGE_BYTES);
  const onPage = small.filter((s) => Math.floor(s.offset / PAGE_BYTES) === page);
  assert.equal(onPage.length, PAGE_BYTES / 4096);
  onPage.forEach((s) => s.release());
  const big = pool.allocate(300_000);
  assert.ok(big, 'the freed page went back to the pool');
  assert.equal(big.buffer.length, PAGE_BYTES);
  assert.equal(big.offset, page * PAGE_BYTES);
  assert.throws(() => onPage[0].release(), /BUG: slab released twice/);

  big.release();
  small.filter((s) => !onPage.includes(s)).forEach((s) => s.release());
  assert.equal(pool.stats().bytesInUse, 0);
  assert.equal(pool.allocate(16 * PAGE_BYTES + 1), null, 'larger than the pool');
});

test('slab views share memory with other threads and size classes round up', () => {
  const pool = SlabPool.create(16);
  const other = SlabPool.attach(pool.shared);
  const a = pool.allocate(5000)!;
  assert.equal(a.buffer.length, 16384);
  a.buffer.write('hello', 0);
  const view = Buffer.from(other.shared.data, a.offset, 5);
  assert.equal(view.toString(), 'hello');
  assert.equal(other.stats().bytesInUse, 16384);
  a.release();
  assert.equal(other.stats().bytesInUse, 0);
});

test('stats go to the metrics row of the thread that allocates, waits or refuses', () => {
  const metrics = Metrics.create({ workers: 1, backends: [] });
  const pool = SlabPool.create(16, metrics.writer(0));
  const slabs = drain(pool, PAGE_BYTES);
  let snap = metrics.snapshot().workers[0].counters;
  assert.equal(snap.slabBytesInUse, 16 * PAGE_BYTES);
  assert.equal(snap.slabRefusals, 1);
  const cancel = pool.waitFor(10, () => assert.fail('no room yet'));
  snap = metrics.snapshot().workers[0].counters;
  assert.equal(snap.slabWaits, 1);
  cancel();
  pool.countRefusal();
  slabs.forEach((s) => s.release());
  snap = metrics.snapshot().workers[0].counters;
  assert.equal(snap.slabBytesInUse, 0);
  assert.equal(snap.slabRefusals, 2);
  assert.deepEqual(pool.stats(), { capacityBytes: 16 * PAGE_BYTES, bytesInUse: 0, waits: 1, refusals: 2 });
});

test('waitFor: served at once when there is room, in order after releases when there is not', async () => {
  const pool = SlabPool.create(16);
  let now: Slab | null = null;
  pool.waitFor(100, (s) => (now = s));
  assert.ok(now, 'room: served before waitFor returns');
  (now as Slab).release();

  const slabs = drain(pool, PAGE_BYTES);
  const served: number[] = [];
  const done = new Promise<Slab[]>((resolve) => {
    const got: Slab[] = [];
    for (const bytes of [PAGE_BYTES, 4096]) {
      pool.waitFor(bytes, (s) => {
        served.push(bytes);
        got.push(s);
        if (got.length === 2) resolve(got);
      });
    }
  });
  assert.deepEqual(served, []);
  assert.equal(pool.stats().waits, 2);
  slabs.pop()!.release();
  // One page came back: the first waiter (a page) takes it; the second waits for more.
  await new Promise<void>((resolve) => {
    const poll = () => (served.length > 0 ? resolve() : setImmediate(poll));
    poll();
  });
  assert.deepEqual(served, [PAGE_BYTES]);
  slabs.pop()!.release();
  const got = await done;
  assert.deepEqual(served, [PAGE_BYTES, 4096]);
  got.forEach((s) => s.release());
  slabs.forEach((s) => s.release());
  assert.equal(pool.stats().bytesInUse, 0);
});

test('waitFor in main is woken by a release in another thread', async () => {
  const pool = SlabPool.create(16);
  const slabs = drain(pool, PAGE_BYTES);
  const woken = new Promise<Slab>((resolve) => pool.waitFor(PAGE_BYTES, resolve));
  // A worker attaches and frees one of main's slabs by offset (as a thread that got it posted would).
  const code = `
    const { workerData } = require('node:worker_threads');
    const { SlabPool } = require(${JSON.stringify(path.join(__dirname, '../../src/memory/slab-pool.js'))});
    SlabPool.attach(workerData.shared).free(workerData.offset, workerData.sizeClass);`;
  const last = slabs.pop()!;
  const w = new Worker(code, { eval: true, workerData: { shared: pool.shared, offset: last.offset, sizeClass: last.sizeClass } });
  const [exitCode] = await once(w, 'exit');
  assert.equal(exitCode, 0);
  const slab = await woken;
  assert.equal(slab.offset, last.offset);
  slab.release();
  slabs.forEach((s) => s.release());
  assert.equal(pool.stats().bytesInUse, 0);
});

test('spans: a request over a page takes that many consecutive pages, counted and freed together', () => {
  const pool = SlabPool.create(8);
  const span = pool.allocate(2 * PAGE_BYTES + 1)!;
  assert.equal(span.sizeClass, SPAN_CLASS);
  assert.equal(span.buffer.length, 3 * PAGE_BYTES);
  assert.equal(span.offset % PAGE_BYTES, 0);
  assert.equal(span.offset, 5 * PAGE_BYTES, 'spans are taken from the top of the pool');
  assert.equal(pool.stats().bytesInUse, 3 * PAGE_BYTES);
  // The span's pages belong to no slab class: five 1 MiB slabs fit, not six.
  const pages = drain(pool, PAGE_BYTES);
  assert.equal(pages.length, 5);
  assert.ok(pages.every((p) => p.offset < span.offset));
  span.buffer.fill(7);
  assert.equal(pool.allocate(2 * PAGE_BYTES), null);
  span.release();
  assert.throws(() => span.release(), /BUG: slab released twice/);
  assert.equal(pool.stats().bytesInUse, 5 * PAGE_BYTES);
  // The three pages serve small classes again, and a span again once they are free.
  const small = pool.allocate(100)!;
  assert.ok(small.offset >= 5 * PAGE_BYTES);
  assert.equal(pool.allocate(3 * PAGE_BYTES), null, 'one of the three pages is a 4 KiB page now');
  const two = pool.allocate(2 * PAGE_BYTES)!;
  assert.equal(two.buffer.length, 2 * PAGE_BYTES);
  small.release();
  two.release();
  pages.forEach((p) => p.release());
  const all = pool.allocate(8 * PAGE_BYTES)!;
  assert.equal(all.offset, 0);
  assert.equal(pool.stats().bytesInUse, 8 * PAGE_BYTES);
  all.release();
  assert.equal(pool.stats().bytesInUse, 0);
});

test('spans: the search skips runs that are too short between pages in use', () => {
  const pool = SlabPool.create(10);
  const pages = drain(pool, PAGE_BYTES); // pages 0..9
  // Free pages 1, 2, 4, 5, 6, 8: the only run of three is 4..6.
  for (const p of [1, 2, 4, 5, 6, 8]) pages.find((s) => s.offset === p * PAGE_BYTES)!.release();
  const span = pool.allocate(3 * PAGE_BYTES)!;
  assert.equal(span.offset, 4 * PAGE_BYTES);
  assert.equal(pool.allocate(3 * PAGE_BYTES), null);
  const two = pool.allocate(PAGE_BYTES + 1)!;
  assert.equal(two.offset, 1 * PAGE_BYTES);
  span.release();
  two.release();
  for (const s of pages) if (![1, 2, 4, 5, 6, 8].includes(s.offset / PAGE_BYTES)) s.release();
  assert.equal(pool.stats().bytesInUse, 0);
});

test('spans: waitFor serves a span once enough consecutive pages are free', async () => {
  const pool = SlabPool.create(4);
  const pages = drain(pool, PAGE_BYTES);
  let got: Slab | null = null;
  pool.waitFor(2 * PAGE_BYTES, (s) => (got = s));
  assert.equal(got, null);
  assert.throws(() => pool.waitFor(5 * PAGE_BYTES, () => {}), /larger than the pool/);
  pages[0].release(); // page 0: one page free, not two
  pages[2].release(); // page 2: two free pages, not adjacent
  await new Promise((r) => setTimeout(r, 20));
  assert.equal(got, null);
  pages[1].release(); // pages 0..2 free: a run of three
  await new Promise<void>((resolve) => {
    const poll = () => (got ? resolve() : setImmediate(poll));
    poll();
  });
  const span = got as unknown as Slab;
  assert.equal(span.buffer.length, 2 * PAGE_BYTES);
  assert.equal(span.offset, 1 * PAGE_BYTES, 'the highest run of two');
  span.release();
  pages[3].release();
  assert.equal(pool.stats().bytesInUse, 0);
});

test('spans: threads racing for spans and slabs in a small pool never overlap, and give everything back', async () => {
  // 12 MiB, four workers asking for spans of 2-5 MiB between slabs: claims collide and roll back.
  const pool = SlabPool.create(12);
  const sizes = [PAGE_BYTES + 1, 2 * PAGE_BYTES, 3 * PAGE_BYTES - 5, 5 * PAGE_BYTES, 4096, 65536, PAGE_BYTES];
  const results = await Promise.all([0, 1, 2, 3].map((id) => churn(pool, id, 30_000, 3, sizes)));
  for (const r of results) {
    assert.equal(r.broken, 0, 'a span or slab was written by another holder');
    assert.equal(r.outOfBounds, 0);
    assert.ok(r.allocated > 500, `allocated ${r.allocated}`);
  }
  assert.equal(pool.stats().bytesInUse, 0);
  const all = pool.allocate(12 * PAGE_BYTES);
  assert.ok(all, 'every page is free again, in one run');
  all.release();
});
