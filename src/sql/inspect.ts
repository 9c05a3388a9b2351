// What the planner asks of a parsed statement: its tables (with aliases, qualifiers and spans), the
// conditions on a column as a boolean tree, select items and aggregates, GROUP BY / ORDER BY / LIMIT,
// INSERT columns and rows, and the `?` placeholders. Every node handed back is the AST's own, so its
// {start, end} point into the original text for splicing.
import type * as A from './ast';

// ------------------------------------------------------------ walking

/** Calls visit(node, parent, key, depth) for every node under `root` (root included), in source order. */
export function walk(
  root: A.Node,
  visit: (node: A.Node, parent: A.Node | undefined, key: string | undefined, depth: number) => void,
): void {
  const go = (node: A.Node, parent: A.Node | undefined, key: string | undefined, depth: number): void => {
    visit(node, parent, key, depth);
    // a query nested in another statement opens a level; union operands and EXPLAIN's statement do not
    const inner =
      isQueryScope(node) && parent !== undefined && parent.type !== 'union' && parent.type !== 'explain' ? depth + 1 : depth;
    for (const k of Object.keys(node)) {
      const v = (node as unknown as Record<string, unknown>)[k];
      if (v === null || typeof v !== 'object') continue;
      if (Array.isArray(v)) {
        // (RENAME's { from, to } pairs are not nodes: their names are listed in `tables` too)
        for (const item of v) if (isNode(item)) go(item, node, k, inner);
      } else if (isNode(v)) go(v, node, k, inner);
    }
  };
  go(root, undefined, undefined, 0);
}

function isNode(v: unknown): v is A.Node {
  return typeof v === 'object' && v !== null && typeof (v as { type?: unknown }).type === 'string';
}

function isQueryScope(n: A.Node): boolean {
  return n.type === 'select' || n.type === 'union' || n.type === 'values' || n.type === 'table';
}

// ------------------------------------------------------------ tables

/** Where a table name appears. */
export type TableContext =
  | 'from' // FROM / JOIN of a query, UPDATE's and DELETE's table references
  | 'insert' // INSERT / REPLACE INTO
  | 'delete' // the tables a multi-table DELETE deletes from
  | 'ddl' // CREATE/ALTER/DROP/TRUNCATE/RENAME TABLE, CREATE/DROP INDEX ... ON
  | 'lock' // LOCK TABLES, FOR UPDATE OF
  | 'show' // SHOW COLUMNS/INDEX/CREATE TABLE
  | 'explain' // DESCRIBE t
  | 'other'; // tables found in a statement of kind 'other'

/** One table reference. */
export interface TableInfo {
  schema?: string;
  name: string;
  alias?: string;
  /** Span of `[schema.]name` alone: what a rewriter replaces to rename the table. */
  start: number;
  end: number;
  /** Span of the whole reference (with PARTITION, alias, index hints). */
  refStart: number;
  refEnd: number;
  context: TableContext;
  /** 0 for the statement's own tables; more inside subqueries, derived tables and CTEs. */
  depth: number;
  /** True when the name refers to a CTE of an enclosing WITH (not a real table). */
  cte: boolean;
}

/** Every table the statement names, in source order. */
export function tablesOf(stmt: A.Statement): TableInfo[] {
  const out: TableInfo[] = [];
  const seen = new Set<A.Node>();
  const ctes = new Set<string>();
  walk(stmt, (node) => {
    if (node.type === 'Cte') ctes.add(node.name.toLowerCase());
  });
  walk(stmt, (node, parent, key, depth) => {
    if (node.type !== 'Table' && node.type !== 'TableName') return;
    if (seen.has(node)) return;
    seen.add(node);
    const context = contextOf(parent, key);
    const info: TableInfo =
      node.type === 'Table'
        ? { name: node.name, start: node.nameStart, end: node.nameEnd, refStart: node.start, refEnd: node.end, context, depth, cte: false }
        : { name: node.name, start: node.start, end: node.end, refStart: node.start, refEnd: node.end, context, depth, cte: false };
    if (node.schema !== undefined) info.schema = node.schema;
    if (node.type === 'Table' && node.alias !== undefined) info.alias = node.alias;
    info.cte = node.schema === undefined && ctes.has(node.name.toLowerCase()) && context === 'from';
    out.push(info);
  });
  return out.sort((a, b) => a.start - b.start);
}

