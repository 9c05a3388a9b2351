// The cross-shard rewrite of a UNION [ALL]: each unit runs, on its partition, the UNION of every
// branch's physical SQL for that partition (a branch once per physical table it reaches there), with
// the union's ORDER BY kept and its LIMIT o, n widened to LIMIT o+n; the merger concatenates the units
// (or merges them in ORDER BY order), de-duplicates for UNION DISTINCT and applies offset and limit.
//
//   (SELECT a FROM t WHERE k IN (1, 2)) UNION ALL (SELECT a FROM b) ORDER BY a LIMIT 5, 10
//     partition 0: (SELECT a FROM t_0 WHERE ...) UNION ALL (SELECT a FROM t_1 WHERE ...) UNION ALL (SELECT a FROM b) ORDER BY a LIMIT 15
//     partition 1: (SELECT a FROM t_0 WHERE ...) UNION ALL ((SELECT a FROM b) LIMIT 0) ORDER BY a LIMIT 15
//
// A branch that has no rows for a partition is still written there as `((branch) LIMIT 0)`, so every
// unit's result has the same column names and types (MySQL derives them from all branches).
import type { OrderKey } from '../merge/spec';
import type * as A from '../sql/ast';
import { notSupported } from '../protocol/errors';
import type { Op, Splicer } from './program';
import { hasAggregate, type LimitRef, limitRef } from './select';

/** One SELECT of the union, in order, with its program (tables renamed per unit at render time). */
export interface UnionBranch {
  sel: A.Select;
  ops: Op[];
  /**
   * The branch's own rows need a merge to be exact across physical tables (GROUP BY, aggregates,
   * HAVING, LIMIT, window functions; DISTINCT under UNION ALL): it may reach one target only.
   */
  needsOneTarget: string | null;
}

/** What a cross-shard UNION needs, built once per template. */
export interface UnionRewrite {
  branches: UnionBranch[];
  /** UNION DISTINCT (the last set operation is DISTINCT, which absorbs every one before it). */
  distinct: boolean;
  /** ` ORDER BY …` and the computed `limit` after the branches, or empty. */
  tail: Op[];
  /** Columns of the union's result; -1 when the first branch has a star (resolved at execution). */
  columnCount: number;
  orderBy: OrderKey[];
  offset: LimitRef | null;
  limit: LimitRef | null;
}

/** The SELECT leaves of a union tree in order, with its set operations. */
function leaves(q: A.Query, out: { sels: A.Select[]; ops: ('ALL' | 'DISTINCT')[] }, top: boolean): void {
  if (q.type === 'select') {
    out.sels.push(q);
    return;
  }
  if (q.type !== 'union') throw notSupported(`${q.type === 'values' ? 'VALUES' : 'TABLE'} inside a UNION is not supported across shards: write it as a SELECT`);
  if (q.op !== 'UNION') throw notSupported(`${q.op} over sharded tables across shards is not supported: give each side a shard key condition naming the same shard`);
  if (!top && (q.orderBy || q.limit)) throw notSupported('a parenthesized UNION with its own ORDER BY or LIMIT inside a UNION is not supported across shards: query one shard by its key');
  leaves(q.left, out, false);
  leaves(q.right, out, false);
  out.ops.push(q.quantifier ?? 'DISTINCT');
}

/** Rewrite a top-level UNION for a cross-shard execution. */
export function rewriteUnion(u: A.Union, splicer: Splicer, text: string): UnionRewrite {
  if (u.with) throw notSupported('WITH … UNION across shards is not supported: query one shard by its key');
  const { sels, ops } = (() => {
    const out = { sels: [] as A.Select[], ops: [] as ('ALL' | 'DISTINCT')[] };
    leaves(u, out, true);
    return out;
  })();
  // In MySQL a UNION DISTINCT removes duplicates from everything to its left: only a DISTINCT last
  // operation (then the whole result is distinct) or all-ALL unions are a plain merge.
  const distinct = (u.quantifier ?? 'DISTINCT') === 'DISTINCT';
  if (!distinct && ops.includes('DISTINCT'))
    throw notSupported('UNION DISTINCT followed by UNION ALL across shards is not supported: use only UNION ALL, or end with UNION (DISTINCT)');

  const branches: UnionBranch[] = sels.map((sel) => ({ sel, ops: splicer.build(sel.start, sel.end), needsOneTarget: ownMerge(sel, distinct) }));

  const first = sels[0].columns;
  const n = first.length;
  const starAt = first.findIndex((i) => i.expr.type === 'Star');
  const orderBy: OrderKey[] = (u.orderBy ?? []).map((o) => {
    const i = resultColumn(o.expr, first, text);
    // A named column after a star: its position is counted from the end of the result (resolved at execution).
    const index = starAt >= 0 && i > starAt && o.expr.type !== 'Number' ? -(n - i) : i;
    return { index, desc: o.direction === 'DESC' };
  });
  const tail: Op[] = [];
  if (u.orderBy) tail.push(' ORDER BY ', ...splicer.build(u.orderBy[0].start, u.orderBy[u.orderBy.length - 1].end));
  if (u.limit) tail.push(' ', { computed: 'limit' });
  return {
    branches,
    distinct,
    tail,
    columnCount: starAt >= 0 ? -1 : n,
    orderBy,
    offset: u.limit?.offset ? limitRef(u.limit.offset) : null,
    limit: u.limit ? limitRef(u.limit.count) : null,
  };
}

/** Why a branch's rows are not exact when concatenated over several physical tables, or null. */
function ownMerge(sel: A.Select, unionDistinct: boolean): string | null {
  if (sel.groupBy || sel.having || sel.columns.some((i) => hasAggregate(i.expr))) return 'GROUP BY or aggregates';
  if (sel.limit) return 'LIMIT';
  if (sel.distinct === 'DISTINCT' && !unionDistinct) return 'DISTINCT';
  if (JSON.stringify(sel.columns).includes('"over":')) return 'window functions';
  return null;
}

/** The result column an ORDER BY item of a union names: a position, or a first-branch column or alias. */
function resultColumn(e: A.Expr, items: A.SelectItem[], text: string): number {
  if (e.type === 'Number' && /^\d+$/.test(e.value)) {
    const i = Number(e.value) - 1;
    if (i >= 0) return i;
  }
  if (e.type === 'Column' && e.table === undefined) {
    const name = e.name.toLowerCase();
    const i = items.findIndex((it) => (it.alias ?? (it.expr.type === 'Column' ? it.expr.name : text.slice(it.expr.start, it.expr.end))).toLowerCase() === name);
    if (i >= 0) return i;
  }
  throw notSupported(`ORDER BY ${text.slice(e.start, e.end)} on a UNION across shards is not supported: order by a column of the first SELECT (its name or position)`);
}
