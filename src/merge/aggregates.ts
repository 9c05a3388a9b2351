// Combining the shards' partial aggregates of one group: COUNT adds as BigInt; SUM adds exactly
// (DECIMAL / integer partials as scaled BigInt) or as doubles (FLOAT/DOUBLE partials); MIN/MAX keep
// the extreme by the column's comparison; AVG divides the summed SUM(x) by the summed COUNT(x) to the
// result column's scale, rounding half up. NULL partials are ignored: SUM/MIN/MAX/AVG of no values is
// NULL, COUNT of none is 0.
import { Collation, ColumnFlag, ColumnType } from '../protocol/constants';
import type { ColumnDef, ColumnInfo } from '../protocol/packets';
import type { AggregateSpec, MergeSpec } from './spec';
import { valueKind } from './compare';
import type { ValueComparator } from './value-comparator';
import { addDecimal, divideDecimal, formatDecimal, formatDouble, parseDecimal, type Decimal } from './decimal';
import { MemoryBudget } from './memory-budget';
import type { OutValue, RowFormat } from './row-format';
import { weightKey, type WeightColumns, type WeightKey } from './weights';

/** One aggregate's running value within one group. */
interface Accumulator {
  add(row: Buffer, offs: Int32Array): void;
  result(): string | Buffer | null;
}

class CountAcc implements Accumulator {
  private n = 0n;
  constructor(private readonly format: RowFormat, private readonly at: number) {}
  add(row: Buffer, offs: Int32Array): void {
    const s = offs[2 * this.at];
    if (s >= 0) this.n += BigInt(this.format.text(row, s, offs[2 * this.at + 1]));
  }
  result(): string {
    return this.n.toString();
  }
  count(): bigint {
    return this.n;
  }
}

/** SUM of partial sums, exact or as doubles; also the numerator of AVG. */
class SumAcc implements Accumulator {
  private exact: Decimal | null = null;
  private real: number | null = null;
  constructor(private readonly format: RowFormat, private readonly at: number, private readonly isReal: boolean) {}
  add(row: Buffer, offs: Int32Array): void {
    const s = offs[2 * this.at];
    if (s < 0) return;
    const text = this.format.text(row, s, offs[2 * this.at + 1]);
    if (this.isReal) this.real = (this.real ?? 0) + Number(text);
    else this.exact = this.exact === null ? parseDecimal(text) : addDecimal(this.exact, parseDecimal(text));
  }
  result(): string | null {
    if (this.isReal) return this.real === null ? null : formatDouble(this.real);
    return this.exact === null ? null : formatDecimal(this.exact);
  }
  value(): Decimal | number | null {
    return this.isReal ? this.real : this.exact;
  }
}

/**
 * MIN or MAX: keeps a copy of the extreme value's bytes (column `at`). Text with collation weights
 * compares by them (`weighted`); `at` may then be the weight column itself, so that it follows the
 * kept value.
 */
class ExtremeAcc implements Accumulator {
  private best: Buffer | null = null;
  private bestWeight: { weight: Buffer; unit: number } | null = null;
  constructor(
    private readonly format: RowFormat, private readonly at: number,
    private readonly cmp: ValueComparator, private readonly sign: 1 | -1, private readonly weighted: WeightKey | null,
  ) {}
  add(row: Buffer, offs: Int32Array): void {
    const s = offs[2 * this.at], e = offs[2 * this.at + 1];
    if (s < 0) return;
    const wk = this.weighted;
    if (wk !== null) {
      if (this.bestWeight !== null && this.sign * wk.compareCopy(row, offs, this.bestWeight) >= 0) return;
      this.bestWeight = wk.copy(row, offs);
    } else {
      const best = this.best;
      if (best !== null && this.sign * this.cmp.compare(row, s, e, best, 0, best.length) >= 0) return;
    }
    this.best = Buffer.from(row.subarray(s, e)); // copied: the row is borrowed
  }
  result(): string | null {
    return this.best === null ? null : this.format.text(this.best, 0, this.best.length);
  }
}

/** Estimated bytes of a Map entry beyond its key string and value. */
const DISTINCT_ENTRY_OVERHEAD = 64;

/**
 * COUNT(DISTINCT x) or SUM(DISTINCT x) of a group: the distinct non-NULL values seen (by the column's
 * collation key; a SUM keeps each value's text), charged to the merge budget.
 */
