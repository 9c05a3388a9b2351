// Statement templates: the text with its literal values taken out, the plan cache's key.
//
// `SELECT c FROM sbtest1 WHERE id=5` and `... id=6` share the template `SELECT c FROM sbtest1 WHERE id=?`
// (comments and spacing kept: the template is the original text with each literal's span replaced by `?`).
// The template is what gets parsed and analysed; a statement is its template plus its slot values.
// Slot i is the template's i-th `?`: either a literal taken out of the text or one of the statement's
// own `?` markers (then bound from the caller's parameters). The key records which is which.
//
// Literals that carry structure stay in the text (so they are part of the key): a number that is a
// whole ORDER BY / GROUP BY item (a column position), strings after a charset introducer or
// DATE/TIME/TIMESTAMP, adjacent strings ('a' 'b'), and every literal of DDL and other statements.
import { HASH_PRIME, HASH_SEED, K } from '../sql/keywords';
import { T, TokenBuffer, unescapeString } from '../sql/lexer';
import { scanFast } from '../sql/scanner';
import { missingParam } from './errors';
import type { ParamValue } from './types';

/** Where slot i's value comes from. */
export type SlotSource = { lit: number } | { param: number };

export interface Template {
  /** The text parsed and analysed: literals replaced by `?`. */
  text: string;
  /** Per slot, in order: 'l' for a literal taken out of the text, 'p' for a `?` marker. */
  mask: string;
  /** Slot i of the text: the index of the literal in `literals`, or of the statement's parameter. */
  slots: SlotSource[];
}

/** One statement's values for its template's slots, and its template's identity. */
export interface Bound {
  /** Literal spans in the original text: start, end pairs. */
  litSpans: number[];
  /** Literal token kinds (T.INT, T.STRING, ...). */
  litKinds: number[];
  sql: string;
  params: readonly ParamValue[];
  /** Slot kinds in order ('l' literal, 'p' marker), as Template.mask. */
  mask: string;
  /** A 32-bit hash of the template text and mask: the plan cache's key (checked by sameTemplate). */
  hash: number;
}

const buf = new TokenBuffer();

// Token kinds by role, as bits of one table indexed by kind (a Set lookup per token was a
// measurable share of the per-statement cost).
const LITERAL = 1, TYPED = 2, AFTER_POSITION = 4, TEMPLATE_VERB = 8;
const ROLE = (() => {
  const kinds: [number, number[]][] = [
    [LITERAL, [T.INT, T.DECIMAL, T.FLOAT, T.STRING, T.DSTRING]],
    [TYPED, [K.DATE, K.TIME, K.TIMESTAMP]],
    [AFTER_POSITION, [T.COMMA, T.EOF, T.RPAREN, T.SEMI, K.ASC, K.DESC, K.LIMIT, K.HAVING, K.WITH, K.WINDOW, K.ORDER, K.FOR, K.LOCK, K.UNION, K.INTO]],
    [TEMPLATE_VERB, [K.SELECT, K.INSERT, K.REPLACE, K.UPDATE, K.DELETE, K.WITH, T.LPAREN]],
  ];
  const size = Math.max(...kinds.flatMap(([, ks]) => ks)) + 1;
  const table = new Uint8Array(size);
  for (const [bit, ks] of kinds) for (const k of ks) table[k] |= bit;
  return table;
})();
/** The role bits of a token kind (0 for kinds beyond the table). */
const role = (k: number): number => (k < ROLE.length ? ROLE[k] : 0);

const QUESTION = 63;

/** FNV-1a over s[from, to), continuing from h (the keyword hash's step, without case folding). */
function hashRange(h: number, s: string, from: number, to: number): number {
  for (let i = from; i < to; i++) h = Math.imul(h ^ s.charCodeAt(i), HASH_PRIME);
  return h;
}

/**
 * Find `sql`'s literal slots and hash its template, without building the template text (a cache hit
 * never needs it). Statements other than SELECT, INSERT, REPLACE, UPDATE, DELETE keep every literal in
 * the text, and so does every statement when `literals` is false (the fallback for a text whose
 * template does not parse, like CAST(x AS CHAR(?))).
 */
export function bindText(sql: string, params: readonly ParamValue[], literals = true): Bound {
  // Every statement on a sharded schema comes through here, cached or not: the fast scanner (the same
  // tokens as the moo lexer, checked token for token by test/sql) keeps the cache key cheap.
  scanFast(buf, sql);
  const { kinds, starts, ends, count } = buf;
  const litSpans: number[] = [];
  const litKinds: number[] = [];
  let mask = '';
  let h = literals ? HASH_SEED : HASH_SEED ^ 1; // literals kept: another key space
  let from = 0;
  const templ = literals && count > 0 && (role(kinds[0]) & TEMPLATE_VERB) !== 0;
  let byDepth = -1;
  let depth = 0;
  for (let i = 0; i < count; i++) {
    const k = kinds[i];
    if (k === T.LPAREN) depth++;
    else if (k === T.RPAREN) {
      depth--;
      if (depth < byDepth) byDepth = -1;
    } else if (k === K.BY) byDepth = depth;
    else if (k === K.LIMIT && depth === byDepth) byDepth = -1;
    if (k === T.PARAM) {
      mask += 'p';
      continue;
    }
    if (!templ || (role(k) & LITERAL) === 0) continue;
    const prev = i > 0 ? kinds[i - 1] : -1;
    const next = kinds[i + 1];
    if (k === T.STRING || k === T.DSTRING) {
      if ((prev >= 0 && (role(prev) & TYPED) !== 0) || prev === T.STRING || next === T.STRING || next === T.DSTRING) continue;
      if (prev === T.IDENT && sql.charCodeAt(starts[i - 1]) === 95 /* _ */) continue;
    } else if (byDepth === depth && (prev === K.BY || prev === T.COMMA) && (role(next) & AFTER_POSITION) !== 0) continue;
    h = Math.imul(hashRange(h, sql, from, starts[i]) ^ QUESTION, HASH_PRIME);
    from = ends[i];
    litSpans.push(starts[i], ends[i]);
    litKinds.push(k);
    mask += 'l';
  }
  h = hashRange(h, sql, from, sql.length);
  h = hashRange(Math.imul(h ^ 10, HASH_PRIME), mask, 0, mask.length);
  return { litSpans, litKinds, sql, params, mask, hash: h >>> 0 };
}