function contextOf(parent: A.Node | undefined, key: string | undefined): TableContext {
  switch (parent?.type) {
    case 'insert':
      return 'insert';
    case 'delete':
      return key === 'targets' ? 'delete' : 'from';
    case 'ddl':
    case 'TableConstraint':
      return 'ddl';
    case 'LockTable':
    case 'Lock':
      return 'lock';
    case 'show':
      return 'show';
    case 'explain':
      return 'explain';
    case 'other':
      return 'other';
    default:
      return 'from';
  }
}

// ------------------------------------------------------------ column conditions

/**
 * What a condition says about the columns `isColumn` picks, as a boolean tree. Comparisons are turned
 * so the column is on the left (`5 < id` -> `id > 5`); `value` is the other side (a literal, a `?`, a
 * signed literal, or any expression free of the column). 'TRUE' stands for a part that does not
 * constrain the column (unknown to the planner: it must assume any value).
 */
export type ColumnCondition =
  | { op: 'AND' | 'OR'; args: ColumnCondition[] }
  | { op: 'NOT'; arg: ColumnCondition }
  | { op: '=' | '<=>' | '<>' | '<' | '<=' | '>' | '>='; column: A.Column; value: A.Expr; node: A.Expr }
  | { op: 'IN' | 'NOT IN'; column: A.Column; values: A.Expr[]; node: A.In }
  | { op: 'BETWEEN' | 'NOT BETWEEN'; column: A.Column; low: A.Expr; high: A.Expr; node: A.Between }
  | { op: 'IS NULL' | 'IS NOT NULL'; column: A.Column; node: A.Is }
  | { op: 'TRUE' };

const TRUE: ColumnCondition = { op: 'TRUE' };
const FLIP: Record<string, '=' | '<=>' | '<>' | '<' | '<=' | '>' | '>='> = {
  '=': '=',
  '<=>': '<=>',
  '<>': '<>',
  '<': '>',
  '<=': '>=',
  '>': '<',
  '>=': '<=',
};

/** The condition tree of `where` (or an ON clause) over the columns isColumn accepts. */
export function columnConditions(where: A.Expr | undefined, isColumn: (c: A.Column) => boolean): ColumnCondition {
  if (!where) return TRUE;
  const mentions = (e: A.Expr): boolean => {
    let found = false;
    walk(e, (n) => {
      if (n.type === 'Column' && isColumn(n)) found = true;
    });
    return found;
  };
  const picked = (e: A.Expr): e is A.Column => e.type === 'Column' && isColumn(e);
  const cond = (e: A.Expr): ColumnCondition => {
    switch (e.type) {
      case 'Binary': {
        if (e.op === 'AND' || e.op === 'OR') return combine(e.op, [cond(e.left), cond(e.right)]);
        const op = FLIP[e.op];
        if (op === undefined) return TRUE;
        if (picked(e.left) && !mentions(e.right)) return { op: e.op as typeof op, column: e.left, value: e.right, node: e };
        if (picked(e.right) && !mentions(e.left)) return { op, column: e.right, value: e.left, node: e };
        return TRUE;
      }
      case 'Unary':
        if (e.op === 'NOT' || e.op === '!') {
          const inner = cond(e.operand);
          return inner.op === 'TRUE' ? TRUE : { op: 'NOT', arg: inner };
        }
        return TRUE;
      case 'In':
        if (picked(e.expr) && !e.list.some(mentions))
          return { op: e.not ? 'NOT IN' : 'IN', column: e.expr, values: e.list, node: e };
        return TRUE;
      case 'Between':
        if (picked(e.expr) && !mentions(e.low) && !mentions(e.high))
          return { op: e.not ? 'NOT BETWEEN' : 'BETWEEN', column: e.expr, low: e.low, high: e.high, node: e };
        return TRUE;
      case 'Is':
        if (e.value === 'NULL' && picked(e.expr)) return { op: e.not ? 'IS NOT NULL' : 'IS NULL', column: e.expr, node: e };
        return TRUE;
      default:
        return TRUE;
    }
  };
  return cond(where);
}

function combine(op: 'AND' | 'OR', parts: ColumnCondition[]): ColumnCondition {
  const args: ColumnCondition[] = [];
  for (const p of parts) {
    if (p.op === 'TRUE') {
      if (op === 'OR') return TRUE; // anything OR unknown: unknown
      continue; // x AND unknown: x
    }
    if (p.op === op) args.push(...p.args);
    else args.push(p);
  }
  if (args.length === 0) return TRUE;
  if (args.length === 1) return args[0];
  return { op, args };
}

