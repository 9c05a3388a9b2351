// The stages of a merged result pass rows down a chain of sinks:
//   shard sources -> group-by -> having -> distinct -> limit -> visible columns -> client
import type { ColumnDef } from '../protocol/packets';
import type { OrderKey } from './spec';
import type { ValueComparator } from './value-comparator';
import type { RowFormat } from './row-format';
import { ColumnFlag, ColumnType } from '../protocol/constants';
import { notSupported } from '../protocol/errors';
import { weightKey, type WeightColumns, type WeightKey } from './weights';

/**
 * A stage that receives merged rows in output order. row(): a full row (every column of the spec,
 * derived ones included) as the bytes buf[start, end), borrowed: valid only during the call. Rows
 * travel as ranges of the shard's read buffer so the hot path makes no Buffer object per row; a
 * stage that needs one makes it (rowView). end(): no more rows; a stage that held rows flushes
 * them before passing end() on.
 */
export interface RowSink {
  row(buf: Buffer, start: number, end: number): void;
  end(): void;
}

/** Passes a whole Buffer as a row. */
export function emit(sink: RowSink, row: Buffer): void {
  sink.row(row, 0, row.length);
}

/** The row buf[start, end) as a Buffer (buf itself when it is exactly the row). */
export function rowView(buf: Buffer, start: number, end: number): Buffer {
  return start === 0 && end === buf.length ? buf : buf.subarray(start, end);
}

/** Compares rows by ORDER BY keys as MySQL does: NULL first ascending, last descending. */
export class SortKeys {
  /** How many leading columns must be located to read every key. */
  readonly width: number;
  private readonly cmps: ValueComparator[];
  /** Keys compared by collation weights (null: by cmps). */
  private readonly weighted: (WeightKey | null)[];
  private readonly at: Int32Array;
  private readonly sign: Int8Array;

  constructor(keys: readonly OrderKey[], columns: readonly ColumnDef[], format: RowFormat, weights?: WeightColumns) {
    for (const k of keys) {
      const c = columns[k.index];
      // MySQL orders ENUM and SET values by their position in the column's definition, which the
      // result's column definitions do not carry: merging them by text would be silently wrong.
      if ((c.flags ?? 0) & (ColumnFlag.ENUM | ColumnFlag.SET) || c.type === ColumnType.ENUM || c.type === ColumnType.SET) {
        throw notSupported(
          `ORDER BY (or GROUP BY) on ENUM/SET column ${c.name} is not supported across shards: shards sort it by member position, ` +
          `which sluice cannot see; ORDER BY CAST(${c.name} AS CHAR) sorts by name, ORDER BY ${c.name}+0 by position, or give the query a shard key condition naming one value`,
        );
      }
    }
    this.weighted = keys.map((k) => weightKey(k.index, columns, weights));
    this.width = keys.reduce((w, k, i) => Math.max(w, k.index + 1, (this.weighted[i]?.weight ?? -1) + 1), 0);
    this.cmps = keys.map((k) => format.comparator(columns[k.index]));
    this.at = Int32Array.from(keys, (k) => 2 * k.index);
    this.sign = Int8Array.from(keys, (k) => (k.desc ? -1 : 1));
  }

  /** a vs b, each with its located values (offsets from RowFormat.locate). */
  compare(a: Buffer, ao: Int32Array, b: Buffer, bo: Int32Array): number {
    const n = this.cmps.length;
    for (let k = 0; k < n; k++) {
      const j = this.at[k];
      const as = ao[j], bs = bo[j];
      let r: number;
      if (as < 0 || bs < 0) r = as < 0 ? (bs < 0 ? 0 : -1) : 1;
      else {
        const wk = this.weighted[k];
        r = wk === null ? this.cmps[k].compare(a, as, ao[j + 1], b, bs, bo[j + 1]) : wk.compare(a, ao, b, bo);
      }
      if (r !== 0) return r * this.sign[k];
    }
    return 0;
  }
}

/** Where shard rows enter a merge: the first stage, fed by the executor. */
export interface ShardSource {
  /**
   * A shard row, buf[start, end). The bytes are the caller's to keep unchanged: a source may hold
   * on to buf without copying (shard reads land in fresh buffers that are never reused). false:
   * that shard's queue is full, pause it until onResume(shard).
   */
  push(shard: number, buf: Buffer, start: number, end: number): boolean;
  /** That shard has no more rows; after the last shard's end() every row has gone downstream. */
  end(shard: number): void;
  /** Set by the merger: called when a paused shard may send again. */
  onResume: ((shard: number) => void) | null;
  /** Stop holding anything back (the LIMIT is satisfied): resume every paused shard. */
  releaseAll(): void;
}

/** Tracks which shards have ended; ending one twice is the caller's bug. */
export class ShardEnds {
  private readonly ended: Uint8Array;
  /** Shards that have not ended yet. */
  live: number;

  constructor(shards: number) {
    this.ended = new Uint8Array(shards);
    this.live = shards;
  }

  /** Marks a shard ended; true when it was the last one. */
  end(shard: number): boolean {
    if (this.ended[shard]) throw new Error(`BUG: shard ${shard} ended twice`);
    this.ended[shard] = 1;
    return --this.live === 0;
  }

  has(shard: number): boolean {
    return this.ended[shard] === 1;
  }
}
