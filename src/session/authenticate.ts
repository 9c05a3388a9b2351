// Server-side authentication of a client: mysql_native_password, and caching_sha2_password with its
// fast path (the user authenticated before on this worker) and full authentication (the clear
// password, RSA-encrypted when the connection has no TLS). No sockets: it consumes the client's
// packets and says what to send back.
import { generateKeyPairSync } from 'node:crypto';
import type { UserConfig } from '../config/types';
import { BufferWriter } from '../protocol/buffer-writer';
import { encodeAuthSwitch, encodeAuthMoreData, type HandshakeResponse } from '../protocol/handshake';
import {
  NATIVE_PASSWORD, CACHING_SHA2, Sha2Status, verifyNative, verifySha2, nativeStage2, parseNativeHash,
  sha2Stage2, sha2DecryptPassword,
} from '../protocol/auth';
import { SqlError, ErrorCode } from '../protocol/errors';

/** What the server knows of a user's password, precomputed once per worker. */
export interface Credential {
  config: UserConfig;
  /** SHA1(SHA1(password)); null when the password is empty. */
  native: Buffer | null;
  /** SHA256(SHA256(password)); null when only a native hash is configured. */
  sha2: Buffer | null;
  password: string | null;
}

export function credentialsFor(users: UserConfig[]): Map<string, Credential> {
  const out = new Map<string, Credential>();
  for (const u of users) {
    const password = u.password ?? null;
    const native = password !== null ? (password === '' ? null : nativeStage2(password)) : parseNativeHash(u.passwordHash!);
    const sha2 = password ? sha2Stage2(password) : null;
    out.set(u.user, { config: u, native, sha2, password });
  }
  return out;
}

/** Per-worker state shared by all authentications: the sha2 cache and the RSA key pair. */
export class AuthContext {
  /** Users who completed a full caching_sha2 authentication on this worker (the "cache"). */
  readonly sha2Cache = new Set<string>();
  private keys: { publicKey: string; privateKey: string } | null = null;

  constructor(readonly credentials: Map<string, Credential>) {}

  rsa(): { publicKey: string; privateKey: string } {
    this.keys ??= generateKeyPairSync('rsa', {
      modulusLength: 2048,
      publicKeyEncoding: { type: 'spki', format: 'pem' },
      privateKeyEncoding: { type: 'pkcs8', format: 'pem' },
    });
    return this.keys;
  }
}

/** One step of the exchange: a payload to send, or the end (user on success, error otherwise). */
export type AuthStep =
  | { kind: 'send'; payload: Buffer }
  | { kind: 'ok'; credential: Credential; /** sent before the OK packet (caching_sha2 fast_auth_success) */ preface?: Buffer }
  | { kind: 'fail'; error: SqlError };

const payloadOf = (w: BufferWriter) => Buffer.from(w.payload());

export class Authenticator {
  private cred: Credential | null = null;
  private plugin = NATIVE_PASSWORD;
  private phase: 'token' | 'sha2-full' | 'sha2-encrypted' = 'token';

  constructor(
    private readonly ctx: AuthContext,
    private readonly scramble: Buffer,
    private readonly host: string,
    private readonly tls: boolean,
  ) {}

  /** The client's HandshakeResponse arrived. */
  start(resp: HandshakeResponse): AuthStep {
    this.cred = this.ctx.credentials.get(resp.user) ?? null;
    this.user = resp.user;
    const plugin = resp.authPlugin ?? NATIVE_PASSWORD;
    if (plugin === CACHING_SHA2 && this.cred?.sha2) {
      this.plugin = CACHING_SHA2;
      return this.sha2Token(resp.authResponse);
    }
    if (plugin !== NATIVE_PASSWORD) {
      // Ask the client to answer with mysql_native_password (an unknown user too: don't reveal it).
      this.plugin = NATIVE_PASSWORD;
      return { kind: 'send', payload: payloadOf(encodeAuthSwitch(new BufferWriter(64), NATIVE_PASSWORD, this.scramble)) };
    }
    return this.nativeToken(resp.authResponse);
  }

  private user = '';

  /** A further packet from the client during authentication. */
  next(payload: Buffer): AuthStep {
    if (this.plugin === NATIVE_PASSWORD) return this.nativeToken(payload);
    if (this.phase === 'sha2-full') {
      if (this.tls) return this.checkClear(payload.toString('utf8').replace(/\0$/, ''));
      if (payload.length === 1 && payload[0] === Sha2Status.REQUEST_PUBLIC_KEY) {
        this.phase = 'sha2-encrypted';
        return { kind: 'send', payload: payloadOf(encodeAuthMoreData(new BufferWriter(512), Buffer.from(this.ctx.rsa().publicKey))) };
      }
      return this.fail('caching_sha2_password full authentication needs TLS or the server\'s RSA public key; connect with TLS or allow public key retrieval (e.g. --get-server-public-key, allowPublicKeyRetrieval=true)');
    }
    if (this.phase === 'sha2-encrypted') {
      let clear: string;
      try {
        clear = sha2DecryptPassword(payload, this.scramble, this.ctx.rsa().privateKey);
      } catch {
        return this.denied();
      }
      return this.checkClear(clear);
    }
    return this.sha2Token(payload);
  }

  private nativeToken(token: Buffer): AuthStep {
    const c = this.cred;
    if (c && verifyNative(token, this.scramble, c.native)) return { kind: 'ok', credential: c };
    return this.denied(token.length > 0);
  }

  private sha2Token(token: Buffer): AuthStep {
    const c = this.cred!;
    if (token.length === 0) return c.password === '' ? { kind: 'ok', credential: c } : this.denied(false);
    if (this.ctx.sha2Cache.has(c.config.user)) {
      if (!verifySha2(token, this.scramble, c.sha2!)) return this.denied();
      return { kind: 'ok', credential: c, preface: Buffer.from([0x01, Sha2Status.FAST_AUTH_SUCCESS]) };
    }
    if (!verifySha2(token, this.scramble, c.sha2!)) return this.denied();
    this.phase = 'sha2-full';
    return { kind: 'send', payload: Buffer.from([0x01, Sha2Status.PERFORM_FULL_AUTHENTICATION]) };
  }

  private checkClear(password: string): AuthStep {
    const c = this.cred!;
    if (password !== c.password) return this.denied();
    this.ctx.sha2Cache.add(c.config.user);
    return { kind: 'ok', credential: c };
  }

  private denied(usingPassword = true): AuthStep {
    return this.fail(`Access denied for user '${this.user}'@'${this.host}' (using password: ${usingPassword ? 'YES' : 'NO'})`);
  }

  private fail(message: string): AuthStep {
    return { kind: 'fail', error: new SqlError(ErrorCode.ER_ACCESS_DENIED_ERROR, message, { fatal: true }) };
  }
}
