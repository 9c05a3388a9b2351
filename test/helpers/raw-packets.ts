// Speaking packets by hand on an authenticated connection (commands the drivers do not expose).
import type { BackendConnection } from '../../src/backend/connection';
import { PacketFramer } from '../../src/protocol/framing';
import { packet } from '../protocol/helpers/wire';

export interface RawPackets {
  /** Payloads received so far (copied); take them with splice. */
  packets: Buffer[];
  /** The sequence id of every packet received, in order (a split one's last part), never taken. */
  seqs: number[];
  /** Sends one command packet (sequence id 0). */
  send(payload: Buffer): void;
  /** Sends command packets (each from sequence id 0, split when 16 MiB or more) in one write: pipelined. */
  sendTogether(payloads: Buffer[]): void;
  /** Resolves once pred() holds, re-checked as packets arrive. */
  until(pred: () => boolean): Promise<void>;
}

/** Takes over the connection's socket: from now on its packets land in `packets`. */
export function rawPackets(conn: BackendConnection): RawPackets {
  const packets: Buffer[] = [];
  const seqs: number[] = [];
  let wake: (() => void) | null = null;
  const framer = new PacketFramer((p, seq) => { packets.push(Buffer.from(p)); seqs.push(seq); wake?.(); });
  conn.takeOverReads((d) => framer.push(d));
  return {
    packets,
    seqs,
    send: (payload) => conn.socket.write(Buffer.concat([Buffer.from([payload.length & 0xff, payload.length >> 8, payload.length >> 16, 0]), payload])),
    sendTogether: (payloads) => conn.socket.write(Buffer.concat(payloads.map((p) => packet(p, 0)))),
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

/** One command's answer, as the payloads it took. */
export type Answer = { kind: 'ok' | 'err' | 'rows'; packets: Buffer[] };

/**
 * Takes the next answer off the start of `packets`, for commands without DEPRECATE_EOF
 * (BackendConnection's profile 0): OK, ERR, a result set (column count, definitions, EOF, rows,
 * EOF or ERR), or with `prepare` a PREPARE_OK and its definitions. Null until it has fully arrived.
 */
export function takeAnswer(packets: Buffer[], prepare = false): Answer | null {
  if (packets.length === 0) return null;
  const first = packets[0];
  if (prepare && first[0] === 0x00) {
    const columns = first.readUInt16LE(5);
    const params = first.readUInt16LE(7);
    const n = 1 + params + (params > 0 ? 1 : 0) + columns + (columns > 0 ? 1 : 0);
    return packets.length >= n ? { kind: 'ok', packets: packets.splice(0, n) } : null;
  }
  if (first[0] === 0x00 || first[0] === 0xff) return { kind: first[0] === 0 ? 'ok' : 'err', packets: packets.splice(0, 1) };
  const columns = first[0]; // fewer than 251 columns in these tests
  let i = 1 + columns + 1;
  for (; i < packets.length; i++) if (isEnd(packets[i]) || packets[i][0] === 0xff) return { kind: 'rows', packets: packets.splice(0, i + 1) };
  return null;
}

/** Waits for the next answer on raw (a PREPARE_OK and its definitions with `prepare`) and takes it. */
export async function nextAnswer(raw: RawPackets, prepare = false): Promise<Answer> {
  let a: Answer | null = null;
  await raw.until(() => (a = takeAnswer(raw.packets, prepare)) !== null);
  return a!;
}

/** The text rows of a result set answer (lenenc strings, NULL as null; values under 251 bytes). */
export function textRows(a: Answer): (string | null)[][] {
  const columns = a.packets[0][0];
  return a.packets.slice(2 + columns, -1).map((p) => {
    const row: (string | null)[] = [];
    for (let pos = 0; pos < p.length;) {
      if (p[pos] === 0xfb) { row.push(null); pos++; continue; }
      row.push(p.toString('utf8', pos + 1, pos + 1 + p[pos]));
      pos += 1 + p[pos];
    }
    return row;
  });
}
