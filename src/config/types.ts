// The resolved configuration: what every other part of sluice reads. The YAML shape users write is
// documented in README.md; load.ts turns that into these types (defaults applied, names resolved).

/** A listen address, parsed from "HOST:PORT". */
export interface ListenAddress {
  host: string;
  port: number;
}

/**
 * What a user may do inside its schemas. read: SELECT, SHOW and the like; write: INSERT, UPDATE,
 * DELETE, REPLACE, LOAD DATA LOCAL; ddl: CREATE/ALTER/DROP/TRUNCATE/RENAME of tables, views, indexes
 * and routines (and CREATE/DROP DATABASE of its own schemas); admin: server-level statements
 * (SET GLOBAL, KILL of other users' sessions, FLUSH, ...) that sluice otherwise refuses.
 */
export type Privilege = 'read' | 'write' | 'ddl' | 'admin';
export const PRIVILEGES: readonly Privilege[] = ['read', 'write', 'ddl', 'admin'];

/** A client account that may connect to sluice. Exactly one of password / passwordHash is set. */
export interface UserConfig {
  user: string;
  /** Clear-text password, as written in the config file. */
  password?: string;
  /** MySQL native password hash, "*" + 40 upper-case hex digits (SHA1(SHA1(password))). */
  passwordHash?: string;
  /** Logical schemas this user may use; ["*"] means all. */
  schemas: string[];
  /** The connection must use TLS (issue "clients"). */
  requireTls: boolean;
  /** What the user may do in its schemas; default read, write, ddl (not admin). */
  privileges: Privilege[];
  /**
   * The backend account this user's statements run as, on every backend they reach (ProxySQL's
   * model): MariaDB's own grants on that account then apply too. Absent: the backend's user.
   */
  backendAccount?: BackendAccount;
}

/** A login on the backends (users[i].backendUser / backendPassword). */
export interface BackendAccount {
  user: string;
  password: string;
}

/** Per-backend connection pool limits (each worker has its own pool of this size). */
export interface PoolConfig {
  min: number;
  max: number;
  /** Idle connections above `min` are closed after this many milliseconds. */
  idleTimeoutMs: number;
  /** A connection idle longer than this is pinged before it is handed out. */
  validateAfterMs: number;
  /** Connect timeout for a new backend connection. */
  connectTimeoutMs: number;
  /** How long a statement waits for a free connection before it gets an error. */
  acquireTimeoutMs: number;
}

/** How sluice reaches a backend over TLS. */
export interface BackendTlsConfig {
  /** PEM file of the CA that signed the backend's certificate (else the system's CAs). */
  ca?: string;
  /** Check the certificate and host name (default true). */
  verify: boolean;
}

/** A physical MySQL/MariaDB server. */
export interface BackendConfig {
  name: string;
  host: string;
  port: number;
  user: string;
  password: string;
  pool: PoolConfig;
  /** Connect over TLS (absent: plain TCP). */
  tls?: BackendTlsConfig;
}

/** A replica a partition may read from. */
export interface ReadTarget {
  backend: string;
  weight: number;
}

/** One physical database of a sharded schema. */
export interface PartitionConfig {
  /** The primary: all writes and transactions. */
  write: string;
  /** Replicas for reads outside transactions (may be empty). */
  read: ReadTarget[];
  database: string;
}

export type ShardAlgorithm = 'mod' | 'hash' | 'range' | 'date' | 'list';

export interface RangeBound {
  /** Keys strictly below this bound (and at or above the previous one) go to `partition`. */
  lt: number;
  partition: number;
}

/** How one logical table of a sharded schema is laid out. */
export type TableRule =
  | {
      kind: 'sharded';
      name: string;
      shardKey: string;
      algorithm: ShardAlgorithm;
      /** range: ascending bounds; keys at or above the last bound are an error. */
      ranges?: RangeBound[];
      /** list: value -> partition. */
      values?: Record<string, number>;
      /** date: the granularity mapped onto partitions. */
      dateUnit?: 'day' | 'month' | 'year';
      /** Physical tables per partition, named TABLE_0 … TABLE_{N-1}; 1 means the table keeps its name. */
      tablesPerPartition: number;
      bindingGroup?: string;
      /** A column sluice fills with a snowflake id when an INSERT omits it. */
      keyGenerator?: { column: string; type: 'snowflake' };
    }
  | { kind: 'broadcast'; name: string };

/** A logical schema forwarded as a whole to one backend database. */
export interface ForwardSchema {
  kind: 'forward';
  name: string;
  backend: string;
  database: string;
}

/** A logical schema whose tables are spread over partitions. */
export interface ShardedSchema {
  kind: 'sharded';
  name: string;
  partitions: PartitionConfig[];
  tables: Record<string, TableRule>;
  /** Partition that holds tables with no rule. */
  defaultPartition: number;
  /** After a session writes, its reads stay on the primaries for this many milliseconds; 0 = off. */
  readYourWritesMs: number;
  /** A replica lagging more than this many seconds is taken out of read rotation; 0 = no lag check. */
  maxReplicaLagSeconds: number;
  /** Ceiling on offset + row count of a cross-shard LIMIT (sent to each shard as LIMIT 0, o+n); deeper pages are refused. */
  maxLimitRows: number;
}

export type SchemaConfig = ForwardSchema | ShardedSchema;

export interface TlsServerConfig {
  cert: string;
  key: string;
}

/** The whole resolved configuration. */
export interface SluiceConfig {
  listen: ListenAddress;
  threads: number;
  bufferPoolMB: number;
  /** The most slab memory one query may hold (in-memory merges); never more than bufferPoolMB. */
  maxQueryMemoryMB: number;
  /** This sluice instance's id in snowflake keys (0-1023); distinct per instance sharing tables. */
  nodeId: number;
  logLevel: 'fatal' | 'error' | 'warn' | 'info' | 'debug' | 'trace';
  /** Prometheus text exposition port on 127.0.0.1; 0 = off. */
  metricsPort: number;
  /** Cap on client connections per worker; 0 = no cap. */
  maxConnectionsPerWorker: number;
  /** Prepared statements sluice keeps open on backend connections, all workers and backends together. */
  maxBackendPreparedStatements: number;
  /** Bounded wait for running queries on SIGTERM/SIGINT. */
  shutdownTimeoutMs: number;
  /** How often main tries to connect to each backend marked down (health/backend-probe.ts). */
  backendProbeIntervalMs: number;
  /** A client session idle longer than this is closed (wait_timeout's default; SET wait_timeout overrides it per session). */
  waitTimeoutSeconds: number;
  /** wait_timeout's default for clients that set CLIENT_INTERACTIVE in their handshake (MariaDB's interactive_timeout). */
  interactiveTimeoutSeconds: number;
  /**
   * Server version string announced to clients in the handshake; null (the key unset): the version
   * the backends announce, read at start (server/announced-version.ts).
   */
  serverVersion: string | null;
  users: UserConfig[];
  backends: Record<string, BackendConfig>;
  schemas: Record<string, SchemaConfig>;
  tls?: TlsServerConfig;
  /** Path of the file this was loaded from, if any. */
  source?: string;
}
