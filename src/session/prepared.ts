// Prepared statements as the client sees them. sluice owns the statement ids it gives clients and
// maps each to its SQL; the statement is prepared lazily on whichever backend connection serves an
// execute (BackendConnection.statement caches it there), so prepared statements survive pooling and
// a client's statements never pin a backend connection. The worker's StatementCache counts them by
// text, so backend statements no client statement refers to any more are closed.
import { EXECUTE_PARAMS_OFFSET } from '../protocol/binary-values';
import { Com } from '../protocol/constants';
import { frameParts } from '../protocol/framing';
import type { Classified } from '../kernel/classify';
import type { StatementCache } from '../backend/statement-cache';

/** One statement a client prepared. */
export interface ClientStatement {
  id: number;
  sql: string;
  params: number;
  columns: number;
  /** Parameter types (2 bytes each) from the last execute that bound them: replayed when a later
   *  execute omits them, since the backend statement may be a fresh one that never saw them. */
  types: Buffer | null;
  /** COM_STMT_SEND_LONG_DATA chunks since the last execute, as (param id, data) in arrival order. */
  longData: { param: number; data: Buffer }[];
  /**
   * On a sharded schema: the statement's classification when the session itself answers it
   * (BEGIN, COMMIT, ROLLBACK, SAVEPOINT, SET of session variables), found once at prepare.
   */
  sessionStatement?: Classified;
  /**
   * The text's classification (classifyPrepared, at prepare): a forwarding execute keeps the session
   * state it creates (temporary tables, user variables, locks, SET) as a text statement would.
   */
  classified: Classified;
}

/** The client's statements of one session. */
export class StatementRegistry {
  private nextId = 1;
  private readonly byId = new Map<number, ClientStatement>();

  constructor(private readonly cache?: StatementCache) {}

  add(sql: string, params: number, columns: number, classified: Classified): ClientStatement {
    const s: ClientStatement = { id: this.nextId++, sql, params, columns, types: null, longData: [], classified };
    this.byId.set(s.id, s);
    this.cache?.ref(sql);
    return s;
  }

  get(id: number): ClientStatement | undefined {
    return this.byId.get(id);
  }

  delete(id: number): void {
    const s = this.byId.get(id);
    if (!s) return;
    this.byId.delete(id);
    this.cache?.unref(s.sql);
  }

  clear(): void {
    for (const s of this.byId.values()) this.cache?.unref(s.sql);
    this.byId.clear();
  }

  get size(): number {
    return this.byId.size;
  }
}

/**
 * The COM_STMT_EXECUTE packet for the backend: the backend's statement id in place of the client's,
 * and the parameter types included even when this execute relied on earlier ones. Returns the
 * client's packet itself, patched in place, when it came whole and no types need inserting (no
 * copy); otherwise a new packet, split into 0xffffff-byte frames when its payload is that large.
 */
export function backendExecute(payload: Buffer, framed: Buffer | null, stmt: ClientStatement, backendId: number): Buffer {
  const bitmapEnd = EXECUTE_PARAMS_OFFSET + ((stmt.params + 7) >> 3);
  const needsTypes = stmt.params > 0 && payload[bitmapEnd] === 0 && stmt.types !== null;
  if (!needsTypes && framed) {
    framed.writeUInt32LE(backendId, 5);
    return framed;
  }
  const out = frameParts(needsTypes
    ? [payload.subarray(0, bitmapEnd), NEW_PARAMS_BOUND, stmt.types!, payload.subarray(bitmapEnd + 1)]
    : [payload], 0);
  out.writeUInt32LE(backendId, 5); // in the first frame: 4 header bytes, the command byte, the id
  return out;
}

/** The new-params-bound flag of an execute that carries its parameter types. */
const NEW_PARAMS_BOUND = Buffer.from([1]);

/** COM_STMT_SEND_LONG_DATA packets for the backend statement, in order (split like any packet when 16 MiB or more). */
export function backendLongData(stmt: ClientStatement, backendId: number): Buffer[] {
  return stmt.longData.map(({ param, data }) => {
    const head = Buffer.allocUnsafe(7);
    head[0] = Com.STMT_SEND_LONG_DATA;
    head.writeUInt32LE(backendId, 1);
    head.writeUInt16LE(param, 5);
    return frameParts([head, data], 0);
  });
}
