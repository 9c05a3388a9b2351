// A replica that cannot be reached, against a real MariaDB primary with two GTID replicas and sluice
// (two workers) in front: a read whose replica refuses connections or hangs on connect is answered by
// the other replica or the primary, the replica leaves every worker's rotation at the first failure
// (no connect timeout per read), and rejoins once it answers again; reads in flight when a replica
// dies run again elsewhere. Which server answered is told by @@server_id in the select list.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import net from 'node:net';
import { once } from 'node:events';
import mysql from 'mysql2/promise';
import { startMariaDB, startReplica, waitCaughtUp, type MariaDBInstance } from '../../scripts/sandbox';
import { resolveConfig } from '../../src/config';
import { startServer, type RunningServer } from '../../src/server';
import { createLogger } from '../../src/logger';
import { backendOf } from '../helpers/cluster';

/** The replicas' connect timeout: a read that waited for it would blow the time bounds below. */
const CONNECT_TIMEOUT_MS = 4000;
const ROWS = 10;

let primary: MariaDBInstance;
let r1: MariaDBInstance;
let r2: MariaDBInstance;
let sluice: RunningServer;
/** Clients spread over both workers (the acceptor balances by load). */
let conns: mysql.Connection[] = [];
/** A listener on r1's port that accepts and never greets: a server hung on connect. */
let silent: net.Server | null = null;
const silentSockets = new Set<net.Socket>();

before(async () => {
  primary = await startMariaDB({ logBin: true });
  [r1, r2] = await Promise.all([startReplica(primary), startReplica(primary)]);
  const values = (p: number) => Array.from({ length: ROWS }, (_, i) => i + 1).filter((id) => id % 2 === p).map((id) => `(${id}, 'n${id}')`).join(', ');
  await primary.sql(
    'CREATE DATABASE shop_0 CHARACTER SET utf8mb4; CREATE DATABASE shop_1 CHARACTER SET utf8mb4;' +
    ' CREATE TABLE shop_0.items (id INT PRIMARY KEY, note VARCHAR(20)); CREATE TABLE shop_1.items LIKE shop_0.items;' +
    ` INSERT INTO shop_0.items VALUES ${values(0)}; INSERT INTO shop_1.items VALUES ${values(1)};`);
  await Promise.all([waitCaughtUp(primary, r1), waitCaughtUp(primary, r2)]);
  const pool = { connectTimeoutMs: CONNECT_TIMEOUT_MS };
  const config = resolveConfig({
    listen: '127.0.0.1:0', threads: 2, logLevel: 'error', backendProbeIntervalMs: 200,
    users: [{ user: 'app', password: 'pw', schemas: ['*'] }],
    backends: { p: backendOf(primary), r1: backendOf(r1, pool), r2: backendOf(r2, pool) },
    schemas: {
      shop: {
        partitions: [0, 1].map((i) => ({ write: 'p', read: ['r1', 'r2'], database: `shop_${i}` })),
        tables: { items: { shardKey: 'id', algorithm: 'mod' } },
      },
    },
  });
  sluice = await startServer(config, { logger: createLogger('error'), metricsPort: 0 });
  conns = await Promise.all(Array.from({ length: 4 }, () =>
    mysql.createConnection({ host: '127.0.0.1', port: sluice.address.port, user: 'app', password: 'pw', database: 'shop' })));
  assert.deepEqual(sluice.workers().map((w) => w.connections), [2, 2]);
});

after(async () => {
  await Promise.all(conns.map((c) => c.end().catch(() => {})));
  await closeSilent();
  await sluice?.close();
  await Promise.all([r1, r2, primary].map((db) => db?.stop()));
});

async function closeSilent(): Promise<void> {
  if (!silent) return;
  for (const s of silentSockets) s.destroy();
  await new Promise<void>((resolve) => silent!.close(() => resolve()));
  silent = null;
}

type Row = mysql.RowDataPacket & { sid: number; id: number; note: string };

/**
 * Runs a mix of reads over every client connection in turn: point reads (text and prepared, both
 * partitions) and cross-partition reads. Checks each answer's rows and returns the server ids that answered.
 */
