// SQL-level prepared statements on a sharded schema: PREPARE name FROM 'text' | @v, EXECUTE name
// [USING ...], DEALLOCATE | DROP PREPARE name, and MariaDB's EXECUTE IMMEDIATE. A partition's
// pooled connection cannot keep a named statement for the session, so the session keeps the text,
// and EXECUTE substitutes each `?` with its argument - a user variable's recorded literal (so the
// statement routes by its value), a constant as written, any other expression in parentheses (it
// reads the replayed variables on the partition) - and runs the result as a text statement through
// the whole pipeline (access check, planner, merge): its answer is a text result, as MariaDB's is.
import type * as A from '../sql/ast';
import { parse } from '../sql/parser';
import { tokenize } from '../sql/lexer';
import { SqlError, ErrorCode } from '../protocol/errors';
import { accessError } from './access';
import { classify, Trait, Verb } from './classify';
import type { StatementContext } from './context';
import type { SqlStatement } from './prepared-statement';

/** Is this (a statement classified as Other or Prepare/Deallocate) one of the SQL prepared-statement commands? */
export function isSqlPrepared(sql: string, verb: Verb): boolean {
  return verb === Verb.Prepare || verb === Verb.Deallocate || (verb === Verb.Other && /^\s*(execute|drop\s+prepare)\b/i.test(sql));
}

/**
 * Answers PREPARE / EXECUTE / DEALLOCATE PREPARE / EXECUTE IMMEDIATE; `run` takes an executed
 * statement's text through the query pipeline. false when sql is not one of them (after all).
 */
export function sqlPrepared(s: StatementContext, sql: string, run: (text: string) => void): boolean {
  let stmt: A.Statement;
  try {
    stmt = parse(sql);
  } catch {
    return false; // the planner's path reports the syntax error as it does for any statement
  }
  if (stmt.type !== 'prepare') return false;
  const name = stmt.name.toLowerCase();
  s.begin();
  try {
    switch (stmt.action) {
      case 'PREPARE': {
        s.sqlStatements.set(name, prepared(s, textOf(s, sql, stmt.from!)));
        s.ok('Statement prepared');
        return (s.done(), true);
      }
      case 'DEALLOCATE':
        if (!s.sqlStatements.delete(name)) throw unknown(stmt.name, stmt.drop ? 'DROP PREPARE' : 'DEALLOCATE PREPARE');
        s.ok();
        return (s.done(), true);
      case 'EXECUTE': {
        const p = s.sqlStatements.get(name);
        if (!p) throw unknown(stmt.name, 'EXECUTE');
        run(substitute(s, sql, p, stmt.using ?? []));
        return true;
      }
      default: // EXECUTE IMMEDIATE
        run(substitute(s, sql, prepared(s, textOf(s, sql, stmt.from!)), stmt.using ?? []));
        return true;
    }
  } catch (e) {
    s.fail(e instanceof SqlError ? e : new SqlError(ErrorCode.ER_UNKNOWN_ERROR, (e as Error).message));
    return true;
  }
}

/** ERR 1243, as MariaDB names an unknown statement. */
function unknown(name: string, command: string): SqlError {
  return new SqlError(ErrorCode.ER_UNKNOWN_STMT_HANDLER, `Unknown prepared statement handler (${name}) given to ${command}`);
}

/** The statement text of PREPARE ... FROM: a string literal, or a user variable's value. */
function textOf(s: StatementContext, sql: string, from: A.Expr): string {
  if (from.type === 'String') return from.value;
  if (from.type === 'Variable' && !from.system) {
    const v = s.userVars.get(from.name.toLowerCase());
    // MariaDB reads an unset (NULL) variable as the text NULL, a syntax error.
    if (!v || v.text === null) throw syntaxNear('NULL');
    return v.text;
  }
  throw new SqlError(ErrorCode.ER_NOT_SUPPORTED_YET,
    `PREPARE ... FROM ${sql.slice(from.start, from.end)} is not supported on a sharded schema: prepare from a string literal or a user variable`);
}

/**
 * A statement PREPARE accepts: one statement, not itself a PREPARE/EXECUTE/DEALLOCATE, that the user
 * may run (checked here, as MariaDB checks at PREPARE, and again when an EXECUTE runs it); its `?` markers found.
 */
function prepared(s: StatementContext, text: string): SqlStatement {
  const bytes = Buffer.from(text, 'latin1');
  const c = classify(bytes, 0, bytes.length);
  if (c.traits & Trait.Multi) throw syntaxNear(text.slice(text.indexOf(';')));
  if (isSqlPrepared(text, c.verb)) throw new SqlError(ErrorCode.ER_UNSUPPORTED_PS, 'This command is not supported in the prepared statement protocol yet');
  const denied = accessError(bytes, 0, c, s.user, s.host.schemas, s.schema);
  if (denied) throw denied;
  try {
    parse(text);
  } catch (e) {
    if (e instanceof Error && 'errno' in e) throw new SqlError(ErrorCode.ER_PARSE_ERROR, e.message);
    throw e;
  }
  const markers = tokenize(text).filter((t) => t.type === 'param').map((t) => t.offset);
  return { text, markers };
}

/** The statement with each `?` replaced by its argument (ERR 1210 when the counts differ). */
function substitute(s: StatementContext, sql: string, p: SqlStatement, using: A.Expr[]): string {
  if (using.length !== p.markers.length) throw new SqlError(ErrorCode.ER_WRONG_ARGUMENTS, 'Incorrect arguments to EXECUTE');
  let out = '';
  let at = 0;
  p.markers.forEach((offset, i) => {
    out += p.text.slice(at, offset) + argument(s, sql, using[i]);
    at = offset + 1;
  });
  return out + p.text.slice(at);
}

function argument(s: StatementContext, sql: string, e: A.Expr): string {
  if (e.type === 'Variable' && !e.system) return s.userVars.get(e.name.toLowerCase())?.literal ?? 'NULL';
  const text = sql.slice(e.start, e.end);
  return e.type === 'String' || e.type === 'Number' || e.type === 'Null' ? text : `(${text})`;
}

function syntaxNear(near: string): SqlError {
  return new SqlError(ErrorCode.ER_PARSE_ERROR, `You have an error in your SQL syntax; check the manual that corresponds to your MariaDB server version for the right syntax to use near '${near.slice(0, 80)}' at line 1`);
}
