// Strings compared by the weights the shards computed: for a string sort, group or DISTINCT key the
// planner adds a derived WEIGHT_STRING(expr) column, and the merger compares those bytes instead of
// the text. That is exact for every collation the backend has (utf8mb4_unicode_ci's expansions and
// contractions, language collations), which the result's column definitions cannot tell apart:
// MariaDB puts the connection's collation id in every string column.
//
// MariaDB's WEIGHT_STRING keeps one weight per trailing space, while PAD SPACE collations compare as
// if the shorter value were padded with spaces: the weights of the text's trailing spaces are
// dropped (one unit each: 2 bytes, or 1 in 8-bit collations, whose weights have a byte per
// character), and where one weight is a prefix of the other, the longer one's next unit decides
// against a space (only control characters weigh less: below 0x20, or 0x0201-0x0208 in UCA). The
// merger needs both columns of a key located: the text and its weight. Numbers, dates and binary
// strings keep their own comparators: WEIGHT_STRING of a number is NULL, so such a derived column
// costs one byte per row.
import type { ColumnDef } from '../protocol/packets';
import { Collation, ColumnFlag, ColumnType } from '../protocol/constants';
import { valueKind } from './compare';

/** Weight pairs: [value column, column holding WEIGHT_STRING of it], as the planner lists them. */
export type WeightColumns = readonly (readonly [number, number])[] | undefined;

/** Does this column hold text compared by a collation (not bytes, numbers, dates, ENUM or SET)? */
export function isCollatedText(col: Pick<ColumnDef, 'type' | 'charset' | 'flags'>): boolean {
  if (valueKind(col) !== 'string' || col.charset === Collation.BINARY || (col.flags ?? 0) & (ColumnFlag.BINARY | ColumnFlag.ENUM | ColumnFlag.SET)) return false;
  return col.type !== ColumnType.BIT && col.type !== ColumnType.ENUM && col.type !== ColumnType.SET && col.type !== ColumnType.GEOMETRY;
}

/** Characters in UTF-8 text (continuation bytes do not start one). */
function utf8Chars(b: Buffer, s: number, e: number): number {
  let n = 0;
  for (let i = s; i < e; i++) if ((b[i] & 0xc0) !== 0x80) n++;
  return n;
}

/**
 * Bytes per weight unit of the value at offs[v] (text) / offs[w] (its weight): 8-bit collations
 * weigh a character in one byte (the weight is as long as the text has characters), the others in 2.
 */
function unitOf(row: Buffer, offs: Int32Array, v: number, w: number): number {
  return offs[w + 1] - offs[w] === utf8Chars(row, offs[v], offs[v + 1]) ? 1 : 2;
}

/** The end of the weight at offs[w] without the weights of the text's trailing spaces. */
function trimmedEnd(row: Buffer, offs: Int32Array, v: number, w: number): number {
  const te = offs[v + 1];
  let ts = te;
  while (ts > offs[v] && row[ts - 1] === 0x20) ts--;
  if (ts === te) return offs[w + 1];
  return Math.max(offs[w], offs[w + 1] - (te - ts) * unitOf(row, offs, v, w));
}

/** Does the unit at p weigh less than a space? Only control characters do (general_ci, UCA, latin1). */
function belowSpace(b: Buffer, p: number, e: number, unit: number): boolean {
  if (unit === 1) return b[p] < 0x20;
  const u = p + 1 < e ? (b[p] << 8) | b[p + 1] : b[p] << 8;
  return u < 0x0020 || (u >= 0x0201 && u <= 0x0208);
}

/** A_LONGER / B_LONGER: one trimmed weight is a prefix of the other; its next unit decides. */
const A_LONGER = 2, B_LONGER = -2;

/** Trimmed weights a[as, ae) vs b[bs, be): -1, 0, 1, or A_LONGER / B_LONGER. */
function compareTrimmed(a: Buffer, as: number, ae: number, b: Buffer, bs: number, be: number): number {
  const la = ae - as, lb = be - bs, n = la < lb ? la : lb;
  for (let i = 0; i < n; i++) {
    if (a[as + i] !== b[bs + i]) return a[as + i] < b[bs + i] ? -1 : 1;
  }
  return la === lb ? 0 : la > lb ? A_LONGER : B_LONGER;
}

/**
 * A key column compared by weights: value at column v, weight at column w (both located in offs,
 * as 2 * index). NULL values have NULL weights; callers handle NULLs.
 */
export class WeightKey {
  /** 2 * the value column, 2 * the weight column. */
  readonly v: number;
  readonly w: number;

  /** weight: the column holding the weights; a row must be located up to it. */
  constructor(value: number, readonly weight: number) {
    this.v = 2 * value;
    this.w = 2 * weight;
  }

  compare(a: Buffer, ao: Int32Array, b: Buffer, bo: Int32Array): number {
    const { v, w } = this;
    const ae = trimmedEnd(a, ao, v, w), be = trimmedEnd(b, bo, v, w);
    const r = compareTrimmed(a, ao[w], ae, b, bo[w], be);
    // The shorter one is padded with spaces: the longer one's next unit decides.
    if (r === A_LONGER) return belowSpace(a, ao[w] + be - bo[w], ae, unitOf(a, ao, v, w)) ? -1 : 1;
    if (r === B_LONGER) return belowSpace(b, bo[w] + ae - ao[w], be, unitOf(b, bo, v, w)) ? 1 : -1;
    return r;
  }

  /** Equal strings exactly when compare() says equal. */
  key(row: Buffer, offs: Int32Array): string {
    return row.toString('latin1', offs[this.w], trimmedEnd(row, offs, this.v, this.w));
  }

  /** The trimmed weight, copied, with its unit size (for MIN/MAX, which keep their best value). */
  copy(row: Buffer, offs: Int32Array): { weight: Buffer; unit: number } {
    const weight = Buffer.from(row.subarray(offs[this.w], trimmedEnd(row, offs, this.v, this.w)));
    return { weight, unit: unitOf(row, offs, this.v, this.w) };
  }

  /** The located row's weight vs a copy(). */
  compareCopy(row: Buffer, offs: Int32Array, best: { weight: Buffer; unit: number }): number {
    const { v, w } = this;
    const end = trimmedEnd(row, offs, v, w), bw = best.weight;
    const r = compareTrimmed(row, offs[w], end, bw, 0, bw.length);
    if (r === A_LONGER) return belowSpace(row, offs[w] + bw.length, end, unitOf(row, offs, v, w)) ? -1 : 1;
    if (r === B_LONGER) return belowSpace(bw, end - offs[w], bw.length, best.unit) ? 1 : -1;
    return r;
  }
}

/** Column `index` as a key: by its weight column when it has one and holds collated text, else null. */
export function weightKey(index: number, columns: readonly ColumnDef[], weights: WeightColumns): WeightKey | null {
  if (!weights || !isCollatedText(columns[index])) return null;
  for (const [value, weight] of weights) if (value === index && weight < columns.length) return new WeightKey(value, weight);
  return null;
}
