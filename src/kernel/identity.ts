// Who the client is, as sluice answers it. The backend account sluice connects with is sluice's own
// business: SHOW GRANTS lists the grants of the sluice user (derived from its schemas and
// privileges, never a password hash), and USER(), CURRENT_USER(), SESSION_USER() and SYSTEM_USER()
// name the sluice user, and DATABASE() the logical schema, wherever they appear in a statement (each
// call is replaced by its value as a literal before the statement goes anywhere).
import type { Privilege } from '../config/types';
import { SqlError, ErrorCode } from '../protocol/errors';
import { parse, walk, tokenize, quoteString, type Call, type Node, type SelectItem } from '../sql';
import { classify, Trait } from './classify';

/** The client as sluice knows it. */
export interface Identity {
  user: string;
  /** The client's address (USER() names it; CURRENT_USER() names the account's host, '%'). */
  clientHost: string;
  privileges: readonly Privilege[];
  /** The logical schemas the user may use, resolved (not "*"). */
  schemas: readonly string[];
  /** The logical schema in use (DATABASE()); null before USE. */
  database: string | null;
}

/**
 * MySQL privileges per sluice privilege, in the order SHOW GRANTS prints them. read: reading tables
 * and views; write: changing rows; ddl: what sluice lets `ddl` do inside the user's schemas.
 */
const SCHEMA_GRANTS: readonly [string, Privilege][] = [
  ['SELECT', 'read'], ['INSERT', 'write'], ['UPDATE', 'write'], ['DELETE', 'write'], ['CREATE', 'ddl'], ['DROP', 'ddl'],
  ['INDEX', 'ddl'], ['ALTER', 'ddl'], ['CREATE TEMPORARY TABLES', 'write'], ['LOCK TABLES', 'write'], ['CREATE VIEW', 'ddl'],
  ['SHOW VIEW', 'read'], ['CREATE ROUTINE', 'ddl'], ['ALTER ROUTINE', 'ddl'],
];
/** admin: the server-level statements sluice then relays (SET GLOBAL, KILL, FLUSH, SHOW PROCESSLIST …). */
const ADMIN_GRANTS = 'RELOAD, PROCESS, SUPER';

