// One connection from a worker to a backend MySQL/MariaDB server: sluice is the client here.
// Two ways to use it: relay() streams a command's raw response to a sink without decoding rows
// (the hot path), query() collects a small response for sluice's own use (state sync, admin).
import * as net from 'node:net';
import * as tls from 'node:tls';
import { readFileSync } from 'node:fs';
import { connectReading, onChunks } from '../memory/read-buffers';
import { BufferWriter } from '../protocol/buffer-writer';
import { BufferReader } from '../protocol/buffer-reader';
import { PacketFramer, framePayload, type FramerBudget, type PacketHandler, type PacketMemory } from '../protocol/framing';
import { Cap, Com, Collation, Header } from '../protocol/constants';
import { decodeGreeting, encodeHandshakeResponse, decodeAuthSwitch } from '../protocol/handshake';
import { nativeToken, sha2Token, sha2EncryptPassword, NATIVE_PASSWORD, CACHING_SHA2, Sha2Status } from '../protocol/auth';
import { decodeErr, decodeOk, decodeColumnDef, decodeTextRow, type OkPacket, type ErrPacket, type ColumnInfo } from '../protocol/packets';
import { ResponseScanner, ResponseKind } from '../protocol/response-scanner';
import { SqlError, ErrorCode } from '../protocol/errors';
import { StatementCache } from './statement-cache';
import type { CachedStatement, PreparedOnBackend, StatementHolder } from './cached-statement';
import type { BackendConfig } from '../config/types';

export interface BackendTarget {
  name: string;
  host: string;
  port: number;
  user: string;
  password: string;
  connectTimeoutMs: number;
  /** Reach the server over TLS: verify its certificate (against `ca`, else the system's CAs) unless verify is false. */
  tls?: { ca?: string; verify: boolean };
  /** Where split and large packets from the server are assembled (the worker's slab pool); the heap without it. */
  packetMemory?: PacketMemory;
  /** The worker's backend prepared statements and their global budget; without it, a cache of this connection alone. */
  statementCache?: StatementCache;
}

/** How to reach a configured backend (its pool's connect timeout; no packet memory). */
export function backendTarget(b: BackendConfig): BackendTarget {
  return { name: b.name, host: b.host, port: b.port, user: b.user, password: b.password, connectTimeoutMs: b.pool.connectTimeoutMs, tls: b.tls };
}

/** Receives a relayed response. Chunks are borrowed: write them on, don't keep them. */
export interface RelaySink {
  /** Raw response bytes (whole packets and fragments, in order). */
  data(chunk: Buffer): void;
  /** The response is complete; scanner tells how it ended. */
  end(scanner: ResponseScanner): void;
  /** The connection failed mid-response. */
  fail(err: Error): void;
}

/** Receives a streamed result (see stream()). */
export interface StreamListener {
  columns(columns: ColumnInfo[]): void;
  /**
   * A row payload, buf[start, end). buf is never reused by the connection, so the listener may keep
   * it without copying (a merge queue does). Return false to pause the connection until resume().
   */
  row(buf: Buffer, start: number, end: number): boolean;
  /** The end: ok for an OK/EOF (null for an old-style EOF), err for an ERR packet. */
  end(ok: OkPacket | null, err: ErrPacket | null): void;
  fail(err: Error): void;
}

/** A small collected result (sluice's own queries). */
export interface QueryResult {
  columns: ColumnInfo[];
  rows: (string | null)[][];
  ok: OkPacket | null;
}

const BASE_CAPS =
  Cap.LONG_PASSWORD | Cap.LONG_FLAG | Cap.PROTOCOL_41 | Cap.TRANSACTIONS | Cap.SECURE_CONNECTION |
  Cap.MULTI_RESULTS | Cap.PS_MULTI_RESULTS | Cap.PLUGIN_AUTH | Cap.PLUGIN_AUTH_LENENC_DATA | Cap.CONNECT_ATTRS;

let nextLocalId = 1;

/**
 * Reasons to stop reading a backend socket; it reads again only when every reason is gone, so a
 * merge resuming a shard cannot override packet assembly waiting for pool memory, nor the reverse.
 */
export const enum Hold {
  /** The response's reader: a merge queue is full, the client is congested, memory is short. */
  Reader = 1,
  /** Packet assembly waits for the slab pool to have room. */
  Assembly = 2,
}

