// Packet framing: 3-byte little-endian payload length + 1-byte sequence id, then the payload.
// A payload of 0xffffff bytes or more is split; each full 0xffffff-byte part is followed by another
// packet, and a payload that is an exact multiple ends with an empty packet.
import { MAX_PACKET_PAYLOAD } from './constants';
import { SqlError, ErrorCode } from './errors';
import type { Slab, SlabPool } from '../memory/slab-pool';

/**
 * Called with each whole logical packet. The payload is a view valid only during the call; framed
 * is the same packet with its header (a view of the chunk) when it arrived whole in one chunk, so a
 * relay can pass it on without re-framing; null when it was reassembled. A reassembled payload may
 * lie in a slab of the global buffer pool that is reused as soon as the call returns: code that
 * keeps it (or a view of it) must copy it.
 */
export type PacketHandler = (payload: Buffer, seq: number, framed: Buffer | null) => void;

/**
 * Packets as byte ranges, for a consumer that should not pay for a Buffer object per packet (the
 * rows of a merge): the payload is buf[start, end). inChunk: buf is the socket chunk the packet
 * arrived in (what the owner's reads hand out); false: buf is assembly memory, valid only during
 * the call, as for PacketHandler.
 */
export type RangeHandler = (buf: Buffer, start: number, end: number, seq: number, inChunk: boolean) => void;

/** The global buffer pool (bufferPoolMB) packets are assembled in, and the most one packet may take (maxQueryMemoryMB). */
export interface PacketMemory {
  readonly pool: SlabPool;
  /** The largest logical payload assembled; a larger one is refused. */
  readonly shareBytes: number;
}

/**
 * Where a framer assembles split and large packets: slabs of the global buffer pool instead of fresh
 * heap buffers, within a share per packet. Given by the owner of the socket.
 */
export interface FramerBudget extends PacketMemory {
  /** The error push() throws for a logical payload of `bytes`, over shareBytes. */
  tooLarge(bytes: number): Error;
  /**
   * The pool has no room for the packet being assembled: stop reading the socket (true). The framer
   * keeps what it was given, and says false once it has caught up after the pool made room.
   */
  stall(stalled: boolean): void;
  /** An error while catching up after a stall, where push() cannot throw it: the stream is broken. */
  fail(err: Error): void;
}

const EMPTY = Buffer.alloc(0);

/**
 * Reassembles logical packets from socket chunks. A packet that lies whole inside one chunk is
 * delivered as a view of that chunk (no copy, no pool); only a packet split across chunks, or one
 * longer than 16 MiB, is copied into an assembly buffer: a slab of the budget's pool when the framer
 * has a budget (released right after the packet's handler returns), else a heap buffer.
 *
 *   chunk:  [hdr|payload][hdr|pay   ...next chunk...  load][hdr|payload]
 *            view         copied into `partial` until whole  view
 *
 * When the pool has no room, the framer stalls: it keeps the rest of the chunk (and any chunk pushed
 * meanwhile), asks its owner to stop reading, waits for the pool, then goes on with the kept bytes.
 */
export class PacketFramer {
  /** Header bytes of a packet whose header was cut by a chunk boundary. */
  private hdr = Buffer.alloc(4);
  private hdrHave = 0;
  /** Assembly buffer for a payload split across chunks or continuation packets (slab.buffer when pooled). */
  private partial: Buffer | null = null;
  private partialHave = 0;
  /** The pool slab `partial` lies in; released once its packet was handled. */
  private slab: Slab | null = null;
  /** Bytes of the current physical packet's payload still to come. */
  private want = 0;
  private inPacket = false;
  /** Length of the physical packet being read, and whether it continues a larger logical one. */
  private physLen = 0;
  private continuing = false;
  private seq = 0;
  /** Logical payloads above this size are a protocol error (ER_NET_PACKET_TOO_LARGE). */
  maxPayload: number;
  /** While set, packets go here as ranges instead of to the PacketHandler (switchable between packets). */
  rangeHandler: RangeHandler | null = null;
  /** Set by stop(): push() returns at once, leaving the rest of the chunk in `leftover`. */
  private stopped = false;
  /** Bytes after the packet at which stop() was called (e.g. a TLS ClientHello after an SSLRequest). */
  leftover: Buffer | null = null;
  /** Set while waiting for pool memory: chunks go to `backlog` (in order) until the wait is served. */
  private stalled = false;
  private backlog: Buffer[] = [];
  /** The pending pool wait and its time limit, while stalled. */
  private cancelWait: (() => void) | null = null;
  private waitTimer: NodeJS.Timeout | null = null;
  /** Set by dispose(): chunks are dropped, nothing more is framed. */
  private disposed = false;

