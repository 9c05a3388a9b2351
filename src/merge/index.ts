// The merger: turns several shards' result rows into the one result a single MySQL would return.
// createMerger() is the one place that picks the strategy from the MergeSpec and chains the stages:
//
//   shards -> stream-concat | order-by-stream -> [group-by-stream | group-by-memory] -> [having]
//          -> [distinct] -> limit-decorator -> visible-columns -> out (the client)
import type { ColumnDef, ColumnInfo } from '../protocol/packets';
import type { MergeSpec, OrderKey } from './spec';
import { Aggregation, mergedColumns } from './aggregates';
import { DistinctFilter } from './distinct';
import { GroupByMemory } from './group-by-memory';
import { GroupByStream } from './group-by-stream';
import { HavingFilter, PostEvaluator } from './having';
import { KeyColumns } from './key-columns';
import { LimitDecorator } from './limit-decorator';
import { MemoryBudget } from './memory-budget';
import type { SqlError } from '../protocol/errors';
import type { SlabPool } from '../memory/slab-pool';
import { OrderByStream } from './order-by-stream';
import { TEXT_ROWS, type RowFormat } from './row-format';
import { SortKeys, type RowSink, type ShardSource } from './row-sink';
import { StreamConcat } from './stream-concat';
import { VisibleColumns } from './visible-columns';

/** A merge in progress: the executor pushes shard rows in, merged rows come out through `out`. */
export interface Merger {
  /**
   * Column definitions for the client: the first spec.visible columns, typed as MySQL types the
   * merged result (COUNT BIGINT, SUM of integers DECIMAL, AVG DECIMAL with scale + 4 or DOUBLE).
   */
  readonly columns: ColumnDef[];
  /**
   * A row from a shard, buf[start, end): the merge may keep buf (unchanged, uncopied) until the
   * row is sent, so buf must not be reused — shard read buffers never are. Returns false when that
   * shard's queue is full: the caller pauses it until onResume(shard).
   */
  push(shard: number, buf: Buffer, start: number, end: number): boolean;
  /** That shard has no more rows. After the last end(), every remaining row has been sent to out. */
  end(shard: number): void;
  /** Set by the caller: called when a paused shard may send again. */
  onResume: ((shard: number) => void) | null;
  /** Rows emitted so far (after offset/limit). */
  readonly emitted: number;
  /** True once LIMIT is satisfied: the caller may stop/cancel the remaining shard queries. */
  readonly satisfied: boolean;
  /** Returns the memory the merge reserved; call once the execution ends, however it ends. */
  release(): void;
  /** The global buffer pool is full: the rows held exceed what could be reserved. Stop reading. */
  readonly memoryShort: boolean;
  /** Calls done once the pool had room again (done(err) with ERR 1041 after a time limit). */
  waitForMemory(done: (err: SqlError | null) => void): void;
}

export interface MergerOptions {
  /** Bytes GROUP BY in memory and DISTINCT may hold (maxQueryMemoryMB); default 256 MiB. */
  memoryLimitBytes?: number;
  /** Rows an ORDER BY merge queues per shard before push() asks to pause it; default 256. */
  queueRows?: number;
  /** The worker's share of the global buffer budget: held rows reserve slabs from it. */
  slabPool?: SlabPool;
  /** How rows are encoded; default text-protocol rows. */
  format?: RowFormat;
}

const DEFAULT_MEMORY_LIMIT = 256 * 1024 * 1024;
const DEFAULT_QUEUE_ROWS = 256;

/** Receives each merged row's payload, buf[start, end) (visible columns only; borrowed for the call). */
export type MergedRowOut = (buf: Buffer, start: number, end: number) => void;

/**
 * Builds the merge for one execution. columns: shard 0's column definitions (every shard returns the
 * same); out receives the merged rows.
 */