class DistinctAcc implements Accumulator {
  private readonly seen = new Map<string, string | null>();
  constructor(
    private readonly format: RowFormat, private readonly at: number, private readonly cmp: ValueComparator,
    private readonly budget: MemoryBudget, private readonly sum: boolean, private readonly isReal: boolean,
    private readonly weighted: WeightKey | null,
  ) {}
  add(row: Buffer, offs: Int32Array): void {
    const s = offs[2 * this.at], e = offs[2 * this.at + 1];
    if (s < 0) return;
    const key = this.weighted === null ? this.cmp.key(row, s, e) : this.weighted.key(row, offs);
    if (this.seen.has(key)) return;
    const text = this.sum ? this.format.text(row, s, e) : null;
    this.budget.charge(2 * key.length + (text === null ? 0 : 2 * text.length) + DISTINCT_ENTRY_OVERHEAD);
    this.seen.set(key, text);
  }
  result(): string | null {
    if (!this.sum) return String(this.seen.size);
    if (this.seen.size === 0) return null;
    if (this.isReal) {
      let total = 0;
      for (const v of this.seen.values()) total += Number(v);
      return formatDouble(total);
    }
    let total: Decimal | null = null;
    for (const v of this.seen.values()) total = total === null ? parseDecimal(v!) : addDecimal(total, parseDecimal(v!));
    return formatDecimal(total!);
  }
}

/**
 * GROUP_CONCAT of partial concatenations: joined with the separator, cut to maxLength bytes. Stops
 * keeping bytes once the cut is reached (later partials cannot change a cut result).
 */
class ConcatAcc implements Accumulator {
  private readonly parts: Buffer[] = [];
  private bytes = 0;
  private any = false;
  constructor(
    private readonly format: RowFormat, private readonly at: number, private readonly separator: Buffer,
    private maxLength: number, private maxLengthIndex: number, private readonly binary: boolean,
  ) {}
  add(row: Buffer, offs: Int32Array): void {
    const m = this.maxLengthIndex;
    if (m >= 0) {
      // The shards' group_concat_max_len (the same session settings on every shard): read once.
      if (offs[2 * m] >= 0) this.maxLength = Number(this.format.text(row, offs[2 * m], offs[2 * m + 1]));
      this.maxLengthIndex = -1;
    }
    const s = offs[2 * this.at];
    if (s < 0) return;
    if (this.any) this.push(this.separator);
    this.any = true;
    this.push(row.subarray(s, offs[2 * this.at + 1]));
  }
  private push(b: Buffer): void {
    if (this.bytes > this.maxLength) return;
    const part = Buffer.from(b.subarray(0, this.maxLength + 1 - this.bytes)); // copied: the row is borrowed
    this.parts.push(part);
    this.bytes += part.length;
  }
  result(): Buffer | null {
    if (!this.any) return null;
    const all = Buffer.concat(this.parts);
    if (all.length <= this.maxLength) return all;
    let end = this.maxLength;
    // Text is cut at a character boundary: back off UTF-8 continuation bytes (10xxxxxx).
    if (!this.binary) while (end > 0 && (all[end] & 0xc0) === 0x80) end--;
    return all.subarray(0, end);
  }
}

/** Identity of each bit aggregate (what a shard with no rows returns, and the start of the fold). */
const BIT_START = { BIT_AND: (1n << 64n) - 1n, BIT_OR: 0n, BIT_XOR: 0n } as const;

/** BIT_AND, BIT_OR or BIT_XOR of partial results: BIGINT UNSIGNED, never NULL. */
class BitAcc implements Accumulator {
  private acc: bigint;
  constructor(private readonly format: RowFormat, private readonly at: number, private readonly fn: keyof typeof BIT_START) {
    this.acc = BIT_START[fn];
  }
  add(row: Buffer, offs: Int32Array): void {
    const s = offs[2 * this.at];
    if (s < 0) return;
    const v = BigInt(this.format.text(row, s, offs[2 * this.at + 1]));
    this.acc = this.fn === 'BIT_AND' ? this.acc & v : this.fn === 'BIT_OR' ? this.acc | v : this.acc ^ v;
  }
  result(): string {
    return this.acc.toString();
  }
}

class AvgAcc implements Accumulator {
  constructor(private readonly sum: SumAcc, private readonly count: CountAcc, private readonly scale: number) {}
  add(row: Buffer, offs: Int32Array): void {
    this.sum.add(row, offs);
    this.count.add(row, offs);
  }
  result(): string | null {
    const n = this.count.count(), s = this.sum.value();
    if (n === 0n || s === null) return null;
    if (typeof s === 'number') return formatDouble(s / Number(n));
    return formatDecimal(divideDecimal(s, { units: n, scale: 0 }, this.scale)!);
  }
}

/** The per-column recipe: which aggregate (if any) produces each output column. */
type Recipe = (format: RowFormat) => Accumulator;

/** A group being merged: a copy of its first row (for non-aggregate columns) and its accumulators. */
export interface GroupState {
  first: Buffer;
  accs: (Accumulator | null)[];
}

/**
 * Merges the rows of groups. Built once per merger from the spec; columns not produced by an
 * aggregate take the group's first row's value (MySQL returns any row's value for them).
 */
