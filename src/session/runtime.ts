// The per-worker session runtime: the worker entry hands it each client socket it receives.
// PLACEHOLDER until the protocol/session layer lands: answers every connection with an ERR packet.
import type * as net from 'node:net';
import type { Logger } from 'pino';
import type { SluiceConfig } from '../config/types';

export interface WorkerRuntimeOptions {
  config: SluiceConfig;
  workerId: number;
  logger: Logger;
  /** The shared metrics (src/metrics); typed loosely until both sides land. */
  metrics: unknown;
}

/** Everything one worker thread owns: its client sessions and its backend pools. */
export interface WorkerRuntime {
  /** Take ownership of an accepted client socket. connectionId is sluice-wide unique (assigned by main). */
  accept(socket: net.Socket, connectionId: number): void;
  /** Number of client sessions currently open in this worker. */
  readonly sessions: number;
  /** Stop taking work: let running statements finish (bounded by timeoutMs), close clients and backends. */
  shutdown(timeoutMs: number): Promise<void>;
}

export function createWorkerRuntime(opts: WorkerRuntimeOptions): WorkerRuntime {
  const open = new Set<net.Socket>();
  return {
    accept(socket) {
      open.add(socket);
      socket.on('close', () => open.delete(socket));
      socket.on('error', () => {});
      // ERR packet, seq 0: 0xff, errno 1040 (ER_CON_COUNT_ERROR), no SQLSTATE before the handshake.
      const msg = Buffer.from(`sluice worker ${opts.workerId}: sessions not implemented yet`);
      const payload = Buffer.concat([Buffer.from([0xff, 0x10, 0x04]), msg]);
      const hdr = Buffer.from([payload.length & 0xff, (payload.length >> 8) & 0xff, payload.length >> 16, 0]);
      socket.end(Buffer.concat([hdr, payload]));
    },
    get sessions() {
      return open.size;
    },
    async shutdown() {
      for (const s of open) s.destroy();
    },
  };
}
