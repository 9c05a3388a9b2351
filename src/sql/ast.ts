// The typed AST. Every node carries {start, end}: offsets into the original SQL text, end exclusive,
// so a rewriter can splice the original text (comments and hints survive) instead of re-printing.
//
// Conventions:
// - `type` discriminates every node. Statements use lower-case kinds ('select', 'insert', ...);
//   expressions and clauses use PascalCase ('Column', 'Binary', 'Table', ...).
// - Names are stored as written, without quotes (`a``b` -> "a`b"); keywords and operators upper-case.
// - Synonyms are folded so that printSql -> parse gives back the same tree: && -> AND, || -> OR,
//   != -> <>, MOD -> %, RLIKE -> REGEXP, INNER JOIN -> JOIN kind 'INNER', LIMIT o, n == LIMIT n OFFSET o.
// - Optional fields are absent (not undefined) when the clause is absent.

/** Offsets into the original text: [start, end). */
export interface Span {
  start: number;
  end: number;
}

// ---------------------------------------------------------------- expressions

export type Expr =
  | NumberLit
  | StringLit
  | HexLit
  | BitLit
  | NullLit
  | BoolLit
  | TypedLit
  | Param
  | Variable
  | Column
  | Star
  | Unary
  | Binary
  | Is
  | In
  | InSubquery
  | Between
  | Like
  | MemberOf
  | Collate
  | Interval
  | Case
  | Call
  | Cast
  | Extract
  | Trim
  | Match
  | Subquery
  | Exists
  | Quantified
  | Row
  | Default
  | Keyword;

/** A number as written: '123', '1.5', '1e-3'. */
export interface NumberLit extends Span {
  type: 'Number';
  value: string;
}

/** A string, adjacent parts concatenated, escapes decoded. `charset` is an introducer (_utf8mb4'x'); N'x' sets national. */
export interface StringLit extends Span {
  type: 'String';
  value: string;
  charset?: string;
  national?: boolean;
}

/** X'1F' (form 'X') or 0x1F (form '0x'); value is the hex digits. */
export interface HexLit extends Span {
  type: 'Hex';
  value: string;
  form: 'X' | '0x';
  charset?: string;
}

/** B'101' (form 'B') or 0b101 (form '0b'); value is the binary digits. */
export interface BitLit extends Span {
  type: 'Bit';
  value: string;
  form: 'B' | '0b';
  charset?: string;
}

export interface NullLit extends Span {
  type: 'Null';
}

export interface BoolLit extends Span {
  type: 'Bool';
  value: boolean;
}

/** DATE '2020-01-01', TIME '10:00', TIMESTAMP '...'. */
export interface TypedLit extends Span {
  type: 'TypedLiteral';
  dataType: 'DATE' | 'TIME' | 'TIMESTAMP';
  value: string;
}

/** A `?` parameter marker; index counts the markers of the text from 0, in order. */
export interface Param extends Span {
  type: 'Param';
  index: number;
}

/**
 * @name (scope 'USER') or @@[scope.]name (scope 'GLOBAL' | 'SESSION' | 'LOCAL' | 'PERSIST' |
 * 'PERSIST_ONLY', or 'DEFAULT' for plain @@name). In SET statements a bare name has scope 'DEFAULT' too.
 */
export interface Variable extends Span {
  type: 'Variable';
  scope: VariableScope;
  name: string;
  /** True for @@name / @@scope.name (a system variable). */
  system: boolean;
}
export type VariableScope = 'USER' | 'DEFAULT' | 'GLOBAL' | 'SESSION' | 'LOCAL' | 'PERSIST' | 'PERSIST_ONLY';

/** A column reference: name, t.name, db.t.name. */
export interface Column extends Span {
  type: 'Column';
  schema?: string;
  table?: string;
  name: string;
}

/** `*`, `t.*`, `db.t.*` (select lists, COUNT(*)). */
export interface Star extends Span {
  type: 'Star';
  schema?: string;
  table?: string;
}

