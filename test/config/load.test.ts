// Loading files: YAML syntax errors with line:column, unreadable files, tls paths, and the sample configs.
import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { loadConfigFile, type ShardedSchema } from '../../src/config';
import { problemsOf as problemsOfStep } from './fixtures';

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'sluice-config-'));
after(() => fs.rmSync(dir, { recursive: true, force: true }));

const root = path.resolve(__dirname, '..', '..', '..');

function write(name: string, text: string): string {
  const file = path.join(dir, name);
  fs.writeFileSync(file, text);
  return file;
}

function problemsOf(file: string): string[] {
  return problemsOfStep(() => loadConfigFile(file));
}

const VALID = `
listen: 127.0.0.1:0
threads: 2
users:
  - { user: app, password: app-secret, schemas: [legacy] }
backends:
  db1: { host: 127.0.0.1, port: 3306, user: sluice, password: x }
schemas:
  legacy: { backend: db1, database: legacy_db }
`;

test('a valid file loads and remembers where it came from', () => {
  const file = write('valid.yaml', VALID);
  const config = loadConfigFile(file);
  assert.equal(config.source, file);
  assert.deepEqual(config.listen, { host: '127.0.0.1', port: 0 });
  assert.equal(config.threads, 2);
});

test('a YAML syntax error is one line with file:line:column', () => {
  const file = write('broken.yaml', 'listen: 127.0.0.1:3306\nthreads: 4\n  bufferPoolMB: 256\n');
  assert.deepEqual(problemsOf(file), [`${file}:2:10: YAML syntax error: Nested mappings are not allowed in compact mappings`]);
});

test('an unclosed flow mapping names where the parser gave up', () => {
  const file = write('unclosed.yaml', 'backends:\n  db1: { host: a, port: 1\nschemas: {}\n');
  const [line, ...rest] = problemsOf(file);
  assert.deepEqual(rest, []);
  assert.match(line, new RegExp(`^${file.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}:\\d+:\\d+: YAML syntax error: `));
});

test('duplicate keys are a syntax error', () => {
  const file = write('dup.yaml', 'threads: 2\nthreads: 4\n');
  assert.deepEqual(problemsOf(file), [`${file}:2:1: YAML syntax error: Map keys must be unique`]);
});

test('tabs used for indentation are a syntax error', () => {
  const file = write('tabs.yaml', 'users:\n\t- user: app\n');
  assert.deepEqual(problemsOf(file), [`${file}:2:1: YAML syntax error: Tabs are not allowed as indentation`]);
});

test('an empty file, a missing file and a folder are one problem each', () => {
  const empty = write('empty.yaml', '# nothing here\n');
  assert.deepEqual(problemsOf(empty), [`${empty}: the file is empty`]);
  const missing = path.join(dir, 'nope.yaml');
  assert.deepEqual(problemsOf(missing), [`cannot read config file ${missing}: no such file`]);
  assert.deepEqual(problemsOf(dir), [`cannot read config file ${dir}: is a directory`]);
});

test('problems from a file name their key paths', () => {
  const file = write('bad.yaml', VALID.replace('port: 3306', 'port: abc').replace('threads: 2', 'thread: 2'));
  assert.deepEqual(problemsOf(file), [
    'unknown key "thread" (did you mean "threads"?)',
    'backends.db1.port: must be an integer 1-65535 (got "abc")',
  ]);
});

test('tls paths are taken relative to the config file and must exist', () => {
  write('cert.pem', 'CERT');
  write('key.pem', 'KEY');
  const good = write('tls.yaml', `${VALID}tls: { cert: cert.pem, key: key.pem }\n`);
  assert.deepEqual(loadConfigFile(good).tls, { cert: path.join(dir, 'cert.pem'), key: path.join(dir, 'key.pem') });
  const bad = write('tls-bad.yaml', `${VALID}tls: { cert: cert.pem, key: missing.pem }\n`);
  assert.deepEqual(problemsOf(bad), [`tls.key: file not found: ${path.join(dir, 'missing.pem')}`]);
});

test('the sample configurations in examples/ load cleanly', () => {
  const examples = fs.readdirSync(path.join(root, 'examples')).filter((f) => f.endsWith('.yaml'));
  assert.ok(examples.includes('sharded.yaml') && examples.includes('forward.yaml'));
  for (const name of examples) {
    const file = path.join(root, 'examples', name);
    assert.deepEqual(problemsOf(file), [], name);
  }
  const shop = loadConfigFile(path.join(root, 'examples', 'sharded.yaml')).schemas.shop as ShardedSchema;
  assert.equal(shop.partitions.length, 2);
  assert.deepEqual(Object.keys(shop.tables), ['users', 'orders', 'events', 'ledger', 'stores', 'logs', 'items']);
});
