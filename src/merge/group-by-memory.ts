// GROUP BY when groups arrive in no particular order: a hash map from the group key (as the key
// columns' collations define equality) to the group's state, all held until the last shard ends.
// Then the merged groups are sorted — by ORDER BY when given, else by the group key ascending, as
// MariaDB orders GROUP BY results — and emitted. Held bytes are charged to the query's memory budget.
import type { Aggregation, GroupState } from './aggregates';
import type { KeyColumns } from './key-columns';
import type { MemoryBudget } from './memory-budget';
import type { RowFormat } from './row-format';
import { emit, rowView, type RowSink, type SortKeys } from './row-sink';

/** Estimated bytes of a Map entry, its state object and accumulators beyond the row and key. */
const GROUP_OVERHEAD = 160;

export class GroupByMemory implements RowSink {
  private readonly groups = new Map<string, GroupState>();
  private readonly offs: Int32Array;
  /** Groups' first rows are held in the budget's slabs (the shared pool), not on the heap. */
  private readonly keep = (row: Buffer): Buffer => this.budget.hold(row);

  constructor(
    private readonly columnCount: number, private readonly keys: KeyColumns, private readonly order: SortKeys,
    private readonly agg: Aggregation, private readonly budget: MemoryBudget,
    private readonly format: RowFormat, private readonly sink: RowSink,
  ) {
    this.offs = new Int32Array(2 * columnCount);
  }

  row(buf: Buffer, start: number, end: number): void {
    const row = rowView(buf, start, end);
    this.format.locate(row, this.columnCount, this.offs);
    const key = this.keys.key(row, this.offs);
    const group = this.groups.get(key);
    if (group !== undefined) {
      this.agg.add(group, row, this.offs);
      return;
    }
    this.budget.charge(row.length + 2 * key.length + GROUP_OVERHEAD);
    this.groups.set(key, this.agg.start(row, this.offs, this.keep));
  }

  end(): void {
    const width = this.order.width;
    const rows = Array.from(this.groups.values(), (g) => {
      const row = this.agg.finish(g);
      const offs = new Int32Array(2 * width);
      this.format.locate(row, width, offs);
      return { row, offs };
    });
    this.groups.clear();
    rows.sort((a, b) => this.order.compare(a.row, a.offs, b.row, b.offs));
    for (const r of rows) emit(this.sink, r.row);
    this.sink.end();
  }
}
