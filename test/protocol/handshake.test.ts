import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import net from 'node:net';
import { once } from 'node:events';
import { BufferWriter } from '../../src/protocol/buffer-writer';
import {
  encodeGreeting, decodeGreeting, decodeHandshakeResponse, encodeHandshakeResponse, isSslRequest,
  encodeAuthSwitch, decodeAuthSwitch, encodeAuthMoreData, type Greeting, type HandshakeResponse,
} from '../../src/protocol/handshake';
import { nativeToken } from '../../src/protocol/auth';
import { Cap } from '../../src/protocol/constants';
import { startMariaDB, type MariaDBInstance } from '../../scripts/sandbox';
import { collationInfo } from '../../src/protocol/collations';
import { cat, int1, int2, int4, lenInt, lenStr, nulStr, packet, readFrames } from './helpers/wire';

const SCRAMBLE = Buffer.from('3b55\x22\x5c7h%jQ.rT=oY|s\x7f', 'latin1');

/** A HandshakeV10 as MariaDB 10.11 sends it (laid out from the protocol documentation). */
function mariadbGreeting(scramble: Buffer, plugin = 'mysql_native_password'): Buffer {
  return cat(
    [10], nulStr('5.5.5-10.11.6-MariaDB-0+deb12u1'), int4(0x1234),
    scramble.subarray(0, 8), [0],
    int2(0xf7fe), // capabilities, lower half (MariaDB clears CLIENT_MYSQL, bit 0)
    [45], int2(0x0002), // utf8mb4_general_ci, SERVER_STATUS_AUTOCOMMIT
    int2(0x81ff), // capabilities, upper half
    [21], // auth-plugin-data length: 20 + NUL
    [0, 0, 0, 0, 0, 0], int4(0x1d), // filler, then MariaDB's extended capabilities
    scramble.subarray(8), [0],
    nulStr(plugin),
  );
}

test('greeting: decode of a MariaDB 10.11-shaped greeting built by hand', () => {
  const g = decodeGreeting(mariadbGreeting(SCRAMBLE));
  assert.deepEqual(g, {
    serverVersion: '5.5.5-10.11.6-MariaDB-0+deb12u1', connectionId: 0x1234, scramble: SCRAMBLE,
    capabilities: (0x81ff << 16 | 0xf7fe) >>> 0, collation: 45, status: 2, authPlugin: 'mysql_native_password',
  });
  assert.equal(decodeGreeting(mariadbGreeting(SCRAMBLE, 'caching_sha2_password')).authPlugin, 'caching_sha2_password');
});

test('greeting: encode matches the hand-built layout and round-trips (incl. the top capability bit)', () => {
  const g: Greeting = {
    serverVersion: '5.5.5-10.11.6-MariaDB-0+deb12u1', connectionId: 0x1234, scramble: SCRAMBLE,
    capabilities: (0x81ff << 16 | 0xf7fe) >>> 0, collation: 45, status: 2, authPlugin: 'mysql_native_password',
  };
  const bytes = encodeGreeting(new BufferWriter(), g).payload();
  // Same as MariaDB's except for the 4 extended-capability bytes we leave zero.
  const expected = mariadbGreeting(SCRAMBLE);
  expected.writeUInt32LE(0, expected.indexOf(SCRAMBLE.subarray(8)) - 4);
  assert.deepEqual(bytes, expected);
  assert.deepEqual(decodeGreeting(bytes), g);
  const g2: Greeting = { ...g, serverVersion: '8.0.36-sluice', connectionId: 0xffffffff, capabilities: 0xffffffff, collation: 255, status: 0x4000, authPlugin: 'caching_sha2_password' };
  assert.deepEqual(decodeGreeting(encodeGreeting(new BufferWriter(), g2).payload()), g2);
});

test('greeting: old servers (no PLUGIN_AUTH) default to mysql_native_password; protocol 9 is refused', () => {
  const old = cat([10], nulStr('5.0.96'), int4(7), SCRAMBLE.subarray(0, 8), [0], int2(Cap.PROTOCOL_41 | Cap.SECURE_CONNECTION),
    [8], int2(2), int2(0), [0], Buffer.alloc(10), SCRAMBLE.subarray(8), [0]);
  const g = decodeGreeting(old);
  assert.equal(g.authPlugin, 'mysql_native_password');
  assert.deepEqual(g.scramble, SCRAMBLE);
  assert.throws(() => decodeGreeting(cat([9], nulStr('3.23'))), /protocol version 9/);
});

/** HandshakeResponse41 built by hand from the documented layout. */
function response(h: { caps: number; user: string; auth: Buffer; db?: string; plugin?: string; attrs?: [string, string][] }): Buffer {
  const parts: Buffer[] = [int4(h.caps), int4(16 << 20), int1(45), Buffer.alloc(23), nulStr(h.user)];
  if (h.caps & Cap.PLUGIN_AUTH_LENENC_DATA) parts.push(lenStr(h.auth));
  else if (h.caps & Cap.SECURE_CONNECTION) parts.push(int1(h.auth.length), h.auth);
  else parts.push(h.auth, Buffer.from([0]));
  if (h.caps & Cap.CONNECT_WITH_DB) parts.push(nulStr(h.db ?? ''));
  if (h.caps & Cap.PLUGIN_AUTH) parts.push(nulStr(h.plugin ?? ''));
  if (h.caps & Cap.CONNECT_ATTRS) {
    const kv = cat(...(h.attrs ?? []).flatMap(([k, v]) => [lenStr(k), lenStr(v)]));
    parts.push(lenInt(kv.length), kv);
  }
  return cat(...parts);
}