  /** How long a stalled framer waits for pool memory before it fails the stream (ER_OUT_OF_RESOURCES). */
  static waitLimitMs = 10_000;

  /** Called from the packet handler: hand the rest of the stream to someone else (TLS). */
  stop(): void {
    this.stopped = true;
  }

  constructor(private readonly onPacket: PacketHandler, maxPayload = 1 << 30, private readonly budget: FramerBudget | null = null) {
    this.maxPayload = maxPayload;
  }

  push(chunk: Buffer): void {
    if (this.stalled) {
      if (!this.disposed) this.backlog.push(chunk);
      return;
    }
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
            const ranges = this.rangeHandler;
            if (ranges !== null) ranges(chunk, pos - plen, pos, seq, true);
            else this.onPacket(chunk.subarray(pos - plen, pos), seq, chunk.subarray(start, pos));
            if (this.stopped) {
              this.leftover = chunk.subarray(pos);
              return;
            }
            continue;
          }
        }
        while (this.hdrHave < 4 && pos < len) this.hdr[this.hdrHave++] = chunk[pos++];
        if (this.hdrHave < 4 || this.disposed) return; // disposed by a handler: take no more slabs
        this.hdrHave = 0;
        this.physLen = this.hdr[0] | (this.hdr[1] << 8) | (this.hdr[2] << 16);
        this.seq = this.hdr[3];
        this.want = this.physLen;
        this.inPacket = true;
        if (!this.beginPart()) return this.stall(chunk.subarray(pos));
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
      const assembled = this.partial!;
      const have = this.partialHave;
      const slab = this.slab;
      this.partial = null;
      this.slab = null;
      this.partialHave = 0;
      try {
        const ranges = this.rangeHandler;
        if (ranges !== null) ranges(assembled, 0, have, this.seq, false);
        else this.onPacket(assembled.subarray(0, have), this.seq, null);
      } finally {
        slab?.release(); // the payload was valid only during the call
      }
      if (this.stopped) {
        this.leftover = chunk.subarray(pos);
        return;
      }
    }
  }

  /**
   * Makes room in the assembly buffer for the physical packet that just started. False when the
   * pool has no room now (the caller stalls).
   */
  private beginPart(): boolean {
    const need = this.partialHave + this.physLen;
    if (need > this.maxPayload) {
      throw new SqlError(ErrorCode.ER_NET_PACKET_TOO_LARGE, 'Got a packet bigger than \'max_allowed_packet\' bytes', { fatal: true });
    }
    const budget = this.budget;
    if (budget === null) {
      if (!this.partial) {
        this.partial = Buffer.allocUnsafe(this.physLen);
      } else if (this.partial.length < need) {
        const next = Buffer.allocUnsafe(need);
        this.partial.copy(next, 0, 0, this.partialHave);
        this.partial = next;
      }
      return true;
    }
    if (need > budget.shareBytes) {
      budget.pool.countRefusal();
      throw budget.tooLarge(need);
    }
    if (this.partial !== null && this.partial.length >= need) return true;
    if (need === 0) {
      this.partial = EMPTY; // an empty packet split after its header: nothing to hold
      return true;
    }
    if (this.slab !== null && this.slab.buffer.length + need > budget.pool.maxBytes) {
      // What is held and what is needed never fit the pool together: hold the bytes so far on the
      // heap while the larger slab is found (a packet near the whole pool's size; rare).
      this.partial = Buffer.from(this.partial!.subarray(0, this.partialHave));
      this.slab.release();
      this.slab = null;
    }
    // A 16 MiB part that another follows: ask for twice what is held (up to the share), so a large
    // packet is copied a logarithmic number of times; its final size is known only at its end.
    const grow = this.physLen === MAX_PACKET_PAYLOAD ? Math.min(Math.max(need, 2 * (this.partial?.length ?? 0)), budget.shareBytes) : need;
    const slab = (grow > need ? budget.pool.tryAllocate(grow) : null) ?? budget.pool.tryAllocate(need);
    if (slab === null) return false;
    this.adopt(slab);
    return true;
  }

  /** Moves the bytes assembled so far into `slab`, which becomes the assembly buffer. */
  private adopt(slab: Slab): void {
    if (this.partial !== null && this.partialHave > 0) this.partial.copy(slab.buffer, 0, 0, this.partialHave);
    this.slab?.release();
    this.slab = slab;
    this.partial = slab.buffer;
  }

  /**
   * The pool has no room for the packet whose header was just read: keep `rest` (the chunk after
   * the header), tell the owner to stop reading, and wait for the pool.
   */
  private stall(rest: Buffer): void {
    const budget = this.budget!;
    this.stalled = true;
    if (rest.length > 0) this.backlog.unshift(rest); // before anything pushed while stalled
    const need = this.partialHave + this.physLen;
    budget.pool.countStall();
    budget.stall(true);
    this.waitTimer = setTimeout(() => {
      this.dispose();
      budget.fail(new SqlError(ErrorCode.ER_OUT_OF_RESOURCES,
        `Out of resources: sluice's buffer pool (bufferPoolMB) stayed full for ${PacketFramer.waitLimitMs} ms while a ` +
        `${need}-byte packet waited to be assembled; retry later, or raise bufferPoolMB`, { fatal: true }));
    }, PacketFramer.waitLimitMs);
    this.cancelWait = budget.pool.waitFor(need, (slab) => {
      this.cancelWait = null;
      clearTimeout(this.waitTimer!);
      this.waitTimer = null;
      this.adopt(slab);
      // Possibly served before waitFor returned (another thread freed meanwhile): go on from a
      // fresh stack either way, after the caller's push() has returned.
      setImmediate(() => this.catchUp());
    });
  }

  /** After a stall: frame the kept chunks, then let the owner read again (unless stalled again). */
  private catchUp(): void {
    const budget = this.budget!;
    if (this.disposed) return;
    this.stalled = false;
    try {
      while (this.backlog.length > 0 && !this.stalled && !this.stopped) this.push(this.backlog.shift()!);
    } catch (e) {
      this.dispose();
      return budget.fail(e as Error);
    }
    if (this.stopped) {
      // The handler handed the stream on: what was kept after that packet is the new owner's.
      if (this.backlog.length > 0) this.leftover = Buffer.concat([this.leftover ?? EMPTY, ...this.backlog]);
      this.backlog = [];
      return;
    }
    if (!this.stalled) budget.stall(false);
  }

  /**
   * The stream ended (the socket closed, or the owner gave up on it): give back a slab held for a
   * half-read packet and stop waiting for the pool. The framer frames nothing more.
   */
  dispose(): void {
    this.cancelWait?.();
    this.cancelWait = null;
    if (this.waitTimer !== null) clearTimeout(this.waitTimer);
    this.waitTimer = null;
    this.slab?.release();
    this.slab = null;
    this.partial = null;
    this.backlog = [];
    this.disposed = true;
    this.stalled = true; // push() drops what comes later
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

/**
 * Frames the concatenation of `parts` as one payload into a single buffer, as several packets with
 * consecutive sequence ids when it is 0xffffff bytes or more; each byte is copied once.
 */
export function frameParts(parts: readonly Buffer[], seq: number): Buffer {
  let rest = 0;
  for (const p of parts) rest += p.length;
  const out = Buffer.allocUnsafe(rest + 4 * (Math.floor(rest / MAX_PACKET_PAYLOAD) + 1));
  let pos = 0;
  let room = 0; // payload bytes still to write into the current packet
  const startPacket = () => {
    room = Math.min(MAX_PACKET_PAYLOAD, rest);
    rest -= room;
    writeHeader(out, pos, room, seq++);
    pos += 4;
  };
  startPacket();
  for (const p of parts) {
    for (let off = 0; off < p.length;) {
      if (room === 0) startPacket();
      const n = Math.min(room, p.length - off);
      p.copy(out, pos, off, off + n);
      pos += n;
      off += n;
      room -= n;
    }
  }
  if (pos < out.length) startPacket(); // an exact multiple of 0xffffff ends with an empty packet
  return out;
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
