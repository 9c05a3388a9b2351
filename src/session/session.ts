// One client connection, from greeting to quit: the connection's state machine. The connection phase
// (greeting, TLS, authentication) is login.ts's; in the command phase each command is read off the
// framer, run one at a time (pipelined ones wait in a queue) and dispatched: statements go to the
// kernel (kernel/query.ts for COM_QUERY, the prepared-statement modules for the binary protocol)
// with this session as their StatementContext, and the kernel says when the command is done. The
// session keeps what belongs to the connection: capabilities, the logical schema, session
// variables, the backend lease and transaction state, the prepared-statement registry, wait_timeout.
import type * as net from 'node:net';
import type * as tls from 'node:tls';
import type { Logger } from 'pino';
import type { UserVariables } from '../kernel/user-value';
import { onChunks } from '../memory/read-buffers';
import { PacketFramer, unframe, type PacketMemory } from '../protocol/framing';
import { BufferWriter } from '../protocol/buffer-writer';
import { encodeTextResult } from '../protocol/text-result';
import { Cap, Com, Header, Status, RELAY_PROFILE_MASK, MAX_PACKET_PAYLOAD } from '../protocol/constants';
import { encodeOk, encodeErr, encodeEndOfRows, schemaChange } from '../protocol/packets';
import { SqlError, ErrorCode } from '../protocol/errors';
import { ResponseKind } from '../protocol/response-scanner';
import { type BackendConnection } from '../backend/connection';
import type { BackendPool } from '../backend/pool';
import type { SchemaConfig, ShardedSchema, UserConfig } from '../config/types';
import { Counter } from '../metrics/layout';
import { upgradeToTls } from './tls-upgrade';
import { Login } from './login';
import { type AuthContext, type Credential } from './authenticate';
import { SessionState } from '../backend/session-state';
import { BackendLease } from '../execute/backend-lease';
import type { StatementContext, WorkerServices } from '../kernel/context';
import { Relay } from '../kernel/relay';
import { forward } from '../kernel/forward';
import { killSession } from '../kernel/session-ids';
import { StatementRegistry } from './prepared';
import { fieldList } from '../kernel/metadata';
import { runQuery, reframe } from '../kernel/query';
import { prepareStatement } from '../kernel/prepare';
import { executeStatement, fetchStatement, clientStatement } from '../kernel/execute-prepared';
import { describePartition } from '../kernel/scatter-merge';
import type { KeptCursor, SqlStatement } from '../kernel/prepared-statement';
import { TransactionControl } from '../transaction/transaction-control';
import { ResultWriter } from '../respond/result-writer';
import type { ReadRotation, ReplicaHealth } from '../execute/read-target';
import type { BackendTarget } from '../backend/connection';
import type { ProcessRow } from '../kernel/directory';
import type { DirectorySession } from './session-directory';
import { idleTooLong, type IdleSession, type IdleSweep } from './idle-timeout';
import { killOnBackend } from './backend-kill';

/** What a session needs from its worker: the services its statements use, and the connection's own. */
export interface SessionHost extends WorkerServices {
  readonly serverVersion: string;
  readonly auth: AuthContext;
  /** Where split and large client packets are assembled (the slab pool, maxQueryMemoryMB each); the heap without it. */
  readonly packetMemory?: PacketMemory;
  /** Certificate and key for client TLS; undefined when the config has no tls section. */
  readonly tlsContext: tls.SecureContext | undefined;
  /** Called once when the session has ended and released everything. */
  sessionClosed(s: ClientSession): void;
  /** The worker's idle sweep: its coarse clock stamps the session's activity. */
  readonly idle: IdleSweep;
  /** interactive_timeout's default (interactiveTimeoutSeconds), for clients that say CLIENT_INTERACTIVE. */
  readonly interactiveTimeoutMs: number;
}

const enum Phase {
  Handshake,
  Auth,
  Command,
  Closed,
}

