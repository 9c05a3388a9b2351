// TransactionControl at its seam: what BEGIN, COMMIT / ROLLBACK [AND CHAIN], savepoints, SET
// autocommit and implicit commits do to a sharded session's transaction, the IN_TRANS flag it
// answers, and what reaches the partitions (through the local strategy and fake-backend.ts's
// recording connections). The same cases against MariaDB itself are test/e2e/implicit-commit.test.ts.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { TransactionControl } from '../../src/transaction/transaction-control';
import { localTransactions } from '../../src/transaction/local';
import type { TransactionStrategies } from '../../src/transaction/strategy';
import { Status } from '../../src/protocol/constants';
import { SqlError, ErrorCode } from '../../src/protocol/errors';
import { FakeBackends, borrow, describePartition } from './fake-backend';

const COMMIT = { verb: 'COMMIT', chain: false, release: false } as const;

function control() {
  return { tc: new TransactionControl(describePartition), b: new FakeBackends() };
}

/** A statement on these partitions inside the open transaction. */
async function touch(tc: TransactionControl, b: FakeBackends, ...partitions: number[]): Promise<void> {
  for (const p of partitions) {
    await borrow(tc.current!, b, p);
    tc.current!.takeBack(p);
  }
}

const inTrans = (tc: TransactionControl) => (tc.status(Status.AUTOCOMMIT) & Status.IN_TRANS) !== 0;