async function reads(rounds: number): Promise<Set<number>> {
  const seen = new Set<number>();
  for (let i = 0; i < rounds; i++) {
    const conn = conns[i % conns.length];
    const id = (i % ROWS) + 1;
    const [point] = await conn.query<Row[]>(`SELECT @@server_id AS sid, id, note FROM items WHERE id = ${id}`);
    assert.deepEqual(point.map((r) => [r.id, r.note]), [[id, `n${id}`]]);
    const [prepared] = await conn.execute<Row[]>('SELECT @@server_id AS sid, id, note FROM items WHERE id = ?', [id]);
    assert.deepEqual(prepared.map((r) => [r.id, r.note]), [[id, `n${id}`]]);
    for (const r of [...point, ...prepared]) seen.add(Number(r.sid));
    if (i % 5 === 0) {
      const [all] = await conn.query<Row[]>('SELECT @@server_id AS sid, id, note FROM items ORDER BY id');
      assert.deepEqual(all.map((r) => [r.id, r.note]), Array.from({ length: ROWS }, (_, k) => [k + 1, `n${k + 1}`]));
      for (const r of all) seen.add(Number(r.sid));
    }
  }
  return seen;
}

/** The sluice_backend_up gauge of each backend, from /metrics. */
async function backendUp(): Promise<Record<string, number>> {
  const { host, port } = sluice.metricsAddress!;
  const text = await (await fetch(`http://${host}:${port}/metrics`)).text();
  const up: Record<string, number> = {};
  for (const m of text.matchAll(/^sluice_backend_up\{backend="([^"]+)"\} (\d+)$/gm)) up[m[1]] = Number(m[2]);
  return up;
}

/** Open backend connections of each backend (busy + idle, summed over workers), from /metrics. */
async function backendConnections(): Promise<Record<string, number>> {
  const { host, port } = sluice.metricsAddress!;
  const text = await (await fetch(`http://${host}:${port}/metrics`)).text();
  const open: Record<string, number> = {};
  for (const m of text.matchAll(/^sluice_backend_connections\{backend="([^"]+)",state="\w+"\} (\d+)$/gm)) open[m[1]] = (open[m[1]] ?? 0) + Number(m[2]);
  return open;
}

/** Polls check() until it holds (errors count as not yet), bounded. */
async function until(check: () => Promise<boolean>, what: string, timeoutMs = 15_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let last: unknown;
  for (;;) {
    try {
      if (await check()) return;
    } catch (e) {
      last = e;
    }
    if (Date.now() > deadline) assert.fail(`${what} not within ${timeoutMs} ms${last ? `; last error: ${String(last)}` : ''}`);
    await new Promise((r) => setTimeout(r, 50)); // poll interval of a routing check
  }
}

test('with both replicas up, reads rotate over them', async () => {
  assert.deepEqual(await reads(20), new Set([r1.serverId, r2.serverId]));
  assert.deepEqual(await backendUp(), { p: 1, r1: 1, r2: 1 });
});

test('a replica that hangs on connect: reads are answered by the other, and only the first waits', async () => {
  await r1.kill();
  // Its port now accepts connections and never sends a greeting: each connect would wait CONNECT_TIMEOUT_MS.
  silent = net.createServer((s) => { silentSockets.add(s); s.on('close', () => silentSockets.delete(s)); });
  silent.listen(r1.port, '127.0.0.1');
  await once(silent, 'listening');
  // Reads until one picked r1: it waited one connect timeout, then r2 answered it; r1 is marked down.
  const started = Date.now();
  while ((await backendUp()).r1 !== 0) {
    assert.deepEqual(await reads(1), new Set([r2.serverId]));
    assert.ok(Date.now() - started < 3 * CONNECT_TIMEOUT_MS, 'no read met r1 hanging');
  }
  // From then on no read of either worker waits for r1 (one wait would take CONNECT_TIMEOUT_MS).
  const next = Date.now();
  assert.deepEqual(await reads(20), new Set([r2.serverId]));
  const elapsed = Date.now() - next;
  assert.ok(elapsed < CONNECT_TIMEOUT_MS, `20 rounds of reads over both workers took ${elapsed} ms (connect timeout ${CONNECT_TIMEOUT_MS} ms)`);
});

test('with both replicas gone, reads go to the primary without waiting', async () => {
  await r2.kill();
  const started = Date.now();
  assert.deepEqual(await reads(20), new Set([primary.serverId]));
  const elapsed = Date.now() - started;
  assert.ok(elapsed < CONNECT_TIMEOUT_MS, `20 rounds of reads took ${elapsed} ms`);
  assert.deepEqual(await backendUp(), { p: 1, r1: 0, r2: 0 });
});

test('a read inside a transaction goes to the primary, as always', async () => {
  const conn = conns[0];
  await conn.query('BEGIN');
  const [rows] = await conn.query<Row[]>('SELECT @@server_id AS sid, id, note FROM items WHERE id = 3');
  const [all] = await conn.query<Row[]>('SELECT @@server_id AS sid, id FROM items ORDER BY id');
  await conn.query('COMMIT');
  assert.deepEqual(rows.map((r) => [Number(r.sid), r.id, r.note]), [[primary.serverId, 3, 'n3']]);
  assert.deepEqual(new Set(all.map((r) => Number(r.sid))), new Set([primary.serverId]));
});

test('a replica that answers again rejoins the rotation of every worker', async () => {
  await closeSilent();
  await r1.restart();
  await waitCaughtUp(primary, r1);
  await until(async () => {
    const seen = await reads(conns.length); // one round per client: both workers
    return seen.size === 1 && seen.has(r1.serverId);
  }, 'reads on every worker served by the restarted r1');
  assert.deepEqual(await backendUp(), { p: 1, r1: 1, r2: 0 });
});

test('reads in flight on a replica that dies run again on another server (none of their answer was sent)', async () => {
  // r2 is down, so r1 serves every read: a point read, a prepared one and both units of a cross-partition read.
  const point = conns[0].query<Row[]>('SELECT SLEEP(1) AS s, @@server_id AS sid, id, note FROM items WHERE id = 1');
  const prepared = conns[1].execute<Row[]>('SELECT SLEEP(?) AS s, @@server_id AS sid, id, note FROM items WHERE id = ?', [1, 4]);
  const all = conns[2].query<Row[]>('SELECT @@server_id AS sid, id, note FROM items WHERE SLEEP(0.2) = 0 ORDER BY id');
  const running = async () => Number(await r1.sql("SELECT COUNT(*) FROM information_schema.PROCESSLIST WHERE INFO LIKE '%SLEEP(%' AND ID <> CONNECTION_ID()"));
  await until(async () => (await running()) === 4, 'the four reads running on r1');
  await r1.kill();
  const answers = await Promise.all([point, prepared, all]);
  assert.deepEqual(answers[0][0].map((r) => [Number(r.sid), r.id, r.note]), [[primary.serverId, 1, 'n1']]);
  assert.deepEqual(answers[1][0].map((r) => [Number(r.sid), r.id, r.note]), [[primary.serverId, 4, 'n4']]);
  assert.deepEqual(answers[2][0].map((r) => [Number(r.sid), r.id, r.note]), Array.from({ length: ROWS }, (_, k) => [primary.serverId, k + 1, `n${k + 1}`]));
});

test('with every replica and the primary unreachable, a read gets ERR 2003 naming them', async () => {
  await Promise.all([r1.kill(), primary.kill()]);
  // Pooled connections to the killed servers would end a read with ERR 2013 (lost before the answer)
  // if sluice had not yet read their close: this test is about servers that cannot be reached.
  await until(async () => { const open = await backendConnections(); return !open.r1 && !open.p; }, 'sluice to see the killed servers\' connections close');
  for (const sql of ['SELECT id FROM items WHERE id = 2', 'SELECT id FROM items ORDER BY id']) {
    await assert.rejects(conns[1].query(sql), (e: { errno?: number; message: string }) => {
      assert.equal(e.errno, 2003, e.message);
      // The servers it tried by their connect errors, the ones already known down by name.
      for (const name of [/\br1\b/, /'p'/, /\br2\b/]) assert.match(e.message, name);
      return true;
    });
  }
});