/** SHOW PROCESSLIST's Command for the commands a session runs (others show as Query). */
const COMMAND_NAMES: Partial<Record<number, string>> = {
  [Com.STMT_PREPARE]: 'Prepare', [Com.STMT_EXECUTE]: 'Execute', [Com.STMT_FETCH]: 'Fetch', [Com.FIELD_LIST]: 'Field List',
};

export class ClientSession implements StatementContext, DirectorySession, IdleSession {
  readonly id: number;
  /** The client socket; replaced by a TLSSocket over it after an SSLRequest. */
  socket: net.Socket;
  /** The connection switched to TLS. */
  tls = false;
  private readonly onData = (chunk: Buffer) => {
    this.host.metrics.inc(Counter.BytesIn, chunk.length);
    try {
      this.framer.push(chunk);
    } catch (e) {
      this.protocolError(e);
    }
  };
  readonly host: SessionHost;
  readonly log: Logger;
  private framer: PacketFramer;
  private phase = Phase.Handshake;
  /** Greeting, TLS and authentication: the connection phase. */
  private readonly login: Login = new Login(this);
  private credential: Credential | null = null;
  /** The user name the client logged in (or is logging in) with. */
  userName = '';
  /** Client capabilities after negotiation. */
  caps = 0;
  /** Relay profile: capability bits a backend connection must share with this client. */
  profile = 0;
  /** The logical schema in use (USE / COM_INIT_DB / connect-with-db); null before any. */
  schema: SchemaConfig | null = null;
  readonly state = new SessionState();
  /** The session's backend connections (held, lent, pinned). */
  readonly lease: BackendLease;
  /** Relays statements on the held connection and streams their answers back. */
  readonly relay: Relay;
  /** Commands that arrived while another was running (copied: the framer's views are borrowed). */
  private queue: Buffer[] = [];
  busy = false;
  started = 0;
  /** Commands this session ran (COM_STATISTICS reports it). */
  private questions = 0;
  /** Status flags to report in sluice's own OK packets. */
  status = Status.AUTOCOMMIT;
  /**
   * Packets the running command came in beyond its first (one of 16 MiB or more is split): the
   * answers sluice writes itself number their sequence ids from after them. Set by command().
   */
  private extraFrames = 0;
  /** The client's address:port, for SHOW PROCESSLIST. */
  private readonly clientHost: string;
  /** host.idle's clock when the last command started or ended (idle time and PROCESSLIST's Time). */
  private activeAt: number;
  /** wait_timeout: idle longer than this closes the session (set at handshake, by SET wait_timeout). */
  waitTimeoutMs: number;
  /** The command byte of the last command, and the statement it runs (a view of its packet, or an execute's SQL) until it ends. */
  private com = 0;
  info: Buffer | string | null = null;

  constructor(socket: net.Socket, id: number, host: SessionHost, log: Logger) {
    this.socket = socket;
    this.id = id;
    this.host = host;
    this.log = log;
    this.statements = new StatementRegistry(host.statementCache);
    this.lease = new BackendLease(this);
    this.relay = new Relay(this);
    this.framer = this.newFramer();
    this.clientHost = `${this.remoteHost()}:${socket.remotePort ?? 0}`;
    this.activeAt = host.idle.now;
    this.waitTimeoutMs = host.waitTimeoutMs;
    socket.setNoDelay(true);
    onChunks(socket, this.onData);
    socket.on('error', (e) => this.log.debug({ err: e.message }, 'client socket error'));
    socket.on('close', () => this.closed());
    this.login.greet();
  }