/** Prefix operators: - + ~ ! NOT BINARY. */
export interface Unary extends Span {
  type: 'Unary';
  op: '-' | '+' | '~' | '!' | 'NOT' | 'BINARY';
  operand: Expr;
}

export type BinaryOp =
  | 'OR'
  | 'XOR'
  | 'AND'
  | '='
  | '<=>'
  | '<>'
  | '<'
  | '<='
  | '>'
  | '>='
  | '|'
  | '&'
  | '<<'
  | '>>'
  | '+'
  | '-'
  | '*'
  | '/'
  | 'DIV'
  | '%'
  | '^'
  | '->'
  | '->>'
  | ':='
  | 'SOUNDS LIKE';

/** Binary operators (logical, comparison, bit, arithmetic, JSON -> / ->>, := assignment, SOUNDS LIKE). */
export interface Binary extends Span {
  type: 'Binary';
  op: BinaryOp;
  left: Expr;
  right: Expr;
}

/** expr IS [NOT] NULL | TRUE | FALSE | UNKNOWN. */
export interface Is extends Span {
  type: 'Is';
  expr: Expr;
  not: boolean;
  value: 'NULL' | 'TRUE' | 'FALSE' | 'UNKNOWN';
}

/** expr [NOT] IN (list). */
export interface In extends Span {
  type: 'In';
  expr: Expr;
  not: boolean;
  list: Expr[];
}

/** expr [NOT] IN (subquery). */
export interface InSubquery extends Span {
  type: 'InSubquery';
  expr: Expr;
  not: boolean;
  query: Query;
}

/** expr [NOT] BETWEEN low AND high. */
export interface Between extends Span {
  type: 'Between';
  expr: Expr;
  not: boolean;
  low: Expr;
  high: Expr;
}

/** expr [NOT] LIKE pattern [ESCAPE e], expr [NOT] REGEXP pattern (RLIKE folds into REGEXP). */
export interface Like extends Span {
  type: 'Like';
  op: 'LIKE' | 'REGEXP';
  expr: Expr;
  not: boolean;
  pattern: Expr;
  escape?: Expr;
}

/** value MEMBER OF (json). */
export interface MemberOf extends Span {
  type: 'MemberOf';
  expr: Expr;
  json: Expr;
}

/** expr COLLATE collation. */
export interface Collate extends Span {
  type: 'Collate';
  expr: Expr;
  collation: string;
}

/** INTERVAL expr unit (in date arithmetic and DATE_ADD-style arguments). */
export interface Interval extends Span {
  type: 'Interval';
  expr: Expr;
  unit: string;
}

export interface Case extends Span {
  type: 'Case';
  operand?: Expr;
  whens: WhenClause[];
  else?: Expr;
}
export interface WhenClause extends Span {
  type: 'When';
  when: Expr;
  then: Expr;
}

/**
 * A function call: name as written (schema for db.fn()). Aggregates carry `distinct`; GROUP_CONCAT
 * carries `orderBy`/`separator`; window and aggregate functions carry `over`. `bare` marks a niladic
 * keyword used without parentheses (CURRENT_TIMESTAMP, CURRENT_USER, ...).
 * Special argument syntax is folded into `args`: SUBSTRING(s FROM a FOR b) -> args [s, a, b];
 * POSITION(a IN b) -> args [a, b]; TIMESTAMPADD(DAY, ...) -> a Keyword first argument;
 * CHAR(... USING cs) -> `using`; WEIGHT_STRING(s AS CHAR(n)) -> `as`; JSON_VALUE(... RETURNING t) -> `returning`.
 */
export interface Call extends Span {
  type: 'Call';
  schema?: string;
  name: string;
  args: Expr[];
  distinct?: boolean;
  orderBy?: OrderItem[];
  separator?: string;
  using?: string;
  as?: DataType;
  returning?: DataType;
  /** GROUP_CONCAT(... LIMIT n) (MariaDB). */
  limit?: Limit;
  /** PERCENTILE_CONT(x) WITHIN GROUP (ORDER BY ...) (MariaDB). */
  withinGroup?: OrderItem[];
  over?: WindowSpec;
  bare?: boolean;
}

