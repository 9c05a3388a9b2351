// The moo lexer: MySQL's tokens with offsets into the original text.
//
// One rule set serves two users. `tokenize()` (public, for tests and tools) returns plain token objects
// with a public `type` and a decoded `value`. The parser calls `scanInto()`, which runs the same moo
// lexer and keeps only what parsing needs in reused parallel arrays (kind, start, end, text): no
// per-token objects of our own, no upper-casing (keywords are found by a case-folding hash over the
// source, see keywords.ts).
//
// MySQL lexical facts this follows (sql_lex.cc):
// - `-- ` starts a comment only when a space or control character (or the end) follows the dashes.
// - `/*! ... */` and `/*!50708 ... */` are executable comments: their content is SQL (a moo state).
// - `/*+ ... */` is an optimizer hint: a token of its own, attached to the statement by the parser.
// - `0x1F` and `0b101` are numbers only with a lower-case x/b and no identifier character after them;
//   `123abc` is an identifier; `1e5` is a float.
// - Strings take backslash escapes and doubled quotes; adjacent strings concatenate (the parser does it).
import moo from 'moo';
import { keywordKind, isReservedKind, K, KEYWORDS, KW_BASE } from './keywords';

/** Token kinds below KW_BASE: lexical classes and operators. Keywords are KW_BASE + index (keywords.ts). */
export const enum T {
  EOF = 0,
  IDENT, // bare identifier that is no keyword
  QIDENT, // `back-quoted`
  STRING, // '...'
  DSTRING, // "..." (a string, or an identifier under ANSI_QUOTES)
  NSTRING, // N'...'
  HEXSTR, // X'1F'
  BITSTR, // B'101'
  HEXNUM, // 0x1F
  BITNUM, // 0b101
  INT,
  DECIMAL,
  FLOAT,
  PARAM, // ?
  USERVAR, // @name
  SYSVAR, // @@[scope.]name
  HINT, // /*+ ... */
  ERROR, // text no rule matches (an unterminated string or comment, a stray character)
  LPAREN,
  RPAREN,
  COMMA,
  DOT,
  SEMI,
  EQ, // =
  NULLSAFE_EQ, // <=>
  NE, // <> or !=
  LT,
  LE,
  GT,
  GE,
  PLUS,
  MINUS,
  STAR,
  SLASH,
  PERCENT,
  CARET,
  AMP,
  PIPE,
  TILDE,
  BANG,
  SHL,
  SHR,
  AND2, // &&
  OR2, // ||
  ASSIGN, // :=
  ARROW, // ->
  ARROW2, // ->>
  COLON,
  LBRACE,
  RBRACE,
  AT, // a lone @ (user@host in account names)
}

