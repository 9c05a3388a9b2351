// Replica lag watch, one per worker: takes replicas out of read rotation while they lag or their
// replication is broken, and puts them back once they recover.
//
// Watched: the backends that are a read target of some partition of a sharded schema whose
// maxReplicaLagSeconds is above 0 (the strictest such limit applies to a backend read by several
// schemas). Every intervalMs (an unref'd timer) each is asked `SHOW SLAVE STATUS` over a dedicated
// connection (not a pooled one: a busy pool must not delay the probe). The answer decides:
//   Slave_IO_Running / Slave_SQL_Running not 'Yes'   -> replication broken: out
//   Seconds_Behind_Master NULL                        -> replication broken: out
//   Seconds_Behind_Master > maxReplicaLagSeconds      -> lagging: out
//   otherwise, or no row at all (not a replica)        -> in
// A failed or lost probe connection, or a probe unanswered for staleAfterMs, also takes it out (its
// state is unknown). Replicas start in rotation; transitions are logged (warn out, info back).
import type { Logger } from 'pino';
import type { SluiceConfig } from '../config/types';
import { SqlError } from '../protocol/errors';
import { BackendConnection, backendTarget, type BackendTarget, type QueryResult } from './connection';

/** ER_PARSE_ERROR: MySQL 8.4 no longer knows SHOW SLAVE STATUS; SHOW REPLICA STATUS is its name there. */
const ER_PARSE_ERROR = 1064;

export interface ReplicaMonitorOptions {
  /** Probe period; default 1000 ms. */
  intervalMs?: number;
  /** A probe unanswered this long takes the replica out; default 3 probe periods. */
  staleAfterMs?: number;
}

/** One replica's status row: column name -> value (null for SQL NULL). */
export type ReplicaStatusRow = Record<string, string | null>;

/**
 * Why a replica with this SHOW SLAVE STATUS row (null: the statement returned no row) must not serve
 * reads under a lag limit of maxLagSeconds, or null when it may. Reads MariaDB's and MySQL 8's names.
 */
export function replicaProblem(row: ReplicaStatusRow | null, maxLagSeconds: number): string | null {
  if (row === null) return null; // not a replica: nothing to lag behind
  const io = row.Slave_IO_Running ?? row.Replica_IO_Running ?? null;
  const sql = row.Slave_SQL_Running ?? row.Replica_SQL_Running ?? null;
  const lag = row.Seconds_Behind_Master !== undefined ? row.Seconds_Behind_Master : row.Seconds_Behind_Source;
  const error = (e: string | null | undefined) => (e ? `: ${e}` : '');
  if (io !== 'Yes') return `replication I/O thread is ${io ?? 'unknown'}${error(row.Last_IO_Error)}`;
  if (sql !== 'Yes') return `replication SQL thread is ${sql ?? 'unknown'}${error(row.Last_SQL_Error)}`;
  if (lag === null || lag === undefined) return 'replication lag is unknown (Seconds_Behind_Master is NULL)';
  if (Number(lag) > maxLagSeconds) return `${lag} s behind its primary (maxReplicaLagSeconds ${maxLagSeconds})`;
  return null;
}

/** What the monitor knows of one watched replica. */
interface Watched {
  target: BackendTarget;
  maxLagSeconds: number;
  /** Set by each probe's outcome; read by usable(). */
  usable: boolean;
  /** Why it is out of rotation ('' while usable); logged on transitions. */
  reason: string;
  /** The probe connection, opened on the first probe and again after a failure. */
  conn: BackendConnection | null;
  /** Date.now() when the probe in flight started; 0 when none is. */
  probeStarted: number;
  /** SHOW REPLICA STATUS once the server refused SHOW SLAVE STATUS. */
  replicaSyntax: boolean;
}

/** Per-worker replica health from the replicas' own replication status (see the file comment). */
export class ReplicaMonitor {
  private readonly watched = new Map<string, Watched>();
  private readonly intervalMs: number;
  private readonly staleAfterMs: number;
  private timer: NodeJS.Timeout | null = null;
  private stopped = false;

