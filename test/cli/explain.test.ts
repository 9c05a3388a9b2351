// `sluice explain` as users run it: node dist/src/cli.js explain --config FILE [--schema NAME] "SQL".
// Offline: the backends named in the config do not exist (nothing listens on their ports).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { run, tempFiles } from '../helpers/run-cli';
import * as path from 'node:path';

const { dir, write } = tempFiles('sluice-explain-');

/** Two partitions (partition 0 with a replica), users/orders sharded 2 tables per partition by uid mod 4. */
const SHOP = `
users: [{ user: app, password: x, schemas: ['*'] }]
nodeId: 7
backends:
  db0:  { host: 127.0.0.1, port: 1, user: sluice }
  db0r: { host: 127.0.0.2, port: 2, user: sluice }
  db1:  { host: 127.0.0.3, port: 3, user: sluice }
schemas:
  legacy: { backend: db0, database: legacy_db }
  shop:
    partitions:
      - { write: db0, read: [db0r], database: shop_0 }
      - { write: db1, database: shop_1 }
    maxLimitRows: 100
    tables:
      users:  { shardKey: uid, algorithm: mod, tablesPerPartition: 2, bindingGroup: user }
      orders: { shardKey: uid, algorithm: mod, tablesPerPartition: 2, bindingGroup: user, keyGenerator: { column: oid, type: snowflake } }
      items:  { broadcast: true }
`;
const config = write('shop.yaml', SHOP);

test('explain: a cross-shard ORDER BY + LIMIT, every unit with its backends, then the merge steps', async () => {
  const result = await run('explain', '--config', config, 'SELECT name FROM users ORDER BY age DESC LIMIT 10, 5');
  assert.deepEqual(result, {
    code: 0,
    stderr: '',
    stdout: [
      'schema shop: route broadcast, 4 units, reads (replicas where configured; primaries inside a transaction), returns rows',
      '[0] partition 0: write db0 (127.0.0.1:1), reads db0r (127.0.0.2:2), database shop_0',
      '    SELECT name, age, WEIGHT_STRING(age) FROM users_0 ORDER BY age DESC LIMIT 15',
      '[1] partition 0: write db0 (127.0.0.1:1), reads db0r (127.0.0.2:2), database shop_0',
      '    SELECT name, age, WEIGHT_STRING(age) FROM users_1 ORDER BY age DESC LIMIT 15',
      '[2] partition 1: write db1 (127.0.0.3:3), database shop_1',
      '    SELECT name, age, WEIGHT_STRING(age) FROM users_0 ORDER BY age DESC LIMIT 15',
      '[3] partition 1: write db1 (127.0.0.3:3), database shop_1',
      '    SELECT name, age, WEIGHT_STRING(age) FROM users_1 ORDER BY age DESC LIMIT 15',
      'merge:',
      '  - order-by merge on 1 key',
      '  - compare 1 key by collation weight',
      '  - hide 2 derived columns',
      '  - offset 10, limit 5',
      '',
    ].join('\n'),
  });
});

test('explain: GROUP BY with AVG shows the derived SUM/COUNT columns and the group merge', async () => {
  const result = await run('explain', '-c', config, 'SELECT city, AVG(age) FROM users WHERE uid IN (2, 6) GROUP BY city');
  assert.equal(result.code, 0, result.stderr);
  assert.equal(
    result.stdout,
    [
      'schema shop: route single, 1 unit, reads (replicas where configured; primaries inside a transaction), returns rows',
      '[0] partition 1: write db1 (127.0.0.3:3), database shop_1',
      '    SELECT city, AVG(age) FROM users_0 WHERE uid IN (2, 6) GROUP BY city',
      'merge: none (the one unit answers as is)',
      '',
    ].join('\n'),
  );
  const spread = await run('explain', '-c', config, 'SELECT city, AVG(age) FROM users WHERE uid IN (1, 2) GROUP BY city');
  assert.equal(spread.code, 0, spread.stderr);
  assert.ok(spread.stdout.includes('\n    SELECT city, AVG(age), SUM(age), COUNT(age), WEIGHT_STRING(city) FROM users_1 WHERE uid IN (1) GROUP BY city ORDER BY city\n'), spread.stdout);
  assert.ok(spread.stdout.endsWith('merge:\n  - group by 1 key (shards sorted by the group key, streamed)\n  - aggregates: AVG(col 1)\n  - sort merged groups on 1 key\n  - compare 1 key by collation weight\n  - hide 3 derived columns\n'), spread.stdout);
});

