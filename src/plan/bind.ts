// From an analysis (per template, cached) and one statement's values to its plan: the targets the
// values select, each unit's SQL rendered from the rewrite program, and the bound merge spec.
import type { ShardedSchema } from '../config/types';
import type { MergeSpec, PostExpr } from '../merge/spec';
import { render, type Op, type RenderContext } from '../rewrite/program';
import type { HavingTemplate, LimitRef } from '../rewrite/select';
import { selectRewrite, type Analysis } from './analyze';
import { evaluate, refValue } from './conditions';
import { deepLimit, notSupported } from './errors';
import { integerValue, placeValue, type Placement } from './placement';
import { SnowflakeGenerator } from './snowflake';
import { slotKeyValue, slotText, slotValue, withLiterals, type Bound } from './template';
import type { ParamValue, RouteKind, RouteUnit, ShardPlan } from './types';
import { bindUnion } from './union';

export interface BindOptions {
  /** Fills keyGenerator columns (default: one generator of node 0, made on first need). */
  keys?: SnowflakeGenerator;
}

let defaultKeys: SnowflakeGenerator | undefined;

/** The merge step of a plan with one unit on every partition (a broadcast write reports one count). */
export const EVERY_PARTITION_SAME = 'same change on every partition: report one affected-rows count';
export const EVERY_PARTITION = 'every partition';

/** The key generator of plans made without one: node 0, made on first need. */
export function defaultKeyGenerator(): SnowflakeGenerator {
  return (defaultKeys ??= new SnowflakeGenerator({ nodeId: 0 }));
}

