// What the planner tells the merger about a multi-shard result: inert data, built once per plan
// (and cached with it), read by the merger for every execution.

/** One sort key: a column of the shard results and its direction. */
export interface OrderKey {
  /** Index into the shard result's columns (derived columns included). */
  index: number;
  desc: boolean;
}

export type AggregateFn = 'COUNT' | 'SUM' | 'MIN' | 'MAX' | 'AVG' | 'GROUP_CONCAT' | 'BIT_AND' | 'BIT_OR' | 'BIT_XOR';

/**
 * An aggregate select item to combine across shards. Shards each return a partial value in column
 * `index`; the merger combines partials: COUNT and SUM add, MIN/MAX compare, AVG divides the summed
 * SUM (column sumIndex) by the summed COUNT (column countIndex), BIT_AND/OR/XOR combine the partial
 * 64-bit values with their own operator — the planner rewrote AVG(x) into
 * derived SUM(x), COUNT(x) columns. The result keeps MySQL's type: COUNT is BIGINT, SUM of an
 * integer is DECIMAL(precision+22, 0), AVG is DECIMAL with scale + 4 (div_precision_increment).
 */
export interface AggregateSpec {
  index: number;
  fn: AggregateFn;
  sumIndex?: number;
  countIndex?: number;
  /**
   * COUNT(DISTINCT x) / SUM(DISTINCT x) across shards: column `index` holds x itself (the shards
   * grouped by x too), and the merger counts or adds the group's distinct non-NULL values, equal as
   * the column's collation says. The values are held in memory within the merge budget (ERR 1041).
   */
  distinct?: boolean;
  /**
   * GROUP_CONCAT(x [SEPARATOR s]): shards return partial concatenations, joined with `separator`
   * (default ',') and cut to `maxLength` bytes at a character boundary, as MySQL cuts (it also adds
   * warning 1260, which the merged result does not carry). The limit is `maxLength`, else the value
   * of column `maxLengthIndex` (the planner adds a derived @@group_concat_max_len column, so the
   * session's own setting counts), else MySQL's default 1024.
   */
  separator?: string;
  maxLength?: number;
  maxLengthIndex?: number;
}

/** A HAVING condition (or any post-merge expression) over merged row values. */
export type PostExpr =
  | { op: 'col'; index: number }
  | { op: 'lit'; value: string | number | null }
  | { op: 'and' | 'or' | 'xor'; args: PostExpr[] }
  | { op: 'not'; arg: PostExpr }
  | { op: '=' | '<>' | '<' | '<=' | '>' | '>=' | '<=>'; left: PostExpr; right: PostExpr }
  | { op: '+' | '-' | '*' | '/'; left: PostExpr; right: PostExpr }
  | { op: 'isnull' | 'isnotnull'; arg: PostExpr }
  | { op: 'in'; arg: PostExpr; list: PostExpr[]; not: boolean }
  | { op: 'between'; arg: PostExpr; low: PostExpr; high: PostExpr; not: boolean };

/**
 * How to merge the results of several shards into the one result a single MySQL would return.
 * The shard queries were rewritten so that each shard's rows are already in `orderBy` order
 * (when orderBy is non-empty) and carry every column the merge needs.
 */
export interface MergeSpec {
  /** Columns in each shard result, derived ones included. */
  columnCount: number;
  /** The first `visible` columns go to the client; the rest were added for the merge. */
  visible: number;
  /** Final sort order; each shard's result is already sorted this way. Empty: no order. */
  orderBy: OrderKey[];
  /**
   * Group key columns. null: no grouping (rows pass through). []: one group over all rows
   * (aggregates without GROUP BY: SELECT COUNT(*) FROM t).
   */
  groupBy: number[] | null;
  /** Shards return rows ordered by the group key (ORDER BY matches GROUP BY): group in a stream. */
  groupsSorted: boolean;
  aggregates: AggregateSpec[];
  /** Evaluated after merging groups; rows where it is not true are dropped. */
  having: PostExpr | null;
  /**
   * Collation weights: pairs [column, derived column holding WEIGHT_STRING(column's expression)].
   * Sort keys, group keys, DISTINCT columns, COUNT/SUM(DISTINCT) arguments and MIN/MAX of text
   * compare by the weights (src/merge/weights.ts). Absent when no key may be text.
   */
  weights?: [number, number][];
  /** SELECT DISTINCT: drop duplicate rows (over the visible columns) after merging. */
  distinct: boolean;
  offset: number;
  /** null: no LIMIT. */
  limit: number | null;
}
