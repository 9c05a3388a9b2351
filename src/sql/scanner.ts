// A hand-rolled scan over char codes that fills a TokenBuffer exactly as the moo lexer does (same kinds,
// same boundaries: test/sql/scanner.test.ts checks it token for token), without a RegExp, a token object
// or a string per token.
//
// Why it exists: moo creates an object and a string per token and runs a RegExp with one capture group
// per rule; on this machine that is ~2 µs for a sysbench point select, three times the budget of the
// digest (1,500,000 statements a second). The digest and, when asked, the parser use this scan; moo stays
// the reference lexer and serves tokenize().
import { HASH_PRIME, HASH_SEED, K, keywordKindHashed } from './keywords';
import { T, type TokenBuffer } from './lexer';

function isIdentChar(c: number): boolean {
  return (
    (c >= 97 && c <= 122) || (c >= 65 && c <= 90) || (c >= 48 && c <= 57) || c === 95 || c === 36 || c >= 0x80
  );
}
function isIdentStart(c: number): boolean {
  return (c >= 97 && c <= 122) || (c >= 65 && c <= 90) || c === 95 || c === 36 || c >= 0x80;
}
function isDigit(c: number): boolean {
  return c >= 48 && c <= 57;
}
function isHex(c: number): boolean {
  return (c >= 48 && c <= 57) || (c >= 97 && c <= 102) || (c >= 65 && c <= 70);
}

/** One-char operators that a second char extends: first char -> [second char, long kind, short kind]. */
const PAIRS: Record<number, readonly [number, number, number]> = {
  33: [61, T.NE, T.BANG],
  58: [61, T.ASSIGN, T.COLON],
  38: [38, T.AND2, T.AMP],
  124: [124, T.OR2, T.PIPE],
};

/** End of a quoted run starting at the quote at `i` (backslash escapes and doubled quotes), or -1. */
export function skipQuoted(s: string, i: number, n: number): number {
  const q = s.charCodeAt(i);
  i++;
  while (i < n) {
    const c = s.charCodeAt(i);
    if (c === 92 /* \ */) i += 2;
    else if (c === q) {
      if (s.charCodeAt(i + 1) === q) i += 2;
      else return i + 1;
    } else i++;
  }
  return -1;
}

/** End of a `back-quoted` run (doubled back quotes, no escapes), or -1. */
function skipBackquoted(s: string, i: number, n: number): number {
  i++;
  while (i < n) {
    if (s.charCodeAt(i) === 96) {
      if (s.charCodeAt(i + 1) === 96) i += 2;
      else return i + 1;
    } else i++;
  }
  return -1;
}

/** [0-9]+[a-zA-Z_$\u0080-][...]* | float | decimal | int, in moo's rule order. Returns end and sets kind. */
let numKind = 0;
function scanNumber(s: string, i: number, n: number): number {
  const start = i;
  let j = i;
  while (j < n && isDigit(s.charCodeAt(j))) j++;
  const intEnd = j;
  // float: (d+(.d*)? | .d+) [eE] [+-]? d+
  let k = j;
  if (k === start) {
    // starts with '.', caller guarantees a digit follows
    k++;
    while (k < n && isDigit(s.charCodeAt(k))) k++;
  } else if (s.charCodeAt(k) === 46) {
    k++;
    while (k < n && isDigit(s.charCodeAt(k))) k++;
  }
  const mantEnd = k;
  const e = s.charCodeAt(k);
  if (e === 101 || e === 69) {
    let m = k + 1;
    const sign = s.charCodeAt(m);
    if (sign === 43 || sign === 45) m++;
    if (m < n && isDigit(s.charCodeAt(m))) {
      while (m < n && isDigit(s.charCodeAt(m))) m++;
      numKind = T.FLOAT;
      return m;
    }
  }
  // an identifier that starts with digits: 123abc
  if (intEnd > start && intEnd < n && isIdentStart(s.charCodeAt(intEnd))) {
    let m = intEnd + 1;
    while (m < n && isIdentChar(s.charCodeAt(m))) m++;
    numKind = T.IDENT;
    return m;
  }
  if (mantEnd > intEnd) {
    numKind = T.DECIMAL;
    return mantEnd;
  }
  numKind = T.INT;
  return intEnd;
}

