// textRowToBinary: text-protocol rows (what shards answer) re-encoded as binary-protocol rows for a
// prepared execute. Integers are read from the bytes; each is checked against Node's own encoders.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { textRowToBinary } from '../../src/protocol/binary-values';
import { BufferWriter } from '../../src/protocol/buffer-writer';
import { encodeTextRow, type ColumnDef } from '../../src/protocol/packets';
import { ColumnFlag, ColumnType, Collation } from '../../src/protocol/constants';

const col = (type: ColumnType, flags = 0): ColumnDef => ({ name: 'v', type, charset: Collation.BINARY, flags });

/** The binary row of one value: 0x00, a 1-byte NULL bitmap, then the value. */
function binary(type: ColumnType, text: string | null, flags = 0): Buffer {
  const row = encodeTextRow(new BufferWriter(), [text]).payload();
  return Buffer.from(textRowToBinary(row, [col(type, flags)], new BufferWriter()).payload());
}

test('BIGINT values: 8 bytes little endian, two\'s complement, at the edges of 32, 53 and 64 bits', () => {
  const values = ['0', '1', '-1', '7', '-7', '4294967295', '4294967296', '-4294967296', '-4294967297', '2147483648', '-2147483649',
    '999999999999999', '-999999999999999', '9007199254740991', '9007199254740993', '-9007199254740993',
    '9223372036854775807', '-9223372036854775808'];
  for (const v of values) {
    const want = Buffer.alloc(8);
    want.writeBigInt64LE(BigInt(v));
    assert.deepEqual(binary(ColumnType.LONGLONG, v), Buffer.concat([Buffer.from([0, 0]), want]), v);
  }
  const umax = Buffer.alloc(8);
  umax.writeBigUInt64LE(18446744073709551615n);
  assert.deepEqual(binary(ColumnType.LONGLONG, '18446744073709551615', ColumnFlag.UNSIGNED), Buffer.concat([Buffer.from([0, 0]), umax]));
});

test('INT, SMALLINT, TINYINT: their widths, negative values wrapped, NULL in the bitmap', () => {
  const int = (v: number) => { const b = Buffer.alloc(4); b.writeInt32LE(v); return b; };
  assert.deepEqual(binary(ColumnType.LONG, '-2147483648'), Buffer.concat([Buffer.from([0, 0]), int(-2147483648)]));
  assert.deepEqual(binary(ColumnType.LONG, '123456'), Buffer.concat([Buffer.from([0, 0]), int(123456)]));
  assert.deepEqual(binary(ColumnType.LONG, '4294967295', ColumnFlag.UNSIGNED), Buffer.from([0, 0, 0xff, 0xff, 0xff, 0xff]));
  assert.deepEqual(binary(ColumnType.SHORT, '-2'), Buffer.from([0, 0, 0xfe, 0xff]));
  assert.deepEqual(binary(ColumnType.TINY, '-128'), Buffer.from([0, 0, 0x80]));
  assert.deepEqual(binary(ColumnType.LONGLONG, null), Buffer.from([0, 0b100]));
});