  /**
   * A framer for the client's packets. With packet memory, a packet over the share is ERR 1153 (and
   * the connection closes, as MySQL does past max_allowed_packet), and a full pool pauses the socket.
   */
  private newFramer(): PacketFramer {
    const memory = this.host.packetMemory;
    const mb = memory && Math.round((memory.shareBytes / (1024 * 1024)) * 100) / 100;
    return new PacketFramer((p, seq, framed) => this.onPacket(p, seq, framed), undefined, memory ? {
      pool: memory.pool,
      shareBytes: memory.shareBytes,
      tooLarge: (bytes) => new SqlError(ErrorCode.ER_NET_PACKET_TOO_LARGE,
        `Got a packet bigger than 'max_allowed_packet' bytes: ${bytes} bytes so far, over maxQueryMemoryMB (${mb} MB), the most ` +
        'sluice holds for one packet; send the data in smaller statements or raise maxQueryMemoryMB', { fatal: true }),
      stall: (stalled) => (stalled ? this.socket.pause() : this.socket.resume()),
      fail: (err) => this.protocolError(err),
    } : null);
  }

  // ---- output ----

  private write(buf: Buffer): void {
    this.host.metrics.inc(Counter.BytesOut, buf.length);
    this.socket.write(buf);
  }

  sendPayload(w: BufferWriter, seq: number): void {
    const b = w.buf;
    const len = w.pos - w.headerRoom;
    b[0] = len & 0xff;
    b[1] = (len >>> 8) & 0xff;
    b[2] = (len >>> 16) & 0xff;
    b[3] = (seq + this.extraFrames) & 0xff;
    this.write(b.subarray(0, w.pos));
  }

  sendOk(seq: number, info = '', affectedRows = 0): void {
    this.sendPayload(encodeOk(new BufferWriter(32 + info.length), { status: this.status, info, affectedRows }), seq);
  }

  sendError(err: SqlError, seq: number): void {
    this.host.metrics.error(err.errno);
    const withState = this.phase !== Phase.Handshake;
    this.sendPayload(encodeErr(new BufferWriter(64 + err.message.length), err, withState), seq);
  }

  // ---- connection phase ----

  private onPacket(payload: Buffer, seq: number, framed: Buffer | null): void {
    switch (this.phase) {
      case Phase.Command:
        if (this.relay.infileConn) return this.relay.infileData(payload, seq, framed);
        // Every command starts a new exchange at sequence id 0 (a >16 MiB command reports the id
        // of its last part, so only single-packet commands can be checked).
        if (seq !== 0 && payload.length < 0xffffff) {
          return this.protocolError(new SqlError(ErrorCode.ER_NET_PACKETS_OUT_OF_ORDER, 'Got packets out of order', { fatal: true }));
        }
        if (this.busy || this.queue.length > 0) {
          this.queue.push(framed ? Buffer.from(framed) : reframe(payload));
          return;
        }
        this.command(payload, framed);
        return;
      case Phase.Handshake:
        return this.login.handshakeResponse(payload, seq);
      case Phase.Auth:
        return this.login.authPacket(payload, seq);
      default:
        return;
    }
  }

  remoteHost(): string {
    return this.socket.remoteAddress?.replace(/^::ffff:/, '') ?? 'localhost';
  }

  /** The client sent an SSLRequest: the rest of the connection runs over TLS; the HandshakeResponse follows (sequence id 2). */
  startTls(): void {
    this.framer.stop();
    this.socket = upgradeToTls(this.socket, this.host.tlsContext!, this.onData, () => {
      const rest = this.framer.leftover;
      this.framer = this.newFramer();
      return rest;
    }, this.log);
    this.tls = true;
  }

  /**
   * COM_CHANGE_USER: authenticate again (with the handshake's scramble, as MySQL does) and start
   * from a clean session: state, statements, transaction and backend connection are dropped.
   */
  private changeUser(payload: Buffer): void {
    this.resetSession();
    this.schema = null;
    this.login.changeUser(payload);
  }

  authenticating(): void {
    this.phase = Phase.Auth;
  }

  loggedIn(credential: Credential): void {
    this.credential = credential;
    this.phase = Phase.Command;
  }

