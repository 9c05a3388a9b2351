// Statement digests from the token stream alone (no parse), for the plan cache and query statistics.
//
//   SELECT c FROM sbtest1 WHERE id=123            ->  SELECT c FROM sbtest1 WHERE id = ?          [123]
//   select * from t where a in (1,2,3) -- x       ->  SELECT * FROM t WHERE a IN (...)            [1, 2, 3]
//   INSERT INTO t VALUES (1,'a'),(2,'b')          ->  INSERT INTO t VALUES (...)                  [1, 'a', 2, 'b']
//
// Rules:
// - literals become `?` and their values are collected in order: integers as number (bigint beyond 2^53),
//   decimals and floats as number, strings unescaped (adjacent strings concatenated, an introducer such as
//   _utf8mb4 dropped), hex and bit literals as bigint, NULL as null (but IS [NOT] NULL stays);
//   a sign directly before a number where a value is expected folds into it (`= -5` -> `= ?`, [-5]);
// - `?` markers stay `?` and add no value;
// - an IN list of only literals/markers collapses to `IN (...)`; a run of literal-only VALUES rows to
//   one `(...)`;
// - keywords and function names (a word right before `(`) are upper-cased; other identifiers, quoted
//   identifiers and hints are kept as written; comments
//   and whitespace fold to one space between tokens (none inside parentheses, before `,` or around `.`,
//   and none between a word and `(` when the text had none); a trailing `;` is dropped.
import { KEYWORDS, K, KW_BASE } from './keywords';
import { T, TokenBuffer, unescapeString } from './lexer';
import { scanFast } from './scanner';

/** A statement's digest text and the literal values it replaced, in order. */
export interface Digest {
  text: string;
  values: (string | number | bigint | null)[];
}

export interface DigestOptions {
  /** ANSI_QUOTES: "x" is an identifier, kept as written. */
  ansiQuotes?: boolean;
}

const buf = new TokenBuffer();

// Punctuation and operators as printed in digests.
const OP_TEXT: string[] = [];
OP_TEXT[T.LPAREN] = '(';
OP_TEXT[T.RPAREN] = ')';
OP_TEXT[T.COMMA] = ',';
OP_TEXT[T.DOT] = '.';
OP_TEXT[T.SEMI] = ';';
OP_TEXT[T.EQ] = '=';
OP_TEXT[T.NULLSAFE_EQ] = '<=>';
OP_TEXT[T.LT] = '<';
OP_TEXT[T.LE] = '<=';
OP_TEXT[T.GT] = '>';
OP_TEXT[T.GE] = '>=';
OP_TEXT[T.PLUS] = '+';
OP_TEXT[T.MINUS] = '-';
OP_TEXT[T.STAR] = '*';
OP_TEXT[T.SLASH] = '/';
OP_TEXT[T.PERCENT] = '%';
OP_TEXT[T.CARET] = '^';
OP_TEXT[T.AMP] = '&';
OP_TEXT[T.PIPE] = '|';
OP_TEXT[T.TILDE] = '~';
OP_TEXT[T.BANG] = '!';
OP_TEXT[T.SHL] = '<<';
OP_TEXT[T.SHR] = '>>';
OP_TEXT[T.AND2] = '&&';
OP_TEXT[T.OR2] = '||';
OP_TEXT[T.ASSIGN] = ':=';
OP_TEXT[T.ARROW] = '->';
OP_TEXT[T.ARROW2] = '->>';
OP_TEXT[T.COLON] = ':';
OP_TEXT[T.LBRACE] = '{';
OP_TEXT[T.RBRACE] = '}';
OP_TEXT[T.AT] = '@';

const INTRODUCER = /^_[A-Za-z0-9]+$/;
const SPACED_KEYWORDS = KEYWORDS.map((k) => ' ' + k);

class DigestBuilder {
  private k!: Int32Array;
  private s!: Int32Array;
  private e!: Int32Array;
  private src = '';
  private n = 0;
  private ansi = false;
  text = '';
  values: (string | number | bigint | null)[] = [];
  /** Kind of the last token written (for spacing and sign folding); -1 at the start. */
  private last = -1;

