// A read whose replica cannot be reached goes elsewhere. The failure happens while a connection is
// being acquired (connect refused or timed out, TLS, handshake or auth failed, or a pooled connection
// found dead and its replacement failing to connect: ERR 2003 from the pool), so nothing has been
// sent to the backend or the client yet and the read simply runs on another server: the partition
// rotation's next usable replica, then the primary. The pool that failed has already marked its
// backend down in the shared health table, so the rotation skips it here and in every worker until
// main's probe reaches it again. Errors after the statement was sent are not retried here.
import type { BackendConnection } from '../backend/connection';
import type { AcquireCallback, BackendPool } from '../backend/pool';
import type { PartitionConfig } from '../config/types';
import { SqlError, ErrorCode } from '../protocol/errors';
import type { ReadRotation, ReplicaHealth } from './read-target';

/** Where the other candidates of a read come from. */
export interface ReadSource {
  partition: PartitionConfig;
  rotation: ReadRotation;
  health: ReplicaHealth;
  pool(backend: string): BackendPool;
  /** Acquires from one pool for the session (its profile, state and the partition's database). */
  take(pool: BackendPool, cb: AcquireCallback): void;
}

/** Gets the connection, or the error, and the pool it belongs to (absent: the pool asked first). */
export type ReadCallback = (err: SqlError | null, conn: BackendConnection | null, pool?: BackendPool) => void;

/** True when a failed acquire means the backend could not be reached (so the read may go elsewhere). */
export function unreachable(err: SqlError | null): err is SqlError {
  return err !== null && err.errno === ErrorCode.CR_CONN_HOST_ERROR;
}

/**
 * Continues a read after `failed` could not be reached (`err`): the rotation's next usable replica,
 * then the primary, each tried once. When the primary cannot be reached either, `done` gets one ERR
 * 2003 naming every server tried and the replicas already out of rotation.
 */
export function failOver(src: ReadSource, failed: BackendPool, err: SqlError, done: ReadCallback): void {
  const primary = src.partition.write;
  const tried: string[] = [];
  const errors: SqlError[] = [];
  const next = (pool: BackendPool, e: SqlError) => {
    tried.push(pool.target.name);
    errors.push(e);
    if (pool.target.name === primary) return done(allUnreachable(src, tried, errors), null, pool);
    const pick = src.rotation.pick(src.health);
    const candidate = src.pool(tried.includes(pick) ? primary : pick);
    src.take(candidate, (e2, conn) => {
      if (conn || !unreachable(e2)) return done(e2, conn, candidate);
      next(candidate, e2);
    });
  };
  next(failed, err);
}

/** The error of a read no server could take; the primary's own error when nothing else was involved. */
function allUnreachable(src: ReadSource, tried: string[], errors: SqlError[]): SqlError {
  const out = src.partition.read.map((r) => r.backend).filter((b) => !tried.includes(b) && !src.health.usable(b));
  if (errors.length === 1 && out.length === 0) return errors[0];
  const parts = errors.map((e) => e.message);
  if (out.length > 0) parts.push(`out of read rotation: ${out.join(', ')}`);
  return new SqlError(ErrorCode.CR_CONN_HOST_ERROR, `No server could take the read: ${parts.join('; ')}`);
}