/** CAST(expr AS type), CONVERT(expr, type), CONVERT(expr USING charset). */
export interface Cast extends Span {
  type: 'Cast';
  fn: 'CAST' | 'CONVERT';
  expr: Expr;
  dataType?: DataType;
  using?: string;
}

/** EXTRACT(unit FROM expr). */
export interface Extract extends Span {
  type: 'Extract';
  unit: string;
  expr: Expr;
}

/** TRIM([LEADING|TRAILING|BOTH] [remove] FROM expr) or TRIM(expr). */
export interface Trim extends Span {
  type: 'Trim';
  spec?: 'LEADING' | 'TRAILING' | 'BOTH';
  remove?: Expr;
  expr: Expr;
}

/** MATCH (cols) AGAINST (expr [mode]). */
export interface Match extends Span {
  type: 'Match';
  columns: Column[];
  against: Expr;
  mode?: string;
}

/** A scalar subquery or a row subquery in an expression. */
export interface Subquery extends Span {
  type: 'Subquery';
  query: Query;
}

export interface Exists extends Span {
  type: 'Exists';
  query: Query;
}

/** The right side of `x = ANY (subquery)`, `x > ALL (...)`, `x = SOME (...)`. */
export interface Quantified extends Span {
  type: 'Quantified';
  quantifier: 'ANY' | 'ALL' | 'SOME';
  query: Query;
}

/** (a, b) or ROW(a, b). */
export interface Row extends Span {
  type: 'Row';
  items: Expr[];
  keyword: boolean;
}

/** DEFAULT as a value (INSERT VALUES (DEFAULT), SET x = DEFAULT). DEFAULT(col) is a Call. */
export interface Default extends Span {
  type: 'Default';
}

/**
 * A bare keyword where a value stands: a unit as a function argument (TIMESTAMPDIFF(DAY, a, b)),
 * GET_FORMAT(DATE, ...), and SET x = ON | OFF | ALL | BINARY | ROW | SYSTEM.
 */
export interface Keyword extends Span {
  type: 'Keyword';
  name: string;
}

/** A data type: CHAR(10) CHARACTER SET utf8mb4, DECIMAL(10,2) UNSIGNED, SIGNED INTEGER, JSON ... */
export interface DataType extends Span {
  type: 'DataType';
  /** Upper-case, multi-word names joined by a space: 'DOUBLE PRECISION', 'SIGNED INTEGER', 'CHAR'. */
  name: string;
  /** Length/precision arguments, or ENUM/SET values, as written (numbers as text, strings decoded). */
  params?: string[];
  unsigned?: boolean;
  zerofill?: boolean;
  charset?: string;
  collate?: string;
  /** CAST(... AS type ARRAY). */
  array?: boolean;
}

// ---------------------------------------------------------------- windows

export interface WindowSpec extends Span {
  type: 'Window';
  /** OVER w (named window) or OVER (w ...) (base window). */
  name?: string;
  partitionBy?: Expr[];
  orderBy?: OrderItem[];
  frame?: WindowFrame;
  /** True for OVER name without parentheses. */
  ref?: boolean;
}
export interface WindowFrame extends Span {
  type: 'Frame';
  unit: 'ROWS' | 'RANGE' | 'GROUPS';
  /** The frame start, or the lone bound of `ROWS 2 PRECEDING`. */
  from: FrameBound;
  /** The frame end of BETWEEN from AND to. */
  to?: FrameBound;
}
export interface FrameBound extends Span {
  type: 'FrameBound';
  kind: 'UNBOUNDED PRECEDING' | 'UNBOUNDED FOLLOWING' | 'CURRENT ROW' | 'PRECEDING' | 'FOLLOWING';
  expr?: Expr;
}
export interface NamedWindow extends Span {
  type: 'NamedWindow';
  name: string;
  spec: WindowSpec;
}

// ---------------------------------------------------------------- queries

/** A query expression: a SELECT, a set operation (UNION/EXCEPT/INTERSECT), VALUES rows, TABLE t. */
export type Query = Select | Union | ValuesQuery | TableQuery;

