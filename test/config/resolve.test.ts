// Defaults, accepted shapes, and the resolved values others read.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as os from 'node:os';
import { resolveConfig, type ShardedSchema } from '../../src/config';
import { baseConfig } from './fixtures';

test('defaults fill every key the file leaves out', () => {
  const config = resolveConfig(baseConfig());
  assert.deepEqual(config.listen, { host: '127.0.0.1', port: 3306 });
  assert.equal(config.threads, os.availableParallelism());
  assert.equal(config.bufferPoolMB, 256);
  assert.equal(config.maxQueryMemoryMB, 64);
  assert.equal(config.logLevel, 'info');
  assert.equal(config.metricsPort, 0);
  assert.equal(config.maxConnectionsPerWorker, 0);
  assert.equal(config.shutdownTimeoutMs, 10_000);
  assert.equal(config.backendProbeIntervalMs, 1_000);
  assert.equal(config.serverVersion, null); // unset: the backends' own version, read at start
  assert.equal(config.nodeId, 0);
  assert.equal(config.tls, undefined);
  assert.equal(config.source, undefined);
  assert.deepEqual(config.backends.db1, {
    name: 'db1',
    host: '10.0.0.1',
    port: 3306,
    user: 'sluice',
    password: 'x',
    pool: { min: 1, max: 32, idleTimeoutMs: 60_000, validateAfterMs: 30_000, connectTimeoutMs: 5_000, acquireTimeoutMs: 10_000 },
  });
  assert.deepEqual(config.backends.db2.pool, {
    min: 2, max: 64, idleTimeoutMs: 60_000, validateAfterMs: 30_000, connectTimeoutMs: 5_000, acquireTimeoutMs: 10_000,
  });
  assert.deepEqual(config.users, [{ user: 'app', password: 'app-secret', schemas: ['shop', 'legacy'], requireTls: false, privileges: ['read', 'write', 'ddl'] }]);
  assert.deepEqual(config.schemas.legacy, { kind: 'forward', name: 'legacy', backend: 'db1', database: 'legacy_db' });
  assert.deepEqual(config.schemas.shop, {
    kind: 'sharded',
    name: 'shop',
    partitions: [
      { write: 'db1', read: [{ backend: 'db1r', weight: 1 }], database: 'shop_0' },
      { write: 'db2', read: [], database: 'shop_1' },
    ],
    tables: {
      users: { kind: 'sharded', name: 'users', shardKey: 'uid', algorithm: 'mod', tablesPerPartition: 1 },
      items: { kind: 'broadcast', name: 'items' },
    },
    defaultPartition: 0,
    readYourWritesMs: 0,
    maxReplicaLagSeconds: 0,
    maxLimitRows: 100_000,
  });
});

test('a forwarding schema database defaults to the schema name', () => {
  const raw = baseConfig();
  raw.schemas.legacy = { backend: 'db1' };
  assert.deepEqual(resolveConfig(raw).schemas.legacy, { kind: 'forward', name: 'legacy', backend: 'db1', database: 'legacy' });
});

test('maxQueryMemoryMB defaults to 64 MiB but never more than bufferPoolMB', () => {
  const raw = baseConfig();
  raw.bufferPoolMB = 32;
  assert.equal(resolveConfig(raw).maxQueryMemoryMB, 32);
});

test('listen accepts HOST:PORT, [IPv6]:PORT and port 0', () => {
  const listen = (text: string): unknown => resolveConfig({ ...baseConfig(), listen: text }).listen;
  assert.deepEqual(listen('0.0.0.0:3306'), { host: '0.0.0.0', port: 3306 });
  assert.deepEqual(listen('db-proxy.internal:6033'), { host: 'db-proxy.internal', port: 6033 });
  assert.deepEqual(listen('[::1]:3307'), { host: '::1', port: 3307 });
  assert.deepEqual(listen('[::]:0'), { host: '::', port: 0 });
});

