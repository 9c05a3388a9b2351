// One client connection, from greeting to quit. It authenticates the client, then reads commands one
// at a time (pipelined ones wait in a queue), answers what sluice owns (USE, PING, COM_INIT_DB,
// SHOW DATABASES, ...) and relays the rest to a backend connection, streaming the response back
// without decoding rows. Between statements the backend connection returns to the pool unless the
// session is pinned to it (a transaction, locks, temporary tables, user variables, prepared
// statements), as ProxySQL does.
import type * as net from 'node:net';
import type * as tls from 'node:tls';
import type { Logger } from 'pino';
import { onChunks } from '../memory/read-buffers';
import { PacketFramer, frame, frameCommand, unframe, type PacketMemory } from '../protocol/framing';
import { BufferWriter } from '../protocol/buffer-writer';
import { encodeTextResult } from '../protocol/text-result';
import { BufferReader } from '../protocol/buffer-reader';
import { Cap, Com, Status, SERVER_CAPABILITIES, RELAY_PROFILE_MASK, Collation, MAX_PACKET_PAYLOAD } from '../protocol/constants';
import { encodeGreeting, decodeHandshakeResponse, decodeChangeUser, isSslRequest } from '../protocol/handshake';
import { encodeOk, encodeErr, encodeTextRow, encodeEndOfRows, decodeColumnDef, type ColumnDef } from '../protocol/packets';
import { newScramble, NATIVE_PASSWORD } from '../protocol/auth';
import { SqlError, ErrorCode, asSqlError } from '../protocol/errors';
import { ResponseKind } from '../protocol/response-scanner';
import { collationInfo } from '../protocol/collations';
import { type BackendConnection, type QueryResult } from '../backend/connection';
import type { BackendPool } from '../backend/pool';
import type { SchemaConfig, ShardedSchema, UserConfig } from '../config/types';
import { Counter, Histogram, QueryKind, Route } from '../metrics/layout';
import { upgradeToTls } from './tls-upgrade';
import { Authenticator, type AuthContext, type Credential } from './authenticate';
import { classify, Verb, Trait, type Classified } from '../kernel/classify';
import { accessError } from '../kernel/access';
import { SessionState } from '../backend/session-state';
import { BackendLease, Pin } from '../execute/backend-lease';
import type { StatementContext, WorkerServices } from '../kernel/context';
import { Relay } from '../kernel/relay';
import { forward, onForwardConnection } from '../kernel/forward';
import { forUser, preparedForUser, infoSchemaQuery, withInfoSchema } from '../kernel/user-view';
import { sessionIds, mayNameSessionIds, killSession, unpreparableSessionIds, SESSION_ID_WORDS } from '../kernel/session-ids';
import { StatementRegistry, backendExecute, backendLongData, type ClientStatement } from './prepared';
import { classifyPrepared, withParams, unpreparable, shardedStateRefusal } from '../kernel/stateful-statements';
import { decodeExecuteParams, EXECUTE_PARAMS_OFFSET } from '../protocol/binary-values';
import { isShowDatabases, INSERT_HEAD, countPlaceholders, splitStatements } from '../kernel/statement-text';
import { previewRows, previewTarget } from '../plan/preview';
import { explainSharded, explainTarget } from '../execute/explain';
import { metadataQuery, logicalRows, type MetadataQuery } from '../execute/metadata';
import { logicalNames } from '../rewrite/logical-names';
import { TransactionControl } from '../transaction/transaction-control';
import type { TransactionStrategy } from '../transaction/strategy';
import { commitsImplicitly, transactionEnd, type TransactionEnd } from '../transaction/statements';
import { onlyProcessList } from '../rewrite/info-schema';
import { ResultWriter } from '../respond/result-writer';
import { scatter, type ScatterHost } from '../execute/scatter';
import type { ReadRotation, ReplicaHealth } from '../execute/read-target';
import { planStatement, resolveMergeSpec, type ParamValue } from '../plan';
import type { ShardPlan } from '../plan/types';
import { mergedColumns } from '../merge/aggregates';
import type { BackendTarget } from '../backend/connection';
import type { ProcessRow } from '../kernel/directory';
import type { DirectorySession } from './session-directory';
import { idleTooLong, type IdleSession, type IdleSweep } from './idle-timeout';
import { killOnBackend } from './backend-kill';
import { spliceConnectionId } from '../kernel/connection-id';

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

const VERB_KIND: Partial<Record<Verb, QueryKind>> = {
  [Verb.Select]: QueryKind.Select, [Verb.Insert]: QueryKind.Insert, [Verb.Replace]: QueryKind.Insert,
  [Verb.Update]: QueryKind.Update, [Verb.Delete]: QueryKind.Delete,
};