/** VALUES ROW(1, 2), ROW(3, 4) (MySQL 8) or VALUES (1, 2), (3, 4) (MariaDB) as a query. */
export interface ValuesQuery extends Span {
  type: 'values';
  with?: With;
  rows: ValuesRow[];
  /** Rows written with ROW(...). */
  rowKeyword: boolean;
  orderBy?: OrderItem[];
  limit?: Limit;
  lock?: LockClause;
  into?: Into;
}

/** TABLE t (MySQL 8): all rows of a table. */
export interface TableQuery extends Span {
  type: 'table';
  with?: With;
  table: TableName;
  orderBy?: OrderItem[];
  limit?: Limit;
  lock?: LockClause;
  into?: Into;
}

/** A statement-level optimizer hint: the text between /*+ and *\/. */
export interface Hint extends Span {
  type: 'Hint';
  text: string;
}

export interface With extends Span {
  type: 'With';
  recursive: boolean;
  ctes: Cte[];
}
export interface Cte extends Span {
  type: 'Cte';
  name: string;
  columns?: string[];
  query: Query;
}

/** One query specification: SELECT ... FROM ... WHERE ... (its own ORDER BY/LIMIT/locking too). */
export interface Select extends Span {
  type: 'select';
  with?: With;
  hints?: Hint[];
  /** DISTINCT / DISTINCTROW (as DISTINCT) / ALL when written. */
  distinct?: 'DISTINCT' | 'ALL';
  /** HIGH_PRIORITY, STRAIGHT_JOIN, SQL_SMALL_RESULT, SQL_BIG_RESULT, SQL_BUFFER_RESULT, SQL_CACHE, SQL_NO_CACHE, SQL_CALC_FOUND_ROWS. */
  modifiers?: string[];
  columns: SelectItem[];
  into?: Into;
  /** FROM items; comma-separated items are separate entries. Absent without FROM (and for FROM DUAL, see dual). */
  from?: TableRef[];
  dual?: boolean;
  where?: Expr;
  groupBy?: GroupBy;
  having?: Expr;
  windows?: NamedWindow[];
  orderBy?: OrderItem[];
  limit?: Limit;
  lock?: LockClause;
}

/** left op right; a chain a UNION b UNION c is left-deep. INTERSECT binds tighter than UNION/EXCEPT. */
export interface Union extends Span {
  type: 'union';
  with?: With;
  op: 'UNION' | 'EXCEPT' | 'INTERSECT';
  /** ALL or DISTINCT when written. */
  quantifier?: 'ALL' | 'DISTINCT';
  left: Query;
  right: Query;
  orderBy?: OrderItem[];
  limit?: Limit;
  lock?: LockClause;
  into?: Into;
}

/** A select list entry; `*` and `t.*` are a Star expr. */
export interface SelectItem extends Span {
  type: 'SelectItem';
  expr: Expr;
  alias?: string;
}

/** SELECT ... INTO @a, @b | INTO OUTFILE 'f' [options] | INTO DUMPFILE 'f'. */
export interface Into extends Span {
  type: 'Into';
  kind: 'VARIABLES' | 'OUTFILE' | 'DUMPFILE';
  /** User variables (Variable) or, in stored programs, local names (Column). */
  targets?: (Variable | Column)[];
  file?: string;
  /** OUTFILE export options as written (CHARACTER SET, FIELDS ..., LINES ...). */
  options?: string;
}

export interface GroupBy extends Span {
  type: 'GroupBy';
  items: OrderItem[];
  rollup: boolean;
}

/** ORDER BY / GROUP BY item; a position is a Number expr. */
export interface OrderItem extends Span {
  type: 'OrderItem';
  expr: Expr;
  direction?: 'ASC' | 'DESC';
}

/** LIMIT [offset,] count | LIMIT count OFFSET offset; values are Number, Param or (in stored programs) Column. */
export interface Limit extends Span {
  type: 'Limit';
  count: Expr;
  offset?: Expr;
  /** Written `LIMIT count OFFSET offset` (the order of `?` markers differs from `LIMIT offset, count`). */
  offsetKeyword?: boolean;
}

