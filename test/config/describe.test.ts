// The topology check-config prints.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { describeTopology, resolveConfig } from '../../src/config';
import { baseConfig } from './fixtures';

test('describeTopology shows settings, users, backends with pool sizes, and where every table lives', () => {
  const raw = baseConfig();
  Object.assign(raw, { threads: 4, listen: '[::1]:3307', metricsPort: 9104 });
  raw.users.push({ user: 'ops', passwordHash: '*' + 'A'.repeat(40), schemas: ['*'] });
  raw.schemas.shop.partitions[0].read = ['db1r', { backend: 'db1', weight: 3 }];
  raw.schemas.shop.readYourWritesMs = 250;
  raw.schemas.shop.tables.events = { shardKey: 'uid', algorithm: 'hash', tablesPerPartition: 4, bindingGroup: 'g' };
  raw.schemas.shop.tables.pairs = { shardKey: 'uid', algorithm: 'hash', tablesPerPartition: 2, keyGenerator: { column: 'id' } };
  raw.schemas.shop.tables.ledger = { shardKey: 'id', algorithm: 'range', ranges: [{ lt: 100, partition: 0 }, { lt: 200, partition: 1 }] };
  raw.schemas.shop.tables.stores = { shardKey: 'cc', algorithm: 'list', values: { cn: 0, us: 1 } };
  raw.schemas.shop.tables.logs = { shardKey: 'day', algorithm: 'date', dateUnit: 'year' };
  const text = describeTopology(resolveConfig(raw, 'shop.yaml'));
  assert.equal(
    text,
    [
      'configuration shop.yaml',
      'listen     [::1]:3307',
      'threads    4 worker threads',
      'memory     bufferPoolMB 256, maxQueryMemoryMB 64',
      'logLevel   info',
      'metrics    http://127.0.0.1:9104/metrics',
      'limits     maxConnectionsPerWorker unlimited, shutdownTimeoutMs 10000, maxBackendPreparedStatements 8000, waitTimeoutSeconds 28800, interactiveTimeoutSeconds 28800',
      "server     version the backends' own (read at start), nodeId 0",
      'tls        off',
      '',
      'users (2)',
      '  app: password, schemas shop, legacy',
      '  ops: password hash, all schemas',
      '',
      'backends (3)',
      '  db1: sluice@10.0.0.1:3306, pool 1-32 per worker (up to 128 connections over 4 workers), idle 60000 ms, connect timeout 5000 ms, acquire timeout 10000 ms',
      '  db1r: sluice@10.0.0.3:3306, pool 1-32 per worker (up to 128 connections over 4 workers), idle 60000 ms, connect timeout 5000 ms, acquire timeout 10000 ms',
      '  db2: sluice@10.0.0.2:3306, pool 2-64 per worker (up to 256 connections over 4 workers), idle 60000 ms, connect timeout 5000 ms, acquire timeout 10000 ms',
      '',
      'schemas (2)',
      '  legacy: forward -> db1/legacy_db',
      '  shop: sharded over 2 partitions, tables without a rule on partition 0',
      '    readYourWritesMs 250, maxReplicaLagSeconds off, maxLimitRows 100000',
      '    partition 0: write db1, read db1r, db1 (weight 3), database shop_0',
      '    partition 1: write db2, no replicas (reads on write), database shop_1',
      '    table users: mod(uid)',
      '      -> shop_0.users, shop_1.users',
      '    table items: broadcast (reads from one partition, writes to all)',
      '      -> shop_0.items, shop_1.items',
      '    table events: hash(uid), 4 tables per partition, bindingGroup g',
      '      -> shop_0.events_0..events_3, shop_1.events_0..events_3',
      '    table pairs: hash(uid), 2 tables per partition, id from snowflake',
      '      -> shop_0.pairs_0, shop_0.pairs_1, shop_1.pairs_0, shop_1.pairs_1',
      '    table ledger: range(id) <100 -> 0, <200 -> 1',
      '      -> shop_0.ledger, shop_1.ledger',
      '    table stores: list(cc) cn -> 0, us -> 1',
      '      -> shop_0.stores, shop_1.stores',
      '    table logs: date(day) by year',
      '      -> shop_0.logs, shop_1.logs',
      '',
    ].join('\n'),
  );
});
