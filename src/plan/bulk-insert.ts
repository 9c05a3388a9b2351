// A multi-row INSERT split by splicing its text: each row tuple `( ... )` goes to its target as the
// client wrote it (its character range copied, a generated key written in where one is due), and a
// target's tuples are joined after the statement's head and followed by its tail (ON DUPLICATE KEY
// UPDATE ...). Nothing of the rows is parsed or printed and nothing is kept: a bulk load of thousands
// of rows per statement costs a scan of its text, not an AST, a template and a program per literal.
//
// The head and the tail are planned as a one-row statement (head + first tuple + tail): its analysis
// checks the table, its rule, the column list, the first row's key and the tail as any INSERT's is
// checked, renders the head and tail per target, and is small and repeats across a bulk load, so it
// is cached. An INSERT into a broadcast table or a table without a rule goes out as written where
// its one-row form does. Rows the scan cannot place on its own (a key that is not a plain literal, a
// subquery, a qualified name, `?` markers, rows of unequal width) leave the statement to the general
// planner, unchanged.
//
//   INSERT INTO t (id, v) VALUES (1, 'a'), (2, f(x)), (3, 'c') ON DUPLICATE KEY UPDATE v = 'z'
//   |-------- head ---------------|tuple|  |tuple-|  |tuple|  |---------- tail ------------|
import type { ShardedSchema } from '../config/types';
import { K } from '../sql/keywords';
import { T, TokenBuffer, unescapeString } from '../sql/lexer';
import { parse, releaseParseMemory } from '../sql/parser';
import { scanFast } from '../sql/scanner';
import { render, type Op } from '../rewrite/program';
import type { Analysis } from './analyze';
import { defaultKeyGenerator, EVERY_PARTITION, EVERY_PARTITION_SAME, insertTarget, isVerbatim, unitContext } from './bind';
import type { PlanCache } from './cache';
import { cachedAnalysis } from './cached-analysis';
import { missingShardKey } from './errors';
import { placeValue } from './placement';
import type { Bound } from './template';
import type { SnowflakeGenerator } from './snowflake';
import type { ParamValue, RouteKind, RouteUnit, ShardPlan } from './types';

// Token kinds by role, as bits of one table indexed by kind (a lookup per token of the rows).
const LITERAL = 1, NUMBER = 2;
const ROLE = (() => {
  const kinds: [number, number[]][] = [
    // An item that needs no parse: a literal MySQL takes as written.
    [LITERAL, [T.INT, T.DECIMAL, T.FLOAT, T.STRING, T.DSTRING, T.NSTRING, T.HEXSTR, T.BITSTR, T.HEXNUM, T.BITNUM, K.NULL, K.DEFAULT, K.TRUE, K.FALSE]],
    [NUMBER, [T.INT, T.DECIMAL, T.FLOAT]],
  ];
  const table = new Uint8Array(Math.max(...kinds.flatMap(([, ks]) => ks)) + 1);
  for (const [bit, ks] of kinds) for (const k of ks) table[k] |= bit;
  return table;
})();
const is = (k: number, bit: number): boolean => k < ROLE.length && (ROLE[k] & bit) !== 0;

/** Tokens of the statement being planned (released after each: a long statement's tokens are not kept). */
const buf = new TokenBuffer();

/** The row tuples of a multi-row INSERT: token indexes of each tuple's `(` and `)`. */
export interface Tuples {
  open: number[];
  close: number[];
}

/**
 * Finds the row tuples of `INSERT|REPLACE ... VALUES|VALUE (...), (...) ...` in scanned tokens, or
 * null for any other statement, and for a tuple holding a subquery, a qualified name, a `?` marker
 * or unlexable text.
 */
export function findTuples(buf: TokenBuffer): Tuples | null {
  const { kinds, count } = buf;
  if (count === 0 || (kinds[0] !== K.INSERT && kinds[0] !== K.REPLACE)) return null;
  let i = 1;
  for (let depth = 0; i < count; i++) {
    const k = kinds[i];
    if (k === T.LPAREN) depth++;
    else if (k === T.RPAREN) depth--;
    else if (depth === 0 && (k === K.VALUES || k === K.VALUE)) break;
    else if (k === K.SELECT || k === K.SET) return null;
  }
  if (i >= count) return null;
  i++;
  const out: Tuples = { open: [], close: [] };
  while (i < count && kinds[i] === T.LPAREN) {
    let j = i;
    for (let depth = 0; j < count; j++) {
      const k = kinds[j];
      if (k === T.LPAREN) depth++;
      else if (k === T.RPAREN) {
        if (--depth === 0) break;
      } else if (k === K.SELECT || k === T.PARAM || k === T.ERROR || k === T.DOT) return null; // DOT: a qualified name, renamed per target
    }
    if (j >= count) return null;
    out.open.push(i);
    out.close.push(j);
    i = j + 1;
    if (kinds[i] !== T.COMMA || kinds[i + 1] !== T.LPAREN) break;
    i++;
  }
  return out.open.length > 0 ? out : null;
}

