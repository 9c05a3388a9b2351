// The cross-shard rewrite of a SELECT: what each shard must return so that merging the shard results
// gives exactly the answer of one MySQL holding all rows (MergeSpec, src/merge/spec.ts).
//
//   LIMIT o, n                  -> LIMIT o+n on each shard; offset/limit applied by the merger
//   AVG(x)                      -> kept, plus derived SUM(x), COUNT(x) the merger divides
//   ORDER BY / GROUP BY exprs   -> appended as derived columns when the select list lacks them
//   GROUP BY across shards      -> shards ORDER BY the group key (groups stream sorted); HAVING and
//                                  LIMIT leave the shard SQL and run after the merge
//   GROUP BY holding the key    -> groups are shard-local: aggregates and HAVING stay on the shards
//   DISTINCT                    -> kept on the shards, and the merger de-duplicates
//   keys that may be text       -> WEIGHT_STRING(expr) appended: the merger compares the shards'
//                                  collation weights (exact for any collation; src/merge/weights.ts)
//
// Column indexes: when the select list has a star, its width is unknown here. Then columnCount is
// -1, and every index of a column after the star (derived ones included) is negative, counted from
// the end of the shard result (-1 = last); `visible` is then minus the number of derived columns.
// resolveMergeSpec() (src/plan/merge-indexes.ts) turns such a spec absolute once the width is known.
import type { AggregateFn, AggregateSpec, MergeSpec, OrderKey, PostExpr } from '../merge/spec';
import type * as A from '../sql/ast';
import { stripSpans } from '../sql/ast';
import { notSupported } from '../protocol/errors';
import type { Edit, Op, Splicer } from './program';

/** A LIMIT operand: a template slot or a number kept in the text. */
export type LimitRef = { slot: number } | { value: bigint };

/** A HAVING template: a PostExpr whose literals may still be template slots. */
export type HavingTemplate = PostExpr | { op: 'slot'; slot: number; neg: boolean } | { [k: string]: unknown; op: string };

/** The merge spec of a template; having and offset/limit are bound per execution. */
export interface SelectRewrite {
  ops: Op[];
  merge: Omit<MergeSpec, 'having' | 'offset' | 'limit'>;
  having: HavingTemplate | null;
  offset: LimitRef | null;
  limit: LimitRef | null;
  /** The shard SQL carries LIMIT o+n (computed 'limit'): check it against maxLimitRows. */
  widened: boolean;
  steps: string[];
}

const MERGEABLE = new Set(['COUNT', 'SUM', 'MIN', 'MAX', 'AVG', 'GROUP_CONCAT', 'BIT_AND', 'BIT_OR', 'BIT_XOR']);
const AGGREGATE = new Set([
  ...MERGEABLE, 'STD', 'STDDEV', 'STDDEV_POP', 'STDDEV_SAMP', 'VAR_POP', 'VAR_SAMP',
  'VARIANCE', 'GROUP_CONCAT', 'JSON_ARRAYAGG', 'JSON_OBJECTAGG',
]);

function isAggregate(e: A.Expr): e is A.Call {
  return e.type === 'Call' && !e.over && !e.schema && AGGREGATE.has(e.name.toUpperCase());
}

/** Does the expression contain an aggregate (outside subqueries)? */
export function hasAggregate(node: unknown): boolean {
  if (node === null || typeof node !== 'object') return false;
  if (Array.isArray(node)) return node.some(hasAggregate);
  const n = node as { type?: string };
  if (n.type === 'Subquery' || n.type === 'Exists' || n.type === 'InSubquery' || n.type === 'Quantified') return false;
  if (n.type === 'Call' && isAggregate(n as A.Expr)) return true;
  for (const v of Object.values(n)) if (typeof v === 'object' && hasAggregate(v)) return true;
  return false;
}

/** The aggregate calls in a tree (outside subqueries). */
function aggregateCalls(node: unknown, out: A.Call[] = []): A.Call[] {
  if (node === null || typeof node !== 'object') return out;
  if (Array.isArray(node)) {
    for (const n of node) aggregateCalls(n, out);
    return out;
  }
  const n = node as { type?: string };
  if (n.type === 'Subquery' || n.type === 'Exists' || n.type === 'InSubquery' || n.type === 'Quantified') return out;
  if (n.type === 'Call' && isAggregate(n as A.Expr)) out.push(n as A.Call);
  else for (const v of Object.values(n)) if (typeof v === 'object') aggregateCalls(v, out);
  return out;
}

