// GROUP BY when the shards return rows sorted by the group key (the merged stream from
// order-by-stream is then sorted too): each group's rows arrive together, so one group is held at a
// time and emitted when the next group starts. Output order is the input order.
import type { Aggregation, GroupState } from './aggregates';
import type { KeyColumns } from './key-columns';
import type { RowFormat } from './row-format';
import { emit, rowView, type RowSink } from './row-sink';

export class GroupByStream implements RowSink {
  /** The group being merged (its first row copied), null before the first row. */
  private current: GroupState | null = null;
  private readonly offs: Int32Array;
  private readonly currentOffs: Int32Array;

  constructor(
    private readonly columnCount: number, private readonly keys: KeyColumns, private readonly scalar: boolean,
    private readonly agg: Aggregation, private readonly format: RowFormat, private readonly sink: RowSink,
  ) {
    this.offs = new Int32Array(2 * columnCount);
    this.currentOffs = new Int32Array(2 * columnCount);
  }

  row(buf: Buffer, start: number, end: number): void {
    const row = rowView(buf, start, end);
    this.format.locate(row, this.columnCount, this.offs);
    const cur = this.current;
    if (cur !== null && this.keys.same(row, this.offs, cur.first, this.currentOffs)) {
      this.agg.add(cur, row, this.offs);
      return;
    }
    if (cur !== null) emit(this.sink, this.agg.finish(cur));
    this.current = this.agg.start(row, this.offs);
    this.format.locate(this.current.first, this.columnCount, this.currentOffs);
  }

  end(): void {
    if (this.current !== null) emit(this.sink, this.agg.finish(this.current));
    else if (this.scalar) emit(this.sink, this.agg.emptyGroup()); // aggregates without GROUP BY: one row
    this.current = null;
    this.sink.end();
  }
}
