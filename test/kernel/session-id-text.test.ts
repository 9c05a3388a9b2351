// The pure parts of sluice's own session ids: CONNECTION_ID() splicing, KILL parsing, the process
// list's recognition and derived table, wait_timeout from a SET, and the classifier's hints.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spliceConnectionId } from '../../src/kernel/connection-id';
import { parseKill } from '../../src/kernel/kill-statement';
import { processlistRead, withProcesslistRows } from '../../src/kernel/processlist';
import { idleTooLong, SWEEP_MS } from '../../src/session/idle-timeout';
import { waitTimeoutSet } from '../../src/kernel/wait-timeout';
import { classify, Verb, Trait } from '../../src/kernel/classify';
import { SqlError } from '../../src/protocol/errors';

test('CONNECTION_ID() calls become the id; select items that held one keep their written name', () => {
  const cases: [string, string][] = [
    ['SELECT CONNECTION_ID()', 'SELECT 42 AS `CONNECTION_ID()`'],
    ['select connection_id ( ) , 1', 'select 42 AS `connection_id ( )` , 1'],
    ['SELECT a, CONNECTION_ID() FROM t', 'SELECT a, 42 AS `CONNECTION_ID()` FROM t'],
    ['SELECT CONNECTION_ID() AS me', 'SELECT 42 AS me'],
    ['SELECT CONNECTION_ID() me', 'SELECT 42 me'],
    ['SELECT CONNECTION_ID() + 1', 'SELECT 42 + 1 AS `CONNECTION_ID() + 1`'],
    ["SELECT CONCAT('x', CONNECTION_ID())", "SELECT CONCAT('x', 42) AS `CONCAT('x', CONNECTION_ID())`"],
    ["SELECT CONCAT('x', CONNECTION_ID()) s", "SELECT CONCAT('x', 42) s"],
    ['SELECT DISTINCT CONNECTION_ID() FROM t', 'SELECT DISTINCT 42 AS `CONNECTION_ID()` FROM t'],
    ['SELECT CASE WHEN 1 THEN CONNECTION_ID() END me', 'SELECT CASE WHEN 1 THEN 42 END me'],
    ['SELECT CONNECTION_ID() UNION SELECT 1', 'SELECT 42 AS `CONNECTION_ID()` UNION SELECT 1'],
    ['SELECT x.a FROM (SELECT CONNECTION_ID() AS a) x', 'SELECT x.a FROM (SELECT 42 AS a) x'],
    ['INSERT INTO t VALUES (CONNECTION_ID(), 1)', 'INSERT INTO t VALUES (42, 1)'],
    ['SELECT * FROM t WHERE owner = CONNECTION_ID()', 'SELECT * FROM t WHERE owner = 42'],
    ['SELECT a FROM t ORDER BY CONNECTION_ID(), a', 'SELECT a FROM t ORDER BY 42, a'],
    ['SET @me = CONNECTION_ID()', 'SET @me = 42'],
    ['SELECT (SELECT CONNECTION_ID())', 'SELECT (SELECT 42 AS `CONNECTION_ID()`) AS `(SELECT CONNECTION_ID())`'],
  ];
  for (const [sql, want] of cases) assert.equal(spliceConnectionId(sql, 42), want, sql);
  // Strings, comments and names that only look like it stay as written.
  for (const sql of ["SELECT 'CONNECTION_ID()'", 'SELECT 1 /* CONNECTION_ID() */', 'SELECT connection_id FROM t', 'SELECT `CONNECTION_ID()` FROM t']) {
    assert.equal(spliceConnectionId(sql, 42), sql);
  }
});