/** FOR UPDATE / FOR SHARE [OF t, ...] [NOWAIT | SKIP LOCKED | WAIT n], LOCK IN SHARE MODE. */
export interface LockClause extends Span {
  type: 'Lock';
  mode: 'UPDATE' | 'SHARE' | 'LOCK IN SHARE MODE';
  of?: TableName[];
  wait?: 'NOWAIT' | 'SKIP LOCKED' | number;
}

// ---------------------------------------------------------------- tables

export type TableRef = Table | Derived | Join | TableGroup | JsonTable;

/** JSON_TABLE(expr, path COLUMNS (...)) [AS] alias: the arguments kept as written. */
export interface JsonTable extends Span {
  type: 'JsonTable';
  /** The parenthesized arguments as written, parentheses included. */
  args: string;
  alias?: string;
}

/** A schema-qualified name as written. */
export interface TableName extends Span {
  type: 'TableName';
  schema?: string;
  name: string;
}

/** A table in FROM/JOIN/UPDATE/DELETE/INSERT: its name, alias, partitions, index hints. */
export interface Table extends Span {
  type: 'Table';
  schema?: string;
  name: string;
  alias?: string;
  /** Span of the [schema.]name part alone (what a rewriter replaces). */
  nameStart: number;
  nameEnd: number;
  partitions?: string[];
  indexHints?: IndexHint[];
}

/** USE|IGNORE|FORCE INDEX|KEY [FOR JOIN|ORDER BY|GROUP BY] (names); KEY folds into INDEX. */
export interface IndexHint extends Span {
  type: 'IndexHint';
  action: 'USE' | 'IGNORE' | 'FORCE';
  for?: 'JOIN' | 'ORDER BY' | 'GROUP BY';
  indexes: string[];
}

/** (subquery) [AS] alias [(columns)], LATERAL too. */
export interface Derived extends Span {
  type: 'Derived';
  query: Query;
  alias?: string;
  columns?: string[];
  lateral?: boolean;
}

/** left JOIN right. kind: INNER (JOIN, INNER JOIN), CROSS, LEFT, RIGHT, STRAIGHT (STRAIGHT_JOIN), NATURAL [LEFT|RIGHT]. */
export interface Join extends Span {
  type: 'Join';
  kind: 'INNER' | 'CROSS' | 'LEFT' | 'RIGHT' | 'STRAIGHT' | 'NATURAL' | 'NATURAL LEFT' | 'NATURAL RIGHT';
  left: TableRef;
  right: TableRef;
  on?: Expr;
  using?: string[];
}

/** A parenthesized list of table references: FROM (t1, t2 JOIN t3 ON ...). */
export interface TableGroup extends Span {
  type: 'TableGroup';
  items: TableRef[];
}

// ---------------------------------------------------------------- statements

export type Statement =
  | Select
  | Union
  | ValuesQuery
  | TableQuery
  | InsertStatement
  | UpdateStatement
  | DeleteStatement
  | TransactionStatement
  | SetStatement
  | UseStatement
  | ShowStatement
  | ExplainStatement
  | DdlStatement
  | LockTablesStatement
  | XaStatement
  | KillStatement
  | PrepareStatement
  | OtherStatement;

export type StatementType = Statement['type'];

/** col = value in SET lists and ON DUPLICATE KEY UPDATE. */
export interface Assignment extends Span {
  type: 'Assignment';
  column: Column;
  value: Expr;
}

/** One row of VALUES (...), (...): its span covers the parentheses. */
export interface ValuesRow extends Span {
  type: 'ValuesRow';
  values: Expr[];
}

