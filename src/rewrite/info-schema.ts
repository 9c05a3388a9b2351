// information_schema as a sluice user sees it: only its own schemas, under their logical names.
// Each reference to a table that lists databases' objects (TABLES, COLUMNS, STATISTICS …) is
// spliced into a derived table that keeps the rows of the user's databases on that backend and
// renames their schema columns (fwd_db -> fwd, shop_0 -> shop) and, for a sharded schema, the
// physical tables (users_0 -> users; users_1 … of the same partition left out). Server-wide
// reference tables (CHARACTER_SETS, COLLATIONS, ENGINES, KEYWORDS …) are read as they are;
// anything else (privileges naming the backend account, status, variables, plugins, InnoDB
// internals …) is refused, never read.
import type { SchemaConfig } from '../config/types';
import { SqlError, ErrorCode } from '../protocol/errors';
import { parse, tablesOf, quoteString, type TableInfo } from '../sql';

/** One backend database the user may see, and how its names read in the user's schema. */
export interface VisibleDatabase {
  physical: string;
  logical: string;
  /** Physical table -> logical table (a sharded table's TABLE_0). */
  renames: Map<string, string>;
  /** Physical tables not shown (a sharded table's TABLE_1 … in the same partition). */
  hidden: string[];
}

/** A schema column of a table, and the table-name columns that belong to it. */
interface Scope {
  /** Schema columns; rows are kept when the first one names a visible database. */
  schema: string[];
  /** [table column, its schema column]: renamed for sharded tables; the first also hides. */
  table?: [string, string][];
}

const OF_TABLE: Scope = { schema: ['TABLE_SCHEMA'], table: [['TABLE_NAME', 'TABLE_SCHEMA']] };

/** The tables sluice narrows to the user's databases. */
const SCOPED: Record<string, Scope> = {
  SCHEMATA: { schema: ['SCHEMA_NAME'] },
  TABLES: OF_TABLE,
  COLUMNS: OF_TABLE,
  VIEWS: OF_TABLE,
  PARTITIONS: OF_TABLE,
  FILES: OF_TABLE,
  STATISTICS: { schema: ['TABLE_SCHEMA', 'INDEX_SCHEMA'], table: [['TABLE_NAME', 'TABLE_SCHEMA']] },
  TABLE_CONSTRAINTS: { schema: ['CONSTRAINT_SCHEMA', 'TABLE_SCHEMA'], table: [['TABLE_NAME', 'TABLE_SCHEMA']] },
  CHECK_CONSTRAINTS: { schema: ['CONSTRAINT_SCHEMA'], table: [['TABLE_NAME', 'CONSTRAINT_SCHEMA']] },
  KEY_COLUMN_USAGE: {
    schema: ['CONSTRAINT_SCHEMA', 'TABLE_SCHEMA', 'REFERENCED_TABLE_SCHEMA'],
    table: [['TABLE_NAME', 'TABLE_SCHEMA'], ['REFERENCED_TABLE_NAME', 'REFERENCED_TABLE_SCHEMA']],
  },
  REFERENTIAL_CONSTRAINTS: {
    schema: ['CONSTRAINT_SCHEMA', 'UNIQUE_CONSTRAINT_SCHEMA'],
    table: [['TABLE_NAME', 'CONSTRAINT_SCHEMA'], ['REFERENCED_TABLE_NAME', 'UNIQUE_CONSTRAINT_SCHEMA']],
  },
  TRIGGERS: { schema: ['TRIGGER_SCHEMA', 'EVENT_OBJECT_SCHEMA'], table: [['EVENT_OBJECT_TABLE', 'EVENT_OBJECT_SCHEMA']] },
  ROUTINES: { schema: ['ROUTINE_SCHEMA'] },
  PARAMETERS: { schema: ['SPECIFIC_SCHEMA'] },
  EVENTS: { schema: ['EVENT_SCHEMA'] },
};

