// The hand-written recursive-descent MySQL parser.
//
// Shaped after TypeScript's parser.ts: a cursor over the token arrays (TokenBuffer) and tiny verbs:
//   tok()        the current token's kind          peek(n)     the kind n tokens ahead
//   next()       step over it                      optional(k) step over it if it is k
//   expect(k)    step over it or fail              fail()      throw ERR 1064 at the current token
// Every node is stamped with {start, end} offsets into the original text: start is the first token's
// start, end is the last consumed token's end (`this.lastEnd()`).
//
// Expression precedence follows MySQL's grammar (sql_yacc.yy), loosest first:
//   :=  <  OR ||  <  XOR  <  AND &&  <  NOT  <  IS TRUE/FALSE/UNKNOWN  <  comparison, IS [NOT] NULL
//   <  [NOT] IN/BETWEEN/LIKE/REGEXP, SOUNDS LIKE, MEMBER OF  <  |  <  &  <  << >>  <  + -  <  * / DIV % MOD
//   <  ^  <  unary - + ~ ! BINARY  <  COLLATE, -> ->>  <  primary.
// The parse functions below are named for those levels (parseOr ... parseSimple, parsePrimary).
import type * as A from './ast';
import { SqlSyntaxError } from './errors';
import { isReservedKind, K, KEYWORDS, KW_BASE } from './keywords';
import { T, TokenBuffer, unescapeString, unquoteIdent, userVarName } from './lexer';
import { scanFast } from './scanner';

export interface ParseOptions {
  /** ANSI_QUOTES: "x" is an identifier, not a string. */
  ansiQuotes?: boolean;
  /**
   * Which lexer feeds the parser: 'moo' (the reference lexer) or 'fast' (scanner.ts, the same tokens
   * without per-token objects). Both give the same tree; the default is set by setDefaultLexer.
   */
  lexer?: 'moo' | 'fast';
}

let defaultLexer: 'moo' | 'fast' = 'moo';

/** Chooses the lexer parse() uses when ParseOptions.lexer is not given. */
export function setDefaultLexer(lexer: 'moo' | 'fast'): void {
  defaultLexer = lexer;
}

const INTERVAL_UNITS = new Set([
  'MICROSECOND', 'SECOND', 'MINUTE', 'HOUR', 'DAY', 'WEEK', 'MONTH', 'QUARTER', 'YEAR', 'SECOND_MICROSECOND',
  'MINUTE_MICROSECOND', 'MINUTE_SECOND', 'HOUR_MICROSECOND', 'HOUR_SECOND', 'HOUR_MINUTE', 'DAY_MICROSECOND',
  'DAY_SECOND', 'DAY_MINUTE', 'DAY_HOUR', 'YEAR_MONTH',
]);

// Character sets that may introduce a literal: _utf8mb4'x'.
const INTRODUCERS = new Set([
  'armscii8', 'ascii', 'big5', 'binary', 'cp1250', 'cp1251', 'cp1256', 'cp1257', 'cp850', 'cp852', 'cp866', 'cp932',
  'dec8', 'eucjpms', 'euckr', 'gb18030', 'gb2312', 'gbk', 'geostd8', 'greek', 'hebrew', 'hp8', 'keybcs2', 'koi8r',
  'koi8u', 'latin1', 'latin2', 'latin5', 'latin7', 'macce', 'macroman', 'sjis', 'swe7', 'tis620', 'ucs2', 'ujis',
  'utf16', 'utf16le', 'utf32', 'utf8', 'utf8mb3', 'utf8mb4', 'filename',
]);

const AGGREGATES = new Set([
  'COUNT', 'SUM', 'AVG', 'MIN', 'MAX', 'BIT_AND', 'BIT_OR', 'BIT_XOR', 'STD', 'STDDEV', 'STDDEV_POP', 'STDDEV_SAMP',
  'VAR_POP', 'VAR_SAMP', 'VARIANCE', 'GROUP_CONCAT', 'JSON_ARRAYAGG', 'JSON_OBJECTAGG',
]);

// Reserved words that are functions without parentheses.
const NILADIC = new Set<number>([
  K.CURRENT_DATE, K.CURRENT_TIME, K.CURRENT_TIMESTAMP, K.LOCALTIME, K.LOCALTIMESTAMP, K.UTC_DATE, K.UTC_TIME,
  K.UTC_TIMESTAMP, K.CURRENT_USER,
]);

const SELECT_MODIFIERS = new Set<number>([
  K.HIGH_PRIORITY, K.STRAIGHT_JOIN, K.SQL_SMALL_RESULT, K.SQL_BIG_RESULT, K.SQL_BUFFER_RESULT, K.SQL_CACHE,
  K.SQL_NO_CACHE, K.SQL_CALC_FOUND_ROWS,
]);

// Binary operators of bit_expr and their binding power (higher binds tighter).
const BIT_PREC = new Int8Array(KW_BASE);
BIT_PREC[T.PIPE] = 1;
BIT_PREC[T.AMP] = 2;
BIT_PREC[T.SHL] = 3;
BIT_PREC[T.SHR] = 3;
BIT_PREC[T.PLUS] = 4;
BIT_PREC[T.MINUS] = 4;
BIT_PREC[T.STAR] = 5;
BIT_PREC[T.SLASH] = 5;
BIT_PREC[T.PERCENT] = 5;
BIT_PREC[T.CARET] = 6;
const BIT_OP: Record<number, A.BinaryOp> = {
  [T.PIPE]: '|',
  [T.AMP]: '&',
  [T.SHL]: '<<',
  [T.SHR]: '>>',
  [T.PLUS]: '+',
  [T.MINUS]: '-',
  [T.STAR]: '*',
  [T.SLASH]: '/',
  [T.PERCENT]: '%',
  [T.CARET]: '^',
};
const CMP_OP: Record<number, A.BinaryOp> = {
  [T.EQ]: '=',
  [T.NULLSAFE_EQ]: '<=>',
  [T.NE]: '<>',
  [T.LT]: '<',
  [T.LE]: '<=',
  [T.GT]: '>',
  [T.GE]: '>=',
};

// First keywords of statements this parser does not model but MySQL or MariaDB accept: kind 'other'.
const OTHER_VERBS = new Set([
  'ALTER', 'ANALYZE', 'BACKUP', 'BINLOG', 'CACHE', 'CALL', 'CHANGE', 'CHECK', 'CHECKSUM', 'CLONE', 'CREATE', 'DECLARE',
  'DO', 'DROP', 'FLUSH', 'GET', 'GRANT', 'HANDLER', 'HELP', 'IMPORT', 'INSTALL', 'LOAD', 'LOCK', 'OPTIMIZE', 'PURGE',
  'RENAME', 'REPAIR', 'RESET', 'RESIGNAL', 'RESTART', 'REVOKE', 'SHOW', 'SHUTDOWN', 'SIGNAL', 'START', 'STOP',
  'TABLE', 'UNINSTALL', 'VALUES', 'BEGIN', 'SET', 'EXECUTE', 'DEALLOCATE', 'USE', 'EXPLAIN', 'DESCRIBE', 'DESC',
]);

// A comment or an executable-comment marker inside a raw text slice.
const COMMENT_MARK = /\/\*|\*\/|#|--/;

class Parser {
  private buf = new TokenBuffer();
  private k: Int32Array = this.buf.kinds;
  private s: Int32Array = this.buf.starts;
  private e: Int32Array = this.buf.ends;
  private src = '';
  private pos = 0;
  private count = 0;
  private ansi = false;
  private paramIndex = 0;

  reset(sql: string, opts: ParseOptions | undefined): void {
    const buf = this.buf;
    if ((opts?.lexer ?? defaultLexer) === 'fast') scanFast(buf, sql);
    else buf.scan(sql);
    this.k = buf.kinds;
    this.s = buf.starts;
    this.e = buf.ends;
    this.count = buf.count;
    this.src = sql;
    this.pos = 0;
    this.ansi = opts?.ansiQuotes === true;
    if (this.k[0] === T.ERROR) this.fail();
  }

  /** Drops what the last text left behind (see TokenBuffer.release). */
  release(): void {
    this.buf.release();
    this.k = this.buf.kinds;
    this.s = this.buf.starts;
    this.e = this.buf.ends;
    this.src = '';
    this.count = 0;
  }

  // ------------------------------------------------------------ verbs

  private tok(): number {
    return this.k[this.pos];
  }
  private peek(n: number): number {
    const i = this.pos + n;
    return i <= this.count ? this.k[i] : T.EOF;
  }
  private next(): void {
    if (this.pos < this.count) this.pos++;
    if (this.k[this.pos] === T.ERROR) this.fail();
  }
  private optional(kind: number): boolean {
    if (this.k[this.pos] === kind) {
      this.next();
      return true;
    }
    return false;
  }
  private expect(kind: number): void {
    if (this.k[this.pos] !== kind) this.fail();
    this.next();
  }
  private fail(): never {
    throw new SqlSyntaxError(this.src, this.s[this.pos]);
  }
  private start(): number {
    return this.s[this.pos];
  }
  private lastEnd(): number {
    return this.e[this.pos - 1];
  }
  /** Runs f and restores the cursor afterwards: a look-ahead that never consumes. */
  private lookAhead<R>(f: () => R): R {
    const save = this.pos;
    const saveParam = this.paramIndex;
    try {
      return f();
    } finally {
      this.pos = save;
      this.paramIndex = saveParam;
    }
  }
  /** The current token's source text. */
  private text(): string {
    return this.src.slice(this.s[this.pos], this.e[this.pos]);
  }
  /** The upper-case text of the current word token (keywords and identifiers alike). */
  private upperText(): string {
    const k = this.k[this.pos];
    if (k >= KW_BASE && this.e[this.pos] - this.s[this.pos] > 1) return KEYWORDS[k - KW_BASE];
    return this.text().toUpperCase();
  }

  // ------------------------------------------------------------ identifiers

  private isIdentKind(kind: number): boolean {
    return (
      kind === T.IDENT ||
      kind === T.QIDENT ||
      (kind === T.DSTRING && this.ansi) ||
      (kind >= KW_BASE && !isReservedKind(kind))
    );
  }
  private atIdent(): boolean {
    return this.isIdentKind(this.k[this.pos]);
  }
  /** Any word, reserved or not (after a dot MySQL takes keywords as names). */
  private atWord(): boolean {
    const k = this.k[this.pos];
    return k === T.IDENT || k === T.QIDENT || k >= KW_BASE || (k === T.DSTRING && this.ansi);
  }
  private tokenName(): string {
    const k = this.k[this.pos];
    if (k === T.QIDENT || k === T.DSTRING) return unquoteIdent(this.src, this.s[this.pos], this.e[this.pos]);
    return this.text();
  }
  /** An identifier (non-reserved keywords allowed). */
  private ident(): string {
    if (!this.atIdent()) this.fail();
    const name = this.tokenName();
    this.next();
    return name;
  }
  private anyWord(): string {
    if (!this.atWord()) this.fail();
    const name = this.tokenName();
    this.next();
    return name;
  }
  /** An identifier or a quoted string (aliases, charset and collation names). */
  private identOrString(): string {
    const k = this.tok();
    if (k === T.STRING || (k === T.DSTRING && !this.ansi)) {
      const v = unescapeString(this.src, this.s[this.pos], this.e[this.pos]);
      this.next();
      return v;
    }
    return this.ident();
  }
  /** A charset or collation name: identifier, string, or BINARY / DEFAULT. */
  private charsetName(): string {
    if (this.tok() === K.BINARY || this.tok() === K.DEFAULT) {
      const n = this.upperText();
      this.next();
      return n;
    }
    return this.identOrString();
  }
  private identList(): string[] {
    const out = [this.ident()];
    while (this.optional(T.COMMA)) out.push(this.ident());
    return out;
  }
  private parenIdentList(): string[] {
    this.expect(T.LPAREN);
    const out = this.identList();
    this.expect(T.RPAREN);
    return out;
  }
  /** [schema.]name */
  private tableName(): A.TableName {
    const start = this.start();
    let name = this.ident();
    let schema: string | undefined;
    if (this.tok() === T.DOT) {
      this.next();
      schema = name;
      name = this.anyWord();
    }
    const n: A.TableName = { type: 'TableName', name, start, end: this.lastEnd() };
    if (schema !== undefined) n.schema = schema;
    return n;
  }
  private tableNameList(): A.TableName[] {
    const out = [this.tableName()];
    while (this.optional(T.COMMA)) out.push(this.tableName());
    return out;
  }
  private alias(): string | undefined {
    if (this.optional(K.AS)) return this.identOrString();
    const k = this.tok();
    if (this.isIdentKind(k) || k === T.STRING || (k === T.DSTRING && !this.ansi)) return this.identOrString();
    return undefined;
  }
  private tableAlias(): string | undefined {
    if (this.optional(K.AS)) return this.ident();
    if (this.atIdent()) return this.ident();
    return undefined;
  }

  // ------------------------------------------------------------ statements

  parseStatement(): A.Statement {
    this.paramIndex = 0;
    const k = this.tok();
    switch (k) {
      case K.SELECT:
      case T.LPAREN:
      case K.TABLE:
        return this.parseQueryExpr();
      case K.VALUES:
        if (this.peek(1) === K.ROW || this.peek(1) === T.LPAREN) return this.parseQueryExpr();
        break;
      case K.WITH:
        return this.parseWithStatement();
      case K.INSERT:
      case K.REPLACE:
        return this.parseInsert();
      case K.UPDATE:
        return this.parseUpdate(undefined, this.start());
      case K.DELETE:
        return this.parseDelete(undefined, this.start());
      case K.BEGIN:
      case K.START:
      case K.COMMIT:
      case K.ROLLBACK:
      case K.SAVEPOINT:
      case K.RELEASE:
        return this.parseTransaction();
      case K.SET:
        return this.parseSet();
      case K.USE:
        return this.parseUse();
      case K.SHOW:
        return this.parseShow();
      case K.EXPLAIN:
      case K.DESCRIBE:
      case K.DESC:
        return this.parseExplain();
      case K.CREATE:
      case K.ALTER:
      case K.DROP:
      case K.TRUNCATE:
      case K.RENAME:
        return this.parseDdl();
      case K.LOCK:
      case K.UNLOCK:
        return this.parseLockTables();
      case K.XA:
        return this.parseXa();
      case K.KILL:
        return this.parseKill();
      case K.PREPARE:
      case K.EXECUTE:
      case K.DEALLOCATE:
        return this.parsePrepare();
    }
    if (k >= KW_BASE || k === T.IDENT) {
      if (OTHER_VERBS.has(this.upperText())) return this.parseOther(this.pos);
    }
    this.fail();
  }

  /** A syntax error at the current token. */
  errorHere(): SqlSyntaxError {
    return new SqlSyntaxError(this.src, this.s[this.pos]);
  }

  /** Fails unless the whole text has been consumed. */
  expectEnd(): void {
    if (this.tok() !== T.EOF) this.fail();
  }

  /** True at the end of a statement: `;` or the end of the text. */
  atEnd(): boolean {
    const k = this.tok();
    return k === T.SEMI || k === T.EOF;
  }

  /** Parses one statement and the `;` after it; fails on anything else. */
  parseOne(): A.Statement {
    const st = this.parseStatement();
    this.optional(T.SEMI);
    if (this.tok() !== T.EOF) this.fail();
    return st;
  }

  parseAll(): A.Statement[] {
    const out: A.Statement[] = [];
    for (;;) {
      while (this.optional(T.SEMI));
      if (this.tok() === T.EOF) return out;
      out.push(this.parseStatement());
      if (this.tok() !== T.EOF && this.tok() !== T.SEMI) this.fail();
    }
  }

