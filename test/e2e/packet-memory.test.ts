// Packets assembled in the global slab pool, end to end against MariaDB: rows and statements over
// 16 MiB through the sharded merge and forwarding, split packets stalling on a nearly exhausted
// pool and resuming, packets over maxQueryMemoryMB refused, and the pool's bytes back to 0 after each.
import { test, before, after, afterEach } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { BackendConnection } from '../../src/backend/connection';
import { PAGE_BYTES } from '../../src/memory/slab-layout';
import type { Slab } from '../../src/memory/slab-pool';
import { SqlError, ErrorCode } from '../../src/protocol/errors';
import { startCluster, backendOf, type Cluster } from '../helpers/cluster';
import { rawPackets } from '../helpers/raw-packets';
import { cat, int4, lenStr } from '../protocol/helpers/wire';

const MiB = 1024 * 1024;
const SHARE_MB = 24;
let c: Cluster;

before(async () => {
  c = await startCluster({
    backends: 2,
    setup: (_db, i) => `CREATE DATABASE shard_${i}; USE shard_${i}; CREATE TABLE big (id INT PRIMARY KEY, b LONGBLOB);
      CREATE DATABASE fwd_db; USE fwd_db; CREATE TABLE big (id INT PRIMARY KEY, b LONGBLOB);`,
    config: ([a, b]) => ({
      bufferPoolMB: 64,
      maxQueryMemoryMB: SHARE_MB,
      users: [{ user: 'app', password: 'pw', schemas: ['*'] }],
      backends: { db1: backendOf(a, { min: 0, max: 4 }), db2: backendOf(b, { min: 0, max: 4 }) },
      schemas: {
        shop: { partitions: [{ write: 'db1', database: 'shard_0' }, { write: 'db2', database: 'shard_1' }], tables: { big: { shardKey: 'id', algorithm: 'mod' } } },
        fwd: { backend: 'db1', database: 'fwd_db' },
      },
    }),
    threads: 1,
  });
});

after(async () => {
  await c?.stop();
});

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

afterEach(async () => {
  // Every slab a framer took is back (releases happen in the worker thread: allow a moment).
  for (let i = 0; i < 100 && c.sluice.slabPool.stats().bytesInUse > 0; i++) await sleep(20);
  assert.equal(c.sluice.slabPool.stats().bytesInUse, 0, 'slab bytes in use after the test');
});

function connect(schema: string): Promise<BackendConnection> {
  return BackendConnection.connect({ name: 'sluice', host: '127.0.0.1', port: c.port, user: 'app', password: 'pw', connectTimeoutMs: 5000 }, 0, schema);
}

/** n bytes of text that differ along the way (a copy shifted or taken from another row shows). */
function pattern(n: number, salt: number): string {
  const unit = `${salt}:abcdefghijklmnopqrstuvwxyz0123456789-`;
  return unit.repeat(Math.ceil(n / unit.length)).slice(0, n);
}

const md5 = (s: string) => createHash('md5').update(s, 'latin1').digest('hex');

function stalls(): number {
  return c.sluice.metrics.snapshot().total.counters.framerStalls;
}

/** Takes every free page of sluice's pool from this thread, so the worker's next slab must wait. */
function exhaust(): Slab[] {
  const held: Slab[] = [];
  for (let s = c.sluice.slabPool.allocate(PAGE_BYTES); s !== null; s = c.sluice.slabPool.allocate(PAGE_BYTES)) held.push(s);
  return held;
}

async function until(cond: () => boolean, what: string): Promise<void> {
  for (let i = 0; i < 500 && !cond(); i++) await sleep(10);
  assert.ok(cond(), `timed out: ${what}`);
}

