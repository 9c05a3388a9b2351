// Speaking packets by hand on an authenticated connection (commands the drivers do not expose).
import type { BackendConnection } from '../../src/backend/connection';
import { PacketFramer } from '../../src/protocol/framing';

export interface RawPackets {
  /** Payloads received so far (copied); take them with splice. */
  packets: Buffer[];
  /** Sends one command packet (sequence id 0). */
  send(payload: Buffer): void;
  /** Resolves once pred() holds, re-checked as packets arrive. */
  until(pred: () => boolean): Promise<void>;
}

/** Takes over the connection's socket: from now on its packets land in `packets`. */
export function rawPackets(conn: BackendConnection): RawPackets {
  const packets: Buffer[] = [];
  let wake: (() => void) | null = null;
  const framer = new PacketFramer((p) => { packets.push(Buffer.from(p)); wake?.(); });
  conn.takeOverReads((d) => framer.push(d));
  return {
    packets,
    send: (payload) => conn.socket.write(Buffer.concat([Buffer.from([payload.length & 0xff, payload.length >> 8, payload.length >> 16, 0]), payload])),
    async until(pred) {
      while (!pred()) await new Promise<void>((r) => { wake = r; });
    },
  };
}

/** An end-of-rows packet (EOF, or OK with 0xfe under DEPRECATE_EOF). */
export const isEnd = (p: Buffer) => p[0] === 0xfe && p.length < 9;

/** COM_STMT_EXECUTE without parameters; flags 0x01 opens a read-only cursor. */
export function executePacket(stmtId: number, flags: number): Buffer {
  const b = Buffer.from([0x17, 0, 0, 0, 0, flags, 1, 0, 0, 0]);
  b.writeUInt32LE(stmtId, 1);
  return b;
}

/** COM_STMT_FETCH of n rows. */
export function fetchPacket(stmtId: number, rows: number): Buffer {
  const b = Buffer.from([0x1c, 0, 0, 0, 0, 0, 0, 0, 0]);
  b.writeUInt32LE(stmtId, 1);
  b.writeUInt32LE(rows, 5);
  return b;
}
