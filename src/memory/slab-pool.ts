// The global buffer budget: one pool of slabs in shared memory, used by every worker thread.
//
// Main creates the pool (SlabPool.create) and posts `pool.shared` to each worker, which attaches
// (SlabPool.attach). Any thread allocates and releases with Atomics on the shared control words: no
// locks, no messages. See slab-layout.ts for the memory layout.
//
// Allocation of a slab of class c, lock-free:
//   1. reserve: find a page of class c with reserved < capacity and CAS its state word up by one,
//      or claim a free page with CAS(0 -> class c, reserved 1);
//   2. take a bit: CAS a zero bit of that page's bitmap to one (the reservation guarantees one).
// Release is the mirror: clear the bit (Atomics.and), then CAS the state down by one; the last slab
// of a page turns the state to 0 (a free page again), in the same CAS. A bit is set only under a
// reservation and cleared before its reservation is returned, so a page with 0 reserved has no bits
// set and can change class safely. Counts are not tagged values but one word holding class and
// count together, so there is no ABA: a CAS succeeds only against the exact word it read.
//
// A span (a request larger than a page: a large packet being reassembled) takes n consecutive free
// pages: find a run of n pages that read 0, then CAS each from 0 to SPAN_STATE, lowest first. A CAS
// that fails (another thread took that page meanwhile) rolls the claimed pages back to 0 and the
// search goes on below it; the rollback wakes waiters like a release, since they may have seen those
// pages taken. Spans are searched from the top of the pool and slab pages fill from the bottom
// (hints start at 0), so the two meet late. Release CASes every page from SPAN_STATE back to 0.
import {
  BITMAP_WORDS,
  CLASS_SHIFT,
  COUNT_MASK,
  Header,
  PAGE_BYTES,
  SLAB_SIZES,
  UNIT_BYTES,
  SPAN_CLASS,
  SPAN_STATE,
  bitmapIndex,
  classFor,
  controlWords,
  slabsPerPage,
  stateIndex,
  type SharedSlabPool,
} from './slab-layout';
import { Counter } from '../metrics/layout';
import type { MetricsWriter } from '../metrics/shared-metrics';

/**
 * One slab handed out by the pool. `buffer` is a view into the shared data (not zeroed: it holds
 * whatever the last owner wrote). Call release() once when done; the buffer must not be used after.
 */
export interface Slab {
  readonly buffer: Buffer;
  /** Size class index (SLAB_SIZES), or SPAN_CLASS for a span of buffer.length / PAGE_BYTES pages. */
  readonly sizeClass: number;
  /** Byte offset of the slab in the pool's data. */
  readonly offset: number;
  release(): void;
}

/** Global figures of the pool, read from the shared header. */
export interface SlabPoolStats {
  /** Pool size in bytes. */
  capacityBytes: number;
  /** Bytes of slabs handed out now (slab sizes, not the bytes asked for). */
  bytesInUse: number;
  /** waitFor calls that found the pool exhausted and had to wait. */
  waits: number;
  /** allocate() calls that found no room, plus queries refused as over their share. */
  refusals: number;
}

class PooledSlab implements Slab {
  /** Cleared by release(): a second release is a bug. */
  private live = true;
  constructor(
    private readonly pool: SlabPool,
    readonly buffer: Buffer,
    readonly sizeClass: number,
    readonly offset: number,
  ) {}

  release(): void {
    if (!this.live) throw new Error('BUG: slab released twice');
    this.live = false;
    this.pool.free(this.offset, this.sizeClass, this.buffer.length);
  }
}

/** Atomics.waitAsync (V8, Node >= 16); the project's TypeScript lib (ES2022) does not declare it. */
interface AtomicsWaitAsync {
  waitAsync(array: Int32Array, index: number, value: number): { async: false; value: 'not-equal' | 'timed-out' } | { async: true; value: Promise<'ok' | 'timed-out'> };
}

const noop = (): void => {};
/** Longest a setTimeout may wait (2^31 - 1 ms); re-armed never: a wait this long is a stuck pool. */
const KEEP_ALIVE_MS = 0x7fffffff;

/** A waitFor() not yet served, in this thread. */
interface Waiter {
  bytes: number;
  cb: (slab: Slab) => void;
}

