// Generic response packets: OK, ERR, EOF, column definitions and text rows — encoders for what
// sluice answers itself, decoders for what it must read from backends.
import { BufferReader } from './buffer-reader';
import { BufferWriter } from './buffer-writer';
import { Cap, ColumnType, Collation, Header, SessionTrack, Status } from './constants';

export interface OkPacket {
  affectedRows: number;
  lastInsertId: number;
  status: number;
  warnings: number;
  info: string;
  /** The state-change block (CLIENT_SESSION_TRACK, SESSION_STATE_CHANGED set), as its bytes. */
  sessionState?: Buffer;
}

export interface ErrPacket {
  errno: number;
  sqlState: string;
  message: string;
}

/** OK payload (header 0x00; 0xfe when it stands in for EOF under CLIENT_DEPRECATE_EOF). */
export function encodeOk(w: BufferWriter, ok: Partial<OkPacket>, header: number = Header.OK, sessionState: Buffer | null = null): BufferWriter {
  const status = (ok.status ?? 0) | (sessionState ? Status.SESSION_STATE_CHANGED : 0);
  w.u8(header).lenenc(ok.affectedRows ?? 0).lenenc(ok.lastInsertId ?? 0).u16(status).u16(ok.warnings ?? 0);
  // Servers store a non-empty info length-encoded (net_store_data), with or without SESSION_TRACK;
  // state changes (CLIENT_SESSION_TRACK only) follow the info, which is then always there.
  if (ok.info || sessionState) w.lenencStr(ok.info ?? '');
  if (sessionState) w.lenenc(sessionState.length).bytes(sessionState);
  return w;
}

/** SESSION_TRACK_SCHEMA (type 1): the session's current schema changed to `name` (an OK's state-change entry). */
export function schemaChange(name: string): Buffer {
  const n = Buffer.byteLength(name);
  const data = new BufferWriter(n + 9).lenencStr(name).payload();
  return Buffer.from(new BufferWriter(data.length + 10).u8(SessionTrack.SCHEMA).lenencBytes(data).payload());
}

/**
 * ERR payload; before the handshake completes MySQL omits the '#'+SQLSTATE marker (withState=false).
 * The message is written as UTF-8, or byte for byte from a latin1 string (a backend's text in the
 * connection's character set, passed through unchanged).
 */
export function encodeErr(w: BufferWriter, err: ErrPacket, withState = true, encoding: 'utf8' | 'latin1' = 'utf8'): BufferWriter {
  w.u8(Header.ERR).u16(err.errno);
  if (withState) w.u8(0x23).str(err.sqlState.padEnd(5, '0').slice(0, 5));
  return w.str(err.message, encoding);
}

/** Old-style EOF payload (clients without CLIENT_DEPRECATE_EOF). */
export function encodeEof(w: BufferWriter, status: number, warnings = 0): BufferWriter {
  return w.u8(Header.EOF).u16(warnings).u16(status);
}

/** The end-of-rows marker in the form the client negotiated. */
export function encodeEndOfRows(w: BufferWriter, caps: number, status: number, warnings = 0): BufferWriter {
  return caps & Cap.DEPRECATE_EOF ? encodeOk(w, { status, warnings }, Header.EOF) : encodeEof(w, status, warnings);
}

export function decodeOk(payload: Buffer): OkPacket {
  const r = new BufferReader(payload, 1);
  const affectedRows = r.lenenc();
  const lastInsertId = r.lenenc();
  const status = r.remaining >= 2 ? r.u16() : 0;
  const warnings = r.remaining >= 2 ? r.u16() : 0;
  let info = '';
  if (r.remaining > 0) info = r.lenencString();
  if (status & Status.SESSION_STATE_CHANGED && r.remaining > 0) return { affectedRows, lastInsertId, status, warnings, info, sessionState: Buffer.from(r.lenencBytes()) };
  return { affectedRows, lastInsertId, status, warnings, info };
}

