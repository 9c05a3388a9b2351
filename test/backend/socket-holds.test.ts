// A backend socket paused for two reasons reads again only when both are gone: a merge resuming a
// shard must not restart reading while packet assembly waits for slab pool memory (else the
// framer's backlog would grow without bound), and the stall ending must not override the merge.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type * as net from 'node:net';
import { BackendConnection, type StreamListener } from '../../src/backend/connection';
import { SlabPool } from '../../src/memory/slab-pool';
import { Cap } from '../../src/protocol/constants';
import { sbtestResult } from '../../bench/micro/result-stream';
import { ReplaySocket } from '../../bench/micro/replay-socket';

/** Where each packet of a framed stream starts. */
function packetStarts(stream: Buffer): number[] {
  const starts: number[] = [];
  for (let pos = 0; pos < stream.length; pos += 4 + (stream[pos] | (stream[pos + 1] << 8) | (stream[pos + 2] << 16))) starts.push(pos);
  return starts;
}

/** sbtest's 3-row result (column count, 4 definitions, rows at packets 5..7, end) and a cut inside its second row. */
function resultCutInSecondRow(): { stream: Buffer; cut: number } {
  const stream = sbtestResult(3);
  return { stream, cut: packetStarts(stream)[6] + 20 };
}

async function until(check: () => boolean, what: string): Promise<void> {
  const deadline = Date.now() + 5000;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 5));
  }
}

test('a merge resuming a shard does not restart reading while packet assembly waits for the pool, and vice versa', async () => {
  const MB = 1024 * 1024;
  const pool = SlabPool.create(16);
  const pages = Array.from({ length: 16 }, () => pool.allocate(MB)!); // the pool is full
  const socket = new ReplaySocket();
  const conn = BackendConnection.overSocket(socket as unknown as net.Socket, Cap.DEPRECATE_EOF, { pool, shareBytes: MB });
  const rows: number[] = [];
  let ended = false;
  const listener: StreamListener = {
    columns: () => {},
    row: (buf, start, end) => {
      rows.push(end - start);
      return rows.length !== 1; // the first row fills the merge's queue
    },
    end: () => { ended = true; },
    fail: (e) => assert.fail(e),
  };
  conn.stream('SELECT * FROM sbtest1', listener);
  // Cut inside the second row: the first arrives whole, the second must be assembled in a slab.
  const { stream, cut } = resultCutInSecondRow();
  socket.emit('data', Buffer.from(stream.subarray(0, cut)));
  assert.equal(rows.length, 1, 'the first row was delivered');
  assert.equal(socket.isPaused(), true, 'held by the merge and by assembly');

  conn.resume(); // the merge drained its queue
  assert.equal(socket.isPaused(), true, 'assembly still waits for the pool: keep the socket paused');

  for (const p of pages) p.release(); // memory again: the framer catches up and lets go
  await until(() => !socket.isPaused(), 'reading again once both holds are gone');
  socket.emit('data', Buffer.from(stream.subarray(cut)));
  assert.equal(rows.length, 3);
  assert.equal(ended, true);
  assert.equal(pool.stats().bytesInUse, 0);
});

test('the reverse: the pool making room does not restart reading while the merge still holds the shard', async () => {
  const MB = 1024 * 1024;
  const pool = SlabPool.create(16);
  const pages = Array.from({ length: 16 }, () => pool.allocate(MB)!);
  const socket = new ReplaySocket();
  const conn = BackendConnection.overSocket(socket as unknown as net.Socket, Cap.DEPRECATE_EOF, { pool, shareBytes: MB });
  let delivered = 0;
  conn.stream('SELECT * FROM sbtest1', {
    columns: () => {},
    row: () => ++delivered !== 1,
    end: () => {},
    fail: (e) => assert.fail(e),
  });
  const { stream, cut } = resultCutInSecondRow();
  socket.emit('data', Buffer.from(stream.subarray(0, cut)));
  assert.equal(delivered, 1);
  for (const p of pages) p.release();
  // The framer got a slab for the split row: the stall is over, the part it had is copied in.
  await until(() => pool.stats().bytesInUse > 0, 'the stall served');
  assert.equal(socket.isPaused(), true, 'the merge still holds it');
  conn.resume();
  assert.equal(socket.isPaused(), false);
});