const IDENT_CHAR = '0-9a-zA-Z_$\\u0080-\\uffff';
const NOT_IDENT_AFTER = new RegExp(`(?![${IDENT_CHAR}])`).source;
const SQ = /'[^'\\]*(?:(?:\\[^]|'')[^'\\]*)*'/.source;
const DQ = /"[^"\\]*(?:(?:\\[^]|"")[^"\\]*)*"/.source;
const BQ = /`[^`]*(?:``[^`]*)*`/.source;

// Single-character tokens first: moo matches these through a lookup table, without the RegExp.
function fastRules(withStar: boolean): moo.Rules {
  const r: moo.Rules = {
    '(': '(',
    ')': ')',
    ',': ',',
    ';': ';',
    '=': '=',
    '?': '?',
    '+': '+',
    '%': '%',
    '^': '^',
    '~': '~',
    '{': '{',
    '}': '}',
    sp: { match: ' ', type: () => 'ws' },
  };
  if (withStar) r['*'] = '*';
  return r;
}

// Order matters: moo takes the first rule that matches at a position, not the longest. Related classes
// share a rule (moo puts one capture group per rule in its RegExp and allocates a match array of that
// size per token, so fewer rules lex faster); classify() tells them apart by their first characters.
function regexRules(withStar: boolean): moo.Rules {
  const ops = ['<=>', '->>', '<<', '>>', '<=', '>=', '<>', '!=', ':=', '->', '&&', '||', '<', '>', '!', '&', '|', '-', '/', '.', ':', '@'];
  if (withStar) ops.push('*');
  return {
    ws: { match: /[ \t\n\r\f\v]+/, lineBreaks: true },
    nationalString: { match: new RegExp(`[nN]${SQ}`), lineBreaks: true },
    // X'1F' | B'101' | a word
    word: new RegExp(`[xX]'[0-9a-fA-F]*'|[bB]'[01]*'|[a-zA-Z_$\\u0080-\\uffff][${IDENT_CHAR}]*`),
    // 0x1F | 0b101 | float | 123abc (an identifier) | decimal | int
    number: new RegExp(
      `0x[0-9a-fA-F]+${NOT_IDENT_AFTER}|0b[01]+${NOT_IDENT_AFTER}|(?:[0-9]+(?:\\.[0-9]*)?|\\.[0-9]+)[eE][+-]?[0-9]+` +
        `|[0-9]+[a-zA-Z_$\\u0080-\\uffff][${IDENT_CHAR}]*|[0-9]+\\.[0-9]*|\\.[0-9]+|[0-9]+`,
    ),
    // 'string' | "string or ANSI identifier" | `identifier`
    quoted: { match: new RegExp(`${SQ}|${DQ}|${BQ}`), lineBreaks: true },
    comment: [/#[^\n]*/, /--(?=[\x00-\x20]|$)[^\n]*/],
    hint: { match: /\/\*\+[^]*?\*\//, lineBreaks: true },
    execOpen: { match: /\/\*M?![0-9]*/, push: 'exec' },
    blockComment: { match: /\/\*[^]*?\*\//, lineBreaks: true, type: () => 'comment' },
    // @@[scope.]name | @name, @'name', @"name", @`name`
    variable: {
      match: new RegExp(`@@(?:[a-zA-Z0-9_$]+|${BQ})(?:\\.(?:[a-zA-Z0-9_$]+|${BQ}))*|@(?:[${IDENT_CHAR}.]+|${BQ}|${SQ}|${DQ})`),
      lineBreaks: true,
    },
    nullEscape: '\\N',
    op: ops,
    error: moo.error,
  };
}

/**
 * The class of a token of a merged rule: 'word' -> hexString | bitString | word; 'number' -> hexNumber |
 * bitNumber | float | numIdent | decimal | int; 'quoted' -> string | dstring | quotedIdent;
 * 'variable' -> sysVar | userVar. Other rule names are classes already.
 */
function classify(rule: string, text: string): string {
  switch (rule) {
    case 'word':
      return text.charCodeAt(1) === 39 ? ((text.charCodeAt(0) | 32) === 120 ? 'hexString' : 'bitString') : 'word';
    case 'quoted': {
      const q = text.charCodeAt(0);
      return q === 39 ? 'string' : q === 34 ? 'dstring' : 'quotedIdent';
    }
    case 'variable':
      return text.charCodeAt(1) === 64 ? 'sysVar' : 'userVar';
    case 'number':
      return classifyNumber(text);
    default:
      return rule;
  }
}

function isDigitCode(c: number): boolean {
  return c >= 48 && c <= 57;
}

/** Which alternative of the number rule produced `text` (they are tried in this order). */
function classifyNumber(text: string): string {
  const n = text.length;
  const c1 = text.charCodeAt(1);
  if (text.charCodeAt(0) === 48 && (c1 === 120 || c1 === 98) && n > 2) {
    let i = 2;
    if (c1 === 120) while (i < n && /[0-9a-fA-F]/.test(text[i])) i++;
    else while (i < n && (text.charCodeAt(i) === 48 || text.charCodeAt(i) === 49)) i++;
    if (i === n) return c1 === 120 ? 'hexNumber' : 'bitNumber';
  }
  let i = 0;
  while (i < n && isDigitCode(text.charCodeAt(i))) i++;
  const intEnd = i;
  if (text.charCodeAt(i) === 46) {
    i++;
    while (i < n && isDigitCode(text.charCodeAt(i))) i++;
  }
  const mantEnd = i;
  const e = text.charCodeAt(i);
  if (e === 101 || e === 69) {
    let j = i + 1;
    const sign = text.charCodeAt(j);
    if (sign === 43 || sign === 45) j++;
    if (j < n && isDigitCode(text.charCodeAt(j))) {
      while (j < n && isDigitCode(text.charCodeAt(j))) j++;
      if (j === n) return 'float';
    }
  }
  if (intEnd > 0 && intEnd < n && text.charCodeAt(intEnd) !== 46) return 'numIdent';
  return mantEnd > intEnd ? 'decimal' : 'int';
}

function compile(): moo.Lexer {
  const main = { ...fastRules(true), ...regexRules(false) };
  main.execOpen = { match: /\/\*M?![0-9]*/, push: 'exec' };
  const exec: moo.Rules = { execClose: { match: '*/', pop: 1 }, ...fastRules(false), ...regexRules(true) };
  delete exec.execOpen;
  return moo.states({ main, exec });
}

/** The lexer the parser and tokenize() run (one per thread; reset per statement). */
const lexer = compile();

/** A token as tokenize() returns it. */
export interface Token {
  /** Public class: see TokenType. */
  type: TokenType;
  /** The source text of the token. */
  text: string;
  /**
   * Decoded value: keyword -> upper-case name; string -> unescaped content; quotedIdent -> name without
   * quotes; userVar/sysVar -> the text after @/@@; hex/bit strings -> the digits; otherwise the text.
   */
  value: string;
  /** Offset of the first character in the original text. */
  offset: number;
  /** 1-based line and column of the first character. */
  line: number;
  col: number;
}

export type TokenType =
  | 'ws'
  | 'comment'
  | 'hint'
  | 'execOpen'
  | 'execClose'
  | 'ident'
  | 'quotedIdent'
  | 'keyword'
  | 'string'
  | 'nationalString'
  | 'hexString'
  | 'bitString'
  | 'hexNumber'
  | 'bitNumber'
  | 'int'
  | 'decimal'
  | 'float'
  | 'param'
  | 'userVar'
  | 'sysVar'
  | 'op'
  | 'error';

export interface LexOptions {
  /** ANSI_QUOTES: "x" is an identifier, not a string. */
  ansiQuotes?: boolean;
}

/** All tokens of `sql`, whitespace and comments included (so offsets cover the text end to end). */
export function tokenize(sql: string, opts?: LexOptions): Token[] {
  const out: Token[] = [];
  lexer.reset(sql);
  for (let t = lexer.next(); t !== undefined; t = lexer.next()) {
    const mt = classify(t.type as string, t.text);
    let type: TokenType;
    let value = t.text;
    switch (mt) {
      case 'word':
        if (keywordKind(sql, t.offset, t.offset + t.text.length) !== 0) {
          type = 'keyword';
          value = t.text.toUpperCase();
        } else type = 'ident';
        break;
      case 'numIdent':
        type = 'ident';
        break;
      case 'quotedIdent':
        type = 'quotedIdent';
        value = unquoteIdent(t.text, 0, t.text.length);
        break;
      case 'string':
        type = 'string';
        value = unescapeString(t.text, 0, t.text.length);
        break;
      case 'dstring':
        if (opts?.ansiQuotes) {
          type = 'quotedIdent';
          value = unquoteIdent(t.text, 0, t.text.length);
        } else {
          type = 'string';
          value = unescapeString(t.text, 0, t.text.length);
        }
        break;
      case 'nationalString':
        type = 'nationalString';
        value = unescapeString(t.text, 1, t.text.length);
        break;
      case 'hexString':
      case 'bitString':
        type = mt;
        value = t.text.slice(2, -1);
        break;
      case 'sysVar':
        type = 'sysVar';
        value = t.text.slice(2);
        break;
      case 'userVar':
        type = 'userVar';
        value = userVarName(t.text, 0, t.text.length);
        break;
      case '?':
        type = 'param';
        break;
      case 'nullEscape':
        type = 'keyword';
        value = 'NULL';
        break;
      case 'ws':
      case 'comment':
      case 'hint':
      case 'execOpen':
      case 'execClose':
      case 'hexNumber':
      case 'bitNumber':
      case 'int':
      case 'decimal':
      case 'float':
      case 'error':
        type = mt;
        break;
      default:
        type = 'op';
    }
    out.push({ type, text: t.text, value, offset: t.offset, line: t.line, col: t.col });
  }
  return out;
}

// ---- the parser's token arrays ----

const RULE_KIND = new Map<string, number>([
  ['(', T.LPAREN],
  [')', T.RPAREN],
  [',', T.COMMA],
  [';', T.SEMI],
  ['=', T.EQ],
  ['?', T.PARAM],
  ['+', T.PLUS],
  ['%', T.PERCENT],
  ['^', T.CARET],
  ['~', T.TILDE],
  ['{', T.LBRACE],
  ['}', T.RBRACE],
  ['*', T.STAR],
  ['numIdent', T.IDENT],
  ['quotedIdent', T.QIDENT],
  ['string', T.STRING],
  ['dstring', T.DSTRING],
  ['nationalString', T.NSTRING],
  ['hexString', T.HEXSTR],
  ['bitString', T.BITSTR],
  ['hexNumber', T.HEXNUM],
  ['bitNumber', T.BITNUM],
  ['int', T.INT],
  ['decimal', T.DECIMAL],
  ['float', T.FLOAT],
  ['hint', T.HINT],
  ['sysVar', T.SYSVAR],
  ['userVar', T.USERVAR],
  ['error', T.ERROR],
  ['nullEscape', K.NULL],
]);

const OP_KIND = new Map<string, number>([
  ['<=>', T.NULLSAFE_EQ],
  ['->>', T.ARROW2],
  ['<<', T.SHL],
  ['>>', T.SHR],
  ['<=', T.LE],
  ['>=', T.GE],
  ['<>', T.NE],
  ['!=', T.NE],
  [':=', T.ASSIGN],
  ['->', T.ARROW],
  ['&&', T.AND2],
  ['||', T.OR2],
  ['<', T.LT],
  ['>', T.GT],
  ['!', T.BANG],
  ['&', T.AMP],
  ['|', T.PIPE],
  ['-', T.MINUS],
  ['/', T.SLASH],
  ['.', T.DOT],
  [':', T.COLON],
  ['@', T.AT],
  ['*', T.STAR],
]);

/**
 * The significant tokens of one text as parallel arrays, reused from statement to statement.
 * Whitespace, comments and executable-comment markers are dropped; hints stay (kind HINT).
 * The last entry (index `count`) is an EOF token at the end of the text.
 */
export class TokenBuffer {
  kinds: Int32Array = new Int32Array(256);
  starts: Int32Array = new Int32Array(256);
  ends: Int32Array = new Int32Array(256);
  /** The token's source text (moo slices it anyway; the parser keeps it for names and literals). */
  texts: string[] = [];
  count = 0;
  source = '';

  /** Doubles the arrays' capacity (texts grows by assignment). */
  grow(): void {
    const n = this.kinds.length * 2;
    const k = new Int32Array(n);
    k.set(this.kinds);
    this.kinds = k;
    const s = new Int32Array(n);
    s.set(this.starts);
    this.starts = s;
    const e = new Int32Array(n);
    e.set(this.ends);
    this.ends = e;
  }

  /**
   * Lets go of a long text after it was used: the source and the token texts (slices that keep the
   * source alive), and the arrays once they grew past `maxTokens` (a buffer keeps its largest size).
   */
  release(maxTokens = 1 << 16): void {
    this.source = '';
    this.texts = [];
    this.count = 0;
    if (this.kinds.length <= maxTokens) return;
    this.kinds = new Int32Array(256);
    this.starts = new Int32Array(256);
    this.ends = new Int32Array(256);
  }

  /** Lex `sql` into the arrays. */
  scan(sql: string): void {
    this.source = sql;
    lexer.reset(sql);
    let n = 0;
    const texts = this.texts;
    for (let t = lexer.next(); t !== undefined; t = lexer.next()) {
      let type = t.type as string;
      let kind: number;
      if (type === 'word' && t.text.charCodeAt(1) !== 39) {
        kind = keywordKind(sql, t.offset, t.offset + t.text.length) || T.IDENT;
      } else if (type === 'ws' || type === 'comment' || type === 'execOpen' || type === 'execClose') {
        continue;
      } else if (type === 'hint') {
        // A hint counts only right after the statement's verb (or another hint); elsewhere MySQL takes it for a comment.
        const prev = n > 0 ? this.kinds[n - 1] : -1;
        if (prev !== K.SELECT && prev !== K.INSERT && prev !== K.REPLACE && prev !== K.UPDATE && prev !== K.DELETE && prev !== T.HINT)
          continue;
        kind = T.HINT;
      } else if (type === 'op') {
        kind = OP_KIND.get(t.text)!;
      } else {
        type = classify(type, t.text);
        kind = RULE_KIND.get(type)!;
      }
      if (n + 1 >= this.kinds.length) this.grow();
      this.kinds[n] = kind;
      this.starts[n] = t.offset;
      this.ends[n] = t.offset + t.text.length;
      texts[n] = t.text;
      n++;
    }
    this.kinds[n] = T.EOF;
    this.starts[n] = sql.length;
    this.ends[n] = sql.length;
    texts[n] = '';
    this.count = n;
  }
}

// ---- decoding ----

/**
 * The value of a quoted string s[start, end) including its quotes: MySQL's backslash escapes
 * (\0 \' \" \b \n \r \t \Z \\; \% and \_ keep their backslash; any other \x is x) and doubled quotes.
 */
export function unescapeString(s: string, start: number, end: number): string {
  const q = s.charCodeAt(start);
  let i = start + 1;
  const stop = end - 1;
  let out = '';
  let from = i;
  for (; i < stop; i++) {
    const c = s.charCodeAt(i);
    if (c === 92 /* \ */) {
      out += s.slice(from, i);
      const d = s[i + 1];
      switch (d) {
        case '0': out += '\0'; break;
        case 'b': out += '\b'; break;
        case 'n': out += '\n'; break;
        case 'r': out += '\r'; break;
        case 't': out += '\t'; break;
        case 'Z': out += '\x1a'; break;
        case '%': out += '\\%'; break;
        case '_': out += '\\_'; break;
        default: out += d;
      }
      i++;
      from = i + 1;
    } else if (c === q) {
      // a doubled quote inside the string
      out += s.slice(from, i + 1);
      i++;
      from = i + 1;
    }
  }
  return from === start + 1 ? s.slice(from, stop) : out + s.slice(from, stop);
}

/** The name inside `back quotes` (or "double quotes" under ANSI_QUOTES): doubled quotes undone. */
export function unquoteIdent(s: string, start: number, end: number): string {
  const inner = s.slice(start + 1, end - 1);
  const q = s[start];
  return inner.indexOf(q) < 0 ? inner : inner.split(q + q).join(q);
}

/** The name of a user variable token (`@name`, `@'name'`, `@"name"`, @`name`). */
export function userVarName(s: string, start: number, end: number): string {
  const c = s[start + 1];
  if (c === "'" || c === '"') return unescapeString(s, start + 1, end);
  if (c === '`') return unquoteIdent(s, start + 1, end);
  return s.slice(start + 1, end);
}

/** The keyword name of a keyword token kind. */
export function keywordName(kind: number): string {
  return KEYWORDS[kind - KW_BASE];
}

export { isReservedKind };
