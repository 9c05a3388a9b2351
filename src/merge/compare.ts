// Comparing two values of one column exactly as MySQL orders them, straight from their text bytes
// (no decoding into JS values on the hot path): integers of any size (UNSIGNED BIGINT beyond 2^53
// included) by sign, digit count and digits; DECIMAL exactly by integer and fraction digits; FLOAT
// and DOUBLE as doubles; DATE/DATETIME/TIMESTAMP/YEAR as bytes (their fixed-width text sorts like the
// value); TIME by its value (its hours have 2 or 3 digits and may be negative); strings by collation.
import type { ColumnDef } from '../protocol/packets';
import { Collation, ColumnFlag, ColumnType } from '../protocol/constants';
import { collationComparator } from './collation';
import type { ByteCompare, ValueComparator } from './value-comparator';

/** The families of values the merger treats differently (comparison, aggregation, HAVING). */
export type ValueKind = 'int' | 'decimal' | 'real' | 'time' | 'temporal' | 'string';

export function valueKind(col: Pick<ColumnDef, 'type'>): ValueKind {
  switch (col.type) {
    case ColumnType.TINY: case ColumnType.SHORT: case ColumnType.LONG: case ColumnType.INT24:
    case ColumnType.LONGLONG: case ColumnType.YEAR:
      return 'int';
    case ColumnType.DECIMAL: case ColumnType.NEWDECIMAL:
      return 'decimal';
    case ColumnType.FLOAT: case ColumnType.DOUBLE:
      return 'real';
    case ColumnType.TIME:
      return 'time';
    case ColumnType.DATE: case ColumnType.DATETIME: case ColumnType.TIMESTAMP:
      return 'temporal';
    default:
      return 'string';
  }
}

const MINUS = 0x2d, DOT = 0x2e, ZERO = 0x30;

/** Compares equal-length digit runs byte by byte (short runs: a JS loop beats a native call). */
function digits(a: Buffer, i: number, b: Buffer, j: number, n: number): number {
  for (const end = i + n; i < end; i++, j++) {
    if (a[i] !== b[j]) return a[i] < b[j] ? -1 : 1;
  }
  return 0;
}

/** Integers as MySQL prints them: optional '-', digits, no leading zeros (ZEROFILL: equal widths). */
const compareInt: ByteCompare = (a, as, ae, b, bs, be) => {
  const an = a[as] === MINUS, bn = b[bs] === MINUS;
  if (an !== bn) return an ? -1 : 1;
  if (an) {
    as++;
    bs++;
  }
  const la = ae - as, lb = be - bs;
  const r = la !== lb ? (la < lb ? -1 : 1) : digits(a, as, b, bs, la);
  return an ? -r : r;
};

function dotOrEnd(b: Buffer, s: number, e: number): number {
  for (let i = s; i < e; i++) if (b[i] === DOT) return i;
  return e;
}

/** |a| vs |b| for unsigned decimal text (digits, optional '.' and fraction). */
function decimalMagnitude(a: Buffer, as: number, ae: number, b: Buffer, bs: number, be: number): number {
  const ad = dotOrEnd(a, as, ae), bd = dotOrEnd(b, bs, be);
  while (as < ad && a[as] === ZERO) as++;
  while (bs < bd && b[bs] === ZERO) bs++;
  const la = ad - as, lb = bd - bs;
  if (la !== lb) return la < lb ? -1 : 1;
  const r = digits(a, as, b, bs, la);
  if (r !== 0) return r;
  // Fractions: missing digits are zeros.
  let i = ad + 1, j = bd + 1;
  for (; i < ae || j < be; i++, j++) {
    const da = i < ae ? a[i] : ZERO, db = j < be ? b[j] : ZERO;
    if (da !== db) return da < db ? -1 : 1;
  }
  return 0;
}

function isZeroDecimal(b: Buffer, s: number, e: number): boolean {
  for (let i = s; i < e; i++) if (b[i] !== ZERO && b[i] !== DOT) return false;
  return true;
}