/** The key value of a one-item token range [from, to): a number or string literal, 'null' for NULL or DEFAULT, undefined for anything else. */
function keyValue(from: number, to: number): ParamValue | 'null' | undefined {
  const { kinds, starts, ends, source } = buf;
  let neg = false;
  if (to - from === 2 && kinds[from] === T.MINUS && is(kinds[from + 1], NUMBER)) {
    neg = true;
    from++;
  } else if (to - from !== 1) return undefined;
  const k = kinds[from];
  const text = (): string => source.slice(starts[from], ends[from]);
  switch (k) {
    case K.NULL:
    case K.DEFAULT:
      return 'null';
    case T.STRING:
    case T.DSTRING:
      return unescapeString(source, starts[from], ends[from]);
    case T.INT: {
      // As the template path reads a key: a number up to 15 digits (exact), a BigInt beyond.
      const v = ends[from] - starts[from] <= 15 ? Number(text()) : BigInt(text());
      return neg ? -v : v;
    }
    case T.DECIMAL:
    case T.FLOAT:
      return neg ? -Number(text()) : Number(text());
    default:
      return undefined;
  }
}

/** Is the token range [from, to) one literal, or a minus sign and a number? */
function isLiteral(kinds: Int32Array, from: number, to: number): boolean {
  if (to - from === 1) return is(kinds[from], LITERAL);
  return to - from === 2 && (kinds[from] === T.MINUS || kinds[from] === T.PLUS) && is(kinds[from + 1], NUMBER);
}

/**
 * Plans a multi-row VALUES INSERT into a sharded table by splicing its tuples, or returns null when
 * the general planner must do it (another statement or table kind, or rows the scan cannot place).
 */
export function planBulkInsert(sql: string, schema: ShardedSchema, opts: { cache?: PlanCache; keys?: SnowflakeGenerator }): ShardPlan | null {
  try {
    scanFast(buf, sql);
    return splice(sql, schema, opts);
  } finally {
    buf.release();
  }
}

