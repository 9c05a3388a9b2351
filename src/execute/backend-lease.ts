// Where a session's statements get their backend connections: the one place that acquires from the
// worker's pools, brings a connection to the session's state and database, picks a replica or the
// primary for a read (failing over when the first choice is unreachable), and gives connections
// back. Forwarding relays, single-partition relays, scatter units and transactions all lease here.
//
// Two kinds of lease:
//   held   the session's own connection for a relayed statement; it stays with the session between
//          statements while something pins it (a transaction, locks, temporary tables, user
//          variables, an open cursor, or briefly a statement the next one may ask about), as
//          ProxySQL does, and goes back to the pool when nothing does;
//   lent   one connection per scatter unit, given back when the unit ends; noted while out, so that
//          KILL QUERY can reach every backend the running statement uses.
import type { BackendConnection, BackendTarget } from '../backend/connection';
import type { BackendPool } from '../backend/pool';
import { syncBackend, type SessionState } from '../backend/session-state';
import type { PartitionConfig, ShardedSchema } from '../config/types';
import { SqlError, ErrorCode } from '../protocol/errors';
import { failOver, unreachable, type ReadCallback } from './read-failover';
import type { ReadRotation, ReplicaHealth } from './read-target';
import type { Lease } from './scatter';

/** Why the session holds on to its backend connection between statements (bit set). */
export const enum Pin {
  Transaction = 0x1, // the server says IN_TRANS
  Locks = 0x2, // LOCK TABLES / GET_LOCK
  State = 0x4, // temp tables, user variables, SQL PREPARE, HANDLER: until the session ends
  NextStatement = 0x8, // the next statement may ask about this one: LAST_INSERT_ID(), SHOW WARNINGS/ERRORS
  Prepared = 0x10, // binary-protocol statements live on this connection
}

/** How long a connection waits for a statement that asks about the previous one (LAST_INSERT_ID()). */
const NEXT_STATEMENT_HOLD_MS = 1000;

/** What the lease needs to know of its session and worker. */
export interface LeaseHost {
  /** Capability bits a connection must share with the client (the relay profile). */
  readonly profile: number;
  /** The session variables every connection is brought to. */
  readonly state: SessionState;
  /** The session has ended: a connection that arrives now goes straight back. */
  readonly ended: boolean;
  /** The session is running a statement (a pinned-for-next-statement connection is kept while it does). */
  readonly busy: boolean;
  /** A backend's pool for this session's user (its backendUser account, else the backend's own). */
  pool(backend: string): BackendPool;
  /** The worker's replica rotation of a sharded schema's partition. */
  readRotation(schema: string, partition: number): ReadRotation;
  readonly health: ReplicaHealth;
}

/** A read of a sharded partition: where it may go instead when its first server is unreachable. */
export interface ReadOf {
  schema: ShardedSchema;
  partition: number;
}

/** The ReadOf of each partition of a schema, made once (a read's relay passes one per statement). */
const READS = new WeakMap<ShardedSchema, ReadOf[]>();

/** The read of partition p of schema, as a shared object (no allocation per statement). */
export function readOf(schema: ShardedSchema, partition: number): ReadOf {
  let reads = READS.get(schema);
  if (!reads) READS.set(schema, (reads = schema.partitions.map((_, p) => ({ schema, partition: p }))));
  return reads[partition];
}

/** A connection acquired and synced, or why not. */
export type LeaseCallback = (err: SqlError | null, conn: BackendConnection | null) => void;

/** One session's backend connections: the held one with its pins, and those lent to the running statement. */
export class BackendLease {
  /** The held connection: the running relayed statement's, or pinned between statements. Set by hold(). */
  conn: BackendConnection | null = null;
  /** The pool `conn` came from (a read may have failed over to another server's). */
  pool: BackendPool | null = null;
  /** Why `conn` stays between statements (Pin bits); set by whoever learns of the state (the relay's end). */
  pins = 0;
  /** Connections lent to the running statement's units, with their servers: what KILL QUERY stops. */
  private readonly lent = new Map<BackendConnection, BackendTarget>();
  private nextStatementTimer: NodeJS.Timeout | null = null;
  /** readYourWritesMs: reads stay on primaries until then (performance.now()). */
  private primaryUntil = 0;

