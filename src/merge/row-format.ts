// How the merger reads and writes one result row. Strategies only ever touch values through a
// RowFormat, so the binary protocol (prepared statements) can be added as a second format later
// without changing them.
import type { ColumnDef } from '../protocol/packets';
import { comparatorFor } from './compare';
import type { ValueComparator } from './value-comparator';

/** A value to write into an output row: bytes or text as they go on the wire, or SQL NULL. */
export type OutValue = Buffer | string | null;

/**
 * One row encoding. Values are located as byte ranges inside the row payload: locate() fills
 * offs[2i] with the start of value i (-1 for NULL) and offs[2i+1] with the offset just past it
 * (past the 0xfb marker for NULL), so offs[2i+1] of the last kept column is where a prefix of the
 * row ends.
 */
export interface RowFormat {
  locate(row: Buffer, count: number, offs: Int32Array): void;
  /** locate() for the row held in buf[start, end): offsets are positions in buf. */
  locateAt(buf: Buffer, start: number, end: number, count: number, offs: Int32Array): void;
  /** How values of this column compare and hash in this format. */
  comparator(col: ColumnDef): ValueComparator;
  /** A value as MySQL's text form (what the text protocol would carry), for aggregates and HAVING. */
  text(row: Buffer, start: number, end: number): string;
  encode(values: readonly OutValue[]): Buffer;
}

/** Text-protocol rows (COM_QUERY): each value a length-encoded string, NULL as 0xfb. */
export const TEXT_ROWS: RowFormat = {
  locate(row, count, offs) {
    this.locateAt(row, 0, row.length, count, offs);
  },
  locateAt(row, start, end, count, offs) {
    let p = start;
    for (let i = 0, j = 0; i < count; i++, j += 2) {
      const first = row[p];
      let n: number;
      if (first < 0xfb) {
        n = first;
        p += 1;
      } else if (first === 0xfb) {
        offs[j] = -1;
        offs[j + 1] = ++p;
        continue;
      } else if (first === 0xfc) {
        n = row[p + 1] | (row[p + 2] << 8);
        p += 3;
      } else if (first === 0xfd) {
        n = row[p + 1] | (row[p + 2] << 8) | (row[p + 3] << 16);
        p += 4;
      } else {
        n = row.readUInt32LE(p + 1) + row.readUInt32LE(p + 5) * 0x100000000;
        p += 9;
      }
      if (p + n > end || first === 0xff) throw new Error(`BUG: malformed text row (value ${i} runs past the payload)`);
      offs[j] = p;
      offs[j + 1] = p += n;
    }
  },
  comparator: comparatorFor,
  text(row, start, end) {
    return row.toString('utf8', start, end);
  },
  encode(values) {
    let size = 0;
    for (const v of values) {
      if (v === null) size += 1;
      else {
        const n = typeof v === 'string' ? Buffer.byteLength(v) : v.length;
        size += lenencSize(n) + n;
      }
    }
    const out = Buffer.allocUnsafe(size);
    let p = 0;
    for (const v of values) {
      if (v === null) {
        out[p++] = 0xfb;
        continue;
      }
      const n = typeof v === 'string' ? Buffer.byteLength(v) : v.length;
      p = writeLenenc(out, p, n);
      if (typeof v === 'string') out.write(v, p, n, 'utf8');
      else v.copy(out, p);
      p += n;
    }
    if (p !== size) throw new Error(`BUG: text row length ${p} != computed ${size}`);
    return out;
  },
};

function lenencSize(n: number): number {
  return n < 0xfb ? 1 : n < 0x10000 ? 3 : n < 0x1000000 ? 4 : 9;
}

function writeLenenc(out: Buffer, p: number, n: number): number {
  if (n < 0xfb) {
    out[p] = n;
    return p + 1;
  }
  if (n < 0x10000) {
    out[p] = 0xfc;
    out.writeUInt16LE(n, p + 1);
    return p + 3;
  }
  if (n < 0x1000000) {
    out[p] = 0xfd;
    out.writeUIntLE(n, p + 1, 3);
    return p + 4;
  }
  out[p] = 0xfe;
  out.writeUInt32LE(n % 0x100000000, p + 1);
  out.writeUInt32LE(Math.floor(n / 0x100000000), p + 5);
  return p + 9;
}
