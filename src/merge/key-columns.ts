// Equality over a set of columns, as the columns' collations and types define it: used to tell
// groups apart (GROUP BY) and duplicate rows apart (DISTINCT). NULLs equal each other here, as in
// GROUP BY and DISTINCT.
import type { ColumnDef } from '../protocol/packets';
import type { ValueComparator } from './value-comparator';
import type { RowFormat } from './row-format';
import { weightKey, type WeightColumns, type WeightKey } from './weights';

export class KeyColumns {
  private readonly cmps: ValueComparator[];
  /** Keys compared by collation weights (null: by cmps). */
  private readonly weighted: (WeightKey | null)[];
  /** How many leading columns must be located to read every key. */
  readonly width: number;

  constructor(private readonly indices: readonly number[], columns: readonly ColumnDef[], format: RowFormat, weights?: WeightColumns) {
    this.cmps = indices.map((i) => format.comparator(columns[i]));
    this.weighted = indices.map((i) => weightKey(i, columns, weights));
    this.width = indices.reduce((w, i, k) => Math.max(w, i + 1, (this.weighted[k]?.weight ?? -1) + 1), 0);
  }

  /** Whether two located rows have equal values in every key column. */
  same(a: Buffer, ao: Int32Array, b: Buffer, bo: Int32Array): boolean {
    for (let k = 0; k < this.indices.length; k++) {
      const j = 2 * this.indices[k];
      const as = ao[j], bs = bo[j];
      if (as < 0 || bs < 0) {
        if (as !== bs) return false;
      } else {
        const wk = this.weighted[k];
        if ((wk === null ? this.cmps[k].compare(a, as, ao[j + 1], b, bs, bo[j + 1]) : wk.compare(a, ao, b, bo)) !== 0) return false;
      }
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
        const wk = this.weighted[k];
        const part = wk === null ? this.cmps[k].key(row, s, offs[j + 1]) : wk.key(row, offs);
        key += `${part.length}:${part}`;
      }
    }
    return key;
  }
}
