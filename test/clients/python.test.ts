// The client matrix for Python: PyMySQL (python3-pymysql) and mysqlclient (python3-mysqldb), Debian's
// packages under Debian's python3, through sluice on a forwarding and a sharded schema. Both drivers
// interpolate parameters themselves, so all of this is the text protocol.
import { test } from 'node:test';
import * as path from 'node:path';
import { useMatrixCluster, checkSession, FORWARD_SCHEMA, SHARDED_SCHEMA, USER, PASSWORD } from './scenario';
import { runProcess } from './processes';

const PYTHON = '/usr/bin/python3'; // Debian's, which sees the Debian driver packages
const SCRIPT = path.resolve(__dirname, '../../../test/clients/scripts/session.py');

const cluster = useMatrixCluster('python3-pymysql', 'python3-mysqldb');

const session = (driver: string, database: string, base: number) =>
  checkSession(cluster(), `${driver} on ${database}`, base, false, () =>
    runProcess(PYTHON, [SCRIPT, driver, String(cluster().port), USER, PASSWORD, database, String(base)]));

test('PyMySQL on a forwarding schema', () => session('pymysql', FORWARD_SCHEMA, 100));
test('PyMySQL on a sharded schema', () => session('pymysql', SHARDED_SCHEMA, 200));
test('mysqlclient (MySQLdb) on a forwarding schema', () => session('mysqldb', FORWARD_SCHEMA, 300));
test('mysqlclient (MySQLdb) on a sharded schema', () => session('mysqldb', SHARDED_SCHEMA, 400));