/** INSERT and REPLACE. Exactly one of values / set / select is present. */
export interface InsertStatement extends Span {
  type: 'insert';
  verb: 'INSERT' | 'REPLACE';
  hints?: Hint[];
  priority?: 'LOW_PRIORITY' | 'DELAYED' | 'HIGH_PRIORITY';
  ignore: boolean;
  table: Table;
  partitions?: string[];
  columns?: Column[];
  values?: ValuesRow[];
  set?: Assignment[];
  select?: Query;
  /** INSERT ... VALUES (...) AS new [(a, b)] (MySQL 8.0.19). */
  rowAlias?: string;
  rowAliasColumns?: string[];
  onDuplicate?: Assignment[];
  /** INSERT/REPLACE ... RETURNING (MariaDB). */
  returning?: SelectItem[];
}

/** UPDATE; several tables (or joins) in `tables` make the multi-table form. */
export interface UpdateStatement extends Span {
  type: 'update';
  with?: With;
  hints?: Hint[];
  lowPriority: boolean;
  ignore: boolean;
  tables: TableRef[];
  set: Assignment[];
  where?: Expr;
  orderBy?: OrderItem[];
  limit?: Limit;
}

/**
 * DELETE. Single-table: `from` holds the one table. Multi-table: `targets` are the tables rows are
 * deleted from; `from` the table references (DELETE t1 FROM t1 JOIN t2 ... or, with using: true,
 * DELETE FROM t1 USING t1 JOIN t2 ...).
 */
export interface DeleteStatement extends Span {
  type: 'delete';
  with?: With;
  hints?: Hint[];
  lowPriority: boolean;
  quick: boolean;
  ignore: boolean;
  targets?: TableName[];
  using?: boolean;
  from: TableRef[];
  partitions?: string[];
  where?: Expr;
  orderBy?: OrderItem[];
  limit?: Limit;
  /** DELETE ... RETURNING (MariaDB). */
  returning?: SelectItem[];
}

/**
 * BEGIN [WORK], START TRANSACTION [characteristics], COMMIT [WORK] [AND [NO] CHAIN] [[NO] RELEASE],
 * ROLLBACK [WORK] [TO [SAVEPOINT] name] ..., SAVEPOINT name, RELEASE SAVEPOINT name.
 */
export interface TransactionStatement extends Span {
  type: 'transaction';
  action: 'BEGIN' | 'START' | 'COMMIT' | 'ROLLBACK' | 'SAVEPOINT' | 'RELEASE';
  work?: boolean;
  /** START TRANSACTION: 'READ ONLY' | 'READ WRITE' | 'WITH CONSISTENT SNAPSHOT'. */
  characteristics?: string[];
  savepoint?: string;
  /** AND CHAIN (true) / AND NO CHAIN (false). */
  chain?: boolean;
  /** RELEASE (true) / NO RELEASE (false). */
  release?: boolean;
}

export type SetItem = SetVariable | SetNames | SetCharset | SetTransaction;

/** SET [GLOBAL|SESSION|...] name = value, @x = value, @@scope.name = value. */
export interface SetVariable extends Span {
  type: 'SetVariable';
  variable: Variable;
  value: Expr;
}
/** SET NAMES charset [COLLATE c] | SET NAMES DEFAULT (charset absent). */
export interface SetNames extends Span {
  type: 'SetNames';
  charset?: string;
  collate?: string;
}
/** SET CHARACTER SET cs | SET CHARSET cs | ... DEFAULT (charset absent). */
export interface SetCharset extends Span {
  type: 'SetCharset';
  charset?: string;
}
/** SET [GLOBAL|SESSION] TRANSACTION ISOLATION LEVEL ... , READ ONLY|WRITE. */
export interface SetTransaction extends Span {
  type: 'SetTransaction';
  scope?: 'GLOBAL' | 'SESSION' | 'LOCAL';
  isolation?: 'READ UNCOMMITTED' | 'READ COMMITTED' | 'REPEATABLE READ' | 'SERIALIZABLE';
  access?: 'READ ONLY' | 'READ WRITE';
}

export interface SetStatement extends Span {
  type: 'set';
  items: SetItem[];
}

export interface UseStatement extends Span {
  type: 'use';
  database: string;
}

