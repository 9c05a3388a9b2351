// `sluice bench` as users run it (node dist/src/cli.js bench …) against a real MariaDB sandbox, and
// against the plain relay of bench/relay.ts as a second target for --compare.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { startMariaDB, type MariaDBInstance } from '../../scripts/sandbox';
import { startRelay, type Relay } from '../../bench/relay';
import type { BenchResult } from '../../src/loadgen/run';

const root = path.resolve(__dirname, '..', '..', '..');
const cli = path.join(root, 'dist', 'src', 'cli.js');
const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'sluice-bench-test-'));
let db: MariaDBInstance;
let relay: Relay;

interface Run {
  code: number;
  stdout: string;
  stderr: string;
}

function bench(...args: string[]): Promise<Run> {
  const login = ['--port', String(db.port), '--user', db.user, '--password', db.password, '--database', 'bt', '--tables', '2', '--table-size', '500'];
  const [sub, ...rest] = args;
  return new Promise((resolve) => {
    execFile(process.execPath, [cli, 'bench', sub, ...login, ...rest], { cwd: root }, (err, stdout, stderr) => {
      resolve({ code: err ? (typeof err.code === 'number' ? err.code : -1) : 0, stdout, stderr });
    });
  });
}

async function benchJson(...args: string[]): Promise<BenchResult> {
  const r = await bench('run', '--json', ...args);
  assert.equal(r.code, 0, r.stderr);
  return JSON.parse(r.stdout) as BenchResult;
}

/** Percentiles are positive and in order. */
function assertSaneLatency(l: BenchResult['targets'][number]['latency']): void {
  assert.ok(l.p50 > 0, `p50 ${l.p50}`);
  assert.ok(l.p50 <= l.p90 && l.p90 <= l.p99 && l.p99 <= l.p999 && l.p999 <= l.max, JSON.stringify(l));
  assert.ok(l.mean > 0 && l.mean <= l.max, JSON.stringify(l));
  assert.ok(l.max < 10_000, `max ${l.max} ms`);
}

before(async () => {
  db = await startMariaDB();
  relay = await startRelay({ host: db.host, port: db.port });
  // The database does not exist yet: prepare creates it.
  const r = await bench('prepare');
  assert.equal(r.code, 0, r.stderr);
});

after(async () => {
  await relay?.close();
  await db?.stop();
  fs.rmSync(dir, { recursive: true, force: true });
});

test('prepare creates the sysbench tables with their rows and index', async () => {
  const out = await db.sql(
    "SELECT COUNT(*), MIN(id), MAX(id), MIN(LENGTH(c)), MIN(LENGTH(pad)) FROM bt.sbtest1;" +
    ' SELECT COUNT(*) FROM bt.sbtest2;' +
    " SELECT COUNT(*) FROM information_schema.statistics WHERE table_schema='bt' AND index_name IN ('k_1','k_2');" +
    " SELECT default_character_set_name FROM information_schema.schemata WHERE schema_name='bt';");
  assert.equal(out, '500\t1\t500\t120\t60\n500\n2\nutf8mb4\n');
});

test('--requests N: exactly N requests, no errors, sane percentiles, a final table', async () => {
  const r = await bench('run', '--requests', '400', '--connections', '4');
  assert.equal(r.code, 0, r.stderr);
  assert.match(r.stdout, /workload point-select, text protocol, 4 connections over 1 thread, closed loop/);
  const row = r.stdout.split('\n').find((l) => l.startsWith(`127.0.0.1:${db.port}`));
  assert.ok(row, r.stdout);
  const cells = row.trim().split(/\s+/);
  assert.equal(cells[1], '400');
  assert.equal(cells.at(-1), '0'); // errors
  assert.match(r.stdout, /qps\s+mean ms\s+p50\s+p90\s+p99\s+p99\.9\s+max\s+errors/);
});

test('--json parses; threads split the requests exactly and their histograms merge', async () => {
  const res = await benchJson('--requests', '301', '--connections', '4', '--threads', '2');
  assert.equal(res.threads, 2);
  assert.equal(res.targets.length, 1);
  const t = res.targets[0];
  assert.equal(t.requests, 301);
  assert.equal(t.errors, 0);
  assert.equal(t.latency.count, 301);
  assert.ok(t.qps > 0);
  assertSaneLatency(t.latency);
  assert.deepEqual(res.ratios, [1]);
});

test('--prepared runs the binary protocol (COM_STMT_EXECUTE) with no errors', async () => {
  const status = async () => Number((await db.sql("SHOW GLOBAL STATUS LIKE 'Com_stmt_execute'")).split('\t')[1]);
  const before = await status();
  const res = await benchJson('--prepared', '--workload', 'read-write', '--requests', '200', '--connections', '2');
  assert.equal(res.prepared, true);
  assert.equal(res.targets[0].requests, 200);
  assert.equal(res.targets[0].errors, 0, String(res.targets[0].firstError));
  assert.ok((await status()) - before >= 200);
});

test('every built-in workload runs without errors', async () => {
  for (const w of ['read-only', 'insert', 'update-key', 'scatter', 'order-limit', 'join-binding']) {
    const res = await benchJson('--workload', w, '--requests', '40', '--connections', '2');
    assert.equal(res.targets[0].requests, 40, w);
    assert.equal(res.targets[0].errors, 0, `${w}: ${res.targets[0].firstError}`);
  }
});

