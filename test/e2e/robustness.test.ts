// Nothing a client sends crashes a worker: truncated and random command packets, in a forwarding and
// a sharded schema, get an ERR (or a closed connection), and the worker keeps serving everyone.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { BackendConnection } from '../../src/backend/connection';
import { startCluster, backendOf, type Cluster } from '../helpers/cluster';

let c: Cluster;

before(async () => {
  c = await startCluster({
    backends: 1,
    setup: () => 'CREATE DATABASE f_db; CREATE TABLE f_db.t (v INT); INSERT INTO f_db.t VALUES (1); CREATE DATABASE s_0;',
    config: ([db]) => ({
      users: [{ user: 'app', password: 'pw', schemas: ['*'] }],
      backends: { db1: backendOf(db) },
      schemas: {
        fwd: { backend: 'db1', database: 'f_db' },
        shop: { partitions: [{ write: 'db1', database: 's_0' }], tables: { u: { shardKey: 'id', algorithm: 'mod' } } },
      },
    }),
    threads: 1,
  });
});

after(async () => {
  await c?.stop();
});

/** A deterministic PRNG so a failure reproduces. */
function rng(seed: number): () => number {
  return () => {
    seed = (seed * 1103515245 + 12345) & 0x7fffffff;
    return seed / 0x7fffffff;
  };
}

function packet(payload: Buffer, seq = 0): Buffer {
  const h = Buffer.from([payload.length & 0xff, (payload.length >> 8) & 0xff, payload.length >> 16, seq]);
  return Buffer.concat([h, payload]);
}

/** Sends one raw packet on a fresh authenticated connection; resolves when sluice answers or closes. */
async function poke(database: string, bytes: Buffer): Promise<'err' | 'ok' | 'closed' | 'silent'> {
  const conn = await BackendConnection.connect({ name: 'sluice', host: '127.0.0.1', port: c.port, user: 'app', password: 'pw', connectTimeoutMs: 5000 }, 0, database);
  const socket = conn.socket;
  const outcome = await new Promise<'err' | 'ok' | 'closed' | 'silent'>((resolve) => {
    const timer = setTimeout(() => resolve('silent'), 1500);
    conn.takeOverReads((d) => { clearTimeout(timer); resolve(d[4] === 0xff ? 'err' : 'ok'); });
    socket.once('close', () => { clearTimeout(timer); resolve('closed'); });
    socket.write(bytes);
  });
  conn.destroy();
  return outcome;
}

test('truncated and random command packets never take a worker down', async () => {
  const threadBefore = c.sluice.workers()[0].threadId;
  const rand = rng(42);
  const cases: Buffer[] = [
    Buffer.from([0x17]), // COM_STMT_EXECUTE without a statement id
    Buffer.from([0x17, 1, 0, 0, 0]), // unknown statement, no flags
    Buffer.from([0x16]), // COM_STMT_PREPARE of nothing
    Buffer.from([0x11]), // COM_CHANGE_USER without a user
    Buffer.from([0x11, 0x61, 0x00, 0xff]), // auth length beyond the packet
    Buffer.from([0x1b]), // COM_SET_OPTION without an option
    Buffer.from([0x1c, 9, 0, 0]), // COM_STMT_FETCH truncated
    Buffer.from([0x18, 1, 0]), // COM_STMT_SEND_LONG_DATA truncated
    Buffer.from([0x1a]), // COM_STMT_RESET truncated
    Buffer.from([0x04]), // COM_FIELD_LIST of nothing
    Buffer.from([0x03]), // empty COM_QUERY
    Buffer.from([0x03, 0x27]), // a lone quote
  ];
  for (let i = 0; i < 40; i++) {
    const len = 1 + Math.floor(rand() * 40);
    const b = Buffer.alloc(len);
    for (let j = 0; j < len; j++) b[j] = Math.floor(rand() * 256);
    b[0] = [0x03, 0x16, 0x17, 0x11, 0x1b, 0x1c, 0x18, 0x19, 0x1a, 0x04, 0x02][i % 11];
    cases.push(b);
  }
  for (const database of ['fwd', 'shop']) {
    for (const payload of cases) {
      const outcome = await poke(database, packet(payload));
      // COM_STMT_SEND_LONG_DATA and COM_STMT_CLOSE have no reply, by the protocol.
      if (payload[0] !== 0x18 && payload[0] !== 0x19) assert.notEqual(outcome, 'silent', `no answer to ${payload.toString('hex')} on ${database}`);
    }
  }
  // Same worker thread, still serving.
  assert.equal(c.sluice.workers()[0].threadId, threadBefore, 'the worker was not replaced');
  const ok = await BackendConnection.connect({ name: 'sluice', host: '127.0.0.1', port: c.port, user: 'app', password: 'pw', connectTimeoutMs: 5000 }, 0, 'fwd');
  assert.deepEqual((await ok.query('SELECT v FROM t')).rows, [['1']]);
  ok.destroy();
});