test('read items may be backend names or { backend, weight }', () => {
  const raw = baseConfig();
  raw.schemas.shop.partitions[0].read = ['db1r', { backend: 'db1', weight: 3 }, { backend: 'db2' }];
  const shop = resolveConfig(raw).schemas.shop as ShardedSchema;
  assert.deepEqual(shop.partitions[0].read, [
    { backend: 'db1r', weight: 1 },
    { backend: 'db1', weight: 3 },
    { backend: 'db2', weight: 1 },
  ]);
});

test('table rules resolve with their parameters', () => {
  const raw = baseConfig();
  raw.schemas.shop.tables = {
    users: { shardKey: 'uid', algorithm: 'mod', bindingGroup: 'user' },
    orders: { shardKey: 'uid', algorithm: 'mod', bindingGroup: 'user', keyGenerator: { column: 'order_id' } },
    events: { shardKey: 'uid', algorithm: 'hash', tablesPerPartition: 4 },
    ledger: { shardKey: 'id', algorithm: 'range', ranges: [{ lt: 1000, partition: 0 }, { lt: 2000.5, partition: 1 }] },
    stores: { shardKey: 'country', algorithm: 'list', values: { cn: 0, us: 1 } },
    logs: { shardKey: 'day', algorithm: 'date', dateUnit: 'month' },
    items: { broadcast: true },
  };
  raw.schemas.shop.defaultPartition = 1;
  const shop = resolveConfig(raw).schemas.shop as ShardedSchema;
  assert.equal(shop.defaultPartition, 1);
  assert.deepEqual(shop.tables.orders, {
    kind: 'sharded', name: 'orders', shardKey: 'uid', algorithm: 'mod', tablesPerPartition: 1,
    bindingGroup: 'user', keyGenerator: { column: 'order_id', type: 'snowflake' },
  });
  assert.deepEqual(shop.tables.events, { kind: 'sharded', name: 'events', shardKey: 'uid', algorithm: 'hash', tablesPerPartition: 4 });
  assert.deepEqual(shop.tables.ledger, {
    kind: 'sharded', name: 'ledger', shardKey: 'id', algorithm: 'range', tablesPerPartition: 1,
    ranges: [{ lt: 1000, partition: 0 }, { lt: 2000.5, partition: 1 }],
  });
  assert.deepEqual(shop.tables.stores, {
    kind: 'sharded', name: 'stores', shardKey: 'country', algorithm: 'list', tablesPerPartition: 1, values: { cn: 0, us: 1 },
  });
  assert.deepEqual(shop.tables.logs, { kind: 'sharded', name: 'logs', shardKey: 'day', algorithm: 'date', tablesPerPartition: 1, dateUnit: 'month' });
  assert.deepEqual(shop.tables.items, { kind: 'broadcast', name: 'items' });
});

test('a password hash is accepted in either case and stored upper-case; "*" grants every schema', () => {
  const raw = baseConfig();
  raw.users = [{ user: 'ro', passwordHash: '*6bb4837eb74329105ee4568dda7dc67ed2ca2ad9', schemas: ['*', 'shop'] }];
  assert.deepEqual(resolveConfig(raw).users, [
    { user: 'ro', passwordHash: '*6BB4837EB74329105EE4568DDA7DC67ED2CA2AD9', schemas: ['*'], requireTls: false, privileges: ['read', 'write', 'ddl'] },
  ]);
});

test('privileges are listed per user; duplicates collapse', () => {
  const raw = baseConfig();
  raw.users = [{ user: 'ro', password: '', schemas: ['shop'], privileges: ['read', 'read'] }, { user: 'dba', password: '', schemas: ['*'], privileges: ['read', 'write', 'ddl', 'admin'] }];
  assert.deepEqual(resolveConfig(raw).users.map((u) => u.privileges), [['read'], ['read', 'write', 'ddl', 'admin']]);
});

test('an empty password is a password (accounts without one)', () => {
  const raw = baseConfig();
  raw.users[0].password = '';
  assert.equal(resolveConfig(raw).users[0].password, '');
});

test('serverVersion set in the file is announced as written; unset it is read from the backends', () => {
  assert.equal(resolveConfig({ ...baseConfig(), serverVersion: '10.6.0-custom' }).serverVersion, '10.6.0-custom');
  assert.equal(resolveConfig(baseConfig()).serverVersion, null);
});
