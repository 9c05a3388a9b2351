// Bulk loads through a sharded schema: many distinct multi-row INSERTs of thousands of rows (each
// longer than the plan cache takes) land row for row on the table their key names, checked on the
// backends with SQL (nothing lost, nothing duplicated, values intact), keys filled by the generator
// where the rows omit them, and the workers' plan caches stay small after all of them.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import mysql from 'mysql2/promise';
import { startCluster, backendOf, type Cluster } from '../helpers/cluster';

let c: Cluster;
let s: mysql.Connection;

before(async () => {
  c = await startCluster({
    backends: 2,
    setup: (_db, i) => `CREATE DATABASE bulk_${i} CHARACTER SET utf8mb4; USE bulk_${i};
      CREATE TABLE stock_0 (w INT NOT NULL, i INT NOT NULL, qty INT, data VARCHAR(80), PRIMARY KEY (w, i));
      CREATE TABLE stock_1 LIKE stock_0;
      CREATE TABLE orders (oid BIGINT PRIMARY KEY, uid INT NOT NULL, note VARCHAR(40));
      CREATE TABLE item (id INT PRIMARY KEY, name VARCHAR(40));`,
    config: ([a, b]) => ({
      users: [{ user: 'app', password: 'pw', schemas: ['bulk'] }],
      backends: { db1: backendOf(a), db2: backendOf(b) },
      schemas: {
        bulk: {
          partitions: [{ write: 'db1', database: 'bulk_0' }, { write: 'db2', database: 'bulk_1' }],
          tables: {
            // 2 partitions x 2 tables: target g = w mod 4 is partition g div 2, table stock_{g mod 2}.
            stock: { shardKey: 'w', algorithm: 'mod', tablesPerPartition: 2 },
            orders: { shardKey: 'uid', algorithm: 'mod', keyGenerator: { column: 'oid', type: 'snowflake' } },
            item: { broadcast: true },
          },
        },
      },
    }),
  });
  s = await mysql.createConnection({ host: '127.0.0.1', port: c.port, user: 'app', password: 'pw', database: 'bulk' });
});

after(async () => {
  await s?.end();
  await c?.stop();
});

/** Rows of backend p's physical table, as "w,i,qty,data" lines. */
async function physicalRows(p: number, table: string): Promise<string[]> {
  const out = await c.dbs[p].sql(`SELECT CONCAT_WS(',', w, i, qty, HEX(data)) FROM bulk_${p}.${table}`);
  return out.split('\n').filter((l) => l !== '');
}

