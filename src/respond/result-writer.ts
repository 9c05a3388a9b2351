// Writes a result that sluice assembles itself (merged shard results, local answers) to the client:
// column count, definitions, [EOF], rows, end marker — numbering sequence ids and coalescing the
// packets of one event-loop turn into few socket writes.
import type * as net from 'node:net';
import { BufferWriter } from '../protocol/buffer-writer';
import { Cap, MAX_PACKET_PAYLOAD, ColumnType, Collation, Status } from '../protocol/constants';
import { textRowToBinary } from '../protocol/binary-values';
import { encodeColumnDef, encodeEndOfRows, encodeOk, encodeErr, type ColumnDef, type OkPacket } from '../protocol/packets';
import { SqlError, ErrorCode } from '../protocol/errors';
import { writeHeader } from '../protocol/framing';

const FLUSH_AT = 64 * 1024;
/**
 * The first output buffer's size; each next one is 4x larger up to FLUSH_AT. Most answers are a
 * few hundred bytes (a point select, an OK): a 64 KiB buffer for each was the largest allocation
 * of a sharded prepared execute and made the GC a fifth of its CPU.
 */
const FIRST_BUFFER = 1024;
const NO_BUFFER = Buffer.alloc(0);
/** Bytes queued in the client socket beyond which producers should pause until it drains. */
const HIGH_WATER = 1024 * 1024;

export class ResultWriter {
  /** Next sequence id (the response to a command starts at 1). */
  seq = 1;
  /** Packets not yet handed to the socket: out[0, len). Allocated when the first packet comes. */
  private out: Buffer = NO_BUFFER;
  private nextSize = FIRST_BUFFER;
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

  /**
   * PREPARE_OK with sluice's statement id, then the parameter and column definition packets: the
   * backend's as given (packets), or made here (`?` parameters, then columnDefs).
   */
  prepareOk(id: number, columns: number, params: number, packets: readonly Buffer[], columnDefs: readonly ColumnDef[] = []): void {
    this.payload(this.w.reset().u8(0).u32(id).u16(columns).u16(params).u8(0).u16(0));
    if (packets.length > 0) {
      for (const p of packets) this.packet(p, 0, p.length);
    } else {
      const eof = !(this.caps & Cap.DEPRECATE_EOF);
      for (let i = 0; i < params; i++) this.payload(encodeColumnDef(this.w.reset(), { name: '?', type: ColumnType.VAR_STRING, charset: Collation.BINARY }));
      if (params > 0 && eof) this.payload(encodeEndOfRows(this.w.reset(), 0, 0));
      for (const d of columnDefs) this.payload(encodeColumnDef(this.w.reset(), d));
      if (columnDefs.length > 0 && eof) this.payload(encodeEndOfRows(this.w.reset(), 0, 0));
    }
    this.flush();
  }

  /** Column count and definitions (and the EOF that old clients expect after them). */
  columns(defs: readonly ColumnDef[], status: number): void {
    this.defs = defs;
    this.payload(this.w.reset().lenenc(defs.length));
    for (const d of defs) this.payload(encodeColumnDef(this.w.reset(), d));
    const cursor = this.cursor ? Status.CURSOR_EXISTS : 0;
    if (!(this.caps & Cap.DEPRECATE_EOF)) this.payload(encodeEndOfRows(this.w.reset(), 0, status | cursor));
  }

  /**
   * Rows kept for COM_STMT_FETCH instead of sent: an execute that asked for a cursor gets the
   * metadata and an end marker with SERVER_STATUS_CURSOR_EXISTS, as MariaDB answers it.
   */
  cursor: Buffer[] | null = null;
  /** Bytes kept in `cursor`, and the most it may keep (the query's memory share). */
  cursorBytes = 0;
  cursorLimit = Infinity;

  /** One result row, given in the text protocol as buf[start, end) (copied into the output buffer). */
  row(buf: Buffer, start = 0, end = buf.length): void {
    if (!this.binary && this.cursor === null) {
      this.packet(buf, start, end);
      return;
    }
    let payload = start === 0 && end === buf.length ? buf : buf.subarray(start, end);
    if (this.binary && this.defs.length > 0) payload = textRowToBinary(payload, this.defs, this.rowWriter.reset()).payload();
    if (this.cursor) {
      this.cursorBytes += payload.length;
      if (this.cursorBytes > this.cursorLimit) {
        this.cursor = null;
        throw new SqlError(ErrorCode.ER_OUT_OF_RESOURCES, 'Out of resources: the rows of this cursor exceed maxQueryMemoryMB; fetch without a cursor, narrow the query, or raise maxQueryMemoryMB');
      }
      this.cursor.push(Buffer.from(payload));
      return;
    }
    this.packet(payload, 0, payload.length);
  }

  /** One packet payload, buf[start, end), framed with the next sequence id (copied into the output buffer). */
  private packet(buf: Buffer, start: number, end: number): void {
    const length = end - start;
    if (length >= MAX_PACKET_PAYLOAD) {
      this.flush();
      // The socket keeps what it is given until written, and a binary row's bytes are in a reused
      // writer: the parts go as copies.
      let off = start;
      for (;;) {
        const n = Math.min(MAX_PACKET_PAYLOAD, end - off);
        const h = Buffer.allocUnsafe(4);
        writeHeader(h, 0, n, this.seq++);
        this.send(h);
        this.send(Buffer.from(buf.subarray(off, off + n)));
        off += n;
        if (n < MAX_PACKET_PAYLOAD) return;
      }
    }
    this.reserve(length + 4);
    writeHeader(this.out, this.len, length, this.seq++);
    buf.copy(this.out, this.len + 4, start, end);
    this.len += length + 4;
    this.schedule();
  }

  /** End of rows. */
  end(status: number, warnings = 0): void {
    // With a cursor the end marker came after the metadata already (unless DEPRECATE_EOF).
    if (!this.cursor) this.payload(encodeEndOfRows(this.w.reset(), this.caps, status, warnings));
    else if (this.caps & Cap.DEPRECATE_EOF) this.payload(encodeEndOfRows(this.w.reset(), this.caps, status | Status.CURSOR_EXISTS, warnings));
    this.flush();
  }

  /** COM_STMT_FETCH from kept rows: up to n rows, then an end marker saying whether more remain. */
  fetch(rows: Buffer[], from: number, n: number, status: number): number {
    const to = Math.min(rows.length, from + n);
    for (let i = from; i < to; i++) this.packet(rows[i], 0, rows[i].length);
    const more = to < rows.length;
    this.payload(encodeEndOfRows(this.w.reset(), this.caps, status | (more ? Status.CURSOR_EXISTS : Status.LAST_ROW_SENT)));
    this.flush();
    return to;
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
    const p = w.payload();
    this.packet(p, 0, p.length);
  }

  private reserve(n: number): void {
    if (this.len + n <= this.out.length) return;
    this.flush();
    this.out = Buffer.allocUnsafe(Math.max(n, this.nextSize));
    if (this.nextSize < FLUSH_AT) this.nextSize = Math.min(this.nextSize * 4, FLUSH_AT);
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
    // The socket keeps a reference to what it was given: the next packet starts a fresh buffer.
    this.out = NO_BUFFER;
    this.len = 0;
    return this.send(chunk);
  }

  private send(b: Buffer): boolean {
    this.written += b.length;
    return this.socket.write(b);
  }
}
