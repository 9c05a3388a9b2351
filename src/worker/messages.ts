// What main and a worker say to each other. The serve task (piscina task data) starts a worker slot;
// after that they talk over the task's MessagePort.
import type { MessagePort } from 'node:worker_threads';
import type { SluiceConfig } from '../config/types';
import type { SharedMetrics } from '../metrics/shared-metrics';
import type { SharedSlabPool } from '../memory/slab-layout';
import type { SharedBackendHealth } from '../health/backend-health';
import type { PeerAnswer, PeerQuestion } from '../kernel/directory';

/** The data of the one long-lived serve task each worker runs. */
export interface ServeTask {
  /** Worker slot 0 .. threads-1: the worker id, stable across replacements, = its metrics row. */
  slot: number;
  config: SluiceConfig;
  metrics: SharedMetrics;
  /** The global buffer budget (bufferPoolMB), shared by every worker; absent in tests that run without one. */
  slabPool?: SharedSlabPool;
  /** Which backends answer: marked down by workers, up by main's probe (health/). */
  health: SharedBackendHealth;
  /** main <-> worker control channel (transferred). */
  port: MessagePort;
  /** Module path exporting createWorkerRuntime, instead of src/session/runtime (tests only). */
  runtimeModule?: string;
}

/** main -> worker: take over this client connection. fd is a dup owned by the worker from now on. */
export interface HandOff {
  fd: number;
  connectionId: number;
}

/** main -> worker: stop, closing sessions within timeoutMs; the serve task then resolves. */
export interface StopRequest {
  stop: true;
  timeoutMs: number;
}

/** main -> worker: answer `question` about your sessions; reply with PeerReply carrying `query`. */
export interface PeerQuery {
  query: number;
  question: PeerQuestion;
}

/** main -> worker: every worker's answers to the worker's PeerAsk `answers` (missing: workers that did not answer in time). */
export interface PeerAnswers {
  answers: number;
  list: PeerAnswer[];
}

export type ToWorker = HandOff | StopRequest | PeerQuery | PeerAnswers;

/** worker -> main: ask every worker (this one included) `question`; main replies with PeerAnswers. */
export interface PeerAsk {
  ask: number;
  question: PeerQuestion;
}

/** worker -> main: this worker's answer to PeerQuery `reply`. */
export interface PeerReply {
  reply: number;
  answer: PeerAnswer;
}

/** worker -> main: the slot is up and takes connections; threadId names its piscina thread. */
export interface WorkerReady {
  ready: true;
  threadId: number;
}

export type FromWorker = WorkerReady | PeerAsk | PeerReply;
