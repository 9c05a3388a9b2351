// Merged results carry the column definitions one MariaDB sends for the same statement: name,
// org_name, table, org_table, schema, type, length, decimals, flags and character set, for every
// aggregate form the merger computes (ORMs and drivers read results by name and type).
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import type { FieldPacket } from 'mysql2/promise';
import { startDifferential, type Differential } from '../helpers/differential';

let d: Differential;

before(async () => {
  d = await startDifferential(
    { orders: { shardKey: 'customer_id', algorithm: 'mod' }, order_line: { shardKey: 'customer_id', algorithm: 'mod', tablesPerPartition: 2 } },
    [
      'CREATE TABLE order_line (id INT PRIMARY KEY, customer_id INT NOT NULL, sku VARCHAR(10))',
      "INSERT INTO order_line VALUES (1, 1, 'a'), (2, 2, 'b'), (3, 3, 'a'), (4, 4, 'c'), (5, 6, 'b')",
      'CREATE TABLE orders (id INT PRIMARY KEY, customer_id INT NOT NULL, city VARCHAR(20), amount DECIMAL(10,2), qty INT, note TEXT, at DATETIME(3), flag TINYINT(1))',
      "INSERT INTO orders VALUES (1, 1, 'Oslo', 10.50, 3, 'a', '2024-01-02 03:04:05.123', 1), (2, 2, 'Rome', 20.25, 5, 'b', '2024-02-02 03:04:05', 0), (3, 3, 'Oslo', 7.00, 1, NULL, NULL, 1), (4, 4, 'Lima', NULL, 8, 'd', '2025-01-01 00:00:00', 0), (5, 5, 'Rome', 1.75, 2, 'e', '2023-06-01 12:00:00', 1)",
    ],
  );
});

after(() => d?.stop());

const describe = (f: FieldPacket): Record<string, unknown> => ({
  name: f.name, orgName: f.orgName, table: f.table, orgTable: f.orgTable, db: f.db,
  type: f.columnType, length: f.columnLength, decimals: f.decimals, flags: f.flags, charset: f.characterSet,
});

async function same(sql: string, prepared = false): Promise<void> {
  const run = (c: typeof d.s) => (prepared ? c.execute({ sql, rowsAsArray: true }) : c.query({ sql, rowsAsArray: true }));
  const [sRows, sFields] = await run(d.s);
  const [rRows, rFields] = await run(d.r);
  assert.deepEqual(sRows, rRows, `rows of ${sql}`);
  assert.deepEqual((sFields as FieldPacket[]).map(describe), (rFields as FieldPacket[]).map(describe), `column definitions of ${sql}`);
}

const shapes = [
  'SELECT COUNT(*) FROM orders',
  'SELECT COUNT(DISTINCT city) FROM orders',
  'SELECT COUNT(DISTINCT city) AS n FROM orders',
  'SELECT SUM(DISTINCT qty) FROM orders',
  'SELECT COUNT(DISTINCT customer_id) FROM orders',
  'SELECT city, COUNT(DISTINCT qty) FROM orders GROUP BY city ORDER BY city',
  'SELECT SUM(amount), SUM(qty), MIN(amount), MAX(city), MIN(at), MAX(note) FROM orders',
  'SELECT AVG(amount), AVG(qty) FROM orders',
  'SELECT city, AVG(qty) AS a, COUNT(*) c FROM orders GROUP BY city ORDER BY city',
  "SELECT COUNT(DISTINCT IF(qty > 2, city, 'x`y')) FROM orders",
  'SELECT BIT_OR(qty), BIT_AND(qty), BIT_XOR(qty) FROM orders',
  'SELECT BIT_OR(qty), BIT_AND(qty), BIT_XOR(qty) FROM orders WHERE qty > 100',
  'SELECT city, BIT_XOR(id) x FROM orders GROUP BY city HAVING BIT_OR(qty) > 1 ORDER BY city',
  'SELECT COUNT(note), COUNT(1), COUNT(amount) FROM orders',
  'SELECT DISTINCT city FROM orders ORDER BY city',
  'SELECT city, qty FROM orders ORDER BY qty DESC LIMIT 2',
  'SELECT o.city AS c, o.qty FROM orders o ORDER BY o.id',
  'SELECT city, SUM(qty) FROM orders GROUP BY city HAVING SUM(qty) > 2 ORDER BY 2',
];

const splitTable = [
  'SELECT * FROM order_line ORDER BY id',
  'SELECT l.sku, COUNT(*) FROM order_line l GROUP BY l.sku ORDER BY l.sku',
  'SELECT COUNT(DISTINCT sku) FROM order_line',
];

for (const sql of shapes) test(`merged column definitions equal MariaDB's: ${sql}`, () => same(sql));
for (const sql of splitTable) test(`a table split inside partitions is named as the logical one: ${sql}`, () => same(sql));
for (const sql of shapes.slice(1, 7)) test(`prepared: merged column definitions equal MariaDB's: ${sql}`, () => same(sql, true));