test('a >16 MiB row among split rows through a sharded ORDER BY merge', async () => {
  const conn = await connect('shop');
  try {
    // Rows of both shards interleave in the merge; the big one and the split ones are assembled in pool slabs.
    const sizes: Record<number, number> = { 1: 1000, 2: 200_000, 3: 17 * MiB + 3, 4: 70_000, 5: 5, 6: 300_000, 7: 0xffffff - 9, 8: 10 };
    for (const [id, n] of Object.entries(sizes)) await conn.query(`INSERT INTO big VALUES (${id}, REPEAT(CHAR(${64 + Number(id)}), ${n}))`);
    for (const order of ['ASC', 'DESC']) {
      const r = await conn.query(`SELECT id, b FROM big ORDER BY id ${order}`);
      const ids = r.rows.map((row) => Number(row[0]));
      assert.deepEqual(ids, order === 'ASC' ? [1, 2, 3, 4, 5, 6, 7, 8] : [8, 7, 6, 5, 4, 3, 2, 1]);
      for (const row of r.rows) {
        const id = Number(row[0]);
        const want = String.fromCharCode(64 + id).repeat(sizes[id]);
        assert.ok(row[1] === want, `row ${id}: ${row[1]!.length} bytes, want ${want.length}, intact`);
      }
    }
  } finally {
    await conn.query('DELETE FROM big').catch(() => {});
    conn.destroy();
  }
});

for (const schema of ['fwd', 'shop']) {
  test(`${schema}: a client INSERT over 16 MiB is reassembled in the pool and arrives intact; the row reads back`, async () => {
    const conn = await connect(schema);
    try {
      const data = pattern(17 * MiB + 11, 7);
      const ok = await conn.query(`INSERT INTO big VALUES (4, '${data}')`);
      assert.equal(ok.ok?.affectedRows, 1);
      const r = await conn.query('SELECT LENGTH(b), MD5(b) FROM big WHERE id = 4');
      assert.deepEqual(r.rows, [[String(data.length), md5(data)]]);
      const whole = await conn.query('SELECT b FROM big WHERE id = 4');
      assert.ok(whole.rows[0][0] === data, 'the row read back whole');
    } finally {
      await conn.query('DELETE FROM big').catch(() => {});
      conn.destroy();
    }
  });
}

test('split packets under an exhausted pool: the client side and the shard side stall, then resume with correct results', async () => {
  const conn = await connect('shop');
  let held: Slab[] = [];
  try {
    // Client side: a 300 kB statement spans several reads; its assembly waits for the pool.
    const data = pattern(300_000, 3);
    held = exhaust();
    const before = stalls();
    let done = false;
    const insert = conn.query(`INSERT INTO big VALUES (2, '${data}'), (3, '${data.toUpperCase()}')`).finally(() => (done = true));
    await until(() => stalls() > before, 'the session framer stalls');
    await sleep(100);
    assert.equal(done, false, 'the statement waits while the pool is full');
    held.forEach((s) => s.release());
    held = [];
    assert.equal((await insert).ok?.affectedRows, 2);

    // Shard side: each shard's 300 kB row spans reads of the backend connection.
    held = exhaust();
    const mid = stalls();
    done = false;
    const select = conn.query('SELECT id, b FROM big ORDER BY id').finally(() => (done = true));
    await until(() => stalls() > mid, 'a backend framer stalls');
    await sleep(100);
    assert.equal(done, false);
    held.forEach((s) => s.release());
    held = [];
    const r = await select;
    assert.deepEqual(r.rows.map((row) => row[0]), ['2', '3']);
    assert.ok(r.rows[0][1] === data && r.rows[1][1] === data.toUpperCase(), 'rows intact');
    assert.ok(c.sluice.metrics.snapshot().total.counters.slabWaits >= 2);
  } finally {
    held.forEach((s) => s.release());
    await conn.query('DELETE FROM big').catch(() => {});
    conn.destroy();
  }
});

