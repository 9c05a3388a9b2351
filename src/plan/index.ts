// The sharding planner: SQL text + schema rules -> a ShardPlan (route units with physical SQL, and
// how to merge their results). Pure: no sockets, no clocks except the key generator's.
//
//   sql --bindText--> values + template hash --cache, or templateOf+parse+analyze--> analysis --bind--> plan
import type { ShardedSchema } from '../config/types';
import { parse } from '../sql/parser';
import { SqlSyntaxError } from '../sql/errors';
import { analyze } from './analyze';
import { bind } from './bind';
import type { PlanCache } from './cache';
import type { SnowflakeGenerator } from './snowflake';
import { bindText, templateOf } from './template';
import { KEEP_LITERALS } from './cache';
import type { ParamValue, ShardPlan } from './types';

export { PlanCache } from './cache';
export { describePlan } from './describe';
export { resolveMergeSpec } from './merge-indexes';
export { SnowflakeGenerator, splitSnowflake, SNOWFLAKE_EPOCH_MS } from './snowflake';
export { crc32, canonicalText, placeValue, toDays } from './placement';
export { PlanErrno } from './errors';
export type { ShardPlan, RouteUnit, RouteKind, ParamValue } from './types';

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
  let bound = bindText(sql, params);
  const cache = opts.cache;
  let a = cache?.get(bound, schema.name);
  if (a === KEEP_LITERALS) {
    bound = bindText(sql, params, false);
    a = cache!.get(bound, schema.name);
  }
  if (a === undefined || a === KEEP_LITERALS) {
    let template = templateOf(bound);
    let stmt;
    try {
      stmt = parse(template.text);
    } catch (e) {
      if (!(e instanceof SqlSyntaxError) || template.text === sql) throw e;
      // A literal the grammar needs as written (CAST(x AS CHAR(10))): keep every literal in the text,
      // and remember that this template is planned that way.
      cache?.set(bound, schema.name, KEEP_LITERALS, template);
      bound = bindText(sql, params, false);
      template = templateOf(bound);
      stmt = parse(template.text);
    }
    a = analyze(template, stmt, schema);
    cache?.set(bound, schema.name, a, template);
  }
  return bind(a, bound, schema, opts);
}