test('--sql FILE: a weighted mix with placeholders', async () => {
  await db.sql('CREATE TABLE bt.marks (id INT AUTO_INCREMENT PRIMARY KEY, v INT, s CHAR(8))');
  const file = path.join(dir, 'mix.sql');
  fs.writeFileSync(file, [
    '# two statements: 3 reads for every insert',
    '3\tSELECT c FROM sbtest{table} WHERE id={id}',
    "1\tINSERT INTO marks (v, s) VALUES ({int:5:9}, '{str:8}')",
    '',
  ].join('\n'));
  const res = await benchJson('--sql', file, '--requests', '400', '--connections', '2');
  assert.equal(res.workload, file);
  assert.equal(res.targets[0].requests, 400);
  assert.equal(res.targets[0].errors, 0, String(res.targets[0].firstError));
  const [count, lo, hi, len] = (await db.sql('SELECT COUNT(*), MIN(v), MAX(v), MIN(LENGTH(s)) FROM bt.marks')).trim().split('\t').map(Number);
  assert.ok(count > 40 && count < 200, `inserts: ${count} of 400 (expected about 100)`);
  assert.ok(lo >= 5 && hi <= 9, `v in ${lo}..${hi}`);
  assert.equal(len, 8);
});

test('errors are counted, and the first one is shown', async () => {
  const file = path.join(dir, 'bad.sql');
  fs.writeFileSync(file, 'SELECT * FROM no_such_table WHERE id={id}\n');
  const r = await bench('run', '--sql', file, '--requests', '20', '--connections', '2');
  assert.equal(r.code, 0, r.stderr);
  assert.match(r.stdout, /\s20\s*\n/); // errors column of the row
  assert.match(r.stdout, /first error: Table 'bt\.no_such_table' doesn't exist/);
});

test('connections the server kills end the run with errors, not a hang', async () => {
  const file = path.join(dir, 'kill.sql');
  fs.writeFileSync(file, 'KILL CONNECTION CONNECTION_ID()\n');
  const res = await benchJson('--sql', file, '--requests', '10', '--connections', '2');
  const t = res.targets[0];
  assert.equal(t.requests, 2); // one ERR per connection, then each connection is gone
  assert.equal(t.errors, 4); // the two ERRs and the two lost connections
  assert.equal(t.firstError, 'Connection was killed');
});

test('--rate keeps roughly the arrival rate (open loop)', async () => {
  const res = await benchJson('--rate', '200', '--duration', '1.5', '--connections', '2');
  assert.equal(res.rate, 200);
  const t = res.targets[0];
  assert.equal(t.errors, 0);
  // 300 requests are due in 1.5 s; a loose band, this is no timing test.
  assert.ok(t.requests >= 150 && t.requests <= 450, `requests ${t.requests}`);
  assert.ok(t.qps >= 100 && t.qps <= 300, `qps ${t.qps}`);
  assertSaneLatency(t.latency);
});

test('--compare alternates between two targets and prints both and their ratio', async () => {
  const r = await bench('run', '--requests', '200', '--connections', '2', '--compare', `127.0.0.1:${relay.port}`);
  assert.equal(r.code, 0, r.stderr);
  const rows = r.stdout.split('\n');
  assert.match(rows[1], /\sratio$/);
  const direct = rows.find((l) => l.startsWith(`127.0.0.1:${db.port} `))!.trim().split(/\s+/);
  const viaRelay = rows.find((l) => l.startsWith(`127.0.0.1:${relay.port} `))!.trim().split(/\s+/);
  assert.equal(direct[1], '200');
  assert.equal(viaRelay[1], '200');
  assert.equal(direct.at(-1), '1.000');
  assert.ok(Number(viaRelay.at(-1)) > 0);
  // Progress lines name the target of each slice.
  assert.match(r.stderr, new RegExp(`127\\.0\\.0\\.1:${relay.port} \\d+ qps`));
});

test('--html writes a self-contained report with both plots', async () => {
  const file = path.join(dir, 'report.html');
  const r = await bench('run', '--duration', '1.2', '--connections', '2', '--compare', `127.0.0.1:${relay.port}`, '--slice', '0.3', '--html', file);
  assert.equal(r.code, 0, r.stderr);
  const html = fs.readFileSync(file, 'utf8');
  assert.equal(html.match(/<svg/g)?.length, 2);
  assert.match(html, /Latency by percentile/);
  assert.match(html, /Throughput over time/);
  assert.match(html, /<polyline/);
  assert.doesNotMatch(html, /<script|<link|src=/);
});

test('cleanup drops the tables', async () => {
  const r = await bench('cleanup');
  assert.equal(r.code, 0, r.stderr);
  assert.equal(await db.sql("SELECT COUNT(*) FROM information_schema.tables WHERE table_schema='bt' AND table_name LIKE 'sbtest%'"), '0\n');
});

test('usage errors exit 2, run-time failures exit 1 with one line', async () => {
  const bad = await bench('run', '--workload', 'nope');
  assert.equal(bad.code, 2);
  const both = await bench('run', '--duration', '1', '--requests', '5');
  assert.equal(both.code, 2);
  const file = path.join(dir, 'empty.sql');
  fs.writeFileSync(file, '# nothing\n');
  const empty = await bench('run', '--sql', file, '--requests', '5');
  assert.equal(empty.code, 1);
  assert.equal(empty.stderr, `sluice: bench: ${file}: no statements\n`);
});
