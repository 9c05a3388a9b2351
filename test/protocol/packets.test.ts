import { test } from 'node:test';
import assert from 'node:assert/strict';
import { BufferWriter } from '../../src/protocol/buffer-writer';
import { encodeOk, encodeErr, encodeEof, encodeEndOfRows, decodeOk, decodeErr, readEnd,
  encodeColumnDef, decodeColumnDef, encodeTextRow, decodeTextRow, schemaChange } from '../../src/protocol/packets';
import { Cap, ColumnType, ColumnFlag } from '../../src/protocol/constants';
import { SqlError } from '../../src/protocol/errors';
import { cat, int2, lenInt, lenStr, ok, err, eof, columnDef, textRow } from './helpers/wire';

const w = () => new BufferWriter(64);

test('OK: encode matches the independent encoder, incl. lenenc boundaries of affected rows / insert id', () => {
  const cases = [
    {},
    { affectedRows: 1, lastInsertId: 250, status: 0x0002, warnings: 0 },
    { affectedRows: 251, lastInsertId: 65535, status: 0x4003, warnings: 7, info: 'Rows matched: 1  Changed: 1' },
    { affectedRows: 65536, lastInsertId: 16777215, status: 0x0008, warnings: 65535 },
    { affectedRows: 16777216, lastInsertId: 2 ** 53 - 1, status: 0xffff, warnings: 1 },
  ];
  for (const c of cases) {
    assert.deepEqual(encodeOk(w(), c).payload(), ok(c), JSON.stringify(c));
    assert.deepEqual(decodeOk(ok(c)), {
      affectedRows: c.affectedRows ?? 0, lastInsertId: c.lastInsertId ?? 0, status: c.status ?? 0,
      warnings: c.warnings ?? 0, info: c.info ?? '',
    });
  }
  // The DEPRECATE_EOF end marker is an OK with header 0xfe.
  assert.deepEqual(encodeOk(w(), { status: 2, warnings: 3 }, 0xfe).payload(), ok({ status: 2, warnings: 3 }, 0xfe));
});

test('OK: decode with CLIENT_SESSION_TRACK reads info as a lenenc string; short OKs default to 0', () => {
  const tracked = cat([0], lenInt(3), lenInt(0), int2(0x4002), int2(0), lenStr('info text'), lenStr(Buffer.from([1, 2, 3])));
  assert.equal(decodeOk(tracked).info, 'info text');
  assert.deepEqual(decodeOk(Buffer.from([0, 5, 9])), { affectedRows: 5, lastInsertId: 9, status: 0, warnings: 0, info: '' });
});

test('ERR: encode with and without the SQLSTATE marker, decode of independent bytes', () => {
  const e = { errno: 1045, sqlState: '28000', message: "Access denied for user 'x'@'h' (using password: YES)" };
  assert.deepEqual(encodeErr(w(), e).payload(), err(1045, '28000', e.message));
  assert.deepEqual(encodeErr(w(), e, false).payload(), err(1045, null, e.message));
  assert.deepEqual(decodeErr(err(1045, '28000', e.message)), e);
  assert.deepEqual(decodeErr(err(1064, '42000', 'syntax — ünïcode')), { errno: 1064, sqlState: '42000', message: 'syntax — ünïcode' });
  // Without the marker (pre-handshake) the state defaults to HY000 and the message is intact.
  assert.deepEqual(decodeErr(err(1040, null, 'Too many connections')), { errno: 1040, sqlState: 'HY000', message: 'Too many connections' });
  assert.deepEqual(decodeErr(err(2013, 'HY000', '')), { errno: 2013, sqlState: 'HY000', message: '' });
  // A state shorter than 5 characters is padded to the fixed 5 bytes.
  assert.deepEqual(encodeErr(w(), { errno: 1, sqlState: '42', message: 'm' }).payload(), err(1, '42000', 'm'));
});

/** The status readEnd finds, for a connection with DEPRECATE_EOF when the packet is an OK with 0xfe. */
function endStatus(p: Buffer, deprecateEof = p[0] === 0xfe && p.length >= 7): number {
  const into = { status: 0, warnings: 0 };
  readEnd(p, deprecateEof, into);
  return into.status;
}

