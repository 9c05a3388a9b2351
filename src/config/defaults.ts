// Defaults and allowed ranges of every numeric key, in one place: the resolver, the CLI flag parsers
// and README.md's configuration reference all state these same values.
import type { IntRange } from './read';

export const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace'] as const;

export const DEFAULTS = {
  listen: '127.0.0.1:3306',
  bufferPoolMB: 256,
  maxQueryMemoryMB: 64,
  logLevel: 'info',
  metricsPort: 0,
  maxConnectionsPerWorker: 0,
  /** Half of MariaDB's default max_prepared_stmt_count (16,382): room for other clients of the servers. */
  maxBackendPreparedStatements: 8_000,
  shutdownTimeoutMs: 10_000,
  backendProbeIntervalMs: 1_000,
  /** MariaDB's defaults for wait_timeout and interactive_timeout. */
  waitTimeoutSeconds: 28_800,
  interactiveTimeoutSeconds: 28_800,
  /** Announced when serverVersion is unset and no backend answers at start. */
  serverVersion: '8.0.36-sluice',
  nodeId: 0,
  backendPort: 3306,
  pool: {
    min: 1,
    max: 32,
    idleTimeoutMs: 60_000,
    validateAfterMs: 30_000,
    connectTimeoutMs: 5_000,
    acquireTimeoutMs: 10_000,
  },
  weight: 1,
  tablesPerPartition: 1,
  defaultPartition: 0,
  readYourWritesMs: 0,
  maxReplicaLagSeconds: 0,
  maxLimitRows: 100_000,
} as const;

export const RANGES = {
  port: { min: 1, max: 65535 },
  /** Listening ports may be 0: the OS picks a free one (tests). */
  listenPort: { min: 0, max: 65535 },
  /** Also 0 = off. */
  metricsPort: { min: 0, max: 65535 },
  threads: { min: 1, max: 1024 },
  bufferPoolMB: { min: 16, max: 1_048_576 },
  maxQueryMemoryMB: { min: 1, max: 1_048_576 },
  maxConnectionsPerWorker: { min: 0, max: 1_000_000 },
  maxBackendPreparedStatements: { min: 1, max: 1_048_576 },
  shutdownTimeoutMs: { min: 0, max: 3_600_000 },
  backendProbeIntervalMs: { min: 50, max: 3_600_000 },
  /** wait_timeout and interactive_timeout: MariaDB's range (1 s to a year). */
  sessionTimeoutSeconds: { min: 1, max: 31_536_000 },
  nodeId: { min: 0, max: 1023 },
  poolSize: { min: 0, max: 10_000 },
  poolMax: { min: 1, max: 10_000 },
  timeoutMs: { min: 1, max: 3_600_000 },
  weight: { min: 1, max: 1000 },
  tablesPerPartition: { min: 1, max: 1024 },
  readYourWritesMs: { min: 0, max: 3_600_000 },
  maxReplicaLagSeconds: { min: 0, max: 86_400 },
  maxLimitRows: { min: 1, max: 1_000_000_000 },
} as const satisfies Record<string, IntRange>;
