// schemas: the logical databases clients see. A schema either forwards to one backend database
// (`backend`) or is sharded over `partitions` with per-table rules (`tables`).
import type { ForwardSchema, PartitionConfig, ReadTarget, SchemaConfig, ShardedSchema } from './types';
import { DEFAULTS, RANGES } from './defaults';
import { Problems, child, known, show } from './problems';
import { REQUIRED, int, identifier, isIdentifier, isMapping, list, mapping, namedEntries, IDENTIFIER_RULE } from './read';
import { resolveTables } from './table-rules';

const FORWARD_KEYS = ['backend', 'database'] as const;
const SHARDED_KEYS = ['partitions', 'tables', 'defaultPartition', 'readYourWritesMs', 'maxReplicaLagSeconds', 'maxLimitRows'] as const;
const SCHEMA_KEYS = [...FORWARD_KEYS, ...SHARDED_KEYS] as const;
const PARTITION_KEYS = ['write', 'read', 'database'] as const;
const READ_KEYS = ['backend', 'weight'] as const;

/** Backend names as the file lists them (also those whose own settings have problems). */
type Backends = readonly string[];

export function resolveSchemas(p: Problems, value: unknown, backends: Backends): Record<string, SchemaConfig> {
  const schemas: Record<string, SchemaConfig> = {};
  for (const [name, raw] of namedEntries(p, 'schemas', value, 'schemas')) {
    const path = child('schemas', name);
    if (!isIdentifier(name)) p.add(path, `schema name ${IDENTIFIER_RULE} (got ${show(name)})`);
    const s = mapping(p, path, raw, SCHEMA_KEYS);
    if (!s) continue;
    const forward = s.backend !== undefined;
    const sharded = s.partitions !== undefined;
    if (forward === sharded) {
      p.add(path, `give backend (forwarding) or partitions (sharded)${forward ? ', not both' : ''}`);
      continue;
    }
    const schema = forward ? resolveForward(p, path, name, s, backends) : resolveSharded(p, path, name, s, backends);
    if (schema) schemas[name] = schema;
  }
  return schemas;
}

/** A backend name that must exist; the problem names the known ones. */
function backendRef(p: Problems, path: string, value: unknown, backends: Backends): string | undefined {
  const name = backendName(p, path, value);
  if (name === undefined || backends.includes(name)) return name;
  p.add(path, `unknown backend "${name}" (known: ${known(backends)})`);
  return undefined;
}

function backendName(p: Problems, path: string, value: unknown): string | undefined {
  if (value === undefined || value === null) {
    p.add(path, 'required');
    return undefined;
  }
  if (typeof value !== 'string' || value === '') {
    p.add(path, `must be a backend name (got ${show(value)})`);
    return undefined;
  }
  return value;
}

function resolveForward(p: Problems, path: string, name: string, s: Record<string, unknown>, backends: Backends): ForwardSchema | undefined {
  for (const key of SHARDED_KEYS) {
    if (s[key] !== undefined) p.add(child(path, key), 'only for sharded schemas (with partitions), not with backend');
  }
  const backend = backendRef(p, child(path, 'backend'), s.backend, backends);
  const database = identifier(p, child(path, 'database'), s.database, name);
  if (backend === undefined || database === undefined) return undefined;
  return { kind: 'forward', name, backend, database };
}

function resolveSharded(p: Problems, path: string, name: string, s: Record<string, unknown>, backends: Backends): ShardedSchema | undefined {
  const { partitions, count } = resolvePartitions(p, child(path, 'partitions'), s.partitions, backends);
  const defaultPartition = int(p, child(path, 'defaultPartition'), s.defaultPartition, { min: 0, max: Math.max(count - 1, 0) }, DEFAULTS.defaultPartition);
  const setting = (key: 'readYourWritesMs' | 'maxReplicaLagSeconds' | 'maxLimitRows'): number =>
    int(p, child(path, key), s[key], RANGES[key], DEFAULTS[key]) ?? DEFAULTS[key];
  const schema: ShardedSchema = {
    kind: 'sharded',
    name,
    partitions,
    tables: count > 0 ? resolveTables(p, child(path, 'tables'), s.tables, count) : {},
    defaultPartition: defaultPartition ?? 0,
    readYourWritesMs: setting('readYourWritesMs'),
    maxReplicaLagSeconds: setting('maxReplicaLagSeconds'),
    maxLimitRows: setting('maxLimitRows'),
  };
  return count > 0 && partitions.length === count ? schema : undefined;
}

/** The valid partitions, and how many the file lists (rules are checked against that count either way). */
function resolvePartitions(p: Problems, path: string, value: unknown, backends: Backends): { partitions: PartitionConfig[]; count: number } {
  const items = list(p, path, value, REQUIRED);
  if (!items) return { partitions: [], count: 0 };
  if (items.length === 0) p.add(path, 'must list at least one partition');
  const partitions: PartitionConfig[] = [];
  const placed = new Map<string, number>();
  items.forEach((item, i) => {
    const itemPath = child(path, i);
    const raw = mapping(p, itemPath, item, PARTITION_KEYS);
    if (!raw) return;
    const write = backendRef(p, child(itemPath, 'write'), raw.write, backends);
    const read = resolveReads(p, child(itemPath, 'read'), raw.read, backends);
    const database = identifier(p, child(itemPath, 'database'), raw.database, REQUIRED);
    if (write === undefined || read === undefined || database === undefined) return;
    const where = `${write}/${database}`;
    const other = placed.get(where);
    if (other !== undefined) p.add(child(itemPath, 'database'), `"${database}" on ${write} is also partitions[${other}]'s database`);
    else placed.set(where, i);
    partitions.push({ write, read, database });
  });
  return { partitions, count: items.length };
}

/** `read:` items are backend names or { backend, weight }. */
function resolveReads(p: Problems, path: string, value: unknown, backends: Backends): ReadTarget[] | undefined {
  const items = list(p, path, value, []);
  if (!items) return undefined;
  const reads: ReadTarget[] = [];
  let ok = true;
  items.forEach((item, i) => {
    const itemPath = child(path, i);
    if (typeof item === 'string' || !isMapping(item)) {
      const backend = backendRef(p, itemPath, item, backends);
      if (backend === undefined) ok = false;
      else reads.push({ backend, weight: DEFAULTS.weight });
      return;
    }
    mapping(p, itemPath, item, READ_KEYS);
    const backend = backendRef(p, child(itemPath, 'backend'), item.backend, backends);
    const weight = int(p, child(itemPath, 'weight'), item.weight, RANGES.weight, DEFAULTS.weight);
    if (backend === undefined || weight === undefined) ok = false;
    else reads.push({ backend, weight });
  });
  return ok ? reads : undefined;
}
