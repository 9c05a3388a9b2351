// The setting of the differential sharding tests: one plain MariaDB (the reference) and, through
// sluice, a schema `shop` of two partitions on two MariaDB servers; the same DDL and data go to both.
import mysql from 'mysql2/promise';
import { startMariaDB, type MariaDBInstance } from '../../scripts/sandbox';
import { startCluster, backendOf, type Cluster } from './cluster';

export interface Differential {
  /** sluice and its two shard servers. */
  c: Cluster;
  /** The reference server. */
  ref: MariaDBInstance;
  /** Connections to `shop` through sluice and on the reference. */
  s: mysql.Connection;
  r: mysql.Connection;
  stop(): Promise<void>;
}

/** Starts both sides with these table rules, runs `statements` (DDL, data) on both, and connects. */
export async function startDifferential(
  tables: Record<string, unknown>,
  statements: string[],
  connection: Partial<mysql.ConnectionOptions> = {},
): Promise<Differential> {
  const [ref, c] = await Promise.all([
    startMariaDB(),
    startCluster({
      backends: 2,
      setup: (_db, i) => `CREATE DATABASE shop_${i} CHARACTER SET utf8mb4;`,
      config: ([a, b]) => ({
        users: [{ user: 'app', password: 'pw', schemas: ['shop'] }],
        backends: { db1: backendOf(a), db2: backendOf(b) },
        schemas: { shop: { partitions: [{ write: 'db1', database: 'shop_0' }, { write: 'db2', database: 'shop_1' }], tables } },
      }),
    }),
  ]);
  await ref.sql('CREATE DATABASE shop CHARACTER SET utf8mb4;');
  const s = await mysql.createConnection({ host: '127.0.0.1', port: c.port, user: 'app', password: 'pw', database: 'shop', ...connection });
  const r = await mysql.createConnection({ host: ref.host, port: ref.port, user: ref.user, password: ref.password, database: 'shop', ...connection });
  for (const sql of statements) {
    await s.query(sql);
    await r.query(sql);
  }
  return {
    c, ref, s, r,
    async stop() {
      await s.end();
      await r.end();
      await c.stop();
      await ref.stop();
    },
  };
}
