// The built CLI as users run it: node dist/src/cli.js …
import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { root, cli, run, tempFiles } from '../helpers/run-cli';
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import * as fs from 'node:fs';
import * as net from 'node:net';
import * as path from 'node:path';

const { dir, write } = tempFiles('sluice-cli-');

const FORWARD = `
listen: 127.0.0.1:3306
users: [{ user: app, password: x, schemas: [legacy] }]
backends: { db1: { host: 127.0.0.1, port: 1, user: sluice } }
schemas: { legacy: { backend: db1, database: legacy_db } }
`;

test('--version prints the package version', async () => {
  const { version } = JSON.parse(fs.readFileSync(path.join(root, 'package.json'), 'utf8')) as { version: string };
  assert.deepEqual(await run('--version'), { code: 0, stdout: `${version}\n`, stderr: '' });
});

test('--help lists the commands; serve --help lists every flag', async () => {
  const top = await run('--help');
  assert.equal(top.code, 0);
  assert.match(top.stdout, /^Usage: sluice \[options\] \[command\]/);
  assert.match(top.stdout, /\n {2}serve \[options\] /);
  assert.match(top.stdout, /\n {2}check-config <file> /);
  const serve = await run('serve', '--help');
  assert.equal(serve.code, 0);
  for (const flag of ['--config <file>', '--listen <host:port>', '--threads <n>', '--buffer-pool-mb <n>', '--log-level <level>', '--metrics-port <n>']) {
    assert.ok(serve.stdout.includes(flag), flag);
  }
});

test('check-config prints the resolved topology and exits 0', async () => {
  const result = await run('check-config', 'examples/sharded.yaml');
  assert.equal(result.code, 0, result.stderr);
  assert.equal(result.stderr, '');
  assert.match(result.stdout, /^configuration examples\/sharded\.yaml\nlisten {5}127\.0\.0\.1:3307\n/);
  assert.ok(result.stdout.includes('    partition 0: write db1, read db1r, db1, database shop_0\n'));
  assert.ok(result.stdout.includes('      -> shop_0.events_0..events_3, shop_1.events_0..events_3\n'));
});

test('check-config prints one line per problem to stderr and exits 1', async () => {
  const file = write('bad.yaml', FORWARD.replace('port: 1,', 'port: abc,').replace('listen:', 'lisen:').replace('[legacy]', '[legacy, shop]'));
  assert.deepEqual(await run('check-config', file), {
    code: 1,
    stdout: '',
    stderr: [
      'unknown key "lisen" (did you mean "listen"?)',
      'backends.db1.port: must be an integer 1-65535 (got "abc")',
      'users[0].schemas[1]: unknown schema "shop" (known: legacy)',
      '',
    ].join('\n'),
  });
});

test('check-config reports a YAML syntax error with line:column, and a missing file', async () => {
  const file = write('syntax.yaml', 'threads: 2\n  listen: x\n');
  const syntax = await run('check-config', file);
  assert.equal(syntax.code, 1);
  assert.match(syntax.stderr, new RegExp(`^${file.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}:1:10: YAML syntax error: [^\n]+\n$`));
  const missing = await run('check-config', path.join(dir, 'none.yaml'));
  assert.deepEqual(missing, { code: 1, stdout: '', stderr: `cannot read config file ${path.join(dir, 'none.yaml')}: no such file\n` });
});

test('bad flags and arguments give one line and exit 2', async () => {
  const file = write('ok.yaml', FORWARD);
  const cases: [string[], string][] = [
    [['serve', '-c', file, '--threads', 'abc'], "sluice: option '--threads <n>' argument 'abc' is invalid. Must be an integer 1-1024.\n"],
    [['serve', '-c', file, '--threads', '0'], "sluice: option '--threads <n>' argument '0' is invalid. Must be an integer 1-1024.\n"],
    [['serve', '-c', file, '--buffer-pool-mb', '8'], "sluice: option '--buffer-pool-mb <n>' argument '8' is invalid. Must be an integer 16-1048576.\n"],
    [['serve', '-c', file, '--metrics-port', 'x'], "sluice: option '--metrics-port <n>' argument 'x' is invalid. Must be an integer 0-65535.\n"],
    [['serve', '-c', file, '--listen', 'nowhere'], `sluice: option '--listen <host:port>' argument 'nowhere' is invalid. Must be "HOST:PORT" or "[IPv6]:PORT" (got "nowhere").\n`],
    [['serve', '-c', file, '--log-level', 'loud'], "sluice: option '--log-level <level>' argument 'loud' is invalid. Allowed choices are fatal, error, warn, info, debug, trace.\n"],
    [['serve', '--bogus'], "sluice: unknown option '--bogus'\n"],
    [['serve'], 'sluice: serve needs --config FILE\n'],
    [['frobnicate'], "sluice: unknown command 'frobnicate'\n"],
    [['check-config'], "sluice: missing required argument 'file'\n"],
    [['check-config', 'a.yaml', 'b.yaml'], "sluice: too many arguments for 'check-config'. Expected 1 argument but got 2.\n"],
  ];
  for (const [args, stderr] of cases) {
    assert.deepEqual(await run(...args), { code: 2, stdout: '', stderr }, args.join(' '));
  }
});

test('serve with a bad configuration exits 1 with its problems', async () => {
  const file = write('serve-bad.yaml', FORWARD.replace('user: sluice', 'usr: sluice'));
  assert.deepEqual(await run('serve', '-c', file), {
    code: 1,
    stdout: '',
    stderr: 'backends.db1: unknown key "usr" (did you mean "user"?)\nbackends.db1.user: required\n',
  });
});

test('serve starts sluice with the flags overriding the file, and SIGTERM stops it with exit 0', async () => {
  const file = write('serve.yaml', FORWARD);
  const child = spawn(process.execPath, [cli, 'serve', '-c', file, '--listen', '127.0.0.1:0', '--threads', '1', '--log-level', 'info'], {
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  after(() => {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
  });
  const exited = once(child, 'exit');
  // Readiness: the server's "sluice listening" log line (JSON on stderr) carries the bound address.
  const listening = await new Promise<{ address: { host: string; port: number }; threads: number }>((resolve, reject) => {
    let text = '';
    child.stderr.setEncoding('utf8');
    child.stderr.on('data', (chunk: string) => {
      text += chunk;
      for (const line of text.split('\n')) {
        if (line.includes('"sluice listening"')) resolve(JSON.parse(line));
      }
    });
    child.on('exit', (code) => reject(new Error(`sluice exited ${code} before listening:\n${text}`)));
  });
  assert.equal(listening.address.host, '127.0.0.1');
  assert.notEqual(listening.address.port, 3306);
  assert.equal(listening.threads, 1);

  // A client connection is accepted and answered (a handshake, or an ERR while sessions are a placeholder).
  const socket = net.connect(listening.address.port, '127.0.0.1');
  const [first] = (await once(socket, 'data')) as [Buffer];
  assert.ok(first.length >= 4, 'a MySQL packet arrives');
  socket.destroy();

  child.kill('SIGTERM');
  const [code, signal] = await exited;
  assert.deepEqual({ code, signal }, { code: 0, signal: null });
});