  /** Switches the logical schema, or says why not (1049 unknown, 1044 not permitted). */
  use(name: string): SqlError | null {
    const schema = this.host.schemas[name];
    const allowed = this.credential!.config.schemas;
    if (!schema) {
      return new SqlError(ErrorCode.ER_BAD_DB_ERROR, `Unknown database '${name}'`);
    }
    if (!allowed.includes('*') && !allowed.includes(name)) {
      return new SqlError(ErrorCode.ER_DBACCESS_DENIED_ERROR, `Access denied for user '${this.userName}'@'%' to database '${name}'`);
    }
    this.schema = schema;
    return null;
  }

  // ---- command phase ----

  private command(payload: Buffer, framed: Buffer | null): void {
    if (payload.length === 0) return this.protocolError(new SqlError(ErrorCode.ER_MALFORMED_PACKET, 'Malformed communication packet', { fatal: true }));
    const com = payload[0];
    this.questions++;
    this.extraFrames = payload.length < MAX_PACKET_PAYLOAD ? 0 : Math.floor(payload.length / MAX_PACKET_PAYLOAD);
    this.activeAt = this.host.idle.now;
    this.com = com;
    try {
      switch (com) {
        case Com.QUERY:
          return runQuery(this, payload, framed);
        case Com.QUIT:
          return this.close();
        case Com.PING:
          return this.sendOk(1);
        case Com.INIT_DB: {
          const err = this.use(payload.toString('utf8', 1));
          return err ? this.sendError(err, 1) : this.useOk();
        }
        case Com.RESET_CONNECTION:
          this.resetSession();
          return this.sendOk(1);
        case Com.CHANGE_USER:
          return this.changeUser(payload);
        case Com.STATISTICS:
          return this.statistics();
        case Com.PROCESS_KILL: // mysqladmin kill: KILL CONNECTION of a 4-byte session id
          this.begin();
          return killSession(this, payload.readUInt32LE(1), false);
        case Com.FIELD_LIST:
          if (this.schema?.kind === 'sharded') return fieldList(this, payload);
          return forward(this, framed ?? reframe(payload), ResponseKind.FieldList, null);
        case Com.SET_OPTION: {
          // 0 = multi-statements on, 1 = off. The relay profile follows.
          const on = payload.readUInt16LE(1) === 0;
          this.caps = on ? this.caps | Cap.MULTI_STATEMENTS : this.caps & ~Cap.MULTI_STATEMENTS;
          this.profile = this.caps & RELAY_PROFILE_MASK;
          const w = encodeEndOfRows(new BufferWriter(16), this.caps, this.status);
          return this.sendPayload(w, 1);
        }
        case Com.STMT_PREPARE:
          this.statements.preparing();
          return prepareStatement(this, payload.toString('latin1', 1));
        case Com.STMT_EXECUTE:
          return executeStatement(this, payload, framed);
        case Com.STMT_FETCH:
          return fetchStatement(this, payload);
        case Com.STMT_RESET: {
          const stmt = clientStatement(this, payload, 'mysqld_stmt_reset');
          if (!stmt) return;
          stmt.longData = [];
          this.cursors.delete(stmt.id);
          return this.sendOk(1);
        }
        case Com.STMT_CLOSE: {
          const id = this.statements.get(payload.readUInt32LE(1))?.id; // 0xFFFFFFFF: the last prepared
          if (id === undefined) return;
          this.statements.delete(id);
          this.cursors.delete(id);
          this.lease.conn?.trimUnreferenced(); // a connection this session holds is free between its commands
          return;
        }
        case Com.STMT_SEND_LONG_DATA: {
          // No reply, not even for an unknown statement (the error surfaces at execute).
          this.statements.get(payload.readUInt32LE(1))?.longData.push({ param: payload.readUInt16LE(5), data: Buffer.from(payload.subarray(7)) });
          return;
        }
        default:
          return this.sendError(new SqlError(ErrorCode.ER_UNKNOWN_COM_ERROR, `Unknown command 0x${com.toString(16).padStart(2, '0')}; sluice does not support it`), 1);
      }
    } catch (e) {
      if (e instanceof SqlError && !e.fatal) return this.sendError(e, 1);
      this.protocolError(e);
    }
  }

