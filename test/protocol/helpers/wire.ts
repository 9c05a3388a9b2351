// An independent MySQL wire encoder/decoder for tests, written from the protocol documentation and
// deliberately sharing nothing with src/protocol (no BufferWriter/BufferReader), so a codec bug
// cannot cancel itself out. Everything here favours plainness over speed.

/** A piece of a payload: raw bytes, a byte list, or a string (UTF-8, no terminator). */
export type Piece = Buffer | number[] | string;

/** Concatenates pieces into one Buffer. */
export function cat(...pieces: Piece[]): Buffer {
  return Buffer.concat(pieces.map((p) => (typeof p === 'string' ? Buffer.from(p, 'utf8') : Buffer.from(p))));
}

/** Fixed-length little-endian unsigned integer of `width` bytes (up to 8; exact to 2^53). */
export function int(width: number, value: number): Buffer {
  const out = Buffer.alloc(width);
  let v = value;
  for (let i = 0; i < width; i++) {
    out[i] = v % 256;
    v = Math.floor(v / 256);
  }
  return out;
}

export const int1 = (v: number) => int(1, v);
export const int2 = (v: number) => int(2, v);
export const int3 = (v: number) => int(3, v);
export const int4 = (v: number) => int(4, v);

/** Length-encoded integer: < 251 in one byte, then 0xfc+2, 0xfd+3, 0xfe+8 bytes. */
export function lenInt(v: number): Buffer {
  if (v < 251) return int1(v);
  if (v < 2 ** 16) return cat([0xfc], int2(v));
  if (v < 2 ** 24) return cat([0xfd], int3(v));
  return cat([0xfe], int(8, v));
}

/** Length-encoded string; null is the row NULL marker 0xfb. */
export function lenStr(v: Piece | null): Buffer {
  if (v === null) return Buffer.from([0xfb]);
  const b = cat(v);
  return cat(lenInt(b.length), b);
}

/** NUL-terminated string. */
export const nulStr = (s: string) => cat(s, [0]);

// ---- packets ----

const MAX = 0xffffff;

/**
 * Frames one logical payload starting at sequence id seq: a payload of 0xffffff bytes or more is cut
 * into 0xffffff-byte packets, and one that is an exact multiple of 0xffffff ends with an empty packet.
 */
export function packet(payload: Buffer, seq = 0): Buffer {
  const parts: Buffer[] = [];
  let off = 0;
  let s = seq;
  for (;;) {
    const n = Math.min(MAX, payload.length - off);
    parts.push(int3(n), int1(s & 0xff), payload.subarray(off, off + n));
    off += n;
    s++;
    if (n < MAX) return Buffer.concat(parts);
  }
}

/** Frames payloads one after another with consecutive sequence ids from seq. */
export function packets(payloads: Buffer[], seq = 0): Buffer {
  const out: Buffer[] = [];
  let s = seq;
  for (const p of payloads) {
    out.push(packet(p, s));
    s += Math.floor(p.length / MAX) + 1;
  }
  return Buffer.concat(out);
}

/** A logical packet read back from a byte stream: its payload and the seq of each physical part. */
export interface Frame {
  payload: Buffer;
  seqs: number[];
}

/** Splits a whole byte stream into logical packets (joining 0xffffff-byte continuations). */
export function readFrames(stream: Buffer): Frame[] {
  const frames: Frame[] = [];
  let pos = 0;
  let parts: Buffer[] = [];
  let seqs: number[] = [];
  while (pos < stream.length) {
    if (pos + 4 > stream.length) throw new Error(`truncated header at ${pos}`);
    const len = stream[pos] + stream[pos + 1] * 256 + stream[pos + 2] * 65536;
    seqs.push(stream[pos + 3]);
    if (pos + 4 + len > stream.length) throw new Error(`truncated payload at ${pos}`);
    parts.push(stream.subarray(pos + 4, pos + 4 + len));
    pos += 4 + len;
    if (len < MAX) {
      frames.push({ payload: Buffer.concat(parts), seqs });
      parts = [];
      seqs = [];
    }
  }
  if (parts.length) throw new Error('stream ends inside a continued packet');
  return frames;
}

export interface Ok {
  affectedRows?: number;
  lastInsertId?: number;
  status?: number;
  warnings?: number;
  info?: string;
}

/** OK payload (protocol 4.1, no session tracking); header 0xfe makes the DEPRECATE_EOF end marker. */
/** OK payload. A non-empty info is length-encoded, as MySQL's and MariaDB's net_send_ok store it. */
export function ok(o: Ok = {}, header = 0x00): Buffer {
  return cat([header], lenInt(o.affectedRows ?? 0), lenInt(o.lastInsertId ?? 0), int2(o.status ?? 0),
    int2(o.warnings ?? 0), o.info ? lenStr(o.info) : '');
}

/** ERR payload; sqlState null leaves out the '#' marker (as before the handshake completes). */
export function err(errno: number, sqlState: string | null, message: string): Buffer {
  return cat([0xff], int2(errno), sqlState === null ? '' : cat('#', sqlState), message);
}

/** Old-style EOF payload: 0xfe, warnings, status. */
export function eof(status = 0, warnings = 0): Buffer {
  return cat([0xfe], int2(warnings), int2(status));
}

export interface Column {
  schema?: string;
  table?: string;
  orgTable?: string;
  name: string;
  orgName?: string;
  charset?: number;
  length?: number;
  type?: number;
  flags?: number;
  decimals?: number;
}

/** ColumnDefinition41 payload. */
export function columnDef(c: Column): Buffer {
  return cat(lenStr('def'), lenStr(c.schema ?? ''), lenStr(c.table ?? ''), lenStr(c.orgTable ?? c.table ?? ''),
    lenStr(c.name), lenStr(c.orgName ?? c.name), [0x0c], int2(c.charset ?? 45), int4(c.length ?? 0),
    [c.type ?? 0xfd], int2(c.flags ?? 0), [c.decimals ?? 0], [0, 0]);
}

/** Text-protocol row payload. */
export function textRow(values: (Piece | null)[]): Buffer {
  return cat(...values.map(lenStr));
}

/**
 * The payloads of one text result set: column count, definitions, [EOF], rows, end marker.
 * With deprecateEof the column EOF is left out and the end is an OK with header 0xfe.
 */
export function resultSet(columns: string[], rows: (Piece | null)[][], opts: { deprecateEof: boolean; status?: number; warnings?: number }): Buffer[] {
  const out = [lenInt(columns.length), ...columns.map((name) => columnDef({ name }))];
  if (!opts.deprecateEof) out.push(eof(opts.status ?? 0x2));
  for (const r of rows) out.push(textRow(r));
  out.push(opts.deprecateEof
    ? ok({ status: opts.status ?? 0x2, warnings: opts.warnings ?? 0 }, 0xfe)
    : eof(opts.status ?? 0x2, opts.warnings ?? 0));
  return out;
}
