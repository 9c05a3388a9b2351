import { test } from 'node:test';
import assert from 'node:assert/strict';
import { BufferReader } from '../../src/protocol/buffer-reader';
import { BufferWriter, lenencSize } from '../../src/protocol/buffer-writer';
import { SqlError } from '../../src/protocol/errors';
import { cat, int, int2, int3, int4, lenInt, lenStr, nulStr } from './helpers/wire';

// lenenc boundaries and the largest exact integers
const NUMBERS = [0, 1, 250, 251, 252, 0xffff, 0x10000, 0xffffff, 0x1000000, 0xffffffff, 0x100000000, 2 ** 53 - 1];

test('BufferWriter: integers, lenenc and strings match the independent encoder', () => {
  for (const n of NUMBERS) {
    const w = new BufferWriter(1);
    w.lenenc(n);
    assert.deepEqual(w.payload(), lenInt(n), `lenenc(${n})`);
    assert.equal(lenencSize(n), lenInt(n).length, `lenencSize(${n})`);
    assert.deepEqual(new BufferWriter(0).u64(n).payload(), int(8, n), `u64(${n})`);
  }
  const w = new BufferWriter(2); // grows as needed
  w.u8(0xab).u16(0xbeef).u24(0x123456).u32(0xdeadbeef).zeros(3).str('é').nulStr('db').lenencStr('x'.repeat(300))
    .lenencBytes(Buffer.from([1, 2])).bytes(Buffer.from([9]));
  assert.deepEqual(w.payload(), cat([0xab], int2(0xbeef), int3(0x123456), int4(0xdeadbeef), [0, 0, 0], 'é', nulStr('db'),
    lenStr('x'.repeat(300)), lenStr(Buffer.from([1, 2])), [9]));
  assert.equal(w.headerRoom, 4);
  assert.equal(w.payload().byteOffset - w.buf.byteOffset, 4, 'payload starts after the header room');
  assert.equal(new BufferWriter(8, 0).u8(1).payload().length, 1);
});

test('BufferReader: reads what the independent encoder wrote, as views', () => {
  const buf = cat([0xab], int2(0xbeef), int3(0x123456), int4(0xdeadbeef), int(8, 2 ** 53 - 1), ...NUMBERS.map(lenInt),
    [0xfb], nulStr('shop'), lenStr('ünï'), 'tail');
  const r = new BufferReader(buf);
  assert.equal(r.u8(), 0xab);
  assert.equal(r.u16(), 0xbeef);
  assert.equal(r.u24(), 0x123456);
  assert.equal(r.u32(), 0xdeadbeef);
  assert.equal(r.u64(), 2 ** 53 - 1);
  for (const n of NUMBERS) assert.equal(r.lenenc(), n);
  assert.equal(r.lenencOrNull(), null);
  assert.equal(r.nulString(), 'shop');
  const v = r.lenencBytes();
  assert.equal(v.buffer, buf.buffer, 'a view, not a copy');
  assert.equal(v.toString(), 'ünï');
  assert.equal(r.remaining, 4);
  assert.equal(r.restString(), 'tail');
  assert.equal(r.remaining, 0);
  assert.deepEqual(r.rest(), Buffer.alloc(0));
});

test('BufferReader: a NUL string without NUL runs to the end; end bounds every read', () => {
  assert.equal(new BufferReader(Buffer.from('abc')).nulString(), 'abc');
  const r = new BufferReader(Buffer.from('ab\0cd\0ef'), 3, 5); // only "cd"
  assert.equal(r.nulString(), 'cd');
  assert.equal(r.remaining, 0);
  const malformed = (e: unknown) => e instanceof SqlError && e.errno === 1835 && e.fatal;
  assert.throws(() => new BufferReader(Buffer.from([1, 2, 3]), 0, 2).u24(), malformed);
  assert.throws(() => new BufferReader(Buffer.from([0xfc, 1])).lenenc(), malformed);
  assert.throws(() => new BufferReader(Buffer.from([0xff])).lenenc(), malformed, '0xff is no lenenc prefix');
  assert.throws(() => new BufferReader(cat(lenInt(5), 'abc')).lenencBytes(), malformed);
  assert.throws(() => new BufferReader(Buffer.alloc(0)).u8(), malformed);
  const reused = new BufferReader(Buffer.from([1]));
  reused.u8();
  assert.equal(reused.reset(Buffer.from([7, 8]), 1).u8(), 8);
});
