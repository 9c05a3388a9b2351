// The backend prepared statements of one worker, and the budget all workers share.
//
// A client's prepared statement is prepared lazily on whichever backend connection runs an execute
// (BackendConnection.statement), so one client statement may have copies on several connections, and
// a server refuses more than max_prepared_stmt_count statements in all (MariaDB: 16,382; ProxySQL's
// most reported bug is running into it). So:
//   - client statements are counted by text (ref/unref); a backend statement whose text no client
//     statement of this worker refers to is closed, except the most recently used KEEP_UNREFERENCED
//     of each connection (drivers that prepare and close around every execute then hit the cache);
//   - the backend statements of every worker together stay within maxBackendPreparedStatements: a
//     worker can close only its own, so each holds at most its share of the budget (budget / workers;
//     with a shared pool one worker's statements could lock the others out). Each worker counts its
//     own in its row of the shared metrics too (a gauge only it writes, zeroed by main if the worker
//     dies). At its share, the least recently used statement that may be closed now goes first
//     (unreferenced before referenced; referenced ones are prepared again when next executed).
// A statement may be closed only on a connection no command is using: one idle in its pool, or the
// one in the hands of whoever is preparing. Others are closed when they return to the pool.
import type { CachedStatement, StatementHolder } from './cached-statement';
import { SqlError, ErrorCode } from '../protocol/errors';

/** Unreferenced statements a connection keeps for texts that come back. */
export const KEEP_UNREFERENCED = 16;

/** Where a worker publishes its count of open backend statements (its row of the shared metrics). */
export interface StatementCounter {
  add(delta: number): void;
}

/** A counter kept in memory, read back with total() (tests, benchmarks). */
export function localCounter(): StatementCounter & { total(): number } {
  let n = 0;
  return { add: (d) => { n += d; }, total: () => n };
}

export class StatementCache {
  /** Client statements of this worker's sessions, by SQL text. */
  private readonly refs = new Map<string, number>();
  /** This worker's backend statements by SQL text (one per connection that prepared it). */
  private readonly byText = new Map<string, Set<CachedStatement>>();
  /** Orders uses for least-recently-used eviction. */
  private clock = 0;

  /** This worker's open backend statements. */
  private own = 0;

  /**
   * max: the budget (maxBackendPreparedStatements) over every worker's statements; share: what this
   * worker may hold of it (max / workers).
   */
  constructor(readonly max: number, private readonly counter: StatementCounter = localCounter(), private readonly share = max) {}

  /** A client statement of this text was prepared. */
  ref(sql: string): void {
    this.refs.set(sql, (this.refs.get(sql) ?? 0) + 1);
  }

  /** A client statement of this text was closed: its backend copies may go. */
  unref(sql: string): void {
    const n = (this.refs.get(sql) ?? 0) - 1;
    if (n > 0) {
      this.refs.set(sql, n);
      return;
    }
    this.refs.delete(sql);
    for (const s of this.byText.get(sql) ?? []) {
      s.conn.trimPending = true;
      if (s.conn.idle) s.conn.trimUnreferenced();
    }
  }

  /**
   * Of a connection's statements (least recently used first), the ones to close: those no client
   * statement refers to, but the KEEP_UNREFERENCED most recently used.
   */
  unwanted(statements: Iterable<CachedStatement>): CachedStatement[] {
    const unreferenced: CachedStatement[] = [];
    for (const s of statements) if (!this.refs.has(s.sql)) unreferenced.push(s);
    return unreferenced.slice(0, Math.max(0, unreferenced.length - KEEP_UNREFERENCED));
  }

  /** A use of s: it becomes the most recently used. */
  touch(s: CachedStatement): void {
    s.used = ++this.clock;
  }

  /**
   * Takes one statement from the budget before `conn` prepares, closing the least recently used
   * closable statements while this worker is at its share; ERR 1461 when none can be closed.
   */
  reserve(conn: StatementHolder): void {
    // Room first, then the count: the published sum never passes the budget, even for a moment.
    while (this.own >= this.share) {
      const victim = this.leastRecentlyUsed(conn);
      if (!victim) {
        throw new SqlError(ErrorCode.ER_MAX_PREPARED_STMT_COUNT_REACHED,
          `Can't create more than max_prepared_stmt_count statements: this worker's share (${this.share}) of sluice's budget of backend prepared statements ` +
          `(maxBackendPreparedStatements = ${this.max}) is taken by statements on connections in use; close prepared ` +
          'statements you no longer need, or raise maxBackendPreparedStatements (under the servers\' max_prepared_stmt_count)');
      }
      victim.conn.dropStatement(victim);
    }
    this.counter.add(1);
    this.own++;
  }

  /** Gives back a reservation whose prepare failed. */
  unreserve(): void {
    this.counter.add(-1);
    this.own--;
  }

  /** A reserved statement was prepared and cached on its connection. */
  added(s: CachedStatement): void {
    s.used = ++this.clock;
    let set = this.byText.get(s.sql);
    if (!set) this.byText.set(s.sql, (set = new Set()));
    set.add(s);
  }

  /** A cached statement was closed, or died with its connection. */
  removed(s: CachedStatement): void {
    const set = this.byText.get(s.sql);
    if (set?.delete(s) && set.size === 0) this.byText.delete(s.sql);
    this.unreserve();
  }

  /**
   * The server refused a prepare on `conn` (ERR 1461, its max_prepared_stmt_count reached, perhaps by
   * other clients): closes every statement on conn and the unreferenced ones on idle connections, so
   * one retry may succeed.
   */
  serverFull(conn: StatementHolder): void {
    for (const set of [...this.byText.values()]) {
      for (const s of [...set]) {
        if (s.conn === conn || (s.conn.idle && !this.refs.has(s.sql))) s.conn.dropStatement(s);
      }
    }
  }

  /** The statement to close first: on conn or an idle connection, unreferenced before referenced, least recently used. */
  private leastRecentlyUsed(conn: StatementHolder): CachedStatement | null {
    let best: CachedStatement | null = null;
    let bestRank = Infinity;
    for (const set of this.byText.values()) {
      for (const s of set) {
        if (s.conn !== conn && !s.conn.idle) continue;
        const rank = (this.refs.has(s.sql) ? this.clock : 0) + s.used;
        if (rank < bestRank) {
          best = s;
          bestRank = rank;
        }
      }
    }
    return best;
  }
}
