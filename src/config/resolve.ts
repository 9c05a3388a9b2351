// The configuration file's top level: defaults applied, every section resolved, all problems reported at once.
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import type { SluiceConfig, TlsServerConfig } from './types';
import { ConfigError } from './config-error';
import { DEFAULTS, LOG_LEVELS, RANGES } from './defaults';
import { parseListen } from './listen';
import { Problems, child } from './problems';
import { REQUIRED, int, isMapping, mapping, oneOf, str } from './read';
import { resolveBackends } from './backends';
import { resolveSchemas } from './schemas';
import { resolveUsers } from './users';

export const TOP_KEYS = [
  'listen', 'threads', 'bufferPoolMB', 'maxQueryMemoryMB', 'logLevel', 'metricsPort', 'maxConnectionsPerWorker',
  'maxBackendPreparedStatements', 'shutdownTimeoutMs', 'backendProbeIntervalMs', 'waitTimeoutSeconds', 'interactiveTimeoutSeconds',
  'serverVersion', 'nodeId', 'tls', 'users', 'backends', 'schemas',
] as const;
const TLS_KEYS = ['cert', 'key'] as const;

/**
 * Resolves a parsed configuration (the YAML document as plain data) into a SluiceConfig.
 * `source` is the file it came from: relative paths (tls) are taken from its folder, and it is kept in the result.
 * Throws ConfigError listing every problem.
 */
export function resolveConfig(raw: unknown, source?: string): SluiceConfig {
  const p = new Problems();
  const top = mapping(p, '', raw, TOP_KEYS);
  if (!top) throw new ConfigError(p.lines, source);

  const listen = parseListen(top.listen ?? DEFAULTS.listen);
  if (typeof listen === 'string') p.add('listen', listen);
  const bufferPoolMB = int(p, 'bufferPoolMB', top.bufferPoolMB, RANGES.bufferPoolMB, DEFAULTS.bufferPoolMB) ?? DEFAULTS.bufferPoolMB;
  let maxQueryMemoryMB = int(p, 'maxQueryMemoryMB', top.maxQueryMemoryMB, RANGES.maxQueryMemoryMB, undefined);
  if (maxQueryMemoryMB !== undefined && maxQueryMemoryMB > bufferPoolMB) {
    p.add('maxQueryMemoryMB', `must not exceed bufferPoolMB (${maxQueryMemoryMB} > ${bufferPoolMB})`);
  }
  maxQueryMemoryMB ??= Math.min(DEFAULTS.maxQueryMemoryMB, bufferPoolMB);

  const scalars = {
    listen: typeof listen === 'string' ? { host: '127.0.0.1', port: 3306 } : listen,
    threads: int(p, 'threads', top.threads, RANGES.threads, defaultThreads()) ?? 1,
    bufferPoolMB,
    maxQueryMemoryMB,
    nodeId: int(p, 'nodeId', top.nodeId, RANGES.nodeId, DEFAULTS.nodeId) ?? 0,
    logLevel: oneOf(p, 'logLevel', top.logLevel, LOG_LEVELS, DEFAULTS.logLevel) ?? DEFAULTS.logLevel,
    metricsPort: int(p, 'metricsPort', top.metricsPort, RANGES.metricsPort, DEFAULTS.metricsPort) ?? 0,
    maxConnectionsPerWorker:
      int(p, 'maxConnectionsPerWorker', top.maxConnectionsPerWorker, RANGES.maxConnectionsPerWorker, DEFAULTS.maxConnectionsPerWorker) ?? 0,
    maxBackendPreparedStatements:
      int(p, 'maxBackendPreparedStatements', top.maxBackendPreparedStatements, RANGES.maxBackendPreparedStatements, DEFAULTS.maxBackendPreparedStatements) ??
      DEFAULTS.maxBackendPreparedStatements,
    shutdownTimeoutMs: int(p, 'shutdownTimeoutMs', top.shutdownTimeoutMs, RANGES.shutdownTimeoutMs, DEFAULTS.shutdownTimeoutMs) ?? 0,
    backendProbeIntervalMs:
      int(p, 'backendProbeIntervalMs', top.backendProbeIntervalMs, RANGES.backendProbeIntervalMs, DEFAULTS.backendProbeIntervalMs) ?? DEFAULTS.backendProbeIntervalMs,
    waitTimeoutSeconds: int(p, 'waitTimeoutSeconds', top.waitTimeoutSeconds, RANGES.sessionTimeoutSeconds, DEFAULTS.waitTimeoutSeconds) ?? DEFAULTS.waitTimeoutSeconds,
    interactiveTimeoutSeconds:
      int(p, 'interactiveTimeoutSeconds', top.interactiveTimeoutSeconds, RANGES.sessionTimeoutSeconds, DEFAULTS.interactiveTimeoutSeconds) ?? DEFAULTS.interactiveTimeoutSeconds,
    serverVersion: top.serverVersion === undefined ? null : str(p, 'serverVersion', top.serverVersion, DEFAULTS.serverVersion) ?? DEFAULTS.serverVersion,
  };
  const tls = resolveTls(p, top.tls, source);
  const backends = resolveBackends(p, top.backends, source === undefined ? process.cwd() : path.dirname(path.resolve(source)));
  const schemas = resolveSchemas(p, top.schemas, namesIn(top.backends));
  const users = resolveUsers(p, top.users, namesIn(top.schemas), top.tls !== undefined && top.tls !== null);

  const config: SluiceConfig = { ...scalars, users, backends, schemas };
  if (tls) config.tls = tls;
  if (source !== undefined) config.source = source;
  if (p.count > 0) throw new ConfigError(p.lines, source);
  return config;
}

/** The names a section lists, valid or not: references to them are not reported again as unknown. */
function namesIn(section: unknown): string[] {
  return isMapping(section) ? Object.keys(section) : [];
}

/** threads defaults to the number of cores the process may use. */
export function defaultThreads(): number {
  return Math.min(os.availableParallelism(), RANGES.threads.max);
}

/** tls: PEM files for client connections; relative paths are taken from the config file's folder. */
function resolveTls(p: Problems, value: unknown, source: string | undefined): TlsServerConfig | undefined {
  if (value === undefined || value === null) return undefined;
  const t = mapping(p, 'tls', value, TLS_KEYS);
  if (!t) return undefined;
  const base = source === undefined ? process.cwd() : path.dirname(path.resolve(source));
  const file = (key: 'cert' | 'key'): string | undefined => {
    const name = str(p, child('tls', key), t[key], REQUIRED);
    if (name === undefined) return undefined;
    const full = path.resolve(base, name);
    if (!fs.existsSync(full)) {
      p.add(child('tls', key), `file not found: ${full}`);
      return undefined;
    }
    return full;
  };
  const cert = file('cert');
  const key = file('key');
  return cert === undefined || key === undefined ? undefined : { cert, key };
}
