// Runs a plan's route units in parallel over the worker's backend connections and merges what they
// return into one answer for the client: rows through the merger (src/merge), OK packets added up.
// The first error stops the run: the other units are cancelled (their connections discarded) or,
// inside a transaction, drained so their connections stay usable; the client gets one ERR naming
// the shard. A unit reading from a replica whose connection is lost before its first column runs
// once more, on the server host.acquire picks then: none of its answer was used yet.
import type { BackendConnection, StreamListener } from '../backend/connection';
import type { ColumnInfo, OkPacket, ErrPacket } from '../protocol/packets';
import { SqlError, ErrorCode } from '../protocol/errors';
import type { ShardPlan } from '../plan/types';
import { resolveMergeSpec } from '../plan';
import type { MergeSpec } from '../merge/spec';
import { createMerger, type Merger } from '../merge';
import type { SlabPool } from '../memory/slab-pool';
import type { ResultWriter } from '../respond/result-writer';
import type { LogicalNames } from '../rewrite/logical-names';

/** A backend connection lent to one unit. */
export interface Lease {
  conn: BackendConnection;
  /** Give it back (to the pool, or to the session's transaction). */
  release(): void;
  /** It must not be reused (cancelled mid-result or broken). */
  discard(): void;
  /** A read's connection to a replica: lost before its answer, the unit may run again elsewhere. */
  readonly replica?: boolean;
}

export interface ScatterHost {
  /** Lends a connection for a partition, synced to the session's state and the partition database. */
  acquire(partition: number, primary: boolean, cb: (err: SqlError | null, lease: Lease | null) => void): void;
  /** Names a partition in error messages, e.g. "partition 1 (db2/shop_1)". */
  describe(partition: number): string;
  /** Renames physical databases and tables in the shards' error messages (absent in tests). */
  readonly names?: LogicalNames;
  /** In a transaction, cancelled units are drained rather than discarded. */
  readonly inTransaction: boolean;
  /** Status flags for the end packets (MORE_RESULTS_EXISTS when more statements' results follow). */
  readonly status: number;
  /** Byte budget for rows a merge may hold (GROUP BY in memory, sorts). */
  readonly memoryLimitBytes: number;
  /** The global buffer budget the merge's held rows draw from (absent in tests). */
  readonly slabPool?: SlabPool;
}

/** A concat spec for plans whose units return rows without a merge spec. */
function concatSpec(columns: number): MergeSpec {
  return { columnCount: columns, visible: columns, orderBy: [], groupBy: null, groupsSorted: false, aggregates: [], having: null, distinct: false, offset: 0, limit: null };
}

/**
 * Executes a multi-unit plan. `done` is called once, after the client has its whole answer
 * (rows or OK or ERR), with the error if there was one.
 */
