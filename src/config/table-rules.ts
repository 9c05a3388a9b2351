// schemas.NAME.tables: how each logical table of a sharded schema is laid out over the partitions,
// and the cross-checks between rules (algorithm parameters, target ranges, binding groups).
import type { RangeBound, ShardAlgorithm, TableRule } from './types';
import { DEFAULTS, RANGES } from './defaults';
import { Problems, child, show } from './problems';
import { type Mapping, REQUIRED, identifier, int, isMapping, list, mapping, num, oneOf, bool } from './read';

const ALGORITHMS: readonly ShardAlgorithm[] = ['mod', 'hash', 'range', 'date', 'list'];
const DATE_UNITS = ['day', 'month', 'year'] as const;
const TABLE_KEYS = [
  'shardKey', 'algorithm', 'ranges', 'values', 'dateUnit', 'tablesPerPartition', 'bindingGroup', 'keyGenerator', 'broadcast',
] as const;
/** Keys that belong to exactly one algorithm. */
const ALGORITHM_OF: Record<string, ShardAlgorithm> = { ranges: 'range', values: 'list', dateUnit: 'date' };
const RANGE_KEYS = ['lt', 'partition'] as const;
const KEY_GENERATOR_KEYS = ['column', 'type'] as const;

type ShardedRule = Extract<TableRule, { kind: 'sharded' }>;

export function resolveTables(p: Problems, path: string, value: unknown, partitions: number): Record<string, TableRule> {
  const tables: Record<string, TableRule> = {};
  if (value === undefined || value === null) return tables;
  if (!isMapping(value)) {
    p.add(path, `must be a mapping of tables by name (got ${show(value)})`);
    return tables;
  }
  for (const [name, raw] of Object.entries(value)) {
    const tablePath = child(path, name);
    const t = mapping(p, tablePath, raw, TABLE_KEYS);
    if (!t) continue;
    const rule = bool(p, child(tablePath, 'broadcast'), t.broadcast, false)
      ? resolveBroadcast(p, tablePath, name, t)
      : resolveSharded(p, tablePath, name, t, partitions);
    if (rule) tables[name] = rule;
  }
  checkBindingGroups(p, path, tables);
  return tables;
}

function checkTableName(p: Problems, path: string, name: string, suffixDigits: number): void {
  if (identifier(p, path, name, REQUIRED) === undefined) return;
  const longest = suffixDigits > 0 ? name.length + 1 + suffixDigits : name.length;
  if (longest > 64) p.add(path, `physical table names (${name}_N) would exceed 64 characters`);
}

function resolveBroadcast(p: Problems, path: string, name: string, t: Mapping): TableRule {
  checkTableName(p, path, name, 0);
  for (const key of TABLE_KEYS) {
    if (key !== 'broadcast' && t[key] !== undefined) p.add(child(path, key), 'not allowed on a broadcast table');
  }
  return { kind: 'broadcast', name };
}

function resolveSharded(p: Problems, path: string, name: string, t: Mapping, partitions: number): TableRule | undefined {
  const shardKey = identifier(p, child(path, 'shardKey'), t.shardKey, REQUIRED);
  const algorithm = oneOf(p, child(path, 'algorithm'), t.algorithm, ALGORITHMS, REQUIRED);
  const tablesPerPartition =
    int(p, child(path, 'tablesPerPartition'), t.tablesPerPartition, RANGES.tablesPerPartition, DEFAULTS.tablesPerPartition) ??
    DEFAULTS.tablesPerPartition;
  checkTableName(p, path, name, tablesPerPartition > 1 ? String(tablesPerPartition - 1).length : 0);
  const bindingGroup = identifier(p, child(path, 'bindingGroup'), t.bindingGroup, undefined);
  const keyGenerator = resolveKeyGenerator(p, child(path, 'keyGenerator'), t.keyGenerator);
  if (shardKey === undefined || algorithm === undefined) return undefined;

  for (const [key, owner] of Object.entries(ALGORITHM_OF)) {
    if (t[key] !== undefined && owner !== algorithm) p.add(child(path, key), `only with algorithm: ${owner}`);
  }
  const rule: ShardedRule = { kind: 'sharded', name, shardKey, algorithm, tablesPerPartition };
  if (bindingGroup !== undefined) rule.bindingGroup = bindingGroup;
  if (keyGenerator) rule.keyGenerator = keyGenerator;
  const targets = { count: partitions * tablesPerPartition, partitions, tablesPerPartition };
  if (algorithm === 'range') rule.ranges = resolveRanges(p, child(path, 'ranges'), t.ranges, targets);
  if (algorithm === 'list') rule.values = resolveValues(p, child(path, 'values'), t.values, targets);
  if (algorithm === 'date') rule.dateUnit = oneOf(p, child(path, 'dateUnit'), t.dateUnit, DATE_UNITS, REQUIRED);
  return rule;
}

