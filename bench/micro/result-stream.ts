// Wire bytes of a MariaDB-like text result set, and a cutter that splits a byte stream into the
// chunks a socket would deliver. Shared by the micro benchmarks and bench/replay.ts.
import { BufferWriter } from '../../src/protocol/buffer-writer';
import { frame } from '../../src/protocol/framing';
import { encodeColumnDef, encodeEndOfRows, encodeTextRow, type ColumnDef } from '../../src/protocol/packets';
import { Cap, ColumnType, Collation, Status } from '../../src/protocol/constants';

/** sysbench's sbtest table: id INT, k INT, c CHAR(120), pad CHAR(60). */
export const SBTEST_COLUMNS: ColumnDef[] = [
  { schema: 'sbtest', table: 'sbtest1', name: 'id', type: ColumnType.LONG, charset: Collation.BINARY, length: 11, flags: 0, decimals: 0 },
  { schema: 'sbtest', table: 'sbtest1', name: 'k', type: ColumnType.LONG, charset: Collation.BINARY, length: 11, flags: 0, decimals: 0 },
  { schema: 'sbtest', table: 'sbtest1', name: 'c', type: ColumnType.STRING, charset: Collation.UTF8MB4_GENERAL_CI, length: 480, flags: 0, decimals: 0 },
  { schema: 'sbtest', table: 'sbtest1', name: 'pad', type: ColumnType.STRING, charset: Collation.UTF8MB4_GENERAL_CI, length: 240, flags: 0, decimals: 0 },
];

function digits(n: number, len: number): string {
  let s = '';
  for (let i = 0; s.length < len; i++) s += String((n * 7919 + i * 104729) % 100000000000).padStart(11, '0') + '-';
  return s.slice(0, len);
}

/** The values of sbtest row `id`, shaped like sysbench's (groups of 11 digits joined by '-'). */
export function sbtestRow(id: number): string[] {
  return [String(id), String((id * 2654435761) % 1000000), digits(id, 119), digits(id + 1, 59)];
}

/** The framed response to a query returning `rows` sbtest rows (DEPRECATE_EOF: OK-as-EOF at the end). */
export function sbtestResult(rows: number): Buffer {
  const parts: Buffer[] = [];
  let seq = 1;
  const push = (w: BufferWriter) => {
    for (const b of frame(w.payload(), seq)) parts.push(Buffer.from(b));
    seq = (seq + 1) & 0xff;
  };
  push(new BufferWriter(8).lenenc(SBTEST_COLUMNS.length));
  for (const c of SBTEST_COLUMNS) push(encodeColumnDef(new BufferWriter(), c));
  for (let i = 1; i <= rows; i++) push(encodeTextRow(new BufferWriter(), sbtestRow(i)));
  push(encodeEndOfRows(new BufferWriter(), Cap.DEPRECATE_EOF, Status.AUTOCOMMIT));
  return Buffer.concat(parts);
}

/** Splits `stream` into views of `size` bytes (the last one shorter): what a socket delivers. */
export function cut(stream: Buffer, size: number): Buffer[] {
  const chunks: Buffer[] = [];
  for (let off = 0; off < stream.length; off += size) chunks.push(stream.subarray(off, Math.min(off + size, stream.length)));
  return chunks;
}
