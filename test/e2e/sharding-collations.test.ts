// Cross-shard merges compare text as the column's collation does, whatever it is: the same rows in
// one plain MariaDB and, through sluice, over two partitions (2 tables each). Columns:
// utf8mb4_unicode_ci (ß = ss, Æ = AE between A and B, accents and case ignored), utf8mb4_general_ci
// (ß = s, Æ after Z) and latin1 (latin1_swedish_ci: Å Ä Ö after Z) — orders the result's column
// definitions cannot tell apart (MariaDB sends the connection's collation for each). Trailing spaces
// do not count (PAD SPACE); a tab before the end sorts below the end.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import mysql from 'mysql2/promise';
import { startDifferential, type Differential } from '../helpers/differential';

const WORDS = [
  'Æble', 'Aeble', 'Adam', 'Bob', 'straße', 'strasse', 'strase', 'strast', 'Øre', 'Ozone', 'Zebra', 'zebra',
  'a', 'a ', 'A', 'á', 'a-b', 'ab', 'a\tb', 'a\t', 'Ðorn', 'Þorn', 'Dorn', 'ǅemal', 'Dzemal', 'Åsa', 'Ängel', 'Orm',
  'Ölfus', 'Yngve', 'Über', 'uber', '中文', '日本', 'Ⅻ', '½', '10', '9', '-x', '_y', '', ' ',
];

let s: mysql.Connection; // through sluice
let r: mysql.Connection; // reference
let d: Differential;

const lit = (w: string) => `'${w.replace(/\t/g, '\\t')}'`;

before(async () => {
  // Every word twice over 3 columns, plus NULLs: rows land on all four physical tables.
  const rows: string[] = [];
  let id = 1;
  for (let round = 0; round < 2; round++) {
    for (const [i, w] of WORDS.entries()) {
      const other = WORDS[(i * 7 + round) % WORDS.length];
      const latin = /^[\x20-\x7eÅÄÖÜåäöüÆØæøÐÞ]*$/.test(w) ? lit(w) : 'NULL';
      rows.push(`(${id++}, ${lit(w)}, ${lit(other)}, ${latin})`);
    }
  }
  rows.push(`(${id++}, NULL, NULL, NULL)`, `(${id++}, NULL, 'Zebra', NULL)`);
  d = await startDifferential(
    { words: { shardKey: 'id', algorithm: 'mod', tablesPerPartition: 2 } },
    [
      `CREATE TABLE words (id INT PRIMARY KEY, w VARCHAR(40) COLLATE utf8mb4_unicode_ci, g VARCHAR(40) COLLATE utf8mb4_general_ci,
        l VARCHAR(40) CHARACTER SET latin1 COLLATE latin1_swedish_ci)`,
      `INSERT INTO words VALUES ${rows.join(', ')}`,
    ],
  );
  ({ s, r } = d);
});

after(async () => {
  await d?.stop();
});

type Row = Record<string, unknown>;

async function same(sql: string, params?: (string | number)[]): Promise<Row[]> {
  const [want] = params ? await r.execute(sql, params) : await r.query(sql);
  const [got] = params ? await s.execute(sql, params) : await s.query(sql);
  assert.deepEqual(got, want, sql);
  return got as Row[];
}

test('ORDER BY a unicode_ci, general_ci or latin1 column merges in that collation\'s order', async () => {
  const rows = await same('SELECT w, id FROM words ORDER BY w, id');
  // The test would pass by accident if the orders agreed: they do not.
  const [general] = await r.query('SELECT w, id FROM words ORDER BY w COLLATE utf8mb4_general_ci, id');
  assert.notDeepEqual(rows, general);
  await same('SELECT id, w FROM words ORDER BY w DESC, id DESC');
  await same('SELECT id, g FROM words ORDER BY g, id');
  await same('SELECT id, l FROM words ORDER BY l DESC, id');
  await same('SELECT id, w FROM words ORDER BY w, id LIMIT 5, 10');
  await same('SELECT id FROM words ORDER BY w, g, id');
  await same('SELECT id, UPPER(w) AS u FROM words ORDER BY u, id');
  await same('SELECT * FROM words ORDER BY w DESC, id LIMIT 12');
  // Prepared: binary rows, the same comparison.
  await same('SELECT id, w FROM words WHERE id > ? ORDER BY w, id', [3]);
});

test('GROUP BY, DISTINCT, COUNT(DISTINCT), MIN and MAX use the collation\'s equality and order', async () => {
  // Which spelling names a group is up to the server: compare what is determined.
  await same('SELECT COUNT(*) AS n, MIN(id) AS first FROM words GROUP BY w ORDER BY first');
  await same('SELECT COUNT(*) AS n, MIN(id) AS first FROM words GROUP BY g ORDER BY n DESC, first');
  await same('SELECT COUNT(*) AS n, MIN(id) AS first FROM words GROUP BY l ORDER BY first');
  await same('SELECT COUNT(DISTINCT w) AS w, COUNT(DISTINCT g) AS g, COUNT(DISTINCT l) AS l FROM words');
  const [want] = await r.query('SELECT DISTINCT w FROM words');
  const [got] = await s.query('SELECT DISTINCT w FROM words');
  assert.equal((got as Row[]).length, (want as Row[]).length, 'SELECT DISTINCT w');
  // Extremes that are unique under each collation.
  await same("SELECT MIN(w) AS lo, MAX(w) AS hi FROM words WHERE w LIKE 'str%' OR id IN (1, 11)");
  await same("SELECT MAX(w) AS hi FROM words WHERE id IN (1, 11, 45, 55)");
  await same("SELECT MAX(g) AS hi FROM words WHERE g IN ('Æble', 'Bob', 'Adam')");
});
