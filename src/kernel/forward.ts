// Forwarding: a statement of a forwarding schema (or of a session with no schema selected) relayed
// to the schema's one backend on the session's held connection, its answer streamed back untouched.
import type { BackendConnection } from '../backend/connection';
import type { BackendPool } from '../backend/pool';
import { Com } from '../protocol/constants';
import { SqlError, ErrorCode } from '../protocol/errors';
import { frameCommand } from '../protocol/framing';
import { ResponseKind } from '../protocol/response-scanner';
import { defaultForwardSchema } from './access';
import type { Classified } from './classify';
import type { StatementContext } from './context';

/** Where statements of the current schema go: a backend pool and the backend database. */
export function forwardTarget(s: StatementContext): { pool: BackendPool; database: string } {
  let schema = s.schema;
  if (!schema) {
    // No schema selected: statements that need none (SELECT 1, SHOW VARIABLES, ...) go to the first
    // forwarding schema this user may use, in its database: a pooled connection keeps the database
    // its last session used, which may be another user's (MySQL cannot unselect one).
    schema = defaultForwardSchema(s.user, s.host.schemas);
    if (!schema) throw new SqlError(ErrorCode.ER_NO_DB_ERROR, 'No database selected');
  }
  if (schema.kind === 'forward') return { pool: s.pool(schema.backend), database: schema.database };
  throw new SqlError(ErrorCode.ER_UNKNOWN_ERROR, `BUG: statement on sharded schema '${schema.name}' took the forwarding path`);
}

/**
 * Relays one command of a forwarding schema on the held backend connection, or on one from the
 * pool brought to the session's state; the answer streams to the client through the relay.
 */
export function forward(s: StatementContext, framed: Buffer, kind: ResponseKind, c: Classified | null): void {
  s.begin();
  let target: { pool: BackendPool; database: string };
  try {
    target = forwardTarget(s);
  } catch (e) {
    return s.fail(e as SqlError);
  }
  if (kind === ResponseKind.Result) s.relay.query(target.pool, target.database, framed, c);
  else s.relay.command(target.pool, target.database, framed, kind);
}

/** Runs fn on a backend connection for the forwarding schema (the held one, or one from the pool, synced). */
export function onForwardConnection(s: StatementContext, fn: (conn: BackendConnection) => Promise<void>): void {
  let target: { pool: BackendPool; database: string };
  try {
    target = forwardTarget(s);
  } catch (e) {
    s.begin();
    return s.fail(e as SqlError);
  }
  s.relay.withConnection(target.pool, target.database, fn);
}

/** A statement sluice rewrote runs where the schema's statements go (a sharded schema's default partition). */
export function relayRewritten(s: StatementContext, sql: string, c: Classified): void {
  if (s.ended) return;
  if (s.schema?.kind !== 'sharded') return forward(s, frameCommand(Com.QUERY, sql), ResponseKind.Result, c);
  const part = s.sharded.partitions[s.sharded.defaultPartition];
  s.relay.query(s.pool(part.write), part.database, frameCommand(Com.QUERY, sql), c, s.sharded);
}