test('EOF and end-of-rows in both forms; readEnd reads the status of each', () => {
  assert.deepEqual(encodeEof(w(), 0x0022, 4).payload(), eof(0x0022, 4));
  assert.deepEqual(encodeEndOfRows(w(), 0, 0x000a, 1).payload(), eof(0x000a, 1));
  assert.deepEqual(encodeEndOfRows(w(), Cap.DEPRECATE_EOF, 0x000a, 1).payload(), ok({ status: 0x000a, warnings: 1 }, 0xfe));
  assert.equal(endStatus(eof(0x0022, 4)), 0x0022);
  assert.equal(endStatus(ok({ status: 0x000a, warnings: 1 }, 0xfe)), 0x000a);
  assert.equal(endStatus(ok({ affectedRows: 300, lastInsertId: 70000, status: 0x4009 })), 0x4009);
  assert.equal(endStatus(ok({ status: 0x0003, info: 'a longer info string' }, 0xfe)), 0x0003);
  assert.equal(endStatus(Buffer.from([0xfe])), 0, 'a bare 0xfe (pre-4.1 EOF) has no status');
});

test('column definitions: encode matches, decode of independent bytes, defaults', () => {
  const full = {
    schema: 'shop', table: 't', orgTable: 'orders', name: 'total', orgName: 'amount', charset: 63,
    length: 0x12345678, type: ColumnType.NEWDECIMAL, flags: ColumnFlag.NOT_NULL | ColumnFlag.UNSIGNED | ColumnFlag.NUM, decimals: 2,
  };
  assert.deepEqual(encodeColumnDef(w(), full).payload(), columnDef(full));
  assert.deepEqual(decodeColumnDef(columnDef(full)), full);
  const minimal = { name: 'c', type: ColumnType.VAR_STRING };
  assert.deepEqual(encodeColumnDef(w(), minimal).payload(), columnDef({ name: 'c', type: 0xfd, charset: 45 }));
  assert.deepEqual(decodeColumnDef(columnDef({ name: 'ä', table: 'x', type: 0x03, length: 11 })), {
    schema: '', table: 'x', orgTable: 'x', name: 'ä', orgName: 'ä', charset: 45, length: 11, type: 0x03, flags: 0, decimals: 0,
  });
  // a 300-byte name crosses the one-byte lenenc limit
  const long = { name: 'n'.repeat(300), type: ColumnType.LONG };
  assert.deepEqual(encodeColumnDef(w(), long).payload(), columnDef({ ...long, charset: 45 }));
  assert.equal(decodeColumnDef(columnDef(long)).name, long.name);
});

test('text rows: NULLs, empty strings and values at every lenenc boundary', () => {
  const sizes = [0, 1, 250, 251, 65535, 65536, 16777215, 16777216];
  const values = sizes.map((n, i) => Buffer.alloc(n, 0x61 + i));
  const row: (Buffer | null)[] = [null, ...values.flatMap((v) => [v, null])];
  const wire = textRow(row);
  // prefix bytes: 1 byte under 251, 0xfc+2 to 65535, 0xfd+3 to 16777215, then 0xfe+8
  const prefixes = sizes.map((n) => lenInt(n).length);
  assert.deepEqual(prefixes, [1, 1, 1, 3, 3, 4, 4, 9]);
  const enc = encodeTextRow(new BufferWriter(0), row).payload();
  assert.ok(enc.equals(wire), 'encodeTextRow bytes');
  const dec = decodeTextRow(wire, row.length);
  assert.equal(dec.length, row.length);
  row.forEach((v, i) => {
    if (v === null) assert.equal(dec[i], null, `column ${i} NULL`);
    else assert.equal(dec[i], v.toString('utf8'), `column ${i} (${v.length} bytes)`);
  });
  // strings are written as UTF-8 with their byte length
  assert.deepEqual(encodeTextRow(w(), ['', 'é', null, '1']).payload(), cat([0], [2, 0xc3, 0xa9], [0xfb], [1, 0x31]));
  assert.deepEqual(decodeTextRow(cat([0], [2, 0xc3, 0xa9], [0xfb]), 3), ['', 'é', null]);
});

test('malformed: truncated packets are fatal ER_MALFORMED_PACKET, not a crash or garbage', () => {
  const isMalformed = (e: unknown) => e instanceof SqlError && e.errno === 1835 && e.fatal;
  assert.throws(() => decodeTextRow(cat(lenInt(10), 'abc'), 1), isMalformed);
  assert.throws(() => decodeTextRow(Buffer.from([0xff]), 1), isMalformed);
  assert.throws(() => decodeColumnDef(columnDef({ name: 'x' }).subarray(0, 12)), isMalformed);
  assert.throws(() => decodeErr(Buffer.from([0xff, 0x01])), isMalformed);
  assert.throws(() => decodeOk(cat([0], [0xfc, 1])), isMalformed);
});

test('an OK with a schema change: SESSION_STATE_CHANGED, empty info, one SESSION_TRACK_SCHEMA entry', () => {
  const w = encodeOk(new BufferWriter(64), { status: 0x0002 }, 0x00, schemaChange('shop'));
  assert.equal(w.payload().toString('hex'), '000000024000000007010504' + Buffer.from('shop').toString('hex'));
});