  /** A statement kind this parser does not model: first keyword, table names it can find, text as written. */
  private parseOther(from: number): A.OtherStatement {
    this.pos = from;
    const start = this.start();
    const keyword = this.upperText();
    const tables: A.TableName[] = [];
    const compound = keyword === 'CREATE' && this.lookAhead(() => this.scanForCompound());
    const grant = keyword === 'GRANT' || keyword === 'REVOKE';
    let depth = 0;
    while (this.tok() !== T.EOF && (compound || depth > 0 || this.tok() !== T.SEMI)) {
      const k = this.tok();
      if (k === T.LPAREN) depth++;
      else if (k === T.RPAREN) depth--;
      const takesTable =
        k === K.TABLE || k === K.TABLES || k === K.FROM || k === K.INTO || k === K.JOIN || k === K.UPDATE ||
        (grant && k === K.ON);
      this.next();
      if (takesTable) {
        if (k === K.ON) this.optional(K.TABLE);
        // IF [NOT] EXISTS between the keyword and the names
        if (this.tok() === K.IF) {
          this.next();
          this.optional(K.NOT);
          this.optional(K.EXISTS);
        }
        while (this.atIdent() && this.peek(1) !== T.LPAREN) {
          // db.* and the like name no table
          if (this.peek(1) === T.DOT && !(this.peek(2) === T.IDENT || this.peek(2) === T.QIDENT || this.peek(2) >= KW_BASE)) break;
          const t = this.tableName();
          if (this.tok() === T.DOT) break;
          tables.push(t);
          if (this.tok() !== T.COMMA || !this.isIdentKind(this.peek(1))) break;
          this.next();
        }
      }
    }
    const end = this.pos > 0 && this.pos - 1 >= 0 && this.s[this.pos - 1] >= start ? this.lastEnd() : start;
    return { type: 'other', keyword, tables, text: end > start ? this.sliceFrom(start) : '', start, end };
  }

  /** CREATE PROCEDURE/FUNCTION/TRIGGER/EVENT with a body: the whole text is one statement. */
  private scanForCompound(): boolean {
    for (let i = 0; i < 8 && this.tok() !== T.EOF; i++) {
      const k = this.tok();
      if (k === K.PROCEDURE || k === K.FUNCTION || k === K.TRIGGER || k === K.EVENT) return true;
      this.next();
    }
    return false;
  }

  // ------------------------------------------------------------ queries

  private parseWithStatement(): A.Statement {
    const start = this.start();
    const w = this.parseWith();
    if (this.tok() === K.UPDATE) return this.parseUpdate(w, start);
    if (this.tok() === K.DELETE) return this.parseDelete(w, start);
    const q = this.parseQueryBody();
    q.with = w;
    q.start = start;
    return q;
  }

  private parseWith(): A.With {
    const start = this.start();
    this.expect(K.WITH);
    const recursive = this.optional(K.RECURSIVE);
    const ctes: A.Cte[] = [];
    do {
      const cs = this.start();
      const name = this.ident();
      const cte: A.Cte = { type: 'Cte', name, query: undefined as unknown as A.Query, start: cs, end: cs };
      if (this.tok() === T.LPAREN) cte.columns = this.parenIdentList();
      this.expect(K.AS);
      this.expect(T.LPAREN);
      cte.query = this.parseQueryExpr();
      this.expect(T.RPAREN);
      cte.end = this.lastEnd();
      ctes.push(cte);
    } while (this.optional(T.COMMA));
    return { type: 'With', recursive, ctes, start, end: this.lastEnd() };
  }

  /** query_expression: [WITH ...] body [ORDER BY] [LIMIT] [locking] [INTO]. */
  parseQueryExpr(): A.Query {
    if (this.tok() === K.WITH) {
      const start = this.start();
      const w = this.parseWith();
      const q = this.parseQueryBody();
      q.with = w;
      q.start = start;
      return q;
    }
    return this.parseQueryBody();
  }

  private parseQueryBody(): A.Query {
    const q = this.parseUnion();
    let orderBy: A.OrderItem[] | undefined;
    let limit: A.Limit | undefined;
    if (this.tok() === K.ORDER) orderBy = this.parseOrderBy();
    if (this.tok() === K.LIMIT) limit = this.parseLimit();
    let into = this.tok() === K.INTO ? this.parseInto() : undefined;
    const lock = this.atLockClause() ? this.parseLockClause() : undefined;
    if (into === undefined && this.tok() === K.INTO) into = this.parseInto();
    if (orderBy || limit || lock || into) {
      if ((orderBy && q.orderBy) || (limit && q.limit) || (lock && q.lock) || (into && q.into)) this.fail();
      if (orderBy) q.orderBy = orderBy;
      if (limit) q.limit = limit;
      if (lock) q.lock = lock;
      if (into) q.into = into;
      q.end = this.lastEnd();
    }
    return q;
  }

  private parseUnion(): A.Query {
    let left = this.parseIntersect();
    for (;;) {
      const k = this.tok();
      if (k !== K.UNION && k !== K.EXCEPT) return left;
      this.next();
      const q = this.setQuantifier();
      const right = this.parseIntersect();
      left = this.union(k === K.UNION ? 'UNION' : 'EXCEPT', q, left, right);
    }
  }

  private parseIntersect(): A.Query {
    let left = this.parseQueryPrimary();
    while (this.tok() === K.INTERSECT) {
      this.next();
      const q = this.setQuantifier();
      const right = this.parseQueryPrimary();
      left = this.union('INTERSECT', q, left, right);
    }
    return left;
  }

  private setQuantifier(): 'ALL' | 'DISTINCT' | undefined {
    if (this.optional(K.ALL)) return 'ALL';
    if (this.optional(K.DISTINCT)) return 'DISTINCT';
    return undefined;
  }

  private union(op: A.Union['op'], quantifier: A.Union['quantifier'], left: A.Query, right: A.Query): A.Union {
    const u: A.Union = { type: 'union', op, left, right, start: left.start, end: right.end };
    if (quantifier) u.quantifier = quantifier;
    return u;
  }

  private parseQueryPrimary(): A.Query {
    const k = this.tok();
    if (k === T.LPAREN) {
      this.next();
      const q = this.parseQueryExpr();
      this.expect(T.RPAREN);
      return q;
    }
    if (k === K.VALUES) return this.parseValuesQuery();
    if (k === K.TABLE) {
      const start = this.start();
      this.next();
      const table = this.tableName();
      return { type: 'table', table, start, end: this.lastEnd() };
    }
    return this.parseSelect();
  }

  /** VALUES ROW(...), ... | VALUES (...), ... */
  private parseValuesQuery(): A.ValuesQuery {
    const start = this.start();
    this.expect(K.VALUES);
    const rowKeyword = this.tok() === K.ROW;
    const rows = this.parseValuesRows(rowKeyword);
    return { type: 'values', rows, rowKeyword, start, end: this.lastEnd() };
  }

  private parseValuesRows(rowKeyword: boolean): A.ValuesRow[] {
    const rows: A.ValuesRow[] = [];
    do {
      const rs = this.start();
      if (rowKeyword) this.expect(K.ROW);
      this.expect(T.LPAREN);
      const values: A.Expr[] = [];
      if (this.tok() !== T.RPAREN) {
        do values.push(this.parseExpr());
        while (this.optional(T.COMMA));
      }
      this.expect(T.RPAREN);
      rows.push({ type: 'ValuesRow', values, start: rs, end: this.lastEnd() });
    } while (this.optional(T.COMMA));
    return rows;
  }

  private parseSelect(): A.Select {
    const start = this.start();
    this.expect(K.SELECT);
    const sel: A.Select = { type: 'select', columns: [], start, end: start };
    const hints = this.parseHints();
    if (hints) sel.hints = hints;
    for (;;) {
      const k = this.tok();
      if (k === K.ALL) sel.distinct = 'ALL';
      else if (k === K.DISTINCT || k === K.DISTINCTROW) sel.distinct = 'DISTINCT';
      else if (SELECT_MODIFIERS.has(k)) (sel.modifiers ??= []).push(this.upperText());
      else break;
      this.next();
    }
    sel.columns = this.parseSelectItems();
    if (this.tok() === K.INTO) sel.into = this.parseInto();
    if (this.optional(K.FROM)) {
      if (this.tok() === K.DUAL) {
        this.next();
        sel.dual = true;
      } else sel.from = this.parseTableRefs();
    }
    if (this.optional(K.WHERE)) sel.where = this.parseExpr();
    if (this.tok() === K.GROUP) sel.groupBy = this.parseGroupBy();
    if (this.optional(K.HAVING)) sel.having = this.parseExpr();
    if (this.tok() === K.WINDOW) sel.windows = this.parseWindowClause();
    sel.end = this.lastEnd();
    return sel;
  }

  private parseHints(): A.Hint[] | undefined {
    if (this.tok() !== T.HINT) return undefined;
    const out: A.Hint[] = [];
    while (this.tok() === T.HINT) {
      const start = this.start();
      const end = this.e[this.pos];
      out.push({ type: 'Hint', text: this.src.slice(start + 3, end - 2).trim(), start, end });
      this.next();
    }
    return out;
  }

  private parseSelectItems(): A.SelectItem[] {
    const cols: A.SelectItem[] = [];
    do cols.push(this.parseSelectItem());
    while (this.optional(T.COMMA));
    return cols;
  }

  private parseSelectItem(): A.SelectItem {
    const start = this.start();
    let expr: A.Expr;
    if (this.tok() === T.STAR) {
      this.next();
      expr = { type: 'Star', start, end: this.lastEnd() };
    } else expr = this.parseExpr();
    const item: A.SelectItem = { type: 'SelectItem', expr, start, end: start };
    if (expr.type !== 'Star') {
      const alias = this.alias();
      if (alias !== undefined) item.alias = alias;
    }
    item.end = this.lastEnd();
    return item;
  }

  private parseInto(): A.Into {
    const start = this.start();
    this.expect(K.INTO);
    if (this.tok() === K.OUTFILE || this.tok() === K.DUMPFILE) {
      const kind = this.tok() === K.OUTFILE ? 'OUTFILE' : 'DUMPFILE';
      this.next();
      if (this.tok() !== T.STRING) this.fail();
      const file = unescapeString(this.src, this.start(), this.e[this.pos]);
      this.next();
      const into: A.Into = { type: 'Into', kind, file, start, end: start };
      const os = this.start();
      for (;;) {
        const k = this.tok();
        if (
          k === K.CHARACTER || k === K.SET || k === K.CHARSET || k === K.FIELDS || k === K.COLUMNS ||
          k === K.TERMINATED || k === K.OPTIONALLY || k === K.ENCLOSED || k === K.ESCAPED || k === K.BY ||
          k === K.LINES || k === K.STARTING || k === T.STRING || k === T.HEXSTR || k === T.HEXNUM ||
          (k === T.IDENT && this.pos > 0 && (this.k[this.pos - 1] === K.SET || this.k[this.pos - 1] === K.CHARSET))
        )
          this.next();
        else break;
      }
      const options = this.sliceFrom(os);
      if (options) into.options = options;
      into.end = this.lastEnd();
      return into;
    }
    const targets: (A.Variable | A.Column)[] = [];
    do {
      const e = this.parsePrimary();
      if (e.type !== 'Variable' && e.type !== 'Column') this.fail();
      targets.push(e);
    } while (this.optional(T.COMMA));
    return { type: 'Into', kind: 'VARIABLES', targets, start, end: this.lastEnd() };
  }

  private parseGroupBy(): A.GroupBy {
    const start = this.start();
    this.expect(K.GROUP);
    this.expect(K.BY);
    const items = this.parseOrderItems();
    let rollup = false;
    if (this.tok() === K.WITH && this.peek(1) === K.ROLLUP) {
      this.next();
      this.next();
      rollup = true;
    }
    return { type: 'GroupBy', items, rollup, start, end: this.lastEnd() };
  }

  private parseOrderBy(): A.OrderItem[] {
    this.expect(K.ORDER);
    this.expect(K.BY);
    return this.parseOrderItems();
  }

  private parseOrderItems(): A.OrderItem[] {
    const out: A.OrderItem[] = [];
    do {
      const start = this.start();
      const expr = this.parseExpr();
      const item: A.OrderItem = { type: 'OrderItem', expr, start, end: start };
      if (this.optional(K.ASC)) item.direction = 'ASC';
      else if (this.optional(K.DESC)) item.direction = 'DESC';
      item.end = this.lastEnd();
      out.push(item);
    } while (this.optional(T.COMMA));
    return out;
  }

  private parseLimitValue(): A.Expr {
    const k = this.tok();
    if (k === T.INT || k === T.PARAM || k === T.HEXNUM) return this.parsePrimary();
    if (this.atIdent()) return this.parsePrimary();
    this.fail();
  }

  private parseLimit(): A.Limit {
    const start = this.start();
    this.expect(K.LIMIT);
    const first = this.parseLimitValue();
    const lim: A.Limit = { type: 'Limit', count: first, start, end: start };
    if (this.optional(T.COMMA)) {
      lim.offset = first;
      lim.count = this.parseLimitValue();
    } else if (this.optional(K.OFFSET)) {
      lim.offset = this.parseLimitValue();
      lim.offsetKeyword = true;
    }
    lim.end = this.lastEnd();
    return lim;
  }

  private atLockClause(): boolean {
    const k = this.tok();
    if (k === K.FOR) {
      const n = this.peek(1);
      return n === K.UPDATE || n === K.SHARE;
    }
    return k === K.LOCK && this.peek(1) === K.IN;
  }

  private parseLockClause(): A.LockClause {
    const start = this.start();
    if (this.optional(K.LOCK)) {
      this.expect(K.IN);
      this.expect(K.SHARE);
      this.expect(K.MODE);
      const lc: A.LockClause = { type: 'Lock', mode: 'LOCK IN SHARE MODE', start, end: start };
      this.parseLockWait(lc);
      lc.end = this.lastEnd();
      return lc;
    }
    this.expect(K.FOR);
    const mode = this.tok() === K.UPDATE ? 'UPDATE' : 'SHARE';
    this.next();
    const lc: A.LockClause = { type: 'Lock', mode, start, end: start };
    if (this.optional(K.OF)) lc.of = this.tableNameList();
    this.parseLockWait(lc);
    lc.end = this.lastEnd();
    return lc;
  }

  private parseLockWait(lc: A.LockClause): void {
    if (this.optional(K.NOWAIT)) lc.wait = 'NOWAIT';
    else if (this.tok() === K.SKIP) {
      this.next();
      this.expect(K.LOCKED);
      lc.wait = 'SKIP LOCKED';
    } else if (this.optional(K.WAIT)) {
      if (this.tok() !== T.INT) this.fail();
      lc.wait = Number(this.text());
      this.next();
    }
  }

  private parseWindowClause(): A.NamedWindow[] {
    this.expect(K.WINDOW);
    const out: A.NamedWindow[] = [];
    do {
      const start = this.start();
      const name = this.ident();
      this.expect(K.AS);
      const spec = this.parseWindowSpecParens();
      out.push({ type: 'NamedWindow', name, spec, start, end: this.lastEnd() });
    } while (this.optional(T.COMMA));
    return out;
  }