function shape(e: A.Expr): string {
  return JSON.stringify(stripSpans(e));
}

type ColRef = { item: number } | { derived: number };

/** An aggregate to merge, before its column references become indexes. */
type Agg = { ref: ColRef; fn: AggregateFn; sum?: ColRef; count?: ColRef; distinct?: true; separator?: string; maxLen?: ColRef };

/** Inputs about the statement the rewrite needs. */
export interface SelectContext {
  splicer: Splicer;
  /** Structural edits already decided (IN lists cut per unit), laid under the SELECT's own. */
  base: Edit[];
  /** Is this column a shard key of the statement's tables? */
  isKey(c: A.Column): boolean;
  /** Is it a shard key whose values are numbers (mod, range)? Default: no. */
  isNumericKey?(c: A.Column): boolean;
  /** Template text (to find keywords between spans). */
  text: string;
}

/** Rewrite one top-level SELECT for a cross-shard execution. */
export function rewriteSelect(sel: A.Select, ctx: SelectContext): SelectRewrite {
  const { splicer } = ctx;
  const items = sel.columns;
  const starAt = items.findIndex((i) => i.expr.type === 'Star');
  const derived: Op[][] = [];
  const aggregates: Agg[] = [];
  /** Arguments of COUNT/SUM(DISTINCT x) merged from raw values: the shards also GROUP BY them. */
  const distinctArgs: A.Expr[] = [];
  /** The derived @@group_concat_max_len column, added with the first GROUP_CONCAT. */
  let maxLenRef: ColRef | undefined;
  const steps: string[] = [];
  const edits: Edit[] = [...ctx.base];

  // A clause removed from the shard SQL, with the blanks before it.
  const remove = (start: number, end: number): void => {
    while (start > 0 && /\s/.test(ctx.text[start - 1])) start--;
    edits.push({ start, end, ops: [] });
  };
  const addDerived = (ops: Op[]): ColRef => {
    derived.push(ops);
    return { derived: derived.length - 1 };
  };
  const exprOps = (e: A.Expr | A.SelectItem): Op[] => splicer.build(e.start, e.end);
  /** Select items the shards return as something else (COUNT(DISTINCT x) -> x). */
  const itemOps = new Map<number, Op[]>();
  /** Columns compared in the merge that may hold text: each gets a derived WEIGHT_STRING column. */
  const weighed: { ref: ColRef; expr: A.Expr }[] = [];
  const weigh = (ref: ColRef, expr?: A.Expr): void => {
    const e = expr ?? ('item' in ref ? items[ref.item].expr : null);
    if (e && mayBeText(e, ctx.isNumericKey)) weighed.push({ ref, expr: e });
  };

  // The column of the shard result that holds `e`: a select item, else a derived column.
  const find = (e: A.Expr): ColRef | null => {
    if (e.type === 'Number' && /^\d+$/.test(e.value)) {
      const pos = Number(e.value) - 1;
      if (pos < 0 || pos >= items.length) return null;
      if (starAt >= 0 && pos >= starAt) throw notSupported('a column position after * in ORDER BY/GROUP BY is not supported across shards: name the column');
      return { item: pos };
    }
    if (e.type === 'Column' && !e.table) {
      const i = items.findIndex((it) => it.alias !== undefined && it.alias.toLowerCase() === e.name.toLowerCase());
      if (i >= 0) return { item: i };
    }
    const s = shape(e);
    const i = items.findIndex((it) => it.expr.type !== 'Star' && shape(it.expr) === s);
    return i >= 0 ? { item: i } : null;
  };
  const findOrAdd = (e: A.Expr): ColRef => find(e) ?? addDerived(exprOps(e));
  // After a cross-shard GROUP BY: a derived aggregate must be combined like the selected ones.
  const findOrAddMerged = (e: A.Expr): ColRef => {
    const found = find(e);
    if (found) return found;
    if (hasAggregate(e) && !isAggregate(e)) throw notSupported(`ORDER BY ${ctx.text.slice(e.start, e.end)} across shards is not supported: order by an aggregate itself or by a selected column`);
    const ref = addDerived(exprOps(e));
    if (isAggregate(e)) aggregates.push(aggregateOf(e, ref));
    return ref;
  };

  const groupItems = sel.groupBy?.items ?? [];
  if (sel.groupBy?.rollup) throw notSupported('GROUP BY ... WITH ROLLUP is not supported across shards: query one shard by its key');
  const aggregated = groupItems.length > 0 || items.some((i) => hasAggregate(i.expr)) || hasAggregate(sel.having);
  const localGroups = groupItems.some((g) => g.expr.type === 'Column' && ctx.isKey(g.expr));
  const crossGroups = aggregated && !localGroups;
  const distinctOnKey = (call: A.Call): boolean => {
    const arg = call.args[0];
    return call.name.toUpperCase() === 'COUNT' && call.args.length === 1 && arg.type === 'Column' && ctx.isKey(arg);
  };
  /** Some COUNT/SUM(DISTINCT x) must be merged from raw values (x not the shard key). */
  const rawDistinct = aggregateCalls([items.map((i) => i.expr), sel.having, (sel.orderBy ?? []).map((o) => o.expr)])
    .some((c) => c.distinct && ['COUNT', 'SUM'].includes(c.name.toUpperCase()) && !distinctOnKey(c));

  // Where clauses can be inserted: after GROUP BY / HAVING / WINDOW, before ORDER BY / LIMIT.
  const afterGrouping = Math.max(sel.groupBy?.end ?? 0, sel.having?.end ?? 0, ...(sel.windows ?? []).map((w) => w.end), sel.where?.end ?? 0, ...(sel.from ?? []).map((f) => f.end), items[items.length - 1].end);

  let orderBy: OrderKey[] = [];
  let groupBy: number[] | null = null;
  let groupRefs: ColRef[] = [];
  let having: HavingTemplate | null = null;
  let groupsSorted = false;
  let widened = false;
  const orderRefs: { ref: ColRef; desc: boolean; expr: A.Expr }[] = [];

  if (crossGroups) {
    for (const it of items) {
      if (!hasAggregate(it.expr)) continue;
      if (!isAggregate(it.expr)) throw notSupported(`the expression ${ctx.text.slice(it.expr.start, it.expr.end)} over aggregates is not supported across shards: select the aggregates themselves and compute on them in the application, or group by the shard key`);
    }
    groupRefs = groupItems.map((g) => findOrAdd(g.expr));
    items.forEach((it, i) => {
      if (isAggregate(it.expr)) aggregates.push(aggregateOf(it.expr, { item: i }));
    });
    if (sel.having) {
      having = havingTemplate(sel.having);
      const kw = ctx.text.toUpperCase().lastIndexOf('HAVING', sel.having.start);
      remove(kw, sel.having.end);
      steps.push('having after merge');
    }
    for (const o of sel.orderBy ?? []) orderRefs.push({ ref: findOrAddMerged(o.expr), desc: o.direction === 'DESC', expr: o.expr });
    if (orderRefs.length === 0) groupRefs.forEach((ref, i) => orderRefs.push({ ref, desc: false, expr: groupItems[i].expr }));
    // Shards return groups in group-key order; ORDER BY (and LIMIT) apply to the merged groups.
    if (sel.orderBy) {
      const kw = ctx.text.toUpperCase().lastIndexOf('ORDER', sel.orderBy[0].start);
      remove(kw, sel.orderBy[sel.orderBy.length - 1].end);
    }
    if (distinctArgs.length > 0) {
      // The distinct values travel as groups of their own: GROUP BY group key, x.
      const extra = joinOps(distinctArgs.map((e) => exprOps(e)));
      if (sel.groupBy) {
        const at = groupItems[groupItems.length - 1].end;
        edits.push({ start: at, end: at, ops: [', ', ...extra] });
      } else {
        const at = Math.max(sel.where?.end ?? 0, ...(sel.from ?? []).map((f) => f.end), items[items.length - 1].end);
        edits.push({ start: at, end: at, ops: [' GROUP BY ', ...extra] });
      }
      steps.push(`distinct values of ${distinctArgs.length} argument${distinctArgs.length > 1 ? 's' : ''} grouped on the shards, counted in the merge`);
    }
    if (groupItems.length > 0) edits.push({ start: afterGrouping, end: afterGrouping, ops: [' ORDER BY ', ...joinOps(groupItems.map((g) => exprOps(g.expr)))] });
    if (sel.limit) remove(sel.limit.start, sel.limit.end);
    groupsSorted = true;
  } else {
    for (const o of sel.orderBy ?? []) orderRefs.push({ ref: findOrAdd(o.expr), desc: o.direction === 'DESC', expr: o.expr });
    if (aggregated && orderRefs.length === 0) {
      // Shard-local groups: sort them by the group key, as MariaDB's GROUP BY does, so the merge is ordered.
      groupItems.forEach((g) => orderRefs.push({ ref: findOrAdd(g.expr), desc: false, expr: g.expr }));
      edits.push({ start: afterGrouping, end: afterGrouping, ops: [' ORDER BY ', ...joinOps(groupItems.map((g) => exprOps(g.expr)))] });
    }
    if (sel.limit) {
      edits.push({ start: sel.limit.start, end: sel.limit.end, ops: [{ computed: 'limit' }] });
      widened = true;
    }
  }

  function aggregateOf(call: A.Call, ref: ColRef): Agg {
    const fn = call.name.toUpperCase();
    const text = ctx.text.slice(call.start, call.end);
    if (fn === 'GROUP_CONCAT') {
      // Partial concatenations join exactly: without ORDER BY, MySQL's order within a group is undefined.
      if (call.distinct || call.orderBy || call.limit)
        throw notSupported(`${text} across shards is not supported: GROUP_CONCAT with DISTINCT, ORDER BY or LIMIT cannot be combined from per-shard values; use GROUP_CONCAT(x [SEPARATOR s]), group by the shard key, or query one shard`);
      // The shards' group_concat_max_len travels along, so the merged value is cut where MySQL cuts it.
      maxLenRef ??= addDerived(['@@group_concat_max_len']);
      return { ref, fn: 'GROUP_CONCAT', separator: call.separator ?? ',', maxLen: maxLenRef };
    }
    if (!MERGEABLE.has(fn)) throw notSupported(`${fn}() across shards is not supported: it cannot be combined from per-shard values; group by the shard key or query one shard`);
    if (call.distinct) {
      const arg = call.args[0];
      // Per-shard counts of distinct key values add up — unless other DISTINCT arguments split the groups.
      const onKey = distinctOnKey(call) && !rawDistinct;
      if (!onKey && (fn === 'COUNT' || fn === 'SUM') && call.args.length === 1) {
        // The shards return x itself, grouped by (group key, x); the merger keeps the distinct values.
        const argOps = exprOps(arg);
        if ('item' in ref) {
          // The shards return x under the item's name, so the merged column is named as one server names it.
          const item = items[ref.item];
          const named = item.alias === undefined && item.expr === call ? [' AS ', { ident: splicer.asWritten(call.start, call.end) }] : [];
          edits.push({ start: call.start, end: call.end, ops: [...argOps, ...named] });
          itemOps.set(ref.item, argOps);
        } else derived[ref.derived] = argOps;
        weigh(ref, arg);
        if (!distinctArgs.some((d) => shape(d) === shape(arg))) distinctArgs.push(arg);
        return { ref, fn, distinct: true };
      }
      if (!onKey && fn !== 'MIN' && fn !== 'MAX')
        throw notSupported(`${text} across shards is not supported: DISTINCT values may repeat on several shards; use COUNT(DISTINCT x) or SUM(DISTINCT x) of one expression, GROUP BY the shard key, or query one shard`);
    }
    if (call.distinct && fn.startsWith('BIT_')) throw notSupported(`${text} across shards is not supported: use ${fn}() without DISTINCT or query one shard`);
    if (fn === 'MIN' || fn === 'MAX') weigh(ref, call);
    if (fn !== 'AVG') return { ref, fn: fn as AggregateFn };
    if (call.distinct) throw notSupported(`${text} across shards is not supported: use AVG without DISTINCT or query one shard`);
    const argOps = exprOps(call.args[0]);
    return { ref, fn: 'AVG', sum: addDerived(['SUM(', ...argOps, ')']), count: addDerived(['COUNT(', ...argOps, ')']) };
  }

  function havingTemplate(e: A.Expr): HavingTemplate {
    switch (e.type) {
      case 'Binary':
        if (e.op === 'AND' || e.op === 'OR' || e.op === 'XOR') return { op: e.op.toLowerCase(), args: [havingTemplate(e.left), havingTemplate(e.right)] };
        if (['=', '<>', '<', '<=', '>', '>=', '<=>', '+', '-', '*', '/'].includes(e.op))
          return { op: e.op, left: havingTemplate(e.left), right: havingTemplate(e.right) };
        break;
      case 'Unary':
        if (e.op === 'NOT' || e.op === '!') return { op: 'not', arg: havingTemplate(e.operand) };
        if (e.op === '-' && e.operand.type === 'Param') return { op: 'slot', slot: e.operand.index, neg: true };
        break;
      case 'Param':
        return { op: 'slot', slot: e.index, neg: false };
      case 'Number':
        return { op: 'lit', value: Number(e.value) };
      case 'String':
        return { op: 'lit', value: e.value };
      case 'Null':
        return { op: 'lit', value: null };
      case 'Is':
        if (e.value === 'NULL') return { op: e.not ? 'isnotnull' : 'isnull', arg: havingTemplate(e.expr) };
        break;
      case 'In':
        return { op: 'in', arg: havingTemplate(e.expr), list: e.list.map(havingTemplate), not: e.not };
      case 'Between':
        return { op: 'between', arg: havingTemplate(e.expr), low: havingTemplate(e.low), high: havingTemplate(e.high), not: e.not };
      case 'Call':
        if (isAggregate(e)) return { op: 'col', ref: findOrAddMerged(e) };
        break;
      default:
        break;
    }
    if (hasAggregate(e)) throw notSupported(`HAVING ${ctx.text.slice(e.start, e.end)} across shards is not supported: use comparisons and arithmetic over aggregates, or group by the shard key`);
    return { op: 'col', ref: findOrAdd(e) };
  }

  // Collation weights of the keys that may be text: sort and group keys, DISTINCT columns, the
  // arguments of COUNT/SUM(DISTINCT), MIN and MAX. A column added for an expression that turns out
  // numeric holds NULL (one byte a row).
  const exprOf = (r: ColRef, e: A.Expr): A.Expr => ('item' in r && items[r.item].expr.type !== 'Star' && !itemOps.has(r.item) ? items[r.item].expr : e);
  for (const o of orderRefs) weigh(o.ref, exprOf(o.ref, o.expr));
  groupRefs.forEach((ref, i) => weigh(ref, exprOf(ref, groupItems[i].expr)));
  if (sel.distinct === 'DISTINCT' && starAt < 0) items.forEach((it, i) => weigh({ item: i }, it.expr));
  const weights: [ColRef, ColRef][] = [];
  const sameRef = (a: ColRef, b: ColRef) => ('item' in a ? 'item' in b && a.item === b.item : 'derived' in b && a.derived === b.derived);
  const weightCols = new Map<string, ColRef>(); // one column per distinct expression
  for (const { ref } of weighed) {
    if (weights.some(([r]) => sameRef(r, ref))) continue;
    const ops = 'item' in ref ? (itemOps.get(ref.item) ?? exprOps(items[ref.item].expr)) : derived[ref.derived];
    const text = JSON.stringify(ops);
    let w = weightCols.get(text);
    if (!w) weightCols.set(text, (w = addDerived(['WEIGHT_STRING(', ...ops, ')'])));
    weights.push([ref, w]);
  }

  // Derived columns go after the last select item.
  if (derived.length > 0) {
    const at = items[items.length - 1].end;
    edits.push({ start: at, end: at, ops: derived.flatMap((d) => [', ', ...d]) });
  }

  // Column indexes, absolute or (after a star) counted from the end.
  const n = items.length;
  const d = derived.length;
  const index = (r: ColRef): number => {
    if ('derived' in r) return starAt >= 0 ? -(d - r.derived) : n + r.derived;
    return starAt >= 0 && r.item > starAt ? -(n - r.item + d) : r.item;
  };
  const fixHaving = (h: HavingTemplate): HavingTemplate => {
    if (h.op === 'col' && 'ref' in h) return { op: 'col', index: index(h.ref as ColRef) };
    const out: Record<string, unknown> = { ...h };
    for (const k of ['args', 'list']) if (Array.isArray(out[k])) out[k] = (out[k] as HavingTemplate[]).map(fixHaving);
    for (const k of ['arg', 'left', 'right', 'low', 'high']) if (out[k]) out[k] = fixHaving(out[k] as HavingTemplate);
    return out as HavingTemplate;
  };
  orderBy = orderRefs.map((o) => ({ index: index(o.ref), desc: o.desc }));
  if (crossGroups) groupBy = groupRefs.map(index);
  const aggSpecs: AggregateSpec[] = aggregates.map((a) => {
    const s: AggregateSpec = { index: index(a.ref), fn: a.fn };
    if (a.sum) s.sumIndex = index(a.sum);
    if (a.count) s.countIndex = index(a.count);
    if (a.distinct) s.distinct = true;
    if (a.separator !== undefined) s.separator = a.separator;
    if (a.maxLen) s.maxLengthIndex = index(a.maxLen);
    return s;
  });

  const limit = sel.limit ? limitRef(sel.limit.count) : null;
  const offset = sel.limit?.offset ? limitRef(sel.limit.offset) : null;

  if (crossGroups) steps.unshift(groupBy!.length > 0 ? `group by ${groupBy!.length} key${groupBy!.length > 1 ? 's' : ''} (shards sorted by the group key, streamed)` : 'one group over all rows');
  if (aggSpecs.length > 0) steps.push(`aggregates: ${aggSpecs.map((a) => `${a.fn}(col ${a.index})`).join(', ')}`);
  if (orderBy.length > 0) steps.push(`${crossGroups ? 'sort merged groups' : 'order-by merge'} on ${orderBy.length} key${orderBy.length > 1 ? 's' : ''}`);
  else if (!crossGroups) steps.push('concatenate shard results');
  if (sel.distinct === 'DISTINCT') steps.push('distinct');
  if (weights.length > 0) steps.push(`compare ${weightCols.size} key${weightCols.size > 1 ? 's' : ''} by collation weight`);
  if (d > 0) steps.push(`hide ${d} derived column${d > 1 ? 's' : ''}`);

  return {
    ops: splicer.compose(sel.start, sel.end, edits),
    merge: {
      columnCount: starAt >= 0 ? -1 : n + d,
      visible: starAt >= 0 ? 0 - d || 0 : n,
      orderBy,
      groupBy,
      groupsSorted,
      aggregates: aggSpecs,
      distinct: sel.distinct === 'DISTINCT',
      ...(weights.length > 0 ? { weights: weights.map(([v, w]): [number, number] => [index(v), index(w)]) } : {}),
    },
    having: having ? fixHaving(having) : null,
    offset,
    limit,
    widened,
    steps,
  };
}

