// `sluice bench prepare` and `run` through sluice on a schema sharded by id: the prepare gives every
// row its id (sysbench leaves ids to AUTO_INCREMENT, which a sharded table cannot route), so each
// row lands on the partition id mod 2 names, and the workloads then run without errors.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import * as path from 'node:path';
import { startCluster, backendOf, type Cluster } from '../helpers/cluster';
import type { BenchResult } from '../../src/loadgen/run';

const root = path.resolve(__dirname, '..', '..', '..');
const cli = path.join(root, 'dist', 'src', 'cli.js');
let c: Cluster;

function bench(...args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  const [sub, ...rest] = args;
  const login = ['--port', String(c.port), '--user', 'app', '--password', 'pw', '--database', 'shop', '--table-size', '300'];
  return new Promise((resolve) => {
    execFile(process.execPath, [cli, 'bench', sub, ...login, ...rest], { cwd: root }, (err, stdout, stderr) => {
      resolve({ code: err ? (typeof err.code === 'number' ? err.code : -1) : 0, stdout, stderr });
    });
  });
}

before(async () => {
  c = await startCluster({
    backends: 1,
    setup: () => 'CREATE DATABASE p0 CHARACTER SET utf8mb4; CREATE DATABASE p1 CHARACTER SET utf8mb4;',
    config: ([db]) => ({
      users: [{ user: 'app', password: 'pw', schemas: ['shop'] }],
      backends: { db: backendOf(db) },
      schemas: {
        shop: {
          partitions: [{ write: 'db', database: 'p0' }, { write: 'db', database: 'p1' }],
          tables: { sbtest1: { shardKey: 'id', algorithm: 'mod' } },
        },
      },
    }),
  });
});

after(async () => { await c?.stop(); });

test('bench prepare through sluice fills a table sharded by id, each row on its partition', async () => {
  const r = await bench('prepare');
  assert.equal(r.code, 0, r.stderr);
  const out = await c.dbs[0].sql(
    'SELECT COUNT(*), SUM(id % 2 = 0), MIN(id), MAX(id) FROM p0.sbtest1; SELECT COUNT(*), SUM(id % 2 = 1) FROM p1.sbtest1;');
  assert.equal(out, '150\t150\t2\t300\n150\t150\n');
});

test('bench run point-select and read-write through sluice on the sharded table: no errors', async () => {
  for (const workload of ['point-select', 'read-write']) {
    const r = await bench('run', '--json', '--workload', workload, '--requests', '200', '--connections', '2');
    assert.equal(r.code, 0, r.stderr);
    const res = JSON.parse(r.stdout) as BenchResult;
    assert.equal(res.targets[0].requests, 200, workload);
    assert.equal(res.targets[0].errors, 0, `${workload}: ${r.stdout}`);
  }
});
