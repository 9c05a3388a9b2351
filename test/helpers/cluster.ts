// Starts real MariaDB sandboxes and an in-process sluice in front of them, for end-to-end tests.
import { startMariaDB, type MariaDBInstance } from '../../scripts/sandbox';
import { resolveConfig } from '../../src/config';
import { startServer, type RunningServer } from '../../src/server';
import { createLogger } from '../../src/logger';
import type { SluiceConfig } from '../../src/config/types';

export interface Cluster {
  dbs: MariaDBInstance[];
  sluice: RunningServer;
  config: SluiceConfig;
  port: number;
  stop(): Promise<void>;
}

/**
 * Starts `backends` MariaDB instances, runs `setup` SQL on each (as root), then sluice with the raw
 * config that `makeConfig` builds from the instances' ports (listen on 127.0.0.1:0, logs quiet).
 */
export async function startCluster(opts: {
  backends: number;
  setup?: (db: MariaDBInstance, index: number) => string;
  config: (dbs: MariaDBInstance[]) => Record<string, unknown>;
  threads?: number;
  /** Extra mariadbd flags for every instance (e.g. --ssl-cert). */
  mariadbArgs?: string[];
}): Promise<Cluster> {
  const dbs = await Promise.all(Array.from({ length: opts.backends }, () => startMariaDB({ extraArgs: opts.mariadbArgs })));
  try {
    if (opts.setup) await Promise.all(dbs.map((db, i) => db.sql(opts.setup!(db, i))));
    const config = resolveConfig({ listen: '127.0.0.1:0', threads: opts.threads ?? 2, logLevel: 'error', ...opts.config(dbs) });
    // /metrics on a free port (sluice.metricsAddress), so tests can read what sluice counted.
    const sluice = await startServer(config, { logger: createLogger('error'), metricsPort: 0 });
    return {
      dbs, sluice, config, port: sluice.address.port,
      async stop() {
        await sluice.close();
        await Promise.all(dbs.map((d) => d.stop()));
      },
    };
  } catch (e) {
    await Promise.all(dbs.map((d) => d.stop()));
    throw e;
  }
}

/** A backend entry for a sandbox instance. */
export function backendOf(db: MariaDBInstance, pool?: Record<string, number>): Record<string, unknown> {
  return { host: db.host, port: db.port, user: db.user, password: db.password, ...(pool ? { pool } : {}) };
}

/**
 * One sandbox and sluice with the same tables behind a forwarding schema `fwd` (database fwd_db) and a
 * sharded schema `shop` (`tables` by id mod 2 over databases part_0 and part_1), for tests that run each
 * case on both paths; user app / pw. `seed` SQL runs in each database after `ddl`; `config` adds keys.
 */
export function startBothPathsCluster(opts: {
  ddl: string;
  tables: string[];
  seed?: { fwd_db?: string; part_0?: string; part_1?: string };
  config?: Record<string, unknown>;
}): Promise<Cluster> {
  const setup = (['fwd_db', 'part_0', 'part_1'] as const).map((d) => `CREATE DATABASE ${d}; USE ${d}; ${opts.ddl}; ${opts.seed?.[d] ?? ''}`);
  return startCluster({
    backends: 1,
    setup: () => setup.join('\n'),
    config: ([db]) => ({
      ...opts.config,
      users: [{ user: 'app', password: 'pw', schemas: ['*'] }],
      backends: { db1: backendOf(db, { min: 0, max: 4 }) },
      schemas: {
        fwd: { backend: 'db1', database: 'fwd_db' },
        shop: {
          partitions: [{ write: 'db1', database: 'part_0' }, { write: 'db1', database: 'part_1' }],
          tables: Object.fromEntries(opts.tables.map((t) => [t, { shardKey: 'id', algorithm: 'mod' }])),
        },
      },
    }),
    threads: 1,
  });
}