/** A thread's handle on the shared pool. */
export class SlabPool {
  /** The shared memory: post this to other threads. */
  readonly shared: SharedSlabPool;
  private readonly control: Int32Array;
  private readonly pages: number;
  /** This thread's waitFor() calls in arrival order; served first come, first served. */
  private readonly waiters: Waiter[] = [];
  /**
   * Set while this thread has waiters (and so sleeps on ReleaseGeneration, one waitAsync at most):
   * a pending Atomics.waitAsync alone does not keep Node's event loop alive, this timer does.
   */
  private keepAlive: NodeJS.Timeout | null = null;

  private constructor(shared: SharedSlabPool, private readonly metrics?: MetricsWriter) {
    this.shared = shared;
    this.pages = shared.pages;
    this.control = new Int32Array(shared.control);
    if (Header.HEADER_WORDS !== Header.Hints + SLAB_SIZES.length) throw new Error('BUG: one hint word per slab class');
    if (this.control.length !== controlWords(shared.pages) || shared.data.byteLength !== shared.pages * PAGE_BYTES) {
      throw new Error('BUG: slab pool buffers do not match their page count');
    }
  }

  /** A new, empty pool of `megabytes` MiB (main thread). The data buffer's pages are touched only when used. */
  static create(megabytes: number, metrics?: MetricsWriter): SlabPool {
    const pages = Math.floor((megabytes * 1024 * 1024) / PAGE_BYTES);
    if (!(pages >= 1)) throw new RangeError(`slab pool of ${megabytes} MiB holds no ${PAGE_BYTES}-byte page`);
    const control = new SharedArrayBuffer(controlWords(pages) * Int32Array.BYTES_PER_ELEMENT);
    const data = new SharedArrayBuffer(pages * PAGE_BYTES);
    return new SlabPool({ control, data, pages }, metrics);
  }

  /**
   * The pool created in another thread, from its `shared` posted here. With `metrics`, this
   * thread's slab use, waits and refusals are added to its metrics row.
   */
  static attach(shared: SharedSlabPool, metrics?: MetricsWriter): SlabPool {
    return new SlabPool(shared, metrics);
  }

  /** The largest request the pool can serve: all of it, as one span. */
  get maxBytes(): number {
    return this.pages * PAGE_BYTES;
  }

  /**
   * A slab of at least `bytes` bytes, or null when the pool has no room (counted as a refusal).
   * Over PAGE_BYTES the slab is a span of whole pages (sizeClass SPAN_CLASS).
   */
  allocate(bytes: number): Slab | null {
    const slab = this.tryAllocate(bytes);
    if (slab === null) this.countRefusal();
    return slab;
  }

  /** allocate() without counting a refusal: for a caller that will ask for less, or wait, when refused. */
  tryAllocate(bytes: number): Slab | null {
    if (bytes > PAGE_BYTES) return this.allocateSpan(Math.ceil(bytes / PAGE_BYTES));
    const cls = classFor(bytes);
    const page = this.reserve(cls);
    if (page < 0) return null;
    const size = SLAB_SIZES[cls];
    const offset = page * PAGE_BYTES + this.takeBit(page, cls) * size;
    return this.handOut(offset, size, cls);
  }

  /**
   * Backpressure: calls cb with a slab of at least `bytes` as soon as one is free: now (before
   * returning) when there is room, else after some thread releases enough. Waiters of this thread
   * are served in order. Returns a function that withdraws the wait (no-op once served).
   */
  waitFor(bytes: number, cb: (slab: Slab) => void): () => void {
    if (bytes > this.maxBytes) throw new RangeError(`BUG: a slab of ${bytes} bytes is larger than the pool (${this.maxBytes} bytes)`);
    if (this.waiters.length === 0) {
      const slab = this.tryAllocate(bytes);
      if (slab !== null) {
        cb(slab);
        return () => {};
      }
    }
    Atomics.add(this.control, Header.Waits, 1);
    this.metrics?.inc(Counter.SlabWaits);
    const waiter: Waiter = { bytes, cb };
    this.waiters.push(waiter);
    if (this.keepAlive === null) {
      // Announce the sleeper before reading the generation (in retry), so that any release after
      // that read either is seen by the retry or notifies the wait.
      Atomics.add(this.control, Header.Sleepers, 1);
      this.keepAlive = setTimeout(noop, KEEP_ALIVE_MS);
      this.retry();
    }
    return () => {
      const i = this.waiters.indexOf(waiter);
      if (i < 0) return;
      this.waiters.splice(i, 1);
      // Nothing left to wait for: the sleep ends at the next release, but need not hold the thread.
      if (this.waiters.length === 0) this.keepAlive?.unref();
    };
  }

