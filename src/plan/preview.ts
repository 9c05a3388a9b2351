// PREVIEW <statement>: what sluice would run where, as a result set, without running anything.
// Also the shared view of a plan that `sluice explain` prints, and the small scanner that finds the
// statement's leading words (PREVIEW here, EXPLAIN in execute/explain.ts) without a full parse.
import type { PartitionConfig, ShardedSchema } from '../config/types';
import type { PlanCache } from './cache';
import { planStatement } from './index';
import type { SnowflakeGenerator } from './snowflake';
import type { ShardPlan } from './types';

/** Column names of a PREVIEW result. */
export const PREVIEW_COLUMNS: readonly string[] = ['partition', 'backend', 'database', 'sql'];

/** Prefix of the `sql` value of PREVIEW rows that describe a merge step rather than a unit. */
export const MERGE_ROW_PREFIX = '-- merge: ';
/** Prefix of the `sql` value of the PREVIEW row listing the snowflake ids an INSERT would fill in. */
export const IDS_ROW_PREFIX = '-- generated ids: ';

/**
 * The backends that may run a unit on `partition`: its primary when the plan needs the primary
 * (writes, locking reads, the sluice:primary hint) or the partition has no replicas; otherwise the
 * read rotation (replicas, in configured order; a read inside a transaction still goes to the primary).
 */
export function unitBackends(plan: ShardPlan, partition: PartitionConfig): string[] {
  if (plan.primary || partition.read.length === 0) return [partition.write];
  return partition.read.map((r) => r.backend);
}

/**
 * The rows of `PREVIEW <sql>`: one per route unit (partition, backend, database, physical SQL), then
 * one per merge step (order-by merge, group by, aggregates, having, distinct, limit, hidden derived
 * columns, adding up affected rows) with partition, backend and database NULL and sql
 * `-- merge: <step>`, then for an INSERT whose key generator fills ids, `-- generated ids: 1, 2`.
 * Backend is the unit's primary, or the comma-separated read rotation for a read (see unitBackends).
 * Throws the planner's SqlError / SqlSyntaxError for a statement sluice refuses.
 */
export function previewRows(
  sql: string,
  schema: ShardedSchema,
  opts: { cache?: PlanCache; keys?: SnowflakeGenerator },
): { columns: string[]; rows: (string | null)[][] } {
  const plan = planStatement(sql, schema, { cache: opts.cache, keys: opts.keys });
  const rows: (string | null)[][] = plan.units.map((u) => {
    const p = schema.partitions[u.partition];
    return [String(u.partition), unitBackends(plan, p).join(','), p.database, u.sql];
  });
  for (const step of plan.steps) rows.push([null, null, null, MERGE_ROW_PREFIX + step]);
  if (plan.generatedIds) rows.push([null, null, null, IDS_ROW_PREFIX + plan.generatedIds.join(', ')]);
  return { columns: [...PREVIEW_COLUMNS], rows };
}

/**
 * For `PREVIEW <statement>` (any case, after leading whitespace and comments), the statement text
 * after the keyword and the blanks that follow it; null for any other statement, or when nothing
 * follows PREVIEW (the parser then reports the syntax error). Makes no string for other statements.
 */
export function previewTarget(sql: string): string | null {
  const first = leadingWord(sql, 0);
  if (first === null || !wordIs(sql, first, 'PREVIEW')) return null;
  const inner = skipBlanks(sql, first.end);
  return inner < sql.length ? sql.slice(inner) : null;
}

/** Where a word of the statement text is: [start, end). */
export interface WordSpan {
  start: number;
  end: number;
}

/**
 * The word starting at the first non-blank character from `from` (blanks: whitespace and comments),
 * or null when the text there is not a word (a quote, a parenthesis, an executable comment, the end).
 */
export function leadingWord(sql: string, from: number): WordSpan | null {
  const start = skipBlanks(sql, from);
  let end = start;
  while (end < sql.length && isWordChar(sql.charCodeAt(end))) end++;
  return end === start ? null : { start, end };
}

/** The word is `upper` (letters A-Z only), compared case-insensitively without making a string. */
export function wordIs(sql: string, word: WordSpan, upper: string): boolean {
  if (word.end - word.start !== upper.length) return false;
  // Clearing bit 0x20 upper-cases a-z and maps no other character onto A-Z.
  for (let i = 0; i < upper.length; i++) if ((sql.charCodeAt(word.start + i) & ~0x20) !== upper.charCodeAt(i)) return false;
  return true;
}

/**
 * The offset of the first character from `i` that is neither whitespace nor inside a comment
 * (`/* … *\/`, `-- ` to the end of the line, `#` to the end of the line). Executable comments
 * `/*! … *\/` are SQL and stop the scan; so does an unterminated comment (the parser reports it).
 */
export function skipBlanks(sql: string, i: number): number {
  const n = sql.length;
  while (i < n) {
    const c = sql.charCodeAt(i);
    if (c === 0x20 || (c >= 0x09 && c <= 0x0d)) {
      i++;
    } else if (c === 0x2f /* / */ && sql.charCodeAt(i + 1) === 0x2a /* * */ && sql.charCodeAt(i + 2) !== 0x21 /* ! */) {
      const close = sql.indexOf('*/', i + 2);
      if (close < 0) return i;
      i = close + 2;
    } else if (c === 0x23 /* # */ || (c === 0x2d && sql.charCodeAt(i + 1) === 0x2d && isDashCommentEnd(sql, i + 2))) {
      const eol = sql.indexOf('\n', i);
      i = eol < 0 ? n : eol + 1;
    } else {
      break;
    }
  }
  return i;
}

/** `--` starts a comment only when a space, a control character or the end follows (MySQL's rule). */
function isDashCommentEnd(sql: string, i: number): boolean {
  return i >= sql.length || sql.charCodeAt(i) <= 0x20;
}

/** Characters of an unquoted MySQL identifier or keyword. */
function isWordChar(c: number): boolean {
  return (c >= 0x61 && c <= 0x7a) || (c >= 0x41 && c <= 0x5a) || (c >= 0x30 && c <= 0x39) || c === 0x5f || c === 0x24 || c >= 0x80;
}
