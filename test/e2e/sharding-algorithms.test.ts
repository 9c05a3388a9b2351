// The range, list, hash and date algorithms end to end: rows inserted through sluice land on the
// partition the README's formulas name (checked on the backends with SQL, not with sluice's code),
// and queries by key, by key range and without a key return what one MariaDB returns.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startDifferential, type Differential } from '../helpers/differential';
import { BackendConnection } from '../../src/backend/connection';
import { PacketFramer } from '../../src/protocol/framing';
import { rawPackets, isEnd, executePacket, fetchPacket } from '../helpers/raw-packets';
import { decodeColumnDef } from '../../src/protocol/packets';
import { Com } from '../../src/protocol/constants';

let d: Differential;

const DDL = [
  'CREATE TABLE events (eid INT PRIMARY KEY, kind VARCHAR(10))',
  'CREATE TABLE regions (code VARCHAR(2) PRIMARY KEY, name VARCHAR(20))',
  'CREATE TABLE people (name VARCHAR(20) PRIMARY KEY, age INT)',
  'CREATE TABLE logs (id INT, day DATE, msg VARCHAR(10), PRIMARY KEY (id, day))',
];

function data(): string[] {
  const events = Array.from({ length: 60 }, (_, i) => `(${i * 37 + 1}, '${['a', 'b', 'c'][i % 3]}')`);
  const people = ['ada', 'Bob', 'carl', 'Dora', 'eve', 'Fay', 'gus', 'Hal', 'ivy', 'Jo', 'kim', 'Lu'].map((n, i) => `('${n}', ${20 + i})`);
  const logs = Array.from({ length: 48 }, (_, i) => `(${i}, '2026-${String((i % 12) + 1).padStart(2, '0')}-${String((i % 27) + 1).padStart(2, '0')}', 'm${i}')`);
  return [
    `INSERT INTO events (eid, kind) VALUES ${events.join(', ')}`,
    "INSERT INTO regions (code, name) VALUES ('no', 'Norway'), ('pe', 'Peru'), ('in', 'India')",
    `INSERT INTO people (name, age) VALUES ${people.join(', ')}`,
    `INSERT INTO logs (id, day, msg) VALUES ${logs.join(', ')}`,
  ];
}

before(async () => {
  d = await startDifferential({
    events: { shardKey: 'eid', algorithm: 'range', ranges: [{ lt: 1000, partition: 0 }, { lt: 1000000, partition: 1 }] },
    regions: { shardKey: 'code', algorithm: 'list', values: { no: 0, pe: 1, in: 1 } },
    people: { shardKey: 'name', algorithm: 'hash' },
    logs: { shardKey: 'day', algorithm: 'date', dateUnit: 'month' },
  }, [...DDL, ...data()], { dateStrings: true });
});

after(async () => {
  await d?.stop();
});

async function same(sql: string): Promise<void> {
  const [want] = await d.r.query(sql);
  const [got] = await d.s.query(sql);
  assert.deepEqual(got, want, sql);
}

test('queries by key, key range and without a key match one MariaDB', async () => {
  for (const sql of [
    'SELECT * FROM events WHERE eid = 38', 'SELECT * FROM events WHERE eid BETWEEN 900 AND 1200 ORDER BY eid',
    'SELECT * FROM events WHERE eid < 100 ORDER BY eid', 'SELECT kind, COUNT(*) AS n FROM events GROUP BY kind ORDER BY kind',
    "SELECT * FROM regions WHERE code IN ('pe', 'no') ORDER BY code", 'SELECT * FROM regions ORDER BY name',
    "SELECT * FROM people WHERE name = 'Dora'", "SELECT * FROM people WHERE name = 'DORA'", 'SELECT * FROM people ORDER BY age DESC LIMIT 5',
    "SELECT * FROM logs WHERE day = '2026-03-03'", "SELECT COUNT(*) AS n FROM logs WHERE day BETWEEN '2026-02-01' AND '2026-04-30'",
    'SELECT MONTH(day) AS m, COUNT(*) AS n FROM logs GROUP BY MONTH(day) ORDER BY m',
  ]) await same(sql);
});