export class Aggregation {
  private readonly recipes: (Recipe | null)[];
  private readonly offs: Int32Array;

  constructor(
    private readonly spec: MergeSpec, shardColumns: ColumnInfo[], mergedColumns: ColumnDef[],
    private readonly format: RowFormat, budget: MemoryBudget = new MemoryBudget(Infinity),
  ) {
    this.recipes = new Array<Recipe | null>(spec.columnCount).fill(null);
    this.offs = new Int32Array(2 * spec.columnCount);
    const isReal = (i: number) => valueKind(shardColumns[i]) === 'real';
    const listed = new Set(spec.aggregates.map((a) => a.index));
    for (const a of spec.aggregates) {
      this.recipes[a.index] = recipeFor(a, shardColumns, mergedColumns, isReal, budget, spec.weights);
      // AVG's derived SUM and COUNT columns are merged too, unless the planner listed them itself.
      // MIN/MAX of text: its weight column follows the kept value, so a later sort by it is right.
      const wk = a.fn === 'MIN' || a.fn === 'MAX' ? weightKey(a.index, shardColumns, spec.weights) : null;
      if (wk !== null && !listed.has(wk.weight)) {
        const sign = a.fn === 'MIN' ? 1 : -1;
        this.recipes[wk.weight] = (f) => new ExtremeAcc(f, wk.weight, f.comparator(shardColumns[wk.weight]), sign, wk);
      }
      if (a.fn === 'AVG') {
        const { sumIndex, countIndex } = avgColumns(a);
        if (!listed.has(sumIndex)) this.recipes[sumIndex] = (f) => new SumAcc(f, sumIndex, isReal(sumIndex));
        if (!listed.has(countIndex)) this.recipes[countIndex] = (f) => new CountAcc(f, countIndex);
      }
    }
  }

  /** Starts a group with its first row, copied by `keep` (to the heap by default). */
  start(row: Buffer, offs: Int32Array, keep: (row: Buffer) => Buffer = copyToHeap): GroupState {
    const state: GroupState = { first: keep(row), accs: this.recipes.map((r) => (r ? r(this.format) : null)) };
    this.add(state, row, offs);
    return state;
  }

  add(state: GroupState, row: Buffer, offs: Int32Array): void {
    for (const acc of state.accs) if (acc) acc.add(row, offs);
  }

  /** The merged row of a group. */
  finish(state: GroupState): Buffer {
    const { first, accs } = state;
    this.format.locate(first, this.spec.columnCount, this.offs);
    const values: OutValue[] = [];
    for (let i = 0; i < accs.length; i++) {
      const acc = accs[i];
      const s = this.offs[2 * i];
      values.push(acc ? acc.result() : s < 0 ? null : first.subarray(s, this.offs[2 * i + 1]));
    }
    return this.format.encode(values);
  }

  /** The row MySQL returns for aggregates over no rows at all: COUNT 0, everything else NULL. */
  emptyGroup(): Buffer {
    return this.format.encode(this.recipes.map((r, i) => (r && this.countsAt(i) ? '0' : null)));
  }

  private countsAt(i: number): boolean {
    return this.spec.aggregates.some((a) => a.index === i && a.fn === 'COUNT') ||
      this.spec.aggregates.some((a) => a.fn === 'AVG' && avgColumns(a).countIndex === i);
  }
}

const copyToHeap = (row: Buffer): Buffer => Buffer.from(row);

function avgColumns(a: AggregateSpec): { sumIndex: number; countIndex: number } {
  if (a.sumIndex === undefined || a.countIndex === undefined) {
    throw new Error(`BUG: AVG at column ${a.index} without sumIndex/countIndex`);
  }
  return { sumIndex: a.sumIndex, countIndex: a.countIndex };
}

/** group_concat_max_len's default in MySQL (MariaDB's is 1 MiB). */
const GROUP_CONCAT_MAX_LEN = 1024;

