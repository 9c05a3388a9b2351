// The binary protocol's values: COM_STMT_EXECUTE parameters (decoded, for routing a prepared
// statement on a sharded schema) and binary result rows (encoded from text rows, when sluice builds a
// prepared statement's result itself from merged shard results).
import { BufferReader } from './buffer-reader';
import { BufferWriter } from './buffer-writer';
import { ColumnType, ColumnFlag } from './constants';
import type { ColumnDef } from './packets';
import { SqlError, ErrorCode } from './errors';

/** A bound parameter value, as the planner takes it. */
export type ParamValue = string | number | bigint | null | Buffer;

/** Where the parameter part of a COM_STMT_EXECUTE payload starts: 0x17, stmt id, flags, iteration count. */
export const EXECUTE_PARAMS_OFFSET = 10;

const pad = (n: number, w = 2) => String(n).padStart(w, '0');

function fraction(micros: number): string {
  return micros ? '.' + pad(micros, 6) : '';
}

/**
 * Decodes the parameters of a COM_STMT_EXECUTE payload. `types` are the 2-byte parameter types
 * (type, flags) bound now or by an earlier execute of the same statement. Parameters whose value
 * came by COM_STMT_SEND_LONG_DATA (`longData`) are not in the packet: they take that value.
 * Strings are latin1 byte strings (one char per byte), as sluice carries SQL text.
 */
export function decodeExecuteParams(payload: Buffer, count: number, savedTypes: Buffer | null, longData?: ReadonlyMap<number, Buffer>): { values: ParamValue[]; types: Buffer | null } {
  if (count === 0) return { values: [], types: savedTypes };
  const r = new BufferReader(payload, EXECUTE_PARAMS_OFFSET);
  const bitmap = r.bytes((count + 7) >> 3);
  const bound = r.u8();
  const types = bound ? Buffer.from(r.bytes(count * 2)) : savedTypes;
  if (!types) throw new SqlError(ErrorCode.ER_MALFORMED_PACKET, 'COM_STMT_EXECUTE without parameter types for a statement that never bound them', { fatal: false });
  const values: ParamValue[] = [];
  for (let i = 0; i < count; i++) {
    const long = longData?.get(i);
    if (long) {
      values.push(long);
      continue;
    }
    if (bitmap[i >> 3] & (1 << (i & 7))) {
      values.push(null);
      continue;
    }
    const type = types[i * 2] as ColumnType;
    const unsigned = (types[i * 2 + 1] & 0x80) !== 0;
    values.push(decodeValue(r, type, unsigned));
  }
  return { values, types };
}

function decodeValue(r: BufferReader, type: ColumnType, unsigned: boolean): ParamValue {
  const b = r.buf;
  switch (type) {
    case ColumnType.NULL:
      return null;
    case ColumnType.TINY: {
      const v = r.u8();
      return unsigned ? v : (v << 24) >> 24;
    }
    case ColumnType.SHORT:
    case ColumnType.YEAR: {
      const v = r.u16();
      return unsigned ? v : (v << 16) >> 16;
    }
    case ColumnType.LONG:
    case ColumnType.INT24: {
      const p = r.pos;
      r.skip(4);
      return unsigned ? b.readUInt32LE(p) : b.readInt32LE(p);
    }
    case ColumnType.LONGLONG: {
      const p = r.pos;
      r.skip(8);
      const v = unsigned ? b.readBigUInt64LE(p) : b.readBigInt64LE(p);
      return v >= BigInt(Number.MIN_SAFE_INTEGER) && v <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(v) : v;
    }
    case ColumnType.FLOAT: {
      const p = r.pos;
      r.skip(4);
      return b.readFloatLE(p);
    }
    case ColumnType.DOUBLE: {
      const p = r.pos;
      r.skip(8);
      return b.readDoubleLE(p);
    }
    case ColumnType.DATE:
    case ColumnType.DATETIME:
    case ColumnType.TIMESTAMP: {
      const len = r.u8();
      if (len === 0) return '0000-00-00 00:00:00';
      const y = r.u16(), mo = r.u8(), d = r.u8();
      let text = `${pad(y, 4)}-${pad(mo)}-${pad(d)}`;
      if (len >= 7) {
        const h = r.u8(), mi = r.u8(), s = r.u8();
        const us = len >= 11 ? r.u32() : 0;
        text += ` ${pad(h)}:${pad(mi)}:${pad(s)}${fraction(us)}`;
      }
      return text;
    }
    case ColumnType.TIME: {
      const len = r.u8();
      if (len === 0) return '00:00:00';
      const neg = r.u8(), days = r.u32(), h = r.u8(), mi = r.u8(), s = r.u8();
      const us = len >= 12 ? r.u32() : 0;
      return `${neg ? '-' : ''}${pad(days * 24 + h)}:${pad(mi)}:${pad(s)}${fraction(us)}`;
    }
    case ColumnType.TINY_BLOB:
    case ColumnType.MEDIUM_BLOB:
    case ColumnType.LONG_BLOB:
    case ColumnType.BLOB:
    case ColumnType.GEOMETRY:
    case ColumnType.BIT:
      return Buffer.from(r.lenencBytes());
    default: // DECIMAL, NEWDECIMAL, VARCHAR, VAR_STRING, STRING, JSON, ENUM, SET
      return r.lenencString('latin1');
  }
}

/**
 * Encodes a text-protocol row as a binary-protocol row for these columns:
 * 0x00, NULL bitmap (offset 2), then each non-NULL value in its binary form.
 */
