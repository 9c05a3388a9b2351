// Command-line flags that replace configuration keys (sluice serve --listen/--threads/...).
import type { ListenAddress, SluiceConfig } from './types';
import { ConfigError } from './config-error';
import { LOG_LEVELS, RANGES } from './defaults';
import { parseListen } from './listen';
import { Problems } from './problems';
import { int, oneOf } from './read';

/** Values given on the command line; each replaces the configuration key of the same name. */
export interface ConfigOverrides {
  listen?: string | ListenAddress;
  threads?: number;
  bufferPoolMB?: number;
  logLevel?: string;
  metricsPort?: number;
}

/**
 * Returns a copy of `config` with the overrides applied, checked like the file's own keys.
 * A lower bufferPoolMB also lowers maxQueryMemoryMB to fit. Throws ConfigError naming each bad value.
 */
export function applyOverrides(config: SluiceConfig, overrides: ConfigOverrides): SluiceConfig {
  const p = new Problems();
  const next: SluiceConfig = { ...config };
  if (overrides.listen !== undefined) {
    const listen = typeof overrides.listen === 'string' ? parseListen(overrides.listen) : overrides.listen;
    if (typeof listen === 'string') p.add('listen', listen);
    else next.listen = { ...listen };
  }
  if (overrides.threads !== undefined) {
    next.threads = int(p, 'threads', overrides.threads, RANGES.threads, undefined) ?? next.threads;
  }
  if (overrides.bufferPoolMB !== undefined) {
    next.bufferPoolMB = int(p, 'bufferPoolMB', overrides.bufferPoolMB, RANGES.bufferPoolMB, undefined) ?? next.bufferPoolMB;
    next.maxQueryMemoryMB = Math.min(next.maxQueryMemoryMB, next.bufferPoolMB);
  }
  if (overrides.logLevel !== undefined) {
    next.logLevel = oneOf(p, 'logLevel', overrides.logLevel, LOG_LEVELS, undefined) ?? next.logLevel;
  }
  if (overrides.metricsPort !== undefined) {
    next.metricsPort = int(p, 'metricsPort', overrides.metricsPort, RANGES.metricsPort, undefined) ?? next.metricsPort;
  }
  if (p.count > 0) throw new ConfigError(p.lines, config.source);
  return next;
}
