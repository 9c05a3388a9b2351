// The per-worker session runtime: the worker entry hands it each client socket it receives. It owns
// the worker's client sessions and its backend pools (one per configured backend).
import type * as net from 'node:net';
import * as tls from 'node:tls';
import { readFileSync } from 'node:fs';
import type { Logger } from 'pino';
import type { SluiceConfig, ShardedSchema, BackendConfig, BackendAccount } from '../config/types';
import { DEFAULTS } from '../config/defaults';
import { PLAN_CACHE_BYTES, PlanCache, SnowflakeGenerator } from '../plan';
import { ReadRotation } from '../execute/read-target';
import { BackendPool } from '../backend/pool';
import { backendTarget } from '../backend/connection';
import type { BackendHealth } from '../health/backend-health';
import { ReplicaMonitor } from '../backend/replica-monitor';
import type { MetricsWriter } from '../metrics/shared-metrics';
import { BackendCounter, Counter } from '../metrics/layout';
import { StatementCache } from '../backend/statement-cache';
import type { SlabPool } from '../memory/slab-pool';
import { AuthContext, credentialsFor } from './authenticate';
import { ClientSession, type SessionHost } from './session';
import { SessionDirectory, type PeerChannel } from './session-directory';
import { IdleSweep } from './idle-timeout';
import type { PeerAnswer, PeerQuestion } from '../kernel/directory';

export interface WorkerRuntimeOptions {
  config: SluiceConfig;
  workerId: number;
  logger: Logger;
  metrics: MetricsWriter;
  /** The worker's handle on the global buffer budget (SharedArrayBuffer slab pool). */
  slabPool?: SlabPool;
  /** Which backends answer, shared by every worker: pools mark a backend down when a connect fails. */
  health: BackendHealth;
  /** Questions to every worker about their sessions (KILL, SHOW PROCESSLIST); without it, only this worker's. */
  peers?: PeerChannel;
}

/** Everything one worker thread owns: its client sessions and its backend pools. */
export interface WorkerRuntime {
  /**
   * Take ownership of an accepted client socket. connectionId is sluice-wide unique (assigned by main).
   * The socket is read through onread (memory/read-buffers.ts): take its bytes with onChunks(), not 'data'.
   */
  accept(socket: net.Socket, connectionId: number): void;
  /** Number of client sessions currently open in this worker. */
  readonly sessions: number;
  /** Stop taking work: let running statements finish (bounded by timeoutMs), close clients and backends. */
  shutdown(timeoutMs: number): Promise<void>;
  /** This worker's answer to another worker's question about sessions (absent: it has none to report). */
  answer?(question: PeerQuestion): Promise<PeerAnswer>;
}

