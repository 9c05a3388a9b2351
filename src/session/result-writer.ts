// Writes a result that sluice assembles itself (merged shard results, local answers) to the client:
// column count, definitions, [EOF], rows, end marker — numbering sequence ids and coalescing the
// packets of one event-loop turn into few socket writes.
import type * as net from 'node:net';
import { BufferWriter } from '../protocol/buffer-writer';
import { Cap, MAX_PACKET_PAYLOAD, ColumnType, Collation } from '../protocol/constants';
import { textRowToBinary } from '../protocol/binary-values';
import { encodeColumnDef, encodeEndOfRows, encodeOk, encodeErr, type ColumnDef, type OkPacket } from '../protocol/packets';
import type { SqlError } from '../protocol/errors';
import { writeHeader } from '../protocol/framing';

const FLUSH_AT = 64 * 1024;
/** Bytes queued in the client socket beyond which producers should pause until it drains. */
const HIGH_WATER = 1024 * 1024;

export class ResultWriter {
  /** Next sequence id (the response to a command starts at 1). */
  seq = 1;
  private out: Buffer = Buffer.allocUnsafe(FLUSH_AT);
  private len = 0;
  private scheduled = false;
  private readonly w = new BufferWriter(256);
  /** Bytes handed to the socket (for the bytes-out counter). */
  written = 0;

  /** Column definitions of the result being written (binary rows are encoded by them). */
  private defs: readonly ColumnDef[] = [];
  private readonly rowWriter = new BufferWriter(256);

  /** binary: rows are given as text-protocol rows and sent as binary-protocol rows (an execute's result). */
  constructor(private readonly socket: net.Socket, private readonly caps: number, private readonly binary = false) {}

  /** PREPARE_OK with sluice's statement id, then the parameter and column definition packets. */
  prepareOk(id: number, columns: number, params: number, packets: readonly Buffer[]): void {
    this.payload(this.w.reset().u8(0).u32(id).u16(columns).u16(params).u8(0).u16(0));
    if (packets.length > 0) {
      for (const p of packets) this.packet(p);
    } else {
      for (let i = 0; i < params; i++) this.payload(encodeColumnDef(this.w.reset(), { name: '?', type: ColumnType.VAR_STRING, charset: Collation.BINARY }));
      if (params > 0 && !(this.caps & Cap.DEPRECATE_EOF)) this.payload(encodeEndOfRows(this.w.reset(), 0, 0));
    }
    this.flush();
  }

  /** Column count and definitions (and the EOF that old clients expect after them). */
  columns(defs: readonly ColumnDef[], status: number): void {
    this.defs = defs;
    this.payload(this.w.reset().lenenc(defs.length));
    for (const d of defs) this.payload(encodeColumnDef(this.w.reset(), d));
    if (!(this.caps & Cap.DEPRECATE_EOF)) this.payload(encodeEndOfRows(this.w.reset(), 0, status));
  }

  /** One result row, given in the text protocol (copied into the output buffer). */
  row(payload: Buffer): void {
    if (this.binary && this.defs.length > 0) payload = textRowToBinary(payload, this.defs, this.rowWriter.reset()).payload();
    this.packet(payload);
  }

  /** One packet payload, framed with the next sequence id (copied into the output buffer). */
  private packet(payload: Buffer): void {
    if (payload.length >= MAX_PACKET_PAYLOAD) {
      this.flush();
      let off = 0;
      for (;;) {
        const n = Math.min(MAX_PACKET_PAYLOAD, payload.length - off);
        const h = Buffer.allocUnsafe(4);
        writeHeader(h, 0, n, this.seq++);
        this.send(h);
        this.send(payload.subarray(off, off + n));
        off += n;
        if (n < MAX_PACKET_PAYLOAD) return;
      }
    }
    this.reserve(payload.length + 4);
    writeHeader(this.out, this.len, payload.length, this.seq++);
    payload.copy(this.out, this.len + 4);
    this.len += payload.length + 4;
    this.schedule();
  }

  /** End of rows. */
  end(status: number, warnings = 0): void {
    this.payload(encodeEndOfRows(this.w.reset(), this.caps, status, warnings));
    this.flush();
  }

  ok(ok: Partial<OkPacket>): void {
    this.payload(encodeOk(this.w.reset(), ok));
    this.flush();
  }

  error(err: SqlError): void {
    this.payload(encodeErr(this.w.reset(), err));
    this.flush();
  }

  private payload(w: BufferWriter): void {
    this.packet(w.payload());
  }

  private reserve(n: number): void {
    if (this.len + n <= this.out.length) return;
    this.flush();
    if (n > this.out.length) this.out = Buffer.allocUnsafe(n);
  }

  private schedule(): void {
    if (this.scheduled) return;
    this.scheduled = true;
    setImmediate(() => {
      this.scheduled = false;
      this.flush();
    });
  }

  /** The client socket has more than HIGH_WATER bytes queued: producers should wait for whenDrained(). */
  get congested(): boolean {
    return this.socket.writableLength > HIGH_WATER;
  }

  /** Calls fn once the client socket has drained (at once if it is not congested). */
  whenDrained(fn: () => void): void {
    if (!this.congested) return fn();
    this.socket.once('drain', fn);
  }

  /** Hands the buffered packets to the socket. Returns false if the socket's buffer is full. */
  flush(): boolean {
    if (this.len === 0) return true;
    const chunk = this.out.subarray(0, this.len);
    // The socket keeps a reference to what it was given: start a fresh buffer.
    this.out = Buffer.allocUnsafe(FLUSH_AT);
    this.len = 0;
    return this.send(chunk);
  }

  private send(b: Buffer): boolean {
    this.written += b.length;
    return this.socket.write(b);
  }
}
