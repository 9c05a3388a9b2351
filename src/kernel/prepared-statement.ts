// A statement a client prepared, as the kernel runs it: its text, parameters and classification,
// and the packets that carry an execute (and its long data) to whichever backend connection serves
// it. The session keeps the client's statements by id (session/prepared.ts).
import { EXECUTE_PARAMS_OFFSET } from '../protocol/binary-values';
import { Com } from '../protocol/constants';
import { frameParts } from '../protocol/framing';
import type { Classified } from './classify';

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

/** The session's registry of client statements, as COM_STMT_PREPARE adds to it. */
export interface PreparedStatements {
  add(sql: string, params: number, columns: number, classified: Classified): ClientStatement;
  get(id: number): ClientStatement | undefined;
}

/** A statement of SQL PREPARE on a sharded schema: its text and the offsets of its `?` markers. */
export interface SqlStatement {
  text: string;
  markers: number[];
}

/** An open cursor of a sharded execute: the merged binary rows and the next one COM_STMT_FETCH sends. */
export interface KeptCursor {
  rows: Buffer[];
  next: number;
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
