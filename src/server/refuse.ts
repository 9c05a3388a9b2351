// Main's only protocol output: the ERR packet that refuses a connection before any handshake, as
// MySQL does for "Too many connections". Sent on the paused socket main still owns, then closed.
import type net from 'node:net';

/** ER_CON_COUNT_ERROR (mysqld_error.h). */
export const ER_CON_COUNT_ERROR = 1040;

/**
 * An ERR packet with sequence id 0 and no SQLSTATE marker (no capabilities are negotiated yet):
 *   [len:3 LE][seq:1] 0xff [errno:2 LE] message
 */
export function preHandshakeErr(errno: number, message: string): Buffer {
  const text = Buffer.from(message, 'utf8');
  const len = 3 + text.length;
  const packet = Buffer.allocUnsafe(4 + len);
  packet.writeUIntLE(len, 0, 3);
  packet[3] = 0;
  packet[4] = 0xff;
  packet.writeUInt16LE(errno, 5);
  text.copy(packet, 7);
  return packet;
}

const TOO_MANY = preHandshakeErr(ER_CON_COUNT_ERROR, 'Too many connections');

/** Answer ERR 1040 and close. The client has sent nothing yet (the server speaks first). */
export function refuseTooMany(socket: net.Socket): void {
  socket.on('error', () => {});
  socket.end(TOO_MANY, () => socket.destroy());
}