test('rows sit where the formulas say (checked with SQL on the backends)', async () => {
  // range: eid < 1000 -> partition 0, else 1
  const e0 = await d.c.dbs[0].sql('SELECT COUNT(*), COALESCE(MAX(eid), 0) FROM shop_0.events');
  const e1 = await d.c.dbs[1].sql('SELECT COUNT(*), COALESCE(MIN(eid), 0) FROM shop_1.events');
  const [n0, max0] = e0.trim().split('\t').map(Number);
  const [n1, min1] = e1.trim().split('\t').map(Number);
  assert.equal(n0 + n1, 60);
  assert.ok(max0 < 1000 && (n1 === 0 || min1 >= 1000), `range split at 1000: max ${max0} on 0, min ${min1} on 1`);
  // list: no -> 0; pe, in -> 1
  assert.equal((await d.c.dbs[0].sql('SELECT GROUP_CONCAT(code ORDER BY code) FROM shop_0.regions')).trim(), 'no');
  assert.equal((await d.c.dbs[1].sql('SELECT GROUP_CONCAT(code ORDER BY code) FROM shop_1.regions')).trim(), 'in,pe');
  // date by month: index = year * 12 + month - 1, partition = index mod 2 (MariaDB computes it here)
  for (const p of [0, 1]) {
    const wrong = await d.c.dbs[p].sql(`SELECT COUNT(*) FROM shop_${p}.logs WHERE MOD(YEAR(day) * 12 + MONTH(day) - 1, 2) <> ${p}`);
    assert.equal(wrong.trim(), '0', `logs on partition ${p}`);
  }
  // hash: CRC-32 of the lower-cased key, mod 2 (MariaDB's CRC32 computes it here)
  for (const p of [0, 1]) {
    const wrong = await d.c.dbs[p].sql(`SELECT COUNT(*) FROM shop_${p}.people WHERE MOD(CRC32(LOWER(name)), 2) <> ${p}`);
    assert.equal(wrong.trim(), '0', `people on partition ${p}`);
  }
});

test('a key outside every range or list value is refused with a message that says what to change', async () => {
  await assert.rejects(d.s.query("INSERT INTO events (eid, kind) VALUES (5000000, 'x')"), (e: { message: string }) => /matches no partition/.test(e.message));
  await assert.rejects(d.s.query("INSERT INTO regions (code, name) VALUES ('us', 'USA')"), (e: { message: string }) => /extend the rule's ranges or values/.test(e.message));
});

test('COM_FIELD_LIST (table-name completion) on a sharded schema lists the logical table\'s columns', async () => {
  const conn = await BackendConnection.connect({ name: 'sluice', host: '127.0.0.1', port: d.c.port, user: 'app', password: 'pw', connectTimeoutMs: 5000 }, 0, 'shop');
  try {
    const names: string[] = [];
    const framer = new PacketFramer((p) => {
      if (p[0] === 0xfe && p.length < 9) { done(); return; }
      if (p[0] === 0xff) { done(); return; }
      names.push(decodeColumnDef(p).name);
    });
    let done!: () => void;
    const finished = new Promise<void>((r) => { done = r; });
    conn.takeOverReads((chunk) => framer.push(chunk));
    const payload = Buffer.concat([Buffer.from([Com.FIELD_LIST]), Buffer.from('logs\0')]);
    conn.socket.write(Buffer.concat([Buffer.from([payload.length, 0, 0, 0]), payload]));
    await finished;
    assert.deepEqual(names, ['id', 'day', 'msg']);
  } finally {
    conn.destroy();
  }
});

test('a sharded prepared statement executed with a cursor is fetched in pieces', async () => {
  const conn = await BackendConnection.connect({ name: 'sluice', host: '127.0.0.1', port: d.c.port, user: 'app', password: 'pw', connectTimeoutMs: 5000 }, 0, 'shop');
  try {
    const stmt = await conn.prepare('SELECT eid, kind FROM events WHERE eid < 200 ORDER BY eid');
    const { packets, send, until } = rawPackets(conn);
    send(executePacket(stmt.id, 0x01));
    await until(() => packets.some(isEnd));
    const meta = packets.splice(0);
    assert.equal(meta[0][0], 2);
    assert.ok(meta[meta.length - 1].readUInt16LE(3) & 0x40, 'SERVER_STATUS_CURSOR_EXISTS');
    send(fetchPacket(stmt.id, 4));
    await until(() => packets.some(isEnd));
    const first = packets.splice(0);
    assert.equal(first.length, 5);
    // binary row: 0x00, NULL bitmap (1 byte for 2 columns), eid as a 4-byte int
    assert.deepEqual(first.slice(0, 4).map((r) => r.readInt32LE(2)), [1, 38, 75, 112]);
    assert.ok(first[4].readUInt16LE(3) & 0x40);
    send(fetchPacket(stmt.id, 100));
    await until(() => packets.some(isEnd));
    const rest = packets.splice(0);
    assert.deepEqual(rest.slice(0, -1).map((r) => r.readInt32LE(2)), [149, 186]);
    assert.ok(rest[rest.length - 1].readUInt16LE(3) & 0x80, 'SERVER_STATUS_LAST_ROW_SENT');
  } finally {
    conn.destroy();
  }
});
