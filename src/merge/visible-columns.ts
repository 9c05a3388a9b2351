// The last stage before the client: rows lose the derived columns the planner added for the merge
// (ORDER BY / GROUP BY columns missing from the select list, AVG's SUM and COUNT). Visible columns
// come first in a row, so stripping is the row's prefix — no re-encoding.
import type { RowFormat } from './row-format';
import type { RowSink } from './row-sink';

export class VisibleColumns implements RowSink {
  private readonly offs: Int32Array;

  constructor(
    private readonly visible: number, private readonly columnCount: number,
    private readonly format: RowFormat, private readonly out: (buf: Buffer, start: number, end: number) => void,
  ) {
    this.offs = new Int32Array(2 * visible);
  }

  row(buf: Buffer, start: number, end: number): void {
    if (this.visible === this.columnCount) {
      this.out(buf, start, end);
      return;
    }
    this.format.locateAt(buf, start, end, this.visible, this.offs);
    this.out(buf, start, this.offs[2 * this.visible - 1]);
  }

  end(): void {}
}
