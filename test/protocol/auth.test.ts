import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash, generateKeyPairSync, privateDecrypt, publicEncrypt, constants } from 'node:crypto';
import {
  nativeToken, nativeStage2, parseNativeHash, verifyNative, sha2Token, sha2Stage2, verifySha2,
  sha2EncryptPassword, sha2DecryptPassword, newScramble,
} from '../../src/protocol/auth';

// The expected values are computed here straight from each plugin's definition with node:crypto.
const sha1 = (b: Buffer | string) => createHash('sha1').update(b).digest();
const sha256 = (b: Buffer | string) => createHash('sha256').update(b).digest();
const xor = (a: Buffer, b: Buffer) => Buffer.from(a.map((x, i) => x ^ b[i]));

const SCRAMBLE = Buffer.from('0102030405060708090a0b0c0d0e0f1011121314', 'hex');
const SCRAMBLE2 = Buffer.from('7a4e2f61394d5b233c78514b2a6b70556e3f4331', 'hex');

test('mysql_native_password: MySQL\'s documented hash of "password"', () => {
  assert.equal('*' + nativeStage2('password').toString('hex').toUpperCase(), '*2470C0C06DEE42FD1618BB99005ADCA2EC9D1E19');
  assert.deepEqual(parseNativeHash('*2470C0C06DEE42FD1618BB99005ADCA2EC9D1E19'), nativeStage2('password'));
  assert.deepEqual(parseNativeHash('*2470c0c06dee42fd1618bb99005adca2ec9d1e19'), nativeStage2('password'), 'lower-case hex');
});

test('mysql_native_password: token = SHA1(pw) XOR SHA1(scramble + SHA1(SHA1(pw)))', () => {
  for (const pw of ['password', 'sluice', 'pässwörd ✓', 'x'.repeat(100)]) {
    for (const scramble of [SCRAMBLE, SCRAMBLE2]) {
      const expected = xor(sha1(pw), sha1(Buffer.concat([scramble, sha1(sha1(pw))])));
      assert.deepEqual(nativeToken(pw, scramble), expected, pw);
    }
  }
  // A fixed vector (scramble 01..14, password "password"), computed once outside Node (Python hashlib).
  assert.equal(nativeToken('password', SCRAMBLE).toString('hex'), 'c17d6009a5cb47e59f7483fcf05553bbbf7dd0d6');
  assert.equal(nativeToken('', SCRAMBLE).length, 0, 'an empty password sends an empty token');
  // A scramble sent with its trailing NUL (21 bytes) gives the same token.
  assert.deepEqual(nativeToken('pw', Buffer.concat([SCRAMBLE, Buffer.from([0])])), nativeToken('pw', SCRAMBLE));
});

test('mysql_native_password: verifyNative accepts the right token and nothing else', () => {
  const stage2 = nativeStage2('secret');
  assert.equal(verifyNative(nativeToken('secret', SCRAMBLE), SCRAMBLE, stage2), true);
  assert.equal(verifyNative(nativeToken('secret', SCRAMBLE), SCRAMBLE2, stage2), false, 'token for another scramble');
  assert.equal(verifyNative(nativeToken('Secret', SCRAMBLE), SCRAMBLE, stage2), false, 'wrong password');
  assert.equal(verifyNative(Buffer.alloc(0), SCRAMBLE, stage2), false, 'no password given where one is set');
  assert.equal(verifyNative(nativeToken('secret', SCRAMBLE).subarray(0, 19), SCRAMBLE, stage2), false, 'short token');
  assert.equal(verifyNative(Buffer.alloc(0), SCRAMBLE, null), true, 'empty password, no password set');
  assert.equal(verifyNative(nativeToken('x', SCRAMBLE), SCRAMBLE, null), false, 'a password given where none is set');
  // The stored hash form works the same as one computed from the clear password.
  assert.equal(verifyNative(nativeToken('password', SCRAMBLE2), SCRAMBLE2, parseNativeHash('*2470C0C06DEE42FD1618BB99005ADCA2EC9D1E19')), true);
});

test('caching_sha2_password: token = SHA256(pw) XOR SHA256(SHA256(SHA256(pw)) + scramble)', () => {
  for (const pw of ['password', 'sluice', 'pässwörd ✓']) {
    for (const scramble of [SCRAMBLE, SCRAMBLE2]) {
      const expected = xor(sha256(pw), sha256(Buffer.concat([sha256(sha256(pw)), scramble])));
      assert.deepEqual(sha2Token(pw, scramble), expected, pw);
    }
  }
  // Fixed vector, computed once outside Node (Python hashlib).
  assert.equal(sha2Token('password', SCRAMBLE).toString('hex'), 'f7ab1c623a6e98dceab35e926290e5746a3141116115f4dd8ccca994393eccdd');
  assert.equal(sha2Token('', SCRAMBLE).length, 0);
  assert.deepEqual(sha2Stage2('password'), sha256(sha256('password')));
});

test('caching_sha2_password: verifySha2 fast path', () => {
  const stage2 = sha2Stage2('secret');
  assert.equal(verifySha2(sha2Token('secret', SCRAMBLE), SCRAMBLE, stage2), true);
  assert.equal(verifySha2(sha2Token('secret', SCRAMBLE), SCRAMBLE2, stage2), false);
  assert.equal(verifySha2(sha2Token('secreT', SCRAMBLE), SCRAMBLE, stage2), false);
  assert.equal(verifySha2(Buffer.alloc(0), SCRAMBLE, stage2), false);
  assert.equal(verifySha2(nativeToken('secret', SCRAMBLE), SCRAMBLE, stage2), false, 'a 20-byte native token');
});

test('caching_sha2_password full authentication: RSA-OAEP round trip with a generated key', () => {
  const { publicKey, privateKey } = generateKeyPairSync('rsa', {
    modulusLength: 2048,
    publicKeyEncoding: { type: 'spki', format: 'pem' },
    privateKeyEncoding: { type: 'pkcs8', format: 'pem' },
  });
  for (const pw of ['secret', '', 'a much longer password than the twenty-byte scramble ✓']) {
    const enc = sha2EncryptPassword(pw, SCRAMBLE, publicKey);
    assert.equal(enc.length, 256);
    assert.equal(sha2DecryptPassword(enc, SCRAMBLE, privateKey), pw);
    // Independently: the plaintext is (password + NUL) XOR the scramble, repeated as needed.
    const plain = privateDecrypt({ key: privateKey, padding: constants.RSA_PKCS1_OAEP_PADDING }, enc);
    const clear = Buffer.from(pw + '\0');
    assert.deepEqual(plain, Buffer.from(clear.map((b, i) => b ^ SCRAMBLE[i % 20])));
  }
  // What a client such as mysql2 sends is read back by our decrypt.
  const clientSide = publicEncrypt({ key: publicKey, padding: constants.RSA_PKCS1_OAEP_PADDING },
    Buffer.from(Buffer.from('hunter2\0').map((b, i) => b ^ SCRAMBLE2[i % 20])));
  assert.equal(sha2DecryptPassword(clientSide, SCRAMBLE2, privateKey), 'hunter2');
});

test('newScramble: 20 bytes, no NUL and no "$", different each time', () => {
  const seen = new Set<string>();
  for (let i = 0; i < 200; i++) {
    const s = newScramble();
    assert.equal(s.length, 20);
    assert.equal(s.indexOf(0), -1);
    assert.equal(s.indexOf(0x24), -1);
    seen.add(s.toString('hex'));
  }
  assert.equal(seen.size, 200);
});
