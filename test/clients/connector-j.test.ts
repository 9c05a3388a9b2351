// The client matrix for Java: MariaDB Connector/J (Debian's libmariadb-java) driving a small program
// compiled here with javac. On the forwarding schema it prepares on the server
// (useServerPrepStmts=true: COM_STMT_PREPARE/EXECUTE, binary rows) and with parameters interpolated
// by the driver (text protocol), on a forwarding and a sharded schema.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { useMatrixCluster, checkSession, FORWARD_SCHEMA, SHARDED_SCHEMA, USER, PASSWORD } from './scenario';
import { runProcess } from './processes';

const JAR = '/usr/share/java/mariadb-java-client.jar';
const SOURCE = path.resolve(__dirname, '../../../test/clients/scripts/Session.java');

const cluster = useMatrixCluster('libmariadb-java');
let classes: string;

before(async () => {
  classes = mkdtempSync(path.join(tmpdir(), 'sluice-connector-j-'));
  const javac = await runProcess('javac', ['-encoding', 'UTF-8', '-cp', JAR, '-d', classes, SOURCE], { timeoutMs: 120_000 });
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
