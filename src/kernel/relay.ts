// The relay: one statement sent on the session's held backend connection, its answer streamed back
// to the client untouched (no row is decoded), as for a forwarding schema or a single-partition
// plan. When the answer ends, what it says about the connection is kept: the session state a SET
// made, what pins the connection (transaction, locks, temporary tables, a statement the next one may
// ask about), the status flags, and LOAD DATA LOCAL INFILE's request for the client's file.
import { Hold, type BackendConnection, type RelaySink } from '../backend/connection';
import type { BackendPool } from '../backend/pool';
import type { ShardedSchema } from '../config/types';
import { Counter, Histogram } from '../metrics/layout';
import { Header, Status } from '../protocol/constants';
import { SqlError, ErrorCode } from '../protocol/errors';
import { frame, unframe } from '../protocol/framing';
import { decodeOk } from '../protocol/packets';
import { ResponseKind, type ResponseScanner } from '../protocol/response-scanner';
import { logicalErrPacket, logicalNames, type LogicalNames } from '../rewrite/logical-names';
import { Pin, type ReadOf } from '../execute/backend-lease';

import { Trait, Verb, type Classified } from './classify';
import { transactionEnd } from '../transaction/statements';
import { waitTimeoutSet } from './wait-timeout';
import type * as net from 'node:net';
import type { Logger } from 'pino';
import type { SessionState } from '../backend/session-state';
import type { SchemaConfig } from '../config/types';
import type { MetricsWriter } from '../metrics/shared-metrics';
import type { BackendLease } from '../execute/backend-lease';

/** The shortest COM_QUERY payload that can be a COMMIT/ROLLBACK ... RELEASE (command byte + 'COMMIT RELEASE'). */
const RELEASE_MIN_LENGTH = 15;

/** What the relay needs of its session (StatementContext extends it). */
export interface RelayContext {
  readonly host: { readonly metrics: MetricsWriter; readonly waitTimeoutMs: number };
  readonly log: Logger;
  readonly socket: net.Socket;
  readonly schema: SchemaConfig | null;
  readonly state: SessionState;
  readonly lease: BackendLease;
  readonly trxOpen: boolean;
  readonly started: number;
  status: number;
  waitTimeoutMs: number;
  begin(): void;
  fail(err: SqlError): void;
  done(): void;
  close(): void;
}

/** A relayed statement's answer on its way to the client; one per session, reused by each statement. */
export class Relay implements RelaySink {
  /** Classification of the statement being relayed (what its outcome changes); null for other commands. */
  private current: Classified | null = null;
  /** Its text, when end() needs it: a SET to record, a COMMIT/ROLLBACK that may say RELEASE. */
  private currentSql: Buffer | null = null;
  /** When the command went to the backend (after acquiring and syncing a connection). */
  private backendStarted = 0;
  /**
   * The sharded schema whose logical names go into an ERR that opens the answer: set by send() (null
   * for forwarding), cleared by the answer's first chunk, so later chunks pay one null check only.
   */
  private errSchema: ShardedSchema | null = null;
  /**
   * Runs the current read again on another server: set when a sharded read is relayed from a
   * replica; fail() calls it when that connection is lost before the first byte of the answer
   * (errSchema still set). Cleared when the statement ends; `reran` allows it once per statement.
   */
  private rerun: (() => void) | null = null;
  private reran = false;
  /** The client socket wanted a pause for backpressure. */
  paused = false;
  /** The backend connection waiting for the client's LOCAL INFILE contents. */
  infileConn: BackendConnection | null = null;

  constructor(private readonly s: RelayContext) {}

  /** Forgets the statement that ended (the session calls it from done()). */
  settle(): void {
    this.current = null;
    this.currentSql = null;
    this.rerun = null;
    this.reran = false;
  }

