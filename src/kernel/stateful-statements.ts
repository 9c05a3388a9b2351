// Statements that leave session state on their backend connection (temporary tables, user variables,
// named locks, HANDLER, FOUND_ROWS, table locks), whichever protocol carries them. The text path
// classifies each COM_QUERY; a prepared statement is classified once, at COM_STMT_PREPARE, and its
// executes follow the same pin rules. Sharded schemas run statements on pooled partition connections
// they do not keep, so there such statements are refused instead.
import { classify, Trait, Verb, type Classified } from './classify';
import { SqlError, ErrorCode } from '../protocol/errors';

/** The classification of a prepared statement's text (a latin1 byte string), made once at COM_STMT_PREPARE. */
export function classifyPrepared(sql: string): Classified {
  const bytes = Buffer.from(sql, 'latin1');
  return classify(bytes, 0, bytes.length);
}

/**
 * The classification its executes are treated with once the parameters are known: that of the text,
 * except that a SET of session variables with parameters (`SET time_zone = ?`) cannot be recorded and
 * replayed as text, so it pins the connection instead.
 */
export function withParams(c: Classified, params: number): Classified {
  if (params > 0 && c.traits & Trait.SessionSet) return { verb: c.verb, traits: (c.traits & ~Trait.SessionSet) | Trait.Pin, setNames: null };
  return c;
}

/**
 * ERR 1295 (as MySQL answers a statement it cannot prepare) for a prepared USE: MariaDB would switch the
 * backend connection's database behind sluice's back (and outside the user's logical schemas); sluice
 * answers USE itself, as a text statement or COM_INIT_DB.
 */
export function unpreparable(c: Classified): SqlError | null {
  if (c.verb !== Verb.Use) return null;
  return new SqlError(ErrorCode.ER_UNSUPPORTED_PS,
    'This command is not supported in the prepared statement protocol yet: send USE as a text statement, or select the database with COM_INIT_DB (the driver\'s changeUser / select_db)');
}

/** What state the statement would leave behind, for the refusal's message. */
function stateOf(sql: string, c: Classified): string {
  if (c.verb === Verb.Handler) return 'an open HANDLER';
  if (c.verb === Verb.Lock) return 'table locks (LOCK TABLES)';
  if (/\btemporary\b/i.test(sql)) return 'a temporary table';
  if (/\bget_lock\b/i.test(sql)) return 'a named lock (GET_LOCK)';
  if (/\bsql_calc_found_rows\b/i.test(sql)) return 'a FOUND_ROWS() count (SQL_CALC_FOUND_ROWS; count with SELECT COUNT(*) instead)';
  return 'a user variable';
}

/**
 * On a sharded schema: ERR 1235 for a statement whose session state would stay on one partition's
 * pooled backend connection, where the next client to get that connection would find it; null for
 * any other. (SET and PREPARE are the session's own business there and answered elsewhere.)
 */
export function shardedStateRefusal(sql: string, c: Classified, schema: string): SqlError | null {
  if (!(c.traits & Trait.Pin) || c.verb === Verb.Prepare) return null;
  if (c.verb === Verb.Set) return setRefusal(sql, schema);
  return new SqlError(ErrorCode.ER_NOT_SUPPORTED_YET,
    `This statement would leave ${stateOf(sql, c)} on a pooled backend connection of sharded schema '${schema}', ` +
    'where another client could find it; sluice does not support that on sharded schemas: use a forwarding schema for it');
}

/** Why a SET that would stay with its connection is refused on a sharded schema, and what to send instead. */
function setRefusal(sql: string, schema: string): SqlError | null {
  if (/^\s*set\s+transaction\b/i.test(sql)) {
    return new SqlError(ErrorCode.ER_NOT_SUPPORTED_YET,
      `SET TRANSACTION (the next transaction only) is not supported on sharded schema '${schema}': sluice cannot carry it to the partitions that transaction will touch; ` +
      'use START TRANSACTION READ ONLY / READ WRITE, or SET SESSION TRANSACTION ... (which sluice applies on every partition) and set it back after');
  }
  if (/@(?!@)/.test(sql)) {
    return new SqlError(ErrorCode.ER_NOT_SUPPORTED_YET,
      `This SET mixes user variables with session variables, or assigns one with := inside an expression, on sharded schema '${schema}': ` +
      'set user variables in a SET of their own (SET @a = 1, @b = \'two\'), and session variables in another');
  }
  return null;
}