/** The plan of one execution of an analysed template. */
export function bind(a: Analysis, b: Bound, schema: ShardedSchema, opts: BindOptions): ShardPlan {
  const t = a.template;
  const P = schema.partitions.length;
  const plan: ShardPlan = {
    route: 'single',
    units: [],
    primary: a.primary,
    returnsRows: a.returnsRows,
    merge: null,
    sameChangeEverywhere: a.sameChangeEverywhere,
    steps: [],
  };

  // One-target plans first: they allocate no render context when the text goes out as it came.
  const space = a.space;
  a.verbatim ??= isVerbatim(a, b);
  if (space.k === 'one') {
    plan.units.push({ partition: space.partition, sql: a.verbatim ? b.sql : render(a.plain, unitContext(a, b, 0, 1)) });
    if (b.params.length > 0) plan.asWritten = a.asWritten ??= rendersAsWritten(a, b);
    return plan;
  }
  if (a.point === undefined) a.point = pointRoute(a);
  if (a.point !== null && space.k === 'sharded') {
    // The hot path (a point select or write by its key): one placement, no condition tree, no set.
    const g = placeValue(space.rule, P, slotKeyValue(t, b, a.point.slot));
    if (typeof g === 'number') {
      const N = space.rule.tablesPerPartition;
      plan.units.push({ partition: Math.floor(g / N), sql: a.verbatim ? b.sql : render(a.plain, unitContext(a, b, g, N)) });
      if (N > 1) plan.tables = [g % N];
      if (b.params.length > 0) plan.asWritten = a.asWritten ??= rendersAsWritten(a, b);
      return plan;
    }
  }

  const value = (slot: number): ParamValue => slotValue(t, b, slot);
  const ctx = unitContext(a, b, 0, 1);
  if (space.k === 'everywhere') {
    const sql = render(a.plain, ctx);
    for (let p = 0; p < P; p++) plan.units.push({ partition: p, sql });
    plan.route = P > 1 ? 'broadcast' : 'single';
    if (P > 1) plan.steps.push(a.sameChangeEverywhere ? EVERY_PARTITION_SAME : EVERY_PARTITION);
    return plan;
  }

  if (a.union) {
    const union = bindUnion(a, schema, value, ctx, (r) => limitValue(r, value));
    if (union) return union;
  }
  const rule = space.rule;
  const N = rule.tablesPerPartition;
  const total = P * N;
  ctx.tablesPerPartition = N;
  let targets: number[];
  let rowTargets: number[] | null = null;
  const generated: bigint[] = [];
  const genById = new Map<number, bigint>();

  if (a.insert) {
    const ins = a.insert;
    for (const r of ins.genRows) {
      const id = (opts.keys ?? defaultKeyGenerator()).next();
      genById.set(r, id);
      generated.push(id);
    }
    // INSERT ... SELECT copying the key column has rowKeys ['gen'] and no generated id: the source decides.
    rowTargets = ins.fromSelect && ins.rowKeys[0] === 'gen' ? [] : ins.rowKeys.map((k, r) => {
      const v = k === 'gen' ? genById.get(r)! : refValue(k, value);
      return insertTarget(placeValue(rule, P, v), v, ins.table, ins.keyColumn, r + 1);
    });
    if (ins.fromSelect) {
      const src = evaluate(ins.fromSelect, rule, P, value);
      const one = src === 'all' ? null : [...src];
      if (!one || one.length !== 1 || (rowTargets.length > 0 && one[0] !== rowTargets[0]))
        throw notSupported(
          `INSERT ... SELECT into sharded table ${ins.table} is supported only within one shard: the SELECT must name one shard key value, the same one it inserts`,
        );
      rowTargets = [one[0]];
    }
    targets = [...new Set(rowTargets)].sort((x, y) => x - y);
    if (generated.length > 0) plan.generatedIds = generated;
  } else if (space.every) {
    targets = Array.from({ length: total }, (_, i) => i);
  } else {
    const got = evaluate(a.cond, rule, P, value);
    targets = got === 'all' ? Array.from({ length: total }, (_, i) => i) : [...got].sort((x, y) => x - y);
    // No target can hold a matching row: one unit still answers (an empty result, 0 rows affected).
    if (targets.length === 0) targets = [0];
  }

  for (const n of a.nested) {
    const got = evaluate(n.cond, rule, P, value);
    if (targets.length !== 1 || got === 'all' || [...got].some((x) => x !== targets[0]))
      throw notSupported(
        `a subquery on sharded table ${n.table} is not supported across shards: give it (and the outer query) a condition on the shard key naming one value, or join the tables of one bindingGroup on their keys instead`,
      );
  }
  if (a.plainWithSharded !== null && targets.some((g) => Math.floor(g / N) !== schema.defaultPartition))
    throw notSupported(
      `JOIN of sharded tables with ${a.plainWithSharded} is not supported across partitions: ${a.plainWithSharded} has no rule and lives on partition ${schema.defaultPartition}; make it a broadcast table`,
    );
  if (targets.length > 1 && a.stmt.type === 'union')
    throw notSupported('UNION over sharded tables across shards is not supported: run the SELECTs separately, or give each a shard key condition naming the same shard');
  if (targets.length > 1 && a.orderedWrite)
    throw notSupported(`${a.stmt.type.toUpperCase()} with ORDER BY or LIMIT across shards is not supported: add a shard key condition naming one value, or drop ORDER BY/LIMIT`);

  let program: Op[] = a.insert || targets.length > 1 ? a.cut : a.plain;
  const multiRead = targets.length > 1 && a.returnsRows;
  if (multiRead) {
    const sel = selectRewrite(a);
    if (!sel) throw notSupported('this statement is not supported across shards: give it a shard key condition naming one value');
    program = sel.ops;
    const offset = limitValue(sel.offset, value);
    const limit = sel.limit ? limitValue(sel.limit, value) : null;
    if (sel.widened && limit !== null) {
      const rows = offset + limit;
      if (rows > BigInt(schema.maxLimitRows)) throw deepLimit(rows, schema.maxLimitRows);
      ctx.computed = (id) => (id === 'limit' ? `LIMIT ${rows}` : '');
    }
    const merge: MergeSpec = {
      ...sel.merge,
      having: sel.having ? bindHaving(sel.having, value) : null,
      offset: Number(offset),
      limit: limit === null ? null : Number(limit),
    };
    plan.merge = merge;
    plan.steps.push(...sel.steps);
    if (limit !== null || offset > 0n) plan.steps.push(`offset ${offset}, limit ${limit ?? 'none'}`);
  }
  if (genById.size > 0) {
    const old = ctx.computed;
    ctx.computed = (id) => (id.startsWith('gen:') ? genById.get(Number(id.slice(4)))!.toString() : old(id));
  }
  const lists = a.lists;
  const units: RouteUnit[] = [];
  const tables: number[] = [];
  for (const g of targets) {
    ctx.target = g;
    ctx.tableIndex = g % N;
    ctx.keeps = rowTargets
      ? (list, item) => (list === a.insert!.list ? rowTargets![item] === g : true)
      : (list, item) => {
          const p = placeValue(rule, P, refValue(lists[list][item], value));
          return p === g || p === 'all';
        };
    units.push({ partition: Math.floor(g / N), sql: render(program, ctx) });
    tables.push(g % N);
  }
  plan.units = units;
  if (N > 1) plan.tables = tables;
  // Every row of an INSERT goes to one partition: an execute may go there as the client sent it
  // (its values not re-encoded into SQL: a binary value would double as hex).
  if (a.insert && units.length === 1 && genById.size === 0 && b.params.length > 0) plan.asWritten = a.asWritten ??= rendersAsWritten(a, b);
  const route: RouteKind = units.length === 1 ? 'single' : units.length === total ? 'broadcast' : 'multi';
  plan.route = route;
  if (units.length > 1 && !a.returnsRows) plan.steps.push('add up affected rows');
  return plan;
}