  constructor(config: SluiceConfig, private readonly logger: Logger, opts: ReplicaMonitorOptions = {}) {
    this.intervalMs = opts.intervalMs ?? 1000;
    this.staleAfterMs = opts.staleAfterMs ?? 3 * this.intervalMs;
    for (const schema of Object.values(config.schemas)) {
      if (schema.kind !== 'sharded' || schema.maxReplicaLagSeconds <= 0) continue;
      for (const part of schema.partitions) {
        for (const { backend } of part.read) {
          const w = this.watched.get(backend);
          if (w) { w.maxLagSeconds = Math.min(w.maxLagSeconds, schema.maxReplicaLagSeconds); continue; }
          this.watched.set(backend, {
            target: backendTarget(config.backends[backend]),
            maxLagSeconds: schema.maxReplicaLagSeconds,
            usable: true, reason: '', conn: null, probeStarted: 0, replicaSyntax: false,
          });
        }
      }
    }
  }

  /** The backends under watch (tests, logs). */
  get backends(): string[] {
    return [...this.watched.keys()];
  }

  /** False while `backend` is a watched replica out of rotation; true for every other backend. */
  usable(backend: string): boolean {
    return this.watched.get(backend)?.usable ?? true;
  }

  /** Starts probing (a first round at once, then every intervalMs); nothing to do without watched replicas. */
  start(): void {
    if (this.watched.size === 0 || this.timer || this.stopped) return;
    void this.probeAll();
    this.timer = setInterval(() => void this.probeAll(), this.intervalMs);
    this.timer.unref();
  }

  /** Stops probing and closes the probe connections. */
  stop(): void {
    this.stopped = true;
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
    for (const w of this.watched.values()) {
      w.conn?.close();
      w.conn = null;
    }
  }

  /** One round: a probe of every watched replica that has none in flight. Resolves when they are answered. */
  probeAll(): Promise<void> {
    const now = Date.now();
    const probes: Promise<void>[] = [];
    for (const [name, w] of this.watched) {
      if (w.probeStarted === 0) probes.push(this.probe(name, w));
      else if (now - w.probeStarted > this.staleAfterMs) this.set(name, w, `status probe unanswered for ${now - w.probeStarted} ms`);
    }
    return Promise.all(probes).then(() => undefined);
  }

  private async probe(name: string, w: Watched): Promise<void> {
    w.probeStarted = Date.now();
    try {
      const conn = w.conn && !w.conn.closed ? w.conn : await this.connect(name, w);
      const res = await this.status(conn, w);
      if (this.stopped) return;
      this.set(name, w, replicaProblem(firstRow(res), w.maxLagSeconds) ?? '');
    } catch (e) {
      if (this.stopped) return;
      w.conn?.destroy();
      w.conn = null;
      this.set(name, w, `status probe failed: ${(e as Error).message}`);
    } finally {
      w.probeStarted = 0;
    }
  }

  private async connect(name: string, w: Watched): Promise<BackendConnection> {
    const conn = await BackendConnection.connect(w.target, 0, null);
    if (this.stopped) { conn.close(); throw new Error('monitor stopped'); }
    w.conn = conn;
    // A lost replica leaves rotation at once, not at the next probe.
    conn.socket.once('close', () => {
      if (w.conn === conn && !this.stopped) {
        w.conn = null;
        this.set(name, w, 'connection to the replica was lost');
      }
    });
    return conn;
  }

  private async status(conn: BackendConnection, w: Watched): Promise<QueryResult> {
    if (!w.replicaSyntax) {
      try {
        return await conn.query('SHOW SLAVE STATUS');
      } catch (e) {
        if (!(e instanceof SqlError) || e.errno !== ER_PARSE_ERROR) throw e;
        w.replicaSyntax = true;
      }
    }
    return conn.query('SHOW REPLICA STATUS');
  }

  /** Records a probe's verdict ('' = usable) and logs a change of rotation. */
  private set(name: string, w: Watched, reason: string): void {
    const usable = reason === '';
    if (usable !== w.usable) {
      if (usable) this.logger.info({ backend: name }, `replica ${name} is back in read rotation`);
      else this.logger.warn({ backend: name, reason }, `replica ${name} taken out of read rotation: ${reason}`);
    } else if (!usable && reason !== w.reason) {
      this.logger.debug({ backend: name, reason }, `replica ${name} still out of read rotation: ${reason}`);
    }
    w.usable = usable;
    w.reason = reason;
  }
}

function firstRow(res: QueryResult): ReplicaStatusRow | null {
  if (res.rows.length === 0) return null;
  const row: ReplicaStatusRow = {};
  res.columns.forEach((c, i) => { row[c.name] = res.rows[0][i]; });
  return row;
}
