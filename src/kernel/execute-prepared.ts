// COM_STMT_EXECUTE and COM_STMT_FETCH. Forwarding relays the client's execute to a connection that
// has the statement prepared (long data first) and the binary answer back untouched; a sharded
// schema plans the execute by its bound values: one partition with the statement as written is
// relayed the same way, anything else scatters and merges into binary rows (kept for a cursor).
import { Com } from '../protocol/constants';
import { SqlError, ErrorCode, asSqlError } from '../protocol/errors';
import { ResponseKind } from '../protocol/response-scanner';
import type { BackendConnection } from '../backend/connection';
import type { ShardedSchema } from '../config/types';
import { QueryKind, Route } from '../metrics/layout';
import { Verb, Trait } from './classify';
import { Pin, readOf } from '../execute/backend-lease';
import type { StatementContext } from './context';
import { onForwardConnection } from './forward';
import { backendExecute, backendLongData, type ClientStatement } from './prepared-statement';
import { shardedStateRefusal } from './stateful-statements';
import { decodeExecuteParams, EXECUTE_PARAMS_OFFSET } from '../protocol/binary-values';
import { logicalNames } from '../rewrite/logical-names';
import { commitsImplicitly } from '../transaction/statements';
import { ResultWriter } from '../respond/result-writer';
import { planStatement, sqlLiteral, type ParamValue } from '../plan';
import { tokenize } from '../sql/lexer';
import { userSet } from './sharded-query';
import type { ShardPlan } from '../plan/types';
import { runScatter } from './scatter-merge';
import { sessionStatement, ensureImplicitTrx, commitThen } from './sharded-session';

/** The client statement named by a command's id, or an ERR 1243 sent for an unknown one. */
export function clientStatement(s: StatementContext, payload: Buffer, command: string): ClientStatement | null {
  const id = payload.readUInt32LE(1);
  const stmt = s.statements.get(id);
  if (!stmt) {
    s.error(new SqlError(ErrorCode.ER_UNKNOWN_STMT_HANDLER, `Unknown prepared statement handler (${id}) given to ${command}`));
    return null;
  }
  return stmt;
}

/** COM_STMT_EXECUTE: relayed to a connection with the statement prepared (forwarding), or planned by its bound values (sharded). */
export function executeStatement(s: StatementContext, payload: Buffer, framed: Buffer | null): void {
  const stmt = clientStatement(s, payload, 'mysqld_stmt_execute');
  if (!stmt) return;
  s.info = stmt.sql;
  s.host.metrics.query(QueryKind.Other);
  const bitmapEnd = EXECUTE_PARAMS_OFFSET + ((stmt.params + 7) >> 3);
  if (stmt.params > 0 && payload[bitmapEnd] === 1) stmt.types = Buffer.from(payload.subarray(bitmapEnd + 1, bitmapEnd + 1 + stmt.params * 2));
  if (s.schema?.kind === 'sharded') return executeSharded(s, stmt, payload, framed);
  const cursor = (payload[5] & 0x07) !== 0; // CURSOR_TYPE_READ_ONLY | FOR_UPDATE | SCROLLABLE
  // The packet goes to the backend after a connection is found: a reassembled payload lies in a
  // pool slab reused once this call returns, so it is copied (a whole packet is a read buffer's view, never reused).
  if (framed === null) payload = Buffer.from(payload);
  onForwardConnection(s, (conn) => {
    // Its session state (temporary tables, user variables, locks, SET) is kept as the text path keeps it: see end().
    s.relay.remember(stmt.classified, stmt.classified.traits & Trait.SessionSet ? Buffer.from(stmt.sql, 'latin1') : null);
    return relayExecute(s, conn, stmt, payload, framed, cursor, null);
  });
}

/**
 * Prepares the statement on conn (cached there per database) and relays the client's execute to
 * it, its long data first; the binary answer streams back untouched. For a `sharded` schema's
 * partition an ERR that answers it gets logical names.
 */
export function relayExecute(s: StatementContext, conn: BackendConnection, stmt: ClientStatement, payload: Buffer, framed: Buffer | null, cursor: boolean, sharded: ShardedSchema | null): Promise<void> {
  return conn.statement(stmt.sql, 'latin1').then((backend) => {
    for (const p of backendLongData(stmt, backend.id)) conn.sendNoReply(p);
    stmt.longData = [];
    // A cursor lives on this connection until the statement is executed again or closed.
    if (cursor) s.lease.pins |= Pin.Prepared;
    else s.lease.pins &= ~Pin.Prepared;
    s.relay.send(conn, backendExecute(payload, framed, stmt, backend.id), ResponseKind.Result, sharded);
  });
}

