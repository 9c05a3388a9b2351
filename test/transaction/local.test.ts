// The local strategy at its seam: what runs on each partition's connection as it joins, at
// savepoints and at the end, how a member's connection is lent to one statement at a time, and what
// a broken member or a failing COMMIT does. Backends are fake-backend.ts's recording connections;
// the e2e side is test/e2e/sharding.test.ts and implicit-commit.test.ts.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { LocalTransaction, localTransactions } from '../../src/transaction/local';
import { SqlError, ErrorCode } from '../../src/protocol/errors';
import { FakeBackends, borrow, describePartition, settle } from './fake-backend';

function begin(beginSql: string | null = 'BEGIN') {
  return { trx: localTransactions.begin(beginSql, describePartition), b: new FakeBackends() };
}

describe('LocalTransaction', () => {
  it('begins nothing on a backend until a partition joins; each joins with the BEGIN text, in the order touched', async () => {
    const { trx, b } = begin('START TRANSACTION READ ONLY');
    assert.ok(trx instanceof LocalTransaction);
    assert.deepEqual(b.log, []);
    const c2 = await borrow(trx, b, 2);
    c2.query('SELECT 1');
    trx.takeBack(2);
    const c0 = await borrow(trx, b, 0);
    c0.query('SELECT 2');
    trx.takeBack(0);
    await trx.commit();
    assert.deepEqual(b.log, [
      'p2: START TRANSACTION READ ONLY', 'p2: SELECT 1',
      'p0: START TRANSACTION READ ONLY', 'p0: SELECT 2',
      'p2: COMMIT', 'p0: COMMIT', // members end in join order
    ]);
    assert.deepEqual(b.released, [2, 0]);
    assert.deepEqual(b.discarded, []);
  });

  it('the implicit transaction of autocommit=0 runs no BEGIN: the connection opens it with its first statement', async () => {
    const { trx, b } = begin(null);
    assert.equal(trx.beginSql, null);
    await borrow(trx, b, 1);
    trx.takeBack(1);
    await trx.rollback();
    assert.deepEqual(b.log, ['p1: ROLLBACK']);
    assert.deepEqual(b.released, [1]);
  });

  it('savepoints run on every member and are replayed, in order, on partitions that join later', async () => {
    const { trx, b } = begin();
    await borrow(trx, b, 0);
    trx.takeBack(0);
    await trx.savepoint('SAVEPOINT a');
    await trx.savepoint('SAVEPOINT `b c`');
    await borrow(trx, b, 1);
    trx.takeBack(1);
    await trx.rollbackToSavepoint('ROLLBACK TO SAVEPOINT a');
    await trx.releaseSavepoint('RELEASE SAVEPOINT a');
    await borrow(trx, b, 2);
    trx.takeBack(2);
    assert.deepEqual(b.log, [
      'p0: BEGIN', 'p0: SAVEPOINT a', 'p0: SAVEPOINT `b c`',
      'p1: BEGIN', 'p1: SAVEPOINT a', 'p1: SAVEPOINT `b c`',
      'p0: ROLLBACK TO SAVEPOINT a', 'p1: ROLLBACK TO SAVEPOINT a',
      'p0: RELEASE SAVEPOINT a', 'p1: RELEASE SAVEPOINT a',
      'p2: BEGIN', 'p2: SAVEPOINT a', 'p2: SAVEPOINT `b c`', // only SAVEPOINTs are replayed, as before
    ]);
  });

  it('lends a member to one statement at a time: the next waits until the connection is taken back', async () => {
    const { trx, b } = begin();
    const got: string[] = [];
    const lend = (who: string) => trx.lend(0, b.open(0), (err) => got.push(err ? `${who}: ${err.message}` : who));
    lend('first'); // joins
    lend('second'); // arrives while the partition is joining
    await settle();
    assert.deepEqual(got, ['first']);
    lend('third');
    await settle();
    assert.deepEqual(got, ['first']);
    trx.takeBack(0);
    assert.deepEqual(got, ['first', 'second']);
    trx.takeBack(0);
    assert.deepEqual(got, ['first', 'second', 'third']);
    trx.takeBack(0);
    lend('fourth'); // free now: at once
    assert.deepEqual(got, ['first', 'second', 'third', 'fourth']);
    assert.deepEqual(b.log, ['p0: BEGIN']); // one join
  });

  it('a partition that cannot join fails the statements waiting for it, and may join on a later statement', async () => {
    const { trx, b } = begin();
    b.unreachable.set(1, new SqlError(ErrorCode.CR_CONN_HOST_ERROR, "Can't connect to backend 'b1'"));
    const got: string[] = [];
    trx.lend(1, b.open(1), (err) => got.push(`first: ${err?.message}`));
    trx.lend(1, b.open(1), (err) => got.push(`second: ${err?.message}`));
    await settle();
    assert.deepEqual(got, ["first: Can't connect to backend 'b1'", "second: Can't connect to backend 'b1'"]);
    b.unreachable.clear();
    b.conn(1).failOn = [{ sql: /^BEGIN$/, err: new SqlError(ErrorCode.CR_SERVER_LOST, 'Lost connection to backend server') }];
    await assert.rejects(borrow(trx, b, 1), /Lost connection/);
    assert.deepEqual(b.discarded, [1]); // its BEGIN failed: the connection is not reused
    b.conn(1).failOn = [];
    await borrow(trx, b, 1);
    trx.takeBack(1);
    await trx.commit();
    assert.deepEqual(b.log, ['p1: BEGIN', 'p1: BEGIN', 'p1: COMMIT']);
  });

  it('a broken member: its waiting statements fail, COMMIT rolls back everywhere and fails with the documented error', async () => {
    const { trx, b } = begin();
    await borrow(trx, b, 0);
    trx.takeBack(0);
    await borrow(trx, b, 1);
    let waiting: SqlError | null = null;
    trx.lend(1, b.open(1), (err) => { waiting = err; });
    trx.broken(1);
    assert.equal(waiting!.errno, ErrorCode.CR_SERVER_LOST);
    assert.deepEqual(b.discarded, [1]);
    await assert.rejects(trx.commit(), { errno: ErrorCode.ER_UNKNOWN_ERROR, message: 'The transaction lost a partition connection and was rolled back; run it again' });
    assert.deepEqual(b.log, ['p0: BEGIN', 'p1: BEGIN', 'p0: ROLLBACK']);
    assert.deepEqual(b.released, [0]);
  });

  it('a COMMIT that fails on one member: the others commit, the failing one is discarded, the error names the partition', async () => {
    const { trx, b } = begin();
    for (const p of [0, 1, 2]) { await borrow(trx, b, p); trx.takeBack(p); }
    b.conn(1).failOn = [{ sql: /^COMMIT$/, err: new SqlError(1213, 'Deadlock found when trying to get lock') }];
    await assert.rejects(trx.commit(), { errno: 1213, message: 'partition 1 (b1/shop_1): COMMIT failed: Deadlock found when trying to get lock' });
    assert.deepEqual(b.log.filter((l) => l.endsWith('COMMIT')), ['p0: COMMIT', 'p1: COMMIT', 'p2: COMMIT']);
    assert.deepEqual(b.released, [0, 2]);
    assert.deepEqual(b.discarded, [1]);
  });

  it('a session SET runs on every member and gives them the session state key', async () => {
    const { trx, b } = begin();
    for (const p of [0, 1]) { await borrow(trx, b, p); trx.takeBack(p); }
    await trx.applySet("SET sql_mode=''", 'state-2');
    assert.deepEqual(b.log.slice(2), ["p0: SET sql_mode=''", "p1: SET sql_mode=''"]);
    assert.deepEqual([b.conn(0).stateKey, b.conn(1).stateKey], ['state-2', 'state-2']);
  });

  it('abandon discards every member without running anything', async () => {
    const { trx, b } = begin();
    for (const p of [0, 1]) { await borrow(trx, b, p); trx.takeBack(p); }
    trx.abandon();
    assert.deepEqual(b.log, ['p0: BEGIN', 'p1: BEGIN']);
    assert.deepEqual(b.discarded, [0, 1]);
    assert.deepEqual(b.released, []);
  });
});