export function decodeErr(payload: Buffer): ErrPacket {
  const r = new BufferReader(payload, 1);
  const errno = r.u16();
  let sqlState = 'HY000';
  if (r.remaining > 0 && payload[r.pos] === 0x23) {
    r.skip(1);
    sqlState = r.bytes(5).toString('latin1');
  }
  return { errno, sqlState, message: r.restString() };
}

/**
 * Reads the status flags and warning count of an end packet into `into` (no allocation): an OK, or
 * a short 0xfe packet, which is an old-style EOF unless the connection negotiated DEPRECATE_EOF
 * (then it is an OK with header 0xfe: warnings sit after the status, not before it).
 */
export function readEnd(payload: Buffer, deprecateEof: boolean, into: { status: number; warnings: number }): void {
  if (payload[0] === Header.EOF && payload.length < 9 && !deprecateEof) {
    into.warnings = payload.length >= 3 ? payload.readUInt16LE(1) : 0;
    into.status = payload.length >= 5 ? payload.readUInt16LE(3) : 0;
    return;
  }
  const r = new BufferReader(payload, 1);
  r.lenenc();
  r.lenenc();
  into.status = r.remaining >= 2 ? r.u16() : 0;
  into.warnings = r.remaining >= 2 ? r.u16() : 0;
}

/** A column of a result set that sluice builds itself. */
export interface ColumnDef {
  schema?: string;
  table?: string;
  orgTable?: string;
  name: string;
  orgName?: string;
  charset?: number;
  length?: number;
  type: ColumnType;
  flags?: number;
  decimals?: number;
}

export function encodeColumnDef(w: BufferWriter, c: ColumnDef): BufferWriter {
  w.lenencStr('def').lenencStr(c.schema ?? '').lenencStr(c.table ?? '').lenencStr(c.orgTable ?? c.table ?? '')
    .lenencStr(c.name).lenencStr(c.orgName ?? c.name)
    .u8(0x0c).u16(c.charset ?? Collation.UTF8MB4_GENERAL_CI).u32(c.length ?? 0).u8(c.type)
    .u16(c.flags ?? 0).u8(c.decimals ?? 0).u16(0);
  return w;
}

/** A decoded column definition (names as strings: used off the hot path only). */
export interface ColumnInfo extends Required<Omit<ColumnDef, 'orgTable' | 'orgName'>> {
  orgTable: string;
  orgName: string;
}

export function decodeColumnDef(payload: Buffer): ColumnInfo {
  const r = new BufferReader(payload);
  r.lenencBytes(); // catalog "def"
  const schema = r.lenencString();
  const table = r.lenencString();
  const orgTable = r.lenencString();
  const name = r.lenencString();
  const orgName = r.lenencString();
  r.lenenc(); // length of the fixed fields, 0x0c
  const charset = r.u16();
  const length = r.u32();
  const type = r.u8() as ColumnType;
  const flags = r.u16();
  const decimals = r.u8();
  return { schema, table, orgTable, name, orgName, charset, length, type, flags, decimals };
}

/** A text-protocol row: each value a length-encoded string, NULL as 0xfb. */
export function encodeTextRow(w: BufferWriter, values: readonly (string | Buffer | null)[]): BufferWriter {
  for (const v of values) {
    if (v === null) w.u8(0xfb);
    else if (typeof v === 'string') w.lenencStr(v);
    else w.lenencBytes(v);
  }
  return w;
}

/** Decodes a text row into strings (NULL -> null). Off the hot path: admin and tests. */
export function decodeTextRow(payload: Buffer, columns: number): (string | null)[] {
  const r = new BufferReader(payload);
  const out: (string | null)[] = [];
  for (let i = 0; i < columns; i++) {
    const n = r.lenencOrNull();
    out.push(n === null ? null : r.bytes(n).toString('utf8'));
  }
  return out;
}
