// Shard key conditions: what a WHERE (and inner-join ON) clause says about the shard key, as a tree
// over template slots, evaluated per execution into the set of targets the statement must reach.
import type * as A from '../sql/ast';
import { boundNumber, placeInterval, placeValue, type ShardRule } from './placement';
import type { ParamValue } from './types';

/** A key value in the template: slot `slot` (negated when written `-?`), or a literal kept in the text. */
export type ValueRef = { slot: number; neg: boolean } | { lit: ParamValue };

/**
 * What a condition says about the key. any: nothing (all targets); eq: one of these values (list: the
 * IN list to cut per target, when the IN is reachable through ANDs only); range: an inclusive interval.
 */
export type Cond =
  | { k: 'any' }
  | { k: 'eq'; refs: ValueRef[]; list?: number }
  | { k: 'range'; lo?: ValueRef; hi?: ValueRef }
  | { k: 'and' | 'or'; parts: Cond[] };

export const ANY: Cond = { k: 'any' };

/** A value expression usable for routing: `?`, `-?`, or a number or string kept in the text. */
export function valueRef(e: A.Expr): ValueRef | null {
  if (e.type === 'Param') return { slot: e.index, neg: false };
  if (e.type === 'Unary' && e.op === '-' && e.operand.type === 'Param') return { slot: e.operand.index, neg: true };
  if (e.type === 'Number') return { lit: /^\d+$/.test(e.value) ? BigInt(e.value) : Number(e.value) };
  if (e.type === 'Unary' && e.op === '-' && e.operand.type === 'Number') return { lit: -Number(e.operand.value) };
  if (e.type === 'String' && e.charset === undefined) return { lit: e.value };
  return null;
}

/** Registers an IN list as cuttable; returns its id. */
export type ListRegistry = (node: A.In) => number;

const FLIP: Record<string, string> = { '<': '>', '<=': '>=', '>': '<', '>=': '<=' };

/** The key condition of `e`. isKey tells whether a column is a shard key of the statement's space. */
export function keyCondition(e: A.Expr | undefined, isKey: (c: A.Column) => boolean, lists: ListRegistry, andPath = true): Cond {
  if (!e) return ANY;
  switch (e.type) {
    case 'Binary': {
      if (e.op === 'AND') return and([keyCondition(e.left, isKey, lists, andPath), keyCondition(e.right, isKey, lists, andPath)]);
      if (e.op === 'OR') return or([keyCondition(e.left, isKey, lists, false), keyCondition(e.right, isKey, lists, false)]);
      let op: string = e.op;
      let col = e.left;
      let val = e.right;
      if (col.type !== 'Column' || !isKey(col)) {
        col = e.right;
        val = e.left;
        op = FLIP[op] ?? op;
      }
      if (col.type !== 'Column' || !isKey(col)) return ANY;
      const ref = valueRef(val);
      if (!ref) return ANY;
      if (op === '=' || op === '<=>') return { k: 'eq', refs: [ref] };
      if (op === '<' || op === '<=') return { k: 'range', hi: ref };
      if (op === '>' || op === '>=') return { k: 'range', lo: ref };
      return ANY;
    }
    case 'In': {
      if (e.not || e.expr.type !== 'Column' || !isKey(e.expr)) return ANY;
      const refs: ValueRef[] = [];
      for (const item of e.list) {
        const r = valueRef(item);
        if (!r) return ANY;
        refs.push(r);
      }
      return andPath ? { k: 'eq', refs, list: lists(e) } : { k: 'eq', refs };
    }
    case 'Between': {
      if (e.not || e.expr.type !== 'Column' || !isKey(e.expr)) return ANY;
      const lo = valueRef(e.low);
      const hi = valueRef(e.high);
      return lo && hi ? { k: 'range', lo, hi } : ANY;
    }
    default:
      return ANY;
  }
}

export function and(parts: Cond[]): Cond {
  const kept = parts.filter((p) => p.k !== 'any');
  if (kept.length === 0) return ANY;
  return kept.length === 1 ? kept[0] : { k: 'and', parts: kept };
}

export function or(parts: Cond[]): Cond {
  if (parts.some((p) => p.k === 'any')) return ANY;
  return { k: 'or', parts };
}

/** A slot's value, negated for `-?`. */
export function refValue(ref: ValueRef, value: (slot: number) => ParamValue): ParamValue {
  if ('lit' in ref) return ref.lit;
  const v = value(ref.slot);
  if (!ref.neg || v === null) return v;
  if (typeof v === 'bigint') return -v;
  if (typeof v === 'number') return -v;
  return -Number(v);
}

/** Targets a condition allows: a set of target indexes or 'all'. */
export type Targets = Set<number> | 'all';

/** Evaluate a condition against the values of one execution. */
export function evaluate(c: Cond, rule: ShardRule, partitions: number, value: (slot: number) => ParamValue): Targets {
  switch (c.k) {
    case 'any':
      return 'all';
    case 'eq': {
      const out = new Set<number>();
      for (const r of c.refs) {
        const p = placeValue(rule, partitions, refValue(r, value));
        if (p === 'all') return 'all';
        if (p !== 'none') out.add(p);
      }
      return out;
    }
    case 'range':
      return interval(rule, partitions, [c], value);
    case 'or': {
      const out = new Set<number>();
      for (const p of c.parts) {
        const t = evaluate(p, rule, partitions, value);
        if (t === 'all') return 'all';
        for (const x of t) out.add(x);
      }
      return out;
    }
    case 'and': {
      const ranges = c.parts.filter((p): p is Extract<Cond, { k: 'range' }> => p.k === 'range');
      let acc: Targets = ranges.length > 0 ? interval(rule, partitions, ranges, value) : 'all';
      for (const p of c.parts) {
        if (p.k === 'range') continue;
        const t = evaluate(p, rule, partitions, value);
        if (t === 'all') continue;
        acc = acc === 'all' ? t : new Set([...acc].filter((x) => t.has(x)));
      }
      return acc;
    }
  }
}

/** The targets of the intersection of intervals (bounds of one AND merged before placing). */
function interval(rule: ShardRule, partitions: number, ranges: Extract<Cond, { k: 'range' }>[], value: (slot: number) => ParamValue): Targets {
  let lo = -Infinity;
  let hi = Infinity;
  for (const r of ranges) {
    if (r.lo) {
      const n = boundNumber(rule, refValue(r.lo, value));
      if (n === null) return 'all';
      lo = Math.max(lo, n);
    }
    if (r.hi) {
      const n = boundNumber(rule, refValue(r.hi, value));
      if (n === null) return 'all';
      hi = Math.min(hi, n);
    }
  }
  return placeInterval(rule, partitions, lo, hi);
}
