// A whole small text result set in one buffer: what sluice answers itself (SHOW DATABASES, SELECT
// DATABASE(), PREVIEW, SHOW GRANTS, ...). Every column is a VAR_STRING in utf8mb4; larger or
// streamed results go through respond/result-writer.ts instead.
import { BufferWriter } from './buffer-writer';
import { Cap, Collation, ColumnType } from './constants';
import { encodeColumnDef, encodeEndOfRows, encodeTextRow } from './packets';

/** The packets of a text result set (column count, definitions, [EOF], rows, end), sequence ids from `seq`. */
export function encodeTextResult(columns: string[], rows: (string | null)[][], caps: number, status: number, seq: number): Buffer {
  const w = new BufferWriter(256);
  const packets: Buffer[] = [];
  const push = () => {
    const len = w.pos - w.headerRoom;
    const p = Buffer.allocUnsafe(len + 4);
    p[0] = len & 0xff; p[1] = (len >>> 8) & 0xff; p[2] = len >>> 16; p[3] = seq++ & 0xff;
    w.buf.copy(p, 4, w.headerRoom, w.pos);
    packets.push(p);
    w.pos = w.headerRoom;
  };
  w.lenenc(columns.length); push();
  for (const c of columns) {
    encodeColumnDef(w, { name: c, type: ColumnType.VAR_STRING, length: 256 * 4, charset: Collation.UTF8MB4_GENERAL_CI });
    push();
  }
  if (!(caps & Cap.DEPRECATE_EOF)) { encodeEndOfRows(w, caps, status); push(); }
  for (const r of rows) { encodeTextRow(w, r); push(); }
  encodeEndOfRows(w, caps, status); push();
  return Buffer.concat(packets);
}
