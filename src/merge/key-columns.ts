// Equality over a set of columns, as the columns' collations and types define it: used to tell
// groups apart (GROUP BY) and duplicate rows apart (DISTINCT). NULLs equal each other here, as in
// GROUP BY and DISTINCT.
import type { ColumnDef } from '../protocol/packets';
import type { ValueComparator } from './compare';
import type { RowFormat } from './row-format';

export class KeyColumns {
  private readonly cmps: ValueComparator[];

  constructor(private readonly indices: readonly number[], columns: readonly ColumnDef[], format: RowFormat) {
    this.cmps = indices.map((i) => format.comparator(columns[i]));
  }

  /** Whether two located rows have equal values in every key column. */
  same(a: Buffer, ao: Int32Array, b: Buffer, bo: Int32Array): boolean {
    for (let k = 0; k < this.indices.length; k++) {
      const j = 2 * this.indices[k];
      const as = ao[j], bs = bo[j];
      if (as < 0 || bs < 0) {
        if (as !== bs) return false;
      } else if (this.cmps[k].compare(a, as, ao[j + 1], b, bs, bo[j + 1]) !== 0) return false;
    }
    return true;
  }

  /** A string equal for two rows exactly when same() holds (each part length-prefixed; NULL as '~'). */
  key(row: Buffer, offs: Int32Array): string {
    let key = '';
    for (let k = 0; k < this.indices.length; k++) {
      const j = 2 * this.indices[k];
      const s = offs[j];
      if (s < 0) key += '~';
      else {
        const part = this.cmps[k].key(row, s, offs[j + 1]);
        key += `${part.length}:${part}`;
      }
    }
    return key;
  }
}
