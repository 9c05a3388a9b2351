// The load generator's client commands, framed and ready to write: COM_QUERY, COM_STMT_PREPARE and
// COM_STMT_EXECUTE in the binary protocol. Each is one packet of sequence id 0 (requests stay far
// below 16 MiB; larger ones are refused rather than split).
import { writeHeader } from '../protocol/framing';
import { BufferWriter, lenencSize } from '../protocol/buffer-writer';
import { MAX_PACKET_PAYLOAD, Com, ColumnType } from '../protocol/constants';

function framed(payloadLength: number): Buffer {
  if (payloadLength >= MAX_PACKET_PAYLOAD) throw new Error(`a bench request of ${payloadLength} bytes is too large`);
  const buf = Buffer.allocUnsafe(4 + payloadLength);
  writeHeader(buf, 0, payloadLength, 0);
  return buf;
}

/** A command byte followed by text (COM_QUERY, COM_STMT_PREPARE). */
export function textCommand(com: Com, sql: string): Buffer {
  const n = Buffer.byteLength(sql);
  const buf = framed(1 + n);
  buf[4] = com;
  buf.write(sql, 5, n, 'utf8');
  return buf;
}

export function queryCommand(sql: string): Buffer {
  return textCommand(Com.QUERY, sql);
}

/** PREPARE_OK: 0x00, statement id u32, column count u16, parameter count u16, filler, warnings u16. */
export function preparedIds(prepareOk: Buffer): { statementId: number; params: number } {
  return { statementId: prepareOk.readUInt32LE(1), params: prepareOk.readUInt16LE(7) };
}

/**
 * COM_STMT_EXECUTE with every parameter bound (new-params-bound = 1, types sent each time):
 *   0x17, stmt id u32, flags u8 (0 = no cursor), iteration count u32 (always 1),
 *   NULL bitmap ((n+7)/8 bytes), 1, n × (type u8, unsigned-flag u8), values.
 * Numbers are bound as LONGLONG (8 bytes, little-endian), strings as VAR_STRING (lenenc bytes).
 */
export function executeCommand(statementId: number, values: readonly (number | string)[]): Buffer {
  const n = values.length;
  let size = 1 + 4 + 1 + 4;
  if (n > 0) {
    size += ((n + 7) >> 3) + 1 + 2 * n;
    for (const v of values) size += typeof v === 'number' ? 8 : lenencSize(Buffer.byteLength(v)) + Buffer.byteLength(v);
  }
  if (size >= MAX_PACKET_PAYLOAD) throw new Error(`a bench request of ${size} bytes is too large`);
  const w = new BufferWriter(size);
  w.u8(Com.STMT_EXECUTE).u32(statementId).u8(0).u32(1);
  if (n > 0) {
    w.zeros((n + 7) >> 3).u8(1); // no NULLs; new-params-bound
    for (const v of values) w.u8(typeof v === 'number' ? ColumnType.LONGLONG : ColumnType.VAR_STRING).u8(0);
    for (const v of values) {
      if (typeof v === 'string') w.lenencStr(v);
      else {
        w.zeros(8);
        w.buf.writeBigInt64LE(BigInt(v), w.pos - 8);
      }
    }
  }
  if (w.pos - w.headerRoom !== size) throw new Error(`BUG: COM_STMT_EXECUTE sized ${size}, wrote ${w.pos - w.headerRoom}`);
  writeHeader(w.buf, 0, size, 0);
  return w.buf.subarray(0, w.pos);
}
