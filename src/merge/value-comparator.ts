// How the merger compares one column's values: the shape every comparator has, whether it orders
// numbers and dates (compare.ts) or strings by collation (collation.ts). Types only, so that both
// can name it without importing each other.

/** Compares value a[as, ae) with b[bs, be): negative, 0 or positive. NULLs are handled by callers. */
export type ByteCompare = (a: Buffer, as: number, ae: number, b: Buffer, bs: number, be: number) => number;

/** How one column's values compare, and a key that is equal exactly when values compare equal. */
export interface ValueComparator {
  compare: ByteCompare;
  key(buf: Buffer, s: number, e: number): string;
}
