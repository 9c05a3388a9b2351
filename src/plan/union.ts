// The plan of a UNION whose branches reach more than one target (or targets of different layouts):
// one unit per partition any branch reaches, running there the union of each branch's physical SQL
// for that partition (see src/rewrite/union.ts), merged by concatenation or ORDER BY merge, DISTINCT
// for UNION DISTINCT, and offset/limit.
import type { ShardedSchema } from '../config/types';
import type { MergeSpec } from '../merge/spec';
import { render, type RenderContext } from '../rewrite/program';
import { unionRewrite, type Analysis } from './analyze';
import { evaluate } from './conditions';
import { deepLimit, notSupported } from './errors';
import type { ParamValue, RouteKind, ShardPlan } from './types';
import type { LimitRef } from '../rewrite/select';

/** Which (partition, physical table) pairs one branch reads. */
interface BranchTargets {
  /** partition -> physical table indexes there, ascending. */
  at: Map<number, number[]>;
  tablesPerPartition: number;
  /** The branch reads a table without rule: it exists on defaultPartition only. */
  onlyDefault: boolean;
}

/**
 * Plans a cross-shard UNION, or returns null when the statement reaches one target with one layout
 * (then it runs there as written, like any single-shard statement).
 */
export function bindUnion(
  a: Analysis, schema: ShardedSchema, value: (slot: number) => ParamValue, base: RenderContext,
  limitValue: (r: LimitRef | null) => bigint,
): ShardPlan | null {
  const u = a.union!;
  const P = schema.partitions.length;
  if (u.sameLayout && a.space.k === 'sharded') {
    const rule = a.space.rule;
    const got = evaluate(a.cond, rule, P, value);
    if (got !== 'all' && got.size <= 1 && !u.branches.some((b) => b.k === 'sharded' && b.rule.tablesPerPartition !== rule.tablesPerPartition)) return null;
  }
  const rw = unionRewrite(a);

  // Each branch's targets; branches that may run anywhere are placed once all others are known.
  const targets: (BranchTargets | null)[] = u.branches.map((b, i) => {
    if (b.nested) throw notSupported(`a subquery on a sharded table inside UNION branch ${i + 1} is not supported across shards: give the whole UNION shard key conditions naming one shard`);
    if (b.k === 'anywhere') return null;
    if (b.k === 'one') return { at: new Map([[b.partition, [0]]]), tablesPerPartition: 1, onlyDefault: true };
    const N = b.rule.tablesPerPartition;
    const got = evaluate(b.cond, b.rule, P, value);
    const list = got === 'all' ? Array.from({ length: P * N }, (_, g) => g) : [...got].sort((x, y) => x - y);
    // Groups holding the shard key are shard-local: their rows concatenate exactly.
    const why = b.keyGrouped && rw.branches[i].needsOneTarget === 'GROUP BY or aggregates' ? null : rw.branches[i].needsOneTarget;
    if (why !== null && list.length > 1)
      throw notSupported(`UNION branch ${i + 1} uses ${why} and reads ${b.rule.name} on ${list.length} shards, which a UNION across shards cannot merge exactly: give that SELECT a shard key condition naming one value`);
    const at = new Map<number, number[]>();
    for (const g of list) {
      const p = Math.floor(g / N);
      if (!at.has(p)) at.set(p, []);
      at.get(p)!.push(g % N);
    }
    if (b.plain !== null && [...at.keys()].some((p) => p !== schema.defaultPartition))
      throw notSupported(`JOIN of sharded tables with ${b.plain} is not supported across partitions: ${b.plain} has no rule and lives on partition ${schema.defaultPartition}; make it a broadcast table`);
    return { at, tablesPerPartition: N, onlyDefault: b.plain !== null };
  });
  const reached = new Set<number>();
  for (const t of targets) if (t) for (const p of t.at.keys()) reached.add(p);
  if (reached.size === 0) reached.add(schema.defaultPartition);
  const partitions = [...reached].sort((x, y) => x - y);
  const home = partitions[0];
  const onlyDefault = targets.find((t) => t?.onlyDefault);
  if (onlyDefault && partitions.length > 1) {
    const i = targets.indexOf(onlyDefault);
    throw notSupported(`UNION branch ${i + 1} reads a table without rule (on partition ${schema.defaultPartition}) while other branches reach other partitions: make that table a broadcast table, or run the SELECTs separately`);
  }

  const offset = limitValue(rw.offset);
  const limit = rw.limit ? limitValue(rw.limit) : null;
  const ctx: RenderContext = { ...base };
  if (limit !== null) {
    const rows = offset + limit;
    if (partitions.length > 1 && rows > BigInt(schema.maxLimitRows)) throw deepLimit(rows, schema.maxLimitRows);
    // One unit: the union runs as one MySQL would run it, with its own offset.
    ctx.computed = (id) => (id === 'limit' ? (partitions.length > 1 ? `LIMIT ${rows}` : offset > 0n ? `LIMIT ${offset}, ${limit}` : `LIMIT ${limit}`) : '');
  }
  const sep = rw.distinct ? ' UNION ' : ' UNION ALL ';
  const units = partitions.map((p) => {
    const parts: string[] = [];
    rw.branches.forEach((br, i) => {
      const t = targets[i];
      const tables = t === null ? (p === home ? [0] : []) : (t.at.get(p) ?? []);
      const N = t?.tablesPerPartition ?? 1;
      for (const tableIndex of tables) parts.push(`(${render(br.ops, { ...ctx, tableIndex, tablesPerPartition: N })})`);
      // No rows here, but the branch still shapes the result's column names and types.
      if (tables.length === 0) parts.push(`((${render(br.ops, { ...ctx, tableIndex: 0, tablesPerPartition: N })}) LIMIT 0)`);
    });
    return { partition: p, sql: parts.join(sep) + render(rw.tail, ctx) };
  });

  const route: RouteKind = units.length === 1 ? 'single' : units.length === P ? 'broadcast' : 'multi';
  const plan: ShardPlan = { route, units, primary: a.primary, returnsRows: a.returnsRows, merge: null, sameChangeEverywhere: false, steps: [] };
  if (units.length === 1) return plan;
  const merge: MergeSpec = {
    columnCount: rw.columnCount,
    visible: rw.columnCount < 0 ? 0 : rw.columnCount,
    orderBy: rw.orderBy,
    groupBy: null,
    groupsSorted: false,
    aggregates: [],
    distinct: rw.distinct,
    having: null,
    offset: Number(offset),
    limit: limit === null ? null : Number(limit),
  };
  plan.merge = merge;
  plan.steps.push(`union of ${rw.branches.length} branches on each partition`);
  plan.steps.push(rw.orderBy.length > 0 ? `order-by merge on ${rw.orderBy.length} key${rw.orderBy.length > 1 ? 's' : ''}` : 'concatenate shard results');
  if (rw.distinct) plan.steps.push('distinct');
  if (limit !== null || offset > 0n) plan.steps.push(`offset ${offset}, limit ${limit ?? 'none'}`);
  return plan;
}