  /**
   * Relays a COM_QUERY (classified as c; framed as the client sent it, or rewritten) on a connection
   * of `pool` for `database`; for a read of a sharded partition an unreachable server fails over,
   * and a replica lost before answering runs it once more elsewhere. `sharded` names the schema whose
   * logical names go into an ERR.
   */
  query(pool: BackendPool, database: string, framed: Buffer, c: Classified | null, sharded: ShardedSchema | null = null, read: ReadOf | null = null): void {
    const s = this.s;
    this.current = c;
    // Kept for end(): a SET to record, a COMMIT/ROLLBACK long enough to say RELEASE (a bare COMMIT costs nothing more).
    this.currentSql = c !== null && (c.traits & Trait.SessionSet || ((c.verb === Verb.Commit || c.verb === Verb.Rollback) && framed.length >= RELEASE_MIN_LENGTH + 4))
      ? Buffer.from(framed.length < 0xffffff ? framed.subarray(5) : unframe(framed).subarray(1)) : null;
    s.lease.hold(pool, database, read, (err, conn) => {
      if (err || !conn) return s.fail(err!);
      if (read !== null && !this.reran && s.lease.pool!.target.name !== read.schema.partitions[read.partition].write) {
        this.rerun = () => {
          this.current = c;
          this.query(s.lease.partitionPool(read.schema, read.partition, false), database, framed, c, sharded, read);
        };
      }
      this.send(conn, framed, ResponseKind.Result, sharded);
    });
  }

  /** Relays another command (COM_FIELD_LIST, COM_STMT_FETCH, an execute) whose answer streams back as it is. */
  command(pool: BackendPool, database: string, framed: Buffer, kind: ResponseKind, sharded: ShardedSchema | null = null): void {
    this.current = null;
    this.s.lease.hold(pool, database, null, (err, conn) => {
      if (err || !conn) return this.s.fail(err!);
      this.send(conn, framed, kind, sharded);
    });
  }

  /**
   * Runs fn on the held connection (acquired from `pool` and synced when none is held); a failure
   * ends the command with an ERR, renamed by `names` for a sharded schema's partition. For a read of
   * a partition, an unreachable server fails over and a replica lost before answering runs it again.
   */
  withConnection(pool: BackendPool, database: string, fn: (conn: BackendConnection) => Promise<void>, names: LogicalNames | null = null, read: ReadOf | null = null): void {
    const s = this.s;
    this.current = null;
    s.begin();
    s.lease.hold(pool, database, read, (err, conn) => {
      if (err || !conn) return s.fail(err && names ? names.error(err) : err!);
      if (read !== null && !this.reran && s.lease.pool!.target.name !== read.schema.partitions[read.partition].write) {
        this.rerun = () => this.withConnection(s.lease.partitionPool(read.schema, read.partition, false), database, fn, names, read);
      }
      fn(conn).catch((e: Error) => {
        if (!(e instanceof SqlError) || conn.closed) s.lease.drop();
        s.fail(e instanceof SqlError ? (names ? names.error(e) : e) : new SqlError(ErrorCode.ER_UNKNOWN_ERROR, e.message));
      });
    });
  }

  /** Sends a framed command on conn; the answer streams to the client through data()/end(). */
  send(conn: BackendConnection, framed: Buffer, kind: ResponseKind, sharded: ShardedSchema | null = null, c: Classified | null = this.current): void {
    this.current = c;
    this.backendStarted = performance.now();
    this.errSchema = sharded;
    conn.relay(framed, kind, this);
  }

  /** A command's text, for end() (an execute of a prepared SET). */
  remember(c: Classified, sql: Buffer | null): void {
    this.current = c;
    this.currentSql = sql;
  }

  // ---- RelaySink: the backend's answer streams through here ----

  data(chunk: Buffer): void {
    const s = this.s;
    if (this.errSchema !== null) {
      // The first chunk of a sharded relay: an ERR packet that starts it gets logical names (the
      // name map is looked up only then).
      if (chunk[4] === Header.ERR) chunk = logicalErrPacket(chunk, logicalNames(this.errSchema)) ?? chunk;
      this.errSchema = null;
    }
    s.host.metrics.inc(Counter.BytesOut, chunk.length);
    if (!s.socket.write(chunk) && !this.paused) {
      // The client reads slower than the backend sends: stop reading the backend until it drains.
      this.paused = true;
      const conn = s.lease.conn!;
      conn.hold(Hold.Reader);
      s.socket.once('drain', () => {
        this.paused = false;
        conn.unhold(Hold.Reader);
      });
    }
  }

