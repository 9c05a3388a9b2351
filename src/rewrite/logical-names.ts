// Physical names back to logical ones in what the shards say. A backend's error message names the
// partition's database (`shop_0`) and, for a table split inside each partition, the physical table
// (`users_1`); a client of the sharded schema should read `shop` and `users`, the names it wrote.
// The mapping is built once per schema; it runs only on errors.
import type { ShardedSchema } from '../config/types';
import { BufferWriter } from '../protocol/buffer-writer';
import { Header } from '../protocol/constants';
import { writeHeader } from '../protocol/framing';
import { encodeErr, type ColumnDef } from '../protocol/packets';
import { SqlError } from '../protocol/errors';

/**
 * A run of identifier characters (MySQL's unquoted ones: ASCII letters, digits, `$`, `_` and
 * U+0080 on, which also covers UTF-8 bytes read as latin1), taken whole: a physical name is replaced
 * only where it is the entire identifier (`users_1`, `` `users_1` ``, `shop_0.users_1`), never
 * inside a longer one (`users_10`, `shop_0x`, `éusers_1`), so no ordering of the names is needed.
 */
const IDENTIFIER = /[0-9A-Za-z_$\u0080-\uffff]+/g;

/** The physical identifiers of one sharded schema and the logical names they stand for. */
export class LogicalNames {
  /** Physical name -> logical name: each partition's database, and TABLE_i of tables split N > 1 ways. */
  private readonly names = new Map<string, string>();

  constructor(schema: ShardedSchema) {
    for (const rule of Object.values(schema.tables)) {
      if (rule.kind !== 'sharded' || rule.tablesPerPartition <= 1) continue;
      for (let i = 0; i < rule.tablesPerPartition; i++) this.names.set(`${rule.name}_${i}`, rule.name);
    }
    for (const part of schema.partitions) {
      if (part.database !== schema.name) this.names.set(part.database, schema.name);
    }
  }

  /** The text with every whole identifier that is a physical name replaced by its logical name. */
  apply(text: string): string {
    return text.replace(IDENTIFIER, (id) => this.names.get(id) ?? id);
  }

  /** A shard's column definition with its database and tables under logical names (a copy when any is physical). */
  column<C extends ColumnDef>(c: C): C {
    const schema = c.schema && this.names.get(c.schema);
    const table = c.table && this.names.get(c.table);
    const orgTable = c.orgTable && this.names.get(c.orgTable);
    return schema || table || orgTable ? { ...c, schema: schema || c.schema, table: table || c.table, orgTable: orgTable || c.orgTable } : c;
  }

  /** A backend's error as the client of the logical schema should read it (same errno and SQLSTATE). */
  error(e: SqlError): SqlError {
    return new SqlError(e.errno, this.apply(e.message), { sqlState: e.sqlState });
  }
}

const bySchema = new WeakMap<ShardedSchema, LogicalNames>();

/** The logical names of a schema (built on first use, then shared). */
export function logicalNames(schema: ShardedSchema): LogicalNames {
  let names = bySchema.get(schema);
  if (!names) {
    names = new LogicalNames(schema);
    bySchema.set(schema, names);
  }
  return names;
}

/**
 * The first bytes of a relayed response with its ERR packet's message under logical names, framed
 * again with the same sequence id; null when `chunk` does not begin with a whole ERR packet, or when
 * the message names nothing physical. The message is read and written byte for byte (latin1), so
 * text in any character set survives. `chunk` is borrowed; the answer is a new buffer, and any bytes
 * after the packet are copied behind it.
 *
 *   ERR packet: len u24, seq u8 | 0xff, errno u16, ['#', SQLSTATE 5 bytes], message (to the end)
 */
export function logicalErrPacket(chunk: Buffer, names: LogicalNames): Buffer | null {
  if (chunk.length < 7 || chunk[4] !== Header.ERR) return null;
  const len = chunk.readUIntLE(0, 3);
  const end = 4 + len;
  if (len < 3 || len === 0xffffff || end > chunk.length) return null; // split over chunks (or >16 MiB): left as it is
  const withState = len >= 9 && chunk[7] === 0x23; // '#'
  const text = chunk.toString('latin1', withState ? 13 : 7, end);
  const message = names.apply(text);
  if (message === text) return null;
  const err = { errno: chunk.readUInt16LE(5), sqlState: withState ? chunk.toString('latin1', 8, 13) : '', message };
  const w = encodeErr(new BufferWriter((withState ? 9 : 3) + message.length), err, withState, 'latin1');
  writeHeader(w.buf, 0, w.pos - w.headerRoom, chunk[3]);
  const packet = w.buf.subarray(0, w.pos);
  return end === chunk.length ? packet : Buffer.concat([packet, chunk.subarray(end)]);
}
