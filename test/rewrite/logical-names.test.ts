// Physical -> logical names in backend error messages: the text mapping, and the relayed ERR packet
// re-framed, checked against the independent wire encoder.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { logicalNames, logicalErrPacket } from '../../src/rewrite/logical-names';
import { cat, int2, packet, err, ok } from '../protocol/helpers/wire';
import { SCHEMAS } from '../plan/schemas';
import type { ShardedSchema } from '../../src/config/types';

/** shop on shop_0 … shop_2; users in 12 tables per partition; orders one table; items broadcast. */
const schema: ShardedSchema = {
  ...SCHEMAS.range,
  tables: {
    users: { kind: 'sharded', name: 'users', shardKey: 'uid', algorithm: 'mod', tablesPerPartition: 12 },
    orders: { kind: 'sharded', name: 'orders', shardKey: 'uid', algorithm: 'mod', tablesPerPartition: 1 },
    items: { kind: 'broadcast', name: 'items' },
  },
};
const names = logicalNames(schema);

test('messages: partition databases become the schema, split tables their logical name', () => {
  const cases: [string, string][] = [
    ["Table 'shop_0.users_1' doesn't exist", "Table 'shop.users' doesn't exist"],
    ["Table 'shop_2.users_11' doesn't exist", "Table 'shop.users' doesn't exist"],
    ["Table 'users_10' already exists", "Table 'users' already exists"],
    ["Unknown column 'users_3.zz' in 'where clause'", "Unknown column 'users.zz' in 'where clause'"],
    ["You have an error in your SQL syntax; check the manual near 'FROM users_1 WHERE uid = 1' at line 1",
      "You have an error in your SQL syntax; check the manual near 'FROM users WHERE uid = 1' at line 1"],
    ['Unknown table `shop_1`.`users_0`', 'Unknown table `shop`.`users`'],
    // Whole identifiers only: longer names, other tables, other databases and indexes past N stay.
    ["Table 'shop_0x.users_12' doesn't exist", "Table 'shop_0x.users_12' doesn't exist"],
    ["near 'xusers_1, users_1a, éusers_1, shop_3, orders_0' at line 1", "near 'xusers_1, users_1a, éusers_1, shop_3, orders_0' at line 1"],
    ["Table 'shop_1.orders' doesn't exist", "Table 'shop.orders' doesn't exist"],
    ["Duplicate entry '7' for key 'PRIMARY'", "Duplicate entry '7' for key 'PRIMARY'"],
    ["Duplicate entry 'Zoë' for key 'name'", "Duplicate entry 'Zoë' for key 'name'"],
  ];
  for (const [from, to] of cases) assert.equal(names.apply(from), to, from);
});

test('the mapping is built once per schema; a partition database named like the schema is left alone', () => {
  assert.equal(logicalNames(schema), names);
  const same: ShardedSchema = { ...schema, partitions: [{ write: 'db0', read: [], database: 'shop' }, { write: 'db1', read: [], database: 'shop_b' }] };
  assert.notEqual(logicalNames(same), names);
  assert.equal(logicalNames(same).apply("Table 'shop.users_2' and 'shop_b.users_2'"), "Table 'shop.users' and 'shop.users'");
});

test('ERR packet: the message renamed, errno / SQLSTATE / sequence id kept, framed as the wire says', () => {
  const got = logicalErrPacket(packet(err(1146, '42S02', "Table 'shop_1.users_3' doesn't exist"), 1), names);
  assert.deepEqual(got, packet(err(1146, '42S02', "Table 'shop.users' doesn't exist"), 1));
  // Without the '#' SQLSTATE marker, and a later sequence id.
  const bare = logicalErrPacket(packet(err(1050, null, "Table 'users_0' already exists"), 5), names);
  assert.deepEqual(bare, packet(err(1050, null, "Table 'users' already exists"), 5));
});

test('ERR packet: message bytes in any character set pass through unchanged around the names', () => {
  // latin1 'Àlice' (0xc0 is not valid UTF-8): only the identifier changes.
  const text = (name: string) => cat("Duplicate entry '", [0xc0], "lice' for key 'uniq' in ", name);
  const got = logicalErrPacket(packet(cat([0xff], int2(1062), '#23000', text('shop_0.users_1')), 1), names);
  assert.deepEqual(got, packet(cat([0xff], int2(1062), '#23000', text('shop.users')), 1));
});

test('ERR packet: left alone (null) unless a whole ERR starts the chunk and names something physical', () => {
  const whole = packet(err(1146, '42S02', "Table 'shop_1.users_3' doesn't exist"), 1);
  assert.equal(logicalErrPacket(whole.subarray(0, whole.length - 1), names), null, 'cut short');
  assert.equal(logicalErrPacket(whole.subarray(0, 6), names), null, 'only the header and a byte');
  assert.equal(logicalErrPacket(packet(err(1054, '42S22', "Unknown column 'x' in 'field list'"), 1), names), null, 'nothing physical');
  assert.equal(logicalErrPacket(packet(ok({ info: 'shop_0.users_1' }), 1), names), null, 'an OK');
  assert.equal(logicalErrPacket(packet(Buffer.from([0xff, 0x7a]), 1), names), null, 'too short for an ERR');
  // Bytes after the packet (none are expected after an ERR that ends a response) are kept behind it.
  const tail = Buffer.from([1, 2, 3]);
  assert.deepEqual(logicalErrPacket(cat(whole, tail), names), cat(packet(err(1146, '42S02', "Table 'shop.users' doesn't exist"), 1), tail));
});
