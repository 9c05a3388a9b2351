// Micro benchmarks of packet codecs: OK/ERR encoding (every write statement and error) and the
// connection phase (greeting and handshake response, both ways).
import { BufferWriter } from '../../src/protocol/buffer-writer';
import { framePayload } from '../../src/protocol/framing';
import { decodeErr, decodeOk, encodeErr, encodeOk } from '../../src/protocol/packets';
import { decodeGreeting, decodeHandshakeResponse, encodeGreeting, encodeHandshakeResponse } from '../../src/protocol/handshake';
import { Cap, Collation, SERVER_CAPABILITIES, Status } from '../../src/protocol/constants';
import type { MicroGroup } from './harness';

export function packetGroups(): MicroGroup[] {
  const w = new BufferWriter(256);
  const ok = { affectedRows: 1, lastInsertId: 42, status: Status.AUTOCOMMIT, warnings: 0, info: '' };
  const err = { errno: 1146, sqlState: '42S02', message: "Table 'shop.nope' doesn't exist" };
  const okPayload = Buffer.from(encodeOk(new BufferWriter(), ok).payload());
  const errPayload = Buffer.from(encodeErr(new BufferWriter(), err).payload());

  const greeting = {
    serverVersion: '10.11.6-MariaDB-sluice', connectionId: 1234, scramble: Buffer.alloc(20, 7),
    capabilities: SERVER_CAPABILITIES, collation: Collation.UTF8MB4_GENERAL_CI, status: Status.AUTOCOMMIT,
    authPlugin: 'mysql_native_password',
  };
  const response = {
    capabilities: Cap.PROTOCOL_41 | Cap.SECURE_CONNECTION | Cap.PLUGIN_AUTH | Cap.CONNECT_WITH_DB | Cap.DEPRECATE_EOF | Cap.CONNECT_ATTRS,
    maxPacketSize: 1 << 24, collation: Collation.UTF8MB4_GENERAL_CI, user: 'app', authResponse: Buffer.alloc(20, 9),
    database: 'shop', authPlugin: 'mysql_native_password', attributes: { _client_name: 'libmariadb', _os: 'Linux', _pid: '4242' },
  };
  const greetingPayload = Buffer.from(encodeGreeting(new BufferWriter(), greeting).payload());
  const responsePayload = Buffer.from(encodeHandshakeResponse(new BufferWriter(), response).payload());

  return [
    {
      name: 'OK/ERR packets: encode into a reused writer and frame in place; decode',
      tasks: {
        'encode OK (affected rows, insert id)': () => framePayload(w.buf, w.headerRoom, encodeOk(w.reset(), ok).pos, 1),
        'encode ERR 1146': () => framePayload(w.buf, w.headerRoom, encodeErr(w.reset(), err).pos, 1),
        'decode OK': () => decodeOk(okPayload),
        'decode ERR': () => decodeErr(errPayload),
      },
    },
    {
      name: 'handshake: greeting and handshake response',
      tasks: {
        'encode greeting': () => encodeGreeting(w.reset(), greeting).pos,
        'decode greeting': () => decodeGreeting(greetingPayload),
        'encode handshake response': () => encodeHandshakeResponse(w.reset(), response).pos,
        'decode handshake response (with attributes)': () => decodeHandshakeResponse(responsePayload),
      },
    },
  ];
}