const NOT_TEXT_CALLS = new Set([
  'COUNT', 'SUM', 'AVG', 'BIT_AND', 'BIT_OR', 'BIT_XOR', 'STD', 'STDDEV', 'STDDEV_POP', 'STDDEV_SAMP', 'VAR_POP', 'VAR_SAMP',
  'VARIANCE', 'LENGTH', 'CHAR_LENGTH', 'CHARACTER_LENGTH', 'OCTET_LENGTH', 'BIT_LENGTH', 'ABS', 'ROUND', 'FLOOR', 'CEIL',
  'CEILING', 'TRUNCATE', 'MOD', 'YEAR', 'MONTH', 'DAY', 'DAYOFMONTH', 'HOUR', 'MINUTE', 'SECOND', 'UNIX_TIMESTAMP',
  'DATE', 'DATEDIFF', 'TIMESTAMPDIFF', 'NOW', 'CURDATE', 'CRC32', 'ROW_NUMBER', 'RANK', 'DENSE_RANK',
]);
const NOT_TEXT_OPS = new Set(['OR', 'XOR', 'AND', '=', '<=>', '<>', '<', '<=', '>', '>=', '|', '&', '<<', '>>', '+', '-', '*', '/', 'DIV', '%', '^']);

/**
 * Can this expression's value be text (so its merge needs collation weights)? Only a cheap look:
 * numeric shard keys, numeric functions and operators, and constants (equal on every row) are not.
 */
