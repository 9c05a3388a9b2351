// A session's transaction on a sharded schema: one backend connection per partition it touched,
// each opened with the session's BEGIN statement when first used, committed or rolled back
// together at the end. Best effort: a failure in the middle of COMMIT leaves the partitions that
// committed committed (two-phase commit with XA is a later step).
import type { BackendConnection } from '../backend/connection';
import type { BackendPool } from '../backend/pool';
import { SqlError, ErrorCode } from '../protocol/errors';

interface Member {
  /** null while the partition is joining (connection being acquired, BEGIN running). */
  conn: BackendConnection | null;
  pool: BackendPool | null;
  /** A unit is using the connection; others wait their turn. */
  busy: boolean;
  waiting: ((err: SqlError | null, conn: BackendConnection | null) => void)[];
}

export class ShardTransaction {
  private readonly members = new Map<number, Member>();
  /**
   * The statement that opened the transaction (BEGIN, START TRANSACTION READ ONLY, ...), run on each
   * partition as it joins; null for the implicit transaction of autocommit=0, which the partition's
   * connection (in autocommit=0 too) opens with its first statement, as MariaDB does.
   */
  beginSql: string | null = 'BEGIN';
  /** SAVEPOINT statements so far, replayed on partitions that join later. */
  private savepoints: string[] = [];

  /**
   * Lends the partition's connection to one unit at a time. The first use joins the partition:
   * open() supplies a connection (synced to the session), then BEGIN and earlier SAVEPOINTs run on
   * it; units that arrive meanwhile wait for it.
   */
  use(
    partition: number,
    open: () => Promise<{ conn: BackendConnection; pool: BackendPool }>,
    cb: (err: SqlError | null, conn: BackendConnection | null) => void,
  ): void {
    const m = this.members.get(partition);
    if (m) {
      if (m.busy) m.waiting.push(cb);
      else {
        m.busy = true;
        cb(null, m.conn);
      }
      return;
    }
    const joining: Member = { conn: null, pool: null, busy: true, waiting: [] };
    this.members.set(partition, joining);
    open()
      .then(async ({ conn, pool }) => {
        joining.conn = conn;
        joining.pool = pool;
        if (this.beginSql !== null) await conn.query(Buffer.from(this.beginSql, 'latin1'));
        for (const sp of this.savepoints) await conn.query(Buffer.from(sp, 'latin1'));
      })
      .then(
        () => cb(null, joining.conn),
        (e: SqlError) => {
          this.members.delete(partition);
          if (joining.conn) joining.pool!.discard(joining.conn);
          cb(e, null);
          for (const w of joining.waiting) w(e, null);
        },
      );
  }

  /** A unit is done with the partition's connection. */
  done(partition: number): void {
    const m = this.members.get(partition);
    if (!m) return;
    const next = m.waiting.shift();
    if (next) next(null, m.conn);
    else m.busy = false;
  }

  /** A member's connection broke: the transaction can only be rolled back now. */
  broken(partition: number): void {
    const m = this.members.get(partition);
    if (!m) return;
    this.members.delete(partition);
    if (m.conn) m.pool!.discard(m.conn);
    this.failed = true;
    const err = new SqlError(ErrorCode.CR_SERVER_LOST, 'the transaction lost its connection to this partition');
    for (const w of m.waiting) w(err, null);
  }

  /** Set when a member was lost: COMMIT must fail. */
  failed = false;

  /** Runs a statement (SAVEPOINT, ROLLBACK TO, RELEASE) on every member. */
  async everywhere(sql: string): Promise<void> {
    if (/^\s*savepoint\b/i.test(sql)) this.savepoints.push(sql);
    await Promise.all([...this.members.values()].map((m) => m.conn!.query(Buffer.from(sql, 'latin1'))));
  }

  /**
   * A session SET made during the transaction runs on every member too, so that the rest of the
   * transaction sees it; `stateKey` is the session's state after it, which those connections now have.
   */
  async applySet(sql: string, stateKey: string): Promise<void> {
    await Promise.all([...this.members.values()].map(async (m) => {
      await m.conn!.query(Buffer.from(sql, 'latin1'));
      m.conn!.stateKey = stateKey;
    }));
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
    const results = await Promise.allSettled(members.map(([, m]) => m.conn!.query(verb)));
    let first: SqlError | null = null;
    results.forEach((r, i) => {
      const [p, m] = members[i];
      if (r.status === 'fulfilled') m.pool!.release(m.conn!);
      else {
        m.pool!.discard(m.conn!);
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
    for (const m of this.members.values()) if (m.conn) m.pool!.discard(m.conn);
    this.members.clear();
  }
}