export class BackendConnection implements StatementHolder {
  readonly id = nextLocalId++;
  /** The connection's socket: the TCP socket, or the TLS socket over it once TLS is up. */
  socket: net.Socket;
  /** Capability bits that shape responses (RELAY_PROFILE_MASK); fixed at connect. */
  readonly profile: number;
  readonly caps: number;
  /** The backend's thread id (for KILL QUERY). */
  threadId = 0;
  /** A KILL was sent for this connection's thread (session/backend-kill.ts): it is never pooled again. */
  killed = false;
  serverVersion = '';
  /** Session-state key applied on this connection (see backend/session-state.ts); '' = fresh. */
  stateKey = '';
  /** Backend database currently selected. */
  database = '';
  /** Last time this connection finished a command (ms). */
  lastUsed = Date.now();
  closed = false;
  /** Idle in its pool (set and cleared by the pool): no command is using it, so statements may be closed on it. */
  idle = false;
  /** Some statement here lost its last client statement while the connection was in use: trimUnreferenced() has work. */
  trimPending = false;
  private readonly cache: StatementCache;

  private readonly scanner = new ResponseScanner();
  private sink: RelaySink | null = null;
  /** Frames packets for collected commands; its handler is swapped per command (one framer per connection). */
  private readonly framer: PacketFramer;
  private onPacket: PacketHandler | null = null;
  private closeListeners: ((err: Error) => void)[] = [];

  private readonly dataListener = (chunk: Buffer) => this.onData(chunk);

  /** Why the connection was destroyed, when that is worth more than "lost connection" (set by destroy). */
  private closeReason: SqlError | null = null;

  private constructor(socket: net.Socket, profile: number, target: BackendTarget) {
    this.socket = socket;
    this.profile = profile;
    this.caps = BASE_CAPS | profile;
    this.framer = new PacketFramer((p, s, f) => this.onPacket?.(p, s, f), undefined, target.packetMemory && packetBudget(this, target.name, target.packetMemory));
    this.cache = target.statementCache ?? new StatementCache(Number.MAX_SAFE_INTEGER);
    this.backendName = target.name;
    socket.setNoDelay(true);
    onChunks(socket, this.dataListener);
    socket.on('error', () => {}); // 'close' follows and reports it
    socket.on('close', () => this.onClose());
  }

  /**
   * A connection over a socket whose handshake was done elsewhere, for the given capability profile:
   * benchmarks and tests replay captured or built backend streams through it (bench/replay-merge.ts).
   */
  static overSocket(socket: net.Socket, profile: number, packetMemory?: PacketMemory): BackendConnection {
    return new BackendConnection(socket, profile, { name: 'replay', host: '', port: 0, user: '', password: '', connectTimeoutMs: 0, packetMemory });
  }

  static connect(target: BackendTarget, profile: number, database: string | null): Promise<BackendConnection> {
    return new Promise((resolve, reject) => {
      const socket = connectReading(target.host, target.port);
      const conn = new BackendConnection(socket, profile, target);
      const fail = (msg: string) => {
        clearTimeout(timer);
        conn.destroy();
        reject(new SqlError(ErrorCode.CR_CONN_HOST_ERROR, `Can't connect to backend '${target.name}' (${target.host}:${target.port}): ${msg}`));
      };
      const timer = setTimeout(() => fail('connect timeout'), target.connectTimeoutMs);
      socket.once('error', (e) => fail((e as NodeJS.ErrnoException).code ?? e.message));
      conn.handshake(target, database).then(
        () => { clearTimeout(timer); socket.removeAllListeners('error'); socket.on('error', () => {}); resolve(conn); },
        (e: Error) => fail(e instanceof SqlError ? `${e.errno} ${e.message}` : e.message),
      );
    });
  }

