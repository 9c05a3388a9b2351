// HAVING (and any condition over merged rows) evaluated with MySQL's semantics: NULL propagates
// through arithmetic and comparisons, AND/OR/XOR/NOT use three-valued logic, numbers compare exactly
// (integers and decimals as scaled BigInt; any FLOAT/DOUBLE operand makes it a double comparison), a
// string compared with a number is converted to a double (its leading numeric prefix, else 0), two
// strings compare by the column's collation. A row is kept only when the condition is true.
import type { ColumnDef } from '../protocol/packets';
import type { PostExpr } from './spec';
import { valueKind } from './compare';
import type { ValueComparator } from './value-comparator';
import {
  addDecimal, compareDecimals, divideDecimal, mulDecimal, negDecimal, parseDecimal, type Decimal,
} from './decimal';
import type { RowFormat } from './row-format';
import { rowView, type RowSink } from './row-sink';

/** A SQL value during evaluation; strings carry the collation they compare by. */
type Value =
  | null
  | { k: 'int'; v: bigint }
  | { k: 'dec'; v: Decimal }
  | { k: 'real'; v: number }
  | { k: 'str'; v: string; cmp: ValueComparator | null };

/** MySQL's div_precision_increment: a / b has a's scale + 4. */
const DIV_PRECISION_INCREMENT = 4;

const TRUE: Value = { k: 'int', v: 1n };
const FALSE: Value = { k: 'int', v: 0n };
const bool = (b: boolean | null): Value => (b === null ? null : b ? TRUE : FALSE);

/** A string's numeric value as MySQL converts it: its longest numeric prefix, else 0. */
function stringToDouble(s: string): number {
  const n = parseFloat(s);
  return Number.isNaN(n) ? 0 : n;
}

function toDouble(x: Exclude<Value, null>): number {
  switch (x.k) {
    case 'int': return Number(x.v);
    case 'dec': return Number(x.v.units) / 10 ** x.v.scale;
    case 'real': return x.v;
    case 'str': return stringToDouble(x.v);
  }
}

function toDecimal(x: { k: 'int'; v: bigint } | { k: 'dec'; v: Decimal }): Decimal {
  return x.k === 'int' ? { units: x.v, scale: 0 } : x.v;
}

/** Truth value: non-zero is true; NULL is unknown. */
function truth(x: Value): boolean | null {
  if (x === null) return null;
  switch (x.k) {
    case 'int': return x.v !== 0n;
    case 'dec': return x.v.units !== 0n;
    default: return toDouble(x) !== 0;
  }
}

function compareValues(a: Value, b: Value): number | null {
  if (a === null || b === null) return null;
  if (a.k === 'str' && b.k === 'str') {
    const cmp = a.cmp ?? b.cmp;
    const x = Buffer.from(a.v), y = Buffer.from(b.v);
    if (cmp) return cmp.compare(x, 0, x.length, y, 0, y.length);
    return x.compare(y);
  }
  if (a.k === 'real' || b.k === 'real' || a.k === 'str' || b.k === 'str') {
    const x = toDouble(a), y = toDouble(b);
    return x < y ? -1 : x > y ? 1 : 0;
  }
  return compareDecimals(toDecimal(a), toDecimal(b));
}

function arithmetic(op: '+' | '-' | '*' | '/', a: Value, b: Value): Value {
  if (a === null || b === null) return null;
  if (a.k === 'real' || b.k === 'real' || a.k === 'str' || b.k === 'str') {
    const x = toDouble(a), y = toDouble(b);
    if (op === '/' && y === 0) return null;
    return { k: 'real', v: op === '+' ? x + y : op === '-' ? x - y : op === '*' ? x * y : x / y };
  }
  if (a.k === 'int' && b.k === 'int' && op !== '/') {
    return { k: 'int', v: op === '+' ? a.v + b.v : op === '-' ? a.v - b.v : a.v * b.v };
  }
  const x = toDecimal(a), y = toDecimal(b);
  switch (op) {
    case '+': return { k: 'dec', v: addDecimal(x, y) };
    case '-': return { k: 'dec', v: addDecimal(x, negDecimal(y)) };
    case '*': return { k: 'dec', v: mulDecimal(x, y) };
    case '/': {
      const q = divideDecimal(x, y, x.scale + DIV_PRECISION_INCREMENT);
      return q === null ? null : { k: 'dec', v: q };
    }
  }
}