/** A column picker for columnConditions: `name` (any case), optionally only under one of these qualifiers. */
export function columnNamed(name: string, qualifiers?: string[]): (c: A.Column) => boolean {
  const n = name.toLowerCase();
  const q = qualifiers?.map((x) => x.toLowerCase());
  return (c) => c.name.toLowerCase() === n && (c.table === undefined || q === undefined || q.includes(c.table.toLowerCase()));
}

// ------------------------------------------------------------ select items, grouping, ordering, limits

const AGGREGATES = new Set([
  'COUNT', 'SUM', 'AVG', 'MIN', 'MAX', 'BIT_AND', 'BIT_OR', 'BIT_XOR', 'STD', 'STDDEV', 'STDDEV_POP', 'STDDEV_SAMP',
  'VAR_POP', 'VAR_SAMP', 'VARIANCE', 'GROUP_CONCAT', 'JSON_ARRAYAGG', 'JSON_OBJECTAGG',
]);

/** True for an aggregate call (COUNT, SUM, ...) that is not used as a window function. */
export function isAggregate(e: A.Expr): e is A.Call {
  return e.type === 'Call' && e.schema === undefined && e.over === undefined && AGGREGATES.has(e.name.toUpperCase());
}

/** The aggregate calls inside `e` (not descending into subqueries), in source order. */
export function aggregatesIn(e: A.Expr): A.Call[] {
  const out: A.Call[] = [];
  const visit = (n: A.Node): void => {
    if (n.type === 'Subquery' || n.type === 'Exists' || n.type === 'InSubquery' || n.type === 'Quantified') {
      if (n.type === 'InSubquery') visit(n.expr);
      return;
    }
    if (isNode(n) && (n as A.Expr).type === 'Call' && isAggregate(n as A.Expr)) {
      out.push(n as A.Call);
      return;
    }
    for (const k of Object.keys(n)) {
      const v = (n as unknown as Record<string, unknown>)[k];
      if (Array.isArray(v)) for (const x of v) isNode(x) && visit(x);
      else if (isNode(v)) visit(v);
    }
  };
  visit(e);
  return out;
}

/** One select list entry, as the merger needs it. */
export interface SelectItemInfo {
  item: A.SelectItem;
  expr: A.Expr;
  alias?: string;
  /** `*` or `t.*`. */
  star: boolean;
  /** The qualifier of `t.*`. */
  starTable?: string;
  /** A plain column reference. */
  column?: A.Column;
  /** The aggregate calls in the expression (COUNT(*), SUM(a) / COUNT(b) has two). */
  aggregates: A.Call[];
  /** The name MySQL gives the result column: the alias, the column name, or the expression's text. */
  label: string;
  start: number;
  end: number;
}

/** The select list of a query (of its first SELECT for a set operation). */
export function selectItems(q: A.Query, sql?: string): SelectItemInfo[] {
  const sel = firstSelect(q);
  if (!sel) return [];
  return sel.columns.map((item) => {
    const e = item.expr;
    const info: SelectItemInfo = {
      item,
      expr: e,
      star: e.type === 'Star',
      aggregates: aggregatesIn(e),
      label: item.alias ?? (e.type === 'Column' ? e.name : sql !== undefined ? sql.slice(e.start, e.end) : ''),
      start: item.start,
      end: item.end,
    };
    if (item.alias !== undefined) info.alias = item.alias;
    if (e.type === 'Star' && e.table !== undefined) info.starTable = e.table;
    if (e.type === 'Column') info.column = e;
    return info;
  });
}

/** The first query specification of a query expression (the one whose select list names the columns). */
export function firstSelect(q: A.Query): A.Select | undefined {
  let x: A.Query = q;
  while (x.type === 'union') x = x.left;
  return x.type === 'select' ? x : undefined;
}

/** An ORDER BY / GROUP BY item with what the merger compares by. */
export interface OrderInfo {
  item: A.OrderItem;
  expr: A.Expr;
  desc: boolean;
  /** ORDER BY 2: the 1-based select list position. */
  position?: number;
  /** A plain column reference. */
  column?: A.Column;
}