const isInfoSchema = (t: TableInfo) => t.schema !== undefined && t.schema.toLowerCase() === 'information_schema';

/** Server-wide reference data, the same for everyone. */
const SHARED = new Set(['CHARACTER_SETS', 'COLLATIONS', 'COLLATION_CHARACTER_SET_APPLICABILITY', 'ENGINES', 'KEYWORDS', 'SQL_FUNCTIONS']);
/** Answered by the session's own process list elsewhere; left as written here. */
const ELSEWHERE = new Set(['PROCESSLIST']);

/**
 * Does sql read information_schema.PROCESSLIST and no other information_schema table? Such a
 * statement is left to the code that answers PROCESSLIST from sluice's own sessions.
 */
export function onlyProcessList(sql: string): boolean {
  let tables: TableInfo[];
  try {
    tables = tablesOf(parse(sql)).filter(isInfoSchema);
  } catch {
    return false;
  }
  return tables.length > 0 && tables.every((t) => ELSEWHERE.has(t.name.toUpperCase()));
}

/** The information_schema tables sluice answers, for error messages. */
export const SUPPORTED_TABLES = [...Object.keys(SCOPED), ...SHARED, ...ELSEWHERE].sort();

/**
 * The databases on `backend` that the user's schemas show: information_schema, a forwarding
 * schema's database, and a sharded schema's default partition (its tables under logical names),
 * when they live there.
 */
export function visibleDatabases(schemas: readonly SchemaConfig[], backend: string): VisibleDatabase[] {
  // information_schema itself, as MariaDB shows it to everyone (and SHOW DATABASES lists it)
  const out: VisibleDatabase[] = [{ physical: 'information_schema', logical: 'information_schema', renames: new Map(), hidden: [] }];
  for (const s of schemas) {
    if (s.kind === 'forward') {
      if (s.backend === backend) out.push({ physical: s.database, logical: s.name, renames: new Map(), hidden: [] });
      continue;
    }
    const part = s.partitions[s.defaultPartition];
    if (part.write !== backend) continue;
    const renames = new Map<string, string>();
    const hidden: string[] = [];
    for (const rule of Object.values(s.tables)) {
      if (rule.kind !== 'sharded' || rule.tablesPerPartition <= 1) continue;
      renames.set(`${rule.name}_0`, rule.name);
      for (let i = 1; i < rule.tablesPerPartition; i++) hidden.push(`${rule.name}_${i}`);
    }
    out.push({ physical: part.database, logical: s.name, renames, hidden });
  }
  return out;
}

/** What spliceInfoSchema made of a statement. */
export interface InfoSchemaSplice {
  sql: string;
  /** The statement also names tables outside information_schema. */
  otherTables: boolean;
}

