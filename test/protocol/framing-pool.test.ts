// PacketFramer with a FramerBudget: split and large packets are assembled in slabs of a (tiny) global
// buffer pool, released after each handler call; when the pool is full the framer stalls and goes on
// with the bytes it kept once memory is free.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { PacketFramer, type FramerBudget } from '../../src/protocol/framing';
import { SlabPool, type Slab } from '../../src/memory/slab-pool';
import { PAGE_BYTES } from '../../src/memory/slab-layout';
import { SqlError, ErrorCode } from '../../src/protocol/errors';
import { packet } from './helpers/wire';
import { everySplit, cutsAt, around } from './helpers/split';

const MAX = 0xffffff;

/** A deterministic payload of n bytes. */
function bytes(n: number, salt = 0): Buffer {
  const b = Buffer.allocUnsafe(n);
  for (let i = 0; i < n; i++) b[i] = (i * 31 + salt) & 0xff;
  return b;
}

/** A budget over `pool` that records stalls and failures. */
function budgetOf(pool: SlabPool, shareBytes = pool.maxBytes): FramerBudget & { stalls: boolean[]; failures: Error[] } {
  const stalls: boolean[] = [];
  const failures: Error[] = [];
  return {
    pool, shareBytes, stalls, failures,
    tooLarge: (n) => new SqlError(ErrorCode.ER_OUT_OF_RESOURCES, `packet of ${n} bytes over the share`),
    stall: (s) => stalls.push(s),
    fail: (e) => failures.push(e),
  };
}

/** Takes every free byte of the pool (1 MiB slabs), so the next allocation must wait. */
function fill(pool: SlabPool): Slab[] {
  const held: Slab[] = [];
  for (let s = pool.allocate(PAGE_BYTES); s !== null; s = pool.allocate(PAGE_BYTES)) held.push(s);
  return held;
}

const tick = () => new Promise((r) => setImmediate(r));

/** Polls cond, bounded by time (a count of ticks can run out before a 30 ms timer fires on an idle machine). */
async function until(cond: () => boolean): Promise<void> {
  const deadline = Date.now() + 5_000;
  while (!cond() && Date.now() < deadline) await tick();
  assert.ok(cond(), 'timed out waiting');
}

/**
 * Stream of payloads framed from seq 0, where each packet lies, and its edges: each packet's first
 * payload byte and, in packets of 16 MiB or more, both sides of every continuation header.
 */
function stream(payloads: Buffer[]): { bytes: Buffer; spans: [number, number][]; edges: number[] } {
  const spans: [number, number][] = [];
  const edges: number[] = [];
  let pos = 0;
  let seq = 0;
  const parts = payloads.map((p) => {
    const f = packet(p, seq);
    spans.push([pos, pos + f.length]);
    edges.push(pos + 4);
    for (let q = pos + 4 + MAX; q < pos + f.length; q += 4 + MAX) edges.push(q, q + 4);
    pos += f.length;
    seq += Math.floor(p.length / MAX) + 1;
    return f;
  });
  return { bytes: Buffer.concat(parts), spans, edges };
}

test('pooled framer: split packets are assembled in pool slabs at every cut, whole ones stay views, and slabs go back at once', () => {
  const pool = SlabPool.create(1);
  const payloads = [bytes(0), bytes(1, 1), bytes(300, 2), bytes(0), bytes(5000, 3), bytes(7, 4)];
  const s = stream(payloads);
  for (const split of everySplit(s.bytes)) {
    const cut = split.chunks.length === 2 ? split.chunks[0].length : -1;
    let i = 0;
    const framer = new PacketFramer((payload, seq, framed) => {
      const at = `${split.name}, packet ${i}`;
      assert.ok(payload.equals(payloads[i]), at);
      assert.equal(seq, i, at);
      const [start, end] = s.spans[i];
      const whole = split.name === 'whole' || (cut >= 0 && (cut <= start || cut >= end));
      if (whole) {
        assert.ok(framed !== null, at);
        assert.equal(pool.stats().bytesInUse, 0, `${at}: a whole packet takes nothing from the pool`);
      } else {
        assert.equal(framed, null, at);
        if (payload.length > 0) {
          assert.equal(payload.buffer, pool.shared.data, `${at}: assembled in the pool`);
          assert.equal(pool.stats().bytesInUse, payload.length <= 4096 ? 4096 : 16384, `${at}: the smallest slab that holds it`);
        }
      }
      i++;
    }, undefined, budgetOf(pool));
    for (const c of split.chunks) framer.push(c);
    assert.equal(i, payloads.length, split.name);
    assert.ok(framer.idle);
    assert.equal(pool.stats().bytesInUse, 0, `${split.name}: every slab released`);
  }
});

