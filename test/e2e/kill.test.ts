// Session ids are sluice's own: CONNECTION_ID() answers the handshake's id, KILL [QUERY|CONNECTION] n
// acts on sluice session n wherever its worker is (threads: 2, so sessions land on both), stopping
// its statement on the backends with KILL QUERY <backend thread>, and a client's KILL id never
// reaches a backend. SHOW PROCESSLIST and information_schema.PROCESSLIST list the user's own sluice
// sessions (all of them for an admin), and wait_timeout closes an idle session.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import mysql from 'mysql2/promise';
import { startCluster, backendOf, type Cluster } from '../helpers/cluster';
import { resolveConfig } from '../../src/config';
import { startServer, type RunningServer } from '../../src/server';
import { createLogger } from '../../src/logger';
import { BackendConnection } from '../../src/backend/connection';
import { rawPackets } from '../helpers/raw-packets';

let c: Cluster;

const tables = (i: number) => `
  CREATE DATABASE app CHARACTER SET utf8mb4;
  CREATE TABLE app.t (v INT); INSERT INTO app.t VALUES (1);
  CREATE DATABASE shop_${i} CHARACTER SET utf8mb4;
  CREATE TABLE shop_${i}.users_0 (uid INT PRIMARY KEY, name VARCHAR(32));
  CREATE TABLE shop_${i}.users_1 (uid INT PRIMARY KEY, name VARCHAR(32));
  SET GLOBAL general_log = 1; SET GLOBAL log_output = 'TABLE';
`;

function sluiceConfig(dbs: Cluster['dbs']): Record<string, unknown> {
  const [a, b] = dbs;
  return {
    users: [
      { user: 'app', password: 'pw', schemas: ['*'] },
      { user: 'other', password: 'pw', schemas: ['*'] },
      { user: 'boss', password: 'pw', schemas: ['*'], privileges: ['read', 'write', 'ddl', 'admin'] },
    ],
    backends: { a: backendOf(a), b: backendOf(b) },
    schemas: {
      fwd: { backend: 'a', database: 'app' },
      shop: {
        partitions: [{ write: 'a', database: 'shop_0' }, { write: 'b', database: 'shop_1' }],
        tables: { users: { shardKey: 'uid', algorithm: 'mod', tablesPerPartition: 2 } },
      },
    },
  };
}

before(async () => {
  c = await startCluster({ backends: 2, setup: (_db, i) => tables(i), config: sluiceConfig, threads: 2 });
  const s = await connect('shop');
  // One row in each of the four physical tables: a scan is four units, each sleeping once.
  await s.query(`INSERT INTO users (uid, name) VALUES (1, 'a'), (2, 'b'), (3, 'c'), (4, 'd')`);
  await s.end();
});

after(async () => {
  await c?.stop();
});

function connect(database = 'fwd', user = 'app', extra: mysql.ConnectionOptions = {}): Promise<mysql.Connection> {
  return mysql.createConnection({ host: '127.0.0.1', port: c.port, user, password: 'pw', database, ...extra });
}

/** Polls until check() is true (readiness by checks, not sleeps). */
async function until(check: () => boolean | Promise<boolean>, what: string, timeoutMs = 15_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 25));
  }
}

/** Backend threads (on every backend, as root) running a statement that contains `text`. */
async function backendRunning(text: string): Promise<number> {
  let n = 0;
  for (const db of c.dbs) {
    const out = await db.sql(`SELECT COUNT(*) FROM information_schema.PROCESSLIST WHERE INFO LIKE '%${text}%' AND INFO NOT LIKE '%PROCESSLIST%'`);
    n += Number(out.trim().split('\n').pop());
  }
  return n;
}

type Outcome = { ok: unknown } | { errno?: number; sqlState?: string; message: string };
const settle = (p: Promise<unknown>): Promise<Outcome> =>
  p.then((r) => ({ ok: r }), (e: { errno?: number; sqlState?: string; message: string }) => ({ errno: e.errno, sqlState: e.sqlState, message: e.message }));

