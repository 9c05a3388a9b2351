// What the kernel needs from the client session a statement runs for, and from the session's worker.
// The session implements StatementContext; kernel modules take it as their first argument, so each
// can be tested with a fake session.
import type * as net from 'node:net';
import type { Logger } from 'pino';
import type { BackendPool } from '../backend/pool';
import type { SessionState } from '../backend/session-state';
import type { StatementCache } from '../backend/statement-cache';
import type { BackendAccount, SchemaConfig, ShardedSchema, UserConfig } from '../config/types';
import type { SlabPool } from '../memory/slab-pool';
import type { MetricsWriter } from '../metrics/shared-metrics';
import type { PlanCache, SnowflakeGenerator } from '../plan';
import type { SqlError } from '../protocol/errors';
import type { BufferWriter } from '../protocol/buffer-writer';
import type { ResultWriter } from '../respond/result-writer';
import type { BackendLease } from '../execute/backend-lease';
import type { ReadRotation, ReplicaHealth } from '../execute/read-target';
import type { Directory } from './directory';
import type { KeptCursor, PreparedStatements, SqlStatement } from './prepared-statement';
import type { UserVariables } from './user-value';
import type { TransactionControl } from '../transaction/transaction-control';
import type { Relay, RelayContext } from './relay';

/** The worker's services a statement uses: schemas, pools, caches, metrics, budgets. */
export interface WorkerServices {
  readonly schemas: Record<string, SchemaConfig>;
  readonly metrics: MetricsWriter;
  /** The pool of a backend for the backend's own account, or for `account` (a user's backendUser). */
  pool(backend: string, account?: BackendAccount): BackendPool | undefined;
  /** Plans cached by digest, shared by the worker's sessions. */
  readonly planCache: PlanCache;
  /** Snowflake ids for keyGenerator columns (unique per node and worker). */
  readonly keys: SnowflakeGenerator;
  /** Replica rotation of a sharded schema's partition (per worker). */
  readRotation(schema: string, partition: number): ReadRotation;
  readonly health: ReplicaHealth;
  /** Byte budget one query's merge may hold (maxQueryMemoryMB). */
  readonly maxQueryMemoryBytes: number;
  /** The global buffer budget merges draw from. */
  readonly slabPool: SlabPool | undefined;
  /** The worker's backend prepared statements (closed when no client statement refers to them) and their global budget. */
  readonly statementCache?: StatementCache;
  /** Client sessions open in this worker. */
  readonly sessionCount: number;
  /** Sessions of every worker by sluice id: KILL and SHOW PROCESSLIST. */
  readonly directory: Directory;
  /** wait_timeout's default (waitTimeoutSeconds). */
  readonly waitTimeoutMs: number;
}

/** One client session, as a statement running for it sees it. */
export interface StatementContext extends RelayContext {
  /** sluice's session id (CONNECTION_ID()). */
  readonly id: number;
  readonly host: WorkerServices;
  readonly log: Logger;
  /** The client's socket: relayed answers are written straight to it. */
  readonly socket: net.Socket;
  /** Client capabilities after negotiation (MULTI_STATEMENTS, DEPRECATE_EOF, ...). */
  readonly caps: number;
  /** The logged-in user's configuration. */
  readonly user: UserConfig;
  /** The name the client logged in with. */
  readonly userName: string;
  /** The client's host, without its port (USER(), SHOW GRANTS). */
  remoteHost(): string;
  /** The logical schema in use; null before any. */
  readonly schema: SchemaConfig | null;
  /** The current schema, known to be sharded (the sharded kernel modules run only then). */
  readonly sharded: ShardedSchema;
  /** Session variables that follow the client across pooled backend connections. */
  readonly state: SessionState;
  /** The session's backend connections: held, lent, pinned. */
  readonly lease: BackendLease;
  /** Relays statements on the held connection and streams their answers back. */
  readonly relay: Relay;
  /** The transaction state on a sharded schema (the open transaction, autocommit, implicit commits). */
  readonly trx: TransactionControl;
  /** The client's prepared statements. */
  readonly statements: PreparedStatements;
  /** Open cursors of sharded executes, by statement id. */
  readonly cursors: Map<number, KeptCursor>;
  /** Column names of sharded tables, read once from their first physical table (an INSERT without a column list). */
  readonly tableColumns: Map<string, string[]>;
  /** User variables set on a sharded schema (user-variables.ts), by lower-case name. */
  readonly userVars: UserVariables;
  /** SQL PREPARE statements of a sharded schema (sql-prepared.ts), by lower-case name. */
  readonly sqlStatements: Map<string, SqlStatement>;
  /** Status flags for sluice's own OK and end packets (AUTOCOMMIT, IN_TRANS); relayed answers update it. */
  status: number;
  /** wait_timeout in ms: a SET wait_timeout changes it. */
  waitTimeoutMs: number;
  /** When the running command started (performance.now()). */
  readonly started: number;
  /** A command is under way (set by begin(), cleared when it is answered). */
  busy: boolean;
  /** The session has ended (closed or killed): late callbacks do nothing. */
  readonly ended: boolean;
  /** The running statement's text for SHOW PROCESSLIST (a prepared statement's SQL). */
  info: Buffer | string | null;

  /** A command is under way: answers come later (busy until done() or fail()). */
  begin(): void;
  /** A backend's pool for this user's statements (its backendUser's, else the backend's own account). */
  pool(backend: string): BackendPool;
  /** Switches the logical schema (USE), or says why not (1049 unknown, 1044 not permitted). */
  use(name: string): SqlError | null;
  /** Sends an ERR without ending the command (the command ends otherwise: close, or more to send). */
  error(err: SqlError): void;
  /** The OK of USE: it carries the schema change (SESSION_TRACK_SCHEMA) to a client that tracks session state, as MariaDB's does. */
  useOk(): void;
  /** Sends OK with the session's status. */
  ok(info?: string, affectedRows?: number): void;
  /** Sends a payload the kernel encoded (seq 1 of the answer). */
  send(w: BufferWriter): void;
  /** Sends a small text result set sluice built (SHOW DATABASES, PREVIEW, ...). */
  rows(columns: string[], rows: (string | null)[][]): void;
  /** A writer for a result sluice builds (merged rows), its sequence ids after the command's packets. */
  writer(binary?: boolean): ResultWriter;
  /** Ends the command with an ERR; the session goes on. */
  fail(err: SqlError): void;
  /** The command is answered: the next queued one may run. */
  done(): void;
  /** Ends the session (COMMIT RELEASE, KILL of itself). */
  close(): void;
}
