// Clients connecting with TLS (CLIENT_SSL in the handshake): the connection switches to TLS after
// the SSLRequest, and users with requireTls are refused without it.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import mysql from 'mysql2/promise';
import { startCluster, backendOf, type Cluster } from '../helpers/cluster';
import { mariadbCli } from '../helpers/mariadb-cli';

let c: Cluster;
let dir: string;
const SHARD_ROWS = 20000;

before(async () => {
  dir = mkdtempSync(path.join(tmpdir(), 'sluice-tls-'));
  execFileSync('openssl', ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-days', '2', '-subj', '/CN=sluice-test',
    '-keyout', path.join(dir, 'key.pem'), '-out', path.join(dir, 'cert.pem')], { stdio: 'ignore' });
  c = await startCluster({
    backends: 1,
    mariadbArgs: [`--ssl-cert=${path.join(dir, 'cert.pem')}`, `--ssl-key=${path.join(dir, 'key.pem')}`],
    setup: () => 'CREATE DATABASE app_db; CREATE TABLE app_db.t (v VARCHAR(10)); INSERT INTO app_db.t VALUES (\'tls-ok\');' +
      " CREATE USER 'tlsonly'@'127.0.0.1' IDENTIFIED BY 'pw' REQUIRE SSL; GRANT ALL ON *.* TO 'tlsonly'@'127.0.0.1';" +
      [0, 1].map((p) => ` CREATE DATABASE tp_${p}; CREATE TABLE tp_${p}.s (id INT PRIMARY KEY, c VARCHAR(100) NOT NULL);` +
        ` INSERT INTO tp_${p}.s SELECT seq, CONCAT('row-', LPAD(seq * 7919 MOD ${SHARD_ROWS}, 6, '0'), '-', REPEAT('x', seq MOD 60))` +
        ` FROM tp_${p}.seq_1_to_${SHARD_ROWS} WHERE seq MOD 2 = ${p};`).join(''),
    config: ([db]) => ({
      tls: { cert: path.join(dir, 'cert.pem'), key: path.join(dir, 'key.pem') },
      users: [
        { user: 'app', password: 'pw', schemas: ['*'] },
        { user: 'secure', password: 'pw2', schemas: ['app'], requireTls: true },
      ],
      backends: {
        db1: backendOf(db),
        // The same server through a user that must use TLS: over TLS, in the clear, and verified
        // against a CA whose certificate does not name 127.0.0.1.
        tlsdb: { host: db.host, port: db.port, user: 'tlsonly', password: 'pw', tls: { verify: false } },
        cleardb: { host: db.host, port: db.port, user: 'tlsonly', password: 'pw', pool: { connectTimeoutMs: 3000 } },
        strictdb: { host: db.host, port: db.port, user: 'tlsonly', password: 'pw', tls: { ca: path.join(dir, 'cert.pem') }, pool: { connectTimeoutMs: 3000 } },
      },
      schemas: {
        app: { backend: 'db1', database: 'app_db' },
        viatls: { backend: 'tlsdb', database: 'app_db' },
        clear: { backend: 'cleardb', database: 'app_db' },
        strict: { backend: 'strictdb', database: 'app_db' },
        // A sharded schema whose partitions are reached over TLS: merged rows come from TLS reads.
        shardtls: { partitions: [{ write: 'tlsdb', database: 'tp_0' }, { write: 'tlsdb', database: 'tp_1' }], tables: { s: { shardKey: 'id', algorithm: 'mod' } } },
      },
    }),
  });
});

after(async () => {
  await c?.stop();
  rmSync(dir, { recursive: true, force: true });
});

const connect = (user: string, password: string, ssl: boolean) =>
  mysql.createConnection({ host: '127.0.0.1', port: c.port, user, password, database: 'app', ...(ssl ? { ssl: { rejectUnauthorized: false } } : {}) });

test('mysql2 over TLS: the handshake switches to TLS and queries work', async () => {
  const conn = await connect('app', 'pw', true);
  try {
    const stream = (conn as unknown as { connection: { stream: { encrypted?: boolean } } }).connection.stream;
    assert.equal(stream.encrypted, true, 'the client socket is a TLS socket');
    const [rows] = await conn.query('SELECT v FROM t');
    assert.deepEqual(rows, [{ v: 'tls-ok' }]);
    const [prepared] = await conn.execute('SELECT v FROM t WHERE v = ?', ['tls-ok']);
    assert.deepEqual(prepared, [{ v: 'tls-ok' }]);
  } finally {
    await conn.end();
  }
});

test('requireTls: refused in the clear with a message that says what to change, accepted over TLS', async () => {
  await assert.rejects(connect('secure', 'pw2', false), (e: { errno: number; message: string }) =>
    e.errno === 1045 && /must connect with TLS/.test(e.message));
  const conn = await connect('secure', 'pw2', true);
  const [rows] = await conn.query('SELECT v FROM t');
  assert.deepEqual(rows, [{ v: 'tls-ok' }]);
  await conn.end();
});

test('the mariadb CLI connects with --ssl', async () => {
  const r = await mariadbCli(c.port, 'secure', 'pw2', 'SELECT v FROM t', 'app', ['--ssl', '--skip-ssl-verify-server-cert']);
  assert.equal(r.code, 0, r.stderr);
  assert.equal(r.stdout, 'v\ntls-ok\n');
});

test('backends over TLS: sluice connects with TLS where the backend user requires it, and says why not otherwise', async () => {
  const conn = await mysql.createConnection({ host: '127.0.0.1', port: c.port, user: 'app', password: 'pw', database: 'viatls' });
  try {
    const [rows] = await conn.query("SHOW SESSION STATUS LIKE 'Ssl_cipher'");
    assert.notEqual((rows as { Value: string }[])[0].Value, '', 'the backend session is encrypted');
    const [t] = await conn.query('SELECT v FROM t');
    assert.deepEqual(t, [{ v: 'tls-ok' }]);
    await conn.query('USE clear');
    await assert.rejects(conn.query('SELECT v FROM t'), (e: { errno: number; message: string }) =>
      e.errno === 2003 && /backend 'cleardb'.*Access denied/.test(e.message));
    await conn.query('USE strict');
    await assert.rejects(conn.query('SELECT v FROM t'), (e: { errno: number; message: string }) =>
      e.errno === 2003 && /backend 'strictdb'.*TLS to the backend failed/.test(e.message));
  } finally {
    await conn.end();
  }
});

test('a cross-shard ORDER BY over TLS backends merges rows straight from the TLS reads, byte for byte', async () => {
  const conn = await mysql.createConnection({ host: '127.0.0.1', port: c.port, user: 'app', password: 'pw', database: 'shardtls' });
  try {
    const expected = Array.from({ length: SHARD_ROWS }, (_, i) => {
      const id = i + 1;
      return { id, c: `row-${String((id * 7919) % SHARD_ROWS).padStart(6, '0')}-${'x'.repeat(id % 60)}` };
    });
    const [byId] = await conn.query('SELECT id, c FROM s ORDER BY id');
    assert.deepEqual(byId, expected);
    const [byText] = await conn.query('SELECT id, c FROM s ORDER BY c DESC, id');
    assert.deepEqual(byText, [...expected].sort((a, b) => (a.c < b.c ? 1 : a.c > b.c ? -1 : a.id - b.id)));
  } finally {
    await conn.end();
  }
});
