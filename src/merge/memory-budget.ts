// The bytes a query's merge holds in memory (GROUP BY in memory, DISTINCT, sorts), counted against
// the query's share (maxQueryMemoryMB) and, when a slab pool is given, reserved from the global
// buffer budget (src/memory) so that all queries of all workers together never hold more than
// bufferPoolMB. Without a pool only the per-query share applies.
//
// The reservation is also where held rows live: hold() copies a row into the reserved slabs (bump
// allocation, slab after slab), so a GROUP BY's rows sit in the shared pool, not on the JS heap.
// What is not a row (map entries, keys as strings, accumulators) stays on the heap, counted by
// charge() and bounded by the same reservation. The rows are valid until release().
import { ErrorCode, SqlError } from '../protocol/errors';
import type { Slab, SlabPool } from '../memory/slab-pool';

/** Reserve in 64 KiB slabs up to this much, then in 1 MiB slabs (fewer slabs for big merges). */
const SMALL_RESERVE_UNTIL = 1024 * 1024;
const SMALL_SLAB = 64 * 1024;
const LARGE_SLAB = 1024 * 1024;

/** Returns a budget's slabs if the merge was dropped without release() (a safety net, not the plan). */
const unreleased = new FinalizationRegistry<Slab[]>((slabs) => {
  for (const slab of slabs) slab.release();
});

export class MemoryBudget {
  /** Bytes charged so far (an estimate: row bytes, key bytes and a fixed overhead per entry). */
  used = 0;
  /** Bytes of the slabs held as this query's reservation (>= used while a pool is given). */
  private reserved = 0;
  /** The reservation; emptied by release(). */
  private readonly slabs: Slab[] = [];
  /** hold()'s place: slabs[arenaSlab] is being filled, from byte arenaPos. */
  private arenaSlab = -1;
  private arenaPos = 0;

  constructor(readonly limitBytes: number, private readonly pool?: SlabPool) {}

  /** How long a merge waits for other queries to free pool memory before it gives up. */
  static waitLimitMs = 10_000;

  /**
   * Counts more held bytes. Throws ER_OUT_OF_RESOURCES (1041) once over the query's share (the
   * reservation is released before throwing). When the global pool has no room, the bytes stay
   * counted but unreserved: `short` turns true and the caller must stop reading (waitForRoom).
   */
  charge(bytes: number): void {
    this.used += bytes;
    if (this.used > this.limitBytes) {
      this.pool?.countRefusal();
      this.release();
      const mb = Math.round((this.limitBytes / (1024 * 1024)) * 100) / 100;
      throw new SqlError(ErrorCode.ER_OUT_OF_RESOURCES,
        `Out of resources: merging this query's shard results exceeds maxQueryMemoryMB (${mb} MB); ` +
        'narrow the WHERE clause, add a LIMIT, or raise maxQueryMemoryMB');
    }
    const pool = this.pool;
    if (pool === undefined) return;
    while (this.reserved < this.used) {
      const slab = pool.allocate(this.nextSlabSize());
      if (slab === null) return; // short: backpressure, see waitForRoom()
      this.keep(slab);
    }
  }

  /**
   * A copy of row (a borrowed view) that stays valid until release(): in the reserved slabs when a
   * pool is given and the row fits a small slab, else on the heap. Charge the bytes first.
   */
  hold(row: Buffer): Buffer {
    const n = row.length;
    if (this.pool !== undefined && n <= SMALL_SLAB) {
      let slab = this.arenaSlab >= 0 ? this.slabs[this.arenaSlab] : undefined;
      if (slab === undefined || this.arenaPos + n > slab.buffer.length) slab = this.nextArenaSlab();
      if (slab !== undefined) {
        const at = this.arenaPos;
        row.copy(slab.buffer, at);
        this.arenaPos = at + n;
        return slab.buffer.subarray(at, at + n);
      }
    }
    return Buffer.from(row);
  }

  /** The next reserved slab to fill (reserving one more if all are full), or undefined when the pool has none. */
  private nextArenaSlab(): Slab | undefined {
    if (this.arenaSlab + 1 >= this.slabs.length) {
      const slab = this.pool!.tryAllocate(SMALL_SLAB);
      if (slab === null) return undefined; // the pool is full: this row goes to the heap
      this.keep(slab);
    }
    this.arenaPos = 0;
    return this.slabs[++this.arenaSlab];
  }

  /** More bytes are held than reserved: the pool is full (other queries' merges hold it). */
  get short(): boolean {
    return this.pool !== undefined && this.reserved < this.used;
  }

  /**
   * Waits (without blocking the thread) until the pool has room for what is held, then calls
   * done(null); after waitLimitMs, done(ERR 1041) and the reservation is released.
   */
  waitForRoom(done: (err: SqlError | null) => void): void {
    const pool = this.pool;
    if (!pool || !this.short) return done(null);
    this.stopWaiting();
    this.waitTimer = setTimeout(() => {
      this.release();
      done(new SqlError(ErrorCode.ER_OUT_OF_RESOURCES,
        `Out of resources: sluice's buffer pool (bufferPoolMB) stayed full for ${MemoryBudget.waitLimitMs} ms ` +
        "with other queries' merges; retry later, or raise bufferPoolMB"));
    }, MemoryBudget.waitLimitMs);
    const step = () => {
      this.cancelWait = pool.waitFor(this.nextSlabSize(), (slab) => {
        this.cancelWait = null;
        this.keep(slab);
        if (this.short) return step();
        this.stopWaiting();
        done(null);
      });
    };
    step();
  }

  /** A pending waitForRoom(): its pool wait and its time limit. */
  private cancelWait: (() => void) | null = null;
  private waitTimer: NodeJS.Timeout | null = null;

  private stopWaiting(): void {
    this.cancelWait?.();
    this.cancelWait = null;
    if (this.waitTimer) clearTimeout(this.waitTimer);
    this.waitTimer = null;
  }

  private nextSlabSize(): number {
    return this.reserved < SMALL_RESERVE_UNTIL ? SMALL_SLAB : LARGE_SLAB;
  }

  private keep(slab: Slab): void {
    if (this.slabs.length === 0) unreleased.register(this, this.slabs, this);
    this.slabs.push(slab);
    this.reserved += slab.buffer.length;
  }

  /** Give the reservation back to the pool (when the merge ends, however it ends). Idempotent. */
  release(): void {
    this.stopWaiting();
    for (const slab of this.slabs) slab.release();
    this.slabs.length = 0;
    this.arenaSlab = -1;
    this.arenaPos = 0;
    this.reserved = 0;
    this.used = 0;
    unreleased.unregister(this);
  }
}