const compareDecimal: ByteCompare = (a, as, ae, b, bs, be) => {
  const an = a[as] === MINUS, bn = b[bs] === MINUS;
  if (an) as++;
  if (bn) bs++;
  if (an !== bn) return isZeroDecimal(a, as, ae) && isZeroDecimal(b, bs, be) ? 0 : an ? -1 : 1;
  const r = decimalMagnitude(a, as, ae, b, bs, be);
  return an ? -r : r;
};

/** Canonical decimal text: no leading integer zeros, no trailing fraction zeros, no "-0". */
function canonicalDecimal(text: string): string {
  let neg = text.startsWith('-');
  let s = neg || text.startsWith('+') ? text.slice(1) : text;
  if (s.includes('.')) s = s.replace(/0+$/, '').replace(/\.$/, '');
  s = s.replace(/^0+(?=\d)/, '');
  if (/^[0.]*$/.test(s)) {
    s = '0';
    neg = false;
  }
  return neg ? '-' + s : s;
}

const INT: ValueComparator = { compare: compareInt, key: (b, s, e) => b.toString('latin1', s, e) };

const DECIMAL: ValueComparator = {
  compare: compareDecimal,
  key: (b, s, e) => canonicalDecimal(b.toString('latin1', s, e)),
};

const num = (b: Buffer, s: number, e: number) => Number(b.toString('latin1', s, e));

const REAL: ValueComparator = {
  compare(a, as, ae, b, bs, be) {
    const x = num(a, as, ae), y = num(b, bs, be);
    return x < y ? -1 : x > y ? 1 : 0;
  },
  key: (b, s, e) => String(num(b, s, e)),
};

/** TIME text ([-]H..H:MM:SS[.ffffff]) as microseconds (|TIME| < 839 h: well within 2^53). */
function timeMicros(b: Buffer, s: number, e: number): number {
  const neg = b[s] === MINUS;
  if (neg) s++;
  let h = 0, m = 0, sec = 0, frac = 0, fracDigits = 0, field = 0;
  for (let i = s; i < e; i++) {
    const c = b[i];
    if (c === 0x3a) field++;
    else if (c === DOT) field = 3;
    else {
      const d = c - ZERO;
      if (field === 0) h = h * 10 + d;
      else if (field === 1) m = m * 10 + d;
      else if (field === 2) sec = sec * 10 + d;
      else if (fracDigits < 6) {
        frac = frac * 10 + d;
        fracDigits++;
      }
    }
  }
  while (fracDigits++ < 6) frac *= 10;
  const v = ((h * 60 + m) * 60 + sec) * 1e6 + frac;
  return neg ? -v : v;
}

const TIME: ValueComparator = {
  compare(a, as, ae, b, bs, be) {
    const x = timeMicros(a, as, ae), y = timeMicros(b, bs, be);
    return x < y ? -1 : x > y ? 1 : 0;
  },
  key: (b, s, e) => String(timeMicros(b, s, e)),
};

const TEMPORAL: ValueComparator = {
  compare: (a, as, ae, b, bs, be) => a.compare(b, bs, be, as, ae),
  key: (b, s, e) => b.toString('latin1', s, e),
};

/**
 * The comparator for a column's text values, by its type and (for strings) its collation. MariaDB
 * puts the connection's collation in a string column's definition (45 for a utf8mb4_bin column
 * too) and marks a _bin column with the BINARY flag: that flag is what says "compare bytes".
 */
export function comparatorFor(col: Pick<ColumnDef, 'type' | 'charset' | 'flags'>): ValueComparator {
  switch (valueKind(col)) {
    case 'int': return INT;
    case 'decimal': return DECIMAL;
    case 'real': return REAL;
    case 'time': return TIME;
    case 'temporal': return TEMPORAL;
    default:
      // BIT and blobs flagged BINARY without a character set compare as bytes.
      if (col.type === ColumnType.BIT) return collationComparator(Collation.BINARY);
      if ((col.flags ?? 0) & ColumnFlag.BINARY && col.charset !== Collation.BINARY) return collationComparator(Collation.UTF8MB4_BIN);
      return collationComparator(col.charset ?? Collation.UTF8MB4_GENERAL_CI);
  }
}