/**
 * Fills `buf` with the significant tokens of `sql` (whitespace, comments and executable-comment
 * markers dropped; hints kept right after a statement verb), exactly as TokenBuffer.scan does with moo.
 * `texts` is not filled: callers slice the source by starts/ends when they need a token's text.
 */
export function scanFast(buf: TokenBuffer, sql: string): void {
  buf.source = sql;
  let kinds = buf.kinds;
  let starts = buf.starts;
  let ends = buf.ends;
  const n = sql.length;
  let count = 0;
  let inExec = false;
  let i = 0;
  while (i < n) {
    const c = sql.charCodeAt(i);
    const start = i;
    let kind: number;
    // whitespace
    if (c === 32 || (c >= 9 && c <= 13)) {
      i++;
      continue;
    }
    if (isIdentStart(c)) {
      const c1 = sql.charCodeAt(i + 1);
      if (c1 === 39 && (c === 120 || c === 88 || c === 98 || c === 66 || c === 110 || c === 78)) {
        // X'..' / B'..' / N'..'
        const upper = c & ~32;
        if (upper === 78) {
          const e = skipQuoted(sql, i + 1, n);
          if (e > 0) {
            kind = T.NSTRING;
            i = e;
            if (count + 1 >= kinds.length) ({ kinds, starts, ends } = grow(buf));
            kinds[count] = kind;
            starts[count] = start;
            ends[count] = i;
            count++;
            continue;
          }
        } else {
          let j = i + 2;
          if (upper === 88) while (j < n && isHex(sql.charCodeAt(j))) j++;
          else while (j < n && (sql.charCodeAt(j) === 48 || sql.charCodeAt(j) === 49)) j++;
          if (sql.charCodeAt(j) === 39) {
            kind = upper === 88 ? T.HEXSTR : T.BITSTR;
            i = j + 1;
            if (count + 1 >= kinds.length) ({ kinds, starts, ends } = grow(buf));
            kinds[count] = kind;
            starts[count] = start;
            ends[count] = i;
            count++;
            continue;
          }
        }
      }
      // the word, hashing it for the keyword table on the way
      let h = Math.imul(HASH_SEED ^ (c >= 97 && c <= 122 ? c - 32 : c), HASH_PRIME);
      for (i++; i < n; i++) {
        const d = sql.charCodeAt(i);
        if (!isIdentChar(d)) break;
        h = Math.imul(h ^ (d >= 97 && d <= 122 ? d - 32 : d), HASH_PRIME);
      }
      kind = keywordKindHashed(sql, start, i, h) || T.IDENT;
    } else if (isDigit(c) || (c === 46 && isDigit(sql.charCodeAt(i + 1)))) {
      const c1 = sql.charCodeAt(i + 1);
      kind = 0;
      if (c === 48 && c1 === 120) {
        let j = i + 2;
        while (j < n && isHex(sql.charCodeAt(j))) j++;
        if (j > i + 2 && !(j < n && isIdentChar(sql.charCodeAt(j)))) {
          kind = T.HEXNUM;
          i = j;
        }
      } else if (c === 48 && c1 === 98) {
        let j = i + 2;
        while (j < n && (sql.charCodeAt(j) === 48 || sql.charCodeAt(j) === 49)) j++;
        if (j > i + 2 && !(j < n && isIdentChar(sql.charCodeAt(j)))) {
          kind = T.BITNUM;
          i = j;
        }
      }
      if (kind === 0) {
        i = scanNumber(sql, i, n);
        kind = numKind;
      }
    } else {
      switch (c) {
        case 39: // '
        case 34: {
          // "
          const e = skipQuoted(sql, i, n);
          if (e < 0) {
            kind = T.ERROR;
            i = n;
          } else {
            kind = c === 39 ? T.STRING : T.DSTRING;
            i = e;
          }
          break;
        }
        case 96: {
          const e = skipBackquoted(sql, i, n);
          if (e < 0) {
            kind = T.ERROR;
            i = n;
          } else {
            kind = T.QIDENT;
            i = e;
          }
          break;
        }
        case 40:
          kind = T.LPAREN;
          i++;
          break;
        case 41:
          kind = T.RPAREN;
          i++;
          break;
        case 44:
          kind = T.COMMA;
          i++;
          break;
        case 59:
          kind = T.SEMI;
          i++;
          break;
        case 61:
          kind = T.EQ;
          i++;
          break;
        case 63:
          kind = T.PARAM;
          i++;
          break;
        case 43:
          kind = T.PLUS;
          i++;
          break;
        case 37:
          kind = T.PERCENT;
          i++;
          break;
        case 94:
          kind = T.CARET;
          i++;
          break;
        case 126:
          kind = T.TILDE;
          i++;
          break;
        case 123:
          kind = T.LBRACE;
          i++;
          break;
        case 125:
          kind = T.RBRACE;
          i++;
          break;
        case 46:
          kind = T.DOT;
          i++;
          break;
        case 42: // *
          if (inExec && sql.charCodeAt(i + 1) === 47) {
            inExec = false;
            i += 2;
            continue;
          }
          kind = T.STAR;
          i++;
          break;
        case 35: {
          // # comment
          const nl = sql.indexOf('\n', i);
          i = nl < 0 ? n : nl;
          continue;
        }
        case 45: {
          // - -- -> ->>
          const c1 = sql.charCodeAt(i + 1);
          if (c1 === 45) {
            const c2 = i + 2 < n ? sql.charCodeAt(i + 2) : 0;
            if (c2 <= 32) {
              const nl = sql.indexOf('\n', i);
              i = nl < 0 ? n : nl;
              continue;
            }
          }
          if (c1 === 62) {
            if (sql.charCodeAt(i + 2) === 62) {
              kind = T.ARROW2;
              i += 3;
            } else {
              kind = T.ARROW;
              i += 2;
            }
          } else {
            kind = T.MINUS;
            i++;
          }
          break;
        }
        case 47: {
          // / or a comment
          if (sql.charCodeAt(i + 1) === 42) {
            const c2 = sql.charCodeAt(i + 2);
            if (c2 === 43) {
              const e = sql.indexOf('*/', i + 3);
              if (e >= 0) {
                i = e + 2;
                const prev = count > 0 ? kinds[count - 1] : -1;
                if (
                  prev !== K.SELECT && prev !== K.INSERT && prev !== K.REPLACE && prev !== K.UPDATE && prev !== K.DELETE &&
                  prev !== T.HINT
                )
                  continue;
                kind = T.HINT;
                break;
              }
            }
            if (c2 === 33 || (c2 === 77 && sql.charCodeAt(i + 3) === 33)) {
              // /*! or /*M! : executable comment, its content is SQL
              i += c2 === 33 ? 3 : 4;
              while (i < n && isDigit(sql.charCodeAt(i))) i++;
              inExec = true;
              continue;
            }
            const e = sql.indexOf('*/', i + 2);
            if (e >= 0) {
              i = e + 2;
              continue;
            }
          }
          kind = T.SLASH;
          i++;
          break;
        }
        case 60: {
          // < <= <=> << <>
          const c1 = sql.charCodeAt(i + 1);
          if (c1 === 61) {
            if (sql.charCodeAt(i + 2) === 62) {
              kind = T.NULLSAFE_EQ;
              i += 3;
            } else {
              kind = T.LE;
              i += 2;
            }
          } else if (c1 === 60) {
            kind = T.SHL;
            i += 2;
          } else if (c1 === 62) {
            kind = T.NE;
            i += 2;
          } else {
            kind = T.LT;
            i++;
          }
          break;
        }
        case 62: {
          const c1 = sql.charCodeAt(i + 1);
          if (c1 === 61) {
            kind = T.GE;
            i += 2;
          } else if (c1 === 62) {
            kind = T.SHR;
            i += 2;
          } else {
            kind = T.GT;
            i++;
          }
          break;
        }
        case 33: // ! !=
        case 58: // : :=
        case 38: // & &&
        case 124: { // | ||
          const pair = PAIRS[c];
          if (sql.charCodeAt(i + 1) === pair[0]) {
            kind = pair[1];
            i += 2;
          } else {
            kind = pair[2];
            i++;
          }
          break;
        }
        case 64: {
          // @@sys, @user, @
          const e = scanVariable(sql, i, n);
          if (e > 0) {
            kind = sql.charCodeAt(i + 1) === 64 && e > i + 2 && varIsSys ? T.SYSVAR : T.USERVAR;
            i = e;
          } else {
            kind = T.AT;
            i++;
          }
          break;
        }
        case 92:
          if (sql.charCodeAt(i + 1) === 78) {
            kind = K.NULL;
            i += 2;
            break;
          }
          kind = T.ERROR;
          i = n;
          break;
        default:
          kind = T.ERROR;
          i = n;
      }
    }
    if (count + 1 >= kinds.length) ({ kinds, starts, ends } = grow(buf));
    kinds[count] = kind;
    starts[count] = start;
    ends[count] = i;
    count++;
  }
  if (count + 1 >= kinds.length) ({ kinds, starts, ends } = grow(buf));
  kinds[count] = T.EOF;
  starts[count] = n;
  ends[count] = n;
  buf.count = count;
}

