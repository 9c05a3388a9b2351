// Finds the end of a backend's response in the raw byte stream without decoding rows, so the bytes
// can be relayed to the client as they arrive. Only the few packets that decide the structure
// (the first packet, end-of-rows markers, ERR) are copied out and read; rows are skipped by length.
//
//   Result:  first -> OK | ERR | LOCAL_INFILE | column-count
//            column-count -> N column defs [EOF] -> rows ... (OK-as-EOF | EOF | ERR)
//            an end packet with MORE_RESULTS_EXISTS starts the next result ("first" again)
import { MAX_PACKET_PAYLOAD, Header, Status } from './constants';
import { BufferReader } from './buffer-reader';
import { readEnd } from './packets';

/** What shape of response a command produces. */
export const enum ResponseKind {
  /** COM_QUERY, COM_STMT_EXECUTE: result sets, OK or ERR, possibly several. */
  Result,
  /** One OK or ERR packet (COM_PING, COM_INIT_DB, COM_RESET_CONNECTION, ...). */
  Simple,
  /** COM_FIELD_LIST: column definitions until EOF, or ERR. */
  FieldList,
  /** COM_STATISTICS: one plain string packet. */
  Statistics,
  /** COM_STMT_PREPARE: PREPARE_OK, then parameter and column definitions. */
  Prepare,
  /** COM_STMT_FETCH: binary rows of an open cursor, then EOF (CURSOR_EXISTS or LAST_ROW_SENT), or ERR. */
  Fetch,
}

const enum St {
  First,
  Columns,
  ColumnsEof,
  Rows,
  SkipN, // skip `count` packets then finish (prepare metadata)
  FieldList,
  Done,
}

/**
 * One scanner per backend connection, reused for every command. State survives across chunks.
 * After scan() returns an offset >= 0 the response is complete and these describe its end:
 * `status` (server status of the last OK/EOF), `err` (the ERR payload) and `ok` (the last OK
 * payload; for PREPARE the PREPARE_OK). err/ok/infile are views of the last chunk when the packet
 * lay whole in it: read them before the connection's next read (a sink's end() runs in time); copy
 * to keep them.
 */
export class ResponseScanner {
  private deprecateEof = false;
  private kind: ResponseKind = ResponseKind.Result;
  private st: St = St.Done;
  private count = 0;
  private hdr = Buffer.alloc(4);
  private hdrHave = 0;
  /** Bytes of the current packet still to pass. */
  private left = 0;
  /** Current packet's length, while its first byte has not been seen yet (-1 otherwise). */
  private pendingLen = -1;
  private inPacket = false;
  /** Previous physical packet was 0xffffff long: the current one continues it. */
  private continuation = false;
  /** Copy of the current packet when it must be read whole. */
  private held: Buffer | null = null;
  /** `held` is a view of the chunk (the packet lay whole in it) rather than a copy. */
  private heldIsView = false;
  private heldHave = 0;

  status = 0;
  warnings = 0;
  err: Buffer | null = null;
  ok: Buffer | null = null;
  /** The server asked the client for a LOCAL INFILE (payload copied: 0xfb + file name). */
  infile: Buffer | null = null;
  /** Number of result sets (with columns) seen in this response. */
  resultSets = 0;

  begin(kind: ResponseKind, deprecateEof: boolean): void {
    this.kind = kind;
    this.deprecateEof = deprecateEof;
    this.st = kind === ResponseKind.FieldList ? St.FieldList : kind === ResponseKind.Fetch ? St.Rows : St.First;
    this.hdrHave = 0;
    this.left = 0;
    this.pendingLen = -1;
    this.inPacket = false;
    this.continuation = false;
    this.held = null;
    this.status = 0;
    this.warnings = 0;
    this.err = null;
    this.ok = null;
    this.infile = null;
    this.resultSets = 0;
  }

  get done(): boolean {
    return this.st === St.Done;
  }

