// Session statements on a sharded schema, answered by the session itself rather than planned: BEGIN,
// START TRANSACTION, COMMIT, ROLLBACK [TO SAVEPOINT], SAVEPOINT, RELEASE SAVEPOINT and SET of
// session variables. The transaction state is transaction/transaction-control.ts's; this module
// writes the answers and keeps the status flags in step.
import { BufferWriter } from '../protocol/buffer-writer';
import { Header, SQL_MODE_STATUS, Status } from '../protocol/constants';
import { encodeOk } from '../protocol/packets';
import { SqlError } from '../protocol/errors';
import { Verb, Trait, type Classified } from './classify';
import type { StatementContext } from './context';
import { logicalNames } from '../rewrite/logical-names';
import type { TransactionStrategy } from '../transaction/strategy';
import { transactionEnd, type TransactionEnd } from '../transaction/statements';

/**
 * Transaction control and session SETs on a sharded schema, which the session answers itself
 * (text or prepared): true when sql was one and is under way.
 */
export function sessionStatement(s: StatementContext, sql: string, c: Classified): boolean {
  if (!isSessionStatement(sql, c)) return false;
  switch (c.verb) {
    case Verb.Begin:
    case Verb.Start:
      beginTransaction(s, sql);
      break;
    case Verb.Commit:
    case Verb.Rollback: {
      const end = transactionEnd(sql);
      if (end) endTransaction(s, end);
      else if (c.verb === Verb.Commit) endTransaction(s, { verb: 'COMMIT', chain: false, release: false });
      else savepoint(s, sql); // ROLLBACK TO SAVEPOINT
      break;
    }
    case Verb.Set:
      sessionSet(s, sql, c);
      break;
    default: // SAVEPOINT, RELEASE SAVEPOINT
      savepoint(s, sql);
  }
  return true;
}

/** BEGIN / START TRANSACTION: an open transaction commits first, as MariaDB does. */
export function beginTransaction(s: StatementContext, sql: string): void {
  const begins = s.trx.begin(sql);
  s.status = s.trx.status(s.status);
  begins.then(() => {
    s.ok();
    s.done();
  }, (e: SqlError) => s.fail(e));
}

/** COMMIT / ROLLBACK [AND CHAIN] [RELEASE] on every partition the transaction touched. */
export function endTransaction(s: StatementContext, end: TransactionEnd): void {
  const ends = s.trx.end(end);
  s.status = s.trx.status(s.status);
  ends.then(() => {
    s.status = s.trx.status(s.status); // AND CHAIN: a new transaction with the same characteristics (READ ONLY, ...)
    s.ok();
    if (end.release) return s.close(); // RELEASE: MariaDB closes the connection after the OK
    s.done();
  }, (e: SqlError) => s.fail(e));
}

/** SAVEPOINT, ROLLBACK TO SAVEPOINT, RELEASE SAVEPOINT on every member. */
export function savepoint(s: StatementContext, sql: string): void {
  s.trx.savepoint(sql).then(() => { s.ok(); s.done(); }, (e: SqlError) => s.fail(e));
}

/**
 * SET of session variables: run on a connection of the default partition, then recorded for every
 * connection, and made on the open transaction's connections too. Autocommit is read off the
 * backend's answer (any spelling of the SET); turning it from 0 to 1 commits the open transaction,
 * as MariaDB does. The OK is sluice's, with the session's flags, and the backend's tracked variables
 * (the connection negotiated CLIENT_SESSION_TRACK only if the client did).
 */
export function sessionSet(s: StatementContext, sql: string, c: Classified): void {
  const schema = s.sharded;
  const part = schema.partitions[schema.defaultPartition];
  s.relay.withConnection(s.pool(part.write), part.database, async (conn) => {
    const ok = (await conn.query(Buffer.from(sql, 'latin1'))).ok!;
    s.state.record(c.setNames!, sql);
    conn.stateKey = s.state.key;
    const applied = s.trx.sessionSet(sql, (ok.status & Status.AUTOCOMMIT) !== 0, s.state.key);
    // autocommit and the sql_mode flags are the backend's answer, as are the tracked variables' new values.
    const carried = Status.AUTOCOMMIT | SQL_MODE_STATUS;
    s.status = s.trx.status((s.status & ~carried) | (ok.status & carried));
    await applied;
    const state = ok.sessionState ?? null;
    s.send(encodeOk(new BufferWriter(32 + ok.info.length + (state?.length ?? 0)), { status: s.status, info: ok.info, warnings: ok.warnings }, Header.OK, state));
    s.done();
  }, logicalNames(schema));
}

/** With autocommit off, any statement opens a transaction (but one that commits implicitly). */
export function ensureImplicitTrx(s: StatementContext): TransactionStrategy | null {
  const trx = s.trx.ensureImplicit();
  s.status = s.trx.status(s.status);
  return trx;
}

/**
 * Runs a statement that commits implicitly: the open transaction is committed first, on every
 * partition it touched (MariaDB commits even when the statement then fails), and the statement
 * runs outside any transaction.
 */
export function commitThen(s: StatementContext, run: () => void, failed: (e: SqlError) => void = (e) => s.fail(e)): void {
  const commits = s.trx.commitImplicitly();
  s.status = s.trx.status(s.status);
  commits.then(run, failed);
}

/**
 * Statements a sharded session answers itself rather than planning them: BEGIN, START TRANSACTION,
 * COMMIT, ROLLBACK [TO SAVEPOINT], SAVEPOINT, RELEASE SAVEPOINT, and SET of session variables.
 */
export function isSessionStatement(sql: string, c: Classified): boolean {
  switch (c.verb) {
    case Verb.Begin:
    case Verb.Commit:
    case Verb.Rollback:
      return true;
    case Verb.Start:
      return /^\s*start\s+transaction\b/i.test(sql);
    case Verb.Set:
      return (c.traits & Trait.SessionSet) !== 0;
    case Verb.Other: // SAVEPOINT and RELEASE SAVEPOINT have no verb of their own
      return /^\s*(savepoint|release\s+savepoint)\b/i.test(sql);
    default:
      return false;
  }
}