function literal(v: string | number | null): Value {
  if (v === null) return null;
  if (typeof v === 'string') return { k: 'str', v, cmp: null };
  if (Number.isInteger(v)) return { k: 'int', v: BigInt(v) };
  return /e/i.test(String(v)) ? { k: 'real', v } : { k: 'dec', v: parseDecimal(String(v)) };
}

/** Evaluates PostExprs over merged rows of known columns. */
export class PostEvaluator {
  private readonly kinds: ReturnType<typeof valueKind>[];
  private readonly cmps: ValueComparator[];
  private readonly offs: Int32Array;
  private row: Buffer = Buffer.alloc(0);

  constructor(private readonly columns: readonly ColumnDef[], private readonly format: RowFormat) {
    this.kinds = columns.map(valueKind);
    this.cmps = columns.map((c) => format.comparator(c));
    this.offs = new Int32Array(2 * columns.length);
  }

  /** true, false or null (unknown) for a row (borrowed for the call). */
  test(expr: PostExpr, row: Buffer): boolean | null {
    this.row = row;
    this.format.locate(row, this.columns.length, this.offs);
    return truth(this.eval(expr));
  }

  private column(i: number): Value {
    const s = this.offs[2 * i];
    if (s < 0) return null;
    const text = this.format.text(this.row, s, this.offs[2 * i + 1]);
    switch (this.kinds[i]) {
      case 'int': return { k: 'int', v: BigInt(text) };
      case 'decimal': return { k: 'dec', v: parseDecimal(text) };
      case 'real': return { k: 'real', v: Number(text) };
      default: return { k: 'str', v: text, cmp: this.cmps[i] };
    }
  }

  private eval(e: PostExpr): Value {
    switch (e.op) {
      case 'col': return this.column(e.index);
      case 'lit': return literal(e.value);
      case 'and': case 'or': {
        // FALSE decides an AND, TRUE decides an OR; otherwise any unknown makes the result unknown.
        const decisive = e.op === 'or';
        let unknown = false;
        for (const a of e.args) {
          const t = truth(this.eval(a));
          if (t === decisive) return bool(decisive);
          if (t === null) unknown = true;
        }
        return unknown ? null : bool(!decisive);
      }
      case 'xor': {
        let odd = false;
        for (const a of e.args) {
          const t = truth(this.eval(a));
          if (t === null) return null;
          odd = odd !== t;
        }
        return bool(odd);
      }
      case 'not': {
        const t = truth(this.eval(e.arg));
        return bool(t === null ? null : !t);
      }
      case 'isnull': return bool(this.eval(e.arg) === null);
      case 'isnotnull': return bool(this.eval(e.arg) !== null);
      case '<=>': {
        const a = this.eval(e.left), b = this.eval(e.right);
        if (a === null || b === null) return bool(a === b);
        return bool(compareValues(a, b) === 0);
      }
      case '=': case '<>': case '<': case '<=': case '>': case '>=': {
        const c = compareValues(this.eval(e.left), this.eval(e.right));
        if (c === null) return null;
        const op = e.op;
        return bool(op === '=' ? c === 0 : op === '<>' ? c !== 0 : op === '<' ? c < 0 : op === '<=' ? c <= 0 : op === '>' ? c > 0 : c >= 0);
      }
      case '+': case '-': case '*': case '/':
        return arithmetic(e.op, this.eval(e.left), this.eval(e.right));
      case 'in': {
        const v = this.eval(e.arg);
        if (v === null) return null;
        let unknown = false, found = false;
        for (const item of e.list) {
          const c = compareValues(v, this.eval(item));
          if (c === 0) {
            found = true;
            break;
          }
          if (c === null) unknown = true;
        }
        const t = found ? true : unknown ? null : false;
        return bool(t === null ? null : t !== e.not);
      }
      case 'between': {
        const v = this.eval(e.arg);
        const lo = compareValues(v, this.eval(e.low)), hi = compareValues(v, this.eval(e.high));
        const geLow = lo === null ? null : lo >= 0, leHigh = hi === null ? null : hi <= 0;
        const t = geLow === false || leHigh === false ? false : geLow === null || leHigh === null ? null : true;
        return bool(t === null ? null : t !== e.not);
      }
    }
  }
}

/** Drops merged rows whose HAVING condition is not true. */
export class HavingFilter implements RowSink {
  constructor(private readonly expr: PostExpr, private readonly evaluator: PostEvaluator, private readonly sink: RowSink) {}

  row(buf: Buffer, start: number, end: number): void {
    if (this.evaluator.test(this.expr, rowView(buf, start, end)) === true) this.sink.row(buf, start, end);
  }

  end(): void {
    this.sink.end();
  }
}
