// Connection phase packets: HandshakeV10 (server greeting), HandshakeResponse41 (client reply),
// SSLRequest, AuthSwitchRequest and AuthMoreData.
import { BufferReader } from './buffer-reader';
import { BufferWriter } from './buffer-writer';
import { Cap } from './constants';

export interface Greeting {
  serverVersion: string;
  connectionId: number;
  /** 20 bytes of scramble (auth-plugin-data parts 1 and 2, without the trailing NUL). */
  scramble: Buffer;
  capabilities: number;
  collation: number;
  status: number;
  authPlugin: string;
}

export function encodeGreeting(w: BufferWriter, g: Greeting): BufferWriter {
  w.u8(10).nulStr(g.serverVersion).u32(g.connectionId)
    .bytes(g.scramble.subarray(0, 8)).u8(0)
    .u16(g.capabilities & 0xffff).u8(g.collation).u16(g.status).u16(g.capabilities >>> 16)
    .u8(g.scramble.length + 1).zeros(10)
    .bytes(g.scramble.subarray(8)).u8(0)
    .nulStr(g.authPlugin);
  return w;
}

export function decodeGreeting(payload: Buffer): Greeting {
  const r = new BufferReader(payload);
  const protocol = r.u8();
  if (protocol !== 10) throw new Error(`unsupported handshake protocol version ${protocol}`);
  const serverVersion = r.nulString();
  const connectionId = r.u32();
  const part1 = r.bytes(8);
  r.skip(1);
  let capabilities = r.u16();
  const collation = r.remaining ? r.u8() : 0;
  const status = r.remaining >= 2 ? r.u16() : 0;
  capabilities |= (r.remaining >= 2 ? r.u16() : 0) << 16;
  const authLen = r.remaining ? r.u8() : 0;
  r.skip(Math.min(10, r.remaining));
  let part2: Buffer = Buffer.alloc(0);
  if (capabilities & Cap.SECURE_CONNECTION) {
    const n = Math.max(13, authLen - 8);
    part2 = r.bytes(Math.min(n, r.remaining));
    if (part2[part2.length - 1] === 0) part2 = part2.subarray(0, part2.length - 1);
  }
  const authPlugin = capabilities & Cap.PLUGIN_AUTH && r.remaining ? r.nulString() : 'mysql_native_password';
  return { serverVersion, connectionId, scramble: Buffer.concat([part1, part2]), capabilities: capabilities >>> 0, collation, status, authPlugin };
}

export interface HandshakeResponse {
  capabilities: number;
  maxPacketSize: number;
  collation: number;
  user: string;
  authResponse: Buffer;
  database: string | null;
  authPlugin: string | null;
  attributes: Record<string, string>;
}

/** True if this client payload is an SSLRequest (the short form of the response, before TLS). */
export function isSslRequest(payload: Buffer): boolean {
  return payload.length === 32 && (payload.readUInt32LE(0) & Cap.SSL) !== 0;
}

export function decodeHandshakeResponse(payload: Buffer): HandshakeResponse {
  const r = new BufferReader(payload);
  const capabilities = r.u32();
  if (!(capabilities & Cap.PROTOCOL_41)) throw new Error('client does not speak protocol 4.1');
  const maxPacketSize = r.u32();
  const collation = r.u8();
  r.skip(23);
  const user = r.nulString();
  let authResponse: Buffer;
  if (capabilities & Cap.PLUGIN_AUTH_LENENC_DATA) authResponse = r.lenencBytes();
  else if (capabilities & Cap.SECURE_CONNECTION) authResponse = r.bytes(r.u8());
  else authResponse = r.nulBytes();
  const database = capabilities & Cap.CONNECT_WITH_DB && r.remaining ? r.nulString() : null;
  const authPlugin = capabilities & Cap.PLUGIN_AUTH && r.remaining ? r.nulString() : null;
  const attributes: Record<string, string> = {};
  if (capabilities & Cap.CONNECT_ATTRS && r.remaining) {
    const attrsLength = r.lenenc(); // read first: the attributes start after this prefix
    const end = r.pos + attrsLength;
    while (r.pos < end && r.remaining) attributes[r.lenencString()] = r.lenencString();
  }
  return { capabilities: capabilities >>> 0, maxPacketSize, collation, user, authResponse: Buffer.from(authResponse), database: database || null, authPlugin, attributes };
}

export function encodeHandshakeResponse(w: BufferWriter, h: HandshakeResponse): BufferWriter {
  w.u32(h.capabilities).u32(h.maxPacketSize).u8(h.collation).zeros(23).nulStr(h.user);
  if (h.capabilities & Cap.PLUGIN_AUTH_LENENC_DATA) w.lenencBytes(h.authResponse);
  else w.u8(h.authResponse.length).bytes(h.authResponse);
  if (h.capabilities & Cap.CONNECT_WITH_DB) w.nulStr(h.database ?? '');
  if (h.capabilities & Cap.PLUGIN_AUTH) w.nulStr(h.authPlugin ?? 'mysql_native_password');
  if (h.capabilities & Cap.CONNECT_ATTRS) {
    const attrs = new BufferWriter(64, 0);
    for (const [k, v] of Object.entries(h.attributes)) attrs.lenencStr(k).lenencStr(v);
    w.lenencBytes(attrs.payload());
  }
  return w;
}

/** AuthSwitchRequest: 0xfe, plugin name, plugin data (scramble + NUL). */
export function encodeAuthSwitch(w: BufferWriter, plugin: string, scramble: Buffer): BufferWriter {
  return w.u8(0xfe).nulStr(plugin).bytes(scramble).u8(0);
}

export function decodeAuthSwitch(payload: Buffer): { plugin: string; data: Buffer } {
  const r = new BufferReader(payload, 1);
  const plugin = r.nulString();
  let data = r.rest();
  if (data.length && data[data.length - 1] === 0) data = data.subarray(0, data.length - 1);
  return { plugin, data: Buffer.from(data) };
}

/** AuthMoreData: 0x01 then plugin-specific bytes. */
export function encodeAuthMoreData(w: BufferWriter, data: Buffer | number[]): BufferWriter {
  return w.u8(0x01).bytes(Buffer.from(data));
}

/**
 * COM_CHANGE_USER: 0x11, user, auth response (u8-prefixed under SECURE_CONNECTION), database,
 * then optionally the collation (u16), the auth plugin name and connection attributes. Read into a
 * HandshakeResponse so the same authentication applies.
 */
export function decodeChangeUser(payload: Buffer, capabilities: number): HandshakeResponse {
  const r = new BufferReader(payload, 1);
  const user = r.nulString();
  const authResponse = Buffer.from(capabilities & Cap.SECURE_CONNECTION ? r.bytes(r.u8()) : r.nulBytes());
  const database = r.remaining ? r.nulString() : '';
  const collation = r.remaining >= 2 ? r.u16() : 0;
  const authPlugin = capabilities & Cap.PLUGIN_AUTH && r.remaining ? r.nulString() : null;
  const attributes: Record<string, string> = {};
  if (capabilities & Cap.CONNECT_ATTRS && r.remaining) {
    const total = r.lenenc();
    const end = r.pos + total;
    while (r.pos < end && r.remaining) attributes[r.lenencString()] = r.lenencString();
  }
  return { capabilities, maxPacketSize: 0, collation, user, authResponse, database: database || null, authPlugin, attributes };
}