describe('TransactionControl', () => {
  it('BEGIN opens a transaction with the client\'s text (its ; dropped); COMMIT ends it on every member', async () => {
    const { tc, b } = control();
    assert.equal(tc.current, null);
    assert.equal(inTrans(tc), false);
    await tc.begin('START TRANSACTION WITH CONSISTENT SNAPSHOT; ');
    assert.equal(inTrans(tc), true);
    assert.equal(tc.status(Status.IN_TRANS | Status.AUTOCOMMIT), Status.IN_TRANS | Status.AUTOCOMMIT);
    await touch(tc, b, 1, 0);
    await tc.end(COMMIT);
    assert.equal(tc.current, null);
    assert.equal(tc.status(Status.IN_TRANS | Status.AUTOCOMMIT), Status.AUTOCOMMIT);
    assert.deepEqual(b.log, ['p1: START TRANSACTION WITH CONSISTENT SNAPSHOT', 'p0: START TRANSACTION WITH CONSISTENT SNAPSHOT', 'p1: COMMIT', 'p0: COMMIT']);
  });

  it('BEGIN inside a transaction commits it first', async () => {
    const { tc, b } = control();
    await tc.begin('BEGIN');
    await touch(tc, b, 0);
    const first = tc.current;
    await tc.begin('START TRANSACTION READ ONLY');
    assert.notEqual(tc.current, first);
    assert.equal(tc.current!.beginSql, 'START TRANSACTION READ ONLY');
    assert.deepEqual(b.log, ['p0: BEGIN', 'p0: COMMIT']);
  });

  it('COMMIT AND CHAIN and ROLLBACK AND CHAIN reopen with the same BEGIN text once the end succeeded', async () => {
    const { tc, b } = control();
    await tc.begin('START TRANSACTION READ ONLY');
    await touch(tc, b, 0);
    const ends = tc.end({ verb: 'COMMIT', chain: true, release: false });
    assert.equal(tc.current, null); // ended at once; the next opens after the COMMIT
    await ends;
    assert.equal(tc.current!.beginSql, 'START TRANSACTION READ ONLY');
    await touch(tc, b, 0);
    await tc.end({ verb: 'ROLLBACK', chain: true, release: false });
    await touch(tc, b, 1);
    assert.deepEqual(b.log, [
      'p0: START TRANSACTION READ ONLY', 'p0: COMMIT',
      'p0: START TRANSACTION READ ONLY', 'p0: ROLLBACK',
      'p1: START TRANSACTION READ ONLY',
    ]);
    // With nothing open, AND CHAIN opens a plain BEGIN transaction.
    const fresh = control();
    await fresh.tc.end({ verb: 'ROLLBACK', chain: true, release: false });
    assert.equal(fresh.tc.current!.beginSql, 'BEGIN');
  });

  it('a COMMIT AND CHAIN that fails opens no new transaction', async () => {
    const { tc, b } = control();
    await tc.begin('BEGIN');
    await touch(tc, b, 0);
    tc.current!.broken(0);
    await assert.rejects(tc.end({ verb: 'COMMIT', chain: true, release: false }), /lost a partition connection and was rolled back/);
    assert.equal(tc.current, null);
  });

  it('autocommit=0: each statement opens the implicit transaction (no BEGIN sent), SET autocommit=1 commits it', async () => {
    const { tc, b } = control();
    assert.equal(tc.ensureImplicit(), null); // autocommit on: statements run on their own
    await tc.sessionSet('SET autocommit=0', false, 'ac0');
    assert.equal(inTrans(tc), false); // nothing open until a statement runs
    const trx = tc.ensureImplicit();
    assert.equal(trx?.beginSql, null);
    assert.equal(tc.ensureImplicit(), trx);
    assert.equal(inTrans(tc), true);
    await touch(tc, b, 0, 1);
    await tc.sessionSet("SET sql_mode=''", false, 'ac0-mode'); // autocommit stays 0: made on the members
    const commits = tc.sessionSet('SET autocommit=1', true, 'mode');
    assert.equal(inTrans(tc), false);
    await commits;
    assert.equal(tc.ensureImplicit(), null);
    assert.deepEqual(b.log, ["p0: SET sql_mode=''", "p1: SET sql_mode=''", 'p0: COMMIT', 'p1: COMMIT']);
    assert.deepEqual([b.conn(0).stateKey, b.conn(1).stateKey], ['ac0-mode', 'ac0-mode']);
  });

  it('SET autocommit=1 while autocommit was already 1 leaves a BEGIN transaction open (and made on its members)', async () => {
    const { tc, b } = control();
    await tc.begin('BEGIN');
    await touch(tc, b, 0);
    await tc.sessionSet('SET autocommit=1', true, 'k');
    assert.equal(inTrans(tc), true);
    assert.deepEqual(b.log, ['p0: BEGIN', 'p0: SET autocommit=1']);
  });

  it('a statement that commits implicitly: the open transaction commits first, the statement runs outside any transaction', async () => {
    const { tc, b } = control();
    await tc.sessionSet('SET autocommit=0', false, 'ac0');
    tc.ensureImplicit();
    await touch(tc, b, 0);
    const commits = tc.commitImplicitly();
    assert.equal(tc.outside, true);
    assert.equal(inTrans(tc), false);
    await commits;
    assert.equal(tc.ensureImplicit(), null); // the DDL itself opens nothing
    tc.statementEnded();
    assert.equal(tc.outside, false);
    assert.equal(tc.ensureImplicit()?.beginSql, null); // the next statement does
    assert.deepEqual(b.log, ['p0: COMMIT']);
  });

  it('commitImplicitly with nothing open resolves at once; a failed implicit commit is its promise\'s', async () => {
    const { tc, b } = control();
    await tc.commitImplicitly();
    tc.statementEnded();
    await tc.begin('BEGIN');
    await touch(tc, b, 2);
    b.conn(2).failOn = [{ sql: /^COMMIT$/, err: new SqlError(ErrorCode.ER_LOCK_WAIT_TIMEOUT, 'Lock wait timeout exceeded') }];
    await assert.rejects(tc.commitImplicitly(), { errno: ErrorCode.ER_LOCK_WAIT_TIMEOUT, message: 'partition 2 (b2/shop_2): COMMIT failed: Lock wait timeout exceeded' });
    assert.equal(tc.current, null);
  });

  it('savepoints go to the open transaction; without one SAVEPOINT is a no-op and ROLLBACK TO / RELEASE fail with 1305', async () => {
    const { tc, b } = control();
    await tc.savepoint('SAVEPOINT a');
    await assert.rejects(tc.savepoint('ROLLBACK TO SAVEPOINT a'), { errno: ErrorCode.ER_SP_DOES_NOT_EXIST, sqlState: '42000' });
    await assert.rejects(tc.savepoint('RELEASE SAVEPOINT a'), { errno: 1305 });
    await tc.begin('BEGIN');
    await touch(tc, b, 0);
    await tc.savepoint('savepoint a');
    await touch(tc, b, 1); // joins after the savepoint: it is replayed there
    await tc.savepoint('ROLLBACK WORK TO a');
    await tc.savepoint('release savepoint a');
    assert.deepEqual(b.log, [
      'p0: BEGIN', 'p0: savepoint a', 'p1: BEGIN', 'p1: savepoint a',
      'p0: ROLLBACK WORK TO a', 'p1: ROLLBACK WORK TO a', 'p0: release savepoint a', 'p1: release savepoint a',
    ]);
  });

  it('abandon (session closing or reset) discards the members and turns autocommit back on', async () => {
    const { tc, b } = control();
    await tc.sessionSet('SET autocommit=0', false, 'ac0');
    tc.ensureImplicit();
    await touch(tc, b, 0, 1);
    tc.abandon();
    assert.equal(tc.current, null);
    assert.deepEqual(b.discarded, [0, 1]);
    assert.deepEqual(b.log, []);
    assert.equal(tc.ensureImplicit(), null);
  });

  it('begins every transaction through its factory (the seam an XA strategy plugs into)', async () => {
    const begun: (string | null)[] = [];
    const counting: TransactionStrategies = {
      begin: (sql, describe) => {
        begun.push(sql);
        assert.equal(describe(3), 'partition 3 (b3/shop_3)');
        return localTransactions.begin(sql, describe);
      },
    };
    const tc = new TransactionControl(describePartition, counting);
    await tc.begin('BEGIN');
    await tc.end({ verb: 'COMMIT', chain: true, release: false });
    await tc.sessionSet('SET autocommit=0', false, 'ac0');
    await tc.end(COMMIT);
    tc.ensureImplicit();
    assert.deepEqual(begun, ['BEGIN', 'BEGIN', null]);
  });
});