  private parseWindowSpecParens(): A.WindowSpec {
    const start = this.start();
    this.expect(T.LPAREN);
    const w: A.WindowSpec = { type: 'Window', start, end: start };
    if (this.atIdent() && this.tok() !== K.PARTITION && this.tok() !== K.ORDER && this.tok() !== K.ROWS && this.tok() !== K.RANGE)
      w.name = this.ident();
    if (this.tok() === K.PARTITION) {
      this.next();
      this.expect(K.BY);
      const p: A.Expr[] = [];
      do p.push(this.parseExpr());
      while (this.optional(T.COMMA));
      w.partitionBy = p;
    }
    if (this.tok() === K.ORDER) w.orderBy = this.parseOrderBy();
    const k = this.tok();
    if (k === K.ROWS || k === K.RANGE || (k === T.IDENT && this.upperText() === 'GROUPS')) {
      const fs = this.start();
      const unit = this.upperText() as A.WindowFrame['unit'];
      this.next();
      let from: A.FrameBound;
      let to: A.FrameBound | undefined;
      if (this.optional(K.BETWEEN)) {
        from = this.parseFrameBound();
        this.expect(K.AND);
        to = this.parseFrameBound();
      } else from = this.parseFrameBound();
      const f: A.WindowFrame = { type: 'Frame', unit, from, start: fs, end: this.lastEnd() };
      if (to) f.to = to;
      w.frame = f;
    }
    this.expect(T.RPAREN);
    w.end = this.lastEnd();
    return w;
  }

  private parseFrameBound(): A.FrameBound {
    const start = this.start();
    if (this.optional(K.UNBOUNDED)) {
      if (this.optional(K.PRECEDING)) return { type: 'FrameBound', kind: 'UNBOUNDED PRECEDING', start, end: this.lastEnd() };
      this.expect(K.FOLLOWING);
      return { type: 'FrameBound', kind: 'UNBOUNDED FOLLOWING', start, end: this.lastEnd() };
    }
    if (this.tok() === K.CURRENT && this.peek(1) === K.ROW) {
      this.next();
      this.next();
      return { type: 'FrameBound', kind: 'CURRENT ROW', start, end: this.lastEnd() };
    }
    const expr = this.parseBitExpr(1);
    let kind: 'PRECEDING' | 'FOLLOWING';
    if (this.optional(K.PRECEDING)) kind = 'PRECEDING';
    else {
      this.expect(K.FOLLOWING);
      kind = 'FOLLOWING';
    }
    return { type: 'FrameBound', kind, expr, start, end: this.lastEnd() };
  }

  // ------------------------------------------------------------ table references

  private parseTableRefs(): A.TableRef[] {
    const out = [this.parseTableRef()];
    while (this.optional(T.COMMA)) out.push(this.parseTableRef());
    return out;
  }

  private atJoin(): boolean {
    const k = this.tok();
    return k === K.JOIN || k === K.INNER || k === K.CROSS || k === K.STRAIGHT_JOIN || k === K.LEFT || k === K.RIGHT || k === K.NATURAL;
  }

  private parseTableRef(): A.TableRef {
    return this.parseJoins(this.parseTableFactor());
  }

  private parseJoins(first: A.TableRef): A.TableRef {
    let left = first;
    for (;;) {
      let kind: A.Join['kind'];
      const k = this.tok();
      if (k === K.JOIN) kind = 'INNER';
      else if (k === K.INNER) {
        this.next();
        if (this.tok() !== K.JOIN) this.fail();
        kind = 'INNER';
      } else if (k === K.CROSS) {
        this.next();
        if (this.tok() !== K.JOIN) this.fail();
        kind = 'CROSS';
      } else if (k === K.STRAIGHT_JOIN) kind = 'STRAIGHT';
      else if (k === K.LEFT || k === K.RIGHT) {
        this.next();
        this.optional(K.OUTER);
        if (this.tok() !== K.JOIN) this.fail();
        kind = k === K.LEFT ? 'LEFT' : 'RIGHT';
      } else if (k === K.NATURAL) {
        this.next();
        if (this.optional(K.LEFT)) {
          this.optional(K.OUTER);
          kind = 'NATURAL LEFT';
        } else if (this.optional(K.RIGHT)) {
          this.optional(K.OUTER);
          kind = 'NATURAL RIGHT';
        } else {
          this.optional(K.INNER);
          kind = 'NATURAL';
        }
        if (this.tok() !== K.JOIN) this.fail();
      } else return left;
      this.next(); // JOIN / STRAIGHT_JOIN
      let right = this.parseTableFactor();
      // A join without its condition takes the following joins as its right side (MySQL's
      // CONDITIONLESS_JOIN precedence): t1 JOIN t2 JOIN t3 ON c1 ON c2 == t1 JOIN (t2 JOIN t3 ON c1) ON c2.
      if ((kind === 'INNER' || kind === 'CROSS' || kind === 'STRAIGHT' || kind === 'LEFT' || kind === 'RIGHT') && this.atJoin())
        right = this.parseJoins(right);
      const j: A.Join = { type: 'Join', kind, left, right, start: left.start, end: right.end };
      if (kind === 'INNER' || kind === 'CROSS' || kind === 'STRAIGHT' || kind === 'LEFT' || kind === 'RIGHT') {
        if (this.optional(K.ON)) j.on = this.parseExpr();
        else if (this.optional(K.USING)) j.using = this.parenIdentList();
        else if (kind === 'LEFT' || kind === 'RIGHT') this.fail();
      }
      j.end = this.lastEnd();
      left = j;
    }
  }

  private atQueryStart(offset: number): boolean {
    let i = offset;
    while (this.peek(i) === T.LPAREN) i++;
    const k = this.peek(i);
    return k === K.SELECT || k === K.WITH || k === K.TABLE || k === K.VALUES;
  }

  /** WITH [RECURSIVE] name [(cols)] AS (: a common table expression (not WITH ROLLUP / SYSTEM VERSIONING). */
  private atCte(): boolean {
    const n = this.peek(1);
    if (n === K.RECURSIVE) return true;
    return this.isIdentKind(n) && (this.peek(2) === K.AS || this.peek(2) === T.LPAREN);
  }

  private parseTableFactor(): A.TableRef {
    const start = this.start();
    const k = this.tok();
    if (k === T.LPAREN) {
      if (this.atQueryStart(1)) return this.parseDerived(start, false);
      this.next();
      const items = this.parseTableRefs();
      this.expect(T.RPAREN);
      if (items.length === 1) return items[0];
      return { type: 'TableGroup', items, start, end: this.lastEnd() };
    }
    if (k === T.IDENT && this.peek(1) === T.LPAREN && this.upperText() === 'JSON_TABLE') {
      this.next();
      const as = this.start();
      this.skipParens();
      const jt: A.JsonTable = { type: 'JsonTable', args: this.sliceFrom(as), start, end: start };
      const alias = this.tableAlias();
      if (alias !== undefined) jt.alias = alias;
      jt.end = this.lastEnd();
      return jt;
    }
    if (k === K.LATERAL && this.peek(1) === T.LPAREN) {
      this.next();
      return this.parseDerived(start, true);
    }
    return this.parseTable();
  }

  /** Steps over a balanced ( ... ). */
  private skipParens(): void {
    if (this.tok() !== T.LPAREN) this.fail();
    let depth = 0;
    do {
      const k = this.tok();
      if (k === T.LPAREN) depth++;
      else if (k === T.RPAREN) depth--;
      else if (k === T.EOF) this.fail();
      this.next();
    } while (depth > 0);
  }

  private parseDerived(start: number, lateral: boolean): A.Derived {
    this.expect(T.LPAREN);
    const query = this.parseQueryExpr();
    this.expect(T.RPAREN);
    const d: A.Derived = { type: 'Derived', query, start, end: start };
    if (lateral) d.lateral = true;
    const alias = this.tableAlias();
    if (alias !== undefined) d.alias = alias;
    if (this.tok() === T.LPAREN) d.columns = this.parenIdentList();
    d.end = this.lastEnd();
    return d;
  }

  /** [schema.]name [PARTITION (p, ...)] [[AS] alias] [index hints]. */
  private parseTable(): A.Table {
    const n = this.tableName();
    const t: A.Table = { type: 'Table', name: n.name, nameStart: n.start, nameEnd: n.end, start: n.start, end: n.end };
    if (n.schema !== undefined) t.schema = n.schema;
    if (this.tok() === K.PARTITION) {
      this.next();
      t.partitions = this.parenIdentList();
    }
    const alias = this.tableAlias();
    if (alias !== undefined) t.alias = alias;
    const k = this.tok();
    if (k === K.USE || k === K.IGNORE || k === K.FORCE) {
      const hints: A.IndexHint[] = [];
      while (this.tok() === K.USE || this.tok() === K.IGNORE || this.tok() === K.FORCE) {
        if (this.peek(1) !== K.INDEX && this.peek(1) !== K.KEY) break;
        hints.push(this.parseIndexHint());
        // hints may be separated by commas; a comma before anything else separates table references
        const n = this.peek(1);
        if (this.tok() === T.COMMA && (n === K.USE || n === K.IGNORE || n === K.FORCE)) this.next();
      }
      if (hints.length) t.indexHints = hints;
    }
    t.end = this.lastEnd();
    return t;
  }

  private parseIndexHint(): A.IndexHint {
    const start = this.start();
    const action = this.upperText() as A.IndexHint['action'];
    this.next();
    this.next(); // INDEX | KEY
    const h: A.IndexHint = { type: 'IndexHint', action, indexes: [], start, end: start };
    if (this.optional(K.FOR)) {
      if (this.optional(K.JOIN)) h.for = 'JOIN';
      else if (this.optional(K.ORDER)) {
        this.expect(K.BY);
        h.for = 'ORDER BY';
      } else {
        this.expect(K.GROUP);
        this.expect(K.BY);
        h.for = 'GROUP BY';
      }
    }
    this.expect(T.LPAREN);
    if (this.tok() !== T.RPAREN) {
      do {
        if (this.tok() === K.PRIMARY) {
          h.indexes.push(this.text());
          this.next();
        } else h.indexes.push(this.ident());
      } while (this.optional(T.COMMA));
    }
    this.expect(T.RPAREN);
    h.end = this.lastEnd();
    return h;
  }

  // ------------------------------------------------------------ expressions

  parseExpr(): A.Expr {
    const left = this.parseOr();
    return left;
  }

  private bin(op: A.BinaryOp, left: A.Expr, right: A.Expr): A.Binary {
    return { type: 'Binary', op, left, right, start: left.start, end: right.end };
  }

  private parseOr(): A.Expr {
    let left = this.parseXor();
    for (let k = this.tok(); k === K.OR || k === T.OR2; k = this.tok()) {
      this.next();
      left = this.bin('OR', left, this.parseXor());
    }
    return left;
  }

  private parseXor(): A.Expr {
    let left = this.parseAnd();
    while (this.tok() === K.XOR) {
      this.next();
      left = this.bin('XOR', left, this.parseAnd());
    }
    return left;
  }

  private parseAnd(): A.Expr {
    let left = this.parseNot();
    for (let k = this.tok(); k === K.AND || k === T.AND2; k = this.tok()) {
      this.next();
      left = this.bin('AND', left, this.parseNot());
    }
    return left;
  }

  private parseNot(): A.Expr {
    if (this.tok() === K.NOT) {
      const start = this.start();
      this.next();
      const operand = this.parseNot();
      return { type: 'Unary', op: 'NOT', operand, start, end: operand.end };
    }
    return this.parseIsTruth();
  }

  /** bool_pri IS [NOT] TRUE | FALSE | UNKNOWN */
  private parseIsTruth(): A.Expr {
    let left = this.parseBoolPri();
    while (this.tok() === K.IS) {
      const not = this.peek(1) === K.NOT;
      const v = this.peek(not ? 2 : 1);
      let value: A.Is['value'];
      if (v === K.TRUE) value = 'TRUE';
      else if (v === K.FALSE) value = 'FALSE';
      else if (v === K.UNKNOWN) value = 'UNKNOWN';
      else this.fail();
      this.pos += not ? 3 : 2;
      left = { type: 'Is', expr: left, not, value, start: left.start, end: this.lastEnd() };
    }
    return left;
  }

  /** bool_pri: predicate { comparison predicate | comparison ANY/ALL (subquery) | IS [NOT] NULL } */
  private parseBoolPri(): A.Expr {
    let left = this.parsePredicate();
    for (;;) {
      const k = this.tok();
      if (k >= T.EQ && k <= T.GE) {
        const op = CMP_OP[k];
        this.next();
        const q = this.tok();
        if ((q === K.ANY || q === K.ALL || q === K.SOME) && this.peek(1) === T.LPAREN) {
          const qs = this.start();
          const quantifier = this.upperText() as A.Quantified['quantifier'];
          this.next();
          this.next();
          const query = this.parseQueryExpr();
          this.expect(T.RPAREN);
          left = this.bin(op, left, { type: 'Quantified', quantifier, query, start: qs, end: this.lastEnd() });
        } else left = this.bin(op, left, this.parsePredicate());
      } else if (k === K.IS) {
        const not = this.peek(1) === K.NOT;
        if (this.peek(not ? 2 : 1) !== K.NULL) return left;
        this.pos += not ? 3 : 2;
        left = { type: 'Is', expr: left, not, value: 'NULL', start: left.start, end: this.lastEnd() };
      } else return left;
    }
  }

  /** predicate: bit_expr [[NOT] IN | [NOT] BETWEEN | [NOT] LIKE | [NOT] REGEXP | SOUNDS LIKE | MEMBER OF] */
  private parsePredicate(): A.Expr {
    const left = this.parseBitExpr(1);
    let k = this.tok();
    let not = false;
    if (k === K.NOT) {
      const n = this.peek(1);
      if (n !== K.IN && n !== K.BETWEEN && n !== K.LIKE && n !== K.REGEXP && n !== K.RLIKE) return left;
      not = true;
      this.next();
      k = n;
    }
    const start = left.start;
    switch (k) {
      case K.IN: {
        this.next();
        this.expect(T.LPAREN);
        if (this.tok() === K.SELECT || this.tok() === K.WITH || this.tok() === K.TABLE) {
          const query = this.parseQueryExpr();
          this.expect(T.RPAREN);
          return { type: 'InSubquery', expr: left, not, query, start, end: this.lastEnd() };
        }
        const list: A.Expr[] = [];
        do list.push(this.parseExpr());
        while (this.optional(T.COMMA));
        this.expect(T.RPAREN);
        return { type: 'In', expr: left, not, list, start, end: this.lastEnd() };
      }
      case K.BETWEEN: {
        this.next();
        const low = this.parseBitExpr(1);
        this.expect(K.AND);
        const high = this.parsePredicate();
        return { type: 'Between', expr: left, not, low, high, start, end: high.end };
      }
      case K.LIKE: {
        this.next();
        const pattern = this.parseBitExpr(1);
        const like: A.Like = { type: 'Like', op: 'LIKE', expr: left, not, pattern, start, end: pattern.end };
        if (this.optional(K.ESCAPE)) {
          like.escape = this.parseSimple();
          like.end = like.escape.end;
        }
        return like;
      }
      case K.REGEXP:
      case K.RLIKE: {
        this.next();
        const pattern = this.parseBitExpr(1);
        return { type: 'Like', op: 'REGEXP', expr: left, not, pattern, start, end: pattern.end };
      }
      case K.SOUNDS: {
        this.next();
        this.expect(K.LIKE);
        return this.bin('SOUNDS LIKE', left, this.parseBitExpr(1));
      }
      case K.MEMBER: {
        this.next();
        this.optional(K.OF);
        this.expect(T.LPAREN);
        const json = this.parseExpr();
        this.expect(T.RPAREN);
        return { type: 'MemberOf', expr: left, json, start, end: this.lastEnd() };
      }
    }
    return left;
  }

  /** bit_expr by precedence climbing over | & << >> + - * / DIV % MOD ^ (all left-associative). */
  private parseBitExpr(minPrec: number): A.Expr {
    let left = this.parseSimple();
    for (;;) {
      const k = this.tok();
      let prec: number;
      let op: A.BinaryOp;
      if (k < KW_BASE) {
        prec = BIT_PREC[k];
        if (prec === 0 || prec < minPrec) return left;
        op = BIT_OP[k];
      } else if (k === K.DIV || k === K.MOD) {
        prec = 5;
        if (prec < minPrec) return left;
        op = k === K.DIV ? 'DIV' : '%';
      } else return left;
      this.next();
      let right: A.Expr;
      if ((op === '+' || op === '-') && this.tok() === K.INTERVAL) right = this.parseInterval();
      else right = this.parseBitExpr(prec + 1);
      left = this.bin(op, left, right);
    }
  }

