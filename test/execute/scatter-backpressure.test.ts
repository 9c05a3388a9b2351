// scatter() stops reading the shards while the client's socket is congested, and resumes them when
// it drains: rows wait in the backends, not in sluice's memory.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { EventEmitter } from 'node:events';
import type * as net from 'node:net';
import { scatter, type ScatterHost, type Lease } from '../../src/execute/scatter';
import { ResultWriter } from '../../src/respond/result-writer';
import type { StreamListener, BackendConnection } from '../../src/backend/connection';
import type { ShardPlan } from '../../src/plan/types';
import { ColumnType } from '../../src/protocol/constants';

/** A socket stand-in whose queued byte count the test sets. */
class FakeSocket extends EventEmitter {
  writableLength = 0;
  written = 0;
  write(b: Buffer): boolean {
    this.written += b.length;
    return true;
  }
}

test('a congested client pauses the shard streams until it drains', () => {
  const socket = new FakeSocket();
  const out = new ResultWriter(socket as unknown as net.Socket, 0);
  const listeners: StreamListener[] = [];
  const resumed: number[] = [];
  const lease = (i: number): Lease => ({
    conn: {
      stream: (_sql: string, l: StreamListener) => { listeners[i] = l; },
      resume: () => resumed.push(i),
    } as unknown as BackendConnection,
    release: () => {},
    discard: () => {},
  });
  const host: ScatterHost = {
    acquire: (p, _primary, cb) => cb(null, lease(p)),
    describe: (p) => `partition ${p}`,
    inTransaction: false,
    status: 2,
    memoryLimitBytes: 1 << 20,
  };
  const plan: ShardPlan = {
    route: 'broadcast', units: [{ partition: 0, sql: 'SELECT v FROM t' }, { partition: 1, sql: 'SELECT v FROM t' }],
    primary: false, returnsRows: true, merge: null, sameChangeEverywhere: false, steps: [],
  } as ShardPlan;
  let finished = false;
  scatter(host, plan, out, () => { finished = true; });
  const col = { schema: '', table: 't', orgTable: 't', name: 'v', orgName: 'v', charset: 45, length: 11, type: ColumnType.LONG, flags: 0, decimals: 0 };
  listeners[0].columns([col]);
  listeners[1].columns([col]);
  const row = Buffer.from([1, 0x37]);
  assert.equal(listeners[0].row(row, 0, row.length), true, 'not congested: keep reading');
  socket.writableLength = 2 * 1024 * 1024;
  assert.equal(listeners[0].row(row, 0, row.length), false, 'congested: pause shard 0');
  assert.equal(listeners[0].row(row, 0, row.length), false, 'still paused');
  assert.equal(listeners[1].row(row, 0, row.length), false, 'congested: pause shard 1');
  assert.deepEqual(resumed, []);
  socket.writableLength = 0;
  socket.emit('drain');
  assert.deepEqual(resumed.sort(), [0, 1], 'each paused shard resumed once on drain');
  assert.equal(socket.listenerCount('drain'), 0, 'no drain listeners left behind');
  listeners[0].end({ affectedRows: 0, lastInsertId: 0, status: 2, warnings: 0, info: '' }, null);
  listeners[1].end({ affectedRows: 0, lastInsertId: 0, status: 2, warnings: 0, info: '' }, null);
  assert.ok(finished);
  assert.ok(socket.written > 0);
});