  private handshake(target: BackendTarget, database: string | null): Promise<void> {
    return new Promise((resolve, reject) => {
      let scramble: Buffer = Buffer.alloc(0);
      let plugin = NATIVE_PASSWORD;
      let step = 0;
      this.closeListeners.push((e) => reject(e));
      this.listen((p, seq) => {
        try {
          if (step++ === 0) {
            if (p[0] === Header.ERR) throw new Error(decodeErr(p).message);
            const g = decodeGreeting(p);
            this.threadId = g.connectionId;
            this.serverVersion = g.serverVersion;
            scramble = g.scramble;
            plugin = g.authPlugin === CACHING_SHA2 ? CACHING_SHA2 : NATIVE_PASSWORD;
            const caps = this.caps | (database ? Cap.CONNECT_WITH_DB : 0) | (target.tls ? Cap.SSL : 0);
            const respond = (next: number) => {
              const w = new BufferWriter(128);
              encodeHandshakeResponse(w, {
                capabilities: caps, maxPacketSize: 1 << 30, collation: Collation.UTF8MB4_GENERAL_CI,
                user: target.user, authResponse: this.token(plugin, target.password, scramble),
                database, authPlugin: plugin, attributes: { _client_name: 'sluice', program_name: 'sluice' },
              });
              this.send(w, next);
            };
            if (!target.tls) return respond(seq + 1);
            if (!(g.capabilities & Cap.SSL)) throw new Error('the backend does not offer TLS (tls is set for it in the config)');
            // SSLRequest (the first 32 bytes of the response), then TLS, then the full response.
            const ssl = new BufferWriter(32);
            ssl.u32(caps).u32(1 << 30).u8(Collation.UTF8MB4_GENERAL_CI).zeros(23);
            this.send(ssl, seq + 1);
            this.startTls(target).then(() => respond(seq + 2), (e: Error) => { this.listen(null); reject(e); this.destroy(); });
            return;
          }
          switch (p[0]) {
            case Header.OK:
              this.database = database ?? '';
              this.listen(null);
              resolve();
              return;
            case Header.ERR: {
              const e = decodeErr(p);
              throw new SqlError(e.errno, e.message);
            }
            case Header.EOF: { // auth switch
              const sw = decodeAuthSwitch(p);
              plugin = sw.plugin;
              scramble = sw.data;
              if (plugin !== NATIVE_PASSWORD && plugin !== CACHING_SHA2) throw new Error(`unsupported auth plugin ${plugin}`);
              this.sendRaw(this.token(plugin, target.password, scramble), seq + 1);
              return;
            }
            case 0x01: { // AuthMoreData (caching_sha2)
              if (p[1] === Sha2Status.FAST_AUTH_SUCCESS) return;
              if (p[1] === Sha2Status.PERFORM_FULL_AUTHENTICATION) {
                this.sendRaw(Buffer.from([Sha2Status.REQUEST_PUBLIC_KEY]), seq + 1);
                return;
              }
              const pem = p.subarray(1).toString('latin1');
              this.sendRaw(sha2EncryptPassword(target.password, scramble, pem), seq + 1);
              return;
            }
            default:
              throw new Error(`unexpected packet 0x${p[0].toString(16)} during authentication`);
          }
        } catch (e) {
          this.listen(null);
          reject(e);
        }
      });
    });
  }

  /** Hands the socket's incoming bytes to `deliver` instead of this connection (for speaking packets by hand). */
  takeOverReads(deliver: (chunk: Buffer) => void): void {
    onChunks(this.socket, deliver, this.dataListener);
  }

  /** Puts TLS over the TCP socket (after the SSLRequest); packets then flow over the TLS socket. */
  private startTls(target: BackendTarget): Promise<void> {
    const raw = this.socket;
    onChunks(raw, null, this.dataListener);
    const secure = tls.connect({
      socket: raw,
      servername: net.isIP(target.host) ? undefined : target.host,
      ca: target.tls!.ca ? readFileSync(target.tls!.ca) : undefined,
      rejectUnauthorized: target.tls!.verify,
    });
    secure.on('data', this.dataListener);
    secure.on('error', () => raw.destroy());
    this.socket = secure;
    return new Promise((resolve, reject) => {
      secure.once('secureConnect', () => resolve());
      secure.once('error', (e) => reject(new Error(`TLS to the backend failed: ${e.message}`)));
    });
  }

  private token(plugin: string, password: string, scramble: Buffer): Buffer {
    return plugin === CACHING_SHA2 ? sha2Token(password, scramble) : nativeToken(password, scramble);
  }

  /** Routes incoming packets to a handler (connection phase and collected queries). */
  private listen(handler: PacketHandler | null): void {
    this.onPacket = handler;
  }

  private onData(chunk: Buffer): void {
    const sink = this.sink;
    if (sink) {
      const end = this.scanner.scan(chunk);
      if (end < 0) {
        sink.data(chunk);
        return;
      }
      sink.data(end === chunk.length ? chunk : chunk.subarray(0, end));
      this.sink = null;
      this.lastUsed = Date.now();
      sink.end(this.scanner);
      return;
    }
    if (this.onPacket) {
      try {
        this.framer.push(chunk);
      } catch (e) {
        this.destroy(e instanceof SqlError ? e : undefined);
      }
      return;
    }
    // Bytes nobody asked for: the connection is out of step; drop it.
    this.destroy();
  }

