// Metadata answered with logical names on a sharded schema: SHOW TABLES, DESCRIBE, SHOW CREATE
// TABLE ... (execute/metadata.ts reads them off a partition and renames), and COM_FIELD_LIST.
import { frame } from '../protocol/framing';
import { BufferWriter } from '../protocol/buffer-writer';
import { BufferReader } from '../protocol/buffer-reader';
import { Com } from '../protocol/constants';
import { encodeTextRow } from '../protocol/packets';
import { asSqlError } from '../protocol/errors';
import { ResponseKind } from '../protocol/response-scanner';
import type { StatementContext } from './context';
import { logicalRows, type MetadataQuery } from '../execute/metadata';
import { runOn } from './scatter-merge';

/** SHOW TABLES, DESCRIBE, SHOW CREATE TABLE … answered with logical table names. */
export function metadata(s: StatementContext, q: MetadataQuery): void {
  runOn(s, q.partition, q.sql).then(
    (r) => {
      const { columns, rows } = logicalRows(q, r, s.sharded);
      const out = s.writer();
      out.columns(columns, s.status);
      const w = new BufferWriter(256);
      for (const row of rows) out.row(encodeTextRow(w.reset(), row).payload());
      out.end(s.status);
      s.done();
    },
    (e: unknown) => s.fail(asSqlError(e, 'metadata')),
  );
}

/**
 * COM_FIELD_LIST (clients' table-name completion) on a sharded schema: answered by the table's
 * first physical table (partition 0), or by the default partition for a table without a rule.
 */
export function fieldList(s: StatementContext, payload: Buffer): void {
  const schema = s.sharded;
  const r = new BufferReader(payload, 1);
  const table = r.nulString('latin1');
  const wildcard = r.rest();
  const rule = schema.tables[table];
  const physical = rule?.kind === 'sharded' && rule.tablesPerPartition > 1 ? `${rule.name}_0` : table;
  const p = rule ? 0 : schema.defaultPartition;
  const part = schema.partitions[p];
  const w = new BufferWriter(physical.length + wildcard.length + 2);
  w.u8(Com.FIELD_LIST).str(physical, 'latin1').u8(0).bytes(wildcard);
  const framed = frame(Buffer.from(w.payload()), 0);
  s.begin();
  s.relay.command(s.pool(part.write), part.database, framed.length === 1 ? framed[0] : Buffer.concat(framed), ResponseKind.FieldList, schema);
}
