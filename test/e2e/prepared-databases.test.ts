// A server resolves a prepared statement's tables in the database selected when it was prepared and
// keeps them after COM_INIT_DB. A pooled backend connection moves between databases (two forwarding
// schemas on one server, or the partitions of a sharded schema), so its cache of prepared statements
// must tell the same text prepared under two databases apart. With a pool of one connection every
// statement below runs on the same backend connection.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import mysql from 'mysql2/promise';
import { startCluster, backendOf, type Cluster } from '../helpers/cluster';

let c: Cluster;

before(async () => {
  c = await startCluster({
    backends: 1,
    setup: () => `
      CREATE DATABASE db_a; CREATE TABLE db_a.t (id INT PRIMARY KEY, v VARCHAR(8)); INSERT INTO db_a.t VALUES (1, 'a1'), (2, 'a2');
      CREATE DATABASE db_b; CREATE TABLE db_b.t (id INT PRIMARY KEY, v VARCHAR(8)); INSERT INTO db_b.t VALUES (1, 'b1'), (2, 'b2');
      CREATE DATABASE part_0; CREATE TABLE part_0.t (id INT PRIMARY KEY, v VARCHAR(8)); INSERT INTO part_0.t VALUES (2, 'p0-2'), (4, 'p0-4');
      CREATE DATABASE part_1; CREATE TABLE part_1.t (id INT PRIMARY KEY, v VARCHAR(8)); INSERT INTO part_1.t VALUES (1, 'p1-1'), (3, 'p1-3');`,
    config: ([db]) => ({
      users: [{ user: 'app', password: 'pw', schemas: ['*'] }],
      backends: { db1: backendOf(db, { min: 0, max: 1 }) },
      schemas: {
        fa: { backend: 'db1', database: 'db_a' },
        fb: { backend: 'db1', database: 'db_b' },
        sh: {
          partitions: [{ write: 'db1', database: 'part_0' }, { write: 'db1', database: 'part_1' }],
          tables: { t: { shardKey: 'id', algorithm: 'mod' } },
        },
      },
    }),
    threads: 1, // one worker, so one pool of one connection serves both sessions
  });
});

after(async () => {
  await c?.stop();
});

const connect = (database: string) => mysql.createConnection({ host: '127.0.0.1', port: c.port, user: 'app', password: 'pw', database });

test('forwarding: the same prepared text on two schemas of one server reads each schema\'s table', async () => {
  const a = await connect('fa');
  const b = await connect('fb');
  try {
    for (let round = 0; round < 3; round++) {
      const [ra] = await a.execute('SELECT v FROM t WHERE id = ?', [1]);
      assert.deepEqual(ra, [{ v: 'a1' }], `round ${round}, schema fa`);
      const [rb] = await b.execute('SELECT v FROM t WHERE id = ?', [1]);
      assert.deepEqual(rb, [{ v: 'b1' }], `round ${round}, schema fb`);
    }
  } finally {
    await a.end();
    await b.end();
  }
});

test('sharded: a prepared point select relayed to each partition in turn reads that partition', async () => {
  const s = await connect('sh');
  try {
    for (const [id, v] of [[1, 'p1-1'], [2, 'p0-2'], [3, 'p1-3'], [4, 'p0-4'], [1, 'p1-1']] as const) {
      const [rows] = await s.execute('SELECT v FROM t WHERE id = ?', [id]);
      assert.deepEqual(rows, [{ v }], `id ${id}`);
    }
  } finally {
    await s.end();
  }
});
