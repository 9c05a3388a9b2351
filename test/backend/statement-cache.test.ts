// The worker's StatementCache with stand-in connections: which statement the budget closes first,
// and when a closed client statement's backend copies go.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { StatementCache, localCounter, KEEP_UNREFERENCED } from '../../src/backend/statement-cache';
import type { CachedStatement, StatementHolder } from '../../src/backend/cached-statement';

/** A stand-in connection: a statement map, the idle flag, and the cache's drop/trim calls recorded. */
function fakeConn(cache: StatementCache, idle: boolean) {
  const statements = new Map<string, CachedStatement>();
  const dropped: string[] = [];
  const conn = {
    idle,
    trimPending: false,
    statements,
    dropped,
    dropStatement(s: CachedStatement) {
      if (!statements.delete(s.key)) return;
      cache.removed(s);
      dropped.push(s.sql);
    },
    trimUnreferenced() {
      if (!conn.trimPending) return;
      conn.trimPending = false;
      for (const s of cache.unwanted(statements.values())) conn.dropStatement(s);
    },
    /** Prepares sql here, as BackendConnection.statement does after its reservation. */
    prepare(sql: string) {
      cache.reserve(conn as unknown as StatementHolder);
      const s = { id: statements.size + 1, params: 0, columns: 0, ok: Buffer.alloc(0), packets: [], sql, key: sql, conn: conn as unknown as StatementHolder, used: 0 };
      statements.set(sql, s);
      cache.added(s);
      return s;
    },
  };
  return conn;
}

test('at the budget the least recently used closable statement goes, unreferenced before referenced, never on a busy connection', () => {
  const counter = localCounter();
  const cache = new StatementCache(3, counter);
  const idle = fakeConn(cache, true);
  const busy = fakeConn(cache, false);
  cache.ref('b1');
  busy.prepare('b1');
  cache.ref('i1');
  const i1 = idle.prepare('i1');
  idle.prepare('i2'); // unreferenced, newer than i1
  assert.equal(counter.total(), 3);
  const hand = fakeConn(cache, false);
  hand.prepare('h1');
  assert.deepEqual(idle.dropped, ['i2'], 'the unreferenced one goes first, though more recently used');
  cache.touch(i1);
  hand.prepare('h2');
  // Only referenced ones are left: the least recently used closable is h1 (in hand), not i1 (touched), not b1 (busy).
  assert.deepEqual(hand.dropped, ['h1']);
  assert.deepEqual(busy.dropped, []);
  assert.equal(counter.total(), 3);
});

test('ERR 1461 when every statement is on a busy connection; the reservation is given back', () => {
  const counter = localCounter();
  const cache = new StatementCache(2, counter);
  const busy = fakeConn(cache, false);
  busy.prepare('a');
  busy.prepare('b');
  const other = fakeConn(cache, false);
  assert.throws(() => other.prepare('c'), (e: { errno: number; message: string }) => e.errno === 1461 && /maxBackendPreparedStatements = 2/.test(e.message));
  assert.equal(counter.total(), 2);
});

test('each worker holds at most its share of the budget, whatever the others hold', () => {
  const counter = localCounter(); // both workers' counts, as the shared metrics sum them
  const a = new StatementCache(4, counter, 2);
  const b = new StatementCache(4, counter, 2);
  const onA = fakeConn(a, true);
  for (const sql of ['a1', 'a2', 'a3']) { a.ref(sql); onA.prepare(sql); }
  assert.deepEqual(onA.dropped, ['a1'], 'a closes its own beyond its share, though b holds nothing');
  const onB = fakeConn(b, false);
  for (const sql of ['b1', 'b2']) { b.ref(sql); onB.prepare(sql); }
  assert.deepEqual(onB.dropped, [], 'b prepares its share without closing anything');
  assert.equal(counter.total(), 4);
  b.ref('b3');
  assert.throws(() => fakeConn(b, false).prepare('b3'), (e: { errno: number; message: string }) => e.errno === 1461 && /share \(2\)/.test(e.message),
    'at its share with nothing of its own closable, 1461');
  assert.equal(counter.total(), 4);
});

test('the last client statement of a text closed: idle connections close it at once, busy ones when trimmed, keeping the most recent unreferenced', () => {
  const cache = new StatementCache(1000);
  const idle = fakeConn(cache, true);
  const busy = fakeConn(cache, false);
  const texts = Array.from({ length: KEEP_UNREFERENCED + 3 }, (_, i) => `s${i}`);
  for (const t of texts) {
    cache.ref(t);
    idle.prepare(t);
    busy.prepare(t);
  }
  cache.ref('s0'); // a second client statement of s0
  for (const t of texts) cache.unref(t);
  assert.deepEqual(idle.dropped, ['s1', 's2'], 'all but the KEEP_UNREFERENCED most recent unreferenced ones; s0 is still referenced');
  assert.deepEqual(busy.dropped, []);
  assert.equal(busy.trimPending, true);
  busy.trimUnreferenced();
  assert.deepEqual(busy.dropped, ['s1', 's2']);
});
