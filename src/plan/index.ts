// The sharding planner: SQL text + schema rules -> a ShardPlan (route units with physical SQL, and
// how to merge their results). Pure: no sockets, no clocks except the key generator's.
//
//   sql --makeTemplate--> template + values --cache/parse+analyze--> analysis --bind--> plan
import type { ShardedSchema } from '../config/types';
import { parse } from '../sql/parser';
import { SqlSyntaxError } from '../sql/errors';
import { analyze, type Analysis } from './analyze';
import { bind } from './bind';
import type { PlanCache } from './cache';
import { SnowflakeGenerator } from './snowflake';
import { makeTemplate } from './template';
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

let defaultKeys: SnowflakeGenerator | undefined;

/**
 * Plan one statement on a sharded schema. Throws SqlError (1235 and others, see errors.ts) for what
 * sluice cannot answer exactly, and the parser's SqlSyntaxError (1064) for invalid SQL.
 */
export function planStatement(sql: string, schema: ShardedSchema, opts: PlanOptions = {}): ShardPlan {
  const params = opts.params ?? [];
  let { template, bound } = makeTemplate(sql, params);
  const cache = opts.cache;
  let a: Analysis | undefined = cache?.get(schemaKey(schema) + template.key);
  if (a === undefined) {
    let stmt;
    try {
      stmt = parse(template.text);
    } catch (e) {
      if (!(e instanceof SqlSyntaxError) || template.text === sql) throw e;
      // A literal the grammar needs as written (CAST(x AS CHAR(10))): keep every literal in the text.
      ({ template, bound } = makeTemplate(sql, params, false));
      stmt = parse(template.text);
    }
    a = analyze(template, stmt, schema);
    cache?.set(schemaKey(schema) + template.key, a);
  }
  return bind(a, bound, schema, { keys: () => opts.keys ?? (defaultKeys ??= new SnowflakeGenerator({ nodeId: 0 })) });
}

/** Analyses depend on the schema's rules: one cache may serve several schemas. */
function schemaKey(schema: ShardedSchema): string {
  return schema.name + '\u0000';
}
