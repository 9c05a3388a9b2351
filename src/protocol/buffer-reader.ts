// A cursor over a borrowed payload Buffer. It never copies: slices are views into the payload, valid
// only as long as the payload's owner keeps it (for socket data: until the next read).
import { SqlError, ErrorCode } from './errors';

export class BufferReader {
  buf: Buffer;
  pos: number;
  end: number;

  constructor(buf: Buffer, pos = 0, end = buf.length) {
    this.buf = buf;
    this.pos = pos;
    this.end = end;
  }

  /** Re-point the cursor at another payload (lets hot paths reuse one reader). */
  reset(buf: Buffer, pos = 0, end = buf.length): this {
    this.buf = buf;
    this.pos = pos;
    this.end = end;
    return this;
  }

  get remaining(): number {
    return this.end - this.pos;
  }

  private need(n: number): void {
    if (this.pos + n > this.end) {
      throw new SqlError(ErrorCode.ER_MALFORMED_PACKET, 'Malformed communication packet', { fatal: true });
    }
  }

  u8(): number {
    this.need(1);
    return this.buf[this.pos++];
  }

  u16(): number {
    this.need(2);
    const v = this.buf.readUInt16LE(this.pos);
    this.pos += 2;
    return v;
  }

  u24(): number {
    this.need(3);
    const b = this.buf, p = this.pos;
    this.pos += 3;
    return b[p] | (b[p + 1] << 8) | (b[p + 2] << 16);
  }

  u32(): number {
    this.need(4);
    const v = this.buf.readUInt32LE(this.pos);
    this.pos += 4;
    return v;
  }

  /** 8-byte unsigned integer as a JS number (exact up to 2^53). */
  u64(): number {
    this.need(8);
    const lo = this.buf.readUInt32LE(this.pos);
    const hi = this.buf.readUInt32LE(this.pos + 4);
    this.pos += 8;
    return hi * 0x100000000 + lo;
  }

  skip(n: number): void {
    this.need(n);
    this.pos += n;
  }

  /** Length-encoded integer; null for the NULL marker 0xfb (only meaningful in rows). */
  lenencOrNull(): number | null {
    const first = this.u8();
    if (first < 0xfb) return first;
    if (first === 0xfb) return null;
    if (first === 0xfc) return this.u16();
    if (first === 0xfd) return this.u24();
    if (first === 0xfe) return this.u64();
    throw new SqlError(ErrorCode.ER_MALFORMED_PACKET, 'Malformed communication packet', { fatal: true });
  }

  lenenc(): number {
    return this.lenencOrNull() ?? 0;
  }

  /** A view of the next n bytes. */
  bytes(n: number): Buffer {
    this.need(n);
    const v = this.buf.subarray(this.pos, this.pos + n);
    this.pos += n;
    return v;
  }

  /** A view of the rest of the payload. */
  rest(): Buffer {
    const v = this.buf.subarray(this.pos, this.end);
    this.pos = this.end;
    return v;
  }

  /** Bytes up to a NUL (the NUL is consumed, not returned); to the end if there is none. */
  nulBytes(): Buffer {
    let i = this.buf.indexOf(0, this.pos);
    if (i < 0 || i >= this.end) i = this.end;
    const v = this.buf.subarray(this.pos, i);
    this.pos = Math.min(i + 1, this.end);
    return v;
  }

  nulString(encoding: BufferEncoding = 'utf8'): string {
    return this.nulBytes().toString(encoding);
  }

  lenencBytes(): Buffer {
    return this.bytes(this.lenenc());
  }

  lenencString(encoding: BufferEncoding = 'utf8'): string {
    return this.lenencBytes().toString(encoding);
  }

  restString(encoding: BufferEncoding = 'utf8'): string {
    return this.rest().toString(encoding);
  }
}