/**
 * SHOW of the forms sluice answers or routes. `what` is the object in upper case, synonyms folded:
 * DATABASES (SCHEMAS), TABLES, COLUMNS (FIELDS), INDEX (INDEXES, KEYS), TABLE STATUS, OPEN TABLES,
 * CREATE TABLE, CREATE VIEW, CREATE DATABASE (SCHEMA), VARIABLES, STATUS, PROCESSLIST, WARNINGS, ERRORS,
 * COUNT(*) WARNINGS, COUNT(*) ERRORS, ENGINES, CHARACTER SET (CHARSET), COLLATION, TRIGGERS, EVENTS,
 * PLUGINS, PRIVILEGES. Other SHOW forms (GRANTS, MASTER STATUS, CREATE PROCEDURE ...) are kind 'other'.
 */
export interface ShowStatement extends Span {
  type: 'show';
  what: string;
  full?: boolean;
  extended?: boolean;
  scope?: 'GLOBAL' | 'SESSION';
  table?: TableName;
  /** FROM|IN db (SHOW TABLES FROM db, SHOW COLUMNS FROM t FROM db), or the database of SHOW CREATE DATABASE. */
  database?: string;
  ifNotExists?: boolean;
  like?: string;
  where?: Expr;
  limit?: Limit;
}

/** EXPLAIN|DESCRIBE|DESC [FORMAT=x] [ANALYZE] statement, or EXPLAIN table [column]. */
export interface ExplainStatement extends Span {
  type: 'explain';
  verb: 'EXPLAIN' | 'DESCRIBE' | 'DESC';
  analyze?: boolean;
  extended?: boolean;
  partitions?: boolean;
  /** EXPLAIN FORMAT=JSON INTO @var (MySQL 8.0.32). */
  into?: Variable;
  format?: string;
  statement?: Statement;
  table?: TableName;
  column?: string;
}

/** A column definition in CREATE TABLE / ALTER TABLE ADD COLUMN. */
export interface ColumnDef extends Span {
  type: 'ColumnDef';
  name: string;
  dataType: DataType;
  /** Column attributes as written (NOT NULL DEFAULT 0 AUTO_INCREMENT COMMENT '...'). */
  options?: string;
}

/** An index or constraint definition in CREATE TABLE, as written; `references` names a FOREIGN KEY's parent table. */
export interface TableConstraint extends Span {
  type: 'TableConstraint';
  text: string;
  references?: TableName;
}

/**
 * DDL that sluice must route and rewrite. `tables` lists every table name the statement names (targets,
 * LIKE sources, RENAME targets, FOREIGN KEY parents) with spans, for rewriting; the rest is detail.
 */
export interface DdlStatement extends Span {
  type: 'ddl';
  action: 'CREATE' | 'ALTER' | 'DROP' | 'TRUNCATE' | 'RENAME';
  object: 'TABLE' | 'INDEX' | 'DATABASE';
  tables: TableName[];
  temporary?: boolean;
  ifExists?: boolean;
  ifNotExists?: boolean;
  /** CREATE/DROP DATABASE and SCHEMA (schemaWord true for SCHEMA). */
  database?: string;
  schemaWord?: boolean;
  /** CREATE TABLE t (...): columns and constraints. */
  columns?: ColumnDef[];
  constraints?: TableConstraint[];
  /** CREATE TABLE ... LIKE other. */
  like?: TableName;
  /** CREATE TABLE ... [AS] SELECT. */
  select?: Query;
  /** Table options / database options / DROP's RESTRICT|CASCADE, as written. */
  options?: string;
  /** ALTER TABLE: each alter specification as written. */
  alterations?: string[];
  /** ALTER TABLE t WAIT n | NOWAIT (MariaDB). */
  wait?: string;
  /** RENAME TABLE a [WAIT n | NOWAIT] TO b, ...: pairs (also listed in tables); wait is MariaDB's. */
  renames?: { from: TableName; to: TableName; wait?: string }[];
  /** CREATE [UNIQUE|FULLTEXT|SPATIAL] INDEX name ON t (parts) / DROP INDEX name ON t. */
  index?: string;
  indexKind?: 'UNIQUE' | 'FULLTEXT' | 'SPATIAL';
  /** CREATE INDEX key parts as written. */
  indexParts?: string;
}