  private onClose(): void {
    this.closed = true;
    this.framer.dispose(); // a slab held for a half-read packet goes back to the pool
    this.forgetStatements();
    const err = this.closeReason ?? new SqlError(ErrorCode.CR_SERVER_LOST, 'Lost connection to backend server during query');
    const sink = this.sink;
    this.sink = null;
    sink?.fail(err);
    const ls = this.closeListeners;
    this.closeListeners = [];
    for (const l of ls) l(err);
  }

  private send(w: BufferWriter, seq: number): void {
    for (const b of framePayload(w.buf, w.headerRoom, w.pos, seq)) this.socket.write(b);
  }

  private sendRaw(payload: Buffer, seq: number): void {
    const w = new BufferWriter(payload.length);
    w.bytes(payload);
    this.send(w, seq);
  }

  /**
   * Sends a command (already framed, starting at seq 0) and streams the response to sink.
   * The caller must not issue another command until sink.end or sink.fail.
   */
  relay(framed: Buffer | Buffer[], kind: ResponseKind, sink: RelaySink): void {
    if (this.closed) {
      sink.fail(new SqlError(ErrorCode.CR_SERVER_LOST, 'Lost connection to backend server during query'));
      return;
    }
    this.scanner.begin(kind, (this.caps & Cap.DEPRECATE_EOF) !== 0);
    this.sink = sink;
    if (Array.isArray(framed)) for (const b of framed) this.socket.write(b);
    else this.socket.write(framed);
  }

  /**
   * Streams the next response to sink without sending a command first: the server's answer after
   * the client supplied a LOCAL INFILE's contents.
   */
  expectResponse(kind: ResponseKind, sink: RelaySink): void {
    this.scanner.begin(kind, (this.caps & Cap.DEPRECATE_EOF) !== 0);
    this.sink = sink;
  }

  /** Sends a command that has no response (COM_STMT_CLOSE, COM_STMT_SEND_LONG_DATA). */
  sendNoReply(framed: Buffer | Buffer[]): void {
    if (Array.isArray(framed)) for (const b of framed) this.socket.write(b);
    else this.socket.write(framed);
  }

  /** Runs a command and collects its (small) response. Rejects with SqlError on an ERR packet. */
  command(com: Com, arg: string | Buffer = ''): Promise<QueryResult> {
    return new Promise((resolve, reject) => {
      if (this.closed) return reject(new SqlError(ErrorCode.CR_SERVER_LOST, 'Lost connection to backend server'));
      const deprecateEof = (this.caps & Cap.DEPRECATE_EOF) !== 0;
      const res: QueryResult = { columns: [], rows: [], ok: null };
      let columnCount = -1;
      let phase = 0; // 0 first, 1 columns, 2 column EOF, 3 rows
      let firstError: SqlError | null = null;
      const done = (e?: Error) => {
        this.closeListeners = this.closeListeners.filter((l) => l !== onClose);
        this.listen(null);
        this.lastUsed = Date.now();
        if (e) reject(e); else if (firstError) reject(firstError); else resolve(res);
      };
      const onClose = (e: Error) => done(e);
      this.closeListeners.push(onClose);
      const more = (status: number) => (status & 0x8) !== 0;
      this.listen((p) => {
        if (phase === 0) {
          if (p[0] === Header.ERR) { const e = decodeErr(p); return done(new SqlError(e.errno, e.message, { sqlState: e.sqlState })); }
          if (p[0] === Header.OK || (p[0] === Header.EOF && p.length < 9)) {
            res.ok = decodeOk(p);
            if (!more(res.ok.status)) done();
            return;
          }
          if (com !== Com.QUERY) { res.rows.push([p.toString('utf8')]); return done(); }
          columnCount = new BufferReader(p).lenenc();
          res.columns = [];
          res.rows = [];
          phase = 1;
          return;
        }
        if (phase === 1) {
          res.columns.push(decodeColumnDef(p));
          if (res.columns.length === columnCount) phase = deprecateEof ? 3 : 2;
          return;
        }
        if (phase === 2) { phase = 3; return; }
        if (p[0] === Header.ERR) { const e = decodeErr(p); firstError ??= new SqlError(e.errno, e.message, { sqlState: e.sqlState }); return done(); }
        if (p[0] === Header.EOF && p.length < 0xffffff && (deprecateEof || p.length < 9)) {
          const ok = deprecateEof ? decodeOk(p) : { affectedRows: 0, lastInsertId: 0, warnings: p.readUInt16LE(1), status: p.readUInt16LE(3), info: '' };
          res.ok = ok;
          if (more(ok.status)) { phase = 0; return; }
          return done();
        }
        res.rows.push(decodeTextRow(p, columnCount));
      });
      const w = new BufferWriter(typeof arg === 'string' ? Buffer.byteLength(arg) + 1 : arg.length + 1);
      w.u8(com);
      if (typeof arg === 'string') w.str(arg); else w.bytes(arg);
      this.send(w, 0);
    });
  }