/** Lets bindText's token buffer drop a long statement's tokens (called after one). */
export function releaseScanMemory(): void {
  buf.release();
}

/** The statement's text with literal i's span replaced by put(i). */
export function withLiterals(b: Bound, put: (i: number) => string): string {
  let text = '';
  let from = 0;
  for (let i = 0; i < b.litKinds.length; i++) {
    text += b.sql.slice(from, b.litSpans[2 * i]) + put(i);
    from = b.litSpans[2 * i + 1];
  }
  return text + b.sql.slice(from);
}

/** The template of a bound statement: its text with each literal span replaced by `?`, and its slots. */
export function templateOf(b: Bound): Template {
  const text = withLiterals(b, () => '?');
  const slots: SlotSource[] = [];
  let lit = 0;
  let param = 0;
  for (let i = 0; i < b.mask.length; i++) slots.push(b.mask.charCodeAt(i) === 112 /* p */ ? { param: param++ } : { lit: lit++ });
  return { text, mask: b.mask, slots };
}

/** Is `t` the template of `b` (the check behind a hash match), compared in place without building text? */
export function sameTemplate(t: Template, b: Bound): boolean {
  if (t.mask !== b.mask) return false;
  const text = t.text;
  const sql = b.sql;
  let pos = 0;
  let from = 0;
  const n = b.litKinds.length;
  for (let i = 0; i <= n; i++) {
    const to = i < n ? b.litSpans[2 * i] : sql.length;
    const len = to - from;
    if (pos + len > text.length) return false;
    for (let j = 0; j < len; j++) if (text.charCodeAt(pos + j) !== sql.charCodeAt(from + j)) return false;
    pos += len;
    if (i < n) {
      if (text.charCodeAt(pos) !== QUESTION) return false;
      pos++;
      from = b.litSpans[2 * i + 1];
    }
  }
  return pos === text.length;
}

/** The value of slot `i` of a bound statement. */
export function slotValue(t: Template, b: Bound, i: number): ParamValue {
  const s = t.slots[i];
  if ('param' in s) {
    if (s.param >= b.params.length) throw missingParam(s.param);
    return b.params[s.param];
  }
  const start = b.litSpans[2 * s.lit];
  const end = b.litSpans[2 * s.lit + 1];
  switch (b.litKinds[s.lit]) {
    case T.INT:
      return BigInt(b.sql.slice(start, end));
    case T.DECIMAL:
    case T.FLOAT:
      return Number(b.sql.slice(start, end));
    default:
      return unescapeString(b.sql, start, end);
  }
}

/**
 * Slot `i` as a shard key value for placement: as slotValue, but an integer literal of up to 15
 * digits is a number rather than a BigInt (exact, and the placement formulas give the same target).
 */
export function slotKeyValue(t: Template, b: Bound, i: number): ParamValue {
  const s = t.slots[i];
  if ('lit' in s && b.litKinds[s.lit] === T.INT) {
    const start = b.litSpans[2 * s.lit];
    const end = b.litSpans[2 * s.lit + 1];
    if (end - start <= 15) return Number(b.sql.slice(start, end));
  }
  return slotValue(t, b, i);
}

/** Slot `i` as SQL text: the literal as written, or the bound parameter quoted as a literal. */
export function slotText(t: Template, b: Bound, i: number): string {
  const s = t.slots[i];
  if ('lit' in s) return b.sql.slice(b.litSpans[2 * s.lit], b.litSpans[2 * s.lit + 1]);
  if (s.param >= b.params.length) throw missingParam(s.param);
  return sqlLiteral(b.params[s.param]);
}

/**
 * A value as an SQL literal. Strings are quoted with '' doubling; one holding a backslash or a
 * control character is sent as _utf8mb4 X'…' so that no sql_mode (NO_BACKSLASH_ESCAPES) changes it.
 */
export function sqlLiteral(v: ParamValue): string {
  if (v === null) return 'NULL';
  if (typeof v === 'bigint') return v.toString();
  if (typeof v === 'number') {
    if (!Number.isFinite(v)) return 'NULL';
    return String(v);
  }
  if (typeof v !== 'string') return `X'${v.toString('hex')}'`;
  // eslint-disable-next-line no-control-regex
  if (/[\\\x00-\x1f]/.test(v)) {
    // The session carries SQL and string parameters as latin1 byte strings (one char per byte):
    // those go out byte for byte; a string with wider characters is a JS string, sent as UTF-8.
    const bytes = /[^\x00-\xff]/.test(v) ? Buffer.from(v, 'utf8') : Buffer.from(v, 'latin1');
    return `_utf8mb4 X'${bytes.toString('hex')}'`;
  }
  return `'${v.replace(/'/g, "''")}'`;
}
