// sluice's own session ids at the kernel seam, with a fake session and directory: KILL of itself,
// KILL of another session through the directory, CONNECTION_ID() spliced into the statement.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { fakeSession } from '../helpers/fake-session';
import { sessionIds } from '../../src/kernel/session-ids';
import { classify } from '../../src/kernel/classify';
import { ErrorCode } from '../../src/protocol/errors';

const payload = (sql: string) => Buffer.from(`\x03${sql}`, 'latin1');
const ids = (s: ReturnType<typeof fakeSession>['s'], sql: string) => sessionIds(s, payload(sql), classify(payload(sql), 1, sql.length + 1));

test('KILL of its own connection: ERR 1927 and the session closes; KILL QUERY of itself: 1317', () => {
  const a = fakeSession({ schema: 'app' });
  assert.equal(ids(a.s, 'KILL 7'), true);
  assert.equal(a.answers.errors[0].errno, ErrorCode.ER_CONNECTION_KILLED);
  assert.equal(a.answers.closed, true);
  const b = fakeSession({ schema: 'app' });
  assert.equal(ids(b.s, 'KILL QUERY CONNECTION_ID()'), true);
  assert.equal(b.answers.errors[0].errno, ErrorCode.ER_QUERY_INTERRUPTED);
  assert.equal(b.answers.closed, false);
});

test('KILL of another session asks the directory, as the user, and answers its outcome', async () => {
  const asked: unknown[] = [];
  const directory = { kill: async (id: number, query: boolean, who: unknown) => { asked.push([id, query, who]); return id === 9 ? 'done' : id === 10 ? 'denied' : 'unknown'; } };
  const { s, answers } = fakeSession({ schema: 'app', directory });
  ids(s, 'KILL 9');
  ids(s, 'KILL QUERY 10');
  ids(s, 'KILL 11');
  await new Promise((r) => setImmediate(r));
  assert.deepEqual(asked, [[9, false, { user: 'alice', admin: false }], [10, true, { user: 'alice', admin: false }], [11, false, { user: 'alice', admin: false }]]);
  assert.equal(answers.oks.length, 1);
  assert.deepEqual(answers.errors.map((e) => e.errno), [ErrorCode.ER_KILL_DENIED_ERROR, ErrorCode.ER_NO_SUCH_THREAD]);
});

test('CONNECTION_ID() comes back spliced for the pipeline; other statements are not taken', () => {
  const { s } = fakeSession({ schema: 'app' });
  const out = ids(s, 'SELECT CONNECTION_ID()');
  assert.ok(Buffer.isBuffer(out));
  assert.equal(out.toString('latin1', 1), 'SELECT 7 AS `CONNECTION_ID()`');
  assert.equal(s.busy, false);
  assert.equal(ids(s, "SELECT 'kill' FROM t"), false);
});
