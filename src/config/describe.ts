// The human-readable resolved topology that `sluice check-config` prints.
import type { BackendConfig, PartitionConfig, ShardedSchema, SluiceConfig, TableRule, UserConfig } from './types';
import { formatListen } from './listen';

/** Describes a resolved configuration: settings, users, backends with pool sizes, and where every schema and table lives. */
export function describeTopology(config: SluiceConfig): string {
  const out: string[] = [];
  if (config.source !== undefined) out.push(`configuration ${config.source}`);
  const setting = (name: string, value: string): void => {
    out.push(`${name.padEnd(10)} ${value}`);
  };
  setting('listen', formatListen(config.listen));
  setting('threads', `${config.threads} worker threads`);
  setting('memory', `bufferPoolMB ${config.bufferPoolMB}, maxQueryMemoryMB ${config.maxQueryMemoryMB}`);
  setting('logLevel', config.logLevel);
  setting('metrics', config.metricsPort === 0 ? 'off' : `http://127.0.0.1:${config.metricsPort}/metrics`);
  setting('limits', `maxConnectionsPerWorker ${config.maxConnectionsPerWorker || 'unlimited'}, shutdownTimeoutMs ${config.shutdownTimeoutMs}, maxBackendPreparedStatements ${config.maxBackendPreparedStatements}, waitTimeoutSeconds ${config.waitTimeoutSeconds}, interactiveTimeoutSeconds ${config.interactiveTimeoutSeconds}`);
  setting('server', `version ${config.serverVersion === null ? "the backends' own (read at start)" : `"${config.serverVersion}"`}, nodeId ${config.nodeId}`);
  setting('tls', config.tls ? `cert ${config.tls.cert}, key ${config.tls.key}` : 'off');

  out.push('', `users (${config.users.length})`);
  for (const user of config.users) out.push(`  ${describeUser(user)}`);

  const backends = Object.values(config.backends);
  out.push('', `backends (${backends.length})`);
  for (const backend of backends) out.push(`  ${describeBackend(backend, config.threads)}`);

  const schemas = Object.values(config.schemas);
  out.push('', `schemas (${schemas.length})`);
  for (const schema of schemas) {
    if (schema.kind === 'forward') out.push(`  ${schema.name}: forward -> ${schema.backend}/${schema.database}`);
    else out.push(...describeSharded(schema));
  }
  return out.join('\n') + '\n';
}

function describeUser(user: UserConfig): string {
  const secret = user.passwordHash !== undefined ? 'password hash' : user.password === '' ? 'empty password' : 'password';
  const schemas = user.schemas[0] === '*' ? 'all schemas' : `schemas ${user.schemas.join(', ')}`;
  const account = user.backendAccount ? `, runs as backend account ${user.backendAccount.user}` : '';
  return `${user.user}: ${secret}, ${schemas}${user.requireTls ? ', TLS required' : ''}${account}`;
}

function describeBackend(b: BackendConfig, threads: number): string {
  const pool = b.pool;
  return (
    `${b.name}: ${b.user}@${b.host}:${b.port}, pool ${pool.min}-${pool.max} per worker ` +
    `(up to ${pool.max * threads} connections over ${threads} workers), idle ${pool.idleTimeoutMs} ms, ` +
    `connect timeout ${pool.connectTimeoutMs} ms, acquire timeout ${pool.acquireTimeoutMs} ms`
  );
}

function describeSharded(schema: ShardedSchema): string[] {
  const count = schema.partitions.length;
  const lines = [
    `  ${schema.name}: sharded over ${count} partition${count === 1 ? '' : 's'}, ` +
      `tables without a rule on partition ${schema.defaultPartition}`,
    `    readYourWritesMs ${schema.readYourWritesMs || 'off'}, maxReplicaLagSeconds ${schema.maxReplicaLagSeconds || 'off'}, ` +
      `maxLimitRows ${schema.maxLimitRows}`,
  ];
  schema.partitions.forEach((partition, i) => lines.push(`    partition ${i}: ${describePartition(partition)}`));
  for (const rule of Object.values(schema.tables)) {
    lines.push(`    table ${rule.name}: ${describeRule(rule)}`);
    lines.push(`      -> ${physicalTables(schema, rule).join(', ')}`);
  }
  return lines;
}

function describePartition(partition: PartitionConfig): string {
  const reads = partition.read.map((r) => (r.weight === 1 ? r.backend : `${r.backend} (weight ${r.weight})`));
  const read = reads.length ? `read ${reads.join(', ')}` : 'no replicas (reads on write)';
  return `write ${partition.write}, ${read}, database ${partition.database}`;
}

function describeRule(rule: TableRule): string {
  if (rule.kind === 'broadcast') return 'broadcast (reads from one partition, writes to all)';
  let how = `${rule.algorithm}(${rule.shardKey})`;
  if (rule.ranges) how += ` ${rule.ranges.map((r) => `<${r.lt} -> ${r.partition}`).join(', ')}`;
  if (rule.values) how += ` ${Object.entries(rule.values).map(([v, i]) => `${v} -> ${i}`).join(', ')}`;
  if (rule.dateUnit) how += ` by ${rule.dateUnit}`;
  if (rule.tablesPerPartition > 1) how += `, ${rule.tablesPerPartition} tables per partition`;
  if (rule.bindingGroup !== undefined) how += `, bindingGroup ${rule.bindingGroup}`;
  if (rule.keyGenerator) how += `, ${rule.keyGenerator.column} from ${rule.keyGenerator.type}`;
  return how;
}

/** Physical tables per partition: TABLE, or TABLE_0 … TABLE_{N-1} when tablesPerPartition is N > 1. */
function physicalTables(schema: ShardedSchema, rule: TableRule): string[] {
  const n = rule.kind === 'sharded' ? rule.tablesPerPartition : 1;
  return schema.partitions.map(({ database }) => {
    if (n === 1) return `${database}.${rule.name}`;
    if (n === 2) return `${database}.${rule.name}_0, ${database}.${rule.name}_1`;
    return `${database}.${rule.name}_0..${rule.name}_${n - 1}`;
  });
}