  /** Count a packet framer that stopped reading its socket to wait for pool memory (metrics only). */
  countStall(): void {
    this.metrics?.inc(Counter.FramerStalls);
  }

  /** Count a request given up by its caller (e.g. a query over its memory share). */
  countRefusal(): void {
    Atomics.add(this.control, Header.Refusals, 1);
    this.metrics?.inc(Counter.SlabRefusals);
  }

  stats(): SlabPoolStats {
    const c = this.control;
    return {
      capacityBytes: this.pages * PAGE_BYTES,
      bytesInUse: Atomics.load(c, Header.UnitsInUse) * UNIT_BYTES,
      waits: Atomics.load(c, Header.Waits),
      refusals: Atomics.load(c, Header.Refusals),
    };
  }

  /**
   * Return the slab at `offset` of class `sizeClass`; for a span (SPAN_CLASS), `bytes` says how long
   * it is (Slab.release calls this).
   */
  free(offset: number, sizeClass: number, bytes = SLAB_SIZES[sizeClass]): void {
    if (sizeClass === SPAN_CLASS) return this.freeSpan(offset, bytes / PAGE_BYTES);
    const c = this.control;
    const size = SLAB_SIZES[sizeClass];
    const page = Math.floor(offset / PAGE_BYTES);
    const slot = (offset - page * PAGE_BYTES) / size;
    const word = bitmapIndex(this.pages, page) + (slot >>> 5);
    const bit = 1 << (slot & 31);
    const before = Atomics.and(c, word, ~bit);
    if ((before & bit) === 0) throw new Error(`BUG: slab at ${offset} was not allocated`);
    const si = stateIndex(page);
    let state = Atomics.load(c, si);
    for (;;) {
      const next = (state & COUNT_MASK) === 1 ? 0 : state - 1;
      const seen = Atomics.compareExchange(c, si, state, next);
      if (seen === state) break;
      state = seen;
    }
    this.released(size);
  }

  /** Frees the n pages of the span at `offset`. */
  private freeSpan(offset: number, n: number): void {
    const c = this.control;
    const first = offset / PAGE_BYTES;
    for (let p = first; p < first + n; p++) {
      const seen = Atomics.compareExchange(c, stateIndex(p), SPAN_STATE, 0);
      if (seen !== SPAN_STATE) throw new Error(`BUG: page ${p} of the span at ${offset} was not allocated (state ${seen})`);
    }
    this.released(n * PAGE_BYTES);
  }

  /** Counts `size` bytes given back and wakes the threads sleeping in waitFor. */
  private released(size: number): void {
    const c = this.control;
    Atomics.sub(c, Header.UnitsInUse, size / UNIT_BYTES);
    this.metrics?.inc(Counter.SlabBytesInUse, -size);
    this.wakeSleepers();
  }

  /** Something may have room now: move the release generation and notify sleepers, if any. */
  private wakeSleepers(): void {
    const c = this.control;
    Atomics.add(c, Header.ReleaseGeneration, 1);
    if (Atomics.load(c, Header.Sleepers) > 0) Atomics.notify(c, Header.ReleaseGeneration);
  }

  /** Counts a slab or span handed out and makes its view. */
  private handOut(offset: number, size: number, cls: number): Slab {
    Atomics.add(this.control, Header.UnitsInUse, size / UNIT_BYTES);
    this.metrics?.inc(Counter.SlabBytesInUse, size);
    return new PooledSlab(this, Buffer.from(this.shared.data, offset, size), cls, offset);
  }