test('pooled framer: a slab is reused by the next split packet, so a kept payload view would be overwritten', () => {
  const pool = SlabPool.create(1);
  const s = stream([bytes(100, 1), bytes(100, 2)]);
  const kept: Buffer[] = [];
  const framer = new PacketFramer((payload) => kept.push(payload), undefined, budgetOf(pool));
  // Cut inside each packet: both are reassembled, in the same slab one after the other.
  for (const c of [s.bytes.subarray(0, 50), s.bytes.subarray(50, 150), s.bytes.subarray(150)]) framer.push(Buffer.from(c));
  assert.equal(kept.length, 2);
  assert.equal(kept[0].byteOffset, kept[1].byteOffset, 'the same slab');
  assert.ok(kept[0].equals(bytes(100, 2)), 'the first view now shows the second packet: keepers must copy');
});

test('pooled framer: 0xffffff and 16 MiB + 5 payloads grow spans by doubling, cut near every boundary', () => {
  const pool = SlabPool.create(64);
  const payloads = [bytes(3, 9), bytes(MAX, 2), bytes((16 << 20) + 5, 3), bytes(2 * MAX + 10, 5), bytes(7, 4)];
  const s = stream(payloads);
  let splits = 0;
  for (const split of cutsAt(s.bytes, around(s.edges, 1))) {
    let i = 0;
    let peak = 0;
    const framer = new PacketFramer((payload) => {
      assert.ok(payload.equals(payloads[i]), `${split.name}: payload ${i}`);
      peak = Math.max(peak, pool.stats().bytesInUse);
      i++;
    }, undefined, budgetOf(pool));
    for (const c of split.chunks) framer.push(c);
    assert.equal(i, payloads.length, split.name);
    assert.equal(pool.stats().bytesInUse, 0, `${split.name}: spans released`);
    // The largest packet (32 MiB + 8) ends in a span of 64 MiB (16, then 32, then doubled to 64).
    assert.ok(peak <= 64 * PAGE_BYTES, `${split.name}: peak ${peak}`);
    splits++;
  }
  assert.ok(splits > 20);
});

test('pooled framer: with the pool full it stalls, keeps the chunk and later ones, and catches up in order after a release', async () => {
  const payloads = [bytes(10, 1), bytes(3000, 2), bytes(20, 3), bytes(5000, 4), bytes(1, 5)];
  const s = stream(payloads);
  for (const split of everySplit(s.bytes)) {
    if (split.name === '1-byte chunks') continue; // covered below with more chunks than one stall
    const pool = SlabPool.create(1);
    const budget = budgetOf(pool);
    const got: Buffer[] = [];
    const framer = new PacketFramer((payload) => got.push(Buffer.from(payload)), undefined, budget);
    const held = fill(pool);
    for (const c of split.chunks) framer.push(c);
    const cut = split.chunks[0].length;
    const splitsOne = split.chunks.length === 2 && s.spans.some(([a, b]) => cut > a && cut < b);
    if (!splitsOne) {
      assert.deepEqual(budget.stalls, [], `${split.name}: nothing to assemble, no stall`);
      assert.equal(got.length, payloads.length);
    } else {
      assert.deepEqual(budget.stalls, [true], `${split.name}: stalled`);
      assert.ok(got.length < payloads.length, `${split.name}: waits at the split packet`);
      held.pop()!.release();
      await until(() => budget.stalls.length === 2);
      assert.deepEqual(budget.stalls, [true, false], `${split.name}: resumed`);
    }
    got.forEach((g, i) => assert.ok(g.equals(payloads[i]), `${split.name}: payload ${i}`));
    assert.equal(got.length, payloads.length, split.name);
    held.forEach((h) => h.release());
    assert.equal(pool.stats().bytesInUse, 0);
    assert.deepEqual(budget.failures, []);
  }
});

test('pooled framer: 1-byte chunks through a nearly exhausted pool stall at every split packet and end correct', async () => {
  const payloads = [bytes(10, 1), bytes(3000, 2), bytes(20, 3), bytes(5000, 4)];
  const s = stream(payloads);
  const pool = SlabPool.create(1);
  const budget = budgetOf(pool);
  const got: Buffer[] = [];
  const framer = new PacketFramer((payload) => got.push(Buffer.from(payload)), undefined, budget);
  const held: Slab[] = [];
  for (const c of Array.from(s.bytes, (b) => Buffer.from([b]))) {
    // Between packets the pool is taken again, so that every split packet finds it full.
    if (held.length === 0 && framer.idle) held.push(...fill(pool));
    framer.push(c);
    if (budget.stalls.length % 2 === 1) {
      held.pop()!.release();
      await until(() => budget.stalls.length % 2 === 0);
    }
  }
  held.forEach((h) => h.release());
  // Every packet was split, so every one of them waited once.
  assert.deepEqual(budget.stalls, [true, false, true, false, true, false, true, false]);
  got.forEach((g, i) => assert.ok(g.equals(payloads[i]), `payload ${i}`));
  assert.equal(pool.stats().bytesInUse, 0);
  assert.ok(pool.stats().waits >= 1);
});

