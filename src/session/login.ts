// The connection phase of one client: the greeting, an SSLRequest and the switch to TLS, the
// HandshakeResponse (capabilities, character set, the schema asked for), the authentication
// exchange (auth switch, caching_sha2_password's full authentication), and COM_CHANGE_USER, which
// runs it again. It ends with the OK that opens the command phase, or an ERR and the connection closed.
import type * as tls from 'node:tls';
import type { Logger } from 'pino';
import type { BackendAccount } from '../config/types';
import { BufferWriter } from '../protocol/buffer-writer';
import { Cap, Collation, RELAY_PROFILE_MASK, SERVER_CAPABILITIES, Status } from '../protocol/constants';
import { collationInfo } from '../protocol/collations';
import { SqlError, ErrorCode } from '../protocol/errors';
import { decodeChangeUser, decodeHandshakeResponse, encodeGreeting, isSslRequest, type HandshakeResponse } from '../protocol/handshake';
import { newScramble, NATIVE_PASSWORD } from '../protocol/auth';
import type { SessionState } from '../backend/session-state';
import { Authenticator, type AuthContext, type Credential } from './authenticate';

/** What logging in reads and sets on the client session. */
export interface LoginSession {
  readonly id: number;
  readonly host: {
    readonly serverVersion: string;
    readonly auth: AuthContext;
    readonly tlsContext: tls.SecureContext | undefined;
    readonly waitTimeoutMs: number;
    readonly interactiveTimeoutMs: number;
    pool(backend: string, account?: BackendAccount): unknown;
  };
  readonly log: Logger;
  /** The connection runs over TLS already. */
  readonly tls: boolean;
  caps: number;
  profile: number;
  waitTimeoutMs: number;
  userName: string;
  readonly state: SessionState;
  remoteHost(): string;
  /** Switches the connection to TLS (after an SSLRequest). */
  startTls(): void;
  /** Switches the logical schema, or says why not. */
  use(name: string): SqlError | null;
  sendPayload(w: BufferWriter, seq: number): void;
  sendError(err: SqlError, seq: number): void;
  sendOk(seq: number): void;
  /** Authentication is under way (the session routes the client's next packets here). */
  authenticating(): void;
  /** Logged in as `credential`: the command phase begins (the OK follows). */
  loggedIn(credential: Credential): void;
  close(): void;
}

/** The connection phase of one session (greeting to the OK of authentication, and COM_CHANGE_USER). */
export class Login {
  /** The handshake's scramble; COM_CHANGE_USER authenticates with it again, as MySQL does. */
  private readonly scramble = newScramble();
  /** The exchange under way (between the HandshakeResponse and the OK or ERR). */
  private auth: Authenticator | null = null;
  /** The schema the client asked for at connect (or in COM_CHANGE_USER), used once authenticated. */
  private pendingDb: string | null = null;

  constructor(private readonly s: LoginSession) {}

  /** The server's greeting, the first packet of the connection. */
  greet(): void {
    const w = new BufferWriter(128);
    encodeGreeting(w, {
      serverVersion: this.s.host.serverVersion,
      connectionId: this.s.id,
      scramble: this.scramble,
      capabilities: SERVER_CAPABILITIES | (this.s.host.tlsContext ? Cap.SSL : 0),
      collation: Collation.UTF8MB4_GENERAL_CI,
      status: Status.AUTOCOMMIT,
      authPlugin: NATIVE_PASSWORD,
    });
    this.s.sendPayload(w, 0);
  }

  /** The client's answer to the greeting: an SSLRequest, or the HandshakeResponse. */
  handshakeResponse(payload: Buffer, seq: number): void {
    const s = this.s;
    if (isSslRequest(payload)) {
      if (!s.host.tlsContext || s.tls) {
        s.sendError(new SqlError(ErrorCode.ER_HANDSHAKE_ERROR, 'TLS is not configured on this sluice; connect without TLS (e.g. --ssl=0, ssl-mode=DISABLED) or add a tls section to the config', { fatal: true }), seq + 1);
        return s.close();
      }
      return s.startTls();
    }
    const resp = decodeHandshakeResponse(payload);
    s.caps = resp.capabilities & SERVER_CAPABILITIES;
    s.profile = s.caps & RELAY_PROFILE_MASK;
    s.waitTimeoutMs = this.initialWaitTimeout();
    this.start(resp, resp.collation, seq + 1);
  }

  /** A packet of the authentication exchange (auth switch response, public key request, password). */
  authPacket(payload: Buffer, seq: number): void {
    this.step(this.auth!.next(payload), seq + 1);
  }

  /** COM_CHANGE_USER: authenticate again; the session has dropped its state already. */
  changeUser(payload: Buffer): void {
    const resp = decodeChangeUser(payload, this.s.caps);
    this.start(resp, resp.collation || Collation.UTF8MB4_GENERAL_CI, 1);
  }

  /** wait_timeout at connect (and after a reset): interactive_timeout's default for a client that said CLIENT_INTERACTIVE. */
  initialWaitTimeout(): number {
    return this.s.caps & Cap.INTERACTIVE ? this.s.host.interactiveTimeoutMs : this.s.host.waitTimeoutMs;
  }

  private start(resp: HandshakeResponse, collation: number, seq: number): void {
    const s = this.s;
    s.userName = resp.user;
    this.pendingDb = resp.database;
    const coll = collationInfo(collation);
    if (collation !== Collation.UTF8MB4_GENERAL_CI && coll) s.state.record(['names'], `SET NAMES ${coll.charset} COLLATE ${coll.name}`);
    this.auth = new Authenticator(s.host.auth, this.scramble, s.remoteHost(), s.tls);
    s.authenticating();
    this.step(this.auth.start(resp), seq);
  }

  private step(step: ReturnType<Authenticator['start']>, seq: number): void {
    const s = this.s;
    if (step.kind === 'send') {
      s.sendPayload(new BufferWriter(step.payload.length).bytes(step.payload), seq);
      return;
    }
    if (step.kind === 'fail') {
      s.sendError(step.error, seq);
      s.log.info({ user: s.userName, err: step.error.message }, 'authentication failed');
      return s.close();
    }
    if (step.credential.config.requireTls && !s.tls) {
      s.sendError(new SqlError(ErrorCode.ER_ACCESS_DENIED_ERROR, `Access denied for user '${s.userName}'@'${s.remoteHost()}': this user must connect with TLS (e.g. --ssl, ssl-mode=REQUIRED)`, { fatal: true }), seq);
      return s.close();
    }
    if (step.preface) s.sendPayload(new BufferWriter(2).bytes(step.preface), seq++);
    this.auth = null;
    s.loggedIn(step.credential);
    if (this.pendingDb) {
      const err = s.use(this.pendingDb);
      if (err) {
        s.sendError(err, seq);
        return s.close();
      }
    }
    s.log.debug({ user: s.userName }, 'client authenticated');
    s.sendOk(seq);
  }
}