  /** n consecutive pages as one slab, or null when no run of n free pages is found. */
  private allocateSpan(n: number): Slab | null {
    if (n > this.pages) return null;
    const c = this.control;
    let run = 0; // free-looking pages from p upwards
    for (let p = this.pages - 1; p >= 0; p--) {
      if (c[stateIndex(p)] !== 0) { // a plain read is enough to skip; claimRun's CAS checks it
        run = 0;
        continue;
      }
      if (++run < n) continue;
      const taken = this.claimRun(p, n);
      if (taken < 0) return this.handOut(p * PAGE_BYTES, n * PAGE_BYTES, SPAN_CLASS);
      run = 0;
      p = taken; // search on below the page another thread took
    }
    return null;
  }

  /** CAS pages first..first+n-1 from free to SPAN_STATE; -1, or the page found taken (all rolled back). */
  private claimRun(first: number, n: number): number {
    const c = this.control;
    for (let k = 0; k < n; k++) {
      if (Atomics.compareExchange(c, stateIndex(first + k), 0, SPAN_STATE) === 0) continue;
      for (let j = 0; j < k; j++) Atomics.store(c, stateIndex(first + j), 0); // ours alone: no CAS needed
      if (k > 0) this.wakeSleepers(); // a waiter may have found these pages taken and gone to sleep
      return first + k;
    }
    return -1;
  }

  /** Reserve one slab of class cls on some page; the page number, or -1 when the pool is full. */
  private reserve(cls: number): number {
    const c = this.control;
    const n = this.pages;
    const tag = (cls + 1) << CLASS_SHIFT;
    const capacity = slabsPerPage(cls);
    const hint = Header.Hints + cls;
    const start = Atomics.load(c, hint);
    // First a page of this class with room (keeps free pages for other classes), then a free page.
    for (let k = 0; k < n; k++) {
      const p = (start + k) % n;
      const si = stateIndex(p);
      let state = c[si]; // a plain read is enough to skip; the CAS below checks it
      while ((state & ~COUNT_MASK) === tag && (state & COUNT_MASK) < capacity) {
        const seen = Atomics.compareExchange(c, si, state, state + 1);
        if (seen === state) {
          if (p !== start) Atomics.store(c, hint, p);
          return p;
        }
        state = seen;
      }
    }
    for (let k = 0; k < n; k++) {
      const p = (start + k) % n;
      if (c[stateIndex(p)] === 0 && Atomics.compareExchange(c, stateIndex(p), 0, tag | 1) === 0) {
        Atomics.store(c, hint, p);
        return p;
      }
    }
    return -1;
  }

  /** Set a zero bit of page p's bitmap (one exists: the caller holds a reservation); its slot. */
  private takeBit(p: number, cls: number): number {
    const c = this.control;
    const capacity = slabsPerPage(cls);
    const base = bitmapIndex(this.pages, p);
    const words = Math.min(BITMAP_WORDS, Math.ceil(capacity / 32));
    const mask = capacity >= 32 ? -1 : (1 << capacity) - 1;
    for (;;) {
      for (let w = 0; w < words; w++) {
        let v = Atomics.load(c, base + w);
        let free = ~v & mask;
        while (free !== 0) {
          const bit = free & -free;
          const seen = Atomics.compareExchange(c, base + w, v, v | bit);
          if (seen === v) return w * 32 + (31 - Math.clz32(bit));
          v = seen;
          free = ~v & mask;
        }
      }
    }
  }

  /**
   * Serve this thread's waiters in order while there is room; when some are left, sleep until the
   * release generation moves (without blocking the thread) and try again. Runs only while
   * keepAlive is set (the thread is counted in Sleepers).
   */
  private readonly retry = (): void => {
    const c = this.control;
    for (;;) {
      const generation = Atomics.load(c, Header.ReleaseGeneration);
      while (this.waiters.length > 0) {
        const slab = this.tryAllocate(this.waiters[0].bytes);
        if (slab === null) break;
        this.waiters.shift()!.cb(slab);
      }
      if (this.waiters.length === 0) {
        Atomics.sub(c, Header.Sleepers, 1);
        clearTimeout(this.keepAlive!);
        this.keepAlive = null;
        return;
      }
      const result = (Atomics as unknown as AtomicsWaitAsync).waitAsync(c, Header.ReleaseGeneration, generation);
      if (result.async) {
        void result.value.then(this.retry);
        return;
      }
      // 'not-equal': a release came in between; look again.
    }
  };
}