  /** Runs SQL (a string is sent as UTF-8; a Buffer as is) and collects the result. */
  query(sql: string | Buffer): Promise<QueryResult> {
    return this.command(Com.QUERY, sql);
  }

  /**
   * Runs a query and streams its response packet by packet (the merge path): column definitions,
   * then each row payload (borrowed: valid only during the call), then the end. A result with
   * several result sets is reported as one (sluice's shard queries have one).
   */
  stream(sql: string, l: StreamListener, encoding: BufferEncoding = 'utf8'): void {
    if (this.closed) {
      l.fail(new SqlError(ErrorCode.CR_SERVER_LOST, 'Lost connection to backend server'));
      return;
    }
    const deprecateEof = (this.caps & Cap.DEPRECATE_EOF) !== 0;
    let phase = 0; // 0 first, 1 columns, 2 column EOF, 3 rows
    let columnCount = 0;
    let columns: ColumnInfo[] = [];
    const finish = () => {
      this.closeListeners = this.closeListeners.filter((f) => f !== onClose);
      this.framer.rangeHandler = null;
      this.listen(null);
      this.lastUsed = Date.now();
      // A listener may have paused the socket on the last rows of this chunk; the result is
      // complete, so whoever gets the connection next must find it reading.
      this.unhold(Hold.Reader);
    };
    const onClose = (e: Error) => { finish(); l.fail(e); };
    this.closeListeners.push(onClose);
    // Rows come from the framer as ranges of the read buffer: no Buffer object per row.
    const rows = (buf: Buffer, start: number, end: number, _seq: number, inChunk: boolean) => {
      const first = start < end ? buf[start] : -1;
      if (first === Header.EOF && end - start < (deprecateEof ? 0xffffff : 9)) {
        finish();
        return l.end(deprecateEof ? decodeOk(buf.subarray(start, end)) : null, null);
      }
      if (first === Header.ERR) { finish(); return l.end(null, decodeErr(buf.subarray(start, end))); }
      // A read buffer is never reused, so the listener may keep it; a reassembled row lives in the
      // framer's assembly memory only during this call and is copied.
      const more = inChunk ? l.row(buf, start, end) : l.row(Buffer.from(buf.subarray(start, end)), 0, end - start);
      if (!more) this.hold(Hold.Reader);
    };
    const startRows = () => {
      phase = 3;
      this.framer.rangeHandler = rows;
      l.columns(columns);
    };
    this.listen((p) => {
      if (phase === 0) {
        if (p[0] === Header.ERR) { finish(); return l.end(null, decodeErr(p)); }
        if (p[0] === Header.OK) {
          const ok = decodeOk(p);
          if (ok.status & 0x8) return; // more results: keep reading (only the last OK is reported)
          finish();
          return l.end(ok, null);
        }
        if (p[0] === Header.LOCAL_INFILE) {
          // The statement asked the client for a file; streamed results have no client to ask.
          // An empty file ends the request; the server's answer to it is read and dropped.
          this.socket.write(Buffer.from([0, 0, 0, 2]));
          phase = 4;
          return;
        }
        columnCount = new BufferReader(p).lenenc();
        columns = [];
        phase = 1;
        return;
      }
      if (phase === 4) {
        finish();
        return l.end(null, { errno: 1235, sqlState: '42000', message: 'LOAD DATA LOCAL INFILE is not supported on sharded schemas: load through a forwarding schema, or use INSERT' });
      }
      if (phase === 1) {
        columns.push(decodeColumnDef(p));
        if (columns.length === columnCount) {
          if (deprecateEof) startRows();
          else phase = 2;
        }
        return;
      }
      startRows(); // after the EOF that follows the column definitions
    });
    const w = new BufferWriter(Buffer.byteLength(sql, encoding) + 1);
    w.u8(Com.QUERY).str(sql, encoding);
    this.send(w, 0);
  }

