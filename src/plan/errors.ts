// The errors the planner refuses statements with, in one place: each names why and what would work.
import { SqlError, notSupported } from '../protocol/errors';

/** MySQL errnos the planner uses. */
export const PlanErrno = {
  /** ER_NOT_SUPPORTED_YET (42000): a statement sluice cannot answer exactly across shards. */
  NOT_SUPPORTED: 1235,
  /** ER_NO_DEFAULT_FOR_FIELD (HY000): an INSERT row without its shard key. */
  NO_DEFAULT_FOR_FIELD: 1364,
  /** ER_WRONG_ARGUMENTS (HY000): a `?` marker without a bound value. */
  WRONG_ARGUMENTS: 1210,
  /** ER_TOO_BIG_SELECT-like refusal of a deep cross-shard page; MySQL's ER_NOT_SUPPORTED_YET is used. */
  DEEP_LIMIT: 1235,
  /** ER_TABLEACCESS_DENIED_ERROR (42000): a table of a database outside the sharded schema. */
  TABLE_ACCESS_DENIED: 1142,
} as const;

const SQLSTATE_HY000 = 'HY000';

// The refusal every stage shares (rewrite and merge refuse too) lives with SqlError; the planner's own are below.
export { notSupported };

/** An INSERT row that lacks the table's shard key (and no generator fills it). */
export function missingShardKey(table: string, column: string, row: number): SqlError {
  return new SqlError(
    PlanErrno.NO_DEFAULT_FOR_FIELD,
    `Field '${column}' doesn't have a default value: row ${row} of the INSERT into sharded table ${table} must give its shard key ${column} (or configure keyGenerator on it)`,
    { sqlState: SQLSTATE_HY000 },
  );
}

/** A `?` marker with no bound value. */
export function missingParam(index: number): SqlError {
  return new SqlError(PlanErrno.WRONG_ARGUMENTS, `Incorrect arguments to EXECUTE: no value bound to parameter ${index + 1}`, {
    sqlState: SQLSTATE_HY000,
  });
}

/** UPDATE ... SET key = ...: would strand the row on the wrong shard. */
export function shardKeyUpdate(table: string, column: string): SqlError {
  return notSupported(
    `UPDATE of shard key column ${table}.${column} is not allowed: it would move the row to another shard; DELETE and INSERT it instead`,
  );
}

/** A cross-shard LIMIT deeper than maxLimitRows. */
export function deepLimit(rows: bigint, max: number): SqlError {
  return new SqlError(
    PlanErrno.DEEP_LIMIT,
    `LIMIT offset + row count ${rows} across shards exceeds maxLimitRows ${max}: page with a WHERE condition on the sort key (keyset pagination), query one shard by its key, or raise maxLimitRows`,
  );
}

/** A table of another database named in a statement on a sharded schema. */
export function outsideSchema(db: string, table: string, schema: string): SqlError {
  return new SqlError(
    PlanErrno.TABLE_ACCESS_DENIED,
    `SELECT command denied for table \`${db}\`.\`${table}\`: a statement on sharded schema ${schema} may name only its own tables and information_schema`,
  );
}