function mayBeText(e: A.Expr, isNumericKey?: (c: A.Column) => boolean): boolean {
  switch (e.type) {
    case 'Number': case 'String': case 'Null': case 'Bool': case 'Param':
      return false;
    case 'Column':
      return !isNumericKey?.(e);
    case 'Call': {
      const fn = e.name.toUpperCase();
      if ((fn === 'MIN' || fn === 'MAX') && e.args.length === 1) return mayBeText(e.args[0], isNumericKey);
      return e.schema !== undefined || !NOT_TEXT_CALLS.has(fn);
    }
    case 'Binary':
      return !NOT_TEXT_OPS.has(e.op);
    case 'Unary': // - ~ ! NOT are numeric, BINARY compares bytes
      return e.op === '+' && mayBeText(e.operand, isNumericKey);
    default:
      return true;
  }
}

/** A LIMIT operand as a slot or a number. */
export function limitRef(e: A.Expr): LimitRef {
  if (e.type === 'Param') return { slot: e.index };
  if (e.type === 'Number') return { value: BigInt(e.value) };
  throw notSupported('LIMIT with a variable is not supported across shards: use a number or ?');
}

function joinOps(parts: Op[][]): Op[] {
  return parts.flatMap((p, i) => (i > 0 ? [', ', ...p] : p));
}