/** COM_STMT_FETCH: rows of a cursor kept here (sharded), or of the cursor open on the held connection. */
export function fetchStatement(s: StatementContext, payload: Buffer): void {
  const stmt = clientStatement(s, payload, 'mysqld_stmt_fetch');
  if (!stmt) return;
  const kept = s.cursors.get(stmt.id);
  if (kept) {
    kept.next = new ResultWriter(s.socket, s.caps).fetch(kept.rows, kept.next, payload.readUInt32LE(5), s.status);
    if (kept.next >= kept.rows.length) s.cursors.delete(stmt.id);
    return;
  }
  const backend = s.lease.conn?.preparedStatement(stmt.sql);
  if (!backend || !(s.lease.pins & Pin.Prepared)) {
    return s.error(new SqlError(ErrorCode.ER_UNKNOWN_ERROR, 'COM_STMT_FETCH without an open cursor: execute the statement with a cursor first'));
  }
  s.begin();
  const out = Buffer.from([9, 0, 0, 0, Com.STMT_FETCH, 0, 0, 0, 0, 0, 0, 0, 0]);
  out.writeUInt32LE(backend.id, 5);
  payload.copy(out, 9, 5, 9);
  s.relay.send(s.lease.conn!, out, ResponseKind.Fetch, null, null);
}

/** An execute on a sharded schema: routed by its bound values like a text statement, answered in binary rows. */
export function executeSharded(s: StatementContext, stmt: ClientStatement, payload: Buffer, framed: Buffer | null): void {
  s.begin();
  if (stmt.sessionStatement && sessionStatement(s, stmt.sql, stmt.sessionStatement)) return;
  if (stmt.classified.verb === Verb.Set && /@(?!@)/.test(stmt.sql)) {
    // SET @x = ?: the values go in as literals, and the SET is evaluated and recorded as a text one is.
    try {
      const { values } = decodeExecuteParams(payload, stmt.params, stmt.types);
      if (userSet(s, withValues(stmt.sql, values))) return;
    } catch (e) {
      return s.fail(asSqlError(e, 'binding'));
    }
  }
  // Prepared on a forwarding schema before a USE: still nothing may stay on a partition's pooled connection.
  const refused = stmt.classified.traits & Trait.Pin ? shardedStateRefusal(stmt.sql, stmt.classified, s.sharded.name) : null;
  if (refused) return s.fail(refused);
  if (!s.trx.outside && (stmt.classified.verb === Verb.Create || stmt.classified.verb === Verb.Other) && commitsImplicitly(stmt.sql)) {
    const copy = Buffer.from(payload); // may be a pool slab's view, reused once this call returns
    return commitThen(s, () => executeSharded(s, stmt, copy, null));
  }
  let plan: ShardPlan;
  try {
    let long: Map<number, Buffer> | undefined;
    if (stmt.longData.length > 0) {
      long = new Map();
      for (const { param, data } of stmt.longData) long.set(param, long.has(param) ? Buffer.concat([long.get(param)!, data]) : data);
    }
    const { values } = decodeExecuteParams(payload, stmt.params, stmt.types, long);
    plan = planStatement(stmt.sql, s.sharded, { params: values, cache: s.host.planCache, keys: s.host.keys });
  } catch (e) {
    return s.fail(asSqlError(e, 'planning'));
  }
  const cursor = (payload[5] & 0x07) !== 0;
  s.cursors.delete(stmt.id); // a cursor of an earlier execute ends here
  // Long data goes to the partition before the execute, as for forwarding (inlined as SQL, a binary value would double as hex).
  if (plan.asWritten && plan.units.length === 1 && !plan.merge && !cursor && !ensureImplicitTrx(s)) {
    return executeOnPartition(s, stmt, payload, framed, plan);
  }
  stmt.longData = [];
  // A cursor (CURSOR_TYPE_READ_ONLY …): the merged rows are kept here and served by COM_STMT_FETCH.
  runScatter(s, plan, true, cursor ? stmt : null);
}

/**
 * The hot path of a prepared statement on a sharded schema: one partition, and the statement as the
 * client wrote it is that partition's statement. It is prepared on the partition's backend
 * connection (cached there) and the client's execute is relayed to it, the binary answer relayed
 * back untouched, as for a forwarding schema: no SQL is rendered, no rows are re-encoded.
 */
export function executeOnPartition(s: StatementContext, stmt: ClientStatement, payload: Buffer, framed: Buffer | null, plan: ShardPlan): void {
  const schema = s.sharded;
  const unit = plan.units[0];
  const part = schema.partitions[unit.partition];
  s.host.metrics.route(Route.Single);
  if (plan.primary) s.lease.wrote(schema);
  const pool = s.lease.partitionPool(schema, unit.partition, plan.primary);
  // The packet goes to the backend after a connection is found: a reassembled payload is copied.
  if (framed === null) payload = Buffer.from(payload);
  s.relay.withConnection(pool, part.database, (conn) => relayExecute(s, conn, stmt, payload, framed, false, schema), logicalNames(schema), plan.primary ? null : readOf(schema, unit.partition));
}

/** The statement with each `?` marker replaced by its value as an SQL literal. */
function withValues(sql: string, values: readonly ParamValue[]): string {
  let out = '';
  let at = 0;
  let i = 0;
  for (const t of tokenize(sql)) {
    if (t.type !== 'param') continue;
    out += sql.slice(at, t.offset) + sqlLiteral(values[i++] ?? null);
    at = t.offset + 1;
  }
  return out + sql.slice(at);
}
