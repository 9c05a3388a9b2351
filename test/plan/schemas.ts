// Sharded schemas the golden plan cases run against.
import type { PartitionConfig, ShardedSchema, TableRule } from '../../src/config/types';

function partitions(n: number): PartitionConfig[] {
  return Array.from({ length: n }, (_, i) => ({ write: `db${i}`, read: [], database: `shop_${i}` }));
}

function schema(p: number, tables: TableRule[], extra: Partial<ShardedSchema> = {}): ShardedSchema {
  return {
    kind: 'sharded',
    name: 'shop',
    partitions: partitions(p),
    tables: Object.fromEntries(tables.map((t) => [t.name, t])),
    defaultPartition: 0,
    readYourWritesMs: 0,
    maxReplicaLagSeconds: 0,
    maxLimitRows: 1000,
    ...extra,
  };
}

export const SCHEMAS: Record<string, ShardedSchema> = {
  /** 2 partitions × 2 tables, mod on uid; users/orders bound; items broadcast; logs without rule. */
  mod: schema(2, [
    { kind: 'sharded', name: 'users', shardKey: 'uid', algorithm: 'mod', tablesPerPartition: 2, bindingGroup: 'user' },
    {
      kind: 'sharded',
      name: 'orders',
      shardKey: 'uid',
      algorithm: 'mod',
      tablesPerPartition: 2,
      bindingGroup: 'user',
      keyGenerator: { column: 'oid', type: 'snowflake' },
    },
    { kind: 'sharded', name: 'events', shardKey: 'eid', algorithm: 'mod', tablesPerPartition: 2 },
    { kind: 'broadcast', name: 'items' },
  ]),
  /** 2 partitions, hash on name; 3 partitions would do the same. */
  hash: schema(2, [{ kind: 'sharded', name: 'people', shardKey: 'name', algorithm: 'hash', tablesPerPartition: 1 }]),
  /** 3 partitions, range on id. */
  range: schema(3, [
    {
      kind: 'sharded',
      name: 'ledger',
      shardKey: 'id',
      algorithm: 'range',
      tablesPerPartition: 1,
      ranges: [
        { lt: 1000, partition: 0 },
        { lt: 2000, partition: 1 },
        { lt: 3000, partition: 2 },
      ],
    },
  ]),
  /** 2 partitions × 2 tables, date by month on day. */
  date: schema(2, [{ kind: 'sharded', name: 'visits', shardKey: 'day', algorithm: 'date', dateUnit: 'month', tablesPerPartition: 2 }]),
  /** 2 partitions, list on country. */
  list: schema(2, [{ kind: 'sharded', name: 'shops', shardKey: 'country', algorithm: 'list', tablesPerPartition: 1, values: { cn: 0, us: 1, de: 1 } }]),
};
