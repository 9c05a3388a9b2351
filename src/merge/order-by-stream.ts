// ORDER BY across shards: every shard's rows arrive already sorted, so the merged order comes from a
// k-way merge: a min-heap holds one entry per shard that has a row queued, keyed by that shard's
// head row; the top is the next row of the result. Only the sort columns are located, never decoded.
//
//   shard queues (copied rows)          heap of shards, keyed by head row
//   s0: [ 3 | 7 | 9 ]                              s2 (1)
//   s1: [ 4 ]                                     /      \
//   s2: [ 1 | 8 ]                            s0 (3)      s1 (4)
//   s3: [ ]  <- waiting: s3 may still send a row smaller than 1, so nothing is emitted until it
//               sends or ends. pop s2's 1 -> s2's new head 8 sifts down below s0 and s1.
//
// A row is emitted only while no live shard is waiting. Each queue is bounded: push() returns false
// once a shard has queueRows rows queued, and onResume(shard) fires when it has drained to half.
// Held rows are copies (the pushed row is borrowed); a row that sorts before every other shard's head
// while its own shard was the only one waited on goes straight through, uncopied.
import type { RowFormat } from './row-format';
import { ShardEnds, type RowSink, type ShardSource, type SortKeys } from './row-sink';

const EMPTY = Buffer.alloc(0);

export class OrderByStream implements ShardSource {
  onResume: ((shard: number) => void) | null = null;
  /** Rows received and not yet emitted, per shard; queue s starts at qhead[s]. */
  private readonly queues: Buffer[][];
  private readonly qhead: Int32Array;
  /** The located sort values of each shard's head row (valid while the shard is in the heap). */
  private readonly heads: Int32Array[];
  /** Shards with a queued row, as a binary min-heap in heap[0..size). */
  private readonly heap: Int32Array;
  private size = 0;
  /** Live shards with an empty queue: while > 0 the merge cannot know the next row. */
  private waiting: number;
  /** Shards told to pause (push returned false) and not yet resumed. */
  private readonly paused: Uint8Array;
  private readonly ends: ShardEnds;
  /** Set by releaseAll(): the result needs no more rows. */
  private stopped = false;
  private readonly resumeLow: number;

  constructor(
    shards: number, private readonly keys: SortKeys, private readonly format: RowFormat,
    private readonly sink: RowSink, private readonly queueRows: number,
  ) {
    this.queues = Array.from({ length: shards }, () => []);
    this.qhead = new Int32Array(shards);
    this.heads = Array.from({ length: shards }, () => new Int32Array(2 * keys.width));
    this.heap = new Int32Array(shards);
    this.waiting = shards;
    this.paused = new Uint8Array(shards);
    this.ends = new ShardEnds(shards);
    this.resumeLow = Math.floor(queueRows / 2);
  }

  push(shard: number, row: Buffer): boolean {
    if (this.stopped) return true;
    const q = this.queues[shard];
    if (q.length === this.qhead[shard]) {
      // This shard was waited on. If it was the only one and its row sorts first, emit it as is.
      const head = this.heads[shard];
      this.format.locate(row, this.keys.width, head);
      if (this.waiting === 1 && (this.size === 0 || this.less(row, head, shard, this.heap[0]))) {
        this.sink.row(row);
        return true;
      }
      q.push(Buffer.from(row)); // copied: held past this call
      this.heapPush(shard);
      this.waiting--;
      this.drain();
    } else {
      q.push(Buffer.from(row)); // copied: held past this call
    }
    if (q.length - this.qhead[shard] >= this.queueRows) {
      this.paused[shard] = 1;
      return false;
    }
    return true;
  }

  end(shard: number): void {
    const last = this.ends.end(shard);
    this.paused[shard] = 0; // an ended shard is never resumed
    if (this.queues[shard].length === this.qhead[shard]) this.waiting--;
    this.drain();
    if (last) this.sink.end();
  }

  releaseAll(): void {
    this.stopped = true;
    for (let s = 0; s < this.queues.length; s++) {
      this.queues[s] = [];
      this.qhead[s] = 0;
    }
    this.size = 0;
    for (let s = 0; s < this.paused.length; s++) this.resume(s);
  }

  private resume(shard: number): void {
    if (!this.paused[shard]) return;
    this.paused[shard] = 0;
    this.onResume?.(shard);
  }

  /** Emits rows while every live shard has one queued. */
  private drain(): void {
    let resumed = -1, resumedMany: number[] | null = null;
    while (this.waiting === 0 && this.size > 0 && !this.stopped) {
      const s = this.heap[0];
      const q = this.queues[s];
      const h = this.qhead[s];
      const row = q[h];
      q[h] = EMPTY;
      this.qhead[s] = h + 1;
      const left = q.length - h - 1;
      if (left > 0) {
        this.format.locate(q[h + 1], this.keys.width, this.heads[s]);
        if (h > 1024 && 2 * h > q.length) {
          q.splice(0, h + 1);
          this.qhead[s] = 0;
        }
        this.siftDown(0);
      } else {
        q.length = 0;
        this.qhead[s] = 0;
        this.heap[0] = this.heap[--this.size];
        if (this.size > 0) this.siftDown(0);
        if (!this.ends.has(s)) this.waiting++;
      }
      if (this.paused[s] && left <= this.resumeLow) {
        // Resumed after the loop: a caller pushing from onResume must not re-enter this loop.
        if (resumed < 0) resumed = s;
        else (resumedMany ??= []).push(s);
        this.paused[s] = 0;
      }
      this.sink.row(row);
    }
    if (resumed >= 0) {
      this.onResume?.(resumed);
      if (resumedMany) for (const s of resumedMany) this.onResume?.(s);
    }
  }

  /** Head row of shard a (or a candidate row with its offsets) before shard b's head; ties by shard. */
  private less(rowA: Buffer, offsA: Int32Array, a: number, b: number): boolean {
    const r = this.keys.compare(rowA, offsA, this.queues[b][this.qhead[b]], this.heads[b]);
    return r < 0 || (r === 0 && a < b);
  }

  private before(i: number, j: number): boolean {
    const a = this.heap[i];
    return this.less(this.queues[a][this.qhead[a]], this.heads[a], a, this.heap[j]);
  }

  private heapPush(shard: number): void {
    let i = this.size++;
    this.heap[i] = shard;
    while (i > 0) {
      const parent = (i - 1) >> 1;
      if (!this.before(i, parent)) break;
      this.swap(i, parent);
      i = parent;
    }
  }

  private siftDown(i: number): void {
    for (;;) {
      const l = 2 * i + 1, r = l + 1;
      let m = i;
      if (l < this.size && this.before(l, m)) m = l;
      if (r < this.size && this.before(r, m)) m = r;
      if (m === i) return;
      this.swap(i, m);
      i = m;
    }
  }

  private swap(i: number, j: number): void {
    const t = this.heap[i];
    this.heap[i] = this.heap[j];
    this.heap[j] = t;
  }
}