  /** A backend's pool for this user's statements: its backendUser's, else the backend's own account. */
  pool(backend: string): BackendPool {
    return this.host.pool(backend, this.credential?.config.backendAccount)!;
  }

  /** The logged-in user's configuration. */
  get user(): UserConfig {
    return this.credential!.config;
  }

  readRotation(schema: string, partition: number): ReadRotation {
    return this.host.readRotation(schema, partition);
  }

  get health(): ReplicaHealth {
    return this.host.health;
  }

  get ended(): boolean {
    return this.phase === Phase.Closed;
  }

  get trxOpen(): boolean {
    return this.trx.current !== null;
  }

  /** A command is under way: its answer comes later. */
  begin(): void {
    this.busy = true;
    this.started = performance.now();
  }

  useOk(): void {
    const change = this.caps & Cap.SESSION_TRACK && this.schema ? schemaChange(this.schema.name) : null;
    this.sendPayload(encodeOk(new BufferWriter(64), { status: this.status }, Header.OK, change), 1);
  }

  ok(info = '', affectedRows = 0): void {
    this.sendOk(1, info, affectedRows);
  }

  send(w: BufferWriter): void {
    this.sendPayload(w, 1);
  }

  /** A small result set that sluice builds itself (SHOW DATABASES, SELECT DATABASE(), ...). */
  rows(columns: string[], rows: (string | null)[][]): void {
    this.write(encodeTextResult(columns, rows, this.caps, this.status, 1 + this.extraFrames));
  }

  /** A writer of an answer that sluice builds, its sequence ids following the command's packets. */
  writer(binary = false): ResultWriter {
    const out = new ResultWriter(this.socket, this.caps, binary);
    out.seq += this.extraFrames;
    return out;
  }

  error(err: SqlError): void {
    this.sendError(err, 1);
  }

  /** Ends the current command with an ERR (the session goes on). */
  fail(err: SqlError): void {
    this.sendError(err, 1);
    if (this.lease.pins === 0) this.lease.release();
    this.done();
  }

  /** The command is answered: its connection goes back unless pinned, and the next queued command runs. */
  done(): void {
    this.relay.settle();
    this.trx.statementEnded();
    this.info = null;
    this.activeAt = this.host.idle.now;
    // A connection still streaming to a slow client is not given back yet.
    if (!this.relay.paused || this.lease.pins !== 0) this.lease.settle();
    this.busy = false;
    this.runQueued();
  }

  readonly statements: StatementRegistry;

  /** Open cursors of sharded executes: the kept binary rows and the next one to send. */
  readonly cursors = new Map<number, KeptCursor>();

  /** The transaction state on a sharded schema: the open transaction (BEGIN, or autocommit off), autocommit, implicit commits. */
  readonly trx: TransactionControl = new TransactionControl((p): string => describePartition(this, p));

  get sharded(): ShardedSchema {
    return this.schema as ShardedSchema;
  }

  /** Column names of sharded tables, read from their first physical table (per session). */
  readonly tableColumns = new Map<string, string[]>();
  readonly userVars: UserVariables = new Map();
  readonly sqlStatements = new Map<string, SqlStatement>();

  /** COM_STATISTICS, in mysqladmin's format: Threads are this worker's sessions, Questions this session's commands. */
  private statistics(): void {
    const up = Math.max(1, Math.floor(process.uptime()));
    const text = `Uptime: ${up}  Threads: ${this.host.sessionCount}  Questions: ${this.questions}  Slow queries: 0  Opens: 0  ` +
      `Open tables: 0  Queries per second avg: ${(this.questions / up).toFixed(3)}`;
    const w = new BufferWriter(text.length).str(text);
    this.sendPayload(w, 1);
  }

  /** Set while runQueued() loops, so a done() inside a command it runs leaves the loop to it. */
  private draining = false;