  /** INTERVAL expr unit */
  private parseInterval(): A.Interval {
    const start = this.start();
    this.expect(K.INTERVAL);
    const expr = this.parseExpr();
    const unit = this.parseIntervalUnit();
    return { type: 'Interval', expr, unit, start, end: this.lastEnd() };
  }

  private parseIntervalUnit(): string {
    if (!this.atWord()) this.fail();
    const u = this.upperText();
    if (!INTERVAL_UNITS.has(u)) this.fail();
    this.next();
    return u;
  }

  /** simple_expr: prefix operators, then a primary with postfix COLLATE. */
  parseSimple(): A.Expr {
    const start = this.start();
    let op: A.Unary['op'];
    switch (this.tok()) {
      case T.MINUS:
        op = '-';
        break;
      case T.PLUS:
        op = '+';
        break;
      case T.TILDE:
        op = '~';
        break;
      case T.BANG:
        op = '!';
        break;
      case K.BINARY:
        op = 'BINARY';
        break;
      case K.INTERVAL: {
        if (this.peek(1) === T.LPAREN && this.isIntervalFunction()) return this.parsePrimary();
        const iv = this.parseInterval();
        if (this.tok() === T.PLUS) {
          this.next();
          return this.bin('+', iv, this.parseSimple());
        }
        return iv;
      }
      default: {
        let e = this.parsePrimary();
        while (this.tok() === K.COLLATE) {
          this.next();
          const collation = this.identOrString();
          e = { type: 'Collate', expr: e, collation, start, end: this.lastEnd() };
        }
        return e;
      }
    }
    this.next();
    const operand = this.parseSimple();
    return { type: 'Unary', op, operand, start, end: operand.end };
  }

  /** INTERVAL(n, a, b, ...) the function, versus INTERVAL (expr) unit. */
  private isIntervalFunction(): boolean {
    return this.lookAhead(() => {
      this.next();
      this.next();
      this.parseExpr();
      if (this.tok() === T.COMMA) return true;
      this.expect(T.RPAREN);
      return !(this.atWord() && INTERVAL_UNITS.has(this.upperText()));
    });
  }

  parsePrimary(): A.Expr {
    const start = this.start();
    const k = this.tok();
    switch (k) {
      case T.INT:
      case T.DECIMAL:
      case T.FLOAT: {
        const value = this.text();
        this.next();
        return { type: 'Number', value, start, end: this.lastEnd() };
      }
      case T.STRING:
        return this.parseString(start, undefined, false);
      case T.DSTRING:
        if (this.ansi) return this.parseNamed(start);
        return this.parseString(start, undefined, false);
      case T.NSTRING:
        return this.parseString(start, undefined, true);
      case T.HEXSTR:
      case T.HEXNUM:
      case T.BITSTR:
      case T.BITNUM:
        return this.parseBitsLiteral(start, undefined);
      case T.PARAM:
        this.next();
        return { type: 'Param', index: this.paramIndex++, start, end: this.lastEnd() };
      case T.USERVAR: {
        const v: A.Variable = {
          type: 'Variable',
          scope: 'USER',
          name: userVarName(this.src, start, this.e[this.pos]),
          system: false,
          start,
          end: this.e[this.pos],
        };
        this.next();
        if (this.tok() === T.ASSIGN) {
          this.next();
          return this.bin(':=', v, this.parseExpr());
        }
        return v;
      }
      case T.SYSVAR: {
        const v = this.sysVar(this.text(), start, this.e[this.pos]);
        this.next();
        return v;
      }
      case T.LPAREN: {
        if (this.peek(1) === K.SELECT || this.peek(1) === K.WITH) {
          this.next();
          const query = this.parseQueryExpr();
          this.expect(T.RPAREN);
          return { type: 'Subquery', query, start, end: this.lastEnd() };
        }
        this.next();
        const first = this.parseExpr();
        if (this.tok() === T.COMMA) {
          const items = [first];
          while (this.optional(T.COMMA)) items.push(this.parseExpr());
          this.expect(T.RPAREN);
          return { type: 'Row', items, keyword: false, start, end: this.lastEnd() };
        }
        this.expect(T.RPAREN);
        return first;
      }
      case T.LBRACE:
        return this.parseOdbcEscape(start);
      case K.NULL:
        this.next();
        return { type: 'Null', start, end: this.lastEnd() };
      case K.TRUE:
      case K.FALSE:
        this.next();
        return { type: 'Bool', value: k === K.TRUE, start, end: this.lastEnd() };
      case K.CASE:
        return this.parseCase();
      case K.EXISTS: {
        this.next();
        this.expect(T.LPAREN);
        const query = this.parseQueryExpr();
        this.expect(T.RPAREN);
        return { type: 'Exists', query, start, end: this.lastEnd() };
      }
      case K.ROW:
        if (this.peek(1) === T.LPAREN) {
          this.next();
          this.next();
          const items: A.Expr[] = [];
          do items.push(this.parseExpr());
          while (this.optional(T.COMMA));
          this.expect(T.RPAREN);
          return { type: 'Row', items, keyword: true, start, end: this.lastEnd() };
        }
        break;
      case K.DEFAULT:
        if (this.peek(1) !== T.LPAREN) {
          this.next();
          return { type: 'Default', start, end: this.lastEnd() };
        }
        break;
      case K.MATCH:
        if (this.peek(1) === T.LPAREN) return this.parseMatch();
        break;
      case K.NEXT:
      case T.IDENT:
        if (this.peek(1) === K.VALUE && this.peek(2) === K.FOR) {
          // MariaDB sequences: NEXT VALUE FOR s == NEXTVAL(s), PREVIOUS VALUE FOR s == LASTVAL(s)
          const u = this.upperText();
          if (u === 'NEXT' || u === 'PREVIOUS') {
            this.pos += 3;
            const seq = this.parseNamed(this.start());
            const name = u === 'NEXT' ? 'NEXTVAL' : 'LASTVAL';
            return { type: 'Call', name, args: [seq], start, end: this.lastEnd() };
          }
        }
        if (k === T.IDENT) return this.parseIdentPrimary(start);
        break;
      case K.DATE:
      case K.TIME:
      case K.TIMESTAMP:
        if (this.peek(1) === T.STRING || (this.peek(1) === T.DSTRING && !this.ansi)) {
          const dataType = this.upperText() as A.TypedLit['dataType'];
          this.next();
          const value = unescapeString(this.src, this.start(), this.e[this.pos]);
          this.next();
          return { type: 'TypedLiteral', dataType, value, start, end: this.lastEnd() };
        }
        break;
    }
    if (k >= KW_BASE) {
      if (this.peek(1) === T.LPAREN) {
        const name = this.text();
        this.next();
        return this.parseCall(start, undefined, name);
      }
      if (NILADIC.has(k)) {
        const name = this.text();
        this.next();
        return { type: 'Call', name, args: [], bare: true, start, end: this.lastEnd() };
      }
    }
    return this.parseNamed(start);
  }

  /** An identifier in an expression: a charset introducer before a literal (_utf8mb4'x'), or a name. */
  private parseIdentPrimary(start: number): A.Expr {
    const t = this.text();
    if (t.charCodeAt(0) === 95 /* _ */ && INTRODUCERS.has(t.slice(1).toLowerCase())) {
      const n = this.peek(1);
      if (n === T.STRING || (n === T.DSTRING && !this.ansi)) {
        this.next();
        return this.parseString(start, t.slice(1), false);
      }
      if (n === T.HEXSTR || n === T.HEXNUM || n === T.BITSTR || n === T.BITNUM) {
        this.next();
        return this.parseBitsLiteral(start, t.slice(1));
      }
    }
    return this.parseNamed(start);
  }

  /** A column reference, t.col, db.t.col, t.*, a function call fn(...) or db.fn(...), and col->'$.path'. */
  private parseNamed(start: number): A.Expr {
    if (!this.atIdent()) this.fail();
    const first = this.tokenName();
    this.next();
    if (this.tok() === T.LPAREN) return this.parseCall(start, undefined, first);
    if (this.tok() !== T.DOT) return this.jsonPath({ type: 'Column', name: first, start, end: this.lastEnd() });
    this.next();
    if (this.tok() === T.STAR) {
      this.next();
      return { type: 'Star', table: first, start, end: this.lastEnd() };
    }
    const second = this.anyWord();
    if (this.tok() === T.LPAREN) return this.parseCall(start, first, second);
    if (this.tok() !== T.DOT)
      return this.jsonPath({ type: 'Column', table: first, name: second, start, end: this.lastEnd() });
    this.next();
    if (this.tok() === T.STAR) {
      this.next();
      return { type: 'Star', schema: first, table: second, start, end: this.lastEnd() };
    }
    const third = this.anyWord();
    return this.jsonPath({ type: 'Column', schema: first, table: second, name: third, start, end: this.lastEnd() });
  }

  private jsonPath(col: A.Column): A.Expr {
    const k = this.tok();
    if ((k === T.ARROW || k === T.ARROW2) && (this.peek(1) === T.STRING || this.peek(1) === T.DSTRING)) {
      this.next();
      const path = this.parseString(this.start(), undefined, false);
      return this.bin(k === T.ARROW ? '->' : '->>', col, path);
    }
    return col;
  }

  private sysVar(text: string, start: number, end: number): A.Variable {
    // @@name, @@scope.name, @@`name`, @@scope.`name`, @@component.name
    const parts: string[] = [];
    let i = 2;
    while (i < text.length) {
      if (text[i] === '`') {
        let j = i + 1;
        for (;;) {
          const q = text.indexOf('`', j);
          if (text[q + 1] === '`') j = q + 2;
          else {
            j = q;
            break;
          }
        }
        parts.push(unquoteIdent(text, i, j + 1));
        i = j + 2;
      } else {
        const dot = text.indexOf('.', i);
        const stop = dot < 0 ? text.length : dot;
        parts.push(text.slice(i, stop));
        i = stop + 1;
      }
    }
    let scope: A.VariableScope = 'DEFAULT';
    if (parts.length > 1) {
      const s = parts[0].toUpperCase();
      if (s === 'GLOBAL' || s === 'SESSION' || s === 'LOCAL' || s === 'PERSIST' || s === 'PERSIST_ONLY') {
        scope = s;
        parts.shift();
      }
    }
    const name = parts.join('.');
    if (name === '' || parts.includes('')) throw new SqlSyntaxError(this.src, start);
    return { type: 'Variable', scope, name, system: true, start, end };
  }

  private parseString(start: number, charset: string | undefined, national: boolean): A.StringLit {
    const src = this.src;
    let value = national
      ? unescapeString(src, this.s[this.pos] + 1, this.e[this.pos])
      : unescapeString(src, this.s[this.pos], this.e[this.pos]);
    this.next();
    // adjacent strings concatenate: 'a' 'b' -> 'ab'
    for (let k = this.tok(); k === T.STRING || (k === T.DSTRING && !this.ansi); k = this.tok()) {
      value += unescapeString(src, this.s[this.pos], this.e[this.pos]);
      this.next();
    }
    const lit: A.StringLit = { type: 'String', value, start, end: this.lastEnd() };
    if (charset !== undefined) lit.charset = charset;
    if (national) lit.national = true;
    return lit;
  }

  private parseBitsLiteral(start: number, charset: string | undefined): A.HexLit | A.BitLit {
    const k = this.tok();
    const text = this.text();
    this.next();
    let lit: A.HexLit | A.BitLit;
    if (k === T.HEXSTR) lit = { type: 'Hex', value: text.slice(2, -1), form: 'X', start, end: this.lastEnd() };
    else if (k === T.HEXNUM) lit = { type: 'Hex', value: text.slice(2), form: '0x', start, end: this.lastEnd() };
    else if (k === T.BITSTR) lit = { type: 'Bit', value: text.slice(2, -1), form: 'B', start, end: this.lastEnd() };
    else lit = { type: 'Bit', value: text.slice(2), form: '0b', start, end: this.lastEnd() };
    if (charset !== undefined) lit.charset = charset;
    return lit;
  }

  /** {d '2020-01-01'}, {t '...'}, {ts '...'}: ODBC escapes, folded into typed literals. */
  private parseOdbcEscape(start: number): A.Expr {
    this.next();
    const w = this.atWord() ? this.upperText() : '';
    const dataType = w === 'D' ? 'DATE' : w === 'T' ? 'TIME' : w === 'TS' ? 'TIMESTAMP' : undefined;
    if (dataType === undefined) this.fail();
    this.next();
    if (this.tok() !== T.STRING) this.fail();
    const value = unescapeString(this.src, this.start(), this.e[this.pos]);
    this.next();
    this.expect(T.RBRACE);
    return { type: 'TypedLiteral', dataType, value, start, end: this.lastEnd() };
  }

  private parseCase(): A.Case {
    const start = this.start();
    this.expect(K.CASE);
    const c: A.Case = { type: 'Case', whens: [], start, end: start };
    if (this.tok() !== K.WHEN) c.operand = this.parseExpr();
    if (this.tok() !== K.WHEN) this.fail();
    while (this.tok() === K.WHEN) {
      const ws = this.start();
      this.next();
      const when = this.parseExpr();
      this.expect(K.THEN);
      const then = this.parseExpr();
      c.whens.push({ type: 'When', when, then, start: ws, end: this.lastEnd() });
    }
    if (this.optional(K.ELSE)) c.else = this.parseExpr();
    this.expect(K.END);
    c.end = this.lastEnd();
    return c;
  }

  private parseMatch(): A.Match {
    const start = this.start();
    this.expect(K.MATCH);
    this.expect(T.LPAREN);
    const columns: A.Column[] = [];
    do {
      const c = this.parsePrimary();
      if (c.type !== 'Column') this.fail();
      columns.push(c);
    } while (this.optional(T.COMMA));
    this.expect(T.RPAREN);
    if (!this.atWord() || this.upperText() !== 'AGAINST') this.fail();
    this.next();
    this.expect(T.LPAREN);
    const against = this.parseBitExpr(1);
    const m: A.Match = { type: 'Match', columns, against, start, end: start };
    const ms = this.start();
    if (this.tok() === K.IN || this.tok() === K.WITH) {
      while (this.tok() !== T.RPAREN && this.tok() !== T.EOF) this.next();
      m.mode = this.sliceFrom(ms)
        .toUpperCase()
        .replace(/\s+/g, ' ');
    }
    this.expect(T.RPAREN);
    m.end = this.lastEnd();
    return m;
  }