  /** Scans the next chunk. Returns the offset just past the response's last byte, or -1 if more is to come. */
  scan(chunk: Buffer, start = 0): number {
    let pos = start;
    const len = chunk.length;
    while (pos < len) {
      if (!this.inPacket) {
        if (this.hdrHave === 0 && pos + 4 <= len) {
          this.pendingLen = chunk[pos] | (chunk[pos + 1] << 8) | (chunk[pos + 2] << 16);
          pos += 4;
        } else {
          while (this.hdrHave < 4 && pos < len) this.hdr[this.hdrHave++] = chunk[pos++];
          if (this.hdrHave < 4) return -1;
          this.hdrHave = 0;
          this.pendingLen = this.hdr[0] | (this.hdr[1] << 8) | (this.hdr[2] << 16);
        }
        this.inPacket = true;
      }
      if (this.pendingLen >= 0) {
        const plen = this.pendingLen;
        if (plen > 0 && pos >= len) return -1; // first byte not here yet
        this.pendingLen = -1;
        this.left = plen;
        this.held = null;
        this.heldIsView = false;
        if (!this.continuation && this.mustRead(plen === 0 ? -1 : chunk[pos], plen)) {
          if (pos + plen <= len) {
            // Whole in this chunk: a view, no copy (read before scan() returns, see `ok`/`err`).
            this.held = chunk.subarray(pos, pos + plen);
            this.heldIsView = true;
          } else {
            this.held = Buffer.allocUnsafe(plen);
          }
          this.heldHave = 0;
        }
        this.continuation = plen === MAX_PACKET_PAYLOAD;
      }
      const take = Math.min(this.left, len - pos);
      if (this.held && !this.heldIsView) {
        chunk.copy(this.held, this.heldHave, pos, pos + take);
        this.heldHave += take;
      }
      pos += take;
      this.left -= take;
      if (this.left > 0) return -1;
      this.inPacket = false;
      if (this.continuation) continue; // a >16 MiB packet goes on; its parts count as one
      this.packetEnd();
      if (this.st === St.Done) return pos;
    }
    return -1;
  }

  /** Whether the packet starting with byte `first` (-1: empty) must be copied and read. */
  private mustRead(first: number, plen: number): boolean {
    switch (this.st) {
      case St.First:
      case St.ColumnsEof: // read: with CURSOR_EXISTS it ends an execute that opened a cursor
        return true;
      case St.Rows:
        return first === Header.ERR || (first === Header.EOF && plen < (this.deprecateEof ? MAX_PACKET_PAYLOAD : 9));
      case St.FieldList:
        return first === Header.ERR || (first === Header.EOF && plen < MAX_PACKET_PAYLOAD);
      default:
        return false;
    }
  }

  private packetEnd(): void {
    const p = this.held;
    this.held = null;
    switch (this.st) {
      case St.First: {
        if (!p || p.length === 0) return this.finish();
        if (this.kind === ResponseKind.Statistics) return this.finish();
        const h = p[0];
        if (h === Header.ERR) {
          this.err = p;
          return this.finish();
        }
        if (this.kind === ResponseKind.Prepare && h === Header.OK) {
          this.ok = p;
          // PREPARE_OK: 0x00, stmt id u32, columns u16, params u16, filler, warnings u16
          const cols = p.readUInt16LE(5), params = p.readUInt16LE(7);
          const eofs = this.deprecateEof ? 0 : (cols > 0 ? 1 : 0) + (params > 0 ? 1 : 0);
          this.count = cols + params + eofs;
          if (this.count === 0) return this.finish();
          this.st = St.SkipN;
          return;
        }
        if (h === Header.OK || (h === Header.EOF && this.kind === ResponseKind.Simple)) return this.endPacket(p);
        if (h === Header.LOCAL_INFILE && this.kind === ResponseKind.Result) {
          this.infile = p;
          return this.finish();
        }
        if (this.kind !== ResponseKind.Result) return this.finish();
        this.count = new BufferReader(p).lenenc();
        this.resultSets++;
        this.st = St.Columns;
        return;
      }
      case St.Columns:
        if (--this.count === 0) this.st = this.deprecateEof ? St.Rows : St.ColumnsEof;
        return;
      case St.ColumnsEof:
        // An execute that opened a cursor answers with the metadata only: this EOF ends it.
        if (p && p.length >= 5 && p.readUInt16LE(3) & Status.CURSOR_EXISTS) return this.endPacket(p);
        this.st = St.Rows;
        return;
      case St.Rows:
      case St.FieldList:
        if (!p) return; // a row (or a column definition)
        if (p[0] === Header.ERR) {
          this.err = p;
          return this.finish();
        }
        return this.endPacket(p);
      case St.SkipN:
        if (--this.count === 0) this.finish();
        return;
    }
  }

  /** An OK or EOF ends a result; with MORE_RESULTS_EXISTS another one follows. */
  private endPacket(p: Buffer): void {
    this.ok = p;
    readEnd(p, this.deprecateEof, this);
    if (this.status & Status.MORE_RESULTS_EXISTS && this.kind === ResponseKind.Result) {
      this.st = St.First;
      return;
    }
    this.finish();
  }

  private finish(): void {
    this.st = St.Done;
  }
}