const quoteName = (name: string) => '`' + name.replace(/`/g, '``') + '`';

/** The account as MySQL writes it in a GRANT: `app`@`%`. */
function account(id: Identity): string {
  return `${quoteName(id.user)}@\`%\``;
}

/** SHOW GRANTS' column header. */
export function grantsHeader(id: Identity): string {
  return `Grants for ${id.user}@%`;
}

/** The rows of SHOW GRANTS for the sluice user: global privileges first, then one row per schema. */
export function grantRows(id: Identity): string[] {
  const global = id.privileges.includes('admin') ? ADMIN_GRANTS : 'USAGE';
  const rows = [`GRANT ${global} ON *.* TO ${account(id)}`];
  const onSchema = SCHEMA_GRANTS.filter(([, p]) => id.privileges.includes(p)).map(([name]) => name);
  if (onSchema.length === 0) return rows;
  for (const schema of [...id.schemas].sort()) rows.push(`GRANT ${onSchema.join(', ')} ON ${quoteName(schema)}.* TO ${account(id)}`);
  return rows;
}

const SHOW_GRANTS = /^\s*show\s+grants(?:\s+for\s+(.+?))?\s*;?\s*$/is;

/** Is sql SHOW GRANTS (a cheap test before the client's identity is put together)? */
export function isShowGrants(sql: string): boolean {
  return SHOW_GRANTS.test(sql);
}
/** 'user'@'host', `user`@`host`, "user"@"host" or user@host; the host part optional. */
const ACCOUNT = /^(?:'((?:[^'\\]|\\.|'')*)'|`((?:[^`]|``)*)`|"((?:[^"\\]|\\.|"")*)"|([^\s@'"`]+))(?:\s*@\s*(?:'((?:[^'\\]|\\.|'')*)'|`((?:[^`]|``)*)`|"((?:[^"\\]|\\.|"")*)"|([^\s'"`]+)))?$/;

/**
 * SHOW GRANTS [FOR CURRENT_USER[()] | FOR account]: null when sql is not SHOW GRANTS; the rows when
 * it asks for the client's own account; an error for any other account (the client is not allowed
 * to read mysql.*, as MariaDB says to an unprivileged user), or for a host the sluice account does
 * not have (sluice accounts are 'user'@'%').
 */
export function showGrants(sql: string, id: Identity): { header: string; rows: string[] } | SqlError | null {
  const m = SHOW_GRANTS.exec(sql);
  if (!m) return null;
  const answer = () => ({ header: grantsHeader(id), rows: grantRows(id) });
  const target = m[1];
  if (target === undefined || /^current_user\s*(\(\s*\))?$/i.test(target)) return answer();
  const a = ACCOUNT.exec(target);
  if (!a) return new SqlError(ErrorCode.ER_PARSE_ERROR, `You have an error in your SQL syntax near '${target.slice(0, 40)}': write SHOW GRANTS FOR 'user'@'host' or SHOW GRANTS FOR CURRENT_USER`);
  const user = a[1] ?? a[2] ?? a[3] ?? a[4];
  const host = a[5] ?? a[6] ?? a[7] ?? a[8] ?? '%';
  if (user !== id.user) {
    return new SqlError(ErrorCode.ER_DBACCESS_DENIED_ERROR, `Access denied for user '${id.user}'@'%' to database 'mysql': sluice shows the grants of your own account only`);
  }
  if (host !== '%') return new SqlError(ErrorCode.ER_NONEXISTING_GRANT, `There is no such grant defined for user '${user}' on host '${host}' (sluice accounts are '${user}'@'%')`);
  return answer();
}

/** SHOW GRANTS as a SELECT of its rows, for a prepared statement (its execute then returns them). */
export function grantsSelect(header: string, rows: string[]): string {
  return rows.map((r, i) => `SELECT ${quoteString(r)}${i === 0 ? ` AS ${quoteName(header)}` : ''}`).join(' UNION ALL ');
}

/** Statements whose calls are spliced: they run now, once. */
const SPLICED = new Set(['select', 'union', 'values', 'table', 'insert', 'update', 'delete', 'set', 'explain']);

const IDENTITY_FUNCTIONS = new Set(['USER', 'SESSION_USER', 'SYSTEM_USER', 'CURRENT_USER', 'DATABASE', 'SCHEMA']);

/**
 * The statement with every USER(), SESSION_USER(), SYSTEM_USER() ('app@client-host'),
 * CURRENT_USER[()] ('app@%') and DATABASE() / SCHEMA() (the logical schema, or NULL) replaced by its
 * value as a literal; a select item that was such
 * a call alone keeps its column name (the call as written). Null when the statement has none. A
 * statement sluice cannot parse is refused rather than sent with the backend account's name in it.
 */
export function spliceIdentity(sql: string, id: Identity): string | null {
  let stmt: Node;
  try {
    stmt = parse(sql);
  } catch {
    throw new SqlError(ErrorCode.ER_NOT_SUPPORTED_YET, 'sluice answers USER() and CURRENT_USER() itself, for the sluice user, but could not parse this statement to do so; ' +
      'ask for them in a statement of their own (SELECT USER(), CURRENT_USER())');
  }
  if (!SPLICED.has(stmt.type)) {
    // DDL (a DEFAULT CURRENT_USER() would become a constant), stored SQL (run later, as the backend account), DO, CALL …
    throw new SqlError(ErrorCode.ER_NOT_SUPPORTED_YET, 'sluice answers USER(), CURRENT_USER() and DATABASE() for the sluice user in queries and writes only ' +
      '(SELECT, INSERT, UPDATE, DELETE, SET); not in DDL, stored routines, views, triggers or events');
  }
  const edits: { start: number; end: number; text: string }[] = [];
  const named = new Set<Node>(); // calls that are a whole select item without an alias
  walk(stmt, (node, parent) => {
    if (node.type === 'SelectItem' && !(node as SelectItem).alias) named.add((node as SelectItem).expr);
    if (node.type !== 'Call') return;
    const call = node as Call;
    const name = call.name.toUpperCase();
    if (call.schema || call.args.length > 0 || !IDENTITY_FUNCTIONS.has(name)) return;
    const value = name === 'CURRENT_USER' ? quoteString(`${id.user}@%`)
      : name === 'DATABASE' || name === 'SCHEMA' ? (id.database === null ? 'NULL' : quoteString(id.database))
        : quoteString(`${id.user}@${id.clientHost}`);
    const alias = parent?.type === 'SelectItem' && named.has(call) ? ` AS ${quoteName(sql.slice(call.start, call.end))}` : '';
    edits.push({ start: call.start, end: call.end, text: value + alias });
  });
  if (edits.length === 0) return null;
  let out = '';
  let at = 0;
  for (const e of edits.sort((a, b) => a.start - b.start)) {
    out += sql.slice(at, e.start) + e.text;
    at = e.end;
  }
  return out + sql.slice(at);
}

/**
 * PREPARE s FROM '…' and EXECUTE IMMEDIATE '…' run SQL that sluice sees only as a string: one that
 * calls USER() and the like or names information_schema is refused (1235), since sluice could not
 * answer it for the sluice user. (FROM @variable is not visible to sluice at all.)
 */
export function checkDynamicSql(sql: string): void {
  for (const t of tokenize(sql)) {
    if (t.type !== 'string' && t.type !== 'nationalString') continue;
    const body = Buffer.from(t.value, 'latin1');
    if (classify(body, 0, body.length).traits & (Trait.Identity | Trait.InfoSchema)) {
      throw new SqlError(ErrorCode.ER_NOT_SUPPORTED_YET, 'a statement prepared from a string may not call USER(), CURRENT_USER() or DATABASE() or name information_schema through sluice, ' +
        'which answers those for the sluice user; send the statement itself (as text, or prepared with COM_STMT_PREPARE)');
    }
  }
}

/** PREPARE … FROM or EXECUTE IMMEDIATE: SQL inside a string. */
export const DYNAMIC_SQL = /^\s*(?:prepare\s|execute\s+immediate\s)/i;
