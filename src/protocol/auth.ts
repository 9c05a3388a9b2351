// Authentication scrambles: mysql_native_password and caching_sha2_password, both directions
// (sluice verifies its clients and authenticates itself to backends).
import { createHash, publicEncrypt, privateDecrypt, constants, randomBytes, timingSafeEqual } from 'node:crypto';

export const NATIVE_PASSWORD = 'mysql_native_password';
export const CACHING_SHA2 = 'caching_sha2_password';

/** caching_sha2_password's one-byte status messages after the client's scramble. */
export const enum Sha2Status {
  REQUEST_PUBLIC_KEY = 0x02,
  FAST_AUTH_SUCCESS = 0x03,
  PERFORM_FULL_AUTHENTICATION = 0x04,
}

const sha1 = (...parts: Buffer[]) => { const h = createHash('sha1'); for (const p of parts) h.update(p); return h.digest(); };
const sha256 = (...parts: Buffer[]) => { const h = createHash('sha256'); for (const p of parts) h.update(p); return h.digest(); };

function xor(a: Buffer, b: Buffer): Buffer {
  const out = Buffer.allocUnsafe(a.length);
  for (let i = 0; i < a.length; i++) out[i] = a[i] ^ b[i % b.length];
  return out;
}

/** 20 random bytes without NUL (handshake data is NUL-terminated on the wire). */
export function newScramble(): Buffer {
  const s = randomBytes(20);
  for (let i = 0; i < s.length; i++) if (s[i] === 0 || s[i] === 0x24) s[i] = (s[i] + 1) | 1;
  return s;
}

/** Client side: the mysql_native_password token for a password and the server's 20-byte scramble. */
export function nativeToken(password: string, scramble: Buffer): Buffer {
  if (!password) return Buffer.alloc(0);
  const s1 = sha1(Buffer.from(password, 'utf8'));
  return xor(s1, sha1(scramble.subarray(0, 20), sha1(s1)));
}

/** The stored form: SHA1(SHA1(password)), the 20 bytes behind MySQL's "*HEX" hash. */
export function nativeStage2(password: string): Buffer {
  return sha1(sha1(Buffer.from(password, 'utf8')));
}

/** Parses "*6BB4837EB74329105EE4568DDA7DC67ED2CA2AD9" into its 20 bytes. */
export function parseNativeHash(hash: string): Buffer {
  return Buffer.from(hash.slice(1), 'hex');
}

/** Server side: checks a native token against the stored SHA1(SHA1(password)). Empty stage2 = no password. */
export function verifyNative(token: Buffer, scramble: Buffer, stage2: Buffer | null): boolean {
  if (!stage2) return token.length === 0;
  if (token.length !== 20) return false;
  const stage1 = xor(token, sha1(scramble.subarray(0, 20), stage2));
  return timingSafeEqual(sha1(stage1), stage2);
}

/** Client side: the caching_sha2_password scramble. */
export function sha2Token(password: string, scramble: Buffer): Buffer {
  if (!password) return Buffer.alloc(0);
  const p1 = sha256(Buffer.from(password, 'utf8'));
  const p2 = sha256(p1);
  return xor(p1, sha256(p2, scramble.subarray(0, 20)));
}

/** Server side: checks a caching_sha2 fast-path token given SHA256(SHA256(password)). */
export function verifySha2(token: Buffer, scramble: Buffer, stage2: Buffer): boolean {
  if (token.length !== 32) return false;
  const p1 = xor(token, sha256(stage2, scramble.subarray(0, 20)));
  return timingSafeEqual(sha256(p1), stage2);
}

export function sha2Stage2(password: string): Buffer {
  return sha256(sha256(Buffer.from(password, 'utf8')));
}

/** Client side of full authentication without TLS: (password + NUL) XOR scramble, RSA-OAEP encrypted. */
export function sha2EncryptPassword(password: string, scramble: Buffer, publicKeyPem: string): Buffer {
  const plain = xor(Buffer.from(password + '\0', 'utf8'), scramble.subarray(0, 20));
  return publicEncrypt({ key: publicKeyPem, padding: constants.RSA_PKCS1_OAEP_PADDING }, plain);
}

/** Server side of full authentication without TLS: recovers the clear password. */
export function sha2DecryptPassword(encrypted: Buffer, scramble: Buffer, privateKeyPem: string): string {
  const plain = xor(privateDecrypt({ key: privateKeyPem, padding: constants.RSA_PKCS1_OAEP_PADDING }, encrypted), scramble.subarray(0, 20));
  const nul = plain.indexOf(0);
  return plain.subarray(0, nul < 0 ? plain.length : nul).toString('utf8');
}
