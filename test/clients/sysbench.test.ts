// The client matrix for sysbench: oltp_read_write (Debian's Lua scripts) with prepared statements on
// (--db-ps-mode=auto, its default) against a forwarding schema: prepare, a 3-second run and cleanup,
// with zero errors and the statements reaching the backend as COM_STMT_EXECUTE. One thread: with two,
// MariaDB itself (without sluice) reports an occasional deadlock that sysbench retries as an "ignored
// error"; with one, any error at all is sluice's, and --mysql-ignore-errors=none makes it fatal.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import mysql from 'mysql2/promise';
import { useMatrixCluster, backendStmtExecutes, FORWARD_SCHEMA, SHARDED_SCHEMA, USER, PASSWORD } from './scenario';
import { runProcess } from './processes';

const cluster = useMatrixCluster('sysbench');

const sysbench = (command: string, script = 'oltp_read_write', schema = FORWARD_SCHEMA) =>
  runProcess('sysbench', [
    script, '--db-driver=mysql', '--mysql-host=127.0.0.1', `--mysql-port=${cluster().port}`,
    `--mysql-user=${USER}`, `--mysql-password=${PASSWORD}`, `--mysql-db=${schema}`,
    `--tables=${schema === FORWARD_SCHEMA ? 2 : 1}`, '--table-size=1000', '--threads=1', '--time=3', '--db-ps-mode=auto', '--mysql-ignore-errors=none', command,
  ], { timeoutMs: 60_000 });

/** A number from sysbench's report, e.g. `ignored errors:  0  (0.00 per sec.)`. */
function reported(output: string, label: string): number {
  const m = new RegExp(`^\\s*${label}:\\s+(\\d+)`, 'm').exec(output);
  assert.ok(m, `no "${label}:" in sysbench's report:\n${output}`);
  return Number(m[1]);
}

test('sysbench oltp_read_write with prepared statements: prepare, run, cleanup, zero errors', async () => {
  const prepare = await sysbench('prepare');
  assert.equal(prepare.code, 0, `${prepare.stdout}\n${prepare.stderr}`);
  assert.match(prepare.stdout, /Inserting 1000 records into 'sbtest2'/);
  assert.equal(await cluster().dbs[0].sql('SELECT COUNT(*) FROM fwd_db.sbtest1'), '1000\n');

  const executes = await backendStmtExecutes(cluster());
  const run = await sysbench('run');
  assert.equal(run.code, 0, `${run.stdout}\n${run.stderr}`);
  assert.equal(reported(run.stdout, 'ignored errors'), 0, run.stdout);
  const transactions = reported(run.stdout, 'transactions');
  assert.ok(transactions > 0, run.stdout);
  // Each oltp_read_write transaction runs 18 statements (BEGIN and COMMIT included) as prepared statements.
  assert.ok((await backendStmtExecutes(cluster())) - executes >= transactions * 14, 'statements ran as COM_STMT_EXECUTE');

  const cleanup = await sysbench('cleanup');
  assert.equal(cleanup.code, 0, `${cleanup.stdout}\n${cleanup.stderr}`);
  assert.equal(await cluster().dbs[0].sql("SELECT COUNT(*) FROM information_schema.tables WHERE table_schema = 'fwd_db' AND table_name LIKE 'sbtest%'"), '0\n');
});

test('sysbench oltp_read_write with prepared statements on a sharded schema: transactions, range reads merged across shards, writes by key, zero errors', async () => {
  // sysbench's own prepare inserts without ids (AUTO_INCREMENT), which a sharded table refuses by
  // design, so the table is created and filled through sluice here, as sysbench would.
  const conn = await mysql.createConnection({ host: '127.0.0.1', port: cluster().port, user: USER, password: PASSWORD, database: SHARDED_SCHEMA });
  try {
    await conn.query('CREATE TABLE sbtest1 (id INTEGER NOT NULL, k INTEGER DEFAULT 0 NOT NULL, c CHAR(120) DEFAULT \'\' NOT NULL, pad CHAR(60) DEFAULT \'\' NOT NULL, PRIMARY KEY (id), KEY k_1 (k))');
    const rows = Array.from({ length: 1000 }, (_, i) => `(${i + 1}, ${(i * 7919) % 1000}, '${String(i * 104729).padStart(11, '0')}-c', '${String(i).padStart(11, '0')}-pad')`);
    await conn.query(`INSERT INTO sbtest1 (id, k, c, pad) VALUES ${rows.join(', ')}`);
  } finally {
    await conn.end();
  }
  const run = await sysbench('run', 'oltp_read_write', SHARDED_SCHEMA);
  assert.equal(run.code, 0, `${run.stdout}\n${run.stderr}`);
  assert.equal(reported(run.stdout, 'ignored errors'), 0, run.stdout);
  assert.ok(reported(run.stdout, 'transactions') > 0, run.stdout);
  // Each transaction deletes a row and inserts it again: still 1000 rows, each on the partition its id names.
  const db = cluster().dbs[0];
  assert.equal(await db.sql('SELECT COUNT(*), SUM(id % 2 <> 0) FROM shard_0.sbtest1'), '500\t0\n');
  assert.equal(await db.sql('SELECT COUNT(*), SUM(id % 2 <> 1) FROM shard_1.sbtest1'), '500\t0\n');
});