export function scatter(host: ScatterHost, plan: ShardPlan, out: ResultWriter, done: (err: SqlError | null) => void): void {
  const n = plan.units.length;
  const leases: (Lease | null)[] = new Array(n).fill(null);
  const finished: boolean[] = new Array(n).fill(false);
  /** Shards paused until the buffer pool has room. */
  const waitingMemory = new Set<number>();
  /** Shards paused until the client socket drains. */
  const waitingDrain: boolean[] = new Array(n).fill(false);
  let remaining = n;
  let failed: SqlError | null = null;
  let merger: Merger | null = null;
  let stopped = false; // LIMIT satisfied or error: rows no longer wanted
  let completed = false;
  // OK results (DML, DDL) are added up.
  let affected = 0;
  let lastInsertId = 0;
  let warnings = 0;
  let sawRows = false;
  /** The OK info text ("Rows matched: 2  Changed: 1  Warnings: 0"), its numbers added up over units. */
  let info = '';

  const complete = () => {
    if (completed) return;
    completed = true;
    merger?.release();
    if (failed) {
      out.error(failed);
    } else if (sawRows) {
      out.end(host.status, warnings);
    } else {
      out.ok({ affectedRows: affected, lastInsertId, status: host.status, warnings, info });
    }
    done(failed);
  };

  const unitDone = (i: number) => {
    if (finished[i]) return;
    finished[i] = true;
    if (--remaining === 0) complete();
  };

  /** Stops the other units: discard their connections, or drain them in a transaction. */
  const stopOthers = () => {
    if (stopped) return;
    stopped = true;
    if (host.inTransaction) return; // their rows are read and dropped; connections stay usable
    for (let j = 0; j < n; j++) {
      const lease = leases[j];
      if (!finished[j] && lease) {
        leases[j] = null;
        lease.discard();
        unitDone(j);
      }
    }
  };

  const fail = (i: number, err: SqlError) => {
    if (!failed) {
      failed = err;
      stopOthers();
    }
    unitDone(i);
  };

  const start = (i: number, again: boolean) => {
    const unit = plan.units[i];
    let answered = false;
    host.acquire(unit.partition, plan.primary, (err, lease) => {
      if (err || !lease) return fail(i, shardError(host, unit.partition, err));
      if (stopped && !host.inTransaction) {
        lease.release();
        return unitDone(i);
      }
      leases[i] = lease;
      const listener: StreamListener = {
        columns(cols: ColumnInfo[]) {
          answered = true;
          sawRows = true;
          if (merger || failed) return;
          try {
            merger = createMerger(plan.merge ? resolveMergeSpec(plan.merge, cols.length) : concatSpec(cols.length), cols, n, (buf, start, end) => out.row(buf, start, end), { memoryLimitBytes: host.memoryLimitBytes, slabPool: host.slabPool });
          } catch (e) {
            return fail(i, e as SqlError);
          }
          merger.onResume = (shard) => leases[shard]?.conn.resume();
          out.columns(host.names ? merger.columns.map((c) => host.names!.column(c)) : merger.columns, host.status);
        },
        row(buf: Buffer, start: number, end: number): boolean {
          if (stopped || !merger) return true;
          let more: boolean;
          try {
            more = merger.push(i, buf, start, end);
          } catch (e) {
            fail(i, e instanceof SqlError ? e : new SqlError(ErrorCode.ER_UNKNOWN_ERROR, String(e)));
            return true;
          }
          if (merger.satisfied) stopOthers();
          if (merger.memoryShort) {
            // The global buffer pool is full (other queries' merges): stop reading the shards until
            // it has room for the rows this merge holds, rather than failing at once.
            waitingMemory.add(i);
            if (waitingMemory.size === 1) {
              merger.waitForMemory((err) => {
                if (err) return fail(i, err);
                const paused = [...waitingMemory];
                waitingMemory.clear();
                for (const j of paused) leases[j]?.conn.resume();
              });
            }
            return false;
          }
          if (out.congested) {
            // The client reads slower than the shards send: stop reading this shard until the
            // client's socket drains, so rows wait in the backends' buffers, not in sluice's memory.
            if (!waitingDrain[i]) {
              waitingDrain[i] = true;
              out.whenDrained(() => {
                waitingDrain[i] = false;
                if (leases[i]) leases[i]!.conn.resume();
              });
            }
            return false;
          }
          return more;
        },
        end(ok: OkPacket | null, e: ErrPacket | null) {
          leases[i] = null;
          lease.release();
          if (e) return fail(i, shardSqlError(host, unit.partition, e));
          if (ok) {
            affected += plan.sameChangeEverywhere ? (i === 0 ? ok.affectedRows : 0) : ok.affectedRows;
            if (!plan.sameChangeEverywhere || i === 0) info = addInfo(info, ok.info);
            if (!lastInsertId && ok.lastInsertId) lastInsertId = ok.lastInsertId;
            warnings += ok.warnings;
          }
          if (merger && !failed) {
            try {
              merger.end(i);
            } catch (err) {
              return fail(i, err as SqlError);
            }
          }
          unitDone(i);
        },
        fail(err: Error) {
          if (leases[i]) {
            leases[i] = null;
            lease.discard();
          }
          if (lease.replica && !answered && !again && !stopped) return start(i, true);
          fail(i, shardError(host, unit.partition, err));
        },
      };
      lease.conn.stream(unit.sql, listener, 'latin1'); // session SQL is a latin1 byte string
    });
  };
  for (let i = 0; i < n; i++) start(i, false);
}

/** A shard's SQL error for the client: the partition it came from, then its message under logical names. */
function shardSqlError(host: ScatterHost, partition: number, err: ErrPacket): SqlError {
  const message = host.names ? host.names.apply(err.message) : err.message;
  return new SqlError(err.errno, `${host.describe(partition)}: ${message}`, { sqlState: err.sqlState });
}

/** Any failure of a unit (no connection, a lost one, an ERR) as the client's error. */
function shardError(host: ScatterHost, partition: number, err: Error | null): SqlError {
  if (err instanceof SqlError) return shardSqlError(host, partition, err);
  return new SqlError(ErrorCode.CR_SERVER_LOST, `${host.describe(partition)}: ${err?.message ?? 'no backend connection'}`);
}

/** Adds the numbers of two OK info texts of the same shape ("Records: 3  Duplicates: 0  Warnings: 0"). */
function addInfo(sum: string, next: string): string {
  if (!sum) return next;
  if (!next) return sum;
  const more = next.match(/\d+/g) ?? [];
  let k = 0;
  return sum.replace(/\d+/g, (n) => String(Number(n) + Number(more[k++] ?? 0)));
}