export function createMerger(
  spec: MergeSpec, columns: ColumnInfo[], shards: number, out: MergedRowOut, options: MergerOptions = {},
): Merger {
  if (columns.length < spec.columnCount || spec.visible > spec.columnCount || spec.visible < 1) {
    throw new Error(`BUG: merge spec of ${spec.columnCount} columns (${spec.visible} visible) over ${columns.length} shard columns`);
  }
  const format = options.format ?? TEXT_ROWS;
  const merged = mergedColumns(spec, columns);
  const budget = new MemoryBudget(options.memoryLimitBytes ?? DEFAULT_MEMORY_LIMIT, options.slabPool);

  // Built from the client end upstream.
  const limit = new LimitDecorator(spec.offset, spec.limit, new VisibleColumns(spec.visible, spec.columnCount, format, out));
  let sink: RowSink = limit;
  if (spec.distinct) {
    const visible = Array.from({ length: spec.visible }, (_, i) => i);
    sink = new DistinctFilter(new KeyColumns(visible, merged, format, spec.weights), budget, format, sink);
  }
  if (spec.having) sink = new HavingFilter(spec.having, new PostEvaluator(merged, format), sink);

  let sorted = spec.orderBy.length > 0;
  let shardOrder = spec.orderBy;
  const groupBy = spec.groupBy ?? (spec.aggregates.length > 0 ? [] : null);
  if (groupBy !== null) {
    const agg = new Aggregation(spec, columns, merged, format, budget);
    const keys = new KeyColumns(groupBy, columns, format, spec.weights);
    // With groupsSorted, each shard returns its groups in ascending group-key order: merge them in
    // that order and group in a stream — unless the final ORDER BY is another order, in which case
    // the groups are sorted in memory after grouping.
    const byKeyAsc = groupBy.map((index) => ({ index, desc: false }));
    const finalIsKeyOrder = !sorted || (spec.orderBy.length === groupBy.length && spec.orderBy.every((o, i) => o.index === groupBy[i] && !o.desc));
    if (groupBy.length === 0) {
      sink = new GroupByStream(spec.columnCount, keys, true, agg, format, sink);
      sorted = false;
    } else if (spec.groupsSorted && finalIsKeyOrder) {
      sink = new GroupByStream(spec.columnCount, keys, false, agg, format, sink);
      shardOrder = byKeyAsc;
      sorted = true;
    } else {
      const order: OrderKey[] = sorted ? spec.orderBy : byKeyAsc;
      sink = new GroupByMemory(spec.columnCount, keys, new SortKeys(order, merged, format, spec.weights), agg, budget, format, sink);
      sorted = false;
    }
  }

  const source: ShardSource = sorted
    ? new OrderByStream(shards, new SortKeys(shardOrder, columns, format, spec.weights), format, sink, options.queueRows ?? DEFAULT_QUEUE_ROWS)
    : new StreamConcat(shards, sink);
  limit.onSatisfied = () => source.releaseAll();
  return new MergeRun(merged.slice(0, spec.visible), source, limit, budget);
}

/**
 * The Merger of one execution: a class rather than an object literal with accessors, which V8 builds
 * slowly (one per query on the scatter path).
 */
class MergeRun implements Merger {
  constructor(
    readonly columns: ColumnDef[], private readonly source: ShardSource,
    private readonly limit: LimitDecorator, private readonly budget: MemoryBudget,
  ) {}

  push(shard: number, buf: Buffer, start: number, end: number): boolean {
    return this.limit.satisfied || this.source.push(shard, buf, start, end);
  }

  end(shard: number): void {
    this.source.end(shard);
  }

  get onResume(): ((shard: number) => void) | null {
    return this.source.onResume;
  }

  set onResume(fn: ((shard: number) => void) | null) {
    this.source.onResume = fn;
  }

  get emitted(): number {
    return this.limit.emitted;
  }

  get satisfied(): boolean {
    return this.limit.satisfied;
  }

  release(): void {
    this.budget.release();
  }

  get memoryShort(): boolean {
    return this.budget.short;
  }

  waitForMemory(done: (err: SqlError | null) => void): void {
    this.budget.waitForRoom(done);
  }
}
