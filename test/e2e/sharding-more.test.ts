// More distributed SQL, differentially: UNION [ALL] across shards (branches of different layouts, a
// broadcast branch, ORDER BY + LIMIT on the union), COUNT/SUM(DISTINCT x) of non-key columns and
// GROUP_CONCAT across shards — the same data in one plain MariaDB and, through sluice, in two
// MariaDB partitions (users/orders: 2 tables per partition; events: its own key, 1 table; items:
// broadcast). Every query must return what the plain MariaDB returns.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import mysql from 'mysql2/promise';
import { startDifferential, type Differential } from '../helpers/differential';

const USERS = 90;
const ORDERS = 250;
const EVENTS = 60;
const CITIES = ['Oslo', 'Lima', 'Pune', 'oslo', 'Baku'];
const STATUSES = ['new', 'paid', 'sent'];

let s: mysql.Connection; // through sluice
let r: mysql.Connection; // reference

let seed = 4242;
function rand(): number {
  seed = (seed * 1103515245 + 12345) % 2147483648;
  return seed / 2147483648;
}
const pick = <T>(xs: readonly T[]): T => xs[Math.floor(rand() * xs.length)];
const int = (lo: number, hi: number) => lo + Math.floor(rand() * (hi - lo + 1));

const DDL = [
  `CREATE TABLE users (uid INT PRIMARY KEY, name VARCHAR(32) NOT NULL, city VARCHAR(16), age INT, balance DECIMAL(10,2))`,
  `CREATE TABLE orders (oid INT PRIMARY KEY, uid INT NOT NULL, item INT, amount DECIMAL(10,2), status VARCHAR(8), KEY (uid))`,
  `CREATE TABLE events (eid INT PRIMARY KEY, uid INT, kind VARCHAR(8), note VARCHAR(40))`,
  `CREATE TABLE items (id INT PRIMARY KEY, title VARCHAR(32), price DECIMAL(8,2))`,
];

function dataInserts(): string[] {
  const rows = (n: number, f: (i: number) => string) => Array.from({ length: n }, (_, i) => f(i + 1)).join(', ');
  return [
    `INSERT INTO users (uid, name, city, age, balance) VALUES ${rows(USERS, (uid) => {
      const city = rand() < 0.1 ? 'NULL' : `'${pick(CITIES)}'`;
      const age = rand() < 0.05 ? 'NULL' : String(int(18, 40));
      return `(${uid}, 'user${uid}', ${city}, ${age}, ${(rand() * 1000).toFixed(2)})`;
    })}`,
    `INSERT INTO orders (oid, uid, item, amount, status) VALUES ${rows(ORDERS, (oid) => `(${oid}, ${int(1, USERS)}, ${int(1, 10)}, ${(rand() * 200).toFixed(2)}, '${pick(STATUSES)}')`)}`,
    `INSERT INTO events (eid, uid, kind, note) VALUES ${rows(EVENTS, (eid) => `(${eid}, ${int(1, USERS)}, '${pick(['login', 'logout', 'buy'])}', ${rand() < 0.1 ? 'NULL' : `'n${int(1, 30)}-${'é'.repeat(int(0, 3))}'`})`)}`,
    `INSERT INTO items (id, title, price) VALUES ${rows(10, (i) => `(${i}, 'item${i}', ${(i * 3.5).toFixed(2)})`)}`,
  ];
}

let d: Differential;

before(async () => {
  d = await startDifferential({
    users: { shardKey: 'uid', algorithm: 'mod', tablesPerPartition: 2, bindingGroup: 'user' },
    orders: { shardKey: 'uid', algorithm: 'mod', tablesPerPartition: 2, bindingGroup: 'user' },
    events: { shardKey: 'eid', algorithm: 'mod' },
    items: { broadcast: true },
  }, [...DDL, ...dataInserts()]);
  ({ s, r } = d);
});

after(async () => {
  await d?.stop();
});

type Row = Record<string, unknown>;

async function both(sql: string): Promise<{ got: Row[]; want: Row[] }> {
  const [want] = await r.query(sql);
  let got: unknown;
  try {
    [got] = await s.query(sql);
  } catch (e) {
    assert.fail(`${sql}\n  sluice failed: ${(e as Error).message}`);
  }
  return { got: got as Row[], want: want as Row[] };
}

const sorted = (rows: Row[]) => rows.map((x) => JSON.stringify(x)).sort();

