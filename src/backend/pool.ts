// A worker's pool of connections to one backend. Connections are keyed by relay profile (the
// capability bits that shape responses) and prefer the caller's session-state key, so a session
// usually gets a connection that needs no state restore. A backend that refuses connections is
// marked down, in this pool for a back-off period during which acquires fail fast with a clear
// error, and in the shared health table for every worker's read rotation until main's probe
// reaches it again (then the back-off no longer holds either).
import type { Logger } from 'pino';
import type { PoolConfig } from '../config/types';
import { BackendConnection, type BackendTarget } from './connection';
import { Com } from '../protocol/constants';
import { BackendCounter } from '../metrics/layout';
import { SqlError, ErrorCode } from '../protocol/errors';

export type AcquireCallback = (err: SqlError | null, conn: BackendConnection | null) => void;

/** The pool's handle on its backend's entry in the shared health table (health/backend-health.ts). */
export interface Reachability {
  /** False from a failed connect (any worker's) until main's probe connected again. */
  up(): boolean;
  markDown(): void;
}

interface Waiter {
  profile: number;
  database: string;
  cb: AcquireCallback;
  timer: NodeJS.Timeout;
}

const MIN_BACKOFF_MS = 100;
const MAX_BACKOFF_MS = 5_000;

export class BackendPool {
  /** Idle connections, most recently used last. */
  private idle: BackendConnection[] = [];
  private waiters: Waiter[] = [];
  /** Open connections, idle or in use. */
  private live = new Set<BackendConnection>();
  private connecting = 0;
  private downUntil = 0;
  private backoff = MIN_BACKOFF_MS;
  private lastError: SqlError | null = null;
  private sweeper: NodeJS.Timeout;
  private closed = false;

  constructor(
    readonly target: BackendTarget,
    readonly cfg: PoolConfig,
    private readonly log: Logger,
    /** Counts connects, failures and waits into the shared metrics (this backend's index). */
    private readonly count: (counter: BackendCounter) => void = () => {},
    /** Publishes the open and idle connection counts whenever they change. */
    private readonly gauge: (open: number, idle: number) => void = () => {},
    /** This backend in the shared health table: marked down when a connect fails. */
    private readonly reach: Reachability,
  ) {
    this.sweeper = setInterval(() => this.sweep(), Math.max(250, Math.min(cfg.idleTimeoutMs, 5_000)));
    this.sweeper.unref();
  }

  /** Connections open or being opened. */
  get size(): number {
    return this.live.size + this.connecting;
  }

  get idleCount(): number {
    return this.idle.length;
  }

  /** Hands out a connection (synchronously when one is idle). */
  acquire(profile: number, stateKey: string, database: string, cb: AcquireCallback): void {
    if (this.closed) return cb(new SqlError(ErrorCode.ER_SERVER_SHUTDOWN, 'Server shutdown in progress'), null);
    const room = this.size < this.cfg.max;
    // With room to grow, a connection needing a database switch or a state restore is left for a
    // session that matches it, and a new one opens straight into the target database.
    const conn = this.takeIdle(profile, stateKey, database, room);
    if (conn) {
      conn.idle = false;
      this.publish();
      return this.validate(conn, profile, stateKey, database, cb);
    }
    // In back-off, unless the probe reached the backend since: then try it at once.
    if (Date.now() < this.downUntil && this.lastError && !this.reach.up()) return cb(this.lastError, null);
    if (room) return this.open(profile, database, cb);
    if (this.idle.length > 0) {
      // Full, but idle connections of another relay profile: trade the oldest for one of ours.
      const victim = this.idle.shift()!;
      this.live.delete(victim);
      victim.close();
      this.publish();
      return this.open(profile, database, cb);
    }
    this.count(BackendCounter.PoolWaits);
    const w: Waiter = {
      profile, database, cb,
      timer: setTimeout(() => {
        this.waiters.splice(this.waiters.indexOf(w), 1);
        cb(new SqlError(ErrorCode.ER_LOCK_WAIT_TIMEOUT, `Timed out after ${this.cfg.acquireTimeoutMs} ms waiting for a connection to backend '${this.target.name}' (pool max ${this.cfg.max}); raise backends.${this.target.name}.pool.max`), null);
      }, this.cfg.acquireTimeoutMs),
    };
    this.waiters.push(w);
  }

  /**
   * The idle connection of this profile that needs the least work: same session state and database
   * (no round trip), else same state (one COM_INIT_DB), else any (reset and replay). Partitions of
   * one server share a pool, so without the database preference every other query would switch.
   */
  private takeIdle(profile: number, stateKey: string, database: string, exactOnly: boolean): BackendConnection | null {
    let best = -1;
    let bestScore = -1;
    for (let i = this.idle.length - 1; i >= 0; i--) {
      const c = this.idle[i];
      if (c.profile !== profile) continue;
      const score = (c.stateKey === stateKey ? 2 : 0) + (c.database === database ? 1 : 0);
      if (score === 3) return takeAt(this.idle, i);
      if (score > bestScore) {
        best = i;
        bestScore = score;
      }
    }
    if (best < 0 || (exactOnly && bestScore < 3)) return null;
    return takeAt(this.idle, best);
  }