/** Resolves when the client's socket has closed. */
const closed = (conn: mysql.Connection) => {
  let done = false;
  (conn as unknown as { connection: { stream: NodeJS.EventEmitter } }).connection.stream.once('close', () => { done = true; });
  conn.on('error', () => undefined);
  return () => done;
};

test('CONNECTION_ID() is the handshake id: forwarding and sharded, text and prepared, alone and with other columns', async () => {
  for (const schema of ['fwd', 'shop']) {
    const conn = await connect(schema);
    try {
      const id = conn.threadId!;
      const [rows, fields] = await conn.query('SELECT CONNECTION_ID()') as [Record<string, unknown>[], mysql.FieldPacket[]];
      assert.equal(fields[0].name, 'CONNECTION_ID()', schema);
      assert.equal(Number(rows[0]['CONNECTION_ID()']), id, schema);
      const [mixed] = await conn.query('select 1 + 1 AS two, connection_id ( ) AS me, CONCAT(\'x\', CONNECTION_ID()) AS s, \'CONNECTION_ID()\' AS lit') as [Record<string, unknown>[], unknown];
      assert.deepEqual(mixed[0], { two: 2, me: id, s: `x${id}`, lit: 'CONNECTION_ID()' }, schema);
      const [, named] = await conn.query("SELECT CONNECTION_ID() + 0, CONCAT('#', CONNECTION_ID())") as [unknown, mysql.FieldPacket[]];
      assert.deepEqual(named.map((f) => f.name), ['CONNECTION_ID() + 0', "CONCAT('#', CONNECTION_ID())"], schema);
      const [prepared] = await conn.execute('SELECT CONNECTION_ID() AS me, ? AS p', [7]) as [Record<string, unknown>[], unknown];
      assert.deepEqual(prepared[0], { me: id, p: 7 }, schema);
    } finally {
      await conn.end();
    }
  }
});

test('KILL QUERY from another connection stops a forwarding SLEEP on the backend; the victim goes on', async () => {
  const victim = await connect('fwd');
  const killer = await connect('fwd');
  try {
    // The only two sessions now, one on each worker: the KILL crosses workers.
    await until(() => c.sluice.workers().every((w) => w.connections === 1), 'one session per worker');
    const running = settle(victim.query('SELECT SLEEP(30) AS forwarded_sleep'));
    await until(async () => (await backendRunning('forwarded_sleep')) === 1, 'the sleep to run on the backend');
    const t0 = Date.now();
    await killer.query(`kill   query  ${victim.threadId}`);
    const out = await running;
    assert.deepEqual([(out as { errno: number }).errno, (out as { sqlState: string }).sqlState], [1317, '70100'], JSON.stringify(out));
    assert.ok(Date.now() - t0 < 10_000);
    await until(async () => (await backendRunning('forwarded_sleep')) === 0, 'the backend query to end');
    assert.deepEqual((await victim.query('SELECT v FROM t'))[0], [{ v: 1 }]);
  } finally {
    await victim.end();
    await killer.end();
  }
});

test('KILL QUERY stops every unit of a sharded scatter on both backends', async () => {
  const victim = await connect('shop');
  const killer = await connect('fwd');
  try {
    const running = settle(victim.query('SELECT uid, SLEEP(30) AS scatter_sleep FROM users'));
    await until(async () => (await backendRunning('scatter_sleep')) === 4, 'four units to sleep on the backends');
    await killer.query(`KILL QUERY ${victim.threadId}`);
    const out = await running;
    assert.equal((out as { errno: number }).errno, 1317, JSON.stringify(out));
    await until(async () => (await backendRunning('scatter_sleep')) === 0, 'every unit to end on the backends');
    assert.equal(((await victim.query('SELECT COUNT(*) AS n FROM users'))[0] as { n: number }[])[0].n, 4);
  } finally {
    await victim.end();
    await killer.end();
  }
});

