// Micro benchmarks of the per-statement front end: classify() and the access check (every forwarded
// statement) and, for a sharded schema, a point select's route: planStatement() with a warm plan cache
// (from the payload decoded to a string, as the session did before verbatimRoute) side by side with
// verbatimRoute() from the payload bytes (the session's path for it now).
import { classify, Verb } from '../../src/kernel/classify';
import { accessError } from '../../src/kernel/access';
import { PlanCache, planStatement, verbatimRoute } from '../../src/plan';
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
    sbtest1: { kind: 'sharded', name: 'sbtest1', shardKey: 'id', algorithm: 'mod', tablesPerPartition: 1 },
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
  // COM_QUERY payloads of sysbench's point select with 1,024 key values, as the session holds them.
  const payloads = Array.from({ length: 1024 }, (_, i) => Buffer.from(`\x03SELECT c FROM sbtest1 WHERE id=${(i * 7919) % 100000}`, 'latin1'));
  let next = 0;
  const payload = () => payloads[(next = (next + 1) & 1023)];
  const fromText = () => {
    const p = payload();
    return planStatement(p.toString('latin1', 1), SHOP, { cache }).units[0].partition;
  };
  const fromBytes = () => {
    const p = payload();
    return verbatimRoute(p, 1, p.length, SHOP, cache)!.partition;
  };
  for (const p of payloads) {
    if (verbatimRoute(p, 1, p.length, SHOP, cache)?.partition !== planStatement(p.toString('latin1', 1), SHOP, { cache }).units[0].partition)
      throw new Error('BUG: the point select should take the verbatim route, to the planner\'s partition');
  }
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
    {
      name: 'sharded point select: route from the COM_QUERY payload',
      tasks: {
        'latin1 decode + planStatement (cached)': fromText,
        'verbatimRoute (learned)': fromBytes,
      },
    },
  ];
}
