// npm run demo: starts MariaDB sandboxes, runs sluice (the real CLI, as a child process) on a sample
// config written for them, drives a few statements through it with the mariadb CLI, runs a short
// load against sluice and against MariaDB directly, prints what happened, and cleans up.
import { spawn, execFile, type ChildProcess } from 'node:child_process';
import { mkdtempSync, writeFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import * as net from 'node:net';
import { startMariaDB, freePort, type MariaDBInstance } from './sandbox';
import { BackendConnection } from '../src/backend/connection';

const ROOT = path.resolve(__dirname, '..', '..');
const say = (s: string) => process.stdout.write(s + '\n');

function cli(port: number, database: string | null, sql: string): Promise<string> {
  return new Promise((resolve) => {
    const args = ['--no-defaults', '-h127.0.0.1', `-P${port}`, '-uapp', '-papp-secret', '--table', '--skip-ssl'];
    if (database) args.push(database);
    const child = execFile('mariadb', args, (err, stdout, stderr) => resolve((stdout + stderr).trimEnd()));
    child.stdin!.end(sql);
  });
}

async function waitListening(port: number, proc: ChildProcess): Promise<void> {
  const deadline = Date.now() + 30_000;
  for (;;) {
    if (proc.exitCode !== null) throw new Error(`sluice exited with code ${proc.exitCode}`);
    const ok = await new Promise<boolean>((resolve) => {
      const s = net.connect(port, '127.0.0.1', () => { s.destroy(); resolve(true); });
      s.on('error', () => resolve(false));
    });
    if (ok) return;
    if (Date.now() > deadline) throw new Error('sluice did not start listening');
    await new Promise((r) => setTimeout(r, 50));
  }
}

/** A closed-loop point-select load over `conns` connections for `ms`; returns queries per second. */
async function load(port: number, user: string, password: string, database: string, conns: number, ms: number): Promise<number> {
  const clients = await Promise.all(Array.from({ length: conns }, () =>
    BackendConnection.connect({ name: 'demo', host: '127.0.0.1', port, user, password, connectTimeoutMs: 5000 }, 0, database)));
  let done = 0;
  const end = Date.now() + ms;
  const started = process.hrtime.bigint();
  await Promise.all(clients.map(async (c, i) => {
    let id = i;
    while (Date.now() < end) {
      id = (id * 7 + 13) % 1000;
      await c.query(`SELECT name, city FROM customers WHERE id = ${id + 1}`);
      done++;
    }
  }));
  const secs = Number(process.hrtime.bigint() - started) / 1e9;
  for (const c of clients) c.close();
  return done / secs;
}

async function main(): Promise<void> {
  const work = mkdtempSync(path.join(tmpdir(), 'sluice-demo-'));
  const dbs: MariaDBInstance[] = [];
  let sluice: ChildProcess | null = null;
  try {
    say('== starting two MariaDB sandboxes (private datadirs, 127.0.0.1 only)');
    dbs.push(...(await Promise.all([startMariaDB(), startMariaDB()])));
    dbs.forEach((d, i) => say(`   db${i + 1}: MariaDB on 127.0.0.1:${d.port}`));
    const rows = Array.from({ length: 1000 }, (_, i) => `(${i + 1}, 'customer-${i + 1}', '${['Oslo', 'Lima', 'Pune', 'Kyiv'][i % 4]}')`).join(',');
    await dbs[0].sql(`CREATE DATABASE crm CHARACTER SET utf8mb4;
      CREATE TABLE crm.customers (id INT PRIMARY KEY, name VARCHAR(64), city VARCHAR(32));
      INSERT INTO crm.customers VALUES ${rows};`);
    await dbs[1].sql(`CREATE DATABASE billing_db CHARACTER SET utf8mb4;
      CREATE TABLE billing_db.invoices (id INT PRIMARY KEY AUTO_INCREMENT, customer INT, amount DECIMAL(10,2));
      INSERT INTO billing_db.invoices (customer, amount) VALUES (1, 10.50), (2, 99.99), (1, 5.25);`);

    const port = await freePort();
    const configFile = path.join(work, 'sluice.yaml');
    writeFileSync(configFile, [
      `listen: 127.0.0.1:${port}`,
      'threads: 2',
      'logLevel: warn',
      'users:',
      '  - { user: app, password: app-secret, schemas: [crm, billing] }',
      'backends:',
      ...dbs.map((d, i) => `  db${i + 1}: { host: 127.0.0.1, port: ${d.port}, user: sluice, password: sluice, pool: { min: 1, max: 16 } }`),
      'schemas:',
      '  crm: { backend: db1, database: crm }',
      '  billing: { backend: db2, database: billing_db }',
      '',
    ].join('\n'));
    say(`\n== sluice check-config ${configFile}`);
    say(await new Promise<string>((resolve) => execFile(process.execPath, [path.join(ROOT, 'dist/src/cli.js'), 'check-config', configFile], (e, out, err) => resolve((out + err).trimEnd()))));

    say(`\n== sluice serve --config ${configFile}   (2 worker threads)`);
    sluice = spawn(process.execPath, [path.join(ROOT, 'dist/src/cli.js'), 'serve', '--config', configFile], { stdio: ['ignore', 'inherit', 'inherit'] });
    await waitListening(port, sluice);
    say(`   listening on 127.0.0.1:${port}`);

    const steps: [string | null, string][] = [
      [null, 'SHOW DATABASES'],
      ['crm', 'SELECT id, name, city FROM customers WHERE id IN (1, 2, 3)'],
      ['crm', 'SELECT city, COUNT(*) AS n FROM customers GROUP BY city ORDER BY city'],
      ['billing', 'SELECT customer, SUM(amount) AS total FROM invoices GROUP BY customer'],
      ['billing', "SET time_zone = '+02:00'; SELECT @@time_zone AS tz"],
      ['crm', 'SELECT * FROM no_such_table'],
      ['nosuch', 'SELECT 1'],
    ];
    for (const [db, sql] of steps) {
      say(`\n$ mariadb -h127.0.0.1 -P${port} -uapp ${db ?? ''} -e "${sql}"`);
      say(await cli(port, db, sql));
    }

    say('\n== a short load: point selects over 8 connections, 3 s each, sluice vs MariaDB directly');
    const viaSluice = await load(port, 'app', 'app-secret', 'crm', 8, 3000);
    const direct = await load(dbs[0].port, 'sluice', 'sluice', 'crm', 8, 3000);
    say(`   through sluice : ${viaSluice.toFixed(0).padStart(7)} queries/s`);
    say(`   direct MariaDB : ${direct.toFixed(0).padStart(7)} queries/s`);
    say(`   ratio          : ${(viaSluice / direct).toFixed(2)} (2 cores shared by MariaDB, sluice and this load; see README "Performance")`);

    say('\n== stopping sluice (SIGTERM: graceful) and the sandboxes');
    const exited = new Promise<number | null>((resolve) => sluice!.once('exit', (code) => resolve(code)));
    sluice.kill('SIGTERM');
    say(`   sluice exited with code ${await exited}`);
    sluice = null;
  } finally {
    if (sluice) sluice.kill('SIGKILL');
    await Promise.all(dbs.map((d) => d.stop()));
    rmSync(work, { recursive: true, force: true });
  }
  say('   done.');
}

main().catch((e) => {
  console.error(`demo failed: ${(e as Error).message}`);
  process.exit(1);
});
