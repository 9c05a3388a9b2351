// A small valid configuration (as parsed YAML) that the config tests edit one key at a time.
import { ConfigError, resolveConfig } from '../../src/config';

// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type Raw = any;

export function baseConfig(): Raw {
  return {
    users: [{ user: 'app', password: 'app-secret', schemas: ['shop', 'legacy'] }],
    backends: {
      db1: { host: '10.0.0.1', user: 'sluice', password: 'x' },
      db1r: { host: '10.0.0.3', user: 'sluice', password: 'x' },
      db2: { host: '10.0.0.2', port: 3306, user: 'sluice', password: 'x', pool: { min: 2, max: 64 } },
    },
    schemas: {
      legacy: { backend: 'db1', database: 'legacy_db' },
      shop: {
        partitions: [
          { write: 'db1', read: ['db1r'], database: 'shop_0' },
          { write: 'db2', database: 'shop_1' },
        ],
        tables: {
          users: { shardKey: 'uid', algorithm: 'mod' },
          items: { broadcast: true },
        },
      },
    },
  };
}

/** The problem lines resolveConfig reports for the base configuration after `edit`; [] when it resolves. */
export function problemsAfter(edit: (raw: Raw) => void): string[] {
  const raw = baseConfig();
  edit(raw);
  return problemsOf(() => resolveConfig(raw));
}

/** The problem lines of the ConfigError a configuration step throws; [] when it succeeds. */
export function problemsOf(step: () => unknown): string[] {
  try {
    step();
    return [];
  } catch (err) {
    if (err instanceof ConfigError) return err.problems;
    throw err;
  }
}
