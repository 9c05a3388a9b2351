// The kernel's entry for a COM_QUERY: how one text statement runs, one line per stage.
//
//   classify -> sluice's own answers (session ids, USE, SHOW DATABASES, SELECT DATABASE())
//            -> authorize -> the user's own view (SHOW GRANTS, USER(), information_schema)
//            -> sharded: plan -> rewrite -> execute -> merge -> respond   (sharded-query.ts)
//            -> forwarding: relay to the schema's backend                 (forward.ts)
import { QueryKind } from '../metrics/layout';
import { Com } from '../protocol/constants';
import { SqlError, ErrorCode } from '../protocol/errors';
import { frame } from '../protocol/framing';
import { ResponseKind } from '../protocol/response-scanner';
import { onlyProcessList } from '../rewrite/info-schema';
import { accessError } from './access';
import { classify, Trait, Verb, type Classified } from './classify';
import type { StatementContext } from './context';
import { forward } from './forward';
import { sessionIds, mayNameSessionIds } from './session-ids';
import { shardedQuery } from './sharded-query';
import { isSqlPrepared, sqlPrepared } from './sql-prepared';
import { isShowDatabases } from './statement-text';
import { forUser, infoSchemaQuery } from './user-view';

const VERB_KIND: Partial<Record<Verb, QueryKind>> = {
  [Verb.Select]: QueryKind.Select, [Verb.Insert]: QueryKind.Insert, [Verb.Replace]: QueryKind.Insert,
  [Verb.Update]: QueryKind.Update, [Verb.Delete]: QueryKind.Delete,
};

/**
 * Runs one COM_QUERY (payload: command byte + SQL; framed: the client's packet as it came, or null
 * when it was reassembled). The answer goes to the client; the session hears of its end from done()
 * or fail() (or at once, for answers that need no backend).
 */
export function runQuery(s: StatementContext, payload: Buffer, framed: Buffer | null): void {
  const c = classify(payload, 1, payload.length);
  s.info = framed !== null ? payload : null; // a reassembled payload's slab is reused: not kept
  if (mayNameSessionIds(c)) {
    const taken = sessionIds(s, payload, c);
    if (taken === true) return;
    if (taken !== false) return runQuery(s, taken, null); // CONNECTION_ID() spliced: on through the pipeline
  }
  s.host.metrics.query(VERB_KIND[c.verb] ?? QueryKind.Other);
  if (answeredBySluice(s, payload, c)) return;
  if (s.schema?.kind === 'sharded' && (c.verb === Verb.Other || c.verb === Verb.Prepare || c.verb === Verb.Deallocate) && !(c.traits & Trait.Multi)) {
    // SQL PREPARE / EXECUTE on a sharded schema: the session keeps the statement, and an execute runs
    // its text through this whole pipeline, access check included (so PREPARE ... FROM @v is checked too).
    const sql = payload.toString('latin1', 1);
    if (isSqlPrepared(sql, c.verb) && sqlPrepared(s, sql, (text) => runQuery(s, commandPayload(text), null))) return;
  }
  const denied = accessError(payload, 1, c, s.user, s.host.schemas, s.schema);
  if (denied) return s.error(denied);
  if (c.verb === Verb.Other || c.verb === Verb.Prepare || c.traits & (Trait.Identity | Trait.InfoSchema)) {
    // SHOW GRANTS, USER(), information_schema: answered for the sluice user, never the backend account.
    const own = forUser(s, payload.toString('latin1', 1), c);
    if (own === true) return;
    if (own !== null) { payload = own; framed = null; }
    const sql = payload.toString('latin1', 1);
    if (c.traits & Trait.InfoSchema && !onlyProcessList(sql)) return infoSchemaQuery(s, sql, c);
  }
  if (s.schema?.kind === 'sharded') return shardedQuery(s, payload, c, framed);
  forward(s, framed ?? reframe(payload), ResponseKind.Result, c);
}

/** Statements about the logical schemas, which sluice answers itself: USE, SHOW DATABASES, SELECT DATABASE(). */
function answeredBySluice(s: StatementContext, payload: Buffer, c: Classified): boolean {
  if (c.verb === Verb.Use && !(c.traits & Trait.Multi)) {
    useStatement(s, payload);
    return true;
  }
  if (c.verb === Verb.Other && isShowDatabases(payload)) {
    const allowed = s.user.schemas;
    const names = Object.keys(s.host.schemas).filter((n) => allowed.includes('*') || allowed.includes(n)).sort();
    s.rows(['Database'], [['information_schema'], ...names.map((n) => [n])]);
    return true;
  }
  if (c.verb === Verb.Select && payload.length < 48 && endsWithParen(payload)) {
    // SELECT DATABASE() names the logical schema, not the backend database behind it.
    const m = /^\s*select\s+((?:database|schema)\s*\(\s*\))\s*;?\s*$/i.exec(payload.toString('latin1', 1));
    if (m) {
      s.rows([m[1]], [[s.schema?.name ?? null]]); // the column is named as written
      return true;
    }
  }
  return false;
}

/** USE name | USE `name`: the session switches its logical schema. */
function useStatement(s: StatementContext, payload: Buffer): void {
  const m = /^\s*use\s+(`(?:[^`]|``)+`|[^\s;`]+)\s*;?\s*$/i.exec(payload.toString('utf8', 1));
  if (!m) return s.error(new SqlError(ErrorCode.ER_PARSE_ERROR, `You have an error in your SQL syntax; check the manual that corresponds to your MariaDB server version for the right syntax to use near '${payload.toString('utf8', 1).slice(0, 80)}' at line 1`));
  const name = m[1].startsWith('`') ? m[1].slice(1, -1).replace(/``/g, '`') : m[1];
  const err = s.use(name);
  return err ? s.error(err) : s.useOk();
}

/** Does the statement end with `)` (before blanks and a `;`)? A byte test that keeps the SELECT DATABASE() check off the hot path. */
function endsWithParen(payload: Buffer): boolean {
  for (let i = payload.length - 1; i > 0; i--) {
    const b = payload[i];
    if (b === 0x29) return true;
    if (b !== 0x20 && b !== 0x3b && b !== 0x0a && b !== 0x0d && b !== 0x09) return false;
  }
  return false;
}

/** Frames a reassembled command again for the backend (split when over 16 MiB); copies. */
export function reframe(payload: Buffer): Buffer {
  const parts = frame(payload, 0);
  return parts.length === 1 ? parts[0] : Buffer.concat(parts);
}

/** A COM_QUERY payload (command byte, then the text's latin1 bytes) for a statement sluice runs itself. */
function commandPayload(sql: string): Buffer {
  const payload = Buffer.allocUnsafe(1 + sql.length);
  payload[0] = Com.QUERY;
  payload.write(sql, 1, 'latin1');
  return payload;
}
