// A session's transaction on a sharded schema: one backend connection per partition it touched,
// each opened with the session's BEGIN statement when first used, committed or rolled back
// together at the end. Best effort: a failure in the middle of COMMIT leaves the partitions that
// committed committed (two-phase commit with XA is a later step).
import type { BackendConnection } from '../backend/connection';
import type { BackendPool } from '../backend/pool';
import { SqlError, ErrorCode } from '../protocol/errors';

interface Member {
  conn: BackendConnection;
  pool: BackendPool;
  /** Units wait here while another unit of the same statement uses the connection. */
  busy: boolean;
  waiting: (() => void)[];
}

export class ShardTransaction {
  private readonly members = new Map<number, Member>();
  /** The statement that opened the transaction (BEGIN, START TRANSACTION READ ONLY, ...). */
  beginSql = 'BEGIN';
  /** SAVEPOINT statements so far, replayed on partitions that join later. */
  private savepoints: string[] = [];

  get partitions(): number[] {
    return [...this.members.keys()];
  }

  get size(): number {
    return this.members.size;
  }

  /** The partition's connection, waiting while another unit uses it; undefined if not joined yet. */
  use(partition: number, cb: (conn: BackendConnection) => void): boolean {
    const m = this.members.get(partition);
    if (!m) return false;
    if (m.busy) {
      m.waiting.push(() => { m.busy = true; cb(m.conn); });
    } else {
      m.busy = true;
      cb(m.conn);
    }
    return true;
  }

  /** Adds a partition's connection: runs BEGIN (and earlier SAVEPOINTs) on it first. */
  async join(partition: number, conn: BackendConnection, pool: BackendPool): Promise<void> {
    await conn.query(this.beginSql);
    for (const sp of this.savepoints) await conn.query(sp);
    this.members.set(partition, { conn, pool, busy: true, waiting: [] });
  }

  /** A unit is done with the partition's connection. */
  done(partition: number): void {
    const m = this.members.get(partition);
    if (!m) return;
    m.busy = false;
    m.waiting.shift()?.();
  }

  /** A member's connection broke: the transaction can only be rolled back now. */
  broken(partition: number): void {
    const m = this.members.get(partition);
    if (!m) return;
    this.members.delete(partition);
    m.pool.discard(m.conn);
    this.failed = true;
  }

  /** Set when a member was lost: COMMIT must fail. */
  failed = false;

  /** Runs a statement (SAVEPOINT, ROLLBACK TO, RELEASE) on every member. */
  async everywhere(sql: string): Promise<void> {
    if (/^\s*savepoint\b/i.test(sql)) this.savepoints.push(sql);
    await Promise.all([...this.members.values()].map((m) => m.conn.query(sql)));
  }

  /**
   * Ends the transaction on every member with COMMIT or ROLLBACK and returns the connections.
   * Rejects with the first failure (naming the partition) after trying every member.
   */
  async end(sql: 'COMMIT' | 'ROLLBACK', describe: (p: number) => string): Promise<void> {
    const members = [...this.members.entries()];
    this.members.clear();
    this.savepoints = [];
    const failedBefore = this.failed;
    this.failed = false;
    const verb = failedBefore && sql === 'COMMIT' ? 'ROLLBACK' : sql;
    const results = await Promise.allSettled(members.map(([, m]) => m.conn.query(verb)));
    let first: SqlError | null = null;
    results.forEach((r, i) => {
      const [p, m] = members[i];
      if (r.status === 'fulfilled') m.pool.release(m.conn);
      else {
        m.pool.discard(m.conn);
        const e = r.reason as SqlError;
        first ??= new SqlError(e.errno ?? ErrorCode.ER_UNKNOWN_ERROR, `${describe(p)}: ${verb} failed: ${e.message}`);
      }
    });
    if (failedBefore && sql === 'COMMIT') {
      throw new SqlError(ErrorCode.ER_UNKNOWN_ERROR, 'The transaction lost a partition connection and was rolled back; run it again');
    }
    if (first) throw first;
  }

  /** Session closing: roll back quietly and let the connections go. */
  abandon(): void {
    for (const m of this.members.values()) m.pool.discard(m.conn);
    this.members.clear();
  }
}