test('a shard row over maxQueryMemoryMB is ERR 1041 naming it; the session goes on, and forwarding relays such a row', async () => {
  const conn = await connect('shop');
  const fwd = await connect('fwd');
  try {
    await conn.query(`INSERT INTO big VALUES (1, 'small'), (2, REPEAT('z', ${30 * MiB})), (3, 'small too')`);
    await assert.rejects(conn.query('SELECT id, b FROM big ORDER BY id'), (e: unknown) => {
      assert.ok(e instanceof SqlError);
      assert.equal(e.errno, ErrorCode.ER_OUT_OF_RESOURCES);
      assert.match(e.message, /maxQueryMemoryMB \(24 MB\)/);
      assert.match(e.message, /raise maxQueryMemoryMB/);
      return true;
    });
    assert.ok(c.sluice.metrics.snapshot().total.counters.slabRefusals >= 1);
    // The same session answers again, the shards too (the backend connection that read half a row was dropped).
    assert.deepEqual((await conn.query('SELECT id, LENGTH(b) FROM big ORDER BY id')).rows, [['1', '5'], ['2', String(30 * MiB)], ['3', '9']]);
    // Forwarding relays a response without assembling it: no share applies.
    await fwd.query(`INSERT INTO big VALUES (5, REPEAT('q', ${30 * MiB}))`);
    const r = await fwd.query('SELECT b FROM big WHERE id = 5');
    assert.equal(r.rows[0][0]!.length, 30 * MiB);
  } finally {
    await conn.query('DELETE FROM big').catch(() => {});
    await fwd.query('DELETE FROM big').catch(() => {});
    conn.destroy();
    fwd.destroy();
  }
});

test('a client packet over maxQueryMemoryMB is ERR 1153 and the connection closes, as MySQL does past max_allowed_packet', async () => {
  const conn = await connect('fwd');
  try {
    await assert.rejects(conn.query(`INSERT INTO big VALUES (9, '${'x'.repeat(30 * MiB)}')`), (e: unknown) => {
      assert.ok(e instanceof SqlError);
      assert.equal(e.errno, ErrorCode.ER_NET_PACKET_TOO_LARGE);
      assert.match(e.message, /maxQueryMemoryMB \(24 MB\)/);
      return true;
    });
    await until(() => conn.closed, 'sluice closes the connection');
    const again = await connect('fwd');
    assert.deepEqual((await again.query('SELECT COUNT(*) FROM big')).rows, [['0']]);
    again.destroy();
  } finally {
    conn.destroy();
  }
});

for (const schema of ['fwd', 'shop']) {
  test(`${schema}: pipelined prepared executes with split parameters keep their own data (a kept slab view would not)`, async () => {
    const conn = await connect(schema);
    try {
      const { packets, send, until: arrived } = rawPackets(conn);
      send(Buffer.from('\x16INSERT INTO big (id, b) VALUES (?, ?)', 'latin1'));
      await arrived(() => packets.length >= 4); // PREPARE_OK, two parameter definitions, EOF
      const stmtId = packets[0].readUInt32LE(1);
      packets.splice(0);
      const values = [10, 11, 12, 13].map((id) => ({ id, data: pattern(150_000 + id, id) }));
      // COM_STMT_EXECUTE: id, flags, iterations, NULL bitmap, new-params-bound, types (LONG, STRING), values.
      for (const { id, data } of values) {
        send(cat([0x17], int4(stmtId), [0], int4(1), [0], [1], [0x03, 0, 0xfe, 0], int4(id), lenStr(Buffer.from(data, 'latin1'))));
      }
      await arrived(() => packets.length >= values.length);
      for (const p of packets) assert.equal(p[0], 0x00, `OK, not ${p.subarray(0, 80).toString('latin1')}`);
      const check = await connect(schema);
      const r = await check.query('SELECT id, MD5(b) FROM big ORDER BY id');
      assert.deepEqual(r.rows, values.map(({ id, data }) => [String(id), md5(data)]));
      await check.query('DELETE FROM big');
      check.destroy();
    } finally {
      conn.destroy();
    }
  });
}
