// Main's per-connection hand-off: for each accepted (paused) socket, choose a worker slot, duplicate
// the fd, close main's handle, post the duplicate to the worker. Cost per connection: one fcntl via
// koffi, one handle close, one postMessage.
import type net from 'node:net';
import type { Logger } from 'pino';
import { Counter } from '../metrics/layout';
import type { MetricsWriter } from '../metrics/shared-metrics';
import { dupFd, socketFd } from './fd-dup';
import { refuseTooMany } from './refuse';
import type { WorkerSlots } from './worker-slots';

/** Connections held back while no worker is ready (one is being replaced); beyond this, refused. */
const MAX_HELD = 1024;

export class Acceptor {
  /** Next connection id: uint32, starting at 1, skipping 0 when it wraps. */
  private nextId = 1;
  /** Paused sockets waiting for a ready worker, oldest first. */
  private readonly held: net.Socket[] = [];

  constructor(
    private readonly slots: WorkerSlots,
    /** maxConnectionsPerWorker; 0 = no cap. */
    private readonly cap: number,
    /** main's metrics row. */
    private readonly metrics: MetricsWriter,
    private readonly logger: Logger,
  ) {}

  /** The listening server's 'connection' handler. */
  readonly onConnection = (socket: net.Socket): void => {
    const slot = this.slots.pick(this.cap);
    if (slot >= 0) return this.handOff(socket, slot);
    if (!this.slots.anyReady && this.held.length < MAX_HELD) {
      this.held.push(socket);
      return;
    }
    this.metrics.inc(Counter.ConnectionsRefused);
    refuseTooMany(socket);
  };

  /** A slot became ready: place the held connections. */
  readonly retryHeld = (): void => {
    while (this.held.length > 0) {
      const slot = this.slots.pick(this.cap);
      if (slot < 0) return;
      this.handOff(this.held.shift()!, slot);
    }
  };

  /** Refuse everything still held (shutting down). */
  dropHeld(): void {
    for (const socket of this.held.splice(0)) socket.destroy();
  }

  private handOff(socket: net.Socket, slot: number): void {
    const fd = socketFd(socket);
    const dup = fd >= 0 ? dupFd(fd) : -1;
    socket.destroy();
    if (dup < 0) {
      this.logger.warn({ fd }, 'could not duplicate a client fd; connection dropped');
      return;
    }
    const id = this.nextId;
    this.nextId = id === 0xffffffff ? 1 : id + 1;
    this.slots.handOff(slot, dup, id);
  }
}
