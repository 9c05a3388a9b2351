// SELECT DISTINCT across shards: each shard removed its own duplicates; the same row may still come
// from several shards. A set of the visible columns' keys (collation-aware: 'a' and 'A' are one row
// under general_ci) keeps the first occurrence, so the merged order is kept. Keys are charged to the
// query's memory budget.
import type { KeyColumns } from './key-columns';
import type { MemoryBudget } from './memory-budget';
import type { RowFormat } from './row-format';
import type { RowSink } from './row-sink';

/** Estimated bytes of a Set entry beyond its key string. */
const ENTRY_OVERHEAD = 48;

export class DistinctFilter implements RowSink {
  private readonly seen = new Set<string>();
  private readonly offs: Int32Array;

  constructor(
    private readonly keys: KeyColumns, private readonly budget: MemoryBudget,
    private readonly format: RowFormat, private readonly sink: RowSink,
  ) {
    this.offs = new Int32Array(2 * keys.width);
  }

  row(buf: Buffer, start: number, end: number): void {
    this.format.locateAt(buf, start, end, this.keys.width, this.offs);
    const key = this.keys.key(buf, this.offs);
    if (this.seen.has(key)) return;
    this.budget.charge(2 * key.length + ENTRY_OVERHEAD);
    this.seen.add(key);
    this.sink.row(buf, start, end);
  }

  end(): void {
    this.seen.clear();
    this.sink.end();
  }
}