test('pooled framer: a payload over the share is refused with the budget\'s error, counted as a refusal', () => {
  const pool = SlabPool.create(4);
  const budget = budgetOf(pool, 2 * PAGE_BYTES);
  const framer = new PacketFramer(() => assert.fail('no packet expected'), undefined, budget);
  const big = packet(bytes(2 * PAGE_BYTES + 1));
  assert.throws(() => framer.push(big.subarray(0, 100)), (e: unknown) => {
    assert.ok(e instanceof SqlError);
    assert.equal(e.errno, ErrorCode.ER_OUT_OF_RESOURCES);
    assert.match(e.message, new RegExp(`${2 * PAGE_BYTES + 1} bytes`));
    return true;
  });
  assert.equal(pool.stats().refusals, 1);
  assert.equal(pool.stats().bytesInUse, 0);
  // Exactly the share is assembled.
  let n = 0;
  const ok = new PacketFramer((p) => { assert.equal(p.length, 2 * PAGE_BYTES); n++; }, undefined, budgetOf(pool, 2 * PAGE_BYTES));
  const exact = packet(bytes(2 * PAGE_BYTES));
  ok.push(exact.subarray(0, 10));
  ok.push(exact.subarray(10));
  assert.equal(n, 1);
  assert.equal(pool.stats().bytesInUse, 0);
});

test('pooled framer: a continuation packet over the share is refused once its parts pass it; dispose gives the span back', () => {
  const pool = SlabPool.create(24);
  const budget = budgetOf(pool, 20 * PAGE_BYTES);
  const framer = new PacketFramer(() => assert.fail('no packet expected'), undefined, budget);
  const big = packet(bytes(MAX + 5 * PAGE_BYTES));
  framer.push(big.subarray(0, 4 + MAX)); // the first part fits: a 16 MiB span is held
  assert.equal(pool.stats().bytesInUse, 16 * PAGE_BYTES);
  assert.throws(() => framer.push(big.subarray(4 + MAX, 4 + MAX + 10)), /over the share/);
  assert.equal(pool.stats().bytesInUse, 16 * PAGE_BYTES, 'held until the owner ends the stream');
  framer.dispose();
  assert.equal(pool.stats().bytesInUse, 0);
  framer.push(Buffer.from([1, 0, 0, 0, 9])); // dropped: a disposed framer frames nothing
});

test('pooled framer: a stall that outlasts waitLimitMs fails the stream with ER_OUT_OF_RESOURCES naming bufferPoolMB', async () => {
  const saved = PacketFramer.waitLimitMs;
  PacketFramer.waitLimitMs = 30;
  try {
    const pool = SlabPool.create(1);
    const budget = budgetOf(pool);
    const framer = new PacketFramer(() => assert.fail('no packet expected'), undefined, budget);
    const held = fill(pool);
    framer.push(packet(bytes(100)).subarray(0, 50));
    assert.deepEqual(budget.stalls, [true]);
    await until(() => budget.failures.length === 1);
    const e = budget.failures[0];
    assert.ok(e instanceof SqlError);
    assert.equal(e.errno, ErrorCode.ER_OUT_OF_RESOURCES);
    assert.match(e.message, /bufferPoolMB/);
    held.forEach((h) => h.release());
    await new Promise((r) => setTimeout(r, 10));
    assert.equal(pool.stats().bytesInUse, 0, 'the withdrawn wait took nothing');
  } finally {
    PacketFramer.waitLimitMs = saved;
  }
});

test('pooled framer: a handler error after a stall goes to the budget\'s fail, and the slab is released', async () => {
  const pool = SlabPool.create(1);
  const budget = budgetOf(pool);
  const framer = new PacketFramer(() => { throw new Error('handler broke'); }, undefined, budget);
  const held = fill(pool);
  const p = packet(bytes(100));
  framer.push(p.subarray(0, 50));
  framer.push(p.subarray(50));
  held.pop()!.release();
  await until(() => budget.failures.length === 1);
  assert.match(budget.failures[0].message, /handler broke/);
  held.forEach((h) => h.release());
  assert.equal(pool.stats().bytesInUse, 0);
});

test('pooled framer: stop() in a handler after a stall leaves the kept bytes in leftover', async () => {
  const pool = SlabPool.create(1);
  const budget = budgetOf(pool);
  const framer = new PacketFramer(() => framer.stop(), undefined, budget);
  const held = fill(pool);
  const first = packet(bytes(32, 1));
  framer.push(first.subarray(0, 10));
  framer.push(Buffer.concat([first.subarray(10), Buffer.from('after')]));
  framer.push(Buffer.from('-more'));
  held.pop()!.release();
  await until(() => framer.leftover !== null);
  assert.equal(framer.leftover!.toString(), 'after-more');
  held.forEach((h) => h.release());
  assert.equal(pool.stats().bytesInUse, 0);
});