test('KILL forms: CONNECTION and QUERY, HARD and SOFT, CONNECTION_ID(); others refused with MySQL errors', () => {
  assert.deepEqual(parseKill('KILL 7'), { query: false, id: 7 });
  assert.deepEqual(parseKill('kill connection 7;'), { query: false, id: 7 });
  assert.deepEqual(parseKill('KILL HARD QUERY 7'), { query: true, id: 7 });
  assert.deepEqual(parseKill('KILL SOFT CONNECTION /* x */ 7'), { query: false, id: 7 });
  assert.deepEqual(parseKill('KILL QUERY CONNECTION_ID ( )'), { query: true, id: 'self' });
  const errno = (sql: string) => {
    try {
      parseKill(sql);
      return 0;
    } catch (e) {
      return (e as SqlError).errno;
    }
  };
  assert.equal(errno('KILL USER app'), 1235);
  assert.equal(errno('KILL QUERY ID 5'), 1235);
  assert.equal(errno('KILL abc'), 1064);
  assert.equal(errno('KILL 1 + 1'), 1064);
  assert.equal(errno('KILL'), 1064);
});

test('the process list is recognised in SHOW and in information_schema references, and replaced by its rows', () => {
  assert.deepEqual(processlistRead('SHOW PROCESSLIST'), { show: true, full: false });
  assert.deepEqual(processlistRead('show full processlist;'), { show: true, full: true });
  assert.deepEqual(processlistRead('SELECT * FROM `information_schema`.`PROCESSLIST` p'), { show: false });
  assert.equal(processlistRead('SHOW TABLES'), null);
  assert.equal(processlistRead("SELECT 'information_schema.PROCESSLIST'"), null);
  const row = { id: 3, user: 'app', host: '127.0.0.1:5', db: null, command: 'Query', time: 0, state: 'executing', info: "it's" };
  const sql = withProcesslistRows('SELECT ID FROM information_schema.PROCESSLIST WHERE ID > 1', [row]);
  assert.match(sql, /^SELECT ID FROM \(SELECT 3 AS ID, .* AS TID\) AS PROCESSLIST WHERE ID > 1$/);
  assert.ok(!sql.includes("it's"), 'strings go in as hex literals');
  assert.match(withProcesslistRows('SELECT p.ID FROM information_schema.PROCESSLIST p', [row]), /\) p$/);
});

test('wait_timeout from a SET: literals and DEFAULT, clamped to MariaDB\'s range; never closed early', () => {
  assert.equal(waitTimeoutSet('SET wait_timeout = 5', 100), 5000);
  assert.equal(waitTimeoutSet('SET SESSION wait_timeout=5', 100), 5000);
  assert.equal(waitTimeoutSet('SET @@session.wait_timeout = 5, sql_mode = \'\'', 100), 5000);
  assert.equal(waitTimeoutSet('set sql_mode = \'\', @@wait_timeout = DEFAULT', 100), 100);
  assert.equal(waitTimeoutSet('SET wait_timeout = 0', 100), 1000);
  assert.equal(waitTimeoutSet('SET wait_timeout = @x', 100), undefined);
  assert.equal(waitTimeoutSet('SET net_wait_timeout = 5', 100), undefined);
  assert.equal(idleTooLong(1000 + 1000 + SWEEP_MS, 1000, 1000), false);
  assert.equal(idleTooLong(1000 + 1001 + SWEEP_MS, 1000, 1000), true);
});

test('the classifier marks KILL and statements naming CONNECTION_ID or PROCESSLIST', () => {
  const run = (sql: string) => {
    const b = Buffer.from(`\x03${sql}`, 'latin1');
    return classify(b, 1, b.length);
  };
  assert.equal(run('KILL 5').verb, Verb.Kill);
  assert.ok(run('SELECT CONNECTION_ID()').traits & Trait.SessionInfo);
  assert.ok(run('SHOW FULL PROCESSLIST').traits & Trait.SessionInfo);
  assert.ok(run('select * from information_schema.processlist').traits & Trait.SessionInfo);
  assert.equal(run("SELECT 'CONNECTION_ID()'").traits & Trait.SessionInfo, 0);
  assert.equal(run('SELECT c FROM sbtest1 WHERE id = 5').traits, 0);
});
