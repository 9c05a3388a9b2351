// EXPLAIN on a sharded statement: plan it, run EXPLAIN of each unit's physical SQL on that unit's
// partition, and hand back the backends' EXPLAIN rows with the partition in front.
import type { ShardedSchema } from '../config/types';
import type { QueryResult } from '../backend/connection';
import { ErrorCode, SqlError } from '../protocol/errors';
import { planStatement, type PlanCache, type SnowflakeGenerator } from '../plan';
import { leadingWord, skipBlanks, wordIs } from '../plan/preview';

/** Words that may follow EXPLAIN in a statement sluice plans and explains per shard. */
const EXPLAINABLE = ['SELECT', 'WITH', 'INSERT', 'REPLACE', 'UPDATE', 'DELETE'];
const EXPLAIN_VERBS = ['EXPLAIN', 'DESCRIBE', 'DESC'];

/**
 * For `EXPLAIN <statement>` (also DESCRIBE/DESC, any case, after leading comments) where the
 * statement is a SELECT, WITH, parenthesized query, INSERT, REPLACE, UPDATE or DELETE: the statement's
 * text. null for everything else — EXPLAIN FORMAT=…, EXPLAIN EXTENDED/PARTITIONS/ANALYZE, EXPLAIN
 * FOR CONNECTION, DESCRIBE table — which the session plans or forwards as it would any statement.
 */
export function explainTarget(sql: string): string | null {
  const verb = leadingWord(sql, 0);
  if (verb === null || !EXPLAIN_VERBS.some((w) => wordIs(sql, verb, w))) return null;
  const next = leadingWord(sql, verb.end);
  if (next !== null) return EXPLAINABLE.some((w) => wordIs(sql, next, w)) ? sql.slice(next.start) : null;
  const start = skipBlanks(sql, verb.end);
  return sql.charCodeAt(start) === 0x28 /* ( */ ? sql.slice(start) : null;
}

/**
 * Plans `inner` on the schema and runs `EXPLAIN <unit sql>` for each route unit through runOn, one
 * unit after the other (two units on one partition may share the session's pinned connection).
 * Returns the backends' EXPLAIN columns with `partition` as an extra first column, and their rows in
 * unit order, each prefixed with its partition number. Throws the planner's SqlError for a statement
 * sluice refuses, runOn's error for a failing backend, and SqlError 1235 when partitions answer with
 * different EXPLAIN columns (backends of different servers/versions).
 */
export async function explainSharded(
  inner: string,
  schema: ShardedSchema,
  opts: { cache?: PlanCache; keys?: SnowflakeGenerator },
  runOn: (partition: number, sql: string) => Promise<QueryResult>,
): Promise<{ columns: string[]; rows: (string | null)[][] }> {
  const plan = planStatement(inner, schema, { cache: opts.cache, keys: opts.keys });
  let columns: string[] | null = null;
  let firstPartition = 0;
  const rows: (string | null)[][] = [];
  for (const unit of plan.units) {
    const result = await runOn(unit.partition, `EXPLAIN ${unit.sql}`);
    const names = result.columns.map((c) => c.name);
    if (columns === null) {
      columns = names;
      firstPartition = unit.partition;
    } else if (names.join('\u0000') !== columns.join('\u0000')) {
      throw new SqlError(
        ErrorCode.ER_NOT_SUPPORTED_YET,
        `EXPLAIN across shards: partition ${unit.partition} returned columns (${names.join(', ')}) unlike partition ${firstPartition} (${columns.join(', ')}); PREVIEW the statement and run EXPLAIN on each backend`,
      );
    }
    const partition = String(unit.partition);
    for (const row of result.rows) rows.push([partition, ...row]);
  }
  return { columns: ['partition', ...(columns ?? [])], rows };
}
