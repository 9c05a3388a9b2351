// The 'local' transaction strategy: each partition the transaction touches runs a transaction of its
// own on one backend connection, opened with the session's BEGIN statement when the partition joins,
// and COMMIT or ROLLBACK goes to every member in parallel at the end.
// NOT ATOMIC ACROSS PARTITIONS: a failure in the middle of COMMIT (a member's error, a backend, the
// network or sluice dying between the COMMITs) leaves the partitions that committed committed and
// the others rolled back, and nothing finds out later. XA two-phase commit (issue 16) closes that.
import type { BackendConnection } from '../backend/connection';
import { SqlError, ErrorCode } from '../protocol/errors';
import { TransactionMembers } from './members';
import { rolledBackAfterLostMember, type Lent, type OpenMember, type TransactionStrategies, type TransactionStrategy } from './strategy';

/** One transaction of the local strategy. */
export class LocalTransaction implements TransactionStrategy {
  private readonly members = new TransactionMembers((conn) => this.join(conn));
  /** SAVEPOINT statements so far, replayed on partitions that join later. */
  private readonly savepoints: string[] = [];
  /** Set when a member was lost (broken()): COMMIT must fail, and rolls back instead. */
  private rollbackOnly = false;

  /**
   * beginSql runs on each partition as it joins; null for the implicit transaction of autocommit=0,
   * which the partition's connection (in autocommit=0 too) opens with its first statement, as
   * MariaDB does.
   */
  constructor(readonly beginSql: string | null, private readonly describe: (partition: number) => string) {}

  private async join(conn: BackendConnection): Promise<void> {
    if (this.beginSql !== null) await conn.query(Buffer.from(this.beginSql, 'latin1'));
    for (const sp of this.savepoints) await conn.query(Buffer.from(sp, 'latin1'));
  }

  lend(partition: number, open: OpenMember, lent: Lent): void {
    this.members.lend(partition, open, lent);
  }

  takeBack(partition: number): void {
    this.members.takeBack(partition);
  }

  broken(partition: number): void {
    if (this.members.broken(partition)) this.rollbackOnly = true;
  }

  savepoint(sql: string): Promise<void> {
    this.savepoints.push(sql);
    return this.everywhere(sql);
  }

  rollbackToSavepoint(sql: string): Promise<void> {
    return this.everywhere(sql);
  }

  releaseSavepoint(sql: string): Promise<void> {
    return this.everywhere(sql);
  }

  async applySet(sql: string, stateKey: string): Promise<void> {
    await Promise.all(this.members.connections().map(async (conn) => {
      await conn.query(Buffer.from(sql, 'latin1'));
      conn.stateKey = stateKey;
    }));
  }

  async commit(): Promise<void> {
    if (!this.rollbackOnly) return this.end('COMMIT');
    // A member that fails to roll back is discarded, which rolls it back too: the client hears why the COMMIT did not happen.
    await this.end('ROLLBACK').catch(() => undefined);
    throw rolledBackAfterLostMember();
  }

  rollback(): Promise<void> {
    return this.end('ROLLBACK');
  }

  abandon(): void {
    this.members.discardAll();
  }

  private async everywhere(sql: string): Promise<void> {
    await Promise.all(this.members.connections().map((conn) => conn.query(Buffer.from(sql, 'latin1'))));
  }

  /** Ends the transaction on every member; rejects with the first failure (naming the partition) after trying every member. */
  private async end(verb: 'COMMIT' | 'ROLLBACK'): Promise<void> {
    const members = this.members.takeAll();
    const results = await Promise.allSettled(members.map((m) => m.conn.query(verb)));
    let first: SqlError | null = null;
    results.forEach((r, i) => {
      const { partition, conn, pool } = members[i];
      if (r.status === 'fulfilled') pool.release(conn);
      else {
        pool.discard(conn);
        const e = r.reason as SqlError;
        first ??= new SqlError(e.errno ?? ErrorCode.ER_UNKNOWN_ERROR, `${this.describe(partition)}: ${verb} failed: ${e.message}`);
      }
    });
    if (first) throw first;
  }
}

/** The local strategy's factory. */
export const localTransactions: TransactionStrategies = {
  begin: (beginSql, describe) => new LocalTransaction(beginSql, describe),
};
