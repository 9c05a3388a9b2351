// A sharded session's transaction state, and what the transaction statements do to it as MariaDB
// does them: BEGIN (committing an open transaction first), COMMIT / ROLLBACK [AND CHAIN], savepoints,
// SET autocommit (0 opens a transaction with every statement, 0 -> 1 commits), and the statements
// that commit implicitly and run outside any transaction. No client I/O: the session calls it,
// writes the answers (OK, ERR, the IN_TRANS status flag from status()) and lends the open
// transaction's connections to statements through `current`.
//
// Each call changes the state at once, before its promise settles, so the session can write the
// status flag right after the call; only AND CHAIN opens its transaction later, once the end
// succeeded.
import { Status } from '../protocol/constants';
import { SqlError, ErrorCode } from '../protocol/errors';
import { localTransactions } from './local';
import type { TransactionEnd } from './statements';
import type { TransactionStrategies, TransactionStrategy } from './strategy';

/** The transaction state of a session on a sharded schema (one per session, whatever the schema). */
export class TransactionControl {
  /** The open transaction: set by begin(), ensureImplicit() and AND CHAIN, cleared when it ends (or commits implicitly). */
  private open: TransactionStrategy | null = null;
  /** SET autocommit = 0 is in force (sessionSet() reads it off the backend's answer): every statement runs inside a transaction. */
  private autocommitOff = false;
  /** The current statement commits implicitly and runs outside any transaction: set by commitImplicitly(), cleared by statementEnded(). */
  private outsideNow = false;

  /**
   * `describe` names a partition in errors; `strategies` makes the transactions (the local strategy,
   * the only one so far).
   */
  constructor(
    private readonly describe: (partition: number) => string,
    private readonly strategies: TransactionStrategies = localTransactions,
  ) {}

  /** The open transaction, whose members' connections statements borrow; null when none is open. */
  get current(): TransactionStrategy | null {
    return this.open;
  }

  /** No transaction is open and a statement would open none (autocommit is on): a statement runs on its own. */
  get autocommitting(): boolean {
    return this.open === null && !this.autocommitOff;
  }

  /** The current statement commits implicitly: it runs outside any transaction. */
  get outside(): boolean {
    return this.outsideNow;
  }

  /** The session's status flags with IN_TRANS set exactly when a transaction is open. */
  status(flags: number): number {
    return this.open ? flags | Status.IN_TRANS : flags & ~Status.IN_TRANS;
  }

  /** With autocommit off, a statement opens a transaction unless it commits implicitly; the open transaction, if any. */
  ensureImplicit(): TransactionStrategy | null {
    if (!this.open && this.autocommitOff && !this.outsideNow) this.open = this.strategies.begin(null, this.describe);
    return this.open;
  }

  /** The statement ended (or a multi-statement query goes on to its next one): the next one runs in the transaction again. */
  statementEnded(): void {
    this.outsideNow = false;
  }

  /**
   * A statement that commits implicitly is about to run: the open transaction is committed first, on
   * every partition it touched (MariaDB commits even when the statement then fails), and the
   * statement runs outside any transaction. Resolves when it may run.
   */
  commitImplicitly(): Promise<void> {
    this.outsideNow = true;
    const trx = this.open;
    if (!trx) return Promise.resolve();
    this.open = null;
    return trx.commit();
  }

  /**
   * BEGIN / START TRANSACTION: a transaction opened with the client's statement (its `;` dropped);
   * an open one is committed first, and the promise carries that commit's failure.
   */
  begin(sql: string): Promise<void> {
    const previous = this.open;
    this.open = this.strategies.begin(sql.replace(/;\s*$/, ''), this.describe);
    return previous ? previous.commit() : Promise.resolve();
  }

  /**
   * COMMIT or ROLLBACK of the open transaction (nothing to do when none is); AND CHAIN opens the next
   * one with the same BEGIN statement once it succeeded. RELEASE is the session's (it closes).
   */
  async end(end: TransactionEnd): Promise<void> {
    const trx = this.open;
    this.open = null;
    if (trx) await (end.verb === 'COMMIT' ? trx.commit() : trx.rollback());
    if (end.chain) this.open = this.strategies.begin(trx?.beginSql ?? 'BEGIN', this.describe);
  }

  /**
   * SAVEPOINT, ROLLBACK TO SAVEPOINT or RELEASE SAVEPOINT on every member. Without a transaction a
   * SAVEPOINT does nothing and the other two fail with 1305, as on MariaDB.
   */
  savepoint(sql: string): Promise<void> {
    const trx = this.open;
    const kind = /^\s*(savepoint|release)\b/i.exec(sql)?.[1].toLowerCase();
    if (!trx) {
      if (kind === 'savepoint') return Promise.resolve();
      return Promise.reject(new SqlError(ErrorCode.ER_SP_DOES_NOT_EXIST, 'SAVEPOINT does not exist (no transaction is open)'));
    }
    if (kind === 'savepoint') return trx.savepoint(sql);
    return kind === 'release' ? trx.releaseSavepoint(sql) : trx.rollbackToSavepoint(sql);
  }

  /**
   * A session SET ran (on the default partition), and `autocommit` is the backend's answer after it:
   * turning autocommit from 0 to 1 commits the open transaction, as MariaDB does; otherwise the SET is
   * made on the open transaction's members too, `stateKey` being the session's state after it.
   */
  sessionSet(sql: string, autocommit: boolean, stateKey: string): Promise<void> {
    const wasOff = this.autocommitOff;
    this.autocommitOff = !autocommit;
    const trx = this.open;
    if (!trx) return Promise.resolve();
    if (wasOff && autocommit) {
      this.open = null;
      return trx.commit();
    }
    return trx.applySet(sql, stateKey);
  }

  /** The session closes or resets: the open transaction is abandoned (its connections discarded) and autocommit is on again. */
  abandon(): void {
    this.open?.abandon();
    this.open = null;
    this.autocommitOff = false;
  }
}
