// Scatter and merge: a plan's route units run in parallel on their partitions (the open transaction's
// connections, or connections the lease lends), their answers merged into one for the client
// (execute/scatter.ts drives the units, merge/ combines their rows). Also the small helpers that run
// one statement on one partition for the kernel's own questions (a table's columns, EXPLAIN).
import { SqlError } from '../protocol/errors';
import type { BackendConnection, QueryResult } from '../backend/connection';
import { Counter, Histogram, Route } from '../metrics/layout';
import type { StatementContext } from './context';
import type { ClientStatement } from './prepared-statement';
import { logicalNames } from '../rewrite/logical-names';
import { scatter, type ScatterHost } from '../execute/scatter';
import type { ShardPlan } from '../plan/types';
import { ensureImplicitTrx } from './sharded-session';

/** Runs a plan's units in parallel and merges them into one answer (binary rows for an execute). */
export function runScatter(s: StatementContext, plan: ShardPlan, binary: boolean, cursorFor: ClientStatement | null = null): void {
  s.host.metrics.route(plan.route === 'single' ? Route.Single : plan.route === 'multi' ? Route.Multi : Route.Broadcast);
  ensureImplicitTrx(s);
  const out = s.writer(binary);
  if (cursorFor && plan.returnsRows) {
    out.cursor = [];
    out.cursorLimit = s.host.maxQueryMemoryBytes;
  }
  const statusNow = s.trx.status(s.status);
  scatter(partitionHost(s, plan.primary, statusNow), plan, out, (err) => {
    if (!err && cursorFor && out.cursor) s.cursors.set(cursorFor.id, { rows: out.cursor, next: 0 });
    s.host.metrics.inc(Counter.BytesOut, out.written);
    s.host.metrics.observe(Histogram.QueryLatency, (performance.now() - s.started) * 1000);
    s.done();
  });
}

/**
 * What a scatter needs of the session for one statement: connections per partition (the open
 * transaction's members, or lent by the lease), names and budgets; a write keeps reads on primaries.
 */
export function partitionHost(s: StatementContext, primary: boolean, status: number): ScatterHost {
  const schema = s.sharded;
  if (primary) s.lease.wrote(schema);
  const trx = s.trx.current;
  return {
    inTransaction: trx !== null,
    status,
    memoryLimitBytes: s.host.maxQueryMemoryBytes,
    slabPool: s.host.slabPool,
    describe: (p) => describePartition(s, p),
    names: logicalNames(schema),
    acquire: (p, wantPrimary, cb) => {
      const part = schema.partitions[p];
      if (trx) {
        return trx.lend(p, () => s.lease.open(s.pool(part.write), part.database), (err, conn) => {
          if (err || !conn) return cb(err, null);
          cb(null, s.lease.note({ conn, release: () => trx.takeBack(p), discard: () => trx.broken(p) }, s.pool(part.write).target));
        });
      }
      s.lease.lend({ schema, partition: p, primary: wantPrimary }, cb);
    },
  };
}

/**
 * Runs fn on a connection of partition p (the transaction's, if one is open), given back when fn
 * settles; a backend error comes back under the schema's logical names.
 */
export function onPartition<T>(s: StatementContext, p: number, fn: (conn: BackendConnection) => Promise<T>): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    partitionHost(s, false, s.status).acquire(p, s.trx.current !== null, (err, lease) => {
      if (err || !lease) return reject(err);
      fn(lease.conn).then(
        (r) => { lease.release(); resolve(r); },
        (e: Error) => {
          if (lease.conn.closed || !(e instanceof SqlError)) lease.discard(); else lease.release();
          reject(e instanceof SqlError ? logicalNames(s.sharded).error(e) : e);
        },
      );
    });
  });
}

/** Runs one statement on a partition and collects its (small) answer. */
export function runOn(s: StatementContext, p: number, sql: string): Promise<QueryResult> {
  return onPartition(s, p, (conn) => conn.query(Buffer.from(sql, 'latin1')));
}

/** A partition named in error messages, e.g. "partition 1 (db2/shop_1)". */
export function describePartition(s: StatementContext, p: number): string {
  const part = s.sharded.partitions[p];
  return `partition ${p} (${part.write}/${part.database})`;
}