export function createWorkerRuntime(opts: WorkerRuntimeOptions): WorkerRuntime {
  const { config, logger, metrics, health } = opts;
  // One pool per backend for its own account, and one per (backend, account) for users with a
  // backendUser, opened on first use; a backend's gauges sum its pools.
  const pools = new Map<string, BackendPool>();
  // Split and large packets (client commands, shard rows) are assembled in the slab pool, one packet at most maxQueryMemoryMB.
  const packetMemory = opts.slabPool && { pool: opts.slabPool, shareBytes: config.maxQueryMemoryMB * 1024 * 1024 };
  // Backend prepared statements of this worker's connections: its share of the budget of all workers.
  const statementCache = new StatementCache(config.maxBackendPreparedStatements, {
    add: (delta) => metrics.inc(Counter.BackendPreparedStatements, delta),
  }, Math.max(1, Math.floor(config.maxBackendPreparedStatements / config.threads)));
  const indexes = new Map(Object.keys(config.backends).map((name, index) => [name, index]));
  const counts = new Map<BackendPool, [open: number, idle: number]>();
  const newPool = (b: BackendConfig, account?: BackendAccount) => {
    const index = indexes.get(b.name)!;
    const shared = health.index(b.name);
    const pool: BackendPool = new BackendPool(
      { ...backendTarget(b), ...(account && { user: account.user, password: account.password }), packetMemory, statementCache },
      b.pool, logger, (counter) => metrics.backend(index, counter),
      (open, idle) => {
        counts.set(pool, [open, idle]);
        let allOpen = 0, allIdle = 0;
        for (const [p, [o, i]] of counts) if (p.target.name === b.name) { allOpen += o; allIdle += i; }
        metrics.backendGauge(index, BackendCounter.ConnectionsOpen, allOpen);
        metrics.backendGauge(index, BackendCounter.ConnectionsIdle, allIdle);
      },
      // A user's account failing to log in says nothing about the backend: only its own account marks it down.
      { up: () => health.up(shared), markDown: () => (account ? undefined : health.markDown(shared)) },
    );
    return pool;
  };
  for (const b of Object.values(config.backends)) pools.set(b.name, newPool(b));
  const poolOf = (name: string, account?: BackendAccount): BackendPool | undefined => {
    if (!account) return pools.get(name);
    const key = `${name}\0${account.user}`;
    let pool = pools.get(key);
    const b = config.backends[name];
    if (!pool && b) pools.set(key, (pool = newPool(b, account)));
    return pool;
  };
  // Replica lag and replication state (only for schemas with maxReplicaLagSeconds > 0).
  const replicas = new ReplicaMonitor(config, logger);
  replicas.start();
  const sessions = new Set<ClientSession>();
  const directory = new SessionDirectory(opts.peers);
  const idle = new IdleSweep(() => sessions);
  const rotations = new Map<string, ReadRotation>();
  let stopping = false;
  const host: SessionHost = {
    serverVersion: config.serverVersion ?? DEFAULTS.serverVersion,
    schemas: config.schemas,
    auth: new AuthContext(credentialsFor(config.users)),
    metrics,
    pool: poolOf,
    planCache: new PlanCache(PLAN_CACHE_BYTES, (delta) => metrics.inc(Counter.PlanCacheBytes, delta)),
    keys: new SnowflakeGenerator({ nodeId: config.nodeId, workerIndex: opts.workerId, workerCount: config.threads }),
    readRotation(schema, partition) {
      const key = `${schema}/${partition}`;
      let r = rotations.get(key);
      if (!r) {
        r = new ReadRotation((config.schemas[schema] as ShardedSchema).partitions[partition]);
        rotations.set(key, r);
      }
      return r;
    },
    // A read target serves reads while no connect to it failed since it last answered and its replication is fine.
    health: { usable: (backend) => health.up(health.index(backend)) && replicas.usable(backend) },
    maxQueryMemoryBytes: config.maxQueryMemoryMB * 1024 * 1024,
    slabPool: opts.slabPool,
    packetMemory,
    statementCache,
    tlsContext: config.tls ? tls.createSecureContext({ cert: readFileSync(config.tls.cert), key: readFileSync(config.tls.key) }) : undefined,
    get sessionCount() {
      return sessions.size;
    },
    directory,
    idle,
    waitTimeoutMs: config.waitTimeoutSeconds * 1000,
    interactiveTimeoutMs: config.interactiveTimeoutSeconds * 1000,
    sessionClosed(s) {
      sessions.delete(s); // connection counters are kept by the worker entry
      directory.delete(s);
    },
  };
  return {
    accept(socket, connectionId) {
      if (stopping) {
        socket.destroy();
        return;
      }
      const session = new ClientSession(socket, connectionId, host, logger.child({ conn: connectionId }));
      sessions.add(session);
      directory.add(session);
    },
    answer: (question) => directory.answer(question),
    get sessions() {
      return sessions.size;
    },
    async shutdown(timeoutMs) {
      stopping = true;
      replicas.stop();
      idle.stop();
      const all = [...sessions];
      let timer: NodeJS.Timeout | undefined;
      await Promise.race([
        Promise.all(all.map((s) => s.drain())),
        new Promise<void>((r) => { timer = setTimeout(r, timeoutMs); }),
      ]);
      clearTimeout(timer);
      for (const s of all) s.close();
      for (const p of pools.values()) p.close();
    },
  };
}
