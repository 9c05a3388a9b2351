// User variables on a sharded schema. `SET @a = expr, @b := expr` is evaluated once, on a connection
// of the default partition (where the session's earlier variables are already set), and each value
// is recorded as a literal of its own type and character set (`SET @a = 5`, `SET @b = _utf8mb4
// X'74776F' COLLATE utf8mb4_general_ci`) in the session state, which every partition connection
// that serves the session replays: a statement reading @a sees the same value on every partition,
// and a pooled connection that another client takes is reset first (backend/session-state.ts). An
// expression that reads tables is refused: it would see one partition's rows only.
import type * as A from '../sql/ast';
import { walk } from '../sql/inspect';
import { parse } from '../sql/parser';
import { ColumnType, Status } from '../protocol/constants';
import { SqlError, ErrorCode } from '../protocol/errors';
import type { ColumnInfo } from '../protocol/packets';
import type { StatementContext } from './context';
import { logicalNames } from '../rewrite/logical-names';

/** The user variables a SET assigns, in order; null when it sets anything else too (or none). */
export function userAssignments(stmt: A.Statement): A.SetVariable[] | null {
  if (stmt.type !== 'set') return null;
  const items: A.SetVariable[] = [];
  for (const item of stmt.items) {
    if (item.type !== 'SetVariable' || item.variable.scope !== 'USER') return null;
    items.push(item);
  }
  return items.length > 0 ? items : null;
}

/** Does this SET assign user variables only (a prepared one may hold `?` for the values)? */
export function setsUserVariablesOnly(sql: string): boolean {
  try {
    return userAssignments(parse(sql)) !== null;
  } catch {
    return false;
  }
}

/** ERR 1235 for an assignment whose value reads tables (one partition's rows only), else null. */
export function userSetRefusal(items: A.SetVariable[], schema: string): SqlError | null {
  for (const item of items) {
    let reads = false;
    walk(item.value, (n) => {
      if (n.type === 'Subquery' || n.type === 'InSubquery' || n.type === 'Exists' || n.type === 'Column') reads = true;
    });
    if (reads) {
      return new SqlError(ErrorCode.ER_NOT_SUPPORTED_YET,
        `SET @${item.variable.name} = (a query) is not supported on sharded schema '${schema}': it would read one partition's rows only; ` +
        `run the SELECT first and SET @${item.variable.name} to its result`);
    }
  }
  return null;
}

const NUMBER_TYPES = new Set<number>([ColumnType.TINY, ColumnType.SHORT, ColumnType.LONG, ColumnType.INT24, ColumnType.LONGLONG, ColumnType.NEWDECIMAL, ColumnType.DECIMAL]);
const REAL_TYPES = new Set<number>([ColumnType.DOUBLE, ColumnType.FLOAT]);

/** The literal that gives a variable the value (and type) it has: a number, a double, or a string in its character set and collation. */
function literalOf(type: ColumnInfo, value: string | null, hex: string | null, charset: string | null, collation: string | null): string {
  if (value === null) return 'NULL';
  if (NUMBER_TYPES.has(type.type)) return value;
  if (REAL_TYPES.has(type.type)) return /e/i.test(value) ? value : `${value}e0`;
  if (charset === null || charset === 'binary') return `_binary X'${hex}'`;
  return `_${charset} X'${hex}' COLLATE ${collation}`;
}

/**
 * SET of user variables on a sharded schema: run on a default-partition connection, read back with
 * their types, recorded as literals (one SET per variable, so a later SET of the same name supersedes
 * it), and set on the open transaction's connections too. The OK is MariaDB's: no trackers.
 */
export function setUserVariables(s: StatementContext, sql: string, items: A.SetVariable[]): void {
  const schema = s.sharded;
  const part = schema.partitions[schema.defaultPartition];
  const names = [...new Set(items.map((i) => i.variable.name.toLowerCase()))];
  const quoted = names.map((n) => '@`' + n.replace(/`/g, '``') + '`');
  const read = 'SELECT ' + quoted.map((v) => `${v}, HEX(${v}), CHARSET(${v}), COLLATION(${v})`).join(', ');
  s.relay.withConnection(s.pool(part.write), part.database, async (conn) => {
    await conn.query(Buffer.from(sql, 'latin1'));
    const r = await conn.query(Buffer.from(read, 'latin1'));
    const row = r.rows[0];
    const assigned: string[] = [];
    names.forEach((name, i) => {
      const [value, hex, charset, collation] = row.slice(4 * i, 4 * i + 4);
      const type = r.columns[4 * i];
      const literal = literalOf(type, value, hex, charset, collation);
      const numeric = NUMBER_TYPES.has(type.type) || REAL_TYPES.has(type.type);
      s.userVars.set(name, { literal, text: value === null ? null : numeric ? value : Buffer.from(hex ?? '', 'hex').toString('latin1') });
      s.state.record([`@${name}`], `SET ${quoted[i]} = ${literal}`);
      assigned.push(`${quoted[i]} = ${literal}`);
    });
    conn.stateKey = s.state.key;
    await s.trx.sessionSet(`SET ${assigned.join(', ')}`, (s.status & Status.AUTOCOMMIT) !== 0, s.state.key);
    s.ok();
    s.done();
  }, logicalNames(schema));
}
