// The worker pool as main sees it: `threads` slots, each served by one piscina worker thread running
// one long-lived serve task. Slot numbers are the worker ids and metrics rows; a replacement worker
// takes over its dead predecessor's slot.
//
// piscina settings (see README "Threads"): minThreads = maxThreads = threads, idleTimeout Infinity,
// atomics 'disabled' (otherwise an idle worker blocks in Atomics.wait and its sockets freeze), and
// concurrentTasksPerWorker 1: piscina's balancer gives a task only to a thread with fewer running
// tasks than that, so two serve tasks never share a thread and one waits in the queue until a thread
// is free (a fresh one after a death). Each task reports ready over its own port; a slot takes
// connections only after that.
import path from 'node:path';
import { MessageChannel, type MessagePort, type Worker } from 'node:worker_threads';
import Piscina from 'piscina';
import type { Logger } from 'pino';
import type { SluiceConfig } from '../config/types';
import { Counter } from '../metrics/layout';
import type { Metrics } from '../metrics/shared-metrics';
import type { SlabPool } from '../memory/slab-pool';
import type { BackendHealth } from '../health/backend-health';
import type { FromWorker, HandOff, ServeTask, StopRequest } from '../worker/messages';
import { PeerExchange } from './peer-exchange';

/** A serve task that ended without ever getting ready is restarted after this pause (no hot loop). */
const RESTART_PAUSE_MS = 1000;

/** One worker slot. All fields are main's, changed only by WorkerSlots. */
interface Slot {
  readonly id: number;
  /** main's end of the current task's control channel; null between tasks. */
  port: MessagePort | null;
  /** True from the task's ready message until it ends. */
  ready: boolean;
  /** threadId of the worker thread running the current task (0 before ready). */
  threadId: number;
  /** Connections main handed to this slot, counted in main (the worker counts closes in metrics). */
  handedOff: number;
  /** Settles when the current serve task ends. */
  done: Promise<void>;
  /** Why the last serve task ended, if it failed. */
  lastError: unknown;
}

/** Status of one slot, for tests and the admin view. */
export interface SlotStatus {
  slot: number;
  ready: boolean;
  threadId: number;
  connections: number;
}

export interface WorkerSlotsOptions {
  threads: number;
  config: SluiceConfig;
  metrics: Metrics;
  /** The global buffer budget; each worker attaches to its shared memory. */
  slabPool?: SlabPool;
  /** Which backends answer; each worker attaches to its shared memory. */
  health: BackendHealth;
  logger: Logger;
  runtimeModule?: string;
  /** Called whenever a slot becomes ready (main retries connections it held back). */
  onReady: () => void;
}

/** Supervises the serve tasks and places connections on slots. */
export class WorkerSlots {
  private readonly opts: WorkerSlotsOptions;
  private readonly pool: Piscina<ServeTask, void>;
  private readonly slots: Slot[] = [];
  /** Where the next tie-breaking scan starts, so equally loaded slots take turns. */
  private cursor = 0;
  /** Set by stop(): task ends are expected from then on. */
  private stopping = false;
  /** Workers' questions about each other's sessions (KILL, SHOW PROCESSLIST). */
  private readonly peers = new PeerExchange(() => this.slots.filter((s) => s.ready && s.port).map((s) => s.port!));

  constructor(opts: WorkerSlotsOptions) {
    this.opts = opts;
    this.pool = new Piscina<ServeTask, void>({
      filename: path.join(__dirname, '../worker/serve.js'),
      minThreads: opts.threads,
      maxThreads: opts.threads,
      idleTimeout: Infinity,
      atomics: 'disabled',
      concurrentTasksPerWorker: 1,
    });
    // A worker error with no task running would otherwise be an unhandled 'error' event.
    this.pool.on('error', (err: unknown) => opts.logger.error({ err }, 'worker pool error'));
  }

  /** Start a serve task for every slot and wait until all are ready. */
  async start(): Promise<void> {
    const ready: Promise<void>[] = [];
    for (let id = 0; id < this.opts.threads; id++) {
      const slot: Slot = {
        id,
        port: null,
        ready: false,
        threadId: 0,
        handedOff: 0,
        done: Promise.resolve(),
        lastError: undefined,
      };
      this.slots.push(slot);
      ready.push(this.run(slot));
    }
    await Promise.all(ready);
    const failed = this.slots.find((s) => !s.ready);
    if (failed) {
      await this.stop(0);
      throw new Error(`worker ${failed.id} failed to start: ${String(failed.lastError)}`, { cause: failed.lastError });
    }
  }

