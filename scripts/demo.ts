// npm run demo: starts two MariaDB sandboxes, runs sluice (the real CLI, as a child process) on a
// sample config written for them: a sharded schema `shop` (users and orders bound on uid over two
// partitions, countries broadcast) and two forwarding schemas. It creates and fills shop's tables
// THROUGH sluice, shows single-shard, scatter, aggregate, binding-join and refused statements with
// the mariadb CLI, runs a short `sluice bench` through sluice vs MariaDB directly, and cleans up.
import { spawn, execFile, type ChildProcess } from 'node:child_process';
import { mkdtempSync, writeFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import * as net from 'node:net';
import { startMariaDB, freePort, type MariaDBInstance } from './sandbox';

const ROOT = path.resolve(__dirname, '..', '..');
const say = (s: string) => process.stdout.write(s + '\n');
const CLI = path.join(ROOT, 'dist/src/cli.js');

/** Runs `node dist/src/cli.js ARGS` and resolves its output (stdout, then stderr unless `quiet`: progress lines). */
function sluiceCli(args: string[], quiet = false): Promise<string> {
  return new Promise((resolve) => execFile(process.execPath, [CLI, ...args], (e, out, err) => resolve((quiet ? out || err : out + err).trimEnd())));
}

function cli(port: number, database: string | null, sql: string): Promise<string> {
  return new Promise((resolve) => {
    const args = ['--no-defaults', '-h127.0.0.1', `-P${port}`, '-uapp', '-papp-secret', '--table', '--skip-ssl', '--comments'];
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

    // The sharded schema's physical databases; sluice creates the tables in them.
    await dbs[0].sql('CREATE DATABASE shop_0 CHARACTER SET utf8mb4; CREATE DATABASE sbtest CHARACTER SET utf8mb4;');
    await dbs[1].sql('CREATE DATABASE shop_1 CHARACTER SET utf8mb4;');

    const port = await freePort();
    const configFile = path.join(work, 'sluice.yaml');
    writeFileSync(configFile, [
      `listen: 127.0.0.1:${port}`,
      'threads: 2',
      'logLevel: warn',
      'bufferPoolMB: 64',
      'maxQueryMemoryMB: 16',
      'users:',
      '  - { user: app, password: app-secret, schemas: [shop, crm, billing] }',
      '  - { user: sluice, password: sluice, schemas: [sbtest] }   # same login as MariaDB: bench --compare',
      'backends:',
      ...dbs.map((d, i) => `  db${i + 1}: { host: 127.0.0.1, port: ${d.port}, user: sluice, password: sluice, pool: { min: 1, max: 16 } }`),
      'schemas:',
      '  shop:',
      '    partitions:',
      '      - { write: db1, database: shop_0 }',
      '      - { write: db2, database: shop_1 }',
      '    tables:',
      '      users:     { shardKey: uid, algorithm: mod, bindingGroup: user }',
      '      orders:    { shardKey: uid, algorithm: mod, bindingGroup: user }',
      '      countries: { broadcast: true }',
      '  crm: { backend: db1, database: crm }',
      '  billing: { backend: db2, database: billing_db }',
      '  sbtest: { backend: db1, database: sbtest }',
      '',
    ].join('\n'));
    say(`\n== sluice check-config ${configFile}`);
    say(await sluiceCli(['check-config', configFile]));

    say(`\n== sluice serve --config ${configFile}   (2 worker threads)`);
    sluice = spawn(process.execPath, [CLI, 'serve', '--config', configFile], { stdio: ['ignore', 'inherit', 'inherit'] });
    await waitListening(port, sluice);
    say(`   listening on 127.0.0.1:${port}`);

    say('\n== creating and filling the sharded schema `shop` through sluice');
    const names = ['ada', 'bob', 'cyd', 'dee', 'eve', 'fay', 'gus', 'hal'];
    const setup = [
      'CREATE TABLE users (uid INT PRIMARY KEY, name VARCHAR(32), country CHAR(2))',
      'CREATE TABLE orders (order_id INT PRIMARY KEY, uid INT, amount DECIMAL(10,2), KEY (uid))',
      'CREATE TABLE countries (code CHAR(2) PRIMARY KEY, name VARCHAR(32))',
      "INSERT INTO countries (code, name) VALUES ('no', 'Norway'), ('pe', 'Peru'), ('in', 'India')",
      `INSERT INTO users (uid, name, country) VALUES ${names.map((n, i) => `(${i + 1}, '${n}', '${['no', 'pe', 'in'][i % 3]}')`).join(', ')}`,
      `INSERT INTO orders (order_id, uid, amount) VALUES ${Array.from({ length: 24 }, (_, i) => `(${100 + i}, ${(i % 8) + 1}, ${(((i * 37) % 90) + 10).toFixed(2)})`).join(', ')}`,
    ];
    for (const sql of setup) {
      const out = await cli(port, 'shop', sql);
      say(`   ${sql.length > 90 ? sql.slice(0, 87) + '...' : sql}${out ? `\n${out}` : ''}`);
    }
    say(`   partition 0 (db1.shop_0) holds users ${(await dbs[0].sql('SELECT GROUP_CONCAT(uid ORDER BY uid) FROM shop_0.users')).trim()}; ` +
      `partition 1 (db2.shop_1) holds users ${(await dbs[1].sql('SELECT GROUP_CONCAT(uid ORDER BY uid) FROM shop_1.users')).trim()}`);

    const steps: [string | null, string, string][] = [
      ['shop', 'single shard: the shard key picks one partition', 'SELECT uid, name, country FROM users WHERE uid = 3'],
      ['shop', 'what sluice will do, without running it', 'PREVIEW SELECT uid, name FROM users WHERE uid IN (2, 3)'],
      ['shop', 'scatter to both partitions, merged by ORDER BY, then LIMIT', 'SELECT order_id, uid, amount FROM orders ORDER BY amount DESC LIMIT 4'],
      ['shop', 'GROUP BY with aggregates merged across partitions', 'SELECT uid, COUNT(*) AS n, SUM(amount) AS total, AVG(amount) AS mean FROM orders GROUP BY uid HAVING total > 100 ORDER BY total DESC'],
      ['shop', 'a binding join (users and orders share uid) and a broadcast table, on each partition', 'SELECT c.name AS country, COUNT(*) AS orders, SUM(o.amount) AS total FROM users u JOIN orders o ON o.uid = u.uid JOIN countries c ON c.code = u.country GROUP BY c.name ORDER BY c.name'],
      ['shop', 'refused, with the reason: a join across partitions sluice cannot answer exactly', 'SELECT u.name, o.amount FROM users u JOIN orders o ON o.order_id = u.uid'],
      ['crm', 'a forwarding schema: statements go to one backend as they are', 'SELECT city, COUNT(*) AS n FROM customers GROUP BY city ORDER BY city'],
      ['billing', 'another forwarding schema on the other server', 'SELECT customer, SUM(amount) AS total FROM invoices GROUP BY customer'],
      ['crm', 'errors come back as MySQL errors', 'SELECT * FROM no_such_table'],
    ];
    for (const [db, what, sql] of steps) {
      say(`\n-- ${what}\n$ mariadb -h127.0.0.1 -P${port} -uapp ${db ?? ''} -e "${sql}"`);
      say(await cli(port, db, sql));
    }

    say('\n== sluice bench: point selects over 8 connections, 3 s each, through sluice vs MariaDB directly (alternating)');
    const common = ['--host', '127.0.0.1', '--user', 'sluice', '--password', 'sluice', '--database', 'sbtest', '--table-size', '1000'];
    say(await sluiceCli(['bench', 'prepare', ...common, '--port', String(dbs[0].port)], true));
    const benchArgs = ['bench', 'run', ...common, '--port', String(port), '--compare', `127.0.0.1:${dbs[0].port}`,
      '--workload', 'point-select', '--connections', '8', '--duration', '3', '--warmup', '1'];
    say(`$ sluice ${benchArgs.join(' ')}`);
    say(await sluiceCli(benchArgs, true));
    say(`   (${port} is sluice, ${dbs[0].port} MariaDB directly; 2 cores shared by MariaDB, sluice and the load generator; see README "Performance")`);

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