function orderInfo(items: A.OrderItem[] | undefined): OrderInfo[] {
  return (items ?? []).map((item) => {
    const o: OrderInfo = { item, expr: item.expr, desc: item.direction === 'DESC' };
    if (item.expr.type === 'Number' && /^[0-9]+$/.test(item.expr.value)) o.position = Number(item.expr.value);
    if (item.expr.type === 'Column') o.column = item.expr;
    return o;
  });
}

/** GROUP BY items of a SELECT ([] without GROUP BY); rollup tells WITH ROLLUP. */
export function groupByOf(q: A.Query): { items: OrderInfo[]; rollup: boolean } {
  const sel = q.type === 'select' ? q : undefined;
  return { items: orderInfo(sel?.groupBy?.items), rollup: sel?.groupBy?.rollup === true };
}

/** ORDER BY items of a query or of UPDATE/DELETE. */
export function orderByOf(q: A.Query | A.UpdateStatement | A.DeleteStatement): OrderInfo[] {
  return orderInfo(q.orderBy);
}

/** A LIMIT value: a literal number, or the index of a `?` marker. */
export type LimitValue = { value: number } | { param: number } | { expr: A.Expr };

function limitValue(e: A.Expr): LimitValue {
  if (e.type === 'Number' && /^[0-9]+$/.test(e.value)) return { value: Number(e.value) };
  if (e.type === 'Param') return { param: e.index };
  return { expr: e };
}

/** LIMIT count and OFFSET of a query or of UPDATE/DELETE, undefined without LIMIT. */
export function limitOf(
  q: A.Query | A.UpdateStatement | A.DeleteStatement,
): { count: LimitValue; offset?: LimitValue; node: A.Limit } | undefined {
  const l = q.limit;
  if (!l) return undefined;
  const out: { count: LimitValue; offset?: LimitValue; node: A.Limit } = { count: limitValue(l.count), node: l };
  if (l.offset) out.offset = limitValue(l.offset);
  return out;
}

// ------------------------------------------------------------ INSERT

/** An INSERT's target, columns and rows. */
export interface InsertInfo {
  table: A.Table;
  /** Column names as written, or undefined when the statement lists none (all columns in table order). */
  columns?: string[];
  /** VALUES rows (each with its span, for cutting rows per shard). */
  rows?: A.ValuesRow[];
  /** INSERT ... SET: the assignments (a single row). */
  set?: A.Assignment[];
  select?: A.Query;
  onDuplicate?: A.Assignment[];
}

export function insertInfo(st: A.InsertStatement): InsertInfo {
  const info: InsertInfo = { table: st.table };
  if (st.columns) info.columns = st.columns.map((c) => c.name);
  else if (st.set) info.columns = st.set.map((a) => a.column.name);
  if (st.values) info.rows = st.values;
  if (st.set) info.set = st.set;
  if (st.select) info.select = st.select;
  if (st.onDuplicate) info.onDuplicate = st.onDuplicate;
  return info;
}

/** The value a row gives `column` (by name, any case), or undefined when the row does not set it. */
export function insertValue(st: A.InsertStatement, row: number, column: string): A.Expr | undefined {
  const c = column.toLowerCase();
  if (st.set) return row === 0 ? st.set.find((a) => a.column.name.toLowerCase() === c)?.value : undefined;
  if (!st.values || !st.columns) return undefined;
  const i = st.columns.findIndex((x) => x.name.toLowerCase() === c);
  return i < 0 ? undefined : st.values[row]?.values[i];
}

// ------------------------------------------------------------ placeholders

/** The `?` markers of a statement in order (Param.index 0, 1, ...). */
export function placeholders(stmt: A.Statement): A.Param[] {
  const out: A.Param[] = [];
  walk(stmt, (n) => {
    if (n.type === 'Param') out.push(n);
  });
  return out.sort((a, b) => a.index - b.index);
}

/** True for statements that return rows and change nothing (SELECT without INTO/locking, SHOW, EXPLAIN ...). */
export function isReadOnly(stmt: A.Statement): boolean {
  switch (stmt.type) {
    case 'select':
    case 'union':
    case 'values':
    case 'table':
      return !stmt.into && !stmt.lock;
    case 'show':
      return true;
    case 'explain':
      return !stmt.analyze && (stmt.statement === undefined || isReadOnly(stmt.statement));
    default:
      return false;
  }
}