const BASE = Cap.PROTOCOL_41 | Cap.LONG_PASSWORD | Cap.TRANSACTIONS | Cap.MULTI_RESULTS;
const TOKEN = Buffer.from('0123456789abcdefghij', 'latin1');

test('handshake response: every combination of CONNECT_WITH_DB, PLUGIN_AUTH(_LENENC_DATA), CONNECT_ATTRS', () => {
  const attrs: [string, string][] = [['_client_name', 'libmariadb'], ['_pid', '4242'], ['program_name', 'mariadb']];
  for (const withDb of [false, true]) {
    for (const auth of [Cap.SECURE_CONNECTION, Cap.SECURE_CONNECTION | Cap.PLUGIN_AUTH_LENENC_DATA]) {
      for (const plugin of [0, Cap.PLUGIN_AUTH]) {
        for (const withAttrs of [false, true]) {
          const caps = BASE | auth | plugin | (withDb ? Cap.CONNECT_WITH_DB : 0) | (withAttrs ? Cap.CONNECT_ATTRS : 0);
          const bytes = response({ caps, user: 'app', auth: TOKEN, db: 'shop', plugin: 'mysql_native_password', attrs });
          const expected: HandshakeResponse = {
            capabilities: caps, maxPacketSize: 16 << 20, collation: 45, user: 'app', authResponse: TOKEN,
            database: withDb ? 'shop' : null, authPlugin: plugin ? 'mysql_native_password' : null,
            attributes: withAttrs ? Object.fromEntries(attrs) : {},
          };
          const name = `db=${withDb} lenenc=${!!(auth & Cap.PLUGIN_AUTH_LENENC_DATA)} plugin=${!!plugin} attrs=${withAttrs}`;
          assert.deepEqual(decodeHandshakeResponse(bytes), expected, name);
          assert.deepEqual(encodeHandshakeResponse(new BufferWriter(), expected).payload(), bytes, `encode ${name}`);
        }
      }
    }
  }
});

test('handshake response: empty password, empty database, a 300-byte lenenc auth response, pre-4.1 auth', () => {
  const caps = BASE | Cap.SECURE_CONNECTION | Cap.PLUGIN_AUTH | Cap.CONNECT_WITH_DB;
  const r = decodeHandshakeResponse(response({ caps, user: 'root', auth: Buffer.alloc(0), db: '', plugin: 'mysql_native_password' }));
  assert.equal(r.authResponse.length, 0);
  assert.equal(r.database, null, 'an empty database name means none');
  assert.equal(r.authPlugin, 'mysql_native_password');
  const big = Buffer.alloc(300, 7); // e.g. an RSA-encrypted password passed in the response
  const lenenc = decodeHandshakeResponse(response({ caps: BASE | Cap.SECURE_CONNECTION | Cap.PLUGIN_AUTH_LENENC_DATA, user: 'u', auth: big }));
  assert.deepEqual(lenenc.authResponse, big);
  const nul = decodeHandshakeResponse(response({ caps: BASE, user: 'u', auth: Buffer.from('oldpw'), db: 'x' }));
  assert.deepEqual(nul.authResponse, Buffer.from('oldpw'));
  assert.throws(() => decodeHandshakeResponse(response({ caps: Cap.LONG_PASSWORD, user: 'u', auth: TOKEN })), /4\.1/);
});

test('handshake response: connection attributes longer than 250 bytes (3-byte length prefix) keep their last pair', () => {
  const caps = BASE | Cap.SECURE_CONNECTION | Cap.PLUGIN_AUTH | Cap.CONNECT_ATTRS;
  const attrs: [string, string][] = [['_os', 'Linux'], ['_platform', 'x86_64'], ['long', 'v'.repeat(260)], ['a', '']];
  const r = decodeHandshakeResponse(response({ caps, user: 'app', auth: TOKEN, plugin: 'mysql_native_password', attrs }));
  assert.deepEqual(r.attributes, Object.fromEntries(attrs));
});

test('SSLRequest is recognised by its 32-byte length and the SSL capability', () => {
  const ssl = cat(int4(BASE | Cap.SECURE_CONNECTION | Cap.SSL), int4(16 << 20), [45], Buffer.alloc(23));
  assert.equal(ssl.length, 32);
  assert.ok(isSslRequest(ssl));
  assert.equal(isSslRequest(cat(int4(BASE | Cap.SECURE_CONNECTION), int4(16 << 20), [45], Buffer.alloc(23))), false, 'no SSL flag');
  // A full response from a client that supports SSL but did not ask for it first is longer.
  assert.equal(isSslRequest(response({ caps: BASE | Cap.SECURE_CONNECTION | Cap.SSL, user: 'app', auth: TOKEN })), false);
});