test('distinct bulk INSERTs land every row on the table its key names, once, intact', async () => {
  const expected = new Map<string, number>(); // "w,i,qty,HEX(data)" -> target g
  const STATEMENTS = 30;
  for (let st = 0; st < STATEMENTS; st++) {
    const rows: string[] = [];
    // Distinct row counts and shapes: no two statements share a template.
    for (let r = 0; r < 400 + st * 11; r++) {
      const w = (st * 7 + r * 13) % 97;
      const i = st * 100_000 + r;
      // Strings with parentheses, commas, quotes (doubled and backslash-escaped) and a backslash.
      const text = `it's (${st}, ${r}) "q" \\ ${'x'.repeat(r % 17)}`;
      const literal = "'" + text.replace(/\\/g, '\\\\').replace(/'/g, r % 2 ? "''" : "\\'") + "'";
      const qty = r % 5 === 0 ? 'NULL' : r % 5 === 1 ? `ABS(-${r})` : String(r);
      rows.push(`(${w}, ${i}, ${qty}, ${literal})`);
      expected.set(`${w},${i}${qty === 'NULL' ? '' : `,${r}`},${Buffer.from(text).toString('hex').toUpperCase()}`, w % 4);
    }
    const sql = `INSERT INTO stock (w, i, qty, data) VALUES ${rows.join(', ')}${st % 3 === 0 ? ' ON DUPLICATE KEY UPDATE qty = VALUES(qty) + stock.qty' : ''}`;
    assert.ok(sql.length > 16 * 1024, `statement ${st} is ${sql.length} characters`);
    const [res] = await s.query<mysql.ResultSetHeader>(sql);
    assert.equal(res.affectedRows, rows.length, `statement ${st}`);
  }

  const seen = new Set<string>();
  for (const p of [0, 1]) {
    for (const t of [0, 1]) {
      for (const line of await physicalRows(p, `stock_${t}`)) {
        assert.ok(!seen.has(line), `row ${line} twice`);
        seen.add(line);
        const g = expected.get(line);
        assert.notEqual(g, undefined, `unexpected row ${line} on partition ${p} stock_${t}`);
        assert.equal(g, 2 * p + t, `row ${line} on partition ${p} stock_${t}, its key names target ${g}`);
      }
    }
  }
  assert.equal(seen.size, expected.size);

  // Through sluice: the same count, and a row read back by its key.
  const [[count]] = await s.query<mysql.RowDataPacket[]>('SELECT COUNT(*) AS n FROM stock');
  assert.equal(count.n, expected.size);
  const [[row]] = await s.query<mysql.RowDataPacket[]>('SELECT data FROM stock WHERE w = 13 AND i = 1');
  assert.equal(row.data, `it's (0, 1) "q" \\ x`);

  // The plan caches hold the one-row head of these INSERTs and the queries above, not 30 bulk analyses
  // (without the bound each of them kept several MiB).
  const bytes = c.sluice.metrics.snapshot().total.counters.planCacheBytes;
  assert.ok(typeof bytes === 'number' && bytes > 0 && bytes < 256 * 1024, `plan cache bytes ${bytes}`);
});

test('a bulk INSERT omitting the generated key gets one id per row, routed by its own key', async () => {
  const rows = Array.from({ length: 2000 }, (_, r) => `(${r * 3}, 'note (${r}), ''quoted''')`);
  const [res] = await s.query<mysql.ResultSetHeader>(`INSERT INTO orders (uid, note) VALUES ${rows.join(', ')}`);
  assert.equal(res.affectedRows, rows.length);
  const ids = new Set<string>();
  for (const p of [0, 1]) {
    const lines = (await c.dbs[p].sql(`SELECT oid, uid, note FROM bulk_${p}.orders`)).split('\n').filter((l) => l !== '');
    for (const line of lines) {
      const [oid, uid, note] = line.split('\t');
      assert.equal(Number(uid) % 2, p, `uid ${uid} on partition ${p}`);
      assert.equal(note, `note (${Number(uid) / 3}), 'quoted'`);
      ids.add(oid);
    }
  }
  assert.equal(ids.size, rows.length);
});

test('a bulk INSERT into a broadcast table lands whole on every partition', async () => {
  const rows = Array.from({ length: 1500 }, (_, r) => `(${r}, 'item (${r})')`);
  const [res] = await s.query<mysql.ResultSetHeader>(`INSERT INTO item (id, name) VALUES ${rows.join(', ')}`);
  assert.equal(res.affectedRows, rows.length);
  for (const p of [0, 1]) {
    const out = await c.dbs[p].sql(`SELECT COUNT(*), SUM(id), SUM(name = CONCAT('item (', id, ')')) FROM bulk_${p}.item`);
    assert.equal(out.trim(), `1500\t${(1499 * 1500) / 2}\t1500`, `partition ${p}`);
  }
});

test('a bulk INSERT without a column list gets the table\'s columns and is split like any other', async () => {
  const rows = Array.from({ length: 1200 }, (_, r) => `(${r % 97}, ${10_000_000 + r}, ${r}, 'no list (${r})')`);
  const [res] = await s.query<mysql.ResultSetHeader>(`INSERT INTO stock VALUES ${rows.join(', ')}`);
  assert.equal(res.affectedRows, rows.length);
  for (const p of [0, 1]) {
    for (const t of [0, 1]) {
      const wrong = await c.dbs[p].sql(`SELECT COUNT(*) FROM bulk_${p}.stock_${t} WHERE i >= 10000000 AND (w % 4 <> ${2 * p + t} OR data <> CONCAT('no list (', qty, ')'))`);
      assert.equal(wrong.trim(), '0', `partition ${p} stock_${t}`);
    }
  }
  const [[count]] = await s.query<mysql.RowDataPacket[]>('SELECT COUNT(*) AS n FROM stock WHERE i >= 10000000');
  assert.equal(count.n, rows.length);
});