export function textRowToBinary(text: Buffer, columns: readonly ColumnDef[], w: BufferWriter): BufferWriter {
  const n = columns.length;
  const r = new BufferReader(text);
  const bitmapLen = (n + 7 + 2) >> 3;
  w.u8(0x00);
  const bitmapAt = w.pos;
  w.zeros(bitmapLen);
  for (let i = 0; i < n; i++) {
    const len = r.lenencOrNull();
    if (len === null) {
      const bit = i + 2;
      w.buf[bitmapAt + (bit >> 3)] |= 1 << (bit & 7);
      continue;
    }
    const start = r.pos;
    r.skip(len);
    encodeValue(w, columns[i], text, start, start + len);
  }
  return w;
}

/**
 * The integer written at text[start, end) (an optional '-' and up to 15 digits, so exact as a
 * double), read from the bytes without making a string; NaN for anything else.
 */
function shortInteger(text: Buffer, start: number, end: number): number {
  let i = start;
  const neg = text[i] === 45; /* - */
  if (neg) i++;
  if (i === end || end - i > 15) return NaN;
  let v = 0;
  for (; i < end; i++) {
    const d = text[i] - 48;
    if (d < 0 || d > 9) return NaN;
    v = v * 10 + d;
  }
  return neg ? -v : v;
}

/** An integer column's value as a number (the text is MySQL's own, so at most 20 digits). */
function integerValue(text: Buffer, start: number, end: number): number {
  const v = shortInteger(text, start, end);
  return v === v ? v : Number(text.toString('latin1', start, end));
}

const TWO_32 = 4294967296;

function encodeValue(w: BufferWriter, col: ColumnDef, text: Buffer, start: number, end: number): void {
  const unsigned = ((col.flags ?? 0) & ColumnFlag.UNSIGNED) !== 0;
  switch (col.type) {
    case ColumnType.TINY:
      w.u8(integerValue(text, start, end) & 0xff);
      return;
    case ColumnType.SHORT:
    case ColumnType.YEAR:
      w.u16(integerValue(text, start, end) & 0xffff);
      return;
    case ColumnType.LONG:
    case ColumnType.INT24:
      w.u32(integerValue(text, start, end) >>> 0);
      return;
    case ColumnType.LONGLONG: {
      const v = shortInteger(text, start, end);
      if (v === v) {
        // Two 32-bit halves, two's complement for a negative value: no BigInt, no buffer.
        const a = v < 0 ? -v : v;
        let lo = a % TWO_32, hi = Math.floor(a / TWO_32);
        if (v < 0) {
          lo = (~lo + 1) >>> 0;
          hi = (~hi + (lo === 0 ? 1 : 0)) >>> 0;
        }
        w.u32(lo).u32(hi);
        return;
      }
      const big = BigInt(text.toString('latin1', start, end));
      const b = Buffer.allocUnsafe(8);
      if (unsigned) b.writeBigUInt64LE(big); else b.writeBigInt64LE(big);
      w.bytes(b);
      return;
    }
    case ColumnType.FLOAT: {
      const b = Buffer.allocUnsafe(4);
      b.writeFloatLE(Number(text.toString('latin1', start, end)));
      w.bytes(b);
      return;
    }
    case ColumnType.DOUBLE: {
      const b = Buffer.allocUnsafe(8);
      b.writeDoubleLE(Number(text.toString('latin1', start, end)));
      w.bytes(b);
      return;
    }
    case ColumnType.DATE:
    case ColumnType.DATETIME:
    case ColumnType.TIMESTAMP:
      encodeDateTime(w, text.toString('latin1', start, end));
      return;
    case ColumnType.TIME:
      encodeTime(w, text.toString('latin1', start, end));
      return;
    default:
      w.lenenc(end - start).bytes(text.subarray(start, end));
  }
}

function encodeDateTime(w: BufferWriter, s: string): void {
  const m = /^(\d{4})-(\d{2})-(\d{2})(?:[ T](\d{2}):(\d{2}):(\d{2})(?:\.(\d{1,6}))?)?$/.exec(s);
  if (!m) {
    w.u8(0);
    return;
  }
  const [y, mo, d, h, mi, sec] = [1, 2, 3, 4, 5, 6].map((i) => Number(m[i] ?? 0));
  const us = m[7] ? Number(m[7].padEnd(6, '0')) : 0;
  if (us) w.u8(11).u16(y).u8(mo).u8(d).u8(h).u8(mi).u8(sec).u32(us);
  else if (h || mi || sec) w.u8(7).u16(y).u8(mo).u8(d).u8(h).u8(mi).u8(sec);
  else if (y || mo || d) w.u8(4).u16(y).u8(mo).u8(d);
  else w.u8(0);
}

function encodeTime(w: BufferWriter, s: string): void {
  const m = /^(-)?(\d+):(\d{2}):(\d{2})(?:\.(\d{1,6}))?$/.exec(s);
  if (!m) {
    w.u8(0);
    return;
  }
  const hours = Number(m[2]);
  const us = m[5] ? Number(m[5].padEnd(6, '0')) : 0;
  const days = Math.floor(hours / 24);
  const fields = (len: number) => w.u8(len).u8(m[1] ? 1 : 0).u32(days).u8(hours % 24).u8(Number(m[3])).u8(Number(m[4]));
  if (us) fields(12).u32(us);
  else if (hours || Number(m[3]) || Number(m[4])) fields(8);
  else w.u8(0);
}
