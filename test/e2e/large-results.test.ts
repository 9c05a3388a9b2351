// Large results through a slow client: backpressure pauses the backends, and everything resumes —
// the connection and the pooled backend connections keep working afterwards.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { BackendConnection, type StreamListener } from '../../src/backend/connection';
import { startCluster, backendOf, type Cluster } from '../helpers/cluster';

let c: Cluster;
const ROWS = 20_000; // per partition, ~250 bytes each: ~10 MB in all, far past socket buffers

before(async () => {
  c = await startCluster({
    backends: 2,
    setup: (_db, i) => `CREATE DATABASE big_${i}; USE big_${i}; CREATE TABLE big (id INT PRIMARY KEY, pad CHAR(240));
      INSERT INTO big SELECT seq * 2 + ${i}, REPEAT('x', 240) FROM seq_0_to_${ROWS - 1};
      CREATE DATABASE fwd_db; USE fwd_db; CREATE TABLE big (id INT PRIMARY KEY, pad CHAR(240));
      INSERT INTO big SELECT seq, REPEAT('y', 240) FROM seq_1_to_${ROWS};`,
    config: ([a, b]) => ({
      users: [{ user: 'app', password: 'pw', schemas: ['*'] }],
      backends: { db1: backendOf(a, { min: 0, max: 2 }), db2: backendOf(b, { min: 0, max: 2 }) },
      schemas: {
        shop: { partitions: [{ write: 'db1', database: 'big_0' }, { write: 'db2', database: 'big_1' }], tables: { big: { shardKey: 'id', algorithm: 'mod' } } },
        fwd: { backend: 'db1', database: 'fwd_db' },
      },
    }),
    threads: 1,
  });
});

after(async () => {
  await c?.stop();
});

/**
 * Streams a query reading slowly (a pause every 1,000 rows), so sluice's writes to this client back
 * up again and again, up to the last rows.
 */
function slowRead(conn: BackendConnection, sql: string): Promise<number> {
  return new Promise((resolve, reject) => {
    let rows = 0;
    const l: StreamListener = {
      columns() {},
      row() {
        if (++rows % 1000 === 0) {
          setTimeout(() => conn.resume(), 15);
          return false;
        }
        return true;
      },
      end(_ok, err) { if (err) reject(new Error(err.message)); else resolve(rows); },
      fail: reject,
    };
    conn.stream(sql, l);
  });
}

for (const schema of ['shop', 'fwd']) {
  test(`a slow client reading a large ${schema === 'shop' ? 'scatter' : 'forwarded'} result, then more statements`, async () => {
    const conn = await BackendConnection.connect({ name: 'sluice', host: '127.0.0.1', port: c.port, user: 'app', password: 'pw', connectTimeoutMs: 5000 }, 0, schema);
    try {
      const total = schema === 'shop' ? 2 * ROWS : ROWS;
      assert.equal(await slowRead(conn, 'SELECT id, pad FROM big'), total);
      // The same session, and (pool max 2) the same backend connections, answer again.
      for (let i = 0; i < 3; i++) {
        assert.deepEqual((await conn.query('SELECT COUNT(*) FROM big')).rows, [[String(total)]]);
        assert.equal(await slowRead(conn, 'SELECT id, pad FROM big WHERE id < 5000'), schema === 'shop' ? 4999 + 1 : 4999);
      }
    } finally {
      conn.destroy();
    }
  });
}