/**
 * Range and list rules name a target index: the partition when tablesPerPartition is 1, otherwise the
 * global table index (partition = index div N, table = index mod N), as README.md documents.
 */
interface Targets {
  count: number;
  partitions: number;
  tablesPerPartition: number;
}

function target(p: Problems, path: string, value: unknown, targets: Targets): number | undefined {
  const range = { min: 0, max: targets.count - 1 };
  if (typeof value === 'number' && Number.isInteger(value) && (value < range.min || value > range.max)) {
    const layout =
      targets.tablesPerPartition === 1
        ? `${targets.partitions} partitions`
        : `${targets.partitions} partitions x ${targets.tablesPerPartition} tables`;
    p.add(path, `must be a partition index 0-${range.max} (${layout}) (got ${value})`);
    return undefined;
  }
  return int(p, path, value, range, REQUIRED);
}

function resolveRanges(p: Problems, path: string, value: unknown, targets: Targets): RangeBound[] {
  const items = list(p, path, value, REQUIRED) ?? [];
  if (Array.isArray(value) && items.length === 0) p.add(path, 'must list at least one range');
  const bounds: RangeBound[] = [];
  let previous: { lt: number; at: number } | undefined;
  items.forEach((item, i) => {
    const itemPath = child(path, i);
    const r = mapping(p, itemPath, item, RANGE_KEYS);
    if (!r) return;
    const lt = num(p, child(itemPath, 'lt'), r.lt, REQUIRED);
    const partition = target(p, child(itemPath, 'partition'), r.partition, targets);
    if (lt === undefined) return;
    if (previous && lt <= previous.lt) {
      p.add(child(itemPath, 'lt'), `must be greater than ranges[${previous.at}].lt (${previous.lt}): bounds ascend`);
    }
    previous = { lt, at: i };
    if (partition !== undefined) bounds.push({ lt, partition });
  });
  return bounds;
}

function resolveValues(p: Problems, path: string, value: unknown, targets: Targets): Record<string, number> {
  const values: Record<string, number> = {};
  if (value === undefined || value === null) {
    p.add(path, 'required');
    return values;
  }
  if (!isMapping(value)) {
    p.add(path, `must be a mapping of key value to partition (got ${show(value)})`);
    return values;
  }
  const entries = Object.entries(value);
  if (entries.length === 0) p.add(path, 'must map at least one value');
  for (const [key, raw] of entries) {
    const partition = target(p, child(path, key), raw, targets);
    if (partition !== undefined) values[key] = partition;
  }
  return values;
}

function resolveKeyGenerator(p: Problems, path: string, value: unknown): ShardedRule['keyGenerator'] {
  if (value === undefined || value === null) return undefined;
  const g = mapping(p, path, value, KEY_GENERATOR_KEYS);
  if (!g) return undefined;
  const column = identifier(p, child(path, 'column'), g.column, REQUIRED);
  const type = oneOf(p, child(path, 'type'), g.type, ['snowflake'] as const, 'snowflake');
  return column === undefined || type === undefined ? undefined : { column, type };
}

/** Tables of one binding group join shard-locally, so they must place equal keys on the same physical index. */
function checkBindingGroups(p: Problems, path: string, tables: Record<string, TableRule>): void {
  const first = new Map<string, ShardedRule>();
  for (const rule of Object.values(tables)) {
    if (rule.kind !== 'sharded' || rule.bindingGroup === undefined) continue;
    const lead = first.get(rule.bindingGroup);
    if (!lead) {
      first.set(rule.bindingGroup, rule);
      continue;
    }
    const here = child(child(path, rule.name), 'bindingGroup');
    const differs = (what: string, mine: unknown, theirs: unknown): void => {
      p.add(here, `"${rule.bindingGroup}" members must shard alike: ${what} ${mine} differs from ${lead.name}'s ${theirs}`);
    };
    if (rule.algorithm !== lead.algorithm) differs('algorithm', rule.algorithm, lead.algorithm);
    else if (rule.tablesPerPartition !== lead.tablesPerPartition) {
      differs('tablesPerPartition', rule.tablesPerPartition, lead.tablesPerPartition);
    } else if (JSON.stringify(ruleParameters(rule)) !== JSON.stringify(ruleParameters(lead))) {
      differs(`${rule.algorithm} parameters`, JSON.stringify(ruleParameters(rule)), JSON.stringify(ruleParameters(lead)));
    }
  }
}

/** The algorithm's parameters in a canonical form (list values sorted by key). */
function ruleParameters(rule: ShardedRule): unknown {
  if (rule.values) return Object.entries(rule.values).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  return rule.ranges ?? rule.dateUnit ?? null;
}