  constructor(private readonly host: LeaseHost) {}

  /**
   * The held connection for a statement on `pool`'s database: the one already held, else one
   * acquired (for a read of a partition, with failover) and kept in `conn`. It is brought to the
   * session's state and `database` before cb; a failure to do so drops it. Nothing is called back
   * when the session ended meanwhile.
   */
  hold(pool: BackendPool, database: string, read: ReadOf | null, cb: LeaseCallback): void {
    if (this.conn) {
      if (this.conn.closed) return this.lost(cb);
      return this.sync(this.conn, database, cb);
    }
    const acquired: ReadCallback = (err, conn, from = pool) => {
      if (this.host.ended) { if (conn) from.release(conn); return; }
      if (err || !conn) return cb(err ?? noConnection(), null);
      this.conn = conn;
      this.pool = from;
      this.sync(conn, database, cb);
    };
    if (read) this.acquireRead(read, pool, database, acquired);
    else pool.acquire(this.host.profile, this.host.state.key, database, acquired);
  }

  /**
   * A connection lent to one unit of a sharded statement: the primary's, or for a read the server
   * readPool() picks (failing over), synced to the session and the partition's database; noted until
   * released or discarded.
   */
  lend(read: ReadOf & { primary: boolean }, cb: (err: SqlError | null, lease: Lease | null) => void): void {
    const part = read.schema.partitions[read.partition];
    const pool = this.host.pool(read.primary ? part.write : this.readBackend(read.schema, read.partition));
    const acquired: ReadCallback = (err, conn, from = pool) => {
      if (err || !conn) return cb(err ?? noConnection(), null);
      const lease = this.note({ conn, release: () => from.release(conn), discard: () => from.discard(conn), replica: !read.primary && from.target.name !== part.write }, from.target);
      const sync = syncBackend(conn, this.host.state, part.database);
      if (!sync) return cb(null, lease);
      sync.then(() => cb(null, lease), (e: unknown) => { lease.discard(); cb(stateError(e), null); });
    };
    if (read.primary) pool.acquire(this.host.profile, this.host.state.key, part.database, acquired);
    else this.acquireRead(read, pool, part.database, acquired);
  }

  /** A connection of `pool` for a transaction member: acquired and synced; the transaction keeps it. */
  open(pool: BackendPool, database: string): Promise<{ conn: BackendConnection; pool: BackendPool }> {
    return new Promise((resolve, reject) => {
      pool.acquire(this.host.profile, this.host.state.key, database, (err, conn) => {
        if (err || !conn) return reject(err ?? noConnection());
        (syncBackend(conn, this.host.state, database) ?? Promise.resolve()).then(
          () => resolve({ conn, pool }),
          (e: unknown) => { pool.discard(conn); reject(stateError(e)); },
        );
      });
    });
  }

  /** Runs fn on the held connection, or on one borrowed from `pool` (unsynced: fn reads only the server's own tables). */
  borrow<T>(pool: BackendPool, fn: (conn: BackendConnection) => Promise<T>): Promise<T> {
    if (this.conn) return fn(this.conn);
    return new Promise<T>((resolve, reject) => {
      pool.acquire(this.host.profile, this.host.state.key, '', (err, conn) => {
        if (err || !conn) return reject(err ?? noConnection());
        fn(conn).then((r) => { pool.release(conn); resolve(r); }, (e: unknown) => { pool.discard(conn); reject(e); });
      });
    });
  }

  /** A lease noted in `lent` until it is given back (KILL QUERY reaches it meanwhile). */
  note(lease: Lease, target: BackendTarget): Lease {
    const { conn } = lease;
    this.lent.set(conn, target);
    return {
      ...lease,
      release: () => { this.lent.delete(conn); lease.release(); },
      discard: () => { this.lent.delete(conn); lease.discard(); },
    };
  }

  /** The backend connections the running statement uses, with their servers. */
  running(): [BackendConnection, BackendTarget][] {
    const out = [...this.lent];
    if (this.conn && this.pool && !this.lent.has(this.conn)) out.push([this.conn, this.pool.target]);
    return out;
  }

  /** A write just went to partition primaries: reads stay there for the schema's readYourWritesMs. */
  wrote(schema: ShardedSchema): void {
    if (schema.readYourWritesMs > 0) this.primaryUntil = performance.now() + schema.readYourWritesMs;
  }