  private parseCall(start: number, schema: string | undefined, name: string): A.Expr {
    this.expect(T.LPAREN);
    const upper = schema === undefined ? name.toUpperCase() : '';
    const call: A.Call = { type: 'Call', name, args: [], start, end: start };
    if (schema !== undefined) call.schema = schema;
    switch (upper) {
      case 'CAST': {
        const expr = this.parseExpr();
        this.expect(K.AS);
        const dataType = this.parseDataType(true);
        this.expect(T.RPAREN);
        return { type: 'Cast', fn: 'CAST', expr, dataType, start, end: this.lastEnd() };
      }
      case 'CONVERT': {
        const expr = this.parseExpr();
        if (this.optional(K.USING)) {
          const using = this.charsetName();
          this.expect(T.RPAREN);
          return { type: 'Cast', fn: 'CONVERT', expr, using, start, end: this.lastEnd() };
        }
        this.expect(T.COMMA);
        const dataType = this.parseDataType(true);
        this.expect(T.RPAREN);
        return { type: 'Cast', fn: 'CONVERT', expr, dataType, start, end: this.lastEnd() };
      }
      case 'EXTRACT': {
        const unit = this.parseIntervalUnit();
        this.expect(K.FROM);
        const expr = this.parseExpr();
        this.expect(T.RPAREN);
        return { type: 'Extract', unit, expr, start, end: this.lastEnd() };
      }
      case 'TRIM':
        return this.parseTrim(start);
      case 'SUBSTRING':
      case 'SUBSTR':
      case 'MID': {
        call.args.push(this.parseExpr());
        if (this.optional(K.FROM)) {
          call.args.push(this.parseExpr());
          if (this.optional(K.FOR)) call.args.push(this.parseExpr());
        } else {
          while (this.optional(T.COMMA)) call.args.push(this.parseExpr());
        }
        break;
      }
      case 'POSITION': {
        call.args.push(this.parseBitExpr(1));
        this.expect(K.IN);
        call.args.push(this.parseExpr());
        break;
      }
      case 'TIMESTAMPADD':
      case 'TIMESTAMPDIFF':
      case 'GET_FORMAT': {
        const ks = this.start();
        const u = this.upperText();
        if (!this.atWord()) this.fail();
        this.next();
        call.args.push({ type: 'Keyword', name: u, start: ks, end: this.lastEnd() });
        while (this.optional(T.COMMA)) call.args.push(this.parseExpr());
        break;
      }
      case 'CHAR': {
        if (this.tok() !== T.RPAREN) {
          do call.args.push(this.parseExpr());
          while (this.optional(T.COMMA));
        }
        if (this.optional(K.USING)) call.using = this.charsetName();
        break;
      }
      case 'WEIGHT_STRING': {
        call.args.push(this.parseExpr());
        if (this.optional(K.AS)) call.as = this.parseDataType(true);
        while (this.optional(T.COMMA)) call.args.push(this.parseExpr());
        break;
      }
      case 'JSON_VALUE': {
        call.args.push(this.parseExpr());
        while (this.optional(T.COMMA)) call.args.push(this.parseExpr());
        if (this.optional(K.RETURNING)) call.returning = this.parseDataType(true);
        break;
      }
      default: {
        if (AGGREGATES.has(upper)) {
          if (this.optional(K.DISTINCT) || this.optional(K.DISTINCTROW)) call.distinct = true;
          else this.optional(K.ALL);
          if (upper === 'COUNT' && this.tok() === T.STAR) {
            const ss = this.start();
            this.next();
            call.args.push({ type: 'Star', start: ss, end: this.lastEnd() });
          }
        }
        if ((this.tok() !== T.RPAREN || call.distinct) && call.args.length === 0) {
          do call.args.push(this.parseExpr());
          while (this.optional(T.COMMA));
        }
        if (upper === 'GROUP_CONCAT') {
          if (this.tok() === K.ORDER) call.orderBy = this.parseOrderBy();
          if (this.optional(K.SEPARATOR)) {
            if (this.tok() !== T.STRING && !(this.tok() === T.DSTRING && !this.ansi)) this.fail();
            call.separator = unescapeString(this.src, this.start(), this.e[this.pos]);
            this.next();
          }
          if (this.tok() === K.LIMIT) call.limit = this.parseLimit();
        }
      }
    }
    this.expect(T.RPAREN);
    if (this.tok() === K.WITHIN && this.peek(1) === K.GROUP) {
      this.next();
      this.next();
      this.expect(T.LPAREN);
      call.withinGroup = this.parseOrderBy();
      this.expect(T.RPAREN);
    }
    if (this.tok() === K.OVER) {
      const os = this.start();
      this.next();
      if (this.tok() === T.LPAREN) call.over = this.parseWindowSpecParens();
      else {
        const wn = this.ident();
        call.over = { type: 'Window', name: wn, ref: true, start: os, end: this.lastEnd() };
      }
    }
    call.end = this.lastEnd();
    return call;
  }

  private parseTrim(start: number): A.Trim {
    const t: A.Trim = { type: 'Trim', expr: undefined as unknown as A.Expr, start, end: start };
    const k = this.tok();
    if (k === K.LEADING || k === K.TRAILING || k === K.BOTH) {
      t.spec = this.upperText() as A.Trim['spec'];
      this.next();
      if (this.optional(K.FROM)) t.expr = this.parseExpr();
      else {
        t.remove = this.parseExpr();
        this.expect(K.FROM);
        t.expr = this.parseExpr();
      }
    } else {
      const first = this.parseExpr();
      if (this.optional(K.FROM)) {
        t.remove = first;
        t.expr = this.parseExpr();
      } else t.expr = first;
    }
    this.expect(T.RPAREN);
    t.end = this.lastEnd();
    return t;
  }

  /**
   * A data type. In CAST/CONVERT (cast = true) the names are MySQL's cast targets (BINARY, CHAR, DATE,
   * DECIMAL, SIGNED [INTEGER], JSON, ...); in column definitions any type name.
   */
  parseDataType(cast: boolean): A.DataType {
    const start = this.start();
    if (!this.atWord()) this.fail();
    let name = this.upperText();
    this.next();
    const second = this.atWord() ? this.upperText() : '';
    if (
      ((name === 'SIGNED' || name === 'UNSIGNED') && (second === 'INTEGER' || second === 'INT')) ||
      (name === 'DOUBLE' && second === 'PRECISION') ||
      ((name === 'CHARACTER' || name === 'CHAR') && second === 'VARYING') ||
      (name === 'NATIONAL' && (second === 'CHAR' || second === 'VARCHAR' || second === 'CHARACTER')) ||
      (name === 'LONG' && (second === 'VARCHAR' || second === 'VARBINARY')) ||
      (name === 'NCHAR' && second === 'VARCHAR')
    ) {
      name += ' ' + second;
      this.next();
    }
    const dt: A.DataType = { type: 'DataType', name, start, end: start };
    if (this.tok() === T.LPAREN) {
      this.next();
      const params: string[] = [];
      if (this.tok() !== T.RPAREN) {
        do {
          const k = this.tok();
          if (k === T.INT || k === T.DECIMAL) params.push(this.text());
          else if (k === T.STRING || (k === T.DSTRING && !this.ansi)) {
            params.push(unescapeString(this.src, this.start(), this.e[this.pos]));
            // ENUM/SET values may be adjacent strings too
            this.next();
            while (this.tok() === T.STRING) {
              params[params.length - 1] += unescapeString(this.src, this.start(), this.e[this.pos]);
              this.next();
            }
            continue;
          } else this.fail();
          this.next();
        } while (this.optional(T.COMMA));
      }
      this.expect(T.RPAREN);
      dt.params = params;
    }
    for (;;) {
      const k = this.tok();
      if (k === K.UNSIGNED) dt.unsigned = true;
      else if (k === K.SIGNED) dt.unsigned = false;
      else if (k === K.ZEROFILL) dt.zerofill = true;
      else if (k === K.CHARACTER && this.peek(1) === K.SET) {
        this.next();
        this.next();
        dt.charset = this.charsetName();
        continue;
      } else if (k === K.CHARSET || (k === K.CHAR && this.peek(1) === K.SET)) {
        if (k === K.CHAR) this.next();
        this.next();
        dt.charset = this.charsetName();
        continue;
      } else if (k === K.COLLATE) {
        this.next();
        dt.collate = this.identOrString();
        continue;
      } else if (cast && k === T.IDENT && this.upperText() === 'ARRAY') dt.array = true;
      else break;
      this.next();
    }
    if (dt.unsigned === false) delete dt.unsigned;
    dt.end = this.lastEnd();
    return dt;
  }

  // ------------------------------------------------------------ INSERT / UPDATE / DELETE

  private parseInsert(): A.InsertStatement {
    const start = this.start();
    const verb = this.tok() === K.INSERT ? 'INSERT' : 'REPLACE';
    this.next();
    const hints = this.parseHints();
    let priority: A.InsertStatement['priority'];
    const pk = this.tok();
    if (pk === K.LOW_PRIORITY || pk === K.DELAYED || pk === K.HIGH_PRIORITY) {
      priority = this.upperText() as A.InsertStatement['priority'];
      this.next();
    }
    const ignore = verb === 'INSERT' && this.optional(K.IGNORE);
    this.optional(K.INTO);
    const tn = this.tableName();
    const table: A.Table = { type: 'Table', name: tn.name, nameStart: tn.start, nameEnd: tn.end, start: tn.start, end: tn.end };
    if (tn.schema !== undefined) table.schema = tn.schema;
    const st: A.InsertStatement = { type: 'insert', verb, ignore, table, start, end: start };
    if (hints) st.hints = hints;
    if (priority) st.priority = priority;
    if (this.tok() === K.PARTITION) {
      this.next();
      st.partitions = this.parenIdentList();
    }
    if (this.tok() === T.LPAREN && !this.atQueryStart(1)) {
      this.next();
      const cols: A.Column[] = [];
      if (this.tok() !== T.RPAREN) {
        do {
          const c = this.parseNamed(this.start());
          if (c.type !== 'Column') this.fail();
          cols.push(c);
        } while (this.optional(T.COMMA));
      }
      this.expect(T.RPAREN);
      st.columns = cols;
    }
    const k = this.tok();
    if (k === K.VALUES || k === K.VALUE) {
      this.next();
      st.values = this.parseValuesRows(this.tok() === K.ROW);
      this.parseRowAlias(st);
    } else if (k === K.SET) {
      this.next();
      st.set = this.parseAssignments();
      this.parseRowAlias(st);
    } else if (k === K.SELECT || k === K.WITH || k === T.LPAREN) {
      st.select = this.parseQueryExpr();
    } else this.fail();
    if (this.tok() === K.ON) {
      this.next();
      this.expect(K.DUPLICATE);
      this.expect(K.KEY);
      this.expect(K.UPDATE);
      st.onDuplicate = this.parseAssignments();
    }
    if (this.optional(K.RETURNING)) st.returning = this.parseSelectItems();
    st.end = this.lastEnd();
    return st;
  }

  private parseRowAlias(st: A.InsertStatement): void {
    if (this.optional(K.AS)) {
      st.rowAlias = this.ident();
      if (this.tok() === T.LPAREN) st.rowAliasColumns = this.parenIdentList();
    }
  }

  private parseAssignments(): A.Assignment[] {
    const out: A.Assignment[] = [];
    do {
      const start = this.start();
      const column = this.parseNamed(start);
      if (column.type !== 'Column') this.fail();
      if (!this.optional(T.EQ)) this.expect(T.ASSIGN);
      const value = this.parseExpr();
      out.push({ type: 'Assignment', column, value, start, end: this.lastEnd() });
    } while (this.optional(T.COMMA));
    return out;
  }

  private parseUpdate(w: A.With | undefined, start: number): A.UpdateStatement {
    this.expect(K.UPDATE);
    const hints = this.parseHints();
    const lowPriority = this.optional(K.LOW_PRIORITY);
    const ignore = this.optional(K.IGNORE);
    const tables = this.parseTableRefs();
    this.expect(K.SET);
    const set = this.parseAssignments();
    const st: A.UpdateStatement = { type: 'update', lowPriority, ignore, tables, set, start, end: start };
    if (w) st.with = w;
    if (hints) st.hints = hints;
    if (this.optional(K.WHERE)) st.where = this.parseExpr();
    if (this.tok() === K.ORDER) st.orderBy = this.parseOrderBy();
    if (this.tok() === K.LIMIT) st.limit = this.parseLimit();
    st.end = this.lastEnd();
    return st;
  }

  private parseDelete(w: A.With | undefined, start: number): A.DeleteStatement {
    this.expect(K.DELETE);
    const hints = this.parseHints();
    let lowPriority = false;
    let quick = false;
    let ignore = false;
    for (;;) {
      if (this.optional(K.LOW_PRIORITY)) lowPriority = true;
      else if (this.optional(K.QUICK)) quick = true;
      else if (this.optional(K.IGNORE)) ignore = true;
      else break;
    }
    const st: A.DeleteStatement = { type: 'delete', lowPriority, quick, ignore, from: [], start, end: start };
    if (w) st.with = w;
    if (hints) st.hints = hints;
    if (this.optional(K.FROM)) {
      const save = this.pos;
      this.deleteTargets();
      const multi = this.tok() === K.USING;
      if (multi) {
        this.pos = save;
        st.targets = this.deleteTargets();
        this.expect(K.USING);
        st.using = true;
        st.from = this.parseTableRefs();
      } else {
        this.pos = save;
        const t = this.parseTable();
        st.from = [t];
        if (this.tok() === K.PARTITION) {
          this.next();
          st.partitions = this.parenIdentList();
        }
      }
    } else {
      st.targets = this.deleteTargets();
      this.expect(K.FROM);
      st.from = this.parseTableRefs();
    }
    if (this.optional(K.WHERE)) st.where = this.parseExpr();
    if (this.tok() === K.ORDER) st.orderBy = this.parseOrderBy();
    if (this.tok() === K.LIMIT) st.limit = this.parseLimit();
    if (this.optional(K.RETURNING)) st.returning = this.parseSelectItems();
    st.end = this.lastEnd();
    return st;
  }

  /** t1[.*], t2[.*] */
  private deleteTargets(): A.TableName[] {
    const out: A.TableName[] = [];
    do {
      const start = this.start();
      const name = this.ident();
      let t: A.TableName = { type: 'TableName', name, start, end: this.lastEnd() };
      if (this.tok() === T.DOT && this.peek(1) !== T.STAR) {
        this.next();
        t = { type: 'TableName', schema: name, name: this.anyWord(), start, end: this.lastEnd() };
      }
      if (this.tok() === T.DOT && this.peek(1) === T.STAR) {
        this.next();
        this.next();
      }
      out.push(t);
    } while (this.optional(T.COMMA));
    return out;
  }

  // ------------------------------------------------------------ transactions, SET, USE

  private parseTransaction(): A.Statement {
    const start = this.start();
    const k = this.tok();
    const st: A.TransactionStatement = { type: 'transaction', action: 'BEGIN', start, end: start };
    this.next();
    if (k === K.BEGIN) {
      if (this.optional(K.WORK)) st.work = true;
      if (!this.atEnd()) return this.parseOther(this.pos - (st.work ? 2 : 1));
    } else if (k === K.START) {
      if (this.tok() !== K.TRANSACTION) return this.parseOther(this.pos - 1);
      this.next();
      st.action = 'START';
      if (!this.atEnd()) {
        const chars: string[] = [];
        do {
          if (this.optional(K.WITH)) {
            this.expect(K.CONSISTENT);
            this.expect(K.SNAPSHOT);
            chars.push('WITH CONSISTENT SNAPSHOT');
          } else {
            this.expect(K.READ);
            if (this.optional(K.ONLY)) chars.push('READ ONLY');
            else {
              this.expect(K.WRITE);
              chars.push('READ WRITE');
            }
          }
        } while (this.optional(T.COMMA));
        st.characteristics = chars;
      }
    } else if (k === K.COMMIT || k === K.ROLLBACK) {
      st.action = k === K.COMMIT ? 'COMMIT' : 'ROLLBACK';
      if (this.optional(K.WORK)) st.work = true;
      if (k === K.ROLLBACK && this.optional(K.TO)) {
        this.optional(K.SAVEPOINT);
        st.savepoint = this.ident();
      } else {
        if (this.optional(K.AND)) {
          st.chain = !this.optional(K.NO);
          this.expect(K.CHAIN);
        }
        if (this.optional(K.NO)) {
          this.expect(K.RELEASE);
          st.release = false;
        } else if (this.optional(K.RELEASE)) st.release = true;
      }
    } else if (k === K.SAVEPOINT) {
      st.action = 'SAVEPOINT';
      st.savepoint = this.ident();
    } else {
      st.action = 'RELEASE';
      this.expect(K.SAVEPOINT);
      st.savepoint = this.ident();
    }
    st.end = this.lastEnd();
    return st;
  }

