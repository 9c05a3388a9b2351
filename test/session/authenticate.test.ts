// Server-side authentication, driven with client-side tokens computed by src/protocol/auth: the
// exchanges a real client goes through for each plugin and path.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Authenticator, AuthContext, credentialsFor } from '../../src/session/authenticate';
import { nativeToken, sha2Token, sha2EncryptPassword, newScramble, NATIVE_PASSWORD, CACHING_SHA2 } from '../../src/protocol/auth';
import type { HandshakeResponse } from '../../src/protocol/handshake';

const users = credentialsFor([
  { user: 'app', password: 's3cret', schemas: ['*'], requireTls: false, privileges: ['read', 'write', 'ddl'] },
  { user: 'hashed', passwordHash: '*2470C0C06DEE42FD1618BB99005ADCA2EC9D1E19', schemas: ['*'], requireTls: false, privileges: ['read', 'write', 'ddl'] }, // "password"
  { user: 'nopw', password: '', schemas: ['*'], requireTls: false, privileges: ['read', 'write', 'ddl'] },
]);

function response(user: string, plugin: string | null, authResponse: Buffer): HandshakeResponse {
  return { capabilities: 0, maxPacketSize: 0, collation: 45, user, authResponse, database: null, authPlugin: plugin, attributes: {} };
}

test('mysql_native_password: right and wrong passwords, a native hash in the config, an empty password', () => {
  const ctx = new AuthContext(users);
  const s = newScramble();
  assert.equal(new Authenticator(ctx, s, 'h', false).start(response('app', NATIVE_PASSWORD, nativeToken('s3cret', s))).kind, 'ok');
  const bad = new Authenticator(ctx, s, '10.0.0.9', false).start(response('app', NATIVE_PASSWORD, nativeToken('nope', s)));
  assert.equal(bad.kind, 'fail');
  assert.equal(bad.kind === 'fail' && bad.error.message, "Access denied for user 'app'@'10.0.0.9' (using password: YES)");
  assert.equal(bad.kind === 'fail' && bad.error.errno, 1045);
  assert.equal(new Authenticator(ctx, s, 'h', false).start(response('hashed', null, nativeToken('password', s))).kind, 'ok');
  assert.equal(new Authenticator(ctx, s, 'h', false).start(response('nopw', NATIVE_PASSWORD, Buffer.alloc(0))).kind, 'ok');
  const unknown = new Authenticator(ctx, s, 'h', false).start(response('ghost', NATIVE_PASSWORD, nativeToken('x', s)));
  assert.equal(unknown.kind, 'fail');
});

test('caching_sha2_password: full authentication over RSA first, then the fast path', () => {
  const ctx = new AuthContext(users);
  const s1 = newScramble();
  const a = new Authenticator(ctx, s1, 'h', false);
  const first = a.start(response('app', CACHING_SHA2, sha2Token('s3cret', s1)));
  assert.deepEqual(first, { kind: 'send', payload: Buffer.from([0x01, 0x04]) }, 'perform_full_authentication');
  const key = a.next(Buffer.from([0x02])); // request the public key
  assert.equal(key.kind, 'send');
  const pem = key.kind === 'send' ? key.payload.subarray(1).toString() : '';
  assert.match(pem, /BEGIN PUBLIC KEY/);
  assert.equal(a.next(sha2EncryptPassword('s3cret', s1, pem)).kind, 'ok');

  // Cached now: the next login on this worker takes the fast path (fast_auth_success, then OK).
  const s2 = newScramble();
  const fast = new Authenticator(ctx, s2, 'h', false).start(response('app', CACHING_SHA2, sha2Token('s3cret', s2)));
  assert.equal(fast.kind, 'ok');
  assert.deepEqual(fast.kind === 'ok' && fast.preface, Buffer.from([0x01, 0x03]));
  assert.equal(new Authenticator(ctx, s2, 'h', false).start(response('app', CACHING_SHA2, sha2Token('wrong', s2))).kind, 'fail');
});

test('caching_sha2_password: over TLS the clear password is accepted; without TLS or RSA, a clear refusal', () => {
  const ctx = new AuthContext(users);
  const s = newScramble();
  const overTls = new Authenticator(ctx, s, 'h', true);
  assert.equal(overTls.start(response('app', CACHING_SHA2, sha2Token('s3cret', s))).kind, 'send');
  assert.equal(overTls.next(Buffer.from('s3cret\0')).kind, 'ok');

  const clear = new Authenticator(new AuthContext(users), s, 'h', false);
  clear.start(response('app', CACHING_SHA2, sha2Token('s3cret', s)));
  const refused = clear.next(Buffer.from('s3cret\0'));
  assert.equal(refused.kind, 'fail');
  assert.match(refused.kind === 'fail' ? refused.error.message : '', /needs TLS or the server's RSA public key/);
});

test('a user with only a native hash, or a client with another plugin, is switched to mysql_native_password', () => {
  const ctx = new AuthContext(users);
  const s = newScramble();
  for (const [user, plugin] of [['hashed', CACHING_SHA2], ['app', 'sha256_password']] as const) {
    const a = new Authenticator(ctx, s, 'h', false);
    const step = a.start(response(user, plugin, Buffer.from('whatever')));
    assert.equal(step.kind, 'send');
    const payload = step.kind === 'send' ? step.payload : Buffer.alloc(0);
    assert.equal(payload[0], 0xfe, 'AuthSwitchRequest');
    assert.equal(payload.subarray(1, 1 + NATIVE_PASSWORD.length).toString(), NATIVE_PASSWORD);
    const pw = user === 'hashed' ? 'password' : 's3cret';
    assert.equal(a.next(nativeToken(pw, s)).kind, 'ok');
  }
});