  /** The backend for a read on partition p (replicas unless a recent write says otherwise). */
  readBackend(schema: ShardedSchema, p: number): string {
    const part = schema.partitions[p];
    if (part.read.length === 0 || performance.now() < this.primaryUntil) return part.write;
    return this.host.readRotation(schema.name, p).pick(this.host.health);
  }

  /** The pool for a unit of partition p: its primary's, or readBackend()'s pick for a read. */
  partitionPool(schema: ShardedSchema, p: number, primary: boolean): BackendPool {
    const part = schema.partitions[p];
    return this.host.pool(primary ? part.write : this.readBackend(schema, p));
  }

  /** The statement ended: the held connection goes back unless something pins it (briefly, for a next-statement pin). */
  settle(): void {
    if (!this.conn) return;
    if (this.pins === 0) this.release();
    else if (this.pins === Pin.NextStatement) this.holdForNextStatement();
  }

  /** Gives the held connection back to its pool. */
  release(): void {
    const conn = this.conn;
    if (!conn) return;
    this.conn = null;
    this.pool!.release(conn);
  }

  /** Discards the held connection: its state (or a half-read response) must not be reused. */
  drop(): void {
    if (!this.conn) return;
    this.pool!.discard(this.conn);
    this.conn = null;
  }

  /** The session ends: a connection mid-statement or pinned by state is discarded, an idle one pooled. */
  end(midStatement: boolean): void {
    if (!this.conn) return;
    if (midStatement || this.pins & ~Pin.NextStatement) this.drop();
    else this.release();
  }

  /** Brings conn to the session's state and database; cb at once when it already is (the hot path). */
  private sync(conn: BackendConnection, database: string, cb: LeaseCallback): void {
    const sync = syncBackend(conn, this.host.state, database);
    if (!sync) return cb(null, conn);
    sync.then(() => cb(null, conn), (e: unknown) => { this.drop(); cb(stateError(e), null); });
  }

  private lost(cb: LeaseCallback): void {
    this.drop();
    this.pins = 0;
    cb(new SqlError(ErrorCode.CR_SERVER_LOST, 'Lost connection to backend server during query; the statement may or may not have run. Retry it.'), null);
  }

  /**
   * A connection of `first` (readBackend's pick) for a read of a partition; when that backend cannot
   * be reached, the read fails over to the partition's other servers (read-failover.ts).
   */
  private acquireRead(read: ReadOf, first: BackendPool, database: string, done: ReadCallback): void {
    const part: PartitionConfig = read.schema.partitions[read.partition];
    const { profile, state } = this.host;
    // Without replicas there is nowhere else to go (and no closure to pay for).
    if (part.read.length === 0) return first.acquire(profile, state.key, database, done);
    first.acquire(profile, state.key, database, (err, conn) => {
      if (conn || !unreachable(err) || this.host.ended) return done(err, conn, first);
      failOver({
        partition: part,
        rotation: this.host.readRotation(read.schema.name, read.partition),
        health: this.host.health,
        pool: (name) => this.host.pool(name),
        take: (pool, cb) => pool.acquire(profile, state.key, database, cb),
      }, first, err, done);
    });
  }

  /**
   * Keeps the connection for a next statement that asks about this one, but only briefly: an idle
   * session must not hold a pooled connection for long just because its last INSERT made an id.
   */
  private holdForNextStatement(): void {
    if (this.nextStatementTimer) clearTimeout(this.nextStatementTimer);
    this.nextStatementTimer = setTimeout(() => {
      this.nextStatementTimer = null;
      if (!this.host.busy && this.conn && this.pins === Pin.NextStatement) {
        this.pins = 0;
        this.release();
      }
    }, NEXT_STATEMENT_HOLD_MS);
    this.nextStatementTimer.unref();
  }
}

function noConnection(): SqlError {
  return new SqlError(ErrorCode.CR_CONN_HOST_ERROR, 'no backend connection');
}

/** A failure to bring a connection to the session's state, as the client sees it. */
function stateError(e: unknown): SqlError {
  return e instanceof SqlError ? e : new SqlError(ErrorCode.ER_UNKNOWN_ERROR, `restoring session state on backend failed: ${(e as Error).message}`);
}
