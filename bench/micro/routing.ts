// Micro benchmarks of the per-statement front end: classify() and the access check (every forwarded
// statement) and planStatement() of a point select on a sharded schema with a warm plan cache (every
// sharded one).
import { classify, Verb } from '../../src/kernel/classify';
import { accessError } from '../../src/kernel/access';
import { PlanCache, planStatement } from '../../src/plan';
import type { SchemaConfig, ShardedSchema, UserConfig } from '../../src/config/types';
import type { MicroGroup } from './harness';

/** 2 partitions, users/orders bound on uid (mod), a broadcast table. */
const SHOP: ShardedSchema = {
  kind: 'sharded',
  name: 'shop',
  partitions: [0, 1].map((i) => ({ write: `db${i}`, read: [], database: `shop_${i}` })),
  tables: {
    users: { kind: 'sharded', name: 'users', shardKey: 'uid', algorithm: 'mod', tablesPerPartition: 1, bindingGroup: 'user' },
    orders: { kind: 'sharded', name: 'orders', shardKey: 'uid', algorithm: 'mod', tablesPerPartition: 1, bindingGroup: 'user' },
    countries: { kind: 'broadcast', name: 'countries' },
  },
  defaultPartition: 0,
  readYourWritesMs: 0,
  maxReplicaLagSeconds: 0,
  maxLimitRows: 10000,
};

export function routingGroups(): MicroGroup[] {
  const point = Buffer.from('SELECT c FROM sbtest1 WHERE id = 4242');
  const update = Buffer.from("UPDATE sbtest1 SET c = 'x' WHERE id = 17 /* sysbench */");
  if (classify(point, 0, point.length).verb !== Verb.Select) throw new Error('BUG: classify');
  const cache = new PlanCache();
  let id = 0;
  const plan = () => planStatement(`SELECT name, email FROM users WHERE uid = ${(id = (id + 7) % 100000)}`, SHOP, { cache });
  const first = plan();
  if (first.units.length !== 1) throw new Error(`BUG: a point select should route to one shard, got ${first.units.length}`);
  const user: UserConfig = { user: 'app', password: 'x', schemas: ['sbtest'], requireTls: false, privileges: ['read', 'write', 'ddl'] };
  const sbtest: SchemaConfig = { kind: 'forward', name: 'sbtest', backend: 'db0', database: 'sbtest' };
  const schemas = { sbtest };
  const orm = Buffer.from('SELECT sbtest1.id, sbtest1.c FROM sbtest1 WHERE sbtest1.id = 4242');
  const checked = (sql: Buffer) => accessError(sql, 0, classify(sql, 0, sql.length), user, schemas, sbtest);
  if (checked(point) !== null || checked(orm) !== null) throw new Error('BUG: access check refused a plain select');
  return [
    {
      name: 'access check per forwarded statement',
      tasks: {
        'classify(point select)': () => classify(point, 0, point.length),
        'classify + accessError(point select)': () => checked(point),
        'classify + accessError(qualified columns: read in full)': () => checked(orm),
      },
    },
    {
      name: 'front end per statement',
      tasks: {
        'classify(point select)': () => classify(point, 0, point.length),
        'classify(update with comment)': () => classify(update, 0, update.length),
        'planStatement(point select by shard key, cached)': plan,
        'planStatement(binding join by key, cached)': () =>
          planStatement(`SELECT u.name, o.total FROM users u JOIN orders o ON o.uid = u.uid WHERE u.uid = ${(id = (id + 7) % 100000)}`, SHOP, { cache }),
      },
    },
  ];
}