  end(scanner: ResponseScanner): void {
    const s = this.s;
    const lease = s.lease;
    const c = this.current;
    // sluice's own OK packets reuse these flags, but never carry session-state data.
    s.status = scanner.status & ~(Status.MORE_RESULTS_EXISTS | Status.SESSION_STATE_CHANGED | Status.CURSOR_EXISTS | Status.LAST_ROW_SENT);
    if (scanner.infile) {
      // LOAD DATA LOCAL INFILE: the request went to the client; its file comes next, packet by
      // packet, and is passed to this backend connection until the empty packet that ends it.
      this.infileConn = lease.conn;
      return;
    }
    if (c && !scanner.err) {
      if (c.traits & Trait.SessionSet && this.currentSql) {
        s.state.record(c.setNames!, this.currentSql.toString('latin1'));
        lease.conn!.stateKey = s.state.key;
        if (c.setNames!.includes('wait_timeout')) s.waitTimeoutMs = waitTimeoutSet(this.currentSql.toString('latin1'), s.host.waitTimeoutMs) ?? s.waitTimeoutMs;
      }
      if (c.traits & Trait.Pin) lease.pins |= c.verb === Verb.Lock || c.traits & Trait.Unlock ? Pin.Locks : Pin.State;
      if (c.verb === Verb.Lock) lease.pins |= Pin.Locks;
      if (c.traits & Trait.Unlock && c.verb === Verb.Unlock) lease.pins &= ~Pin.Locks;
    }
    // The outcome of this statement lives on its connection (the insert id, warnings, errors): keep
    // the connection for the next statement, which may ask (LAST_INSERT_ID(), SHOW WARNINGS).
    lease.pins &= ~Pin.NextStatement;
    if (scanner.err || scanner.warnings > 0 || (scanner.ok && scanner.ok[0] === 0x00 && decodeOk(scanner.ok).lastInsertId > 0)) {
      lease.pins |= Pin.NextStatement;
    }
    if (scanner.status & Status.IN_TRANS) lease.pins |= Pin.Transaction;
    else lease.pins &= ~Pin.Transaction;
    if (c && (c.verb === Verb.Commit || c.verb === Verb.Rollback) && !scanner.err && this.currentSql && transactionEnd(this.currentSql.toString('latin1'))?.release) {
      // COMMIT RELEASE: the backend closes this connection after its OK; the client's closes too, as on MariaDB.
      lease.drop();
      return s.close();
    }
    if (s.schema?.kind === 'sharded') {
      // Sharded sessions keep state in SessionState and transactions in their own layer.
      lease.pins = 0;
      s.status = (s.status & ~Status.IN_TRANS) | (s.trxOpen ? Status.IN_TRANS : 0);
    }
    const now = performance.now();
    s.host.metrics.observe(Histogram.QueryLatency, (now - s.started) * 1000);
    s.host.metrics.observe(Histogram.BackendLatency, (now - this.backendStarted) * 1000);
    if (scanner.err) s.host.metrics.error(scanner.err.readUInt16LE(1));
    s.done();
  }

  fail(err: Error): void {
    const s = this.s;
    // Nothing of the answer reached the client (errSchema is cleared by its first chunk): a read runs elsewhere.
    const rerun = this.errSchema !== null ? this.rerun : null;
    this.errSchema = null;
    if (rerun) {
      this.rerun = null;
      this.reran = true;
      s.log.info({ err: err.message }, 'backend connection lost before the answer: running the read on another server');
      s.lease.drop();
      return rerun();
    }
    s.log.warn({ err: err.message }, 'backend connection lost during a statement');
    s.lease.drop();
    s.lease.pins = 0;
    s.fail(new SqlError(ErrorCode.CR_SERVER_LOST, 'Lost connection to backend server during query; the statement may or may not have run. Retry it.'));
  }

  /** A packet of the client's LOCAL INFILE contents: passed to the waiting connection; the empty one ends them. */
  infileData(payload: Buffer, seq: number, framed: Buffer | null): void {
    const conn = this.infileConn!;
    // A reassembled payload (in a pool slab, reused after this call) is copied: the socket keeps
    // what it is given until written, and frame() passes a payload of 16 MiB or more as views.
    conn.sendNoReply(framed ?? Buffer.concat(frame(payload, seq)));
    if (payload.length > 0) return;
    this.infileConn = null;
    conn.expectResponse(ResponseKind.Simple, this);
  }
}
