// Builds packet payloads. Callers that know the exact size pass it and the writer asserts it; others
// let it grow. Framing (the 4-byte headers, 16 MiB splitting) is done by frame() in framing.ts.

export function lenencSize(n: number): number {
  if (n < 0xfb) return 1;
  if (n < 0x10000) return 3;
  if (n < 0x1000000) return 4;
  return 9;
}

export class BufferWriter {
  buf: Buffer;
  pos = 0;

  /** Reserves 4 bytes at the front for the packet header so frame() can fill it in place. */
  constructor(size = 256, readonly headerRoom = 4) {
    this.buf = Buffer.allocUnsafe(Math.max(size + headerRoom, 16));
    this.pos = headerRoom;
  }

  /** Starts a new payload in the same buffer (the previous payload view becomes invalid). */
  reset(): this {
    this.pos = this.headerRoom;
    return this;
  }

  private ensure(n: number): void {
    if (this.pos + n <= this.buf.length) return;
    const next = Buffer.allocUnsafe(Math.max(this.buf.length * 2, this.pos + n));
    this.buf.copy(next, 0, 0, this.pos);
    this.buf = next;
  }

  u8(v: number): this {
    this.ensure(1);
    this.buf[this.pos++] = v;
    return this;
  }

  u16(v: number): this {
    this.ensure(2);
    this.buf.writeUInt16LE(v, this.pos);
    this.pos += 2;
    return this;
  }

  u24(v: number): this {
    this.ensure(3);
    this.buf[this.pos] = v & 0xff;
    this.buf[this.pos + 1] = (v >>> 8) & 0xff;
    this.buf[this.pos + 2] = (v >>> 16) & 0xff;
    this.pos += 3;
    return this;
  }

  u32(v: number): this {
    this.ensure(4);
    this.buf.writeUInt32LE(v >>> 0, this.pos);
    this.pos += 4;
    return this;
  }

  u64(v: number): this {
    this.ensure(8);
    this.buf.writeUInt32LE(v % 0x100000000, this.pos);
    this.buf.writeUInt32LE(Math.floor(v / 0x100000000), this.pos + 4);
    this.pos += 8;
    return this;
  }

  zeros(n: number): this {
    this.ensure(n);
    this.buf.fill(0, this.pos, this.pos + n);
    this.pos += n;
    return this;
  }

  lenenc(n: number): this {
    if (n < 0xfb) return this.u8(n);
    if (n < 0x10000) return this.u8(0xfc).u16(n);
    if (n < 0x1000000) return this.u8(0xfd).u24(n);
    return this.u8(0xfe).u64(n);
  }

  bytes(b: Uint8Array): this {
    this.ensure(b.length);
    this.buf.set(b, this.pos);
    this.pos += b.length;
    return this;
  }

  /** A string's bytes, no terminator. */
  str(s: string, encoding: BufferEncoding = 'utf8'): this {
    const n = Buffer.byteLength(s, encoding);
    this.ensure(n);
    this.buf.write(s, this.pos, n, encoding);
    this.pos += n;
    return this;
  }

  nulStr(s: string): this {
    return this.str(s).u8(0);
  }

  lenencStr(s: string): this {
    return this.lenenc(Buffer.byteLength(s)).str(s);
  }

  lenencBytes(b: Uint8Array): this {
    return this.lenenc(b.length).bytes(b);
  }

  /** The payload written so far (a view, without the reserved header room). */
  payload(): Buffer {
    return this.buf.subarray(this.headerRoom, this.pos);
  }
}