  /**
   * The ready slot with the fewest connections below `cap` (0 = no cap), or -1 if none. Load is what
   * main handed off minus what the worker saw close, so a burst is spread before workers report.
   */
  pick(cap: number): number {
    const n = this.slots.length;
    let best = -1;
    let bestLoad = Infinity;
    for (let k = 0; k < n; k++) {
      const i = (this.cursor + k) % n;
      const slot = this.slots[i];
      if (!slot.ready) continue;
      const load = slot.handedOff - this.opts.metrics.counter(i, Counter.ConnectionsClosed);
      if (load < bestLoad && (cap === 0 || load < cap)) {
        best = i;
        bestLoad = load;
      }
    }
    if (best >= 0) this.cursor = (best + 1) % n;
    return best;
  }

  /** Post a connection (a dup'd fd the worker now owns) to a slot pick() returned. */
  handOff(slotId: number, fd: number, connectionId: number): void {
    const slot = this.slots[slotId];
    slot.handedOff++;
    const msg: HandOff = { fd, connectionId };
    slot.port!.postMessage(msg);
  }

  /** Any slot ready? */
  get anyReady(): boolean {
    return this.slots.some((s) => s.ready);
  }

  status(): SlotStatus[] {
    return this.slots.map((s) => ({
      slot: s.id,
      ready: s.ready,
      threadId: s.threadId,
      connections: this.opts.metrics.connections(s.id),
    }));
  }

  /** The worker thread serving `slot` now (undefined while it is being replaced). */
  thread(slot: number): Worker | undefined {
    const s = this.slots[slot];
    return s?.ready ? this.pool.threads.find((t) => t.threadId === s.threadId) : undefined;
  }

  /** Ask every worker to stop (sessions get timeoutMs), wait for them, close the pool. */
  async stop(timeoutMs: number): Promise<void> {
    this.stopping = true;
    const stop: StopRequest = { stop: true, timeoutMs };
    for (const slot of this.slots) slot.port?.postMessage(stop);
    let timer: NodeJS.Timeout | undefined;
    const deadline = new Promise<boolean>((resolve) => (timer = setTimeout(resolve, timeoutMs + 1000, false)));
    const clean = await Promise.race([Promise.all(this.slots.map((s) => s.done)).then(() => true), deadline]);
    clearTimeout(timer);
    for (const slot of this.slots) this.closePort(slot);
    if (clean) await this.pool.close();
    else {
      this.opts.logger.warn('workers did not stop in time; terminating them');
      await this.pool.destroy();
    }
  }

  /** Start the serve task of `slot`; resolves when it is ready (or when stopping). */
  private run(slot: Slot): Promise<void> {
    const { port1, port2 } = new MessageChannel();
    slot.port = port1;
    const ready = new Promise<void>((resolve) => {
      port1.on('message', (msg: FromWorker) => {
        if ('ask' in msg) return this.peers.ask(port1, msg);
        if ('reply' in msg) return this.peers.reply(msg.reply, msg.answer);
        if (msg.ready !== true) return;
        slot.ready = true;
        slot.threadId = msg.threadId;
        resolve();
        this.opts.onReady();
      });
    });
    const task: ServeTask = {
      slot: slot.id,
      config: this.opts.config,
      metrics: this.opts.metrics.shared,
      slabPool: this.opts.slabPool?.shared,
      health: this.opts.health.shared,
      port: port2,
      runtimeModule: this.opts.runtimeModule,
    };
    slot.done = this.pool.run(task, { transferList: [port2] }).then(
      () => this.ended(slot, port1, new Error('serve task returned')),
      (err: unknown) => this.ended(slot, port1, err),
    );
    return Promise.race([ready, slot.done]);
  }

  /** A serve task ended: expected when stopping; otherwise its worker died (or the task failed): replace it. */
  private ended(slot: Slot, port: MessagePort, err: unknown): void {
    const wasReady = slot.ready;
    slot.ready = false;
    slot.lastError = err;
    if (slot.port === port) this.closePort(slot);
    if (this.stopping) return;
    // Its sockets died with it: zero the slot's connection gauge before anyone else owns the row.
    this.opts.metrics.resetConnections(slot.id);
    slot.handedOff = this.opts.metrics.counter(slot.id, Counter.ConnectionsOpened);
    this.opts.logger.error({ worker: slot.id, err }, 'worker died; starting a replacement');
    if (!wasReady) setTimeout(() => this.stopping || void this.run(slot), RESTART_PAUSE_MS).unref();
    else void this.run(slot);
  }

  private closePort(slot: Slot): void {
    slot.port?.close();
    slot.port = null;
  }
}