  run(sql: string, opts: DigestOptions | undefined): Digest {
    scanFast(buf, sql);
    this.k = buf.kinds;
    this.s = buf.starts;
    this.e = buf.ends;
    this.src = sql;
    this.n = buf.count;
    this.ansi = opts?.ansiQuotes === true;
    this.text = '';
    this.values = [];
    this.last = -1;
    let i = 0;
    const k = this.k;
    const n = this.n;
    while (i < n) {
      const kind = k[i];
      if (kind === T.SEMI && i === n - 1) break;
      // IN (lit, ...) and VALUES (lit, ...), (lit, ...)
      if (kind === T.LPAREN && (this.last === K.IN || this.last === K.VALUES || this.last === K.VALUE)) {
        const end = this.literalList(i);
        if (end > 0) {
          const valuesRun = this.last !== K.IN;
          this.collectList(i, end);
          this.write(T.LPAREN, '(...)', true);
          i = end;
          // further literal-only rows of VALUES fold into the same (...)
          while (valuesRun && k[i] === T.COMMA && k[i + 1] === T.LPAREN) {
            const e2 = this.literalList(i + 1);
            if (e2 < 0) break;
            this.collectList(i + 1, e2);
            i = e2;
          }
          this.last = T.RPAREN;
          continue;
        }
      }
      const lit = this.literalAt(i);
      if (lit > 0) {
        this.pushLiteral(i, lit);
        this.write(T.PARAM, '?', true);
        this.last = T.INT;
        i = lit;
        continue;
      }
      this.token(i);
      i++;
    }
    return { text: this.text, values: this.values };
  }

  /** True when a token of `kind` written now takes a space before it. */
  private spaceBefore(kind: number): boolean {
    const last = this.last;
    return last !== -1 && last !== T.LPAREN && last !== T.DOT && last !== T.AT && kind !== T.RPAREN && kind !== T.COMMA && kind !== T.DOT;
  }

  /** Writes one token's text with the spacing rules. */
  private write(kind: number, text: string, spaced: boolean): void {
    if (spaced && this.spaceBefore(kind)) this.text += ' ' + text;
    else this.text += text;
    this.last = kind;
  }

  private token(i: number): void {
    const kind = this.k[i];
    if (kind >= KW_BASE) {
      // ' KEYWORD' is prepared once: one concatenation instead of two
      if (this.spaceBefore(kind)) this.text += SPACED_KEYWORDS[kind - KW_BASE];
      else this.text += KEYWORDS[kind - KW_BASE];
      this.last = kind;
      return;
    }
    if (kind === T.LPAREN) {
      // fn(  stays tight when the text had no space; otherwise one space
      const tight = i > 0 && this.e[i - 1] === this.s[i] && this.isWordKind(this.k[i - 1]);
      this.write(kind, '(', !tight);
      return;
    }
    const op = OP_TEXT[kind];
    if (op !== undefined) {
      this.write(kind, op, true);
      return;
    }
    // identifiers (function names upper-cased: they are case-insensitive), quoted identifiers,
    // variables, hints, markers, DSTRING under ANSI_QUOTES
    const s = this.s[i];
    const wkind = kind === T.PARAM ? T.PARAM : T.IDENT;
    if (kind === T.IDENT && this.k[i + 1] === T.LPAREN && this.s[i + 1] === this.e[i]) {
      this.write(wkind, this.src.slice(s, this.e[i]).toUpperCase(), true);
    } else if (s > 0 && this.src.charCodeAt(s - 1) === 32 && this.spaceBefore(wkind)) {
      // the source's own single space before the name comes along in the same slice
      this.text += this.src.slice(s - 1, this.e[i]);
      this.last = wkind;
    } else this.write(wkind, this.src.slice(s, this.e[i]), true);
    if (kind === T.PARAM) this.last = T.INT;
  }

  private isWordKind(kind: number): boolean {
    return kind === T.IDENT || kind === T.QIDENT || kind >= KW_BASE;
  }

  /** Where a value (not an operator) ends: a sign after it is binary, not part of a literal. */
  private lastIsValue(): boolean {
    const l = this.last;
    return (
      l === T.IDENT || l === T.QIDENT || l === T.INT || l === T.RPAREN || l === T.PARAM || l === T.USERVAR ||
      l === T.SYSVAR || l === K.NULL || l === K.TRUE || l === K.FALSE || l === K.END
    );
  }

