// Packet framing: 3-byte little-endian payload length + 1-byte sequence id, then the payload.
// A payload of 0xffffff bytes or more is split; each full 0xffffff-byte part is followed by another
// packet, and a payload that is an exact multiple ends with an empty packet.
import { MAX_PACKET_PAYLOAD } from './constants';
import { SqlError, ErrorCode } from './errors';

/**
 * Called with each whole logical packet. The payload is a view valid only during the call; framed
 * is the same packet with its header (a view of the chunk) when it arrived whole in one chunk, so a
 * relay can pass it on without re-framing; null when it was reassembled.
 */
export type PacketHandler = (payload: Buffer, seq: number, framed: Buffer | null) => void;

/**
 * Reassembles logical packets from socket chunks. A packet that lies whole inside one chunk is
 * delivered as a view of that chunk (no copy); only a packet split across chunks, or one longer than
 * 16 MiB, is copied into an assembly buffer.
 *
 *   chunk:  [hdr|payload][hdr|pay   ...next chunk...  load][hdr|payload]
 *            view         copied into `partial` until whole  view
 */
export class PacketFramer {
  /** Header bytes of a packet whose header was cut by a chunk boundary. */
  private hdr = Buffer.alloc(4);
  private hdrHave = 0;
  /** Assembly buffer for a payload split across chunks or continuation packets. */
  private partial: Buffer | null = null;
  private partialHave = 0;
  /** Bytes of the current physical packet's payload still to come. */
  private want = 0;
  private inPacket = false;
  /** Length of the physical packet being read, and whether it continues a larger logical one. */
  private physLen = 0;
  private continuing = false;
  private seq = 0;
  /** Logical payloads above this size are a protocol error (ER_NET_PACKET_TOO_LARGE). */
  maxPayload: number;
  /** Set by stop(): push() returns at once, leaving the rest of the chunk in `leftover`. */
  private stopped = false;
  /** Bytes after the packet at which stop() was called (e.g. a TLS ClientHello after an SSLRequest). */
  leftover: Buffer | null = null;

  /** Called from the packet handler: hand the rest of the stream to someone else (TLS). */
  stop(): void {
    this.stopped = true;
  }

  constructor(private readonly onPacket: PacketHandler, maxPayload = 1 << 30) {
    this.maxPayload = maxPayload;
  }

  push(chunk: Buffer): void {
    let pos = 0;
    const len = chunk.length;
    while (pos < len) {
      if (!this.inPacket) {
        // Fast path: a whole header and a whole, unsplit payload in this chunk.
        if (this.hdrHave === 0 && !this.continuing && pos + 4 <= len) {
          const plen = chunk[pos] | (chunk[pos + 1] << 8) | (chunk[pos + 2] << 16);
          const seq = chunk[pos + 3];
          if (plen < MAX_PACKET_PAYLOAD && plen <= this.maxPayload && pos + 4 + plen <= len) {
            this.seq = seq;
            const start = pos;
            pos += 4 + plen;
            this.onPacket(chunk.subarray(pos - plen, pos), seq, chunk.subarray(start, pos));
            if (this.stopped) {
              this.leftover = chunk.subarray(pos);
              return;
            }
            continue;
          }
        }
        while (this.hdrHave < 4 && pos < len) this.hdr[this.hdrHave++] = chunk[pos++];
        if (this.hdrHave < 4) return;
        this.hdrHave = 0;
        this.physLen = this.hdr[0] | (this.hdr[1] << 8) | (this.hdr[2] << 16);
        this.seq = this.hdr[3];
        this.want = this.physLen;
        this.inPacket = true;
        this.beginPart();
      }
      const take = Math.min(this.want, len - pos);
      if (take > 0) {
        chunk.copy(this.partial!, this.partialHave, pos, pos + take);
        this.partialHave += take;
        this.want -= take;
        pos += take;
      }
      if (this.want > 0) return;
      this.inPacket = false;
      if (this.physLen === MAX_PACKET_PAYLOAD) {
        this.continuing = true; // the logical packet goes on in the next physical one
        continue;
      }
      this.continuing = false;
      const payload = this.partial!.subarray(0, this.partialHave);
      this.partial = null;
      this.partialHave = 0;
      this.onPacket(payload, this.seq, null);
      if (this.stopped) {
        this.leftover = chunk.subarray(pos);
        return;
      }
    }
  }