test('KILL [CONNECTION] n closes that session, also mid-statement, and its backend query stops', async () => {
  const idle = await connect('fwd');
  const busy = await connect('shop');
  const killer = await connect('fwd');
  try {
    const idleClosed = closed(idle);
    await killer.query(`KILL ${idle.threadId}`);
    await until(idleClosed, 'the idle victim to be disconnected');

    const running = settle(busy.query('SELECT uid, SLEEP(30) AS conn_kill_sleep FROM users'));
    await until(async () => (await backendRunning('conn_kill_sleep')) === 4, 'the units to run');
    const busyClosed = closed(busy);
    await killer.query(`KILL CONNECTION ${busy.threadId}`);
    await until(busyClosed, 'the busy victim to be disconnected');
    assert.ok(!('ok' in (await running)));
    await until(async () => (await backendRunning('conn_kill_sleep')) === 0, 'the backend units to stop');

    const [list] = await killer.query('SHOW PROCESSLIST') as [{ Id: number }[], unknown];
    assert.deepEqual(list.map((r) => r.Id), [killer.threadId]);
  } finally {
    await killer.end();
  }
});

test('a killed session\'s open transaction is rolled back: its backend connection is discarded, not pooled', async () => {
  const victim = await connect('fwd');
  const killer = await connect('fwd');
  try {
    const last = async (sql: string) => (await c.dbs[0].sql(sql)).trim().split('\n').pop()!;
    await victim.query('BEGIN');
    await victim.query('INSERT INTO t VALUES (99)');
    const thread = Number(await last('SELECT trx_mysql_thread_id FROM information_schema.INNODB_TRX'));
    assert.ok(thread > 0, 'the transaction is open on a backend thread');
    const gone = closed(victim);
    await killer.query(`KILL ${victim.threadId}`);
    await until(gone, 'the victim to be disconnected');
    // The backend connection is closed (its thread ends and MariaDB rolls back); a pooled one would
    // keep the thread and the transaction. (MariaDB may list the transaction for a while after the
    // thread has gone: its end is MariaDB's, the thread's is sluice's.)
    await until(async () => Number(await last(`SELECT COUNT(*) FROM information_schema.PROCESSLIST WHERE ID = ${thread}`)) === 0, 'the backend thread to end');
    assert.deepEqual((await killer.query('SELECT COUNT(*) AS n FROM t WHERE v = 99'))[0], [{ n: 0 }]);
  } finally {
    await killer.end();
  }
});

test('COM_PROCESS_KILL (mysqladmin kill) is KILL CONNECTION of a sluice id; an unknown one gets 1094', async () => {
  const victim = await connect('fwd');
  const admin = await BackendConnection.connect({ name: 'sluice', host: '127.0.0.1', port: c.port, user: 'app', password: 'pw', connectTimeoutMs: 5000 }, 0, null);
  try {
    const { packets, send, until: arrived } = rawPackets(admin);
    const gone = closed(victim);
    const kill = (id: number) => send(Buffer.from([0x0c, id & 0xff, (id >> 8) & 0xff, (id >> 16) & 0xff, id >>> 24]));
    kill(victim.threadId!);
    await arrived(() => packets.length === 1);
    assert.equal(packets[0][0], 0x00, 'OK');
    await until(gone, 'the victim to be disconnected');
    kill(999_997);
    await arrived(() => packets.length === 2);
    assert.deepEqual([packets[1][0], packets[1].readUInt16LE(1)], [0xff, 1094]);
  } finally {
    admin.destroy();
  }
});

test('KILL CONNECTION_ID() ends the own session with ERR 1927; KILL QUERY CONNECTION_ID() gives 1317', async () => {
  const a = await connect('fwd');
  const out = await settle(a.query('KILL QUERY CONNECTION_ID()'));
  assert.deepEqual([(out as { errno: number }).errno, (out as { sqlState: string }).sqlState], [1317, '70100']);
  assert.deepEqual((await a.query('SELECT 1 AS one'))[0], [{ one: 1 }]);
  const gone = closed(a);
  const self = await settle(a.query('KILL CONNECTION_ID()'));
  assert.deepEqual([(self as { errno: number }).errno, (self as { sqlState: string }).sqlState, (self as { message: string }).message], [1927, '70100', 'Connection was killed']);
  await until(gone, 'the own connection to close');
});