test('explain: writes go to the primaries; generated keys use the configured nodeId', async () => {
  const update = await run('explain', '-c', config, "UPDATE users SET name = 'x' WHERE uid = 4");
  assert.equal(update.code, 0, update.stderr);
  assert.equal(
    update.stdout,
    "schema shop: route single, 1 unit, on the primaries, returns OK\n[0] partition 0: write db0 (127.0.0.1:1), database shop_0\n    UPDATE users_0 SET name = 'x' WHERE uid = 4\nmerge: none (the one unit answers as is)\n",
  );
  const insert = await run('explain', '-c', config, 'INSERT INTO orders (uid, total) VALUES (3, 1)');
  assert.equal(insert.code, 0, insert.stderr);
  const ids = /\ngenerated ids: ([0-9]+)\n$/.exec(insert.stdout);
  assert.ok(ids, insert.stdout);
  assert.ok(insert.stdout.includes(`\n    INSERT INTO orders_1 (uid, total, oid) VALUES (3, 1, ${ids[1]})\n`), insert.stdout);
  assert.equal(Number((BigInt(ids[1]) >> 12n) & 1023n), 7);
});

test('explain: a statement sluice refuses ends with its error on one line and exit 1', async () => {
  const join = await run('explain', '-c', config, 'SELECT * FROM users u JOIN orders o ON u.name = o.note');
  assert.deepEqual(join, {
    code: 1,
    stdout: '',
    stderr:
      'sluice: ERROR 1235 (42000): JOIN between users and orders is not on their shard keys, so matching rows may sit on different shards: add u.uid = o.uid to the join condition\n',
  });
  const deep = await run('explain', '-c', config, 'SELECT name FROM users ORDER BY name LIMIT 100, 1');
  assert.equal(deep.code, 1);
  assert.match(deep.stderr, /^sluice: ERROR 1235 \(42000\): LIMIT offset \+ row count 101 across shards exceeds maxLimitRows 100: [^\n]+\n$/);
  const syntax = await run('explain', '-c', config, 'SELEC name FROM users');
  assert.equal(syntax.code, 1);
  assert.match(syntax.stderr, /^sluice: ERROR 1064 \(42000\): You have an error in your SQL syntax; [^\n]+ near 'SELEC name FROM users' at line 1\n$/);
});

test('explain: schema choice — the only sharded one, --schema, or a clear line and exit 1', async () => {
  const chosen = await run('explain', '-c', config, '--schema', 'shop', 'SELECT title FROM items WHERE id = 1');
  assert.equal(chosen.code, 0, chosen.stderr);
  assert.ok(chosen.stdout.startsWith('schema shop: route single, 1 unit,'), chosen.stdout);
  assert.deepEqual(await run('explain', '-c', config, '--schema', 'nope', 'SELECT 1'), {
    code: 1,
    stdout: '',
    stderr: 'sluice: unknown schema "nope" (sharded: shop)\n',
  });
  assert.deepEqual(await run('explain', '-c', config, '--schema', 'legacy', 'SELECT 1'), {
    code: 1,
    stdout: '',
    stderr: 'sluice: schema "legacy" is not sharded: its statements go unchanged to backend db0, database legacy_db\n',
  });
  const two = write('two.yaml', SHOP.replace('  legacy: { backend: db0, database: legacy_db }', '  shop2: { partitions: [{ write: db1, database: s2 }] }'));
  assert.deepEqual(await run('explain', '-c', two, 'SELECT 1'), {
    code: 1,
    stdout: '',
    stderr: 'sluice: several sharded schemas (shop2, shop): choose one with --schema\n',
  });
  const twoChosen = await run('explain', '-c', two, '--schema', 'shop2', 'SELECT 1');
  assert.equal(twoChosen.code, 0, twoChosen.stderr);
  assert.ok(twoChosen.stdout.includes('\n[0] partition 0: write db1 (127.0.0.3:3), database s2\n    SELECT 1\n'), twoChosen.stdout);
});

test('explain: config problems exit 1, usage errors exit 2', async () => {
  const missing = await run('explain', '-c', path.join(dir, 'none.yaml'), 'SELECT 1');
  assert.equal(missing.code, 1);
  assert.match(missing.stderr, /^cannot read config file .*none\.yaml: no such file\n$/);
  assert.deepEqual(await run('explain', 'SELECT 1'), { code: 2, stdout: '', stderr: 'sluice: explain needs --config FILE\n' });
  const noSql = await run('explain', '-c', config);
  assert.equal(noSql.code, 2);
  assert.equal(noSql.stderr, "sluice: missing required argument 'sql'\n");
  const help = await run('--help');
  assert.match(help.stdout, /\n {2}explain \[options\] <sql> /);
});
