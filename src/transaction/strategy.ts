// How a transaction on a sharded schema runs across the partitions it touches, behind one interface:
// what runs on a partition's connection when it joins, at savepoints and at the end. A strategy is
// one transaction; the session's TransactionControl begins it (through TransactionStrategies, the
// factory), lends its members' connections to statements, and ends it. Strategies never talk to the
// client. 'local' (local.ts) is one transaction per partition, committed one after another; XA
// two-phase commit (issue 16) implements the same interface.
import type { BackendConnection } from '../backend/connection';
import type { BackendPool } from '../backend/pool';
import { SqlError, ErrorCode } from '../protocol/errors';

/** A member's backend connection and the pool it goes back to (or is discarded into) when the transaction ends. */
export interface MemberConnection {
  conn: BackendConnection;
  pool: Pick<BackendPool, 'release' | 'discard'>;
}

/**
 * Supplies the connection of a partition that joins, from the session: one of the partition
 * primary's pool, synced to the session's state and the partition's database.
 */
export type OpenMember = () => Promise<MemberConnection>;

/** Receives a member's connection lent to one statement, or the error that kept it from the statement (the join failed, the member was lost). */
export type Lent = (err: SqlError | null, conn: BackendConnection | null) => void;

/**
 * One transaction on a sharded schema, run across its partitions one way (local, XA). It is used
 * once: after commit(), rollback() or abandon() it holds no connection and is not used again.
 * Statements reach it one at a time (the session serialises them); the units of one statement may
 * use several partitions at once, and several units may wait for one partition.
 */
export interface TransactionStrategy {
  /**
   * The client's statement that opened the transaction (BEGIN, START TRANSACTION READ ONLY, ...), or
   * null for the implicit transaction of autocommit=0; COMMIT AND CHAIN opens the next one with it.
   */
  readonly beginSql: string | null;
  /**
   * Lends the partition's connection to one statement at a time. The first statement on a partition
   * joins it: open() supplies the connection and the strategy opens the partition's part of the
   * transaction on it (replaying what the transaction did so far, e.g. savepoints); statements that
   * arrive meanwhile, or while the connection is lent, wait their turn. A failed join fails them all.
   */
  lend(partition: number, open: OpenMember, lent: Lent): void;
  /** The statement is done with the partition's connection: the next waiting statement gets it. */
  takeBack(partition: number): void;
  /**
   * The lent connection broke (or was cancelled mid-answer): it is discarded, statements waiting for
   * it fail, and the transaction can only roll back: commit() rolls back and rejects with
   * rolledBackAfterLostMember().
   */
  broken(partition: number): void;
  /** SAVEPOINT on every member; partitions that join later set it too. */
  savepoint(sql: string): Promise<void>;
  /** ROLLBACK TO SAVEPOINT on every member. */
  rollbackToSavepoint(sql: string): Promise<void>;
  /** RELEASE SAVEPOINT on every member. */
  releaseSavepoint(sql: string): Promise<void>;
  /**
   * A session SET made during the transaction runs on every member too, so the rest of the
   * transaction sees it; `stateKey` is the session's state after it, which those connections now have.
   */
  applySet(sql: string, stateKey: string): Promise<void>;
  /**
   * Commits on every member and gives their connections back. Rejects with the first failure, its
   * message naming the partition, after trying every member.
   */
  commit(): Promise<void>;
  /** Rolls back on every member and gives their connections back; rejects like commit(). */
  rollback(): Promise<void>;
  /** The session is closing or resetting: the members' connections are discarded, which rolls them back. */
  abandon(): void;
}

/** Makes transactions of one strategy: the factory a session's TransactionControl begins them with. */
export interface TransactionStrategies {
  /**
   * Begins a transaction: beginSql is the client's BEGIN / START TRANSACTION text, or null for the
   * implicit transaction of autocommit=0. Nothing runs on a backend until a partition joins.
   * `describe` names a partition in error messages, e.g. "partition 1 (db2/shop_1)".
   */
  begin(beginSql: string | null, describe: (partition: number) => string): TransactionStrategy;
}

/** What COMMIT answers after a member's connection broke: the transaction was rolled back on every partition. */
export function rolledBackAfterLostMember(): SqlError {
  return new SqlError(ErrorCode.ER_UNKNOWN_ERROR, 'The transaction lost a partition connection and was rolled back; run it again');
}
