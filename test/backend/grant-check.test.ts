import { test } from 'node:test';
import assert from 'node:assert/strict';
import { grantFindings, accountsOnBackends } from '../../src/backend/grant-check';
import { resolveConfig } from '../../src/config';

const config = resolveConfig({
  users: [
    { user: 'app', password: 'x', schemas: ['*'] },
    { user: 'ro', password: 'x', schemas: ['legacy'], backendUser: 'legacy_ro', backendPassword: 'y' },
  ],
  backends: {
    db1: { host: '10.0.0.1', user: 'sluice' }, db1r: { host: '10.0.0.3', user: 'sluice' }, db2: { host: '10.0.0.2', user: 'sluice' },
  },
  schemas: {
    legacy: { backend: 'db1', database: 'legacy_db' },
    shop: {
      maxReplicaLagSeconds: 5,
      partitions: [{ write: 'db1', read: ['db1r'], database: 'shop_0' }, { write: 'db2', database: 'shop_1' }],
      tables: { users: { shardKey: 'uid', algorithm: 'mod' } },
    },
  },
});

test('accounts: each backend\'s own with every database used there, and a backendUser on the backends of its schemas', () => {
  assert.deepEqual(accountsOnBackends(config).map((a) => [a.key, a.backend, a.target.user, [...a.databases].sort(), a.lagChecked]), [
    ['backends.db1.user', 'db1', 'sluice', ['legacy_db', 'shop_0'], false],
    ['backends.db1r.user', 'db1r', 'sluice', ['shop_0'], true],
    ['backends.db2.user', 'db2', 'sluice', ['shop_1'], false],
    ['users[1].backendUser', 'db1', 'legacy_ro', ['legacy_db'], false],
  ]);
});

test('findings: global privileges beyond USAGE (a lag-checked replica may monitor), other databases, % wildcards', () => {
  const account = { databases: new Set(['shop_0', 'legacy_db']), lagChecked: false };
  assert.deepEqual(grantFindings([
    "GRANT USAGE ON *.* TO `sluice`@`%` IDENTIFIED BY PASSWORD '*ABC'",
    'GRANT SELECT, INSERT ON `shop_0`.* TO `sluice`@`%`',
    'GRANT SELECT ON `legacy_db`.`t` TO `sluice`@`%`',
    'GRANT EXECUTE ON PROCEDURE `legacy_db`.`p` TO `sluice`@`%`',
    'GRANT `app_role` TO `sluice`@`%`',
  ], account), []);
  assert.deepEqual(grantFindings([
    'GRANT ALL PRIVILEGES ON *.* TO `sluice`@`%` WITH GRANT OPTION',
    'GRANT SELECT ON `mysql`.* TO `sluice`@`%`',
    'GRANT SELECT ON `shop%`.* TO `sluice`@`%`',
    'GRANT SELECT ON `shop\\_1`.* TO `sluice`@`%`',
  ], account), [
    "has global privileges (ALL PRIVILEGES ON *.*); grant them on the schemas' databases only",
    'has privileges on database `mysql` (SELECT), which no schema of this config uses there',
    'has privileges on every database matching `shop%` (SELECT); grant them on each database by name',
    'has privileges on database `shop_1` (SELECT), which no schema of this config uses there',
  ]);
  assert.deepEqual(grantFindings(['GRANT SLAVE MONITOR ON *.* TO `sluice`@`%`'], { ...account, lagChecked: true }), []);
  assert.equal(grantFindings(['GRANT SLAVE MONITOR ON *.* TO `sluice`@`%`'], account).length, 1);
});
