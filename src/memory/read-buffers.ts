// Socket reads into buffers sluice hands out (net's `onread`), instead of the Readable stream path.
//
// Why: with 'data' events every read goes through Readable's bookkeeping (addChunk, a maybeReadMore
// nextTick, a tick-queue drain with its promise-rejection pass) and a 64 KiB malloc'd ArrayBuffer cut
// down to the bytes read. A point select is two reads in sluice (the client's query, the backend's
// result), so that machinery was a large share of the JavaScript a relayed query costs. With onread,
// libuv reads straight into a buffer from here and one callback gets it.
//
// Every read gets a fresh buffer, because chunks travel on as views (a relayed result chunk may sit in
// a pending socket write, a framed command may wait for a backend connection). Buffers are cut from
// 16 KiB slabs (an ArrayBuffer costs ~2 µs to create, a cut ~0.1 µs) and sized to the socket's recent
// reads: a read that fills its buffer makes the next one 4x larger (up to 64 KiB, what Node reads at
// once; those get their own allocation) so a large result needs few reads, and small reads shrink it
// back to 256 bytes. An idle socket holds one small buffer; at worst it keeps its slab alive.
import * as net from 'node:net';

const MIN_READ = 256;
const MAX_READ = 64 * 1024;
const SLAB = 16 * 1024;

// This thread's current slab (each worker thread has its own module instance).
let slab = Buffer.allocUnsafeSlow(SLAB);
let slabUsed = 0;

function readBuffer(size: number): Buffer {
  if (size > SLAB / 2) return Buffer.allocUnsafeSlow(size);
  if (slabUsed + size > SLAB) {
    slab = Buffer.allocUnsafeSlow(SLAB);
    slabUsed = 0;
  }
  const b = slab.subarray(slabUsed, slabUsed + size);
  slabUsed += size;
  return b;
}

/** The reader of each socket made here (onChunks looks it up; other sockets use 'data'). */
const readers = new WeakMap<net.Socket, SocketReader>();

type Deliver = (chunk: Buffer) => void;

/** The onread half of a socket: sizes its read buffers and passes each chunk to `deliver`. */
export class SocketReader {
  /** Where chunks go: set by the session or backend connection that owns the socket. */
  deliver: Deliver = () => {};
  private size = MIN_READ;

  readonly onread = {
    buffer: (): Buffer => readBuffer(this.size),
    callback: (n: number, buf: Uint8Array): boolean => {
      const size = this.size;
      if (n === size) {
        if (size < MAX_READ) this.size = size * 4;
      } else if (n <= size >>> 3 && size > MIN_READ) this.size = size >>> 1;
      // Node hands back the Buffer that buffer() returned.
      this.deliver(n === buf.length ? (buf as Buffer) : (buf as Buffer).subarray(0, n));
      return true; // false would stop reading; pause() and resume() do that for backpressure
    },
  };
}

/** A client socket over an accepted file descriptor, read through a SocketReader. */
export function socketFromFd(fd: number): net.Socket {
  const reader = new SocketReader();
  // onread is accepted by the constructor too (net.js sets it up before opening the handle), though
  // @types/node only declares it for connect().
  const socket = new net.Socket({ fd, readable: true, writable: true, onread: reader.onread } as net.SocketConstructorOpts);
  readers.set(socket, reader);
  return socket;
}

/** A TCP connection to host:port, read through a SocketReader. */
export function connectReading(host: string, port: number): net.Socket {
  const reader = new SocketReader();
  const socket = net.connect({ host, port, onread: reader.onread });
  readers.set(socket, reader);
  return socket;
}

/**
 * Sends the socket's incoming chunks to `deliver`: through its SocketReader when it has one, as
 * 'data' events otherwise (sockets made elsewhere, a TLS socket). Calling it again replaces the
 * receiver; null stops delivery (the bytes are dropped: for a socket another layer now reads).
 */
export function onChunks(socket: net.Socket, deliver: Deliver | null, previous?: Deliver): void {
  const reader = readers.get(socket);
  if (reader) {
    reader.deliver = deliver ?? (() => {});
    return;
  }
  if (previous) socket.removeListener('data', previous);
  if (deliver) socket.on('data', deliver);
}