  private parseSet(): A.Statement {
    const start = this.start();
    this.expect(K.SET);
    const k = this.tok();
    // SET PASSWORD / ROLE / DEFAULT ROLE / RESOURCE GROUP / STATEMENT ... FOR: not modelled.
    if (k === T.IDENT || k === K.DEFAULT) {
      const u = this.upperText();
      const n = this.peek(1);
      if (u === 'PASSWORD' || ((u === 'ROLE' || u === 'RESOURCE' || u === 'STATEMENT' || u === 'DEFAULT') && n !== T.EQ && n !== T.ASSIGN && n !== T.DOT))
        return this.parseOther(this.pos - 1);
    }
    const items: A.SetItem[] = [];
    let scope: A.VariableScope = 'DEFAULT';
    do {
      const is = this.start();
      const t = this.tok();
      let itemScope: A.VariableScope | undefined;
      if (t === K.GLOBAL || t === K.SESSION || t === K.LOCAL || t === K.PERSIST || t === K.PERSIST_ONLY) {
        const n = this.peek(1);
        if (n !== T.EQ && n !== T.ASSIGN && n !== T.DOT) {
          itemScope = this.upperText() as A.VariableScope;
          this.next();
        }
      }
      if (this.tok() === K.TRANSACTION && this.peek(1) !== T.EQ) {
        items.push(this.parseSetTransaction(is, itemScope));
        continue;
      }
      if (itemScope === undefined && this.tok() === K.NAMES && this.peek(1) !== T.EQ) {
        this.next();
        const sn: A.SetNames = { type: 'SetNames', start: is, end: is };
        if (!this.optional(K.DEFAULT)) {
          sn.charset = this.charsetName();
          if (this.optional(K.COLLATE)) sn.collate = this.identOrString();
        }
        sn.end = this.lastEnd();
        items.push(sn);
        continue;
      }
      if (
        itemScope === undefined &&
        ((this.tok() === K.CHARACTER && this.peek(1) === K.SET) || (this.tok() === K.CHARSET && this.peek(1) !== T.EQ))
      ) {
        if (this.tok() === K.CHARACTER) this.next();
        this.next();
        const sc: A.SetCharset = { type: 'SetCharset', start: is, end: is };
        if (!this.optional(K.DEFAULT)) sc.charset = this.charsetName();
        sc.end = this.lastEnd();
        items.push(sc);
        continue;
      }
      if (itemScope !== undefined) scope = itemScope;
      const variable = this.parseSetTarget(scope);
      if (!this.optional(T.EQ)) this.expect(T.ASSIGN);
      const value = this.parseSetValue();
      items.push({ type: 'SetVariable', variable, value, start: is, end: this.lastEnd() });
    } while (this.optional(T.COMMA));
    return { type: 'set', items, start, end: this.lastEnd() };
  }

  private parseSetTarget(scope: A.VariableScope): A.Variable {
    const start = this.start();
    const k = this.tok();
    if (k === T.USERVAR) {
      const name = userVarName(this.src, start, this.e[this.pos]);
      this.next();
      return { type: 'Variable', scope: 'USER', name, system: false, start, end: this.lastEnd() };
    }
    if (k === T.SYSVAR) {
      const v = this.sysVar(this.text(), start, this.e[this.pos]);
      this.next();
      if (this.tok() === T.DOT) {
        // @@component.var
        this.next();
        v.name += '.' + this.anyWord();
        v.end = this.lastEnd();
      }
      return v;
    }
    let name = this.anyWord();
    if (this.tok() === T.DOT) {
      this.next();
      name += '.' + this.anyWord();
    }
    return { type: 'Variable', scope, name, system: false, start, end: this.lastEnd() };
  }

  private parseSetValue(): A.Expr {
    const k = this.tok();
    if (k === K.ON || k === K.ALL || ((k === K.BINARY || k === K.ROW) && this.peek(1) !== T.LPAREN && this.atValueEnd(1))) {
      const start = this.start();
      const name = this.upperText();
      this.next();
      return { type: 'Keyword', name, start, end: this.lastEnd() };
    }
    return this.parseExpr();
  }

  private atValueEnd(n: number): boolean {
    const k = this.peek(n);
    return k === T.EOF || k === T.SEMI || k === T.COMMA;
  }

  private parseSetTransaction(start: number, scope: A.VariableScope | undefined): A.SetTransaction {
    this.expect(K.TRANSACTION);
    const st: A.SetTransaction = { type: 'SetTransaction', start, end: start };
    if (scope !== undefined) {
      if (scope !== 'GLOBAL' && scope !== 'SESSION' && scope !== 'LOCAL') this.fail();
      st.scope = scope;
    }
    do {
      if (this.optional(K.ISOLATION)) {
        this.expect(K.LEVEL);
        if (this.optional(K.READ)) {
          if (this.optional(K.UNCOMMITTED)) st.isolation = 'READ UNCOMMITTED';
          else {
            this.expect(K.COMMITTED);
            st.isolation = 'READ COMMITTED';
          }
        } else if (this.optional(K.REPEATABLE)) {
          this.expect(K.READ);
          st.isolation = 'REPEATABLE READ';
        } else {
          this.expect(K.SERIALIZABLE);
          st.isolation = 'SERIALIZABLE';
        }
      } else {
        this.expect(K.READ);
        if (this.optional(K.ONLY)) st.access = 'READ ONLY';
        else {
          this.expect(K.WRITE);
          st.access = 'READ WRITE';
        }
      }
    } while (this.optional(T.COMMA));
    st.end = this.lastEnd();
    return st;
  }

  private parseUse(): A.UseStatement {
    const start = this.start();
    this.expect(K.USE);
    const database = this.ident();
    return { type: 'use', database, start, end: this.lastEnd() };
  }

  // ------------------------------------------------------------ SHOW / EXPLAIN

  private parseShow(): A.Statement {
    const begin = this.pos;
    const start = this.start();
    this.expect(K.SHOW);
    const st: A.ShowStatement = { type: 'show', what: '', start, end: start };
    for (;;) {
      if (this.optional(K.FULL)) st.full = true;
      else if (this.optional(K.EXTENDED)) st.extended = true;
      else if (this.tok() === K.GLOBAL || this.tok() === K.SESSION) {
        st.scope = this.tok() === K.GLOBAL ? 'GLOBAL' : 'SESSION';
        this.next();
      } else if (this.tok() === K.LOCAL) {
        st.scope = 'SESSION';
        this.next();
      } else break;
    }
    const k = this.tok();
    const likeOrWhere = () => {
      if (this.optional(K.LIKE)) {
        if (this.tok() !== T.STRING && !(this.tok() === T.DSTRING && !this.ansi)) this.fail();
        st.like = unescapeString(this.src, this.start(), this.e[this.pos]);
        this.next();
      } else if (this.optional(K.WHERE)) st.where = this.parseExpr();
    };
    const fromDb = () => {
      if (this.optional(K.FROM) || this.optional(K.IN)) st.database = this.ident();
    };
    if (k === K.DATABASES || k === K.SCHEMAS) {
      this.next();
      st.what = 'DATABASES';
      likeOrWhere();
    } else if (k === K.TABLES) {
      this.next();
      st.what = 'TABLES';
      fromDb();
      likeOrWhere();
    } else if (k === K.COLUMNS || k === K.FIELDS || k === K.INDEX || k === K.INDEXES || k === K.KEYS) {
      this.next();
      st.what = k === K.COLUMNS || k === K.FIELDS ? 'COLUMNS' : 'INDEX';
      if (!this.optional(K.FROM)) this.expect(K.IN);
      st.table = this.tableName();
      fromDb();
      likeOrWhere();
    } else if (k === K.TABLE && this.peek(1) === K.STATUS) {
      this.next();
      this.next();
      st.what = 'TABLE STATUS';
      fromDb();
      likeOrWhere();
    } else if (k === K.OPEN && this.peek(1) === K.TABLES) {
      this.next();
      this.next();
      st.what = 'OPEN TABLES';
      fromDb();
      likeOrWhere();
    } else if (k === K.CREATE && (this.peek(1) === K.TABLE || this.peek(1) === K.VIEW)) {
      st.what = this.peek(1) === K.TABLE ? 'CREATE TABLE' : 'CREATE VIEW';
      this.next();
      this.next();
      st.table = this.tableName();
    } else if (k === K.CREATE && (this.peek(1) === K.DATABASE || this.peek(1) === K.SCHEMA)) {
      this.next();
      this.next();
      st.what = 'CREATE DATABASE';
      if (this.ifNotExists()) st.ifNotExists = true;
      st.database = this.ident();
    } else if (k === K.VARIABLES || k === K.STATUS || k === K.TRIGGERS || k === K.EVENTS || k === K.PLUGINS || k === K.ENGINES || k === K.PRIVILEGES || k === K.COLLATION) {
      st.what = this.upperText();
      this.next();
      if (k === K.TRIGGERS || k === K.EVENTS) fromDb();
      likeOrWhere();
    } else if (k === K.STORAGE && this.peek(1) === K.ENGINES) {
      this.next();
      this.next();
      st.what = 'ENGINES';
    } else if ((k === K.CHARACTER && this.peek(1) === K.SET) || k === K.CHARSET) {
      if (k === K.CHARACTER) this.next();
      this.next();
      st.what = 'CHARACTER SET';
      likeOrWhere();
    } else if (k === K.PROCESSLIST) {
      this.next();
      st.what = 'PROCESSLIST';
    } else if (k === K.WARNINGS || k === K.ERRORS) {
      st.what = this.upperText();
      this.next();
      if (this.tok() === K.LIMIT) st.limit = this.parseLimit();
    } else if (k === T.IDENT && this.upperText() === 'COUNT' && this.peek(1) === T.LPAREN) {
      // SHOW COUNT(*) WARNINGS | ERRORS
      this.next();
      this.expect(T.LPAREN);
      this.expect(T.STAR);
      this.expect(T.RPAREN);
      if (this.tok() !== K.WARNINGS && this.tok() !== K.ERRORS) this.fail();
      st.what = 'COUNT(*) ' + this.upperText();
      this.next();
    } else if (this.atWord()) {
      // SHOW forms this parser does not model (GRANTS, ENGINE ... STATUS, MASTER STATUS, CREATE PROCEDURE ...)
      return this.parseOther(begin);
    } else this.fail();
    st.end = this.lastEnd();
    return st;
  }

  private parseExplain(): A.Statement {
    const begin = this.pos;
    const start = this.start();
    const verb = this.upperText() as A.ExplainStatement['verb'];
    this.next();
    const st: A.ExplainStatement = { type: 'explain', verb, start, end: start };
    for (;;) {
      if (this.tok() === K.FORMAT) {
        this.next();
        this.expect(T.EQ);
        st.format = this.anyWord().toUpperCase();
      } else if (this.tok() === K.ANALYZE) {
        this.next();
        st.analyze = true;
      } else if (this.tok() === K.EXTENDED) {
        this.next();
        st.extended = true;
      } else if (this.tok() === K.PARTITIONS) {
        this.next();
        st.partitions = true;
      } else break;
    }
    if (st.format !== undefined && this.tok() === K.INTO) {
      this.next();
      const v = this.parsePrimary();
      if (v.type !== 'Variable' || v.scope !== 'USER') this.fail();
      st.into = v;
    }
    const k = this.tok();
    if (k === K.SELECT || k === K.WITH || k === T.LPAREN || k === K.INSERT || k === K.REPLACE || k === K.UPDATE || k === K.DELETE) {
      st.statement = this.parseStatement();
    } else if (k === K.FOR && this.peek(1) === K.CONNECTION) {
      return this.parseOther(begin);
    } else if (st.format === undefined && !st.analyze && !st.extended && !st.partitions) {
      st.table = this.tableName();
      if (this.atIdent()) st.column = this.ident();
      else if (this.tok() === T.STRING) {
        st.column = unescapeString(this.src, this.start(), this.e[this.pos]);
        this.next();
      }
    } else this.fail();
    st.end = this.lastEnd();
    return st;
  }

  // ------------------------------------------------------------ DDL

  private ifExists(): boolean {
    if (this.tok() === K.IF && this.peek(1) === K.EXISTS) {
      this.next();
      this.next();
      return true;
    }
    return false;
  }
  private ifNotExists(): boolean {
    if (this.tok() === K.IF && this.peek(1) === K.NOT) {
      this.next();
      this.next();
      this.expect(K.EXISTS);
      return true;
    }
    return false;
  }

  private rawRest(): string {
    const start = this.start();
    while (!this.atEnd()) this.next();
    return this.sliceFrom(start);
  }

  private parseDdl(): A.Statement {
    const begin = this.pos;
    const start = this.start();
    const verb = this.tok();
    this.next();
    if (verb === K.TRUNCATE) {
      this.optional(K.TABLE);
      const t = this.tableName();
      return { type: 'ddl', action: 'TRUNCATE', object: 'TABLE', tables: [t], start, end: this.lastEnd() };
    }
    if (verb === K.RENAME) {
      if (this.tok() !== K.TABLE && this.tok() !== K.TABLES) return this.parseOther(begin);
      this.next();
      const ifExists = this.ifExists();
      const renames: { from: A.TableName; to: A.TableName; wait?: string }[] = [];
      const tables: A.TableName[] = [];
      do {
        const from = this.tableName();
        let wait: string | undefined;
        if (this.optional(K.NOWAIT)) wait = 'NOWAIT';
        else if (this.optional(K.WAIT)) {
          if (this.tok() !== T.INT) this.fail();
          wait = 'WAIT ' + this.text();
          this.next();
        }
        this.expect(K.TO);
        const to = this.tableName();
        renames.push(wait === undefined ? { from, to } : { from, to, wait });
        tables.push(from, to);
      } while (this.optional(T.COMMA));
      const st: A.DdlStatement = { type: 'ddl', action: 'RENAME', object: 'TABLE', tables, renames, start, end: this.lastEnd() };
      if (ifExists) st.ifExists = true;
      return st;
    }
    const action = verb === K.CREATE ? 'CREATE' : verb === K.ALTER ? 'ALTER' : 'DROP';
    if (action === 'DROP' && this.tok() === K.PREPARE) {
      this.next();
      const name = this.ident();
      return { type: 'prepare', action: 'DEALLOCATE', name, drop: true, start, end: this.lastEnd() };
    }
    // CREATE/DROP DATABASE | SCHEMA
    if (this.tok() === K.DATABASE || this.tok() === K.SCHEMA) {
      const st: A.DdlStatement = { type: 'ddl', action, object: 'DATABASE', tables: [], start, end: start };
      if (this.tok() === K.SCHEMA) st.schemaWord = true;
      this.next();
      if (action === 'CREATE' && this.ifNotExists()) st.ifNotExists = true;
      if (action === 'DROP' && this.ifExists()) st.ifExists = true;
      if (action !== 'ALTER' || this.atIdent()) st.database = this.ident();
      const opts = this.rawRest();
      if (opts) st.options = opts;
      st.end = this.lastEnd();
      return st;
    }
    if (action === 'CREATE' || action === 'DROP') {
      let temporary = false;
      if (this.tok() === K.TEMPORARY) {
        this.next();
        temporary = true;
      }
      if (this.tok() === K.TABLE || this.tok() === K.TABLES) {
        if (action === 'CREATE') return this.parseCreateTable(start, temporary);
        this.next();
        const st: A.DdlStatement = { type: 'ddl', action, object: 'TABLE', tables: [], start, end: start };
        if (temporary) st.temporary = true;
        if (this.ifExists()) st.ifExists = true;
        st.tables = this.tableNameList();
        const opts = this.rawRest();
        if (opts) st.options = opts;
        st.end = this.lastEnd();
        return st;
      }
      if (!temporary && (this.tok() === K.INDEX || this.tok() === K.UNIQUE || this.tok() === K.FULLTEXT || this.tok() === K.SPATIAL)) {
        return this.parseIndexDdl(start, action, begin);
      }
      return this.parseOther(begin);
    }
    // ALTER [ONLINE | IGNORE] TABLE
    if (this.tok() === K.IGNORE || (this.tok() === T.IDENT && this.upperText() === 'ONLINE')) {
      if (this.peek(1) === K.TABLE) this.next();
    }
    if (this.tok() !== K.TABLE) return this.parseOther(begin);
    this.next();
    const t = this.tableName();
    const st: A.DdlStatement = { type: 'ddl', action: 'ALTER', object: 'TABLE', tables: [t], start, end: start };
    // MariaDB: ALTER TABLE t WAIT n | NOWAIT ...
    if (this.optional(K.NOWAIT)) st.wait = 'NOWAIT';
    else if (this.optional(K.WAIT)) {
      if (this.tok() !== T.INT) this.fail();
      st.wait = 'WAIT ' + this.text();
      this.next();
    }
    const alterations: string[] = [];
    while (!this.atEnd()) {
      const as = this.start();
      this.parseAlterSpec(st.tables);
      alterations.push(this.sliceFrom(as));
      if (!this.optional(T.COMMA)) break;
    }
    if (!this.atEnd()) this.fail();
    if (alterations.length) st.alterations = alterations;
    st.end = this.lastEnd();
    return st;
  }