  /**
   * Prepared statements on this connection, by database and SQL text (statementKey; most recently used last). Sessions share
   * them: a statement prepared once on a connection serves every session that executes it there.
   * Bounded per connection and, over all connections, by the worker's StatementCache.
   */
  readonly statements = new Map<string, CachedStatement>();
  private readonly backendName: string;

  /** Prepares sql (COM_STMT_PREPARE) and collects the whole response. */
  prepare(sql: string, encoding: BufferEncoding = 'utf8'): Promise<PreparedOnBackend> {
    return new Promise((resolve, reject) => {
      if (this.closed) return reject(new SqlError(ErrorCode.CR_SERVER_LOST, 'Lost connection to backend server'));
      const packets: Buffer[] = [];
      let expect = -1;
      let stmt: PreparedOnBackend | null = null;
      const done = (e: Error | null, v?: PreparedOnBackend) => {
        this.closeListeners = this.closeListeners.filter((f) => f !== onClose);
        this.listen(null);
        this.lastUsed = Date.now();
        if (e) reject(e); else resolve(v!);
      };
      const onClose = (e: Error) => done(e);
      this.closeListeners.push(onClose);
      this.listen((p) => {
        if (expect < 0) {
          if (p[0] === Header.ERR) {
            const e = decodeErr(p);
            return done(new SqlError(e.errno, e.message, { sqlState: e.sqlState }));
          }
          const ok = Buffer.from(p);
          const cols = ok.readUInt16LE(5), params = ok.readUInt16LE(7);
          const eofs = this.caps & Cap.DEPRECATE_EOF ? 0 : (cols > 0 ? 1 : 0) + (params > 0 ? 1 : 0);
          expect = cols + params + eofs;
          stmt = { id: ok.readUInt32LE(1), params, columns: cols, ok, packets };
          if (expect === 0) done(null, stmt);
          return;
        }
        packets.push(Buffer.from(p));
        if (packets.length === expect) done(null, stmt!);
      });
      const w = new BufferWriter(Buffer.byteLength(sql, encoding) + 1);
      w.u8(Com.STMT_PREPARE).str(sql, encoding);
      this.send(w, 0);
    });
  }

  /**
   * The key of sql's statement in `statements`: the database selected now, then the text. A server
   * resolves a prepared statement's tables in the database selected when it was prepared, and keeps
   * them after a COM_INIT_DB, so the same text prepared under another database is another statement.
   */
  private statementKey(sql: string): string {
    return `${this.database}\u0000${sql}`;
  }

  /** The statement for sql prepared on this connection under its current database, if any. */
  preparedStatement(sql: string): PreparedOnBackend | undefined {
    return this.statements.get(this.statementKey(sql));
  }

  /**
   * The backend statement for sql on this connection, prepared now if needed, within the worker's
   * budget (LRU-bounded per connection too). A server at its max_prepared_stmt_count (ERR 1461) gets
   * statements closed and one retry.
   */
  async statement(sql: string, encoding: BufferEncoding = 'utf8', max = 256): Promise<PreparedOnBackend> {
    const key = this.statementKey(sql);
    const have = this.statements.get(key);
    if (have) {
      this.statements.delete(key);
      this.statements.set(key, have);
      this.cache.touch(have);
      return have;
    }
    this.cache.reserve(this);
    let stmt: PreparedOnBackend;
    try {
      stmt = await this.prepare(sql, encoding).catch((e: unknown) => {
        if (!(e instanceof SqlError) || e.errno !== ErrorCode.ER_MAX_PREPARED_STMT_COUNT_REACHED) throw e;
        this.cache.serverFull(this);
        return this.prepare(sql, encoding).catch((again: unknown) => {
          if (!(again instanceof SqlError) || again.errno !== ErrorCode.ER_MAX_PREPARED_STMT_COUNT_REACHED) throw again;
          throw new SqlError(again.errno, `${again.message} on backend '${this.backendName}', even after sluice closed the statements it could; ` +
            'close prepared statements you no longer need, or raise max_prepared_stmt_count on that server', { sqlState: again.sqlState });
        });
      });
    } catch (e) {
      this.cache.unreserve();
      throw e;
    }
    const cached: CachedStatement = { ...stmt, sql, key, conn: this, used: 0 };
    this.statements.set(key, cached);
    this.cache.added(cached);
    if (this.statements.size > max) this.dropStatement(this.statements.values().next().value!);
    return cached;
  }