  /**
   * If a literal starts at token i, the index after it; otherwise -1. A literal: a number (with a sign
   * folded in where a value is expected), a string run (with an introducer), N'..', X'..', 0x.., B'..',
   * 0b.., NULL (not after IS [NOT]).
   */
  private literalAt(i: number): number {
    const k = this.k;
    let kind = k[i];
    let j = i;
    if ((kind === T.MINUS || kind === T.PLUS) && !this.lastIsValue()) {
      const nk = k[i + 1];
      if (nk === T.INT || nk === T.DECIMAL || nk === T.FLOAT || nk === T.HEXNUM || nk === T.BITNUM) return i + 2;
      return -1;
    }
    if (kind === T.IDENT && (k[i + 1] === T.STRING || k[i + 1] === T.HEXSTR || k[i + 1] === T.HEXNUM || k[i + 1] === T.BITSTR || k[i + 1] === T.BITNUM || (k[i + 1] === T.DSTRING && !this.ansi))) {
      if (!INTRODUCER.test(this.src.slice(this.s[i], this.e[i]))) return -1;
      j = i + 1;
      kind = k[j];
    }
    switch (kind) {
      case T.INT:
      case T.DECIMAL:
      case T.FLOAT:
      case T.HEXNUM:
      case T.BITNUM:
      case T.HEXSTR:
      case T.BITSTR:
        return j + 1;
      case T.STRING:
      case T.NSTRING:
      case T.DSTRING: {
        if (kind === T.DSTRING && this.ansi) return -1;
        j++;
        while (k[j] === T.STRING || (k[j] === T.DSTRING && !this.ansi)) j++;
        return j;
      }
      case K.NULL:
        if (this.last === K.IS || (this.last === K.NOT && i > 0 && k[i - 2] === K.IS)) return -1;
        return j + 1;
    }
    return -1;
  }

  /** If tokens from the `(` at i form a list of literals / markers up to its `)`, the index after it; else -1. */
  private literalList(i: number): number {
    const k = this.k;
    let j = i + 1;
    const saveLast = this.last;
    this.last = T.LPAREN;
    try {
      if (k[j] === T.RPAREN) return -1;
      for (;;) {
        if (k[j] === T.PARAM) j++;
        else {
          const e = this.literalAt(j);
          if (e < 0) return -1;
          j = e;
        }
        if (k[j] === T.RPAREN) return j + 1;
        if (k[j] !== T.COMMA) return -1;
        j++;
        this.last = T.COMMA;
      }
    } finally {
      this.last = saveLast;
    }
  }

  private collectList(i: number, end: number): void {
    let j = i + 1;
    const saveLast = this.last;
    this.last = T.LPAREN;
    while (j < end - 1) {
      if (this.k[j] === T.PARAM) j++;
      else {
        const e = this.literalAt(j);
        this.pushLiteral(j, e);
        j = e;
      }
      if (this.k[j] === T.COMMA) {
        this.last = T.COMMA;
        j++;
      }
    }
    this.last = saveLast;
  }

  /** Pushes the value of the literal at tokens [i, end). */
  private pushLiteral(i: number, end: number): void {
    const k = this.k;
    const src = this.src;
    let neg = false;
    let j = i;
    if (k[j] === T.MINUS || k[j] === T.PLUS) {
      neg = k[j] === T.MINUS;
      j++;
    } else if (k[j] === T.IDENT) j++; // introducer
    const kind = k[j];
    const s = this.s[j];
    const e = this.e[j];
    switch (kind) {
      case T.INT: {
        let v: number | bigint;
        if (e - s < 16) {
          v = 0;
          for (let p = s; p < e; p++) v = v * 10 + (src.charCodeAt(p) - 48);
          if (neg) v = -v;
        } else {
          const b = BigInt(src.slice(s, e));
          v = b <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(b) : b;
          if (neg) v = typeof v === 'bigint' ? -v : -v;
        }
        this.values.push(v);
        return;
      }
      case T.DECIMAL:
      case T.FLOAT: {
        const v = Number(src.slice(s, e));
        this.values.push(neg ? -v : v);
        return;
      }
      case T.HEXNUM:
      case T.BITNUM:
      case T.HEXSTR:
      case T.BITSTR: {
        const hex = kind === T.HEXNUM || kind === T.HEXSTR;
        const digits = kind === T.HEXNUM || kind === T.BITNUM ? src.slice(s + 2, e) : src.slice(s + 2, e - 1);
        let v = digits === '' ? 0n : BigInt((hex ? '0x' : '0b') + digits);
        if (neg) v = -v;
        this.values.push(v);
        return;
      }
      case K.NULL:
        this.values.push(null);
        return;
      default: {
        // a run of strings
        let v = kind === T.NSTRING ? unescapeString(src, s + 1, e) : unescapeString(src, s, e);
        for (let p = j + 1; p < end; p++) v += unescapeString(src, this.s[p], this.e[p]);
        this.values.push(v);
      }
    }
  }
}

const builder = new DigestBuilder();

/** The digest of one statement (or of any SQL text): see the rules at the top of this file. */
export function digest(sql: string, opts?: DigestOptions): Digest {
  return builder.run(sql, opts);
}