/** Does the statement end with `)` (before blanks and a `;`)? A byte test that keeps the SELECT DATABASE() check off the hot path. */
function endsWithParen(payload: Buffer): boolean {
  for (let i = payload.length - 1; i > 0; i--) {
    const b = payload[i];
    if (b === 0x29) return true;
    if (b !== 0x20 && b !== 0x3b && b !== 0x0a && b !== 0x0d && b !== 0x09) return false;
  }
  return false;
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
  private tls = false;
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
  private readonly scramble = newScramble();
  private auth: Authenticator | null = null;
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
    this.sendGreeting();
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

  private sendPayload(w: BufferWriter, seq: number): void {
    const b = w.buf;
    const len = w.pos - w.headerRoom;
    b[0] = len & 0xff;
    b[1] = (len >>> 8) & 0xff;
    b[2] = (len >>> 16) & 0xff;
    b[3] = (seq + this.extraFrames) & 0xff;
    this.write(b.subarray(0, w.pos));
  }

  private sendOk(seq: number, info = '', affectedRows = 0): void {
    this.sendPayload(encodeOk(new BufferWriter(32 + info.length), { status: this.status, info, affectedRows }), seq);
  }

  private sendError(err: SqlError, seq: number): void {
    this.host.metrics.error(err.errno);
    const withState = this.phase !== Phase.Handshake;
    this.sendPayload(encodeErr(new BufferWriter(64 + err.message.length), err, withState), seq);
  }

  /** A small result set that sluice builds itself (SHOW DATABASES, SELECT DATABASE(), ...). */
  private sendRows(seq: number, columns: string[], rows: (string | null)[][]): void {
    this.write(encodeTextResult(columns, rows, this.caps, this.status, seq + this.extraFrames));
  }

  /** A writer of an answer that sluice builds, its sequence ids following the command's packets. */
  private resultWriter(binary = false): ResultWriter {
    const out = new ResultWriter(this.socket, this.caps, binary);
    out.seq += this.extraFrames;
    return out;
  }

  // ---- connection phase ----

  private sendGreeting(): void {
    const w = new BufferWriter(128);
    encodeGreeting(w, {
      serverVersion: this.host.serverVersion,
      connectionId: this.id,
      scramble: this.scramble,
      capabilities: SERVER_CAPABILITIES | (this.host.tlsContext ? Cap.SSL : 0),
      collation: Collation.UTF8MB4_GENERAL_CI,
      status: Status.AUTOCOMMIT,
      authPlugin: NATIVE_PASSWORD,
    });
    this.sendPayload(w, 0);
  }

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
          this.queue.push(framed ? Buffer.from(framed) : this.reframe(payload));
          return;
        }
        this.command(payload, framed);
        return;
      case Phase.Handshake:
        return this.onHandshakeResponse(payload, seq);
      case Phase.Auth:
        return this.onAuthPacket(payload, seq);
      default:
        return;
    }
  }

  /** Frames a reassembled command again for the backend (split when over 16 MiB); copies. */
  private reframe(payload: Buffer): Buffer {
    const parts = frame(payload, 0);
    return parts.length === 1 ? parts[0] : Buffer.concat(parts);
  }

  private onHandshakeResponse(payload: Buffer, seq: number): void {
    if (isSslRequest(payload)) {
      if (!this.host.tlsContext || this.tls) {
        this.sendError(new SqlError(ErrorCode.ER_HANDSHAKE_ERROR, 'TLS is not configured on this sluice; connect without TLS (e.g. --ssl=0, ssl-mode=DISABLED) or add a tls section to the config', { fatal: true }), seq + 1);
        return this.close();
      }
      return this.startTls();
    }
    const resp = decodeHandshakeResponse(payload);
    this.caps = resp.capabilities & SERVER_CAPABILITIES;
    this.profile = this.caps & RELAY_PROFILE_MASK;
    this.waitTimeoutMs = this.initialWaitTimeout();
    this.userName = resp.user;
    this.pendingDb = resp.database;
    const coll = collationInfo(resp.collation);
    if (resp.collation !== Collation.UTF8MB4_GENERAL_CI && coll) {
      this.state.record(['names'], `SET NAMES ${coll.charset} COLLATE ${coll.name}`);
    }
    this.auth = new Authenticator(this.host.auth, this.scramble, this.remoteHost(), this.tls);
    this.phase = Phase.Auth;
    this.authStep(this.auth.start(resp), seq + 1);
  }

  private pendingDb: string | null = null;

  remoteHost(): string {
    return this.socket.remoteAddress?.replace(/^::ffff:/, '') ?? 'localhost';
  }

  /** The client sent an SSLRequest: the rest of the connection runs over TLS; the HandshakeResponse follows (sequence id 2). */
  private startTls(): void {
    this.framer.stop();
    this.socket = upgradeToTls(this.socket, this.host.tlsContext!, this.onData, () => {
      const rest = this.framer.leftover;
      this.framer = this.newFramer();
      return rest;
    }, this.log);
    this.tls = true;
  }

  private onAuthPacket(payload: Buffer, seq: number): void {
    this.authStep(this.auth!.next(payload), seq + 1);
  }

  private authStep(step: ReturnType<Authenticator['start']>, seq: number): void {
    if (step.kind === 'send') {
      this.sendPayload(new BufferWriter(step.payload.length).bytes(step.payload), seq);
      return;
    }
    if (step.kind === 'fail') {
      this.sendError(step.error, seq);
      this.log.info({ user: this.userName, err: step.error.message }, 'authentication failed');
      return this.close();
    }
    if (step.credential.config.requireTls && !this.tls) {
      this.sendError(new SqlError(ErrorCode.ER_ACCESS_DENIED_ERROR, `Access denied for user '${this.userName}'@'${this.remoteHost()}': this user must connect with TLS (e.g. --ssl, ssl-mode=REQUIRED)`, { fatal: true }), seq);
      return this.close();
    }
    if (step.preface) this.sendPayload(new BufferWriter(2).bytes(step.preface), seq++);
    this.credential = step.credential;
    this.auth = null;
    if (this.pendingDb) {
      const err = this.use(this.pendingDb);
      if (err) {
        this.sendError(err, seq);
        return this.close();
      }
    }
    this.phase = Phase.Command;
    this.log.debug({ user: this.userName, schema: this.schema?.name }, 'client authenticated');
    this.sendOk(seq);
  }

  /**
   * COM_CHANGE_USER: authenticate again (with the handshake's scramble, as MySQL does) and start
   * from a clean session: state, statements, transaction and backend connection are dropped.
   */
  private changeUser(payload: Buffer): void {
    const resp = decodeChangeUser(payload, this.caps);
    this.resetSession();
    this.schema = null;
    this.userName = resp.user;
    this.pendingDb = resp.database;
    const coll = resp.collation ? collationInfo(resp.collation) : null;
    if (coll && resp.collation !== Collation.UTF8MB4_GENERAL_CI) this.state.record(['names'], `SET NAMES ${coll.charset} COLLATE ${coll.name}`);
    this.auth = new Authenticator(this.host.auth, this.scramble, this.remoteHost(), this.tls);
    this.phase = Phase.Auth;
    this.authStep(this.auth.start(resp), 1);
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
          return this.query(payload, framed);
        case Com.QUIT:
          return this.close();
        case Com.PING:
          return this.sendOk(1);
        case Com.INIT_DB: {
          const err = this.use(payload.toString('utf8', 1));
          return err ? this.sendError(err, 1) : this.sendOk(1);
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
          if (this.schema?.kind === 'sharded') return this.shardedFieldList(payload);
          return forward(this, framed ?? this.reframe(payload), ResponseKind.FieldList, null);
        case Com.SET_OPTION: {
          // 0 = multi-statements on, 1 = off. The relay profile follows.
          const on = payload.readUInt16LE(1) === 0;
          this.caps = on ? this.caps | Cap.MULTI_STATEMENTS : this.caps & ~Cap.MULTI_STATEMENTS;
          this.profile = this.caps & RELAY_PROFILE_MASK;
          const w = encodeEndOfRows(new BufferWriter(16), this.caps, this.status);
          return this.sendPayload(w, 1);
        }
        case Com.STMT_PREPARE:
          return this.prepareStatement(payload.toString('latin1', 1));
        case Com.STMT_EXECUTE:
          return this.executeStatement(payload, framed);
        case Com.STMT_FETCH:
          return this.fetchStatement(payload);
        case Com.STMT_RESET: {
          const stmt = this.statement(payload, 'mysqld_stmt_reset');
          if (!stmt) return;
          stmt.longData = [];
          this.cursors.delete(stmt.id);
          return this.sendOk(1);
        }
        case Com.STMT_CLOSE:
          this.statements.delete(payload.readUInt32LE(1));
          this.cursors.delete(payload.readUInt32LE(1));
          this.lease.conn?.trimUnreferenced(); // a connection this session holds is free between its commands
          return;
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

  private query(payload: Buffer, framed: Buffer | null): void {
    const c = classify(payload, 1, payload.length);
    this.info = framed !== null ? payload : null; // a reassembled payload's slab is reused: not kept
    if (mayNameSessionIds(c)) {
      const taken = sessionIds(this, payload, c);
      if (taken === true) return;
      if (taken !== false) return this.query(taken, null); // CONNECTION_ID() spliced: on through the pipeline
    }
    this.host.metrics.query(VERB_KIND[c.verb] ?? QueryKind.Other);
    if (c.verb === Verb.Use && !(c.traits & Trait.Multi)) return this.useStatement(payload);
    if (c.verb === Verb.Other && isShowDatabases(payload)) {
      const allowed = this.credential!.config.schemas;
      const names = Object.keys(this.host.schemas).filter((n) => allowed.includes('*') || allowed.includes(n)).sort();
      return this.sendRows(1, ['Database'], [['information_schema'], ...names.map((n) => [n])]);
    }
    if (c.verb === Verb.Select && payload.length < 48 && endsWithParen(payload)) {
      // SELECT DATABASE() names the logical schema, not the backend database behind it.
      const m = /^\s*select\s+((?:database|schema)\s*\(\s*\))\s*;?\s*$/i.exec(payload.toString('latin1', 1));
      if (m) return this.sendRows(1, [m[1]], [[this.schema?.name ?? null]]); // the column is named as written
    }
    const denied = accessError(payload, 1, c, this.user, this.host.schemas, this.schema);
    if (denied) return this.sendError(denied, 1);
    if (c.verb === Verb.Other || c.verb === Verb.Prepare || c.traits & (Trait.Identity | Trait.InfoSchema)) {
      // SHOW GRANTS, USER(), information_schema: answered for the sluice user, never the backend account.
      const own = forUser(this, payload.toString('latin1', 1), c);
      if (own === true) return;
      if (own !== null) { payload = own; framed = null; }
      const sql = payload.toString('latin1', 1);
      if (c.traits & Trait.InfoSchema && !onlyProcessList(sql)) return infoSchemaQuery(this, sql, c);
    }
    if (this.schema?.kind === 'sharded') return this.shardedQuery(payload, c, framed);
    forward(this, framed ?? this.reframe(payload), ResponseKind.Result, c);
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

  ok(info = '', affectedRows = 0): void {
    this.sendOk(1, info, affectedRows);
  }

  send(w: BufferWriter): void {
    this.sendPayload(w, 1);
  }

  rows(columns: string[], rows: (string | null)[][]): void {
    this.sendRows(1, columns, rows);
  }

  writer(binary = false): ResultWriter {
    return this.resultWriter(binary);
  }

  error(err: SqlError): void {
    this.sendError(err, 1);
  }

  fail(err: SqlError): void {
    this.finishWithError(err);
  }

  done(): void {
    this.afterStatement();
  }

  // ---- prepared statements (binary protocol) ----

  private readonly statements: StatementRegistry;

  /** The client statement named by a command's id, or an ERR 1243 sent for an unknown one. */
  private statement(payload: Buffer, command: string): ClientStatement | null {
    const id = payload.readUInt32LE(1);
    const stmt = this.statements.get(id);
    if (!stmt) {
      this.sendError(new SqlError(ErrorCode.ER_UNKNOWN_STMT_HANDLER, `Unknown prepared statement handler (${id}) given to ${command}`), 1);
      return null;
    }
    return stmt;
  }

  /**
   * COM_STMT_PREPARE. Forwarding: prepared on a backend connection (which keeps it cached for later
   * executes) to learn its parameters and columns. Sharded: sluice counts the parameters itself and
   * announces no columns (each execute's result carries its own column definitions).
   */
  private prepareStatement(sql: string): void {
    this.busy = true;
    this.started = performance.now();
    this.info = sql;
    if (SESSION_ID_WORDS.test(sql)) {
      const refused = unpreparableSessionIds(sql);
      if (refused) return this.finishWithError(refused);
      sql = spliceConnectionId(sql, this.id);
    }
    try {
      sql = preparedForUser(this, sql);
    } catch (e) {
      return this.finishWithError(asSqlError(e, 'PREPARE'));
    }
    const bytes = Buffer.from(sql, 'latin1');
    if (classify(bytes, 0, bytes.length).traits & Trait.InfoSchema) {
      if (this.schema?.kind === 'sharded') {
        return this.finishWithError(new SqlError(ErrorCode.ER_NOT_SUPPORTED_YET, 'information_schema on a sharded schema is answered for text queries only; send this one without preparing it'));
      }
      withInfoSchema(this, sql, (spliced) => this.prepareSpliced(spliced.sql));
      return;
    }
    this.prepareSpliced(sql);
  }

  /** COM_STMT_PREPARE of a statement already given the sluice user's view (see prepareStatement). */
  private prepareSpliced(sql: string): void {
    const text = classifyPrepared(sql);
    const unsupported = unpreparable(text);
    if (unsupported) return this.finishWithError(unsupported);
    // Checked at prepare, so every execute of the statement is covered.
    const denied = accessError(Buffer.from(sql, 'latin1'), 0, text, this.credential!.config, this.host.schemas, this.schema);
    if (denied) return this.finishWithError(denied);
    if (this.schema?.kind === 'sharded') {
      let params: number;
      try {
        params = countPlaceholders(sql);
      } catch (e) {
        return this.finishWithError(asSqlError(e, 'PREPARE'));
      }
      const c = withParams(text, params);
      const refused = shardedStateRefusal(sql, c, this.sharded.name);
      if (refused) return this.finishWithError(refused);
      const stmt = this.statements.add(sql, params, 0, c);
      // BEGIN, COMMIT, SET ... prepared (sysbench does): each execute is answered as the text would be.
      if (params === 0 && isSessionStatement(sql, c)) stmt.sessionStatement = c;
      const answer = (columns: ColumnDef[]) => {
        if (this.phase === Phase.Closed) return;
        stmt.columns = columns.length;
        this.resultWriter().prepareOk(stmt.id, columns.length, params, [], columns);
        this.afterStatement();
      };
      // Writes return no rows (and planning an INSERT would draw keys from the generator for nothing).
      if (stmt.sessionStatement || c.verb === Verb.Insert || c.verb === Verb.Replace || c.verb === Verb.Update || c.verb === Verb.Delete) return answer([]);
      return this.shardedResultColumns(sql, params, answer);
    }
    onForwardConnection(this, (conn) => conn.statement(sql, 'latin1').then((backend) => {
      const stmt = this.statements.add(sql, backend.params, backend.columns, withParams(text, backend.params));
      const out = this.resultWriter();
      out.prepareOk(stmt.id, backend.columns, backend.params, backend.packets);
      this.afterStatement();
    }));
  }

  private executeStatement(payload: Buffer, framed: Buffer | null): void {
    const stmt = this.statement(payload, 'mysqld_stmt_execute');
    if (!stmt) return;
    this.info = stmt.sql;
    this.host.metrics.query(QueryKind.Other);
    const bitmapEnd = EXECUTE_PARAMS_OFFSET + ((stmt.params + 7) >> 3);
    if (stmt.params > 0 && payload[bitmapEnd] === 1) stmt.types = Buffer.from(payload.subarray(bitmapEnd + 1, bitmapEnd + 1 + stmt.params * 2));
    if (this.schema?.kind === 'sharded') return this.executeSharded(stmt, payload, framed);
    const cursor = (payload[5] & 0x07) !== 0; // CURSOR_TYPE_READ_ONLY | FOR_UPDATE | SCROLLABLE
    // The packet goes to the backend after a connection is found: a reassembled payload lies in a
    // pool slab reused once this call returns, so it is copied (a whole packet is a read buffer's view, never reused).
    if (framed === null) payload = Buffer.from(payload);
    onForwardConnection(this, (conn) => {
      // Its session state (temporary tables, user variables, locks, SET) is kept as the text path keeps it: see end().
      this.relay.remember(stmt.classified, stmt.classified.traits & Trait.SessionSet ? Buffer.from(stmt.sql, 'latin1') : null);
      return this.relayExecute(conn, stmt, payload, framed, cursor, null);
    });
  }

  /**
   * Prepares the statement on conn (cached there per database) and relays the client's execute to
   * it, its long data first; the binary answer streams back untouched. For a `sharded` schema's
   * partition an ERR that answers it gets logical names.
   */
  private relayExecute(conn: BackendConnection, stmt: ClientStatement, payload: Buffer, framed: Buffer | null, cursor: boolean, sharded: ShardedSchema | null): Promise<void> {
    return conn.statement(stmt.sql, 'latin1').then((backend) => {
      for (const p of backendLongData(stmt, backend.id)) conn.sendNoReply(p);
      stmt.longData = [];
      // A cursor lives on this connection until the statement is executed again or closed.
      if (cursor) this.lease.pins |= Pin.Prepared;
      else this.lease.pins &= ~Pin.Prepared;
      this.relay.send(conn, backendExecute(payload, framed, stmt, backend.id), ResponseKind.Result, sharded);
    });
  }

  private fetchStatement(payload: Buffer): void {
    const stmt = this.statement(payload, 'mysqld_stmt_fetch');
    if (!stmt) return;
    const kept = this.cursors.get(stmt.id);
    if (kept) {
      kept.next = new ResultWriter(this.socket, this.caps).fetch(kept.rows, kept.next, payload.readUInt32LE(5), this.status);
      if (kept.next >= kept.rows.length) this.cursors.delete(stmt.id);
      return;
    }
    const backend = this.lease.conn?.preparedStatement(stmt.sql);
    if (!backend || !(this.lease.pins & Pin.Prepared)) {
      return this.sendError(new SqlError(ErrorCode.ER_UNKNOWN_ERROR, 'COM_STMT_FETCH without an open cursor: execute the statement with a cursor first'), 1);
    }
    this.begin();
    const out = Buffer.from([9, 0, 0, 0, Com.STMT_FETCH, 0, 0, 0, 0, 0, 0, 0, 0]);
    out.writeUInt32LE(backend.id, 5);
    payload.copy(out, 9, 5, 9);
    this.relay.send(this.lease.conn!, out, ResponseKind.Fetch, null, null);
  }

  /** An execute on a sharded schema: routed by its bound values like a text statement, answered in binary rows. */
  private executeSharded(stmt: ClientStatement, payload: Buffer, framed: Buffer | null): void {
    this.busy = true;
    this.started = performance.now();
    if (stmt.sessionStatement && this.shardedSessionStatement(stmt.sql, stmt.sessionStatement)) return;
    // Prepared on a forwarding schema before a USE: still nothing may stay on a partition's pooled connection.
    const refused = stmt.classified.traits & Trait.Pin ? shardedStateRefusal(stmt.sql, stmt.classified, this.sharded.name) : null;
    if (refused) return this.finishWithError(refused);
    if (!this.trx.outside && (stmt.classified.verb === Verb.Create || stmt.classified.verb === Verb.Other) && commitsImplicitly(stmt.sql)) {
      const copy = Buffer.from(payload); // may be a pool slab's view, reused once this call returns
      return this.commitThen(() => this.executeSharded(stmt, copy, null));
    }
    let plan: ShardPlan;
    try {
      let long: Map<number, Buffer> | undefined;
      if (stmt.longData.length > 0) {
        long = new Map();
        for (const { param, data } of stmt.longData) long.set(param, long.has(param) ? Buffer.concat([long.get(param)!, data]) : data);
      }
      const { values } = decodeExecuteParams(payload, stmt.params, stmt.types, long);
      plan = planStatement(stmt.sql, this.sharded, { params: values, cache: this.host.planCache, keys: this.host.keys });
    } catch (e) {
      return this.finishWithError(asSqlError(e, 'planning'));
    }
    const cursor = (payload[5] & 0x07) !== 0;
    this.cursors.delete(stmt.id); // a cursor of an earlier execute ends here
    // Long data goes to the partition before the execute, as for forwarding (inlined as SQL, a binary value would double as hex).
    if (plan.asWritten && plan.units.length === 1 && !plan.merge && !cursor && !this.ensureImplicitTrx()) {
      return this.executeOnPartition(stmt, payload, framed, plan);
    }
    stmt.longData = [];
    // A cursor (CURSOR_TYPE_READ_ONLY …): the merged rows are kept here and served by COM_STMT_FETCH.
    this.runScatter(plan, true, cursor ? stmt : null);
  }

  /**
   * The hot path of a prepared statement on a sharded schema: one partition, and the statement as the
   * client wrote it is that partition's statement. It is prepared on the partition's backend
   * connection (cached there) and the client's execute is relayed to it, the binary answer relayed
   * back untouched, as for a forwarding schema: no SQL is rendered, no rows are re-encoded.
   */
  private executeOnPartition(stmt: ClientStatement, payload: Buffer, framed: Buffer | null, plan: ShardPlan): void {
    const schema = this.sharded;
    const unit = plan.units[0];
    const part = schema.partitions[unit.partition];
    this.host.metrics.route(Route.Single);
    if (plan.primary) this.lease.wrote(schema);
    const pool = this.lease.partitionPool(schema, unit.partition, plan.primary);
    // The packet goes to the backend after a connection is found: a reassembled payload is copied.
    if (framed === null) payload = Buffer.from(payload);
    this.relay.withConnection(pool, part.database, (conn) => this.relayExecute(conn, stmt, payload, framed, false, schema), logicalNames(schema), plan.primary ? null : { schema, partition: unit.partition });
  }

  /**
   * The columns a sharded SELECT will return, for its PREPARE_OK: clients built on the C connector
   * (sysbench, mysqlclient, DBD::MariaDB) read a result only when the prepare announced columns.
   * The statement is planned with placeholder values (NULL, else 0: only its shape matters) and its
   * first unit prepared, not run, on that partition; the merge's visible columns are what an execute
   * returns. Anything that does not plan or prepare announces no columns (the execute then reports
   * the error, as before).
   */
  private shardedResultColumns(sql: string, params: number, done: (columns: ColumnDef[]) => void): void {
    const schema = this.sharded;
    let plan: ShardPlan | null = null;
    for (const value of [null, 0]) {
      try {
        plan = planStatement(sql, schema, { params: new Array<ParamValue>(params).fill(value), cache: this.host.planCache, keys: this.host.keys });
        break;
      } catch {
        // another placeholder value, or no columns
      }
    }
    if (plan === null || !plan.returnsRows) return done([]);
    const unit = plan.units[0];
    const merge = plan.merge;
    this.onPartition(unit.partition, (conn) => conn.prepare(unit.sql, 'latin1').then((backend) => {
      conn.closeStatement(backend.id);
      return backend;
    })).then((backend) => {
      // No parameters (the values are inlined): the packets are the column definitions.
      const columns = backend.packets.slice(0, backend.columns).map(decodeColumnDef);
      if (!merge) return done(columns);
      const spec = resolveMergeSpec(merge, columns.length);
      done(mergedColumns(spec, columns).slice(0, spec.visible));
    }, (e: Error) => {
      this.log.debug({ err: e.message }, 'sharded prepare: no column metadata');
      done([]);
    });
  }

  /** Open cursors of sharded executes: the kept binary rows and the next one to send. */
  private readonly cursors = new Map<number, { rows: Buffer[]; next: number }>();

  // ---- sharded schemas: plan -> route units -> execute -> merge ----

  /** The transaction state on a sharded schema: the open transaction (BEGIN, or autocommit off), autocommit, implicit commits. */
  private readonly trx = new TransactionControl((p) => this.describePartition(p));

  get sharded(): ShardedSchema {
    return this.schema as ShardedSchema;
  }

  private shardedQuery(payload: Buffer, c: Classified, framed: Buffer | null): void {
    // SQL text stays a byte string (latin1: one char per byte) from here to the backend, so bytes in any
    // character set, and raw _binary literals, reach the shards unchanged.
    const sql = payload.toString('latin1', 1);
    const schema = this.sharded;
    this.busy = true;
    this.started = performance.now();
    if (this.shardedSessionStatement(sql, c)) return;
    const refused = c.traits & Trait.Pin ? shardedStateRefusal(sql, c, schema.name) : null;
    if (refused) return this.finishWithError(refused);
    if (c.traits & Trait.Multi) return this.shardedMulti(sql);
    if (c.verb === Verb.Other) {
      // PREVIEW, EXPLAIN, SHOW and DESCRIBE all classify as Other: SELECT and DML skip these checks.
      const previewed = previewTarget(sql);
      if (previewed !== null) return this.preview(previewed);
      const explained = explainTarget(sql);
      if (explained !== null) return this.explain(explained);
      const meta = metadataQuery(sql, schema);
      if (meta) return this.metadata(meta);
    }
    if ((c.verb === Verb.Create || c.verb === Verb.Other) && commitsImplicitly(sql)) return this.commitThen(() => this.planAndRun(sql, c, true));
    this.planAndRun(sql, c, true, framed);
  }

  /**
   * Transaction control and session SETs on a sharded schema, which the session answers itself
   * (text or prepared): true when sql was one and is under way.
   */
  private shardedSessionStatement(sql: string, c: Classified): boolean {
    if (!isSessionStatement(sql, c)) return false;
    switch (c.verb) {
      case Verb.Begin:
      case Verb.Start:
        this.beginShardTrx(sql);
        break;
      case Verb.Commit:
      case Verb.Rollback: {
        const end = transactionEnd(sql);
        if (end) this.endShardTrx(end);
        else if (c.verb === Verb.Commit) this.endShardTrx({ verb: 'COMMIT', chain: false, release: false });
        else this.shardTrxEverywhere(sql); // ROLLBACK TO SAVEPOINT
        break;
      }
      case Verb.Set:
        this.shardedSet(sql, c);
        break;
      default: // SAVEPOINT, RELEASE SAVEPOINT
        this.shardTrxEverywhere(sql);
    }
    return true;
  }

  /**
   * Plans a statement and runs it. An INSERT without a column list into a sharded table is given
   * the table's columns (read once from its first physical table) and planned again.
   */
  private planAndRun(sql: string, c: Classified, mayAddColumns: boolean, framed: Buffer | null = null): void {
    const schema = this.sharded;
    let plan: ShardPlan;
    try {
      plan = planStatement(sql, schema, { cache: this.host.planCache, keys: this.host.keys });
    } catch (e) {
      const head = mayAddColumns && /needs a column list/.test((e as Error).message) ? INSERT_HEAD.exec(sql) : null;
      const rule = head ? schema.tables[head[2].replace(/`/g, '')] : undefined;
      if (head && rule?.kind === 'sharded' && head[3] !== '(') return this.insertWithColumns(sql, c, head, rule);
      return this.finishWithError(asSqlError(e, 'planning'));
    }
    const trx = this.ensureImplicitTrx();
    if (plan.units.length === 1 && !plan.merge && !trx) {
      this.host.metrics.route(Route.Single);
      // One unit and nothing to merge: relay its response untouched, as forwarding does.
      const unit = plan.units[0];
      const part = schema.partitions[unit.partition];
      if (plan.primary) this.lease.wrote(schema);
      const pool = this.lease.partitionPool(schema, unit.partition, plan.primary);
      // A unit whose SQL is the client's own text (no rename needed) goes out in the client's packet.
      return this.relay.query(pool, part.database, framed && unit.sql === sql ? framed : frameCommand(Com.QUERY, unit.sql), c, schema, plan.primary ? null : { schema, partition: unit.partition });
    }
    this.runScatter(plan, false);
  }

  /** Runs a plan's units in parallel and merges them into one answer (binary rows for an execute). */
  private runScatter(plan: ShardPlan, binary: boolean, cursorFor: ClientStatement | null = null): void {
    this.host.metrics.route(plan.route === 'single' ? Route.Single : plan.route === 'multi' ? Route.Multi : Route.Broadcast);
    this.ensureImplicitTrx();
    const out = this.resultWriter(binary);
    if (cursorFor && plan.returnsRows) {
      out.cursor = [];
      out.cursorLimit = this.host.maxQueryMemoryBytes;
    }
    const statusNow = this.trx.status(this.status);
    scatter(this.shardHost(plan.primary, statusNow), plan, out, (err) => {
      if (!err && cursorFor && out.cursor) this.cursors.set(cursorFor.id, { rows: out.cursor, next: 0 });
      this.host.metrics.inc(Counter.BytesOut, out.written);
      this.host.metrics.observe(Histogram.QueryLatency, (performance.now() - this.started) * 1000);
      this.afterStatement();
    });
  }

  /** PREVIEW <statement>: the route units and merge steps, without executing. */
  private preview(inner: string): void {
    try {
      const { columns, rows } = previewRows(inner, this.sharded, { cache: this.host.planCache, keys: this.host.keys });
      this.sendRows(1, columns, rows);
      this.afterStatement();
    } catch (e) {
      this.finishWithError(asSqlError(e, 'PREVIEW'));
    }
  }

  /** Column names of sharded tables, read from their first physical table (per session). */
  private readonly tableColumns = new Map<string, string[]>();

  private insertWithColumns(sql: string, c: Classified, head: RegExpExecArray, rule: { name: string; tablesPerPartition: number }): void {
    const insert = (columns: string[]) => {
      const list = columns.map((n) => '`' + n.replace(/`/g, '``') + '`').join(', ');
      this.planAndRun(`${head[1]} (${list}) ${sql.slice(head[0].length - head[3].length)}`, c, false);
    };
    const known = this.tableColumns.get(rule.name);
    if (known) return insert(known);
    const physical = rule.tablesPerPartition > 1 ? `${rule.name}_0` : rule.name;
    this.runOn(0, `SHOW COLUMNS FROM \`${physical}\``).then(
      (r) => {
        const columns = r.rows.map((row) => row[0]!);
        this.tableColumns.set(rule.name, columns);
        insert(columns);
      },
      (e: unknown) => this.finishWithError(asSqlError(e, 'reading the table\'s columns')),
    );
  }

  /**
   * COM_FIELD_LIST (clients' table-name completion) on a sharded schema: answered by the table's
   * first physical table (partition 0), or by the default partition for a table without a rule.
   */
  private shardedFieldList(payload: Buffer): void {
    const schema = this.sharded;
    const r = new BufferReader(payload, 1);
    const table = r.nulString('latin1');
    const wildcard = r.rest();
    const rule = schema.tables[table];
    const physical = rule?.kind === 'sharded' && rule.tablesPerPartition > 1 ? `${rule.name}_0` : table;
    const p = rule ? 0 : schema.defaultPartition;
    const part = schema.partitions[p];
    const w = new BufferWriter(physical.length + wildcard.length + 2);
    w.u8(Com.FIELD_LIST).str(physical, 'latin1').u8(0).bytes(wildcard);
    const framed = frame(Buffer.from(w.payload()), 0);
    this.begin();
    this.relay.command(this.pool(part.write), part.database, framed.length === 1 ? framed[0] : Buffer.concat(framed), ResponseKind.FieldList, schema);
  }

  /** Runs one statement on a partition and collects its (small) answer. */
  private runOn(p: number, sql: string): Promise<QueryResult> {
    return this.onPartition(p, (conn) => conn.query(Buffer.from(sql, 'latin1')));
  }

  /**
   * Runs fn on a connection of partition p (the transaction's, if one is open), given back when fn
   * settles; a backend error comes back under the schema's logical names.
   */
  private onPartition<T>(p: number, fn: (conn: BackendConnection) => Promise<T>): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      this.shardHost(false, this.status).acquire(p, this.trx.current !== null, (err, lease) => {
        if (err || !lease) return reject(err);
        fn(lease.conn).then(
          (r) => { lease.release(); resolve(r); },
          (e: Error) => {
            if (lease.conn.closed || !(e instanceof SqlError)) lease.discard(); else lease.release();
            reject(e instanceof SqlError ? logicalNames(this.sharded).error(e) : e);
          },
        );
      });
    });
  }

  /** SHOW TABLES, DESCRIBE, SHOW CREATE TABLE … answered with logical table names. */
  private metadata(q: MetadataQuery): void {
    this.runOn(q.partition, q.sql).then(
      (r) => {
        const { columns, rows } = logicalRows(q, r, this.sharded);
        const out = this.resultWriter();
        out.columns(columns, this.status);
        const w = new BufferWriter(256);
        for (const row of rows) out.row(encodeTextRow(w.reset(), row).payload());
        out.end(this.status);
        this.afterStatement();
      },
      (e: unknown) => this.finishWithError(asSqlError(e, 'metadata')),
    );
  }

  /** EXPLAIN on a sharded statement: each unit's backend EXPLAIN, with its partition first. */
  private explain(inner: string): void {
    const schema = this.sharded;
    const runOn = (p: number, sql: string) => this.runOn(p, sql);
    explainSharded(inner, schema, { cache: this.host.planCache, keys: this.host.keys }, runOn).then(
      ({ columns, rows }) => { this.sendRows(1, columns, rows); this.afterStatement(); },
      (e: unknown) => this.finishWithError(asSqlError(e, 'EXPLAIN')),
    );
  }

  /**
   * Several statements in one COM_QUERY on a sharded schema: each is planned and run on its own, in
   * order, their results sent one after another with MORE_RESULTS_EXISTS on all but the last; the
   * first error ends the response, as MySQL does.
   */
  private shardedMulti(sql: string): void {
    if (!(this.caps & Cap.MULTI_STATEMENTS)) {
      return this.finishWithError(new SqlError(ErrorCode.ER_PARSE_ERROR, 'You sent several statements in one query, but the connection did not enable multi-statements (CLIENT_MULTI_STATEMENTS); send them one by one or enable multipleStatements in the driver'));
    }
    const plans: ShardPlan[] = [];
    const commits: boolean[] = [];
    try {
      for (const part of splitStatements(sql)) {
        commits.push(commitsImplicitly(part));
        const verb = classify(Buffer.from(part), 0, Buffer.byteLength(part)).verb;
        if ([Verb.Begin, Verb.Start, Verb.Commit, Verb.Rollback, Verb.Set, Verb.Use, Verb.Lock].includes(verb) || previewTarget(part) !== null || explainTarget(part) !== null) {
          throw new SqlError(ErrorCode.ER_NOT_SUPPORTED_YET, `'${part.trim().slice(0, 40)}' cannot be combined with other statements in one query on a sharded schema; send it on its own`);
        }
        plans.push(planStatement(part, this.sharded, { cache: this.host.planCache, keys: this.host.keys }));
      }
    } catch (e) {
      return this.finishWithError(asSqlError(e, 'planning'));
    }
    const out = this.resultWriter();
    const run = (i: number) => {
      if (commits[i] && !this.trx.outside) return this.commitThen(() => run(i), (e) => { out.error(e); this.afterStatement(); });
      if (!commits[i]) {
        this.trx.statementEnded();
        this.ensureImplicitTrx();
      }
      const plan = plans[i];
      this.host.metrics.route(plan.route === 'single' ? Route.Single : plan.route === 'multi' ? Route.Multi : Route.Broadcast);
      const status = this.trx.status(this.status) | (i < plans.length - 1 ? Status.MORE_RESULTS_EXISTS : 0);
      scatter(this.shardHost(plan.primary, status), plan, out, (err) => {
        if (!err && i < plans.length - 1) return run(i + 1);
        this.host.metrics.inc(Counter.BytesOut, out.written);
        this.afterStatement();
      });
    };
    run(0);
  }

  /** With autocommit off, any statement opens a transaction (but one that commits implicitly). */
  private ensureImplicitTrx(): TransactionStrategy | null {
    const trx = this.trx.ensureImplicit();
    this.status = this.trx.status(this.status);
    return trx;
  }

  /**
   * Runs a statement that commits implicitly: the open transaction is committed first, on every
   * partition it touched (MariaDB commits even when the statement then fails), and the statement
   * runs outside any transaction.
   */
  private commitThen(run: () => void, failed: (e: SqlError) => void = (e) => this.finishWithError(e)): void {
    const commits = this.trx.commitImplicitly();
    this.status = this.trx.status(this.status);
    commits.then(run, failed);
  }

  private beginShardTrx(sql: string): void {
    const begins = this.trx.begin(sql);
    this.status = this.trx.status(this.status);
    begins.then(() => {
      this.sendOk(1);
      this.afterStatement();
    }, (e: SqlError) => this.finishWithError(e));
  }

  private endShardTrx(end: TransactionEnd): void {
    const ends = this.trx.end(end);
    this.status = this.trx.status(this.status);
    ends.then(() => {
      this.status = this.trx.status(this.status); // AND CHAIN: a new transaction with the same characteristics (READ ONLY, ...)
      this.sendOk(1);
      if (end.release) return this.close(); // RELEASE: MariaDB closes the connection after the OK
      this.afterStatement();
    }, (e: SqlError) => this.finishWithError(e));
  }

  private shardTrxEverywhere(sql: string): void {
    this.trx.savepoint(sql).then(() => { this.sendOk(1); this.afterStatement(); }, (e: SqlError) => this.finishWithError(e));
  }

  /**
   * SET of session variables: run on a connection of the default partition, then recorded for every
   * connection, and made on the open transaction's connections too. Autocommit is read off the
   * backend's answer (any spelling of the SET); turning it from 0 to 1 commits the open transaction,
   * as MariaDB does. The OK is sluice's, with the session's flags.
   */
  private shardedSet(sql: string, c: Classified): void {
    const schema = this.sharded;
    const part = schema.partitions[schema.defaultPartition];
    this.relay.withConnection(this.pool(part.write), part.database, async (conn) => {
      const ok = (await conn.query(Buffer.from(sql, 'latin1'))).ok!;
      this.state.record(c.setNames!, sql);
      conn.stateKey = this.state.key;
      const applied = this.trx.sessionSet(sql, (ok.status & Status.AUTOCOMMIT) !== 0, this.state.key);
      this.status = this.trx.status((this.status & ~Status.AUTOCOMMIT) | (ok.status & Status.AUTOCOMMIT));
      await applied;
      this.sendPayload(encodeOk(new BufferWriter(32 + ok.info.length), { status: this.status, info: ok.info, warnings: ok.warnings }), 1);
      this.afterStatement();
    }, logicalNames(schema));
  }

  private describePartition(p: number): string {
    const part = this.sharded.partitions[p];
    return `partition ${p} (${part.write}/${part.database})`;
  }

  private shardHost(primary: boolean, status: number): ScatterHost {
    const schema = this.sharded;
    if (primary) this.lease.wrote(schema);
    const trx = this.trx.current;
    return {
      inTransaction: trx !== null,
      status,
      memoryLimitBytes: this.host.maxQueryMemoryBytes,
      slabPool: this.host.slabPool,
      describe: (p) => this.describePartition(p),
      names: logicalNames(schema),
      acquire: (p, wantPrimary, cb) => {
        const part = schema.partitions[p];
        if (trx) {
          return trx.lend(p, () => this.lease.open(this.pool(part.write), part.database), (err, conn) => {
            if (err || !conn) return cb(err, null);
            cb(null, this.lease.note({ conn, release: () => trx.takeBack(p), discard: () => trx.broken(p) }, this.pool(part.write).target));
          });
        }
        this.lease.lend({ schema, partition: p, primary: wantPrimary }, cb);
      },
    };
  }

  private useStatement(payload: Buffer): void {
    // USE name | USE `name`
    const m = /^\s*use\s+(`(?:[^`]|``)+`|[^\s;`]+)\s*;?\s*$/i.exec(payload.toString('utf8', 1));
    if (!m) return this.sendError(new SqlError(ErrorCode.ER_PARSE_ERROR, `You have an error in your SQL syntax; check the manual that corresponds to your MariaDB server version for the right syntax to use near '${payload.toString('utf8', 1).slice(0, 80)}' at line 1`), 1);
    const name = m[1].startsWith('`') ? m[1].slice(1, -1).replace(/``/g, '`') : m[1];
    const err = this.use(name);
    return err ? this.sendError(err, 1) : this.sendOk(1);
  }

  /** COM_STATISTICS, in mysqladmin's format: Threads are this worker's sessions, Questions this session's commands. */
  private statistics(): void {
    const up = Math.max(1, Math.floor(process.uptime()));
    const text = `Uptime: ${up}  Threads: ${this.host.sessionCount}  Questions: ${this.questions}  Slow queries: 0  Opens: 0  ` +
      `Open tables: 0  Queries per second avg: ${(this.questions / up).toFixed(3)}`;
    const w = new BufferWriter(text.length).str(text);
    this.sendPayload(w, 1);
  }

  /** Ends the current command with an ERR (the session goes on). */
  private finishWithError(err: SqlError): void {
    this.sendError(err, 1);
    if (this.lease.pins === 0) this.lease.release();
    this.afterStatement();
  }

  private afterStatement(): void {
    this.relay.settle();
    this.trx.statementEnded();
    this.info = null;
    this.activeAt = this.host.idle.now;
    // A connection still streaming to a slow client is not given back yet.
    if (!this.relay.paused || this.lease.pins !== 0) this.lease.settle();
    this.busy = false;
    this.runQueued();
  }

  /** Set while runQueued() loops, so an afterStatement() inside a command it runs leaves the loop to it. */
  private draining = false;

  /**
   * Runs the commands that arrived while others ran, in order, until one is under way. Commands
   * answered at once (PING, errors, ...) and those with no answer at all (COM_STMT_SEND_LONG_DATA,
   * COM_STMT_CLOSE) never reach afterStatement(), so the loop goes on after them itself; a loop,
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
    this.cursors.clear();
    this.trx.abandon();
    this.lease.drop(); // a held connection carries state the client just asked to forget
    this.lease.pins = 0;
    this.status = Status.AUTOCOMMIT;
    this.waitTimeoutMs = this.initialWaitTimeout();
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

  /** wait_timeout at connect: interactive_timeout's default for a client that said CLIENT_INTERACTIVE. */
  private initialWaitTimeout(): number {
    return this.caps & Cap.INTERACTIVE ? this.host.interactiveTimeoutMs : this.host.waitTimeoutMs;
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

/**
 * Statements a sharded session answers itself rather than planning them: BEGIN, START TRANSACTION,
 * COMMIT, ROLLBACK [TO SAVEPOINT], SAVEPOINT, RELEASE SAVEPOINT, and SET of session variables.
 */
function isSessionStatement(sql: string, c: Classified): boolean {
  switch (c.verb) {
    case Verb.Begin:
    case Verb.Commit:
    case Verb.Rollback:
      return true;
    case Verb.Start:
      return /^\s*start\s+transaction\b/i.test(sql);
    case Verb.Set:
      return (c.traits & Trait.SessionSet) !== 0;
    case Verb.Other: // SAVEPOINT and RELEASE SAVEPOINT have no verb of their own
      return /^\s*(savepoint|release\s+savepoint)\b/i.test(sql);
    default:
      return false;
  }
}