/** Rows equal in order (ordered) or as multisets; `fold` lower-cases a case-insensitive group's name. */
async function compare(sql: string, ordered: boolean, fold?: string): Promise<void> {
  let { got, want } = await both(sql);
  if (fold) {
    const f = (rows: Row[]) => rows.map((x) => (typeof x[fold] === 'string' ? { ...x, [fold]: (x[fold] as string).toLowerCase() } : x));
    got = f(got);
    want = f(want);
  }
  if (ordered) assert.deepEqual(got, want, sql);
  else assert.deepEqual(sorted(got), sorted(want), sql);
}

test('UNION ALL and UNION across shards return what one MariaDB returns', async () => {
  const q: [string, boolean][] = [];
  for (let i = 0; i < 10; i++) q.push([`SELECT uid, name FROM users WHERE uid = ${int(1, USERS)} UNION ALL SELECT uid, name FROM users WHERE uid = ${int(1, USERS)}`, false]);
  for (let i = 0; i < 8; i++) q.push([`SELECT uid, name FROM users WHERE age > ${int(20, 38)} UNION ALL SELECT eid, kind FROM events WHERE eid < ${int(5, 40)}`, false]);
  for (let i = 0; i < 8; i++) q.push([`SELECT city FROM users WHERE uid < ${int(10, 80)} UNION SELECT status FROM orders WHERE amount > ${int(50, 150)}`, false]);
  for (let i = 0; i < 8; i++) {
    const o = int(0, 20), n = int(1, 10);
    q.push([`SELECT name AS label, uid AS id FROM users WHERE age < ${int(20, 40)} UNION ALL SELECT title, id FROM items UNION ALL SELECT note, eid FROM events WHERE kind = 'buy' ORDER BY id DESC, label LIMIT ${o}, ${n}`, true]);
  }
  for (let i = 0; i < 5; i++) q.push([`SELECT uid FROM orders WHERE status = '${pick(STATUSES)}' UNION SELECT uid FROM events ORDER BY 1 LIMIT ${int(1, 30)}`, true]);
  q.push(['SELECT uid, COUNT(*) AS n FROM orders GROUP BY uid UNION ALL SELECT id, 0 FROM items', false]);
  q.push(['SELECT city FROM users UNION SELECT city FROM users', false]);
  q.push(['(SELECT uid, balance FROM users WHERE uid = 3) UNION ALL (SELECT uid, amount FROM orders WHERE uid = 5) ORDER BY uid, balance', true]);
  q.push(['SELECT * FROM items WHERE id < 4 UNION ALL SELECT * FROM items WHERE id > 8', false]);
  q.push(['SELECT uid, name FROM users WHERE uid = 999 UNION ALL SELECT eid, kind FROM events WHERE eid = 999', false]);
  for (const [sql, ordered] of q) await compare(sql, ordered, /^SELECT city/.test(sql) ? 'city' : undefined);
});

test('COUNT(DISTINCT x) and SUM(DISTINCT x) of non-key columns across shards', async () => {
  const q: [string, boolean, string?][] = [
    ['SELECT COUNT(DISTINCT city) AS n FROM users', true],
    ['SELECT COUNT(DISTINCT age) AS n, SUM(DISTINCT age) AS s, COUNT(*) AS c, AVG(balance) AS a FROM users', true],
    ['SELECT city, COUNT(DISTINCT age) AS n, SUM(DISTINCT age) AS s, COUNT(*) AS c, MAX(balance) AS m FROM users GROUP BY city ORDER BY city', true, 'city'],
    ['SELECT status, COUNT(DISTINCT uid) AS buyers, COUNT(DISTINCT item) AS items, SUM(amount) AS total FROM orders GROUP BY status ORDER BY status', true],
    ['SELECT item, COUNT(DISTINCT uid) AS n FROM orders GROUP BY item HAVING COUNT(DISTINCT status) = 3 ORDER BY n DESC, item', true],
    ['SELECT kind, COUNT(DISTINCT note) AS n FROM events GROUP BY kind ORDER BY kind', true],
    ['SELECT COUNT(DISTINCT amount) AS n, SUM(DISTINCT amount) AS s FROM orders WHERE uid > 1000', true],
  ];
  for (let i = 0; i < 6; i++) q.push([`SELECT COUNT(DISTINCT city) AS n, SUM(DISTINCT item) AS s FROM users u JOIN orders o ON u.uid = o.uid WHERE o.amount > ${int(0, 190)}`, true]);
  for (const [sql, ordered, fold] of q) await compare(sql, ordered, fold);
});

