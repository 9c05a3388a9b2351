// SHOW [FULL] PROCESSLIST and information_schema.PROCESSLIST answered with sluice's own sessions (ids
// as in sluice's handshake, logical schemas, the client's statement), never the backends' threads,
// which belong to every client of the proxy. SHOW is answered here with MariaDB's columns; a SELECT
// from information_schema.PROCESSLIST runs on a backend with the table replaced by the rows as a
// derived table, so its WHERE, ORDER BY and expressions are evaluated exactly by the server.
import { tokenize, type Token } from '../sql';
import { Collation, ColumnFlag, ColumnType } from '../protocol/constants';
import type { ColumnDef } from '../protocol/packets';
import type { ProcessRow } from './directory';

/** How a statement reads the process list: SHOW [FULL] PROCESSLIST, or a query naming information_schema.PROCESSLIST. */
export type ProcesslistRead = { show: true; full: boolean } | { show: false };

const significant = (sql: string): Token[] => tokenize(sql).filter((t) => t.type !== 'ws' && t.type !== 'comment');
const upper = (t: Token | undefined): string => (t === undefined ? '' : t.type === 'quotedIdent' ? t.value.toUpperCase() : t.type === 'string' ? '\0' : t.text.toUpperCase());

/** Whether `sql` reads the process list (null: it does not). */
export function processlistRead(sql: string): ProcesslistRead | null {
  const t = significant(sql).filter((x) => x.text !== ';');
  if (upper(t[0]) === 'SHOW') {
    if (t.length === 2 && upper(t[1]) === 'PROCESSLIST') return { show: true, full: false };
    if (t.length === 3 && upper(t[1]) === 'FULL' && upper(t[2]) === 'PROCESSLIST') return { show: true, full: true };
    return null;
  }
  return tableRefs(t).length > 0 ? { show: false } : null;
}

/** Positions of `information_schema . PROCESSLIST` in the tokens. */
function tableRefs(t: Token[]): number[] {
  const at: number[] = [];
  for (let i = 0; i + 2 < t.length; i++) {
    if (upper(t[i]) === 'INFORMATION_SCHEMA' && t[i + 1].text === '.' && upper(t[i + 2]) === 'PROCESSLIST') at.push(i);
  }
  return at;
}

/** SHOW PROCESSLIST's columns, typed as MariaDB 10.11 sends them. */
export const SHOW_COLUMNS: ColumnDef[] = [
  { name: 'Id', type: ColumnType.LONGLONG, length: 11, flags: ColumnFlag.NOT_NULL | ColumnFlag.BINARY, charset: Collation.BINARY },
  { name: 'User', type: ColumnType.VAR_STRING, length: 512, flags: ColumnFlag.NOT_NULL },
  { name: 'Host', type: ColumnType.VAR_STRING, length: 256, flags: ColumnFlag.NOT_NULL },
  { name: 'db', type: ColumnType.VAR_STRING, length: 256 },
  { name: 'Command', type: ColumnType.VAR_STRING, length: 64, flags: ColumnFlag.NOT_NULL },
  { name: 'Time', type: ColumnType.LONG, length: 7, flags: ColumnFlag.NOT_NULL | ColumnFlag.BINARY, charset: Collation.BINARY },
  { name: 'State', type: ColumnType.VAR_STRING, length: 120 },
  { name: 'Info', type: ColumnType.VAR_STRING, length: 400 },
  { name: 'Progress', type: ColumnType.DOUBLE, length: 7, flags: ColumnFlag.NOT_NULL | ColumnFlag.BINARY, charset: Collation.BINARY, decimals: 3 },
];

/** SHOW PROCESSLIST's text rows; without FULL, Info is cut to 100 characters as MariaDB does. */
export function showRows(rows: ProcessRow[], full: boolean): (string | null)[][] {
  return rows.map((r) => [String(r.id), r.user, r.host, r.db, r.command, String(r.time), r.state,
    r.info === null || full ? r.info : r.info.slice(0, 100), '0.000']);
}

/** A string as an SQL literal that reads the same under any sql_mode (no backslash escapes involved). */
const literal = (s: string | null) => (s === null ? 'NULL' : s === '' ? "''" : `CONVERT(X'${Buffer.from(s, 'utf8').toString('hex')}' USING utf8mb4)`);

/**
 * `sql` with each information_schema.PROCESSLIST replaced by a derived table of `rows` in MariaDB's
 * columns (named PROCESSLIST unless the query gives it an alias). sql is a latin1 byte string.
 */
export function withProcesslistRows(sql: string, rows: ProcessRow[]): string {
  const t = significant(sql);
  const selects = rows.map((r) =>
    `SELECT ${r.id} AS ID, ${literal(r.user)} AS USER, ${literal(r.host)} AS HOST, ${literal(r.db)} AS DB, ${literal(r.command)} AS COMMAND, ` +
    `${r.time} AS TIME, ${literal(r.state)} AS STATE, ${literal(r.info)} AS INFO, ${r.time * 1000}.000 AS TIME_MS, 0 AS STAGE, 0 AS MAX_STAGE, ` +
    `0.000 AS PROGRESS, 0 AS MEMORY_USED, 0 AS MAX_MEMORY_USED, 0 AS EXAMINED_ROWS, 0 AS QUERY_ID, ${literal(r.info)} AS INFO_BINARY, ${r.id} AS TID`);
  // The session asking is always among the rows, so the union is never empty.
  const table = `(${selects.join(' UNION ALL ')})`;
  let out = '';
  let copied = 0;
  for (const i of tableRefs(t)) {
    const next = t[i + 3];
    const aliased = next !== undefined && (upper(next) === 'AS' || next.type === 'quotedIdent' || next.type === 'ident');
    out += sql.slice(copied, t[i].offset) + table + (aliased ? '' : ' AS PROCESSLIST');
    copied = t[i + 2].offset + t[i + 2].text.length;
  }
  return out + sql.slice(copied);
}
