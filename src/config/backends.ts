// backends: the physical MySQL/MariaDB servers, each with its per-worker pool limits.
import * as fs from 'node:fs';
import * as nodePath from 'node:path';
import type { BackendConfig, BackendTlsConfig, PoolConfig } from './types';
import { DEFAULTS, RANGES } from './defaults';
import { Problems, child, show } from './problems';
import { REQUIRED, bool, int, mapping, namedEntries, str } from './read';

const BACKEND_KEYS = ['host', 'port', 'user', 'password', 'pool', 'tls'] as const;
const BACKEND_TLS_KEYS = ['ca', 'verify'] as const;
const POOL_KEYS = ['min', 'max', 'idleTimeoutMs', 'validateAfterMs', 'connectTimeoutMs', 'acquireTimeoutMs'] as const;
/** Backend names appear in logs, metrics labels and error messages. */
const BACKEND_NAME = /^[A-Za-z0-9_][A-Za-z0-9_.-]{0,63}$/;

/** `base`: the config file's folder, for a relative tls.ca path. */
export function resolveBackends(p: Problems, value: unknown, base: string = process.cwd()): Record<string, BackendConfig> {
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
    const tls = resolveBackendTls(p, child(path, 'tls'), b.tls, base);
    if (tls) backends[name].tls = tls;
  }
  return backends;
}

/** tls: reach this backend over TLS; `ca` (PEM file) to verify its certificate, `verify` (default true). */
function resolveBackendTls(p: Problems, path: string, value: unknown, base: string): BackendTlsConfig | undefined {
  if (value === undefined || value === null || value === false) return undefined;
  if (value === true) return { verify: true };
  const t = mapping(p, path, value, BACKEND_TLS_KEYS);
  if (!t) return undefined;
  const out: BackendTlsConfig = { verify: bool(p, child(path, 'verify'), t.verify, true) ?? true };
  const ca = str(p, child(path, 'ca'), t.ca, undefined);
  if (ca !== undefined) {
    const full = nodePath.resolve(base, ca);
    if (!fs.existsSync(full)) p.add(child(path, 'ca'), `file not found: ${full}`);
    else out.ca = full;
  }
  return out;
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
