// Worker threads under real sessions: connections spread over all workers, a killed worker is
// replaced while the other workers' clients keep working, and a stopped backend gives a clean error
// while other schemas keep being served.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import mysql from 'mysql2/promise';
import { startCluster, backendOf, type Cluster } from '../helpers/cluster';

let c: Cluster;

before(async () => {
  c = await startCluster({
    backends: 2,
    setup: (_db, i) => `CREATE DATABASE app_db CHARACTER SET utf8mb4; CREATE TABLE app_db.t (v INT); INSERT INTO app_db.t VALUES (${i + 1});`,
    config: ([a, b]) => ({
      users: [{ user: 'app', password: 'pw', schemas: ['*'] }],
      backends: { a: backendOf(a), b: backendOf(b, { connectTimeoutMs: 2000 }) },
      schemas: { one: { backend: 'a', database: 'app_db' }, two: { backend: 'b', database: 'app_db' } },
    }),
    threads: 2,
  });
});

after(async () => {
  await c?.stop();
});

const connect = (database = 'one') =>
  mysql.createConnection({ host: '127.0.0.1', port: c.port, user: 'app', password: 'pw', database });

/** Polls until check() is true (readiness by checks, not sleeps). */
async function until(check: () => boolean | Promise<boolean>, what: string, timeoutMs = 15_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

test('connections spread over both workers and a killed worker is replaced', async () => {
  const conns = await Promise.all(Array.from({ length: 6 }, () => connect()));
  try {
    for (const conn of conns) assert.deepEqual((await conn.query('SELECT v FROM t'))[0], [{ v: 1 }]);
    const spread = c.sluice.workers().map((w) => w.connections);
    assert.deepEqual(spread, [3, 3], `connections per worker: ${spread}`);

    // Kill worker 0. Its clients lose their connections; worker 1's clients must not notice.
    const victim = c.sluice.workerThread(0)!;
    await victim.terminate();
    const alive: mysql.Connection[] = [];
    for (const conn of conns) {
      try {
        await conn.query('SELECT 1');
        alive.push(conn);
      } catch {
        // a connection of the killed worker
      }
    }
    assert.equal(alive.length, 3, 'exactly the other worker\'s three clients survive');
    for (const conn of alive) assert.deepEqual((await conn.query('SELECT v FROM t'))[0], [{ v: 1 }]);

    await until(() => c.sluice.workers().every((w) => w.ready), 'the replacement worker');
    const fresh = await Promise.all(Array.from({ length: 4 }, () => connect()));
    for (const conn of fresh) assert.deepEqual((await conn.query('SELECT v FROM t'))[0], [{ v: 1 }]);
    assert.ok(c.sluice.workers()[0].connections >= 1, 'the replacement worker takes new connections');
    await Promise.all(fresh.map((f) => f.end()));
  } finally {
    await Promise.all(conns.map((conn) => conn.end().catch(() => undefined)));
  }
});

test('a stopped backend gets a clean ERR naming it; other schemas keep working', async () => {
  const one = await connect('one');
  const two = await connect('two');
  try {
    assert.deepEqual((await two.query('SELECT v FROM t'))[0], [{ v: 2 }]);
    await c.dbs[1].stop();
    // The pooled connection died with the server; the statement in flight (or the reconnect) fails.
    const err = await two.query('SELECT v FROM t').then(() => null, (e: { errno: number; message: string }) => e);
    assert.ok(err, 'the query on a stopped backend fails');
    assert.ok([2003, 2013].includes(err.errno), `errno ${err.errno}`);
    const err2 = await two.query('SELECT v FROM t').then(() => null, (e: { errno: number; message: string }) => e);
    assert.equal(err2?.errno, 2003);
    assert.match(err2!.message, /backend 'b' \(127\.0\.0\.1:\d+\)/);
    // The session survives the error, and other schemas are untouched.
    assert.deepEqual((await one.query('SELECT v FROM t'))[0], [{ v: 1 }]);
    const three = await connect('one');
    assert.deepEqual((await three.query('SELECT v FROM t'))[0], [{ v: 1 }]);
    await three.end();
  } finally {
    await one.end();
    await two.end().catch(() => undefined);
  }
});

test('/metrics counts the statements, their latency and the backend round trips of real sessions', async () => {
  const conn = await connect('one');
  for (let i = 0; i < 5; i++) await conn.query('SELECT v FROM t');
  await conn.end();
  const { host, port } = c.sluice.metricsAddress!;
  const text = await (await fetch(`http://${host}:${port}/metrics`)).text();
  const value = (name: string) => Number(new RegExp(`^${name}(?:\\{[^}]*\\})? (\\S+)$`, 'm').exec(text)?.[1] ?? NaN);
  assert.ok(value('sluice_query_duration_seconds_count') >= 5, 'statement latencies recorded');
  assert.ok(value('sluice_backend_duration_seconds_count') >= 5, 'backend round trips recorded');
  assert.ok(/sluice_queries_total\{kind="select"\} [1-9]/.test(text), 'selects counted');
  assert.ok(/sluice_backend_connects_total\{backend="a"\} [1-9]/.test(text), 'backend connects counted');
});

test('/metrics shows each backend\'s pooled connections as busy or idle, summed over the workers', async () => {
  const { host, port } = c.sluice.metricsAddress!;
  const gauge = async (state: string) => {
    const text = await (await fetch(`http://${host}:${port}/metrics`)).text();
    return Number(new RegExp(`^sluice_backend_connections\\{backend="a",state="${state}"\\} (\\S+)$`, 'm').exec(text)?.[1] ?? NaN);
  };
  const conn = await connect('one');
  await conn.query('BEGIN');
  await conn.query('SELECT v FROM t FOR UPDATE'); // the transaction keeps its backend connection
  await until(async () => (await gauge('busy')) >= 1, 'a connection lent to the open transaction');
  const idleDuring = await gauge('idle');
  await conn.query('COMMIT');
  await until(async () => (await gauge('busy')) === 0, 'the connection back in the pool after COMMIT');
  assert.equal(await gauge('idle'), idleDuring + 1);
  await conn.end();
});