function recipeFor(
  a: AggregateSpec, shard: ColumnInfo[], merged: ColumnDef[], isReal: (i: number) => boolean, budget: MemoryBudget, weights: WeightColumns,
): Recipe {
  const at = a.index;
  if (a.distinct && (a.fn === 'COUNT' || a.fn === 'SUM')) {
    const sum = a.fn === 'SUM';
    const wk = weightKey(at, shard, weights);
    return (f) => new DistinctAcc(f, at, f.comparator(shard[at]), budget, sum, isReal(at), wk);
  }
  switch (a.fn) {
    case 'GROUP_CONCAT': {
      const separator = Buffer.from(a.separator ?? ',', 'utf8');
      const binary = shard[at].charset === Collation.BINARY;
      return (f) => new ConcatAcc(f, at, separator, a.maxLength ?? GROUP_CONCAT_MAX_LEN, a.maxLengthIndex ?? -1, binary);
    }
    case 'COUNT': return (f) => new CountAcc(f, at);
    case 'BIT_AND': case 'BIT_OR': case 'BIT_XOR': {
      const fn = a.fn;
      return (f) => new BitAcc(f, at, fn);
    }
    case 'SUM': return (f) => new SumAcc(f, at, isReal(at));
    case 'MIN': case 'MAX': {
      const sign = a.fn === 'MIN' ? 1 : -1;
      const wk = weightKey(at, shard, weights);
      return (f) => new ExtremeAcc(f, at, f.comparator(shard[at]), sign, wk);
    }
    case 'AVG': {
      const { sumIndex, countIndex } = avgColumns(a);
      const scale = merged[at].decimals ?? 0;
      return (f) => new AvgAcc(new SumAcc(f, sumIndex, isReal(sumIndex)), new CountAcc(f, countIndex), scale);
    }
  }
}

/** Largest DECIMAL scale MySQL produces (DECIMAL_MAX_SCALE) and precision (DECIMAL_MAX_PRECISION). */
const MAX_SCALE = 30, MAX_PRECISION = 65;
/** MySQL's div_precision_increment default: AVG's scale is its argument's + 4. */
const DIV_PRECISION_INCREMENT = 4;
/** SUM(DECIMAL(p, s)) is DECIMAL(p + 22, s) (DECIMAL_LONGLONG_DIGITS). */
const SUM_EXTRA_DIGITS = 22;
/** NOT_FIXED_DEC: a DOUBLE without a fixed number of decimals. */
const NOT_FIXED_DEC = 31;

/**
 * The column definitions MySQL would send for the merged result (all columns, derived included):
 * shard columns as they are, except COUNT typed BIGINT, SUM of integers typed DECIMAL, and AVG typed
 * from its SUM column: DOUBLE for float arguments, else DECIMAL with the argument's scale + 4.
 */
export function mergedColumns(spec: MergeSpec, shard: ColumnInfo[]): ColumnDef[] {
  const out: ColumnDef[] = shard.slice(0, spec.columnCount).map((c) => ({ ...c }));
  const raw = spec.aggregates.some((a) => a.distinct);
  // The shards grouped by the DISTINCT arguments too (a GROUP BY without aggregates), so their
  // columns carry the server's group flag (bit 0x8000), which one server answering the aggregate does not set.
  if (raw) for (const col of out) col.flags = (col.flags ?? 0) & ~ColumnFlag.NUM;
  for (const a of spec.aggregates) {
    const col = out[a.index];
    if (a.distinct && (a.fn === 'COUNT' || a.fn === 'SUM')) {
      // The shards returned x itself (named as the aggregate): the column is the aggregate's, a computed value.
      Object.assign(col, { schema: '', table: '', orgTable: '', orgName: '', charset: Collation.BINARY, flags: ColumnFlag.BINARY | (a.fn === 'COUNT' ? ColumnFlag.NOT_NULL : 0) });
    }
    if (a.fn === 'COUNT') Object.assign(col, { type: ColumnType.LONGLONG, length: 21, decimals: 0 });
    else if (a.fn === 'SUM' && a.distinct && valueKind(col) === 'decimal') {
      // The column holds the raw values: SUM widens DECIMAL(p, s) to DECIMAL(p + 22, s).
      Object.assign(col, { length: Math.min((col.length ?? 0) + SUM_EXTRA_DIGITS, MAX_PRECISION + 2) });
    } else if (a.fn === 'SUM' && valueKind(col) === 'int') {
      Object.assign(col, { type: ColumnType.NEWDECIMAL, length: Math.min((col.length ?? 0) + SUM_EXTRA_DIGITS, MAX_PRECISION + 2), decimals: 0 });
    } else if (a.fn === 'AVG') {
      const sum = shard[avgColumns(a).sumIndex];
      if (valueKind(sum) === 'real') {
        Object.assign(col, { type: ColumnType.DOUBLE, length: 23, decimals: NOT_FIXED_DEC });
      } else {
        // length = precision + '.' (when scaled) + sign; AVG precision = argument's + 4 = SUM's - 22 + 4.
        const sumScale = valueKind(sum) === 'int' ? 0 : sum.decimals;
        const sumPrecision = sum.length - (sumScale > 0 ? 1 : 0) - 1;
        const scale = Math.min(sumScale + DIV_PRECISION_INCREMENT, MAX_SCALE);
        const precision = Math.min(Math.max(sumPrecision - SUM_EXTRA_DIGITS, 1) + DIV_PRECISION_INCREMENT, MAX_PRECISION);
        Object.assign(col, { type: ColumnType.NEWDECIMAL, length: precision + 2, decimals: scale });
      }
    }
  }
  return out;
}
