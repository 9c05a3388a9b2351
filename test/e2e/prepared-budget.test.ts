// Backend prepared statements are bounded: closed when no client statement refers to them (a few
// recently used ones kept per connection), all workers together within maxBackendPreparedStatements,
// and a server at its max_prepared_stmt_count (ERR 1461) gets statements closed and one retry before
// the client sees a clear ERR 1461. The server's Prepared_stmt_count is the measure.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import mysql from 'mysql2/promise';
import { startCluster, backendOf, type Cluster } from '../helpers/cluster';
import { KEEP_UNREFERENCED } from '../../src/backend/statement-cache';

let c: Cluster;
let budgeted: Cluster;
const BUDGET = 10;

const setup = () => 'CREATE DATABASE app CHARACTER SET utf8mb4; CREATE TABLE app.t (id INT PRIMARY KEY, v INT); INSERT INTO app.t VALUES (1, 10), (2, 20);';

before(async () => {
  [c, budgeted] = await Promise.all([
    startCluster({
      backends: 1,
      setup,
      config: ([db]) => ({
        users: [{ user: 'app', password: 'pw', schemas: ['*'] }],
        backends: { db1: backendOf(db, { min: 0, max: 4 }) },
        schemas: { app: { backend: 'db1', database: 'app' } },
      }),
      threads: 1,
    }),
    startCluster({
      backends: 1,
      setup,
      config: ([db]) => ({
        maxBackendPreparedStatements: BUDGET,
        users: [{ user: 'app', password: 'pw', schemas: ['*'] }],
        backends: { db1: backendOf(db, { min: 0, max: 4 }) },
        schemas: { app: { backend: 'db1', database: 'app' } },
      }),
      threads: 2,
    }),
  ]);
});

after(async () => {
  await Promise.all([c?.stop(), budgeted?.stop()]);
});

const connect = (cl: Cluster) => mysql.createConnection({ host: '127.0.0.1', port: cl.port, user: 'app', password: 'pw', database: 'app' });

/** The server's count of open prepared statements (all clients). */
async function serverCount(cl: Cluster): Promise<number> {
  const out = await cl.dbs[0].sql("SHOW GLOBAL STATUS LIKE 'Prepared_stmt_count'");
  return Number(/Prepared_stmt_count\s+(\d+)/.exec(out)![1]);
}

/** sluice's gauge of backend prepared statements, summed over workers. */
const gauge = (cl: Cluster) => cl.sluice.metrics.snapshot().total.counters.backendPreparedStatements;

/** Polls until the server's count satisfies ok (COM_STMT_CLOSE has no reply: the server gets to it when it does). */
async function settledCount(cl: Cluster, ok: (n: number) => boolean): Promise<number> {
  const deadline = Date.now() + 10_000;
  for (;;) {
    const n = await serverCount(cl);
    if (ok(n) || Date.now() > deadline) return n;
    await new Promise((r) => setTimeout(r, 50));
  }
}

test('300 prepare+execute+close cycles keep the server\'s Prepared_stmt_count bounded', async () => {
  const base = await serverCount(c);
  const s = await connect(c);
  try {
    for (let i = 0; i < 300; i++) {
      const stmt = await s.prepare(`SELECT v + ${i} AS w FROM t WHERE id = ?`);
      const [rows] = await stmt.execute([1]);
      assert.deepEqual(rows, [{ w: 10 + i }]);
      stmt.close();
    }
    await s.query('SELECT 1'); // the last close has been read
  } finally {
    await s.end();
  }
  // Each connection keeps at most KEEP_UNREFERENCED statements no client refers to; one client used one or two.
  const bound = base + 2 * KEEP_UNREFERENCED;
  const n = await settledCount(c, (v) => v <= bound && v - base === gauge(c));
  assert.ok(n <= bound, `Prepared_stmt_count went from ${base} to ${n} (bound ${bound})`);
  assert.equal(gauge(c), n - base, 'sluice\'s gauge matches the server\'s count');
});

test('the budget holds over all workers: clients holding 20 statements each never open more than maxBackendPreparedStatements', async () => {
  const base = await serverCount(budgeted);
  const clients = await Promise.all([connect(budgeted), connect(budgeted)]);
  try {
    const stmts = await Promise.all(clients.map(async (s, k) => {
      const list = [];
      for (let i = 0; i < 20; i++) list.push(await s.prepare(`SELECT v * ${k * 100 + i} AS w FROM t WHERE id = ?`));
      return list;
    }));
    for (let round = 0; round < 2; round++) {
      await Promise.all(clients.map(async (_s, k) => {
        for (let i = 0; i < 20; i++) {
          const [rows] = await stmts[k][i].execute([2]);
          assert.deepEqual(rows, [{ w: 20 * (k * 100 + i) }]);
          // Each worker holds at most its share (BUDGET / threads), so the sum never passes the budget.
          assert.ok(gauge(budgeted) <= BUDGET, `gauge ${gauge(budgeted)} over the budget`);
        }
      }));
    }
    const n = await settledCount(budgeted, (v) => v - base <= BUDGET);
    assert.ok(n - base <= BUDGET, `the server has ${n - base} statements of sluice's open (budget ${BUDGET})`);
    const metrics = await (await fetch(`http://127.0.0.1:${budgeted.sluice.metricsAddress!.port}/metrics`)).text();
    const exposed = Number(/^sluice_backend_prepared_statements (\d+)$/m.exec(metrics)![1]);
    assert.ok(exposed > 0 && exposed <= BUDGET, `sluice_backend_prepared_statements ${exposed}`);
  } finally {
    await Promise.all(clients.map((s) => s.end()));
  }
});

test('a server at max_prepared_stmt_count: sluice closes statements and retries; only when nothing helps the client gets ERR 1461, and goes on', async () => {
  await c.dbs[0].sql('SET GLOBAL max_prepared_stmt_count = 12');
  const s = await connect(c);
  try {
    const stmts = [];
    for (let i = 0; i < 30; i++) {
      const stmt = await s.prepare(`SELECT v - ${i} AS w FROM t WHERE id = ?`);
      const [rows] = await stmt.execute([1]);
      assert.deepEqual(rows, [{ w: 10 - i }]);
      stmts.push(stmt);
    }
    for (let i = 29; i >= 0; i--) {
      const [rows] = await stmts[i].execute([2]);
      assert.deepEqual(rows, [{ w: 20 - i }]);
    }
    assert.ok(await serverCount(c) <= 12);

    // The server takes no statement at all: nothing sluice closes helps.
    await c.dbs[0].sql('SET GLOBAL max_prepared_stmt_count = 0');
    await assert.rejects(s.prepare('SELECT v * 7 AS w FROM t WHERE id = ?'), (e: { errno: number; sqlState: string; message: string }) => {
      assert.equal(e.errno, 1461);
      assert.equal(e.sqlState, '42000');
      assert.match(e.message, /max_prepared_stmt_count/);
      assert.match(e.message, /backend 'db1'/);
      return true;
    });
    const [rows] = await s.query('SELECT v FROM t WHERE id = 2');
    assert.deepEqual(rows, [{ v: 20 }], 'the session goes on');
    await c.dbs[0].sql('SET GLOBAL max_prepared_stmt_count = 12');
    const [again] = await stmts[0].execute([2]);
    assert.deepEqual(again, [{ w: 20 }], 'a statement closed on the backend is prepared again');
  } finally {
    await c.dbs[0].sql('SET GLOBAL max_prepared_stmt_count = 16382');
    await s.end();
  }
});