  /**
   * Runs the commands that arrived while others ran, in order, until one is under way. Commands
   * answered at once (PING, errors, ...) and those with no answer at all (COM_STMT_SEND_LONG_DATA,
   * COM_STMT_CLOSE) never reach done(), so the loop goes on after them itself; a loop,
   * not recursion, for a long pipeline of them.
   */
  private runQueued(): void {
    if (this.draining) return;
    this.draining = true;
    try {
      while (!this.busy && this.phase === Phase.Command && this.relay.infileConn === null && this.queue.length > 0) {
        const next = this.queue.shift()!;
        this.command(unframe(next), next);
      }
    } finally {
      this.draining = false;
    }
  }

  private resetSession(): void {
    this.state.clear();
    this.statements.clear();
    this.userVars.clear();
    this.sqlStatements.clear();
    this.cursors.clear();
    this.trx.abandon();
    this.lease.drop(); // a held connection carries state the client just asked to forget
    this.lease.pins = 0;
    this.status = Status.AUTOCOMMIT;
    this.waitTimeoutMs = this.login.initialWaitTimeout();
  }

  // ---- the session directory (SHOW PROCESSLIST, KILL) and wait_timeout ----

  get owner(): string | null {
    return this.credential?.config.user ?? null;
  }

  process(now: number): ProcessRow {
    const running = this.busy && this.phase === Phase.Command;
    const info = running ? this.info : null;
    return {
      id: this.id,
      user: this.owner ?? 'unauthenticated user',
      host: this.clientHost,
      db: this.schema?.name ?? null,
      command: this.phase !== Phase.Command ? 'Connect' : running ? COMMAND_NAMES[this.com] ?? 'Query' : 'Sleep',
      time: Math.max(0, Math.floor((now - this.activeAt) / 1000)),
      state: running ? 'executing' : '',
      info: info === null || typeof info === 'string' ? info : info.toString('utf8', 1),
    };
  }

  /** The backend connections the running statement uses, with their servers. */
  private runningBackends(): [BackendConnection, BackendTarget][] {
    return this.busy ? this.lease.running() : [];
  }

  killQuery(): Promise<void> {
    return Promise.all(this.runningBackends().map(([conn, target]) => killOnBackend(target, conn, 'QUERY'))).then(() => undefined);
  }

  kill(): Promise<void> {
    const running = this.runningBackends();
    this.log.debug('killed');
    this.close(); // a connection in use or in a transaction is discarded, not pooled
    return Promise.all(running.map(([conn, target]) => killOnBackend(target, conn, 'CONNECTION'))).then(() => undefined);
  }

  sweepIdle(now: number): void {
    if (this.phase !== Phase.Command || this.busy || this.relay.infileConn) return;
    if (!idleTooLong(now, this.activeAt, this.waitTimeoutMs)) return;
    this.log.debug({ waitTimeoutMs: this.waitTimeoutMs }, 'idle past wait_timeout: closing');
    this.close();
  }

  // ---- ending ----

  private protocolError(e: unknown): void {
    const err = e instanceof SqlError ? e : new SqlError(ErrorCode.ER_MALFORMED_PACKET, `Malformed communication packet: ${(e as Error).message}`, { fatal: true });
    this.log.info({ err: err.message }, 'protocol error, closing the connection');
    try {
      this.sendError(err, 1);
    } finally {
      this.close();
    }
  }

  close(): void {
    if (this.phase === Phase.Closed) return;
    this.socket.end();
    this.closed();
  }

  /** Graceful stop: finish the running statement, then close. */
  drain(): Promise<void> {
    return new Promise((resolve) => {
      const check = () => (this.busy ? setImmediate(check) : (this.close(), resolve()));
      check();
    });
  }

  private closed(): void {
    if (this.phase === Phase.Closed) return;
    this.phase = Phase.Closed;
    this.framer.dispose(); // a slab held for a half-read packet goes back to the pool
    this.queue = [];
    this.statements.clear(); // the worker may close their backend statements
    this.trx.abandon();
    this.lease.end(this.busy); // mid-statement or pinned: the connection has state (or a half-read response), not reused
    this.host.sessionClosed(this);
  }
}