/** What render() needs for the unit of target g (N tables per partition); the general path adjusts it per unit. */
export function unitContext(a: Analysis, b: Bound, g: number, N: number): RenderContext & { target: number } {
  const t = a.template;
  return { target: g, slotText: (i) => slotText(t, b, i), tableIndex: g % N, tablesPerPartition: N, keeps: () => true, computed: () => '' };
}

/** Statements whose one target is named by a single `key = value` slot (see Analysis.point). */
export function pointRoute(a: Analysis): { slot: number } | null {
  if (a.space.k !== 'sharded' || a.space.every || a.insert || a.union || a.nested.length > 0 || a.plainWithSharded !== null) return null;
  const c = a.cond;
  if (c.k !== 'eq' || c.refs.length !== 1) return null;
  const ref = c.refs[0];
  return 'slot' in ref && !ref.neg ? { slot: ref.slot } : null;
}

/**
 * Does the plain program give back the statement's own text for every execution? Only literal
 * slots (no bound parameters), text and table names that the program writes as the statement does
 * (one table per partition). Checked once, with a marker in place of each literal, so the answer
 * does not depend on this execution's values.
 */
export function isVerbatim(a: Analysis, b: Bound): boolean {
  const t = a.template;
  if (b.params.length > 0 || t.slots.some((s) => !('lit' in s))) return false;
  for (const op of a.plain) if (typeof op !== 'string' && !('slot' in op) && !('table' in op)) return false;
  if (a.space.k === 'sharded' && a.space.rule.tablesPerPartition > 1) return false;
  const marker = (i: number) => `\u0000${i}\u0000`;
  const expected = withLiterals(b, marker);
  const slotLit = (i: number) => (t.slots[i] as { lit: number }).lit;
  const rendered = render(a.plain, { ...unitContext(a, b, 0, 1), slotText: (i) => marker(slotLit(i)) });
  return rendered === expected;
}

/**
 * Does the plain program give back the statement's own text when every slot prints its source text
 * (a literal as written, `?` for a marker)? Then no part of the text is renamed or rewritten, for any
 * values: the template is the same for every execution of this analysis.
 */
function rendersAsWritten(a: Analysis, b: Bound): boolean {
  if (a.space.k === 'sharded' && a.space.rule.tablesPerPartition > 1) return false;
  for (const op of a.plain) if (typeof op !== 'string' && !('slot' in op) && !('table' in op)) return false;
  const t = a.template;
  const source = (i: number): string => {
    const s = t.slots[i];
    return 'lit' in s ? b.sql.slice(b.litSpans[2 * s.lit], b.litSpans[2 * s.lit + 1]) : '?';
  };
  return render(a.plain, { ...unitContext(a, b, 0, 1), slotText: source }) === b.sql;
}

/** The target of an INSERT row whose key value placed as p; a value no target takes is refused with the row's number. */
export function insertTarget(p: Placement, v: ParamValue, table: string, key: string, row: number): number {
  if (typeof p === 'number') return p;
  const shown = v === null ? 'NULL' : Buffer.isBuffer(v) ? `0x${v.toString('hex')}` : String(v);
  throw notSupported(
    p === 'none'
      ? `the shard key value ${shown} of row ${row} (${table}.${key}) matches no partition of the table's rule: extend the rule's ranges or values`
      : `the shard key value ${shown} of row ${row} (${table}.${key}) cannot be placed by the table's rule: give a value of the key's type`,
  );
}

function limitValue(r: LimitRef | null, value: (slot: number) => ParamValue): bigint {
  if (r === null) return 0n;
  if ('value' in r) return r.value;
  const v = integerValue(value(r.slot));
  if (v === null || v < 0n) throw notSupported('LIMIT needs a non-negative integer');
  return v;
}

function bindHaving(h: HavingTemplate, value: (slot: number) => ParamValue): PostExpr {
  if (h.op === 'slot') {
    const s = h as { slot: number; neg: boolean };
    let v = refValue({ slot: s.slot, neg: s.neg }, value);
    if (typeof v === 'bigint') v = Number.isSafeInteger(Number(v)) ? Number(v) : v.toString();
    if (Buffer.isBuffer(v)) v = v.toString('utf8');
    return { op: 'lit', value: v as string | number | null };
  }
  const out: Record<string, unknown> = { ...h };
  for (const k of ['args', 'list']) if (Array.isArray(out[k])) out[k] = (out[k] as HavingTemplate[]).map((x) => bindHaving(x, value));
  for (const k of ['arg', 'left', 'right', 'low', 'high']) if (out[k]) out[k] = bindHaving(out[k] as HavingTemplate, value);
  return out as PostExpr;
}