  private parseCreateTable(start: number, temporary: boolean): A.DdlStatement {
    this.next(); // TABLE
    const st: A.DdlStatement = { type: 'ddl', action: 'CREATE', object: 'TABLE', tables: [], start, end: start };
    if (temporary) st.temporary = true;
    if (this.ifNotExists()) st.ifNotExists = true;
    st.tables.push(this.tableName());
    if (this.optional(K.LIKE)) {
      st.like = this.tableName();
      st.tables.push(st.like);
      st.end = this.lastEnd();
      return st;
    }
    if (this.tok() === T.LPAREN && this.peek(1) === K.LIKE) {
      this.next();
      this.next();
      st.like = this.tableName();
      st.tables.push(st.like);
      this.expect(T.RPAREN);
      st.end = this.lastEnd();
      return st;
    }
    if (this.tok() === T.LPAREN && !this.atQueryStart(1)) {
      this.next();
      const columns: A.ColumnDef[] = [];
      const constraints: A.TableConstraint[] = [];
      do {
        const ds = this.start();
        const k = this.tok();
        if (
          k === K.PRIMARY || k === K.UNIQUE || k === K.KEY || k === K.INDEX || k === K.FULLTEXT || k === K.SPATIAL ||
          k === K.CONSTRAINT || k === K.FOREIGN || k === K.CHECK
        ) {
          const refs: A.TableName[] = [];
          this.parseKeyDefinition(refs);
          const text = this.sliceFrom(ds);
          const c: A.TableConstraint = { type: 'TableConstraint', text, start: ds, end: this.lastEnd() };
          if (refs.length) {
            c.references = refs[0];
            st.tables.push(...refs);
          }
          constraints.push(c);
        } else {
          const name = this.ident();
          const dataType = this.parseDataType(false);
          const cd: A.ColumnDef = { type: 'ColumnDef', name, dataType, start: ds, end: ds };
          const refs: A.TableName[] = [];
          const os = this.start();
          this.parseColumnAttributes(refs);
          const options = this.sliceFrom(os);
          if (options) cd.options = options;
          st.tables.push(...refs);
          cd.end = this.lastEnd();
          columns.push(cd);
        }
      } while (this.optional(T.COMMA));
      this.expect(T.RPAREN);
      if (columns.length) st.columns = columns;
      if (constraints.length) st.constraints = constraints;
    }
    // table options, then an optional [IGNORE | REPLACE] [AS] SELECT
    const os = this.start();
    this.parseTableOptions();
    const options = this.sliceFrom(os);
    if (options) st.options = options;
    if (!this.atEnd()) {
      let prefix = '';
      if (this.tok() === K.IGNORE || this.tok() === K.REPLACE) {
        prefix = this.upperText();
        this.next();
      }
      this.optional(K.AS);
      st.select = this.parseQueryExpr();
      if (prefix) st.options = (st.options ? st.options + ' ' : '') + prefix;
    }
    st.end = this.lastEnd();
    return st;
  }

  private parseIndexDdl(start: number, action: 'CREATE' | 'DROP', begin: number): A.Statement {
    const st: A.DdlStatement = { type: 'ddl', action, object: 'INDEX', tables: [], start, end: start };
    const k = this.tok();
    if (k !== K.INDEX) {
      if (action === 'DROP') return this.parseOther(begin);
      st.indexKind = this.upperText() as A.DdlStatement['indexKind'];
      this.next();
      if (this.tok() !== K.INDEX) return this.parseOther(begin);
    }
    this.next();
    if (action === 'CREATE' && this.ifNotExists()) st.ifNotExists = true;
    if (action === 'DROP' && this.ifExists()) st.ifExists = true;
    st.index = this.tok() === K.PRIMARY ? (this.next(), 'PRIMARY') : this.ident();
    const pre = this.start();
    if (action === 'CREATE' && this.tok() === K.USING) {
      this.next();
      this.next();
    }
    const usingText = this.sliceFrom(pre);
    this.expect(K.ON);
    st.tables.push(this.tableName());
    if (action === 'CREATE') {
      const ps = this.start();
      this.parseKeyParts();
      st.indexParts = this.sliceFrom(ps);
    }
    const rs = this.start();
    if (action === 'CREATE') this.parseIndexOptions();
    // ALGORITHM [=] x | LOCK [=] x
    while (this.tok() === K.ALGORITHM || this.tok() === K.LOCK) {
      this.next();
      this.optional(T.EQ);
      this.anyWord();
    }
    if (!this.atEnd()) this.fail();
    const rest = this.sliceFrom(rs);
    const opts = [usingText, rest].filter(Boolean).join(' ');
    if (opts) st.options = opts;
    st.end = this.lastEnd();
    return st;
  }

  // ------------------------------------------------------------ DDL validation
  // Column attributes, key definitions, table options and ALTER specifications are kept as written in
  // the tree (sluice routes DDL, it does not interpret it), but they are checked against MySQL's grammar
  // so that malformed DDL fails with 1064 here, as it would on the server. REFERENCES parents and
  // EXCHANGE PARTITION ... WITH TABLE targets are collected into `refs`.

  /** The text from `start` to the last consumed token, or '' when nothing was consumed. */
  private sliceFrom(start: number): string {
    let i = this.pos - 1;
    if (i < 0 || this.s[i] < start) return '';
    const text = this.src.slice(start, this.e[i]);
    if (!COMMENT_MARK.test(text)) return text;
    // comments or executable-comment markers inside: rebuild from the tokens (markers dropped, their
    // content kept, each gap one space), so the text stands alone and reads as the same SQL
    while (i > 0 && this.s[i - 1] >= start) i--;
    let out = '';
    for (let j = i; j < this.pos; j++) {
      if (j > i && this.s[j] > this.e[j - 1]) out += ' ';
      out += this.src.slice(this.s[j], this.e[j]);
    }
    return out;
  }

  private atDefinitionEnd(): boolean {
    const k = this.tok();
    return k === T.COMMA || k === T.RPAREN || k === T.EOF || k === T.SEMI;
  }

  /** A word (any keyword or identifier) whose upper-case text is `w`. */
  private atWordText(w: string): boolean {
    return this.atWord() && this.upperText() === w;
  }

  private expectWord(w: string): void {
    if (!this.atWordText(w)) this.fail();
    this.next();
  }

  /** column_definition after the data type: NOT NULL, DEFAULT x, AUTO_INCREMENT, ... up to `,` / `)`. */
  private parseColumnAttributes(refs: A.TableName[]): void {
    while (!this.atDefinitionEnd()) {
      if (!this.atWord()) this.fail();
      switch (this.upperText()) {
        case 'FIRST':
        case 'AFTER':
          return; // ALTER TABLE's column position follows the attributes
        case 'NOT':
          this.next();
          this.expect(K.NULL);
          break;
        case 'NULL':
        case 'AUTO_INCREMENT':
        case 'VISIBLE':
        case 'INVISIBLE':
        case 'VIRTUAL':
        case 'STORED':
        case 'PERSISTENT':
        case 'BINARY':
        case 'ASCII':
        case 'UNICODE':
          this.next();
          break;
        case 'DEFAULT':
          this.next();
          this.parseSimple();
          break;
        case 'UNIQUE':
          this.next();
          this.optional(K.KEY);
          break;
        case 'PRIMARY':
          this.next();
          this.expect(K.KEY);
          break;
        case 'KEY':
          this.next();
          break;
        case 'COMMENT':
          this.next();
          this.expectString();
          break;
        case 'COLLATE':
          this.next();
          this.identOrString();
          break;
        case 'CHARACTER':
          this.next();
          this.expect(K.SET);
          this.charsetName();
          break;
        case 'CHARSET':
          this.next();
          this.charsetName();
          break;
        case 'ON':
          this.next();
          this.expect(K.UPDATE);
          this.parseSimple();
          break;
        case 'GENERATED':
          this.next();
          this.expectWord('ALWAYS');
          if (this.tok() !== K.AS) this.fail();
          break;
        case 'AS':
          this.next();
          this.expect(T.LPAREN);
          this.parseExpr();
          this.expect(T.RPAREN);
          break;
        case 'CONSTRAINT':
          this.next();
          if (this.tok() !== K.CHECK) this.ident();
          if (this.tok() !== K.CHECK) this.fail();
          break;
        case 'CHECK':
          this.parseCheck();
          break;
        case 'REFERENCES':
          this.next();
          refs.push(this.tableName());
          this.parseReferenceTail();
          break;
        case 'COLUMN_FORMAT':
        case 'STORAGE':
          this.next();
          this.anyWord();
          break;
        case 'SRID':
          this.next();
          this.expect(T.INT);
          break;
        case 'SERIAL':
          this.next();
          this.expect(K.DEFAULT);
          this.expect(K.VALUE);
          break;
        case 'WITH':
        case 'WITHOUT':
          this.next();
          this.expectWord('SYSTEM');
          this.expectWord('VERSIONING');
          break;
        case 'COMPRESSED':
          this.next();
          if (this.optional(T.EQ)) this.anyWord();
          break;
        case 'ENGINE_ATTRIBUTE':
        case 'SECONDARY_ENGINE_ATTRIBUTE':
          this.next();
          this.optional(T.EQ);
          this.expectString();
          break;
        default:
          this.fail();
      }
    }
  }

  private expectString(): void {
    const k = this.tok();
    if (k !== T.STRING && !(k === T.DSTRING && !this.ansi) && k !== T.NSTRING) this.fail();
    this.next();
    while (this.tok() === T.STRING) this.next();
  }

  /** CHECK (expr) [[NOT] ENFORCED] */
  private parseCheck(): void {
    this.expect(K.CHECK);
    this.expect(T.LPAREN);
    this.parseExpr();
    this.expect(T.RPAREN);
    if (this.atWordText('ENFORCED')) this.next();
    else if (this.tok() === K.NOT && this.lookAhead(() => (this.next(), this.atWordText('ENFORCED')))) {
      this.next();
      this.next();
    }
  }

  /** After REFERENCES tbl: (cols) [MATCH FULL|PARTIAL|SIMPLE] [ON DELETE opt] [ON UPDATE opt]. */
  private parseReferenceTail(): void {
    this.parseKeyParts();
    if (this.tok() === K.MATCH) {
      this.next();
      this.anyWord();
    }
    while (this.tok() === K.ON && (this.peek(1) === K.DELETE || this.peek(1) === K.UPDATE)) {
      this.next();
      this.next();
      const k = this.tok();
      if (k === K.RESTRICT || k === K.CASCADE) this.next();
      else if (k === K.SET) {
        this.next();
        if (!this.optional(K.NULL)) this.expect(K.DEFAULT);
      } else if (k === K.NO) {
        this.next();
        this.expect(K.ACTION);
      } else this.fail();
    }
  }

  /** (key_part, ...): col [(len)] [ASC|DESC] or (expr) [ASC|DESC]; never empty. */
  private parseKeyParts(): void {
    this.expect(T.LPAREN);
    do {
      if (this.tok() === T.LPAREN) {
        this.next();
        this.parseExpr();
        this.expect(T.RPAREN);
      } else {
        this.ident();
        if (this.tok() === T.LPAREN) {
          this.next();
          this.expect(T.INT);
          this.expect(T.RPAREN);
        }
      }
      if (!this.optional(K.ASC)) this.optional(K.DESC);
    } while (this.optional(T.COMMA));
    this.expect(T.RPAREN);
  }

  /** index_option ...: KEY_BLOCK_SIZE [=] n, USING BTREE|HASH, WITH PARSER p, COMMENT 's', [IN]VISIBLE, [NOT] IGNORED. */
  private parseIndexOptions(): void {
    for (;;) {
      if (this.tok() === K.USING) {
        this.next();
        this.anyWord();
      } else if (this.tok() === K.KEY_BLOCK_SIZE) {
        this.next();
        this.optional(T.EQ);
        this.expect(T.INT);
      } else if (this.tok() === K.WITH && this.peek(1) === K.PARSER) {
        this.next();
        this.next();
        this.ident();
      } else if (this.tok() === K.COMMENT) {
        this.next();
        this.expectString();
      } else if (this.tok() === K.VISIBLE || this.tok() === K.INVISIBLE || this.atWordText('IGNORED')) {
        this.next();
      } else if (this.tok() === K.NOT && this.lookAhead(() => (this.next(), this.atWordText('IGNORED')))) {
        this.next();
        this.next();
      } else if (this.atWordText('ENGINE_ATTRIBUTE') || this.atWordText('SECONDARY_ENGINE_ATTRIBUTE') || this.atWordText('CLUSTERING')) {
        this.next();
        this.optional(T.EQ);
        this.parsePrimary();
      } else return;
    }
  }

  private atKeyDefinition(): boolean {
    const k = this.tok();
    return (
      k === K.PRIMARY || k === K.UNIQUE || k === K.KEY || k === K.INDEX || k === K.FULLTEXT || k === K.SPATIAL ||
      k === K.CONSTRAINT || k === K.FOREIGN || k === K.CHECK
    );
  }

  /** An index or constraint definition (CREATE TABLE, ALTER TABLE ADD). */
  private parseKeyDefinition(refs: A.TableName[]): void {
    if (this.optional(K.CONSTRAINT)) {
      const k = this.tok();
      if (k !== K.PRIMARY && k !== K.UNIQUE && k !== K.FOREIGN && k !== K.CHECK) this.ident();
    }
    const k = this.tok();
    const optName = () => {
      if (this.atIdent() && this.tok() !== K.USING) this.ident();
    };
    this.next();
    switch (k) {
      case K.PRIMARY:
        this.expect(K.KEY);
        if (this.tok() === K.USING) this.parseIndexOptions();
        break;
      case K.UNIQUE:
      case K.FULLTEXT:
      case K.SPATIAL:
        if (!this.optional(K.INDEX)) this.optional(K.KEY);
        optName();
        if (this.tok() === K.USING) this.parseIndexOptions();
        break;
      case K.INDEX:
      case K.KEY:
        optName();
        if (this.tok() === K.USING) this.parseIndexOptions();
        break;
      case K.FOREIGN:
        this.expect(K.KEY);
        optName();
        this.parseKeyParts();
        this.expect(K.REFERENCES);
        refs.push(this.tableName());
        this.parseReferenceTail();
        return;
      case K.CHECK:
        this.pos--;
        this.parseCheck();
        return;
      default:
        this.fail();
    }
    this.parseKeyParts();
    this.parseIndexOptions();
  }

