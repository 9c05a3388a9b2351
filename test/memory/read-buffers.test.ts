// Socket reads through onread (src/memory/read-buffers.ts): every chunk arrives intact and stays
// intact after later reads (chunks are views that may be held), buffers grow for a large transfer,
// and pause()/resume() still stop and restart delivery.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as net from 'node:net';
import { once } from 'node:events';
import { randomBytes } from 'node:crypto';
import { connectReading, onChunks } from '../../src/memory/read-buffers';

async function server(onConn: (s: net.Socket) => void): Promise<{ port: number; close: () => void }> {
  const srv = net.createServer(onConn);
  srv.listen(0, '127.0.0.1');
  await once(srv, 'listening');
  return { port: (srv.address() as net.AddressInfo).port, close: () => srv.close() };
}

test('two sockets read at once: every held chunk still holds its bytes at the end, in order', async () => {
  const payloads = [randomBytes(3 * 1024 * 1024), randomBytes(700 * 1024)];
  let next = 0;
  const srv = await server((s) => {
    const data = payloads[next++];
    // Mixed write sizes: small pieces, then big ones.
    let off = 0;
    for (const n of [10, 200, 5000, 300]) { s.write(data.subarray(off, off + n)); off += n; }
    s.end(data.subarray(off));
  });
  try {
    const got = await Promise.all(payloads.map(async () => {
      const sock = connectReading('127.0.0.1', srv.port);
      const chunks: Buffer[] = [];
      onChunks(sock, (c) => chunks.push(c)); // held, not copied
      await once(sock, 'end');
      return chunks;
    }));
    for (let i = 0; i < payloads.length; i++) {
      assert.ok(Buffer.concat(got[i]).equals(payloads[i]), `socket ${i}: bytes differ`);
      // Big transfers read in big buffers: far fewer chunks than 256-byte reads would need.
      assert.ok(got[i].length < payloads[i].length / 4096, `socket ${i}: ${got[i].length} chunks`);
    }
  } finally {
    srv.close();
  }
});

test('pause() stops delivery and resume() restarts it; onChunks(null) drops, a new receiver takes over', async () => {
  let peer!: net.Socket;
  const srv = await server((s) => { peer = s; });
  const sock = connectReading('127.0.0.1', srv.port);
  try {
    await once(sock, 'connect');
    while (!peer) await new Promise((r) => setImmediate(r));
    const seen: string[] = [];
    onChunks(sock, (c) => seen.push(c.toString()));
    peer.write('one');
    while (seen.length === 0) await new Promise((r) => setImmediate(r));
    sock.pause();
    peer.write('two');
    await new Promise((r) => setTimeout(r, 100)); // nothing may arrive while paused (a bounded wait for an absence)
    assert.deepEqual(seen, ['one']);
    const other: string[] = [];
    onChunks(sock, (c) => other.push(c.toString()));
    sock.resume();
    while (other.length === 0) await new Promise((r) => setImmediate(r));
    assert.deepEqual(other, ['two']);
    assert.deepEqual(seen, ['one']);
  } finally {
    sock.destroy();
    peer?.destroy();
    srv.close();
  }
});
