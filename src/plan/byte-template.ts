// A statement's template read straight from its bytes, in one pass: a hash of the text outside its
// literals and the literals' spans, without decoding the text to a string or tokenizing it. It is
// the key of the verbatim route (verbatim-route.ts); the plan cache's own key (bindText,
// template.ts) needs the lexer's tokens and a string.
//
// Only the simplest statements are read, those a point select or write by its key usually is: the
// text starts with SELECT, INSERT, REPLACE, UPDATE or DELETE; its literals are integers (a digit
// run touching no word and no dot) and single-quoted strings without a backslash or doubled quote.
// Anything else ends the scan with -1, and the statement is planned the usual way: comments, `?`
// markers, `;`, `@` variables, double-quoted strings, a backslash, numbers with a dot or an
// exponent, 0x…/0b… numbers, a word touching a quote (X'…', N'…', _utf8'…'), more than
// MAX_LITERALS literals.
//
// Where such a statement's lexer tokens start and end does not depend on its literals' values: two
// statements with the same text outside their literals (and literals of the same kinds) have the
// same token kinds everywhere, so bindText takes the same literals out of both. Whether it takes
// out exactly this scan's literals is checked once per template, when its route is learned.
import { HASH_PRIME, HASH_SEED } from '../sql/keywords';

/** Kinds of the literals this scan takes out. */
export const enum ByteLiteral {
  Int = 1,
  String = 2,
}

/** Statements with more literals than this are not read (an IN list, a multi-row INSERT). */
export const MAX_LITERALS = 32;

/**
 * The last scan's result, overwritten by the next one (one per thread: no allocation per statement).
 * spans: start, end pairs (offsets into the scanned buffer, quotes included); kinds: ByteLiteral each.
 */
export const scanned = { hash: 0, count: 0, spans: new Int32Array(2 * MAX_LITERALS), kinds: new Uint8Array(MAX_LITERALS) };

// Byte classes: what the scan does at each byte (0: any other byte, hashed as text).
const WORD = 1, DIGIT = 2, QUOTE = 3, BACKQUOTE = 4, STOP = 5, DASH = 6, SLASH = 7, DOT = 8;
const CLASS = (() => {
  const t = new Uint8Array(256);
  for (let c = 0; c < 256; c++) {
    if ((c >= 97 && c <= 122) || (c >= 65 && c <= 90) || c === 95 /* _ */ || c === 36 /* $ */ || c >= 0x80) t[c] = WORD;
    else if (c >= 48 && c <= 57) t[c] = DIGIT;
  }
  t[39] = QUOTE;
  t[96] = BACKQUOTE;
  for (const c of '?;@"\\#') t[c.charCodeAt(0)] = STOP;
  t[45] = DASH;
  t[47] = SLASH;
  t[46] = DOT;
  return t;
})();

const VERBS = ['SELECT', 'INSERT', 'REPLACE', 'UPDATE', 'DELETE'].map((w) => Buffer.from(w, 'latin1'));

/** Does bytes[from, to) hold one of VERBS (ASCII case-insensitive)? */
function isTemplateVerb(bytes: Uint8Array, from: number, to: number): boolean {
  outer: for (const w of VERBS) {
    if (w.length !== to - from) continue;
    for (let k = 0; k < w.length; k++) if ((bytes[from + k] & ~32) !== w[k]) continue outer;
    return true;
  }
  return false;
}

/** Records a literal at [from, to) and folds its marker into h (markers are above any byte value). */
function literal(h: number, kind: ByteLiteral, from: number, to: number): number {
  const n = scanned.count;
  scanned.spans[2 * n] = from;
  scanned.spans[2 * n + 1] = to;
  scanned.kinds[n] = kind;
  scanned.count = n + 1;
  return Math.imul(h ^ (0x100 | kind), HASH_PRIME);
}

/**
 * Scans bytes[start, end) into `scanned`: its literal count, or -1 when the statement is not one
 * this scan reads (see the file comment).
 */
export function scanTemplate(bytes: Uint8Array, start: number, end: number): number {
  scanned.count = 0;
  let i = start;
  while (i < end && (bytes[i] === 32 || (bytes[i] >= 9 && bytes[i] <= 13))) i++;
  const verb = i;
  while (i < end && (CLASS[bytes[i]] === WORD || CLASS[bytes[i]] === DIGIT)) i++;
  if (!isTemplateVerb(bytes, verb, i)) return -1;
  let h = HASH_SEED;
  for (i = start; i < end; ) {
    const c = bytes[i];
    switch (CLASS[c]) {
      case WORD: {
        // A word, digits and all (sbtest1): hashed as it is; a quote right after it makes a typed string (X'41', _utf8'x').
        do h = Math.imul(h ^ bytes[i++], HASH_PRIME);
        while (i < end && (CLASS[bytes[i]] === WORD || CLASS[bytes[i]] === DIGIT));
        if (i < end && CLASS[bytes[i]] === QUOTE) return -1;
        continue;
      }
      case DIGIT: {
        const from = i;
        while (i < end && CLASS[bytes[i]] === DIGIT) i++;
        // 1.5, 1e5, 0x1f, 2abc (a word): not integers (.5 ends the scan at its dot).
        if (i < end && (CLASS[bytes[i]] === WORD || CLASS[bytes[i]] === DOT)) return -1;
        if (scanned.count === MAX_LITERALS) return -1;
        h = literal(h, ByteLiteral.Int, from, i);
        continue;
      }
      case QUOTE: {
        const from = i;
        for (i++; i < end && bytes[i] !== 39; i++) if (bytes[i] === 92 /* \ */) return -1;
        // Unterminated, or a doubled quote inside ('it''s'): not read here.
        if (i === end || (i + 1 < end && bytes[i + 1] === 39)) return -1;
        i++;
        if (scanned.count === MAX_LITERALS) return -1;
        h = literal(h, ByteLiteral.String, from, i);
        continue;
      }
      case BACKQUOTE: {
        // `a name`: its bytes are text (a quote inside is not a string); `` inside is a doubled back quote.
        const from = i;
        for (i++; ; i++) {
          if (i >= end) return -1;
          if (bytes[i] === 96) {
            if (i + 1 < end && bytes[i + 1] === 96) i++;
            else break;
          }
        }
        i++;
        for (let k = from; k < i; k++) h = Math.imul(h ^ bytes[k], HASH_PRIME);
        continue;
      }
      case STOP:
        return -1;
      case DASH: // -- comment (or a double minus)
        if (i + 1 < end && bytes[i + 1] === 45) return -1;
        break;
      case SLASH: // /* comment */
        if (i + 1 < end && bytes[i + 1] === 42) return -1;
        break;
      case DOT: // .5
        if (i + 1 < end && CLASS[bytes[i + 1]] === DIGIT) return -1;
        break;
    }
    h = Math.imul(h ^ c, HASH_PRIME);
    i++;
  }
  scanned.hash = h >>> 0;
  return scanned.count;
}