const q = (name: string) => '`' + name.replace(/`/g, '``') + '`';

/**
 * The statement with each scoped information_schema table replaced by a derived table over `dbs`
 * (named as the table was, or by its alias). columns: each information_schema table's columns, in
 * order (upper-case table name -> names). Throws 1142 for a table sluice does not answer, 1235 for a
 * statement it cannot parse.
 */
export function spliceInfoSchema(sql: string, user: string, dbs: readonly VisibleDatabase[], columns: ReadonlyMap<string, readonly string[]>): InfoSchemaSplice {
  let tables: TableInfo[];
  try {
    tables = tablesOf(parse(sql));
  } catch {
    throw new SqlError(ErrorCode.ER_NOT_SUPPORTED_YET, 'sluice answers information_schema for your schemas only, and could not parse this statement to do so; ' +
      'write it as a plain SELECT over information_schema tables');
  }
  let out = '';
  let at = 0;
  let otherTables = false;
  for (const t of tables) {
    if (!isInfoSchema(t)) {
      if (!t.cte) otherTables = true;
      continue;
    }
    const name = t.name.toUpperCase();
    // DESCRIBE, SHOW COLUMNS …: the structure of the table, the same for everyone
    if (t.context === 'show' || t.context === 'explain' || SHARED.has(name)) continue;
    if (ELSEWHERE.has(name)) {
      throw new SqlError(ErrorCode.ER_NOT_SUPPORTED_YET, `query information_schema.${t.name} on its own, not with other information_schema tables`);
    }
    if (t.context !== 'from') {
      // the body of a routine, trigger or event, DO …: SQL that would run later, or unparsed, as the backend account
      throw new SqlError(ErrorCode.ER_NOT_SUPPORTED_YET, `sluice answers information_schema.${t.name} in queries only (SELECT, INSERT … SELECT, CREATE TABLE … SELECT); ` +
        'a view, stored routine, trigger or event (which would read it as the backend account) may not');
    }
    const scope = SCOPED[name];
    const cols = columns.get(name);
    if (!scope || !cols) {
      throw new SqlError(ErrorCode.ER_TABLEACCESS_DENIED_ERROR, `SELECT command denied to user '${user}'@'%' for table \`information_schema\`.\`${t.name}\`: ` +
        `sluice answers information_schema for your schemas only (tables: ${SUPPORTED_TABLES.join(', ')})`);
    }
    out += sql.slice(at, t.start) + `(${derived(name, scope, cols, dbs)})` + (t.alias === undefined ? ` AS ${q(t.name)}` : '');
    at = t.end;
  }
  return { sql: out + sql.slice(at), otherTables };
}

/** SELECT <columns, names mapped> FROM information_schema.NAME WHERE <a visible database>. */
function derived(name: string, scope: Scope, columns: readonly string[], dbs: readonly VisibleDatabase[]): string {
  const schemaCols = new Set(scope.schema);
  const tableCols = new Map(scope.table ?? []);
  const renamed = dbs.filter((d) => d.renames.size > 0);
  const list = columns.map((c) => {
    const upper = c.toUpperCase();
    if (schemaCols.has(upper)) {
      // a database that is not the user's reads as NULL (a foreign key into another database)
      return `CASE ${q(c)}${dbs.map((d) => ` WHEN ${quoteString(d.physical)} THEN ${quoteString(d.logical)}`).join('')} END AS ${q(c)}`;
    }
    const of = tableCols.get(upper);
    if (of && renamed.length > 0) {
      const whens = renamed.flatMap((d) => [...d.renames].map(([phys, logical]) =>
        ` WHEN ${q(of)} = ${quoteString(d.physical)} AND ${q(c)} = ${quoteString(phys)} THEN ${quoteString(logical)}`));
      return `CASE${whens.join('')} ELSE ${q(c)} END AS ${q(c)}`;
    }
    return q(c);
  });
  const [first] = scope.schema;
  let where = `${q(first)} IN (${dbs.map((d) => quoteString(d.physical)).join(', ')})`;
  if (scope.table) {
    const [tableCol, schemaCol] = scope.table[0];
    for (const d of dbs) {
      if (d.hidden.length === 0) continue;
      where += ` AND NOT (${q(schemaCol)} = ${quoteString(d.physical)} AND ${q(tableCol)} IN (${d.hidden.map(quoteString).join(', ')}))`;
    }
  }
  return `SELECT ${list.join(', ')} FROM information_schema.${q(name)} WHERE ${where}`;
}

/** The query that reads every information_schema table's columns, in order (the input of columnsByTable). */
export const COLUMNS_QUERY = "SELECT TABLE_NAME, COLUMN_NAME FROM information_schema.COLUMNS WHERE TABLE_SCHEMA = 'information_schema' ORDER BY TABLE_NAME, ORDINAL_POSITION";

/** Rows of COLUMNS_QUERY as upper-case table name -> column names. */
export function columnsByTable(rows: readonly (string | null)[][]): Map<string, string[]> {
  const out = new Map<string, string[]>();
  for (const [table, column] of rows) {
    const key = table!.toUpperCase();
    let list = out.get(key);
    if (!list) out.set(key, (list = []));
    list.push(column!);
  }
  return out;
}