test('unknown ids get 1094, another user\'s session 1095, an admin may kill it; malformed KILL is a syntax error', async () => {
  const mine = await connect('fwd');
  const theirs = await connect('fwd', 'other');
  const boss = await connect('fwd', 'boss');
  try {
    const unknown = await settle(mine.query('KILL 999999'));
    assert.deepEqual([(unknown as { errno: number }).errno, (unknown as { message: string }).message], [1094, 'Unknown thread id: 999999']);
    const q = await settle(mine.query(`KILL QUERY 999998`));
    assert.equal((q as { errno: number }).errno, 1094);
    const denied = await settle(mine.query(`KILL ${theirs.threadId}`));
    assert.deepEqual([(denied as { errno: number }).errno, (denied as { message: string }).message], [1095, `You are not owner of thread ${theirs.threadId}`]);
    assert.deepEqual((await theirs.query('SELECT 1 AS one'))[0], [{ one: 1 }], 'the other user\'s session lives on');
    const bad = await settle(mine.query('KILL QUERY abc'));
    assert.equal((bad as { errno: number }).errno, 1064);
    const gone = closed(theirs);
    await boss.query(`KILL ${theirs.threadId}`);
    await until(gone, 'the admin\'s kill to close the session');
  } finally {
    await mine.end();
    await boss.end();
  }
});

test('KILL and PROCESSLIST do not reach a backend inside prepared statements, SQL PREPARE or multi-statements', async () => {
  const conn = await connect('fwd', 'app', { multipleStatements: true });
  try {
    const errno = async (p: Promise<unknown>) => ((await settle(p)) as { errno?: number }).errno;
    assert.equal(await errno(conn.execute('KILL 999999')), 1295);
    assert.equal(await errno(conn.execute('SHOW PROCESSLIST')), 1295);
    assert.equal(await errno(conn.query("PREPARE s FROM 'KILL 999999'")), 1235);
    assert.equal(await errno(conn.query("EXECUTE IMMEDIATE 'SHOW PROCESSLIST'")), 1235);
    assert.equal(await errno(conn.query('SELECT 1; KILL 999999')), 1235);
    assert.equal(await errno(conn.query('SELECT 1; SHOW PROCESSLIST')), 1235);
    assert.deepEqual((await conn.query('SELECT 1 AS one'))[0], [{ one: 1 }], 'the session goes on');
  } finally {
    await conn.end();
  }
});

test('a client\'s KILL never reaches a backend', async () => {
  for (const db of c.dbs) {
    // CONNECTION_ID outside strings and quoted names (the aliases sluice adds) would be a call the backend answered.
    const log = await db.sql(`SELECT argument FROM mysql.general_log WHERE command_type = 'Query' AND argument NOT LIKE '%general_log%' AND
      (argument LIKE 'kill   query%' OR argument LIKE '%999999%' OR argument LIKE '%999998%' OR
       LOWER(REGEXP_REPLACE(REGEXP_REPLACE(argument, '\`[^\`]*\`', ''), '\\'[^\\']*\\'', '')) LIKE '%connection_id%')`);
    assert.equal(log.trim(), '', `backend saw: ${log}`);
  }
});