function splice(sql: string, schema: ShardedSchema, opts: { cache?: PlanCache; keys?: SnowflakeGenerator }): ShardPlan | null {
  const tuples = findTuples(buf);
  if (tuples === null || tuples.open.length < 2) return null;
  const { kinds, starts, ends } = buf;
  const rows = tuples.open.length;
  const headEnd = starts[tuples.open[0]];
  const tailStart = ends[tuples.close[rows - 1]];
  const head = sql.slice(0, headEnd);
  const tail = sql.slice(tailStart);
  const { a, bound } = cachedAnalysis(head + sql.slice(headEnd, ends[tuples.close[0]]) + tail, [], schema, opts.cache);
  if (a.space.k !== 'sharded') return sameEverywhere(sql, schema, a, bound);
  const ins = a.insert;
  if (!ins?.values || ins.fromSelect || a.nested.length > 0) return null;
  const rule = a.space.rule;
  const { keyAt, genAt, addGen } = ins.values;
  const keyIsGen = rule.keyGenerator !== undefined && rule.keyGenerator.column.toLowerCase() === rule.shardKey.toLowerCase();

  // Each tuple's text for its target, and the target: one pass over its tokens, item by item.
  const P = schema.partitions.length;
  const N = rule.tablesPerPartition;
  const byTarget = new Map<number, string[]>();
  const generated: bigint[] = [];
  let width = -1;
  let check: number[] | null = null;
  for (let r = 0; r < rows; r++) {
    const open = tuples.open[r];
    const close = tuples.close[r];
    let item = 0;
    let first = open + 1;
    let depth = 0;
    let key: ParamValue | 'null' | undefined;
    let genNull = false;
    let genFrom = 0;
    let genTo = 0;
    let literal = true;
    for (let j = open + 1; j <= close; j++) {
      const k = kinds[j];
      if (j < close && (depth > 0 || k !== T.COMMA)) {
        if (k === T.LPAREN) depth++;
        else if (k === T.RPAREN) depth--;
        continue;
      }
      if (j === first) return null; // an empty item or `()`: the general planner answers it
      if (!isLiteral(kinds, first, j)) literal = false;
      if (item === keyAt) key = keyValue(first, j);
      if (item === genAt && j - first === 1 && (kinds[first] === K.NULL || kinds[first] === K.DEFAULT)) {
        genNull = true;
        genFrom = starts[first];
        genTo = ends[first];
      }
      item++;
      first = j + 1;
    }
    if (width < 0) width = item;
    else if (item !== width) return null; // MySQL's 1136 names the row: leave it to the general planner
    // Rows of expressions (functions, arithmetic) are checked by the grammar before any of them is sent.
    if (!literal && r > 0) (check ??= []).push(r);

    let text = sql.slice(starts[open], ends[close]);
    let id: bigint | undefined;
    if (addGen || genNull) {
      id = (opts.keys ?? defaultKeyGenerator()).next();
      generated.push(id);
      text = addGen
        ? text.slice(0, -1) + ', ' + id + ')'
        : sql.slice(starts[open], genFrom) + id + sql.slice(genTo, ends[close]);
    }
    let v: ParamValue;
    if (keyAt < 0 || key === 'null') {
      if (!keyIsGen || id === undefined) {
        if (keyAt >= 0 && key === 'null') throw missingShardKey(ins.table, ins.keyColumn, r + 1);
        return null;
      }
      v = id;
    } else if (key === undefined) return null; // a key the general planner reads (or refuses) from the AST
    else v = key;
    const g = insertTarget(placeValue(rule, P, v), v, ins.table, ins.keyColumn, r + 1);
    let list = byTarget.get(g);
    if (!list) byTarget.set(g, (list = []));
    list.push(text);
  }
  if (check) {
    try {
      parse(head + check.map((r) => sql.slice(starts[tuples.open[r]], ends[tuples.close[r]])).join(', ') + tail);
    } catch {
      return null; // the general planner reports the error as it does for any statement
    } finally {
      releaseParseMemory();
    }
  }

  const at = a.cut.findIndex((op) => typeof op === 'object' && 'list' in op && op.list === ins.list);
  if (at < 0) throw new Error('BUG: the analysis of a VALUES INSERT has no row list');
  const before: Op[] = a.cut.slice(0, at);
  const after: Op[] = a.cut.slice(at + 1);
  const targets = [...byTarget.keys()].sort((x, y) => x - y);
  const units: RouteUnit[] = [];
  for (const g of targets) {
    const ctx = unitContext(a, bound, g, N);
    units.push({ partition: Math.floor(g / N), sql: render(before, ctx) + byTarget.get(g)!.join(', ') + render(after, ctx) });
  }
  const route: RouteKind = units.length === 1 ? 'single' : units.length === P * N ? 'broadcast' : 'multi';
  const plan: ShardPlan = {
    route,
    units,
    primary: a.primary,
    returnsRows: a.returnsRows,
    merge: null,
    sameChangeEverywhere: a.sameChangeEverywhere,
    steps: units.length > 1 ? ['add up affected rows'] : [],
  };
  if (N > 1) plan.tables = targets.map((g) => g % N);
  if (generated.length > 0) plan.generatedIds = generated;
  return plan;
}

/**
 * A multi-row INSERT into a broadcast table (every partition) or a table without a rule (the default
 * partition) goes out as written when its one-row form does: its tuples hold no names to rewrite.
 */
function sameEverywhere(sql: string, schema: ShardedSchema, a: Analysis, bound: Bound): ShardPlan | null {
  if (a.space.k === 'sharded' || !(a.verbatim ??= isVerbatim(a, bound))) return null;
  const partitions = a.space.k === 'one' ? [a.space.partition] : schema.partitions.map((_, p) => p);
  const several = partitions.length > 1;
  return {
    route: several ? 'broadcast' : 'single',
    units: partitions.map((partition) => ({ partition, sql })),
    primary: a.primary,
    returnsRows: a.returnsRows,
    merge: null,
    sameChangeEverywhere: a.sameChangeEverywhere,
    steps: several ? [a.sameChangeEverywhere ? EVERY_PARTITION_SAME : EVERY_PARTITION] : [],
  };
}
