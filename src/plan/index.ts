// The sharding planner: SQL text + schema rules -> a ShardPlan (route units with physical SQL, and
// how to merge their results). Pure: no sockets, no clocks except the key generator's.
//
//   sql --bindText--> values + template hash --cache, or templateOf+parse+analyze--> analysis --bind--> plan
//   (a multi-row INSERT longer than MAX_CACHED_SQL: its row tuples spliced per target, bulk-insert.ts)
//
// A statement whose plan is its own text on one partition (a point select by its key) need not be
// planned at all: verbatimRoute (verbatim-route.ts) finds its partition from the bytes, by a byte
// template learned once from this planner.
import type { ShardedSchema } from '../config/types';
import { releaseParseMemory } from '../sql/parser';
import { bind } from './bind';
import { planBulkInsert } from './bulk-insert';
import { MAX_CACHED_SQL, type PlanCache } from './cache';
import { cachedAnalysis } from './cached-analysis';
import type { SnowflakeGenerator } from './snowflake';
import { releaseScanMemory } from './template';
import type { ParamValue, ShardPlan } from './types';

export { PlanCache, PLAN_CACHE_BYTES, MAX_CACHED_SQL } from './cache';
export { verbatimRoute, type VerbatimRoute } from './verbatim-route';
export { describePlan } from './describe';
export { resolveMergeSpec } from './merge-indexes';
export { SnowflakeGenerator, splitSnowflake, SNOWFLAKE_EPOCH_MS } from './snowflake';
export { crc32, canonicalText, placeValue, toDays } from './placement';
export { PlanErrno } from './errors';
export type { ShardPlan, RouteUnit, RouteKind, ParamValue } from './types';
export { sqlLiteral } from './template';

export interface PlanOptions {
  /** Values of the statement's `?` markers (prepared statements), inlined as literals in the unit SQL. */
  params?: readonly ParamValue[];
  cache?: PlanCache;
  /** Fills keyGenerator columns; the session passes its worker's generator (default: node 0, one worker). */
  keys?: SnowflakeGenerator;
}

/**
 * Plan one statement on a sharded schema. Throws SqlError (1235 and others, see errors.ts) for what
 * sluice cannot answer exactly, and the parser's SqlSyntaxError (1064) for invalid SQL.
 */
export function planStatement(sql: string, schema: ShardedSchema, opts: PlanOptions = {}): ShardPlan {
  const params = opts.params ?? [];
  // A long statement's template rarely repeats (a bulk INSERT's rows differ in count and shape) and
  // its analysis is large: not cached, and a multi-row INSERT is split by splicing its row tuples.
  // A prepared one (with `?` markers) repeats by design: it is cached like any other.
  if (sql.length > MAX_CACHED_SQL && params.length === 0) {
    const spliced = planBulkInsert(sql, schema, opts);
    if (spliced) return spliced;
    try {
      const { a, bound } = cachedAnalysis(sql, params, schema, undefined);
      return bind(a, bound, schema, opts);
    } finally {
      releaseScanMemory();
      releaseParseMemory();
    }
  }
  const { a, bound } = cachedAnalysis(sql, params, schema, opts.cache);
  return bind(a, bound, schema, opts);
}