let varIsSys = false;
/** End of @@sys.var / @user / @'user' ..., or -1 for a lone @ (moo's sysVar then userVar rules). */
function scanVariable(s: string, i: number, n: number): number {
  if (s.charCodeAt(i + 1) === 64) {
    // @@(?:[a-zA-Z0-9_$]+|`...`)(?:\.(?:[a-zA-Z0-9_$]+|`...`))*
    let j = i + 2;
    let ok = false;
    for (;;) {
      const c = s.charCodeAt(j);
      if (c === 96) {
        const e = skipBackquoted(s, j, n);
        if (e < 0) break;
        j = e;
      } else if (isAsciiWord(c)) {
        while (j < n && isAsciiWord(s.charCodeAt(j))) j++;
      } else break;
      ok = true;
      if (s.charCodeAt(j) === 46 && (isAsciiWord(s.charCodeAt(j + 1)) || s.charCodeAt(j + 1) === 96)) j++;
      else break;
    }
    if (ok) {
      varIsSys = true;
      return j;
    }
  }
  varIsSys = false;
  // @(?:[identchar.]+|`...`|'...'|"...")
  const c = s.charCodeAt(i + 1);
  if (c === 96) return skipBackquoted(s, i + 1, n);
  if (c === 39 || c === 34) return skipQuoted(s, i + 1, n);
  let j = i + 1;
  while (j < n && (isIdentChar(s.charCodeAt(j)) || s.charCodeAt(j) === 46)) j++;
  return j > i + 1 ? j : -1;
}

function isAsciiWord(c: number): boolean {
  return (c >= 97 && c <= 122) || (c >= 65 && c <= 90) || (c >= 48 && c <= 57) || c === 95 || c === 36;
}

function grow(buf: TokenBuffer): { kinds: Int32Array; starts: Int32Array; ends: Int32Array } {
  buf.grow();
  return { kinds: buf.kinds, starts: buf.starts, ends: buf.ends };
}
