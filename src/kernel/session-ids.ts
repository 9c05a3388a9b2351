// Statements that name session ids, answered with sluice's own ids (never a backend's): KILL
// [CONNECTION | QUERY] of any session on any worker, SHOW PROCESSLIST and information_schema.PROCESSLIST
// with sluice's sessions, and CONNECTION_ID() spliced with the sluice session id.
import { QueryKind } from '../metrics/layout';
import { Com } from '../protocol/constants';
import { BufferWriter } from '../protocol/buffer-writer';
import { SqlError, ErrorCode, asSqlError } from '../protocol/errors';
import { frameCommand } from '../protocol/framing';
import { encodeTextRow } from '../protocol/packets';
import { onlyProcessList } from '../rewrite/info-schema';
import type { Requester } from './directory';
import { accessError } from './access';
import { Trait, Verb, type Classified } from './classify';
import { spliceConnectionId } from './connection-id';
import { parseKill, type KillStatement } from './kill-statement';
import { processlistRead, withProcesslistRows, showRows, SHOW_COLUMNS } from './processlist';
import { splitStatements } from './statement-text';
import type { StatementContext } from './context';
import { relayRewritten } from './forward';

/** Words of statements whose session ids sluice answers itself (KILL, PROCESSLIST, CONNECTION_ID()). */
export const SESSION_ID_WORDS = /\b(?:kill|processlist|connection_id)\b/i;

/** Statements sessionIds() looks at: any that may name KILL, PROCESSLIST or CONNECTION_ID() (not plain DML, the hot path). */
export function mayNameSessionIds(c: Classified): boolean {
  return c.verb === Verb.Kill || c.verb === Verb.Other || c.verb === Verb.Prepare || (c.traits & (Trait.SessionInfo | Trait.Multi)) !== 0;
}

/**
 * Statements that name session ids, answered with sluice's ids before anything is relayed: true when
 * the command was taken (answered, or relayed rewritten), a new COM_QUERY payload when CONNECTION_ID()
 * was spliced and the statement goes on through the pipeline, false when it names none.
 */
export function sessionIds(s: StatementContext, payload: Buffer, c: Classified): boolean | Buffer {
  const sql = payload.toString('latin1', 1);
  if (c.verb !== Verb.Kill && !(c.traits & Trait.SessionInfo) && !SESSION_ID_WORDS.test(sql)) return false;
  s.begin();
  if (c.verb === Verb.Kill) {
    if (!(c.traits & Trait.Multi)) return killStatement(s, sql), true;
  } else if (c.verb === Verb.Prepare || /^\s*execute\s+immediate\b/i.test(sql)) {
    // The text prepared is a string: a KILL or PROCESSLIST in it would reach the backend.
    if (/\b(?:kill|processlist)\b/i.test(sql)) return refuseCombined(s, 'KILL and PROCESSLIST in PREPARE or EXECUTE IMMEDIATE'), true;
  }
  if (c.traits & Trait.Multi && splitStatements(sql).some((x) => /^\s*kill\b/i.test(x) || processlistRead(x)?.show)) {
    return refuseCombined(s, 'KILL and SHOW PROCESSLIST'), true;
  }
  const read = processlistRead(sql);
  if (read?.show) return showProcesslist(s, read.full), true;
  const spliced = spliceConnectionId(sql, s.id);
  if (read) {
    // Other information_schema tables beside it would reach the backend un-narrowed (see user-view.ts).
    if (!onlyProcessList(sql)) return refuseCombined(s, 'information_schema.PROCESSLIST and other information_schema tables'), true;
    // The rest of the statement goes to a backend: it is checked like any other (the pipeline checks later, past this path).
    const denied = accessError(payload, 1, c, s.user, s.host.schemas, s.schema);
    if (denied) return s.fail(denied), true;
    s.host.metrics.query(QueryKind.Select);
    s.host.directory.processlist(requester(s)).then((rows) => relayRewritten(s, withProcesslistRows(spliced, rows), c));
    return true;
  }
  s.busy = false;
  if (spliced === sql) return false; // the words were names or strings, not calls
  const framed = frameCommand(Com.QUERY, spliced);
  return framed.length < 0xffffff ? framed.subarray(4) : Buffer.from(`\x03${spliced}`, 'latin1');
}

/** A prepared statement may not KILL or read PROCESSLIST (sluice answers those for plain statements only). */
export function unpreparableSessionIds(sql: string): SqlError | null {
  if (/^\s*kill\b/i.test(sql) || processlistRead(sql)) {
    return new SqlError(ErrorCode.ER_UNSUPPORTED_PS, 'This command is not supported in the prepared statement protocol yet: sluice answers KILL and PROCESSLIST itself; send them as plain statements');
  }
  return null;
}

function refuseCombined(s: StatementContext, what: string): void {
  s.host.metrics.query(QueryKind.Other);
  s.fail(new SqlError(ErrorCode.ER_NOT_SUPPORTED_YET, `${what} are answered by sluice itself: send them as plain statements of their own`));
}

/** Who asks, for the directory: a user sees and kills its own sessions, an admin all. */
export function requester(s: StatementContext): Requester {
  return { user: s.user.user, admin: s.user.privileges.includes('admin') };
}

/** KILL [CONNECTION|QUERY] n: session n on whichever worker owns it; never sent to a backend as written. */
function killStatement(s: StatementContext, sql: string): void {
  s.host.metrics.query(QueryKind.Other);
  let k: KillStatement;
  try {
    k = parseKill(sql);
  } catch (e) {
    return s.fail(asSqlError(e, 'KILL'));
  }
  killSession(s, k.id === 'self' ? s.id : k.id, k.query);
}

/** KILL [QUERY] of session id (also COM_PROCESS_KILL); the command is under way. */
export function killSession(s: StatementContext, id: number, query: boolean): void {
  if (id === s.id) {
    // MariaDB: the KILL statement itself is what gets interrupted.
    if (query) return s.fail(new SqlError(ErrorCode.ER_QUERY_INTERRUPTED, 'Query execution was interrupted'));
    s.error(new SqlError(ErrorCode.ER_CONNECTION_KILLED, 'Connection was killed'));
    s.busy = false;
    return s.close();
  }
  s.host.directory.kill(id, query, requester(s)).then((outcome) => {
    if (s.ended) return;
    if (outcome === 'done') {
      s.ok();
      return s.done();
    }
    s.fail(outcome === 'denied'
      ? new SqlError(ErrorCode.ER_KILL_DENIED_ERROR, `You are not owner of thread ${id}`)
      : new SqlError(ErrorCode.ER_NO_SUCH_THREAD, `Unknown thread id: ${id}`));
  });
}

function showProcesslist(s: StatementContext, full: boolean): void {
  s.host.metrics.query(QueryKind.Other);
  s.host.directory.processlist(requester(s)).then((rows) => {
    if (s.ended) return;
    const out = s.writer();
    out.columns(SHOW_COLUMNS, s.status);
    const w = new BufferWriter(256);
    for (const row of showRows(rows, full)) out.row(encodeTextRow(w.reset(), row).payload());
    out.end(s.status);
    s.done();
  });
}