  /** A connection idle for long is pinged first: a dead one is replaced transparently. */
  private validate(conn: BackendConnection, profile: number, stateKey: string, database: string, cb: AcquireCallback): void {
    if (conn.closed) {
      this.live.delete(conn);
      return this.acquire(profile, stateKey, database, cb);
    }
    if (Date.now() - conn.lastUsed < this.cfg.validateAfterMs) return cb(null, conn);
    conn.command(Com.PING).then(
      () => cb(null, conn),
      () => { this.discard(conn); this.acquire(profile, stateKey, database, cb); },
    );
  }

  private open(profile: number, database: string, cb: AcquireCallback): void {
    this.connecting++;
    BackendConnection.connect(this.target, profile, database || null).then(
      (conn) => {
        this.connecting--;
        this.count(BackendCounter.Connects);
        this.backoff = MIN_BACKOFF_MS;
        this.downUntil = 0;
        this.lastError = null;
        this.live.add(conn);
        this.publish();
        conn.socket.on('close', () => this.onConnClosed(conn));
        if (this.closed) { conn.close(); return cb(new SqlError(ErrorCode.ER_SERVER_SHUTDOWN, 'Server shutdown in progress'), null); }
        cb(null, conn);
      },
      (err: SqlError) => {
        this.connecting--;
        this.count(BackendCounter.ConnectFailures);
        this.lastError = err;
        this.downUntil = Date.now() + this.backoff;
        this.reach.markDown();
        this.log.warn({ backend: this.target.name, err: err.message, backoffMs: this.backoff }, 'backend connect failed');
        this.backoff = Math.min(this.backoff * 2, MAX_BACKOFF_MS);
        cb(err, null);
        // Waiters queued behind a full pool would wait for nothing: fail them too.
        this.failWaiters(err);
      },
    );
  }

  private onConnClosed(conn: BackendConnection): void {
    if (!this.live.delete(conn)) return;
    const i = this.idle.indexOf(conn);
    if (i >= 0) this.idle.splice(i, 1);
    this.publish();
    this.wakeWaiter();
  }

  /** Returns a healthy connection to the pool (or straight to a waiter). */
  release(conn: BackendConnection): void {
    if (conn.closed || conn.killed || this.closed) return this.discard(conn);
    conn.clearHolds(); // never pool a connection paused for a former user's backpressure
    conn.lastUsed = Date.now();
    if (conn.trimPending) conn.trimUnreferenced(); // statements whose last client statement closed while it was in use
    for (let i = 0; i < this.waiters.length; i++) {
      const w = this.waiters[i];
      if (w.profile !== conn.profile) continue;
      this.waiters.splice(i, 1);
      clearTimeout(w.timer);
      return w.cb(null, conn);
    }
    this.idle.push(conn);
    conn.idle = true;
    this.publish();
    // A waiter for another profile can't use this one; make room for it by closing an idle one.
    if (this.waiters.length > 0 && this.size >= this.cfg.max) {
      const victim = this.idle.shift()!;
      this.discard(victim);
    }
  }

  /** Closes a connection that must not be reused (broken, or its state can't be cleaned). */
  discard(conn: BackendConnection): void {
    const i = this.idle.indexOf(conn);
    if (i >= 0) this.idle.splice(i, 1);
    this.live.delete(conn);
    conn.destroy();
    this.publish();
    this.wakeWaiter();
  }

  /** A slot freed up: open a connection for the longest waiter. */
  private wakeWaiter(): void {
    if (this.waiters.length > 0 && this.size < this.cfg.max && !this.closed) {
      const w = this.waiters.shift()!;
      clearTimeout(w.timer);
      this.open(w.profile, w.database, w.cb);
    }
  }

  private failWaiters(err: SqlError): void {
    const ws = this.waiters;
    this.waiters = [];
    for (const w of ws) { clearTimeout(w.timer); w.cb(err, null); }
  }

  /** Closes connections idle past the timeout, keeping `min`. */
  private sweep(): void {
    const cutoff = Date.now() - this.cfg.idleTimeoutMs;
    while (this.idle.length > 0 && this.size > this.cfg.min && this.idle[0].lastUsed < cutoff) {
      const c = this.idle.shift()!;
      this.live.delete(c);
      c.close();
    }
    this.publish();
  }

  private publish(): void {
    this.gauge(this.live.size, this.idle.length);
  }

  close(): void {
    this.closed = true;
    clearInterval(this.sweeper);
    this.failWaiters(new SqlError(ErrorCode.ER_SERVER_SHUTDOWN, 'Server shutdown in progress'));
    for (const c of this.idle) { this.live.delete(c); c.close(); }
    this.idle = [];
    this.publish();
  }
}

/** Removes and returns arr[i] (the common case, the last one, is a pop; no array is allocated). */
function takeAt<T>(arr: T[], i: number): T {
  const item = arr[i];
  for (let j = i + 1; j < arr.length; j++) arr[j - 1] = arr[j];
  arr.pop();
  return item;
}
