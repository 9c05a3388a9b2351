// ORDER BY across shards: every shard's rows arrive already sorted, so the merged order comes from a
// k-way merge: a min-heap holds one entry per shard that has a row queued, keyed by that shard's
// head row; the top is the next row of the result. Only the sort columns are located, never decoded.
//
//   shard queues (rows in read buffers)  heap of shards, keyed by head row
//   s0: [ 3 | 7 | 9 ]                              s2 (1)
//   s1: [ 4 ]                                     /      \
//   s2: [ 1 | 8 ]                            s0 (3)      s1 (4)
//   s3: [ ]  <- waiting: s3 may still send a row smaller than 1, so nothing is emitted until it
//               sends or ends. pop s2's 1 -> s2's new head 8 sifts down below s0 and s1.
//
// A row is emitted only while no live shard is waiting. Each queue is bounded: push() returns false
// once a shard has queueRows rows queued, and onResume(shard) fires when it has drained to half.
// Queued rows are not copied: a queue entry is (read buffer, start, end) of the shard's own read
// buffer, which is never reused (see ShardSource.push), so a merged row costs no allocation at all.
import type { RowFormat } from './row-format';
import { ShardEnds, type RowSink, type ShardSource, type SortKeys } from './row-sink';

const EMPTY = Buffer.alloc(0);

export class OrderByStream implements ShardSource {
  onResume: ((shard: number) => void) | null = null;
  /** Rows received and not yet emitted, per shard: row i of shard s is bufs[s][i][starts[s][i], ends[s][i]); queue s starts at qhead[s]. */
  private readonly bufs: Buffer[][];
  private readonly starts: number[][];
  private readonly ends: number[][];
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
  private readonly ended: ShardEnds;
  /** Set by releaseAll(): the result needs no more rows. */
  private stopped = false;
  private readonly resumeLow: number;

  constructor(
    shards: number, private readonly keys: SortKeys, private readonly format: RowFormat,
    private readonly sink: RowSink, private readonly queueRows: number,
  ) {
    this.bufs = Array.from({ length: shards }, () => []);
    this.starts = Array.from({ length: shards }, () => []);
    this.ends = Array.from({ length: shards }, () => []);
    this.qhead = new Int32Array(shards);
    this.heads = Array.from({ length: shards }, () => new Int32Array(2 * keys.width));
    this.heap = new Int32Array(shards);
    this.waiting = shards;
    this.paused = new Uint8Array(shards);
    this.ended = new ShardEnds(shards);
    this.resumeLow = Math.floor(queueRows / 2);
  }

  push(shard: number, buf: Buffer, start: number, end: number): boolean {
    if (this.stopped) return true;
    const q = this.bufs[shard];
    if (q.length === this.qhead[shard]) {
      // This shard was waited on. If it was the only one and its row sorts first, emit it as is.
      const head = this.heads[shard];
      this.format.locateAt(buf, start, end, this.keys.width, head);
      if (this.waiting === 1 && (this.size === 0 || this.less(buf, head, shard, this.heap[0]))) {
        this.sink.row(buf, start, end);
        return true;
      }
      this.enqueue(shard, buf, start, end);
      this.heapPush(shard);
      this.waiting--;
      this.drain();
    } else {
      this.enqueue(shard, buf, start, end);
    }
    if (q.length - this.qhead[shard] >= this.queueRows) {
      this.paused[shard] = 1;
      return false;
    }
    return true;
  }

  private enqueue(shard: number, buf: Buffer, start: number, end: number): void {
    this.bufs[shard].push(buf);
    this.starts[shard].push(start);
    this.ends[shard].push(end);
  }

  end(shard: number): void {
    const last = this.ended.end(shard);
    this.paused[shard] = 0; // an ended shard is never resumed
    if (this.bufs[shard].length === this.qhead[shard]) this.waiting--;
    this.drain();
    if (last) this.sink.end();
  }

  releaseAll(): void {
    this.stopped = true;
    for (let s = 0; s < this.bufs.length; s++) {
      this.bufs[s] = [];
      this.starts[s] = [];
      this.ends[s] = [];
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
      const q = this.bufs[s], qs = this.starts[s], qe = this.ends[s];
      const h = this.qhead[s];
      const buf = q[h], start = qs[h], end = qe[h];
      q[h] = EMPTY; // the queue no longer keeps the read buffer alive
      this.qhead[s] = h + 1;
      const left = q.length - h - 1;
      if (left > 0) {
        this.format.locateAt(q[h + 1], qs[h + 1], qe[h + 1], this.keys.width, this.heads[s]);
        if (h > 1024 && 2 * h > q.length) {
          q.splice(0, h + 1);
          qs.splice(0, h + 1);
          qe.splice(0, h + 1);
          this.qhead[s] = 0;
        }
        this.siftDown(0);
      } else {
        q.length = 0;
        qs.length = 0;
        qe.length = 0;
        this.qhead[s] = 0;
        this.heap[0] = this.heap[--this.size];
        if (this.size > 0) this.siftDown(0);
        if (!this.ended.has(s)) this.waiting++;
      }
      if (this.paused[s] && left <= this.resumeLow) {
        // Resumed after the loop: a caller pushing from onResume must not re-enter this loop.
        if (resumed < 0) resumed = s;
        else (resumedMany ??= []).push(s);
        this.paused[s] = 0;
      }
      this.sink.row(buf, start, end);
    }
    if (resumed >= 0) {
      this.onResume?.(resumed);
      if (resumedMany) for (const s of resumedMany) this.onResume?.(s);
    }
  }

  /** Head row of shard a (or a candidate row's buffer with its offsets) before shard b's head; ties by shard. */
  private less(bufA: Buffer, offsA: Int32Array, a: number, b: number): boolean {
    const r = this.keys.compare(bufA, offsA, this.bufs[b][this.qhead[b]], this.heads[b]);
    return r < 0 || (r === 0 && a < b);
  }

  private before(i: number, j: number): boolean {
    const a = this.heap[i];
    return this.less(this.bufs[a][this.qhead[a]], this.heads[a], a, this.heap[j]);
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