test('auth switch and auth more data', () => {
  const sw = encodeAuthSwitch(new BufferWriter(), 'mysql_native_password', SCRAMBLE).payload();
  assert.deepEqual(sw, cat([0xfe], nulStr('mysql_native_password'), SCRAMBLE, [0]));
  assert.deepEqual(decodeAuthSwitch(sw), { plugin: 'mysql_native_password', data: SCRAMBLE });
  assert.deepEqual(decodeAuthSwitch(cat([0xfe], nulStr('caching_sha2_password'), SCRAMBLE)), { plugin: 'caching_sha2_password', data: SCRAMBLE });
  assert.deepEqual(encodeAuthMoreData(new BufferWriter(), [0x03]).payload(), Buffer.from([0x01, 0x03]));
  assert.deepEqual(encodeAuthMoreData(new BufferWriter(), Buffer.from('-----BEGIN')).payload(), cat([1], '-----BEGIN'));
});

/** Reads whole packets off a socket until `count` logical packets have arrived. */
async function readPackets(socket: net.Socket, have: Buffer[], count: number): Promise<ReturnType<typeof readFrames>> {
  for (;;) {
    const all = Buffer.concat(have);
    try {
      const frames = readFrames(all);
      if (frames.length >= count) return frames;
    } catch { /* a packet is still incomplete */ }
    const [chunk] = (await once(socket, 'data')) as [Buffer];
    have.push(chunk);
  }
}

let db: MariaDBInstance;
before(async () => { db = await startMariaDB(); });
after(() => db?.stop());

test('greeting and login against a real MariaDB 10.11 sandbox', async (t) => {
  const socket = net.connect(db.port, '127.0.0.1');
  t.after(() => socket.destroy());
  const have: Buffer[] = [];
  const [first] = await readPackets(socket, have, 1);
  assert.deepEqual(first.seqs, [0]);
  const raw = first.payload;
  const g = decodeGreeting(raw);
  assert.equal(raw[0], 10, 'protocol 10');
  assert.match(g.serverVersion, /MariaDB/);
  assert.match(g.serverVersion, /10\.11\./);
  assert.equal(raw.subarray(1, raw.indexOf(0, 1)).toString(), g.serverVersion);
  assert.equal(g.connectionId, raw.readUInt32LE(1 + g.serverVersion.length + 1));
  assert.equal(g.scramble.length, 20);
  assert.equal(g.scramble.indexOf(0), -1, 'no NUL inside the scramble');
  assert.equal(g.authPlugin, 'mysql_native_password');
  assert.equal(g.collation, 45, 'the sandbox runs utf8mb4_general_ci');
  for (const cap of [Cap.PROTOCOL_41, Cap.SECURE_CONNECTION, Cap.PLUGIN_AUTH, Cap.CONNECT_WITH_DB, Cap.PLUGIN_AUTH_LENENC_DATA]) {
    assert.ok(g.capabilities & cap, `capability 0x${cap.toString(16)}`);
  }
  assert.deepEqual(raw.subarray(raw.length - 22), nulStr('mysql_native_password'));

  // Log in with our response and token: the server must accept it.
  const caps = BASE | Cap.SECURE_CONNECTION | Cap.PLUGIN_AUTH | Cap.PLUGIN_AUTH_LENENC_DATA | Cap.CONNECT_ATTRS | Cap.CONNECT_WITH_DB;
  const hr = encodeHandshakeResponse(new BufferWriter(), {
    capabilities: caps, maxPacketSize: 16 << 20, collation: 45, user: db.user, authResponse: nativeToken(db.password, g.scramble),
    database: 'mysql', authPlugin: 'mysql_native_password', attributes: { _client_name: 'sluice-test' },
  }).payload();
  socket.write(packet(hr, 1));
  const frames = await readPackets(socket, have, 2);
  assert.deepEqual(frames[1].seqs, [2]);
  assert.equal(frames[1].payload[0], 0x00, `OK expected, got ${frames[1].payload.subarray(3).toString()}`);
});

test('collation ids map to the names and charsets MariaDB itself reports', async () => {
  const ids = [5, 8, 11, 28, 33, 45, 46, 47, 48, 63, 83, 192, 224, 246];
  const out = await db.sql(`SELECT ID, COLLATION_NAME, CHARACTER_SET_NAME FROM information_schema.COLLATIONS WHERE ID IN (${ids.join(',')}) ORDER BY ID`);
  const rows = out.trim().split('\n').map((l) => l.split('\t'));
  assert.deepEqual(rows.map((r) => Number(r[0])), ids);
  for (const [id, name, charset] of rows) {
    assert.deepEqual(collationInfo(Number(id)), { charset, name }, `collation ${id}`);
  }
  // MySQL 8's utf8mb4_0900_ai_ci (255) is not a MariaDB id: it maps to the nearest MariaDB collation.
  assert.deepEqual(collationInfo(255), { charset: 'utf8mb4', name: 'utf8mb4_general_ci' });
  assert.equal(collationInfo(9999), null);
});