/** GROUP_CONCAT's order within a group is undefined: compare its parts as multisets. */
function parts(v: unknown, sep: string): string[] | null {
  return v === null ? null : String(v).split(sep).sort();
}

test('GROUP_CONCAT across shards: the same values per group, cut at group_concat_max_len like MariaDB', async () => {
  for (const [sql, sep] of [
    ['SELECT status, GROUP_CONCAT(oid) AS g, COUNT(*) AS n FROM orders WHERE amount > 150 GROUP BY status ORDER BY status', ','],
    ["SELECT kind, GROUP_CONCAT(note SEPARATOR ' | ') AS g FROM events GROUP BY kind ORDER BY kind", ' | '],
    ['SELECT GROUP_CONCAT(name) AS g FROM users WHERE uid < 20', ','],
    ['SELECT GROUP_CONCAT(note) AS g FROM events WHERE note IS NULL', ','],
  ] as const) {
    const { got, want } = await both(sql);
    assert.equal(got.length, want.length, sql);
    got.forEach((row, i) => assert.deepEqual({ ...row, g: parts(row.g, sep) }, { ...want[i], g: parts(want[i].g, sep) }, sql));
  }
  // MariaDB's default group_concat_max_len is 1 MiB: nothing is cut.
  const whole = await both("SELECT GROUP_CONCAT(CONCAT(name, '-', city, '-é')) AS g FROM users");
  assert.deepEqual(parts(whole.got[0].g, ','), parts(whole.want[0].g, ','));
  // With MySQL's 1024 (a session SET, replayed on the shards): both cut to 1024 bytes at a character
  // boundary; the kept values are whole values of the group.
  await s.query('SET SESSION group_concat_max_len = 1024');
  await r.query('SET SESSION group_concat_max_len = 1024');
  const { got, want } = await both("SELECT GROUP_CONCAT(CONCAT(name, '-', city, '-é')) AS g FROM users");
  assert.equal(Buffer.byteLength(String(want[0].g)), 1024, "reference");
  assert.equal(Buffer.byteLength(String(got[0].g)), 1024, "through sluice");
  const all = new Set(String((await both("SELECT CONCAT(name, '-', city, '-é') AS v FROM users WHERE city IS NOT NULL")).want.map((x) => x.v).join(',')).split(','));
  const kept = String(got[0].g).split(',');
  for (const v of kept.slice(0, -1)) assert.ok(all.has(v), `whole value ${v}`);
});

test('what stays inexact is refused with a clear error, and the connection goes on', async () => {
  const refusals: [string, RegExp][] = [
    ['SELECT GROUP_CONCAT(name ORDER BY name) FROM users', /GROUP_CONCAT with DISTINCT, ORDER BY or LIMIT/],
    ['SELECT city, COUNT(*) FROM users GROUP BY city UNION ALL SELECT kind, 1 FROM events', /UNION branch 1 uses GROUP BY/],
    ['SELECT name FROM users UNION SELECT name FROM users UNION ALL SELECT title FROM items', /UNION DISTINCT followed by UNION ALL/],
  ];
  for (const [sql, re] of refusals) await assert.rejects(s.query(sql), (e: { errno: number; message: string }) => e.errno === 1235 && re.test(e.message), sql);
  await compare('SELECT COUNT(*) AS n FROM items', true);
});

test('ORDER BY an ENUM column across shards is refused (its member order is not in the result); +0 and CAST work', async () => {
  for (const c of [s, r]) {
    await c.query("ALTER TABLE events ADD COLUMN lvl ENUM('zeta','alpha','mid')");
    await c.query("UPDATE events SET lvl = ELT(1 + eid % 3, 'zeta', 'alpha', 'mid')");
  }
  for (const sql of ['SELECT eid, lvl FROM events ORDER BY lvl, eid', 'SELECT lvl, COUNT(*) FROM events GROUP BY lvl']) {
    await assert.rejects(s.query(sql), (e: { errno: number; message: string }) => e.errno === 1235 && /ENUM\/SET column lvl/.test(e.message) && /lvl\+0/.test(e.message), sql);
  }
  // What the message suggests gives MariaDB's answers; one shard sorts by itself.
  await compare('SELECT eid, lvl FROM events ORDER BY lvl+0, eid', true);
  await compare('SELECT eid, lvl FROM events ORDER BY CAST(lvl AS CHAR), eid', true);
  await compare('SELECT lvl, COUNT(*) AS n FROM events GROUP BY lvl+0, lvl ORDER BY lvl+0', true);
  await compare('SELECT eid, lvl FROM events WHERE eid = 7 ORDER BY lvl', true);
});
