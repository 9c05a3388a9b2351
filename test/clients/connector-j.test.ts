// The client matrix for Java: MariaDB Connector/J (Debian's libmariadb-java) driving a small program
// compiled here with javac. On the forwarding schema it prepares on the server
// (useServerPrepStmts=true: COM_STMT_PREPARE/EXECUTE, binary rows) and with parameters interpolated
// by the driver (text protocol), on a forwarding and a sharded schema; and executeBatch with server-side
// prepared statements, which pipelines its executes and long data (scripts/Batch.java).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { useMatrixCluster, checkSession, backendStmtExecutes, FORWARD_SCHEMA, SHARDED_SCHEMA, USER, PASSWORD } from './scenario';
import { runProcess } from './processes';

const JAR = '/usr/share/java/mariadb-java-client.jar';
const SOURCES = ['Session.java', 'Batch.java'].map((f) => path.resolve(__dirname, '../../../test/clients/scripts', f));

const cluster = useMatrixCluster('libmariadb-java');
let classes: string;

before(async () => {
  classes = mkdtempSync(path.join(tmpdir(), 'sluice-connector-j-'));
  const javac = await runProcess('javac', ['-encoding', 'UTF-8', '-cp', JAR, '-d', classes, ...SOURCES], { timeoutMs: 120_000 });
  assert.equal(javac.code, 0, javac.stderr);
});

after(() => {
  if (classes) rmSync(classes, { recursive: true, force: true });
});

const session = (database: string, serverPrepare: boolean, base: number) =>
  checkSession(cluster(), `Connector/J on ${database}`, base, database === SHARDED_SCHEMA ? null : serverPrepare, () =>
    runProcess('java', ['-cp', `${JAR}:${classes}`, 'Session', String(cluster().port), USER, PASSWORD, database, String(base), String(serverPrepare)]));

test('Connector/J with server-side prepared statements on a forwarding schema', () => session(FORWARD_SCHEMA, true, 100));
test('Connector/J with client-side parameters on a forwarding schema', () => session(FORWARD_SCHEMA, false, 200));
test('Connector/J with client-side parameters on a sharded schema', () => session(SHARDED_SCHEMA, false, 300));
test('Connector/J with server-side prepared statements on a sharded schema', () => session(SHARDED_SCHEMA, true, 400));

/** Batch.java on `database`: 40 rows inserted by one pipelined batch, read back intact, deleted by another. */
async function batch(database: string, base: number): Promise<void> {
  const executes = await backendStmtExecutes(cluster());
  const r = await runProcess('java', ['-cp', `${JAR}:${classes}`, 'Batch', String(cluster().port), USER, PASSWORD, database, String(base)], { timeoutMs: 30_000 });
  assert.equal(r.code, 0, `Batch on ${database} exited with ${r.code} (a hang is killed at 30 s):\n${r.stdout}\n${r.stderr}`);
  assert.equal(r.stdout.trim(), 'batch 40:40:40');
  if (database === FORWARD_SCHEMA) assert.ok((await backendStmtExecutes(cluster())) - executes >= 80, 'the batches reached the backend as COM_STMT_EXECUTE');
}

test('Connector/J executeBatch with server-side prepared statements (pipelined executes, long data) on a forwarding schema', { timeout: 60_000 }, () => batch(FORWARD_SCHEMA, 500));
test('Connector/J executeBatch with server-side prepared statements (pipelined executes, long data) on a sharded schema', { timeout: 60_000 }, () => batch(SHARDED_SCHEMA, 600));
