// The configuration API the rest of sluice uses.
export type * from './types';
export { ConfigError } from './config-error';
export { loadConfigFile, parseYaml } from './load';
export { resolveConfig, defaultThreads } from './resolve';
export { applyOverrides, type ConfigOverrides } from './overrides';
export { describeTopology } from './describe';
export { parseListen, formatListen } from './listen';
export { DEFAULTS, RANGES, LOG_LEVELS } from './defaults';
