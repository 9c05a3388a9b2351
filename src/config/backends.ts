// backends: the physical MySQL/MariaDB servers, each with its per-worker pool limits.
import type { BackendConfig, PoolConfig } from './types';
import { DEFAULTS, RANGES } from './defaults';
import { Problems, child, show } from './problems';
import { REQUIRED, int, mapping, namedEntries, str } from './read';

const BACKEND_KEYS = ['host', 'port', 'user', 'password', 'pool'] as const;
const POOL_KEYS = ['min', 'max', 'idleTimeoutMs', 'validateAfterMs', 'connectTimeoutMs', 'acquireTimeoutMs'] as const;
/** Backend names appear in logs, metrics labels and error messages. */
const BACKEND_NAME = /^[A-Za-z0-9_][A-Za-z0-9_.-]{0,63}$/;

export function resolveBackends(p: Problems, value: unknown): Record<string, BackendConfig> {
  const backends: Record<string, BackendConfig> = {};
  for (const [name, raw] of namedEntries(p, 'backends', value, 'backends')) {
    const path = child('backends', name);
    if (!BACKEND_NAME.test(name)) {
      p.add(path, `backend name must be letters, digits, _ . or - (at most 64) (got ${show(name)})`);
    }
    const b = mapping(p, path, raw, BACKEND_KEYS);
    if (!b) continue;
    backends[name] = {
      name,
      host: str(p, child(path, 'host'), b.host, REQUIRED) ?? '',
      port: int(p, child(path, 'port'), b.port, RANGES.port, DEFAULTS.backendPort) ?? DEFAULTS.backendPort,
      user: str(p, child(path, 'user'), b.user, REQUIRED) ?? '',
      password: str(p, child(path, 'password'), b.password, '', false) ?? '',
      pool: resolvePool(p, child(path, 'pool'), b.pool),
    };
  }
  return backends;
}

function resolvePool(p: Problems, path: string, value: unknown): PoolConfig {
  const d = DEFAULTS.pool;
  const raw = value === undefined || value === null ? {} : mapping(p, path, value, POOL_KEYS);
  if (!raw) return { ...d };
  const timeout = (key: (typeof POOL_KEYS)[number], dflt: number): number =>
    int(p, child(path, key), raw[key], RANGES.timeoutMs, dflt) ?? dflt;
  const pool: PoolConfig = {
    min: int(p, child(path, 'min'), raw.min, RANGES.poolSize, d.min) ?? d.min,
    max: int(p, child(path, 'max'), raw.max, RANGES.poolMax, d.max) ?? d.max,
    idleTimeoutMs: timeout('idleTimeoutMs', d.idleTimeoutMs),
    validateAfterMs: timeout('validateAfterMs', d.validateAfterMs),
    connectTimeoutMs: timeout('connectTimeoutMs', d.connectTimeoutMs),
    acquireTimeoutMs: timeout('acquireTimeoutMs', d.acquireTimeoutMs),
  };
  if (pool.min > pool.max) p.add(path, `min (${pool.min}) must not exceed max (${pool.max})`);
  return pool;
}
