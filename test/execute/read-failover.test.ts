// failOver: the order in which a read whose replica cannot be reached tries the partition's other
// servers, and the error when none answers. Pools here are stand-ins that answer "connected" or a
// connect error (ERR 2003, marking the backend down as a real pool does); the e2e side is
// test/e2e/replica-down.test.ts.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { failOver, unreachable, type ReadSource } from '../../src/execute/read-failover';
import { ReadRotation } from '../../src/execute/read-target';
import type { BackendPool } from '../../src/backend/pool';
import type { BackendConnection } from '../../src/backend/connection';
import type { PartitionConfig } from '../../src/config/types';
import { SqlError, ErrorCode } from '../../src/protocol/errors';

const partition: PartitionConfig = { write: 'p', database: 'shop_0', read: ['r1', 'r2', 'r3'].map((backend) => ({ backend, weight: 1 })) };
const connectError = (name: string) => new SqlError(ErrorCode.CR_CONN_HOST_ERROR, `Can't connect to backend '${name}' (127.0.0.1:1): ECONNREFUSED`);

/** Servers in `dead` refuse connections; `waitTimeout` ones answer with a pool wait timeout. Records the order of tries. */
function source(dead: string[], opts: { waitTimeout?: string[]; down?: string[] } = {}) {
  const down = new Set(opts.down ?? []);
  const tried: string[] = [];
  const pools = new Map(['p', 'r1', 'r2', 'r3'].map((name) => [name, { target: { name } } as unknown as BackendPool]));
  const src: ReadSource = {
    partition,
    rotation: new ReadRotation(partition),
    health: { usable: (b) => !down.has(b) },
    pool: (name) => pools.get(name)!,
    take: (pool, cb) => {
      const name = pool.target.name;
      tried.push(name);
      if (opts.waitTimeout?.includes(name)) return cb(new SqlError(ErrorCode.ER_LOCK_WAIT_TIMEOUT, 'pool wait timeout'), null);
      if (!dead.includes(name)) return cb(null, { server: name } as unknown as BackendConnection);
      down.add(name);
      cb(connectError(name), null);
    },
  };
  /** The first read target failed: mark it as its pool does and fail over. */
  const run = (first: string) => new Promise<{ err: SqlError | null; server: string | null; pool: string }>((resolve) => {
    tried.push(first);
    down.add(first);
    failOver(src, pools.get(first)!, connectError(first), (err, conn, pool) =>
      resolve({ err, server: (conn as unknown as { server: string } | null)?.server ?? null, pool: pool!.target.name }));
  });
  return { run, tried };
}

describe('failOver', () => {
  it('goes to the next usable replica of the rotation', async () => {
    const s = source(['r1']);
    const r = await s.run('r1');
    assert.deepEqual([r.err, r.server, r.pool], [null, 'r2', 'r2']);
    assert.deepEqual(s.tried, ['r1', 'r2']);
  });

  it('tries each replica once, then the primary', async () => {
    const s = source(['r1', 'r2', 'r3']);
    const r = await s.run('r1');
    assert.deepEqual([r.err, r.server], [null, 'p']);
    assert.deepEqual(s.tried, ['r1', 'r2', 'r3', 'p']);
  });

  it('with every server unreachable: one ERR 2003 naming the ones tried and the ones already out of rotation', async () => {
    const s = source(['r1', 'r2', 'p'], { down: ['r3'] });
    const r = await s.run('r1');
    assert.equal(r.err?.errno, 2003);
    assert.equal(r.err?.message, "No server could take the read: Can't connect to backend 'r1' (127.0.0.1:1): ECONNREFUSED; " +
      "Can't connect to backend 'r2' (127.0.0.1:1): ECONNREFUSED; Can't connect to backend 'p' (127.0.0.1:1): ECONNREFUSED; out of read rotation: r3");
    assert.deepEqual(s.tried, ['r1', 'r2', 'p']);
  });

  it('a read that went to the primary first, with no replica out of rotation, gets the primary\'s own error', async () => {
    const s = source(['p']);
    const r = await s.run('p');
    assert.equal(r.err?.message, connectError('p').message);
    assert.deepEqual(s.tried, ['p']);
  });

  it('an error other than an unreachable server ends the read with that error', async () => {
    const s = source(['r1'], { waitTimeout: ['r2'] });
    const r = await s.run('r1');
    assert.deepEqual([r.err?.errno, r.server, r.pool], [ErrorCode.ER_LOCK_WAIT_TIMEOUT, null, 'r2']);
    assert.equal(unreachable(r.err), false);
    assert.equal(unreachable(connectError('x')), true);
  });
});
