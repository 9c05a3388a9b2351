// Plans: what to run where for one statement on a sharded schema, and how to merge the answers.
// Plans are inert data, cached by statement digest (with parameter slots), checked by golden tests.
import type { MergeSpec } from '../merge/spec';

/** One piece of a distributed statement: physical SQL for one partition. */
export interface RouteUnit {
  /** Index into the schema's partitions. */
  partition: number;
  /** The SQL to run there (tables renamed, IN lists cut, LIMIT widened, derived columns added). */
  sql: string;
}

export type RouteKind = 'single' | 'multi' | 'broadcast';

export interface ShardPlan extends ShardPlanExtras {
  /** single: one unit; multi: some partitions/tables chosen by the shard key; broadcast: all of them. */
  route: RouteKind;
  units: RouteUnit[];
  /**
   * Must run on partition primaries: writes, DDL, locking reads (FOR UPDATE / LOCK IN SHARE MODE),
   * and the /*+ sluice:primary *\/ hint. Reads outside transactions may go to replicas otherwise.
   */
  primary: boolean;
  /** The statement returns rows (SELECT, SHOW, ...) — else it returns OK packets to add up. */
  returnsRows: boolean;
  /** How to merge several units' rows; null when units.length === 1 or no rows are returned. */
  merge: MergeSpec | null;
  /**
   * For a broadcast-table write, every unit does the same change: report one unit's affected rows,
   * not the sum.
   */
  sameChangeEverywhere: boolean;
  /** Human-readable merge steps for PREVIEW / EXPLAIN (e.g. "order-by merge on 2 keys", "limit 10"). */
  steps: string[];
}

/**
 * Extra facts a plan carries for the session and for PREVIEW (added by the planner; optional so that
 * hand-built plans stay valid).
 */
export interface ShardPlanExtras {
  /** Snowflake ids generated for INSERT rows that omitted the keyGenerator column, in row order (LAST_INSERT_ID is the first). */
  generatedIds?: bigint[];
  /**
   * Physical table index (0 … tablesPerPartition-1) of each unit, parallel to `units`; absent for
   * statements on tables that are not table-sharded.
   */
  tables?: number[];
  /**
   * A one-unit plan whose unit is the statement exactly as the client wrote it, `?` markers and
   * all, once its values are in (no rename): a prepared statement can then be prepared on that
   * partition's backend as it is and executed there with the client's own parameters.
   */
  asWritten?: boolean;
}

/** A value bound to a `?` marker (COM_STMT_EXECUTE parameters, or tests). */
export type ParamValue = string | number | bigint | null | Buffer;