export interface LockTablesStatement extends Span {
  type: 'lock';
  action: 'LOCK' | 'UNLOCK';
  tables: LockTableItem[];
}
export interface LockTableItem extends Span {
  type: 'LockTable';
  table: Table;
  mode: 'READ' | 'READ LOCAL' | 'WRITE' | 'LOW_PRIORITY WRITE' | 'WRITE CONCURRENT';
}

/** XA START|BEGIN|END|PREPARE|COMMIT|ROLLBACK xid [options], XA RECOVER [CONVERT XID]. */
export interface XaStatement extends Span {
  type: 'xa';
  action: 'START' | 'BEGIN' | 'END' | 'PREPARE' | 'COMMIT' | 'ROLLBACK' | 'RECOVER';
  /** gtrid [, bqual [, formatID]]. */
  xid?: Expr[];
  /** JOIN, RESUME, SUSPEND, FOR MIGRATE, ONE PHASE, CONVERT XID. */
  option?: string;
}

/** KILL [HARD|SOFT] [CONNECTION | QUERY [ID]] id, KILL [HARD|SOFT] USER name (HARD/SOFT/ID/USER: MariaDB). */
export interface KillStatement extends Span {
  type: 'kill';
  force?: 'HARD' | 'SOFT';
  target?: 'CONNECTION' | 'QUERY' | 'QUERY ID' | 'USER';
  id: Expr;
}

/**
 * PREPARE name FROM text|@var|expr, EXECUTE name [USING @a, ...], DEALLOCATE|DROP PREPARE name,
 * EXECUTE IMMEDIATE text [USING ...] (MariaDB; `name` is empty, `from` the text).
 */
export interface PrepareStatement extends Span {
  type: 'prepare';
  action: 'PREPARE' | 'EXECUTE' | 'DEALLOCATE' | 'EXECUTE IMMEDIATE';
  name: string;
  from?: Expr;
  using?: Expr[];
  /** DROP PREPARE (true) vs DEALLOCATE PREPARE. */
  drop?: boolean;
}

/**
 * Any statement this parser does not model (CALL, DO, GRANT, ANALYZE TABLE, FLUSH, CREATE VIEW, LOAD
 * DATA, HANDLER, SHOW of unknown forms ...): its first keyword(s) and the table names it could find, so a
 * forwarding schema can still pass it on. `text` is the statement as written (comments dropped only at
 * the ends); printSql prints it back unchanged.
 */
export interface OtherStatement extends Span {
  type: 'other';
  keyword: string;
  tables: TableName[];
  text: string;
}

/** Any node. */
export type Node =
  | Statement
  | Expr
  | SelectItem
  | TableRef
  | TableName
  | OrderItem
  | Limit
  | GroupBy
  | LockClause
  | IndexHint
  | With
  | Cte
  | Hint
  | Into
  | WhenClause
  | WindowSpec
  | WindowFrame
  | FrameBound
  | NamedWindow
  | DataType
  | Assignment
  | ValuesRow
  | SetItem
  | ColumnDef
  | TableConstraint
  | LockTableItem;

const SPAN_KEYS = new Set(['start', 'end', 'nameStart', 'nameEnd']);

/**
 * A deep copy of `node` without offsets (start, end, nameStart, nameEnd), for comparing trees
 * parsed from different texts: deepStrictEqual(stripSpans(parse(printSql(a))), stripSpans(a)).
 * Param.index and Other.text are kept (they are content, not position).
 */
export function stripSpans<N>(node: N): N {
  if (Array.isArray(node)) return node.map(stripSpans) as N;
  if (node === null || typeof node !== 'object') return node;
  const out: Record<string, unknown> = {};
  for (const k of Object.keys(node)) {
    if (SPAN_KEYS.has(k)) continue;
    const v = (node as Record<string, unknown>)[k];
    if (v !== undefined) out[k] = stripSpans(v);
  }
  return out as N;
}
