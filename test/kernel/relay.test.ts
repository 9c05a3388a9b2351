// The kernel's relay and forwarding at their seam with a fake session: which connection a statement
// gets, what its answer's end says about that connection (pins, recorded SETs, status), and errors.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { fakeSession, type FakeConnection } from '../helpers/fake-session';
import { forward, forwardTarget } from '../../src/kernel/forward';
import { Pin } from '../../src/execute/backend-lease';
import { classify } from '../../src/kernel/classify';
import { frameCommand } from '../../src/protocol/framing';
import { Com, Status } from '../../src/protocol/constants';
import { ErrorCode } from '../../src/protocol/errors';
import { ResponseKind, type ResponseScanner } from '../../src/protocol/response-scanner';

function run(s: ReturnType<typeof fakeSession>['s'], sql: string) {
  const framed = frameCommand(Com.QUERY, sql);
  const payload = framed.subarray(4);
  forward(s, framed, ResponseKind.Result, classify(payload, 1, payload.length));
}

function answer(conn: FakeConnection, end: Partial<ResponseScanner>): void {
  conn.sink!.end({ status: Status.AUTOCOMMIT, warnings: 0, err: null, ok: null, infile: null, ...end } as ResponseScanner);
}

test('a forwarded statement goes to the schema backend in its database, and its connection back to the pool', () => {
  const { s, answers, pool } = fakeSession({ schema: 'app' });
  run(s, 'SELECT 1');
  const conn = pool('db1').last!;
  assert.equal(conn.database, 'app_db');
  assert.equal(conn.sent.length, 1);
  assert.equal(conn.sent[0].framed.toString('latin1', 5), 'SELECT 1');
  answer(conn, {});
  assert.equal(answers.done, 1);
  assert.deepEqual(pool('db1').released, [conn]);
  assert.equal(s.lease.conn, null);
});

test('no schema selected: the first forwarding schema the user may use; none at all is ERR 1046', () => {
  const { s } = fakeSession();
  assert.equal(forwardTarget(s).database, 'app_db');
  const none = fakeSession({ schemas: {} });
  run(none.s, 'SELECT 1');
  assert.equal(none.answers.errors[0].errno, ErrorCode.ER_NO_DB_ERROR);
});

test('a SET is recorded for every later connection; the connection carries the new state', async () => {
  const { s, pool } = fakeSession({ schema: 'app' });
  run(s, "SET sql_mode = 'ANSI'");
  const conn = pool('db1').last!;
  answer(conn, {});
  assert.deepEqual(s.state.statements, ["SET sql_mode = 'ANSI'"]);
  assert.equal(conn.stateKey, s.state.key);
  // A later connection is brought to that state before its statement; a failed SET records nothing.
  run(s, 'SET time_zone = 7');
  await new Promise((r) => setImmediate(r));
  assert.deepEqual(pool('db1').last!.queries, ["SET sql_mode = 'ANSI'"]);
  answer(pool('db1').last!, { err: Buffer.from([0xff, 0x4a, 0x05]) });
  assert.deepEqual(s.state.statements, ["SET sql_mode = 'ANSI'"]);
});

test('IN_TRANS and LOCK TABLES pin the connection; the next statement runs on it', () => {
  const { s, pool } = fakeSession({ schema: 'app' });
  run(s, 'BEGIN');
  const conn = pool('db1').last!;
  answer(conn, { status: Status.AUTOCOMMIT | Status.IN_TRANS });
  assert.equal(s.lease.conn, conn);
  assert.equal(s.lease.pins & Pin.Transaction, Pin.Transaction);
  run(s, 'LOCK TABLES t WRITE');
  assert.equal(pool('db1').acquired, 1);
  answer(conn, { status: Status.AUTOCOMMIT | Status.IN_TRANS });
  run(s, 'COMMIT');
  answer(conn, {});
  assert.equal(s.lease.pins, Pin.Locks); // COMMIT ends the transaction, not the locks
  run(s, 'UNLOCK TABLES');
  answer(conn, {});
  assert.equal(s.lease.pins, 0);
  assert.deepEqual(pool('db1').released, [conn]);
});

test('warnings keep the connection for the next statement only', () => {
  const { s, pool } = fakeSession({ schema: 'app' });
  run(s, 'INSERT INTO t VALUES (1)');
  const conn = pool('db1').last!;
  answer(conn, { warnings: 1 });
  assert.equal(s.lease.pins, Pin.NextStatement);
  run(s, 'SHOW WARNINGS');
  assert.equal(pool('db1').acquired, 1);
  answer(conn, {});
  assert.equal(s.lease.conn, null);
});

test('COMMIT RELEASE closes the client after the OK, and the connection is not pooled', () => {
  const { s, answers, pool } = fakeSession({ schema: 'app' });
  run(s, 'COMMIT RELEASE');
  const conn = pool('db1').last!;
  answer(conn, {});
  assert.equal(answers.closed, true);
  assert.deepEqual(pool('db1').discarded, [conn]);
});

test('a connection lost mid-answer ends the statement with 2013 and is discarded', () => {
  const { s, answers, pool } = fakeSession({ schema: 'app' });
  run(s, 'SELECT 1');
  const conn = pool('db1').last!;
  conn.sink!.fail(new Error('reset'));
  assert.equal(answers.errors[0].errno, ErrorCode.CR_SERVER_LOST);
  assert.deepEqual(pool('db1').discarded, [conn]);
});