  /** Closes a cached statement on the backend and forgets it. The connection must not be mid-command. */
  dropStatement(s: CachedStatement): void {
    if (!this.statements.delete(s.key)) return;
    this.cache.removed(s);
    if (!this.closed) this.closeStatement(s.id);
  }

  /**
   * Closes the statements no client statement refers to any more, but a few most recently used
   * (StatementCache.unwanted); called when the connection is free (back in the pool, or between its session's commands).
   */
  trimUnreferenced(): void {
    if (!this.trimPending) return;
    this.trimPending = false;
    for (const s of this.cache.unwanted(this.statements.values())) this.dropStatement(s);
  }

  /** The server closed every statement of this connection (COM_RESET_CONNECTION, or the connection is gone). */
  forgetStatements(): void {
    for (const s of this.statements.values()) this.cache.removed(s);
    this.statements.clear();
  }

  /** Closes a backend statement (COM_STMT_CLOSE has no response). */
  closeStatement(id: number): void {
    const close = Buffer.from([5, 0, 0, 0, Com.STMT_CLOSE, 0, 0, 0, 0]);
    close.writeUInt32LE(id, 5);
    this.socket.write(close);
  }

  /** Who asked to stop reading the socket (Hold bits); it reads again only when none does. */
  private holds = 0;

  /** Stops reading the socket on behalf of `who` (the response's reader, or packet assembly). */
  hold(who: Hold): void {
    if (this.holds === 0) this.socket.pause();
    this.holds |= who;
  }

  /** Withdraws `who`'s hold; the socket reads again once no one holds it. */
  unhold(who: Hold): void {
    if ((this.holds & who) === 0) return;
    this.holds &= ~who;
    if (this.holds === 0) this.socket.resume();
  }

  /** Resumes reading after a StreamListener.row() returned false (packet assembly may still hold it). */
  resume(): void {
    this.unhold(Hold.Reader);
  }

  /** Reading again whoever held it: a connection going back to the pool. */
  clearHolds(): void {
    this.holds = 0;
    if (this.socket.isPaused()) this.socket.resume();
  }

  /** Closes politely (COM_QUIT) if idle, otherwise abruptly. */
  close(): void {
    if (this.closed) return;
    if (!this.sink && !this.onPacket) {
      const quit = Buffer.from([1, 0, 0, 0, Com.QUIT]);
      this.socket.end(quit);
    } else {
      this.socket.destroy();
    }
    this.closed = true;
  }

  /** Closes abruptly; `reason` is what the command in progress fails with (else CR_SERVER_LOST). */
  destroy(reason?: SqlError): void {
    this.closeReason ??= reason ?? null;
    this.closed = true;
    this.socket.destroy();
  }

  get busy(): boolean {
    return this.sink !== null || this.onPacket !== null;
  }
}

/**
 * The framer budget of a backend connection: a packet over the share fails the command in progress
 * with ER_OUT_OF_RESOURCES (the connection is dropped: the rest of its response is never read), and
 * a full pool pauses the socket, so the server waits with the rest of the response.
 */
function packetBudget(conn: BackendConnection, backend: string, memory: PacketMemory): FramerBudget {
  const mb = Math.round((memory.shareBytes / (1024 * 1024)) * 100) / 100;
  return {
    pool: memory.pool,
    shareBytes: memory.shareBytes,
    tooLarge: (bytes) => new SqlError(ErrorCode.ER_OUT_OF_RESOURCES,
      `Out of resources: a packet from backend '${backend}' (${bytes} bytes so far) exceeds maxQueryMemoryMB (${mb} MB), ` +
      'the most sluice holds for one packet; select fewer or shorter columns (e.g. SUBSTRING of a large one), or raise maxQueryMemoryMB'),
    stall: (stalled) => (stalled ? conn.hold(Hold.Assembly) : conn.unhold(Hold.Assembly)),
    fail: (err) => conn.destroy(err instanceof SqlError ? err : undefined),
  };
}