test('SHOW [FULL] PROCESSLIST and information_schema.PROCESSLIST list the own sluice sessions (all for an admin)', async () => {
  const a1 = await connect('fwd');
  const a2 = await connect('shop');
  const other = await connect('fwd', 'other');
  const boss = await connect('fwd', 'boss');
  try {
    const running = settle(a2.query('SELECT uid, SLEEP(30) AS listed_sleep FROM users'));
    await until(async () => (await backendRunning('listed_sleep')) === 4, 'the listed statement to run');
    const [rows, fields] = await a1.query('SHOW FULL PROCESSLIST') as [Record<string, unknown>[], mysql.FieldPacket[]];
    assert.deepEqual(fields.map((f) => f.name), ['Id', 'User', 'Host', 'db', 'Command', 'Time', 'State', 'Info', 'Progress']);
    const byId = new Map(rows.map((r) => [r.Id, r]));
    assert.deepEqual([...byId.keys()].sort(), [a1.threadId, a2.threadId].sort(), 'only the user\'s own sessions');
    const me = byId.get(a1.threadId)!;
    assert.deepEqual([me.User, me.db, me.Command, me.Info], ['app', 'fwd', 'Query', 'SHOW FULL PROCESSLIST']);
    assert.match(String(me.Host), /^127\.0\.0\.1:\d+$/);
    const busy = byId.get(a2.threadId)!;
    assert.deepEqual([busy.User, busy.db, busy.Command, busy.Info], ['app', 'shop', 'Query', 'SELECT uid, SLEEP(30) AS listed_sleep FROM users']);

    const [info] = await a1.query(`SELECT ID, USER, DB, INFO FROM information_schema.PROCESSLIST WHERE ID <> CONNECTION_ID() ORDER BY ID`) as [Record<string, unknown>[], unknown];
    assert.deepEqual(info, [{ ID: a2.threadId, USER: 'app', DB: 'shop', INFO: 'SELECT uid, SLEEP(30) AS listed_sleep FROM users' }]);

    const [otherRows] = await other.query('SELECT ID FROM information_schema.processlist') as [{ ID: number }[], unknown];
    assert.deepEqual(otherRows.map((r) => r.ID), [other.threadId]);
    const [all] = await boss.query('SHOW PROCESSLIST') as [{ Id: number }[], unknown];
    for (const id of [a1.threadId, a2.threadId, other.threadId, boss.threadId]) assert.ok(all.some((r) => r.Id === id), `admin sees ${id}`);
    await a1.query(`KILL QUERY ${a2.threadId}`);
    await running;
    const [onShard] = await a2.query('SELECT COUNT(*) AS n FROM information_schema.PROCESSLIST') as [{ n: number }[], unknown];
    assert.equal(Number(onShard[0].n), 2, 'a sharded schema answers too');
  } finally {
    await Promise.all([a1, a2, other, boss].map((x) => x.end()));
  }
});

test('SET wait_timeout closes an idle session; @@wait_timeout reads it back', async () => {
  const conn = await connect('fwd');
  await conn.query('SET SESSION wait_timeout = 1');
  assert.deepEqual((await conn.query('SELECT @@wait_timeout AS w'))[0], [{ w: 1 }]);
  const gone = closed(conn);
  const t0 = Date.now();
  await until(gone, 'the idle session to be closed', 5_000);
  assert.ok(Date.now() - t0 >= 900, 'not before the timeout');
  // A session that keeps working is not closed.
  const busy = await connect('shop');
  await busy.query('SET @@session.wait_timeout = 1');
  await busy.query('SELECT SLEEP(1.5) AS s');
  assert.deepEqual((await busy.query('SELECT 1 AS one'))[0], [{ one: 1 }]);
  await busy.end();
});

test('waitTimeoutSeconds and interactiveTimeoutSeconds are the defaults (CLIENT_INTERACTIVE picks the latter)', async () => {
  const config = resolveConfig({ listen: '127.0.0.1:0', threads: 1, logLevel: 'error', ...sluiceConfig(c.dbs), waitTimeoutSeconds: 1, interactiveTimeoutSeconds: 3600 });
  const sluice: RunningServer = await startServer(config, { logger: createLogger('error') });
  try {
    const opts = { host: '127.0.0.1', port: sluice.address.port, user: 'app', password: 'pw', database: 'fwd' };
    const plain = await mysql.createConnection(opts);
    const interactive = await mysql.createConnection({ ...opts, flags: ['INTERACTIVE'] });
    const gone = closed(plain);
    await until(gone, 'the default wait_timeout to close the idle session', 5_000);
    assert.deepEqual((await interactive.query('SELECT 1 AS one'))[0], [{ one: 1 }], 'the interactive session is still open');
    await interactive.end();
  } finally {
    await sluice.close();
  }
});