  /** A column definition: name type attributes. */
  private parseColumnDefinition(refs: A.TableName[]): void {
    this.ident();
    this.parseDataType(false);
    this.parseColumnAttributes(refs);
  }

  /** One table option: [DEFAULT] name [=] value (ENGINE=InnoDB, DEFAULT CHARSET utf8mb4, COMMENT 'x', UNION=(a,b)). */
  private parseTableOption(): void {
    if (this.tok() === K.DEFAULT) this.next();
    if (!this.atWord()) this.fail();
    const name = this.upperText();
    this.next();
    if (name === 'CHARACTER') this.expect(K.SET);
    else if (name === 'DATA' || name === 'INDEX') this.expectWord('DIRECTORY');
    this.optional(T.EQ);
    const k = this.tok();
    if (k === T.LPAREN) this.skipParens();
    else if (k === T.STRING || k === T.INT || k === T.DECIMAL || k === T.HEXNUM || k === T.QIDENT || k === T.IDENT || (k === T.DSTRING && !this.ansi) || k >= KW_BASE) this.next();
    else this.fail();
  }

  /** PARTITION BY ... / partition definitions: balanced tokens up to the end of the statement. */
  private skipToStatementEnd(): void {
    let depth = 0;
    while (this.tok() !== T.EOF && (depth > 0 || this.tok() !== T.SEMI)) {
      if (this.tok() === T.LPAREN) depth++;
      else if (this.tok() === T.RPAREN && --depth < 0) this.fail();
      this.next();
    }
    if (depth !== 0) this.fail();
  }

  /** Table options of CREATE TABLE, up to its end or its [IGNORE|REPLACE] [AS] SELECT. */
  private parseTableOptions(): void {
    while (!this.atEnd()) {
      const k = this.tok();
      if (k === K.SELECT || (k === K.WITH && this.atCte())) return;
      if ((k === K.AS || k === K.IGNORE || k === K.REPLACE || k === T.LPAREN) && this.atQueryStart(k === T.LPAREN ? 0 : 1)) return;
      if ((k === K.IGNORE || k === K.REPLACE) && this.peek(1) === K.AS) return;
      if (k === T.COMMA) {
        this.next();
        continue;
      }
      if (k === K.PARTITION) {
        this.skipPartitionClause();
        continue;
      }
      if ((k === K.WITH || k === K.WITHOUT) && this.peek(1) === T.IDENT) {
        this.next();
        this.expectWord('SYSTEM');
        this.expectWord('VERSIONING');
        continue;
      }
      this.parseTableOption();
    }
  }

  /** PARTITION BY ... [PARTITIONS n] [SUBPARTITION BY ...] [(partition definitions)]: balanced, up to a SELECT. */
  private skipPartitionClause(): void {
    let depth = 0;
    this.next();
    while (this.tok() !== T.EOF && (depth > 0 || (this.tok() !== T.SEMI && !(this.tok() === K.SELECT || ((this.tok() === K.AS || this.tok() === K.IGNORE || this.tok() === K.REPLACE) && this.atQueryStart(1)))))) {
      if (this.tok() === T.LPAREN) depth++;
      else if (this.tok() === T.RPAREN && --depth < 0) this.fail();
      this.next();
    }
    if (depth !== 0) this.fail();
  }

  /** FIRST | AFTER col */
  private parseColumnPosition(): void {
    if (this.atWordText('FIRST')) this.next();
    else if (this.atWordText('AFTER')) {
      this.next();
      this.ident();
    }
  }

  /** One ALTER TABLE specification (returns with the cursor on the `,` or the end after it). */
  private parseAlterSpec(tables: A.TableName[]): void {
    if (!this.atWord()) this.fail();
    const w = this.upperText();
    switch (w) {
      case 'ADD':
        this.next();
        if (this.optional(K.COLUMN)) {
          this.ifNotExists();
          if (this.tok() === T.LPAREN) {
            this.next();
            do this.parseColumnDefinition(tables);
            while (this.optional(T.COMMA));
            this.expect(T.RPAREN);
          } else {
            this.parseColumnDefinition(tables);
            this.parseColumnPosition();
          }
        } else if (this.tok() === K.PARTITION) {
          this.next();
          this.skipParens();
        } else if (this.atKeyDefinition()) {
          this.parseKeyDefinition(tables);
        } else if (this.atWordText('SYSTEM')) {
          this.next();
          this.expectWord('VERSIONING');
        } else {
          this.ifNotExists();
          if (this.tok() === T.LPAREN) {
            this.next();
            do this.parseColumnDefinition(tables);
            while (this.optional(T.COMMA));
            this.expect(T.RPAREN);
          } else {
            this.parseColumnDefinition(tables);
            this.parseColumnPosition();
          }
        }
        return;
      case 'DROP': {
        this.next();
        const k = this.tok();
        if (k === K.PRIMARY) {
          this.next();
          this.expect(K.KEY);
        } else if (k === K.FOREIGN) {
          this.next();
          this.expect(K.KEY);
          this.ifExists();
          this.ident();
        } else if (k === K.PARTITION) {
          this.next();
          this.identList();
        } else if (this.atWordText('SYSTEM')) {
          this.next();
          this.expectWord('VERSIONING');
        } else {
          if (k === K.COLUMN || k === K.INDEX || k === K.KEY || k === K.CHECK || k === K.CONSTRAINT) this.next();
          this.ifExists();
          this.ident();
        }
        return;
      }
      case 'MODIFY':
      case 'CHANGE':
        this.next();
        this.optional(K.COLUMN);
        this.ifExists();
        if (w === 'CHANGE') this.ident();
        this.parseColumnDefinition(tables);
        this.parseColumnPosition();
        return;
      case 'RENAME': {
        this.next();
        const k = this.tok();
        if (k === K.COLUMN || k === K.INDEX || k === K.KEY) {
          this.next();
          this.ident();
          this.expect(K.TO);
          this.ident();
        } else {
          if (!this.optional(K.TO)) this.optional(K.AS);
          tables.push(this.tableName());
        }
        return;
      }
      case 'ALTER': {
        this.next();
        const k = this.tok();
        if (k === K.INDEX || k === K.KEY) {
          this.next();
          this.ident();
          this.parseIndexOptions();
          return;
        }
        if (k === K.CHECK || k === K.CONSTRAINT) {
          this.next();
          this.ident();
          this.optional(K.NOT);
          this.expectWord('ENFORCED');
          return;
        }
        this.optional(K.COLUMN);
        this.ident();
        if (this.optional(K.SET)) {
          if (this.optional(K.DEFAULT)) this.parseSimple();
          else if (!this.optional(K.VISIBLE)) this.expect(K.INVISIBLE);
        } else {
          this.expect(K.DROP);
          this.expect(K.DEFAULT);
        }
        return;
      }
      case 'CONVERT':
        this.next();
        this.expect(K.TO);
        if (this.tok() === K.CHARACTER) {
          this.next();
          this.expect(K.SET);
        } else this.expect(K.CHARSET);
        this.charsetName();
        if (this.optional(K.COLLATE)) this.identOrString();
        return;
      case 'ORDER':
        this.next();
        this.expect(K.BY);
        do {
          this.parseNamed(this.start());
          if (!this.optional(K.ASC)) this.optional(K.DESC);
        } while (this.optional(T.COMMA));
        return;
      case 'ENABLE':
      case 'DISABLE':
        this.next();
        this.expect(K.KEYS);
        return;
      case 'DISCARD':
      case 'IMPORT':
        this.next();
        if (this.optional(K.PARTITION)) {
          if (!this.optional(K.ALL)) this.identList();
        }
        this.expect(K.TABLESPACE);
        return;
      case 'FORCE':
        this.next();
        return;
      case 'WITH':
      case 'WITHOUT':
        this.next();
        this.expect(K.VALIDATION);
        return;
      case 'PARTITION':
        this.skipToStatementEnd();
        return;
      case 'COALESCE':
      case 'REORGANIZE':
      case 'TRUNCATE':
      case 'ANALYZE':
      case 'CHECK':
      case 'OPTIMIZE':
      case 'REBUILD':
      case 'REPAIR':
      case 'EXCHANGE':
      case 'REMOVE':
      case 'UPGRADE': {
        // partition maintenance: kept as written; EXCHANGE ... WITH TABLE t names a table
        this.next();
        if (this.atEnd() || this.tok() === T.COMMA) this.fail();
        let depth = 0;
        while (!this.atEnd() && (depth > 0 || this.tok() !== T.COMMA)) {
          if (this.tok() === T.LPAREN) depth++;
          else if (this.tok() === T.RPAREN) depth--;
          const k = this.tok();
          this.next();
          if (k === K.TABLE && w === 'EXCHANGE') tables.push(this.tableName());
        }
        return;
      }
      default:
        // table options (ENGINE=InnoDB, AUTO_INCREMENT=5, ALGORITHM=INPLACE, LOCK=NONE, COMMENT 'x', ...)
        this.parseTableOption();
    }
  }

  // ------------------------------------------------------------ LOCK, XA, KILL, PREPARE

  private parseLockTables(): A.Statement {
    const begin = this.pos;
    const start = this.start();
    const action = this.tok() === K.LOCK ? 'LOCK' : 'UNLOCK';
    this.next();
    if (this.tok() !== K.TABLES && this.tok() !== K.TABLE) return this.parseOther(begin);
    this.next();
    const tables: A.LockTableItem[] = [];
    if (action === 'LOCK') {
      do {
        const is = this.start();
        const table = this.parseTable();
        let mode: A.LockTableItem['mode'];
        if (this.optional(K.READ)) mode = this.optional(K.LOCAL) ? 'READ LOCAL' : 'READ';
        else if (this.optional(K.LOW_PRIORITY)) {
          this.expect(K.WRITE);
          mode = 'LOW_PRIORITY WRITE';
        } else {
          this.expect(K.WRITE);
          mode = 'WRITE';
          if (this.tok() === T.IDENT && this.upperText() === 'CONCURRENT') {
            this.next();
            mode = 'WRITE CONCURRENT';
          }
        }
        tables.push({ type: 'LockTable', table, mode, start: is, end: this.lastEnd() });
      } while (this.optional(T.COMMA));
    }
    return { type: 'lock', action, tables, start, end: this.lastEnd() };
  }

  private parseXa(): A.XaStatement {
    const start = this.start();
    this.expect(K.XA);
    const k = this.tok();
    let action: A.XaStatement['action'];
    if (k === K.START) action = 'START';
    else if (k === K.BEGIN) action = 'BEGIN';
    else if (k === K.END) action = 'END';
    else if (k === K.PREPARE) action = 'PREPARE';
    else if (k === K.COMMIT) action = 'COMMIT';
    else if (k === K.ROLLBACK) action = 'ROLLBACK';
    else if (k === K.RECOVER) action = 'RECOVER';
    else this.fail();
    this.next();
    const st: A.XaStatement = { type: 'xa', action, start, end: start };
    if (action !== 'RECOVER') {
      const xid: A.Expr[] = [];
      do {
        const t = this.tok();
        if (t !== T.STRING && t !== T.HEXSTR && t !== T.HEXNUM && t !== T.INT && t !== T.BITSTR && !(t === T.DSTRING && !this.ansi) && !(t === T.IDENT)) this.fail();
        xid.push(this.parsePrimary());
      } while (xid.length < 3 && this.optional(T.COMMA));
      st.xid = xid;
    }
    const os = this.start();
    while (!this.atEnd()) this.next();
    if (this.pos > 0 && this.s[this.pos - 1] >= os) {
      st.option = this.sliceFrom(os)
        .toUpperCase()
        .replace(/\s+/g, ' ');
      const valid = ['JOIN', 'RESUME', 'SUSPEND', 'SUSPEND FOR MIGRATE', 'ONE PHASE', 'CONVERT XID'];
      if (!valid.includes(st.option) && !(action === 'RECOVER' && /^FORMAT ?= ?'(SQL|RAW)'$/.test(st.option))) throw new SqlSyntaxError(this.src, os);
    }
    st.end = this.lastEnd();
    return st;
  }

  private parseKill(): A.KillStatement {
    const start = this.start();
    this.expect(K.KILL);
    const st: A.KillStatement = { type: 'kill', id: undefined as unknown as A.Expr, start, end: start };
    if (this.tok() === T.IDENT && (this.upperText() === 'HARD' || this.upperText() === 'SOFT')) {
      st.force = this.upperText() as A.KillStatement['force'];
      this.next();
    }
    if (this.optional(K.CONNECTION)) st.target = 'CONNECTION';
    else if (this.optional(K.QUERY)) {
      st.target = 'QUERY';
      if (this.tok() === T.IDENT && this.upperText() === 'ID') {
        this.next();
        st.target = 'QUERY ID';
      }
    } else if (this.tok() === K.USER && this.peek(1) !== T.LPAREN) {
      this.next();
      st.target = 'USER';
      const us = this.start();
      // user names: 'u'@'h', u@h, CURRENT_USER
      while (!this.atEnd()) this.next();
      st.id = { type: 'Keyword', name: this.sliceFrom(us), start: us, end: this.lastEnd() };
      st.end = this.lastEnd();
      return st;
    }
    st.id = this.parseExpr();
    st.end = this.lastEnd();
    return st;
  }

  private parsePrepare(): A.PrepareStatement {
    const start = this.start();
    const k = this.tok();
    this.next();
    if (k === K.PREPARE) {
      const name = this.ident();
      this.expect(K.FROM);
      const from = this.parseExpr();
      return { type: 'prepare', action: 'PREPARE', name, from, start, end: this.lastEnd() };
    }
    if (k === K.EXECUTE) {
      let st: A.PrepareStatement;
      if (this.tok() === T.IDENT && this.upperText() === 'IMMEDIATE' && this.peek(1) !== T.EOF && this.peek(1) !== T.SEMI && this.peek(1) !== K.USING) {
        this.next();
        st = { type: 'prepare', action: 'EXECUTE IMMEDIATE', name: '', from: this.parseExpr(), start, end: start };
      } else st = { type: 'prepare', action: 'EXECUTE', name: this.ident(), start, end: start };
      if (this.optional(K.USING)) {
        const vars: A.Expr[] = [];
        do vars.push(this.parseExpr());
        while (this.optional(T.COMMA));
        st.using = vars;
      }
      st.end = this.lastEnd();
      return st;
    }
    this.expect(K.PREPARE);
    const name = this.ident();
    return { type: 'prepare', action: 'DEALLOCATE', name, start, end: this.lastEnd() };
  }
}

const parser = new Parser();

/**
 * Runs a parse; nesting too deep for the stack (thousands of parentheses) fails like MySQL's parser
 * stack overflow: ERR 1064 at the token reached.
 */
function guarded<R>(f: () => R): R {
  try {
    return f();
  } catch (e) {
    if (e instanceof RangeError) throw parser.errorHere();
    throw e;
  }
}

/** Parses exactly one statement (a trailing `;` is allowed). Throws SqlSyntaxError (ERR 1064). */
export function parse(sql: string, opts?: ParseOptions): A.Statement {
  parser.reset(sql, opts);
  return guarded(() => parser.parseOne());
}

/** Lets the parser drop the tokens of a long statement it parsed (they are kept until the next parse otherwise). */
export function releaseParseMemory(): void {
  parser.release();
}

/** Parses `;`-separated statements (empty statements are skipped). Throws SqlSyntaxError on the first bad one. */
export function parseMany(sql: string, opts?: ParseOptions): A.Statement[] {
  parser.reset(sql, opts);
  return guarded(() => parser.parseAll());
}

/** Parses one expression (for tests and tools): the whole text must be the expression. */
export function parseExpression(sql: string, opts?: ParseOptions): A.Expr {
  parser.reset(sql, opts);
  return guarded(() => {
    const e = parser.parseExpr();
    parser.expectEnd();
    return e;
  });
}