  /** Makes room in the assembly buffer for the physical packet that just started. */
  private beginPart(): void {
    const need = this.partialHave + this.physLen;
    if (need > this.maxPayload) {
      throw new SqlError(ErrorCode.ER_NET_PACKET_TOO_LARGE, 'Got a packet bigger than \'max_allowed_packet\' bytes', { fatal: true });
    }
    if (!this.partial) {
      this.partial = Buffer.allocUnsafe(this.physLen);
    } else if (this.partial.length < need) {
      const next = Buffer.allocUnsafe(need);
      this.partial.copy(next, 0, 0, this.partialHave);
      this.partial = next;
    }
  }

  /** True when no packet is half-read (a clean point to hand the stream to someone else). */
  get idle(): boolean {
    return !this.inPacket && this.hdrHave === 0 && !this.continuing;
  }
}

/** Writes a packet header into buf at off. */
export function writeHeader(buf: Buffer, off: number, len: number, seq: number): void {
  buf[off] = len & 0xff;
  buf[off + 1] = (len >>> 8) & 0xff;
  buf[off + 2] = (len >>> 16) & 0xff;
  buf[off + 3] = seq & 0xff;
}

/**
 * Frames a payload that has 4 bytes of free room in front of it (BufferWriter reserves them):
 * small payloads are framed in place with no copy. Returns the buffers to write, in order.
 */
export function framePayload(room: Buffer, payloadStart: number, payloadEnd: number, seq: number): Buffer[] {
  const len = payloadEnd - payloadStart;
  if (len < MAX_PACKET_PAYLOAD) {
    writeHeader(room, payloadStart - 4, len, seq);
    return [room.subarray(payloadStart - 4, payloadEnd)];
  }
  return frameLarge(room.subarray(payloadStart, payloadEnd), seq);
}

/** Frames any payload; large ones become several packets (headers are fresh 4-byte buffers). */
export function frame(payload: Buffer, seq: number): Buffer[] {
  if (payload.length < MAX_PACKET_PAYLOAD) {
    const out = Buffer.allocUnsafe(4 + payload.length);
    writeHeader(out, 0, payload.length, seq);
    payload.copy(out, 4);
    return [out];
  }
  return frameLarge(payload, seq);
}

function frameLarge(payload: Buffer, seq: number): Buffer[] {
  const out: Buffer[] = [];
  let off = 0;
  for (;;) {
    const n = Math.min(MAX_PACKET_PAYLOAD, payload.length - off);
    const h = Buffer.allocUnsafe(4);
    writeHeader(h, 0, n, seq++);
    out.push(h, payload.subarray(off, off + n));
    off += n;
    if (n < MAX_PACKET_PAYLOAD) return out;
  }
}

/** The sequence id that follows the packets of a payload of this length framed from seq. */
export function nextSeq(payloadLength: number, seq: number): number {
  return (seq + Math.floor(payloadLength / MAX_PACKET_PAYLOAD) + 1) & 0xff;
}

/** The payload of a framed packet (one packet, or several when it was 16 MiB or more); copies only then. */
export function unframe(framed: Buffer): Buffer {
  const first = framed[0] | (framed[1] << 8) | (framed[2] << 16);
  if (first < MAX_PACKET_PAYLOAD) return framed.subarray(4);
  const parts: Buffer[] = [];
  let pos = 0;
  for (;;) {
    const n = framed[pos] | (framed[pos + 1] << 8) | (framed[pos + 2] << 16);
    parts.push(framed.subarray(pos + 4, pos + 4 + n));
    pos += 4 + n;
    if (n < MAX_PACKET_PAYLOAD) return Buffer.concat(parts);
  }
}

/** A command packet (sequence id 0) whose argument is a latin1 byte string (one byte per char). */
export function frameCommand(com: number, arg: string): Buffer {
  const len = arg.length + 1;
  if (len >= MAX_PACKET_PAYLOAD) {
    const payload = Buffer.allocUnsafe(len);
    payload[0] = com;
    payload.write(arg, 1, 'latin1');
    return Buffer.concat(frame(payload, 0));
  }
  const b = Buffer.allocUnsafe(len + 4);
  writeHeader(b, 0, len, 0);
  b[4] = com;
  b.write(arg, 5, 'latin1');
  return b;
}
