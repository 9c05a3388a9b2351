// The client matrix for Perl: DBI with DBD::MariaDB (Debian's libdbd-mariadb-perl), preparing on the
// server (mariadb_server_prepare=1: binary protocol) and interpolating parameters itself (text
// protocol), on a forwarding and a sharded schema.
import { test } from 'node:test';
import * as path from 'node:path';
import { useMatrixCluster, checkSession, FORWARD_SCHEMA, SHARDED_SCHEMA, USER, PASSWORD } from './scenario';
import { runProcess } from './processes';

const SCRIPT = path.resolve(__dirname, '../../../test/clients/scripts/session.pl');

const cluster = useMatrixCluster('libdbd-mariadb-perl');

const session = (database: string, serverPrepare: boolean, base: number) =>
  checkSession(cluster(), `DBD::MariaDB on ${database}`, base, database === SHARDED_SCHEMA ? null : serverPrepare, () =>
    runProcess('perl', [SCRIPT, String(cluster().port), USER, PASSWORD, database, String(base), serverPrepare ? '1' : '0']));

test('DBD::MariaDB with server-side prepared statements on a forwarding schema', () => session(FORWARD_SCHEMA, true, 100));
test('DBD::MariaDB with client-side parameters on a forwarding schema', () => session(FORWARD_SCHEMA, false, 200));
test('DBD::MariaDB with client-side parameters on a sharded schema', () => session(SHARDED_SCHEMA, false, 300));
test('DBD::MariaDB with server-side prepared statements on a sharded schema', () => session(SHARDED_SCHEMA, true, 400));
