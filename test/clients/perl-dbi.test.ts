// The client matrix for Perl: DBI with DBD::MariaDB (Debian's libdbd-mariadb-perl). On the forwarding
// schema it prepares on the server (mariadb_server_prepare=1: binary protocol); on the sharded schema
// it interpolates parameters itself (text protocol), since COM_STMT_* is not routed there yet.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import * as path from 'node:path';
import type { Cluster } from '../helpers/cluster';
import { startMatrixCluster, backendStmtExecutes, expectedLines, stepLines, FORWARD_SCHEMA, SHARDED_SCHEMA, USER, PASSWORD } from './scenario';
import { ensureDebianPackages, runProcess } from './processes';

const SCRIPT = path.resolve(__dirname, '../../../test/clients/scripts/session.pl');

let c: Cluster;

before(async () => {
  ensureDebianPackages('libdbd-mariadb-perl');
  c = await startMatrixCluster();
});

after(async () => {
  await c?.stop();
});

async function session(database: string, serverPrepare: boolean, base: number): Promise<void> {
  const executes = await backendStmtExecutes(c);
  const r = await runProcess('perl', [SCRIPT, String(c.port), USER, PASSWORD, database, String(base), serverPrepare ? '1' : '0']);
  assert.equal(r.code, 0, `DBD::MariaDB on ${database} exited with ${r.code}:\n${r.stdout}\n${r.stderr}`);
  assert.deepEqual(stepLines(r.stdout), expectedLines(base));
  const binary = (await backendStmtExecutes(c)) - executes;
  if (serverPrepare) assert.ok(binary >= 10, `only ${binary} COM_STMT_EXECUTE reached the backend`);
  else assert.equal(binary, 0);
}

test('DBD::MariaDB with server-side prepared statements on a forwarding schema', () => session(FORWARD_SCHEMA, true, 100));
test('DBD::MariaDB with client-side parameters on a forwarding schema', () => session(FORWARD_SCHEMA, false, 200));
test('DBD::MariaDB with client-side parameters on a sharded schema', () => session(SHARDED_SCHEMA, false, 300));
