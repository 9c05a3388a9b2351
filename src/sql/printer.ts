// AST -> SQL text. The output parses back to the same tree (ignoring spans):
//   stripSpans(parse(printSql(parse(s)))) deep-equals stripSpans(parse(s)).
// Parentheses are added only where MySQL's precedence needs them, or around every operator with
// { parens: true } (the form precedence tests are written in: `a OR b AND c` -> `(a OR (b AND c))`).
// Identifiers are back-quoted when they are keywords or not plain words.
import type * as A from './ast';
import { keywordKind } from './keywords';

export interface PrintOptions {
  /** Parenthesize every operator expression (unary, binary, IS, IN, BETWEEN, LIKE, ...). */
  parens?: boolean;
}

// Binding power of an expression node, loosest 0 to tightest 15; matches the parser's levels.
const P_ASSIGN = 0;
const P_OR = 1;
const P_XOR = 2;
const P_AND = 3;
const P_NOT = 4;
const P_IS_TRUTH = 5;
const P_CMP = 6;
const P_PRED = 7;
const P_BITOR = 8;
const P_UNARY = 14;
const P_PRIMARY = 15;

const BIN_PREC: Record<A.BinaryOp, number> = {
  ':=': P_ASSIGN,
  OR: P_OR,
  XOR: P_XOR,
  AND: P_AND,
  '=': P_CMP,
  '<=>': P_CMP,
  '<>': P_CMP,
  '<': P_CMP,
  '<=': P_CMP,
  '>': P_CMP,
  '>=': P_CMP,
  'SOUNDS LIKE': P_PRED,
  '|': 8,
  '&': 9,
  '<<': 10,
  '>>': 10,
  '+': 11,
  '-': 11,
  '*': 12,
  '/': 12,
  DIV: 12,
  '%': 12,
  '^': 13,
  '->': P_PRIMARY,
  '->>': P_PRIMARY,
};

function prec(e: A.Expr): number {
  switch (e.type) {
    case 'Binary':
      return BIN_PREC[e.op];
    case 'Unary':
      return e.op === 'NOT' ? P_NOT : P_UNARY;
    case 'Is':
      return e.value === 'NULL' ? P_CMP : P_IS_TRUTH;
    case 'In':
    case 'InSubquery':
    case 'Between':
    case 'Like':
    case 'MemberOf':
      return P_PRED;
    case 'Interval':
      return P_UNARY;
    default:
      return P_PRIMARY;
  }
}

const PLAIN_IDENT = /^[A-Za-z_$][A-Za-z0-9_$]*$/;

/** An identifier as MySQL reads it back: bare when it is a plain non-keyword word, else `quoted`. */
export function quoteIdent(name: string): string {
  if (PLAIN_IDENT.test(name) && keywordKind(name, 0, name.length) === 0) return name;
  return '`' + name.replace(/`/g, '``') + '`';
}

/** A string literal: single quotes, with the escapes MySQL reads back to the same value. */
export function quoteString(value: string): string {
  let out = "'";
  let from = 0;
  for (let i = 0; i < value.length; i++) {
    const c = value.charCodeAt(i);
    let rep: string | undefined;
    if (c === 39) rep = "\\'";
    else if (c === 92) {
      // \% and \_ are kept as two characters by MySQL's reader: write them back as written
      const n = value.charCodeAt(i + 1);
      if (n === 37 || n === 95) {
        i++;
        continue;
      }
      rep = '\\\\';
    } else if (c === 0) rep = '\\0';
    else if (c === 10) rep = '\\n';
    else if (c === 13) rep = '\\r';
    else if (c === 26) rep = '\\Z';
    if (rep !== undefined) {
      out += value.slice(from, i) + rep;
      from = i + 1;
    }
  }
  return out + value.slice(from) + "'";
}

class Printer {
  constructor(private readonly parens: boolean) {}

  // ------------------------------------------------------------ expressions

  /** Prints e, parenthesized if its binding power is below `min`. */
  expr(e: A.Expr, min = 0): string {
    const s = this.exprBare(e);
    if (prec(e) < min) return '(' + s + ')';
    if (this.parens && isOperator(e)) return '(' + s + ')';
    return s;
  }

  private name(schema: string | undefined, table: string | undefined, name: string): string {
    let s = '';
    if (schema !== undefined) s += quoteIdent(schema) + '.';
    if (table !== undefined) s += quoteIdent(table) + '.';
    return s + quoteIdent(name);
  }

  private exprBare(e: A.Expr): string {
    switch (e.type) {
      case 'Number':
        return e.value;
      case 'String':
        return (e.national ? 'N' : e.charset !== undefined ? '_' + e.charset : '') + quoteString(e.value);
      case 'Hex':
        return (e.charset !== undefined ? '_' + e.charset + ' ' : '') + (e.form === 'X' ? `X'${e.value}'` : '0x' + e.value);
      case 'Bit':
        return (e.charset !== undefined ? '_' + e.charset + ' ' : '') + (e.form === 'B' ? `B'${e.value}'` : '0b' + e.value);
      case 'Null':
        return 'NULL';
      case 'Bool':
        return e.value ? 'TRUE' : 'FALSE';
      case 'TypedLiteral':
        return e.dataType + ' ' + quoteString(e.value);
      case 'Param':
        return '?';
      case 'Variable':
        return this.variable(e);
      case 'Column':
        return this.name(e.schema, e.table, e.name);
      case 'Star':
        return (e.schema !== undefined ? quoteIdent(e.schema) + '.' : '') + (e.table !== undefined ? quoteIdent(e.table) + '.' : '') + '*';
      case 'Unary': {
        if (e.op === 'NOT') return 'NOT ' + this.expr(e.operand, P_NOT);
        if (e.op === 'BINARY') return 'BINARY ' + this.expr(e.operand, P_UNARY);
        const inner = this.expr(e.operand, P_UNARY);
        // `- -1` must not become the comment `--1 ...`; `!` and `~` are safe
        return e.op + (inner[0] === '-' || inner[0] === '+' ? ' ' : '') + inner;
      }
      case 'Binary':
        return this.binary(e);
      case 'Is':
        return this.expr(e.expr, P_CMP) + (e.not ? ' IS NOT ' : ' IS ') + e.value;
      case 'In':
        return this.expr(e.expr, P_BITOR) + (e.not ? ' NOT IN (' : ' IN (') + e.list.map((x) => this.expr(x, P_OR)).join(', ') + ')';
      case 'InSubquery':
        return this.expr(e.expr, P_BITOR) + (e.not ? ' NOT IN (' : ' IN (') + this.query(e.query) + ')';
      case 'Between':
        return (
          this.expr(e.expr, P_BITOR) + (e.not ? ' NOT BETWEEN ' : ' BETWEEN ') + this.expr(e.low, P_BITOR) + ' AND ' + this.expr(e.high, P_PRED)
        );
      case 'Like': {
        let s = this.expr(e.expr, P_BITOR) + (e.not ? ' NOT ' : ' ') + e.op + ' ' + this.expr(e.pattern, P_BITOR);
        if (e.escape) s += ' ESCAPE ' + this.expr(e.escape, P_UNARY);
        return s;
      }
      case 'MemberOf':
        return this.expr(e.expr, P_BITOR) + ' MEMBER OF (' + this.expr(e.json) + ')';
      case 'Collate':
        return this.expr(e.expr, P_PRIMARY) + ' COLLATE ' + quoteIdent(e.collation);
      case 'Interval':
        return 'INTERVAL ' + this.expr(e.expr, P_OR) + ' ' + e.unit;
      case 'Case': {
        let s = 'CASE';
        if (e.operand) s += ' ' + this.expr(e.operand);
        for (const w of e.whens) s += ' WHEN ' + this.expr(w.when) + ' THEN ' + this.expr(w.then);
        if (e.else) s += ' ELSE ' + this.expr(e.else);
        return s + ' END';
      }
      case 'Call':
        return this.call(e);
      case 'Cast':
        if (e.fn === 'CAST') return 'CAST(' + this.expr(e.expr) + ' AS ' + this.dataType(e.dataType!) + ')';
        if (e.using !== undefined) return 'CONVERT(' + this.expr(e.expr) + ' USING ' + this.charset(e.using) + ')';
        return 'CONVERT(' + this.expr(e.expr) + ', ' + this.dataType(e.dataType!) + ')';
      case 'Extract':
        return 'EXTRACT(' + e.unit + ' FROM ' + this.expr(e.expr) + ')';
      case 'Trim': {
        let s = 'TRIM(';
        if (e.spec) s += e.spec + ' ';
        if (e.remove) s += this.expr(e.remove) + ' FROM ';
        else if (e.spec) s += 'FROM ';
        return s + this.expr(e.expr) + ')';
      }
      case 'Match':
        return (
          'MATCH (' + e.columns.map((c) => this.expr(c)).join(', ') + ') AGAINST (' + this.expr(e.against, P_BITOR) + (e.mode ? ' ' + e.mode : '') + ')'
        );
      case 'Subquery':
        return '(' + this.query(e.query) + ')';
      case 'Exists':
        return 'EXISTS (' + this.query(e.query) + ')';
      case 'Quantified':
        return e.quantifier + ' (' + this.query(e.query) + ')';
      case 'Row':
        return (e.keyword ? 'ROW(' : '(') + e.items.map((x) => this.expr(x)).join(', ') + ')';
      case 'Default':
        return 'DEFAULT';
      case 'Keyword':
        return e.name;
    }
  }

  private binary(e: A.Binary): string {
    const p = BIN_PREC[e.op];
    if (e.op === '->' || e.op === '->>') return this.expr(e.left, P_PRIMARY) + e.op + this.expr(e.right, P_PRIMARY);
    if (e.op === ':=') return this.expr(e.left, P_PRIMARY) + ' := ' + this.expr(e.right, P_ASSIGN);
    let left: string;
    let right: string;
    if (p === P_CMP) {
      left = this.expr(e.left, P_CMP);
      right = e.right.type === 'Quantified' ? this.exprBare(e.right) : this.expr(e.right, P_PRED);
    } else if (e.op === 'SOUNDS LIKE') {
      left = this.expr(e.left, P_BITOR);
      right = this.expr(e.right, P_BITOR);
    } else if (p === P_AND || p === P_XOR || p === P_OR) {
      left = this.expr(e.left, p);
      right = this.expr(e.right, p + 1);
    } else {
      // bit_expr: left-associative; INTERVAL ... + x takes a simple_expr on its right
      left = e.left.type === 'Interval' ? this.exprBare(e.left) : this.expr(e.left, p);
      if (e.left.type === 'Interval' && e.op === '+') right = this.expr(e.right, P_UNARY);
      else if (e.right.type === 'Interval' && (e.op === '+' || e.op === '-')) right = this.exprBare(e.right);
      else right = this.expr(e.right, p + 1);
    }
    return left + ' ' + e.op + ' ' + right;
  }

  private variable(v: A.Variable): string {
    if (v.scope === 'USER') return '@' + (PLAIN_VAR.test(v.name) ? v.name : '`' + v.name.replace(/`/g, '``') + '`');
    if (v.system) return '@@' + (v.scope === 'DEFAULT' ? '' : v.scope.toLowerCase() + '.') + v.name;
    return (v.scope === 'DEFAULT' ? '' : v.scope + ' ') + v.name.split('.').map(quoteIdent).join('.');
  }

  private charset(name: string): string {
    return name === 'BINARY' || name === 'DEFAULT' ? name : quoteIdent(name);
  }

  private call(e: A.Call): string {
    const name = e.schema !== undefined ? quoteIdent(e.schema) + '.' + quoteIdent(e.name) : callName(e.name);
    if (e.bare) return e.name;
    const upper = e.name.toUpperCase();
    let s = name + '(';
    if (e.distinct) s += 'DISTINCT ';
    if (upper === 'POSITION' && e.schema === undefined && e.args.length === 2) {
      s += this.expr(e.args[0], P_BITOR) + ' IN ' + this.expr(e.args[1]);
    } else {
      s += e.args.map((a) => this.expr(a)).join(', ');
    }
    if (e.as) s += ' AS ' + this.dataType(e.as);
    if (e.orderBy) s += ' ORDER BY ' + this.orderItems(e.orderBy);
    if (e.separator !== undefined) s += ' SEPARATOR ' + quoteString(e.separator);
    if (e.using !== undefined) s += ' USING ' + this.charset(e.using);
    if (e.returning) s += ' RETURNING ' + this.dataType(e.returning);
    if (e.limit) s += ' ' + this.limit(e.limit);
    s += ')';
    if (e.withinGroup) s += ' WITHIN GROUP (ORDER BY ' + this.orderItems(e.withinGroup) + ')';
    if (e.over) s += ' OVER ' + this.window(e.over);
    return s;
  }

  dataType(t: A.DataType): string {
    let s = t.name;
    if (t.params) s += '(' + t.params.map((p) => (/^[0-9.]+$/.test(p) ? p : quoteString(p))).join(', ') + ')';
    if (t.unsigned) s += ' UNSIGNED';
    if (t.zerofill) s += ' ZEROFILL';
    if (t.charset !== undefined) s += ' CHARACTER SET ' + this.charset(t.charset);
    if (t.collate !== undefined) s += ' COLLATE ' + quoteIdent(t.collate);
    if (t.array) s += ' ARRAY';
    return s;
  }

  private window(w: A.WindowSpec): string {
    if (w.ref) return quoteIdent(w.name!);
    const parts: string[] = [];
    if (w.name !== undefined) parts.push(quoteIdent(w.name));
    if (w.partitionBy) parts.push('PARTITION BY ' + w.partitionBy.map((x) => this.expr(x)).join(', '));
    if (w.orderBy) parts.push('ORDER BY ' + this.orderItems(w.orderBy));
    if (w.frame) {
      const f = w.frame;
      parts.push(f.unit + (f.to ? ' BETWEEN ' + this.bound(f.from) + ' AND ' + this.bound(f.to) : ' ' + this.bound(f.from)));
    }
    return '(' + parts.join(' ') + ')';
  }

  private bound(b: A.FrameBound): string {
    return b.expr ? this.expr(b.expr, P_BITOR) + ' ' + b.kind : b.kind;
  }

  // ------------------------------------------------------------ queries

  query(q: A.Query): string {
    let s = q.with ? this.with(q.with) + ' ' : '';
    s += this.queryCore(q);
    s += this.queryTail(q);
    return s;
  }

  private queryCore(q: A.Query): string {
    switch (q.type) {
      case 'select':
        return this.selectCore(q);
      case 'union':
        return this.setOp(q);
      case 'values':
        return 'VALUES ' + q.rows.map((r) => (q.rowKeyword ? 'ROW(' : '(') + r.values.map((v) => this.expr(v)).join(', ') + ')').join(', ');
      case 'table':
        return 'TABLE ' + this.tableName(q.table);
    }
  }

  private with(w: A.With): string {
    return (
      'WITH ' +
      (w.recursive ? 'RECURSIVE ' : '') +
      w.ctes
        .map((c) => quoteIdent(c.name) + (c.columns ? ' (' + c.columns.map(quoteIdent).join(', ') + ')' : '') + ' AS (' + this.query(c.query) + ')')
        .join(', ')
    );
  }

  private queryTail(q: A.Query): string {
    let s = '';
    if (q.orderBy) s += ' ORDER BY ' + this.orderItems(q.orderBy);
    if (q.limit) s += ' ' + this.limit(q.limit);
    if (q.into) s += ' ' + this.into(q.into);
    if (q.lock) s += ' ' + this.lockClause(q.lock);
    return s;
  }

  private setOp(u: A.Union): string {
    const op = u.op + (u.quantifier ? ' ' + u.quantifier : '');
    const rank = (x: A.Query) => (x.type === 'union' ? (x.op === 'INTERSECT' ? 2 : 1) : 3);
    const mine = u.op === 'INTERSECT' ? 2 : 1;
    const operand = (x: A.Query, min: number) => {
      const bare = x.with === undefined && !x.orderBy && !x.limit && !x.lock && !x.into && rank(x) >= min;
      return bare ? this.queryCore(x) : '(' + this.query(x) + ')';
    };
    return operand(u.left, mine) + ' ' + op + ' ' + operand(u.right, mine + 1);
  }

  private selectCore(q: A.Select): string {
    let s = 'SELECT';
    if (q.hints) s += ' ' + q.hints.map((h) => '/*+ ' + h.text + ' */').join(' ');
    if (q.distinct) s += ' ' + q.distinct;
    if (q.modifiers) s += ' ' + q.modifiers.join(' ');
    s += ' ' + q.columns.map((c) => this.selectItem(c)).join(', ');
    if (q.from) s += ' FROM ' + this.tableRefs(q.from);
    else if (q.dual) s += ' FROM DUAL';
    if (q.where) s += ' WHERE ' + this.expr(q.where);
    if (q.groupBy) s += ' GROUP BY ' + this.orderItems(q.groupBy.items) + (q.groupBy.rollup ? ' WITH ROLLUP' : '');
    if (q.having) s += ' HAVING ' + this.expr(q.having);
    if (q.windows) s += ' WINDOW ' + q.windows.map((w) => quoteIdent(w.name) + ' AS ' + this.window(w.spec)).join(', ');
    return s;
  }

  private selectItem(c: A.SelectItem): string {
    const s = this.expr(c.expr);
    return c.alias !== undefined ? s + ' AS ' + quoteIdent(c.alias) : s;
  }

  private into(i: A.Into): string {
    if (i.kind === 'VARIABLES') return 'INTO ' + i.targets!.map((t) => this.expr(t)).join(', ');
    return 'INTO ' + i.kind + ' ' + quoteString(i.file!) + (i.options ? ' ' + i.options : '');
  }

  orderItems(items: A.OrderItem[]): string {
    return items.map((o) => this.expr(o.expr) + (o.direction ? ' ' + o.direction : '')).join(', ');
  }

  limit(l: A.Limit): string {
    // `LIMIT offset, count` keeps the textual order of ? markers
    if (l.offset && l.offsetKeyword) return 'LIMIT ' + this.expr(l.count) + ' OFFSET ' + this.expr(l.offset);
    return 'LIMIT ' + (l.offset ? this.expr(l.offset) + ', ' : '') + this.expr(l.count);
  }

  private lockClause(l: A.LockClause): string {
    let s = l.mode === 'LOCK IN SHARE MODE' ? l.mode : 'FOR ' + l.mode;
    if (l.of) s += ' OF ' + l.of.map((t) => this.tableName(t)).join(', ');
    if (l.wait !== undefined) s += typeof l.wait === 'number' ? ' WAIT ' + l.wait : ' ' + l.wait;
    return s;
  }

  // ------------------------------------------------------------ tables

  tableName(t: { schema?: string; name: string }): string {
    return (t.schema !== undefined ? quoteIdent(t.schema) + '.' : '') + quoteIdent(t.name);
  }

  tableRefs(refs: A.TableRef[]): string {
    return refs.map((r) => this.tableRef(r)).join(', ');
  }

  private tableRef(r: A.TableRef): string {
    switch (r.type) {
      case 'Table':
        return this.table(r);
      case 'Derived': {
        let s = (r.lateral ? 'LATERAL ' : '') + '(' + this.query(r.query) + ')';
        if (r.alias !== undefined) s += ' AS ' + quoteIdent(r.alias);
        if (r.columns) s += ' (' + r.columns.map(quoteIdent).join(', ') + ')';
        return s;
      }
      case 'TableGroup':
        return '(' + this.tableRefs(r.items) + ')';
      case 'JsonTable':
        return 'JSON_TABLE' + r.args + (r.alias !== undefined ? ' AS ' + quoteIdent(r.alias) : '');
      case 'Join': {
        const kw =
          r.kind === 'INNER' ? 'JOIN' : r.kind === 'STRAIGHT' ? 'STRAIGHT_JOIN' : r.kind === 'CROSS' ? 'CROSS JOIN' : r.kind + ' JOIN';
        const right = r.right.type === 'Join' ? '(' + this.tableRef(r.right) + ')' : this.tableRef(r.right);
        let s = this.tableRef(r.left) + ' ' + kw + ' ' + right;
        if (r.on) s += ' ON ' + this.expr(r.on);
        if (r.using) s += ' USING (' + r.using.map(quoteIdent).join(', ') + ')';
        return s;
      }
    }
  }

  table(t: A.Table): string {
    let s = this.tableName(t);
    if (t.partitions) s += ' PARTITION (' + t.partitions.map(quoteIdent).join(', ') + ')';
    if (t.alias !== undefined) s += ' AS ' + quoteIdent(t.alias);
    if (t.indexHints) {
      for (const h of t.indexHints) {
        s += ' ' + h.action + ' INDEX' + (h.for ? ' FOR ' + h.for : '') + ' (' + h.indexes.map((i) => (i.toUpperCase() === 'PRIMARY' ? i : quoteIdent(i))).join(', ') + ')';
      }
    }
    return s;
  }

  // ------------------------------------------------------------ statements

  assignments(list: A.Assignment[]): string {
    return list.map((a) => this.expr(a.column) + ' = ' + this.expr(a.value)).join(', ');
  }

  private hints(h: A.Hint[] | undefined): string {
    return h ? ' ' + h.map((x) => '/*+ ' + x.text + ' */').join(' ') : '';
  }

  statement(st: A.Statement): string {
    switch (st.type) {
      case 'select':
      case 'union':
      case 'values':
      case 'table':
        return this.query(st);
      case 'insert': {
        let s = st.verb + this.hints(st.hints);
        if (st.priority) s += ' ' + st.priority;
        if (st.ignore) s += ' IGNORE';
        s += ' INTO ' + this.tableName(st.table);
        if (st.partitions) s += ' PARTITION (' + st.partitions.map(quoteIdent).join(', ') + ')';
        if (st.columns) s += ' (' + st.columns.map((c) => this.expr(c)).join(', ') + ')';
        if (st.values) s += ' VALUES ' + st.values.map((r) => '(' + r.values.map((v) => this.expr(v)).join(', ') + ')').join(', ');
        if (st.set) s += ' SET ' + this.assignments(st.set);
        if (st.rowAlias !== undefined) {
          s += ' AS ' + quoteIdent(st.rowAlias);
          if (st.rowAliasColumns) s += ' (' + st.rowAliasColumns.map(quoteIdent).join(', ') + ')';
        }
        if (st.select) s += ' ' + this.query(st.select);
        if (st.onDuplicate) s += ' ON DUPLICATE KEY UPDATE ' + this.assignments(st.onDuplicate);
        if (st.returning) s += ' RETURNING ' + st.returning.map((c) => this.selectItem(c)).join(', ');
        return s;
      }
      case 'update': {
        let s = (st.with ? this.with(st.with) + ' ' : '') + 'UPDATE' + this.hints(st.hints);
        if (st.lowPriority) s += ' LOW_PRIORITY';
        if (st.ignore) s += ' IGNORE';
        s += ' ' + this.tableRefs(st.tables) + ' SET ' + this.assignments(st.set);
        if (st.where) s += ' WHERE ' + this.expr(st.where);
        if (st.orderBy) s += ' ORDER BY ' + this.orderItems(st.orderBy);
        if (st.limit) s += ' ' + this.limit(st.limit);
        return s;
      }
      case 'delete': {
        let s = (st.with ? this.with(st.with) + ' ' : '') + 'DELETE' + this.hints(st.hints);
        if (st.lowPriority) s += ' LOW_PRIORITY';
        if (st.quick) s += ' QUICK';
        if (st.ignore) s += ' IGNORE';
        if (!st.targets) s += ' FROM ' + this.tableRefs(st.from);
        else if (st.using) s += ' FROM ' + st.targets.map((t) => this.tableName(t)).join(', ') + ' USING ' + this.tableRefs(st.from);
        else s += ' ' + st.targets.map((t) => this.tableName(t)).join(', ') + ' FROM ' + this.tableRefs(st.from);
        if (st.partitions) s += ' PARTITION (' + st.partitions.map(quoteIdent).join(', ') + ')';
        if (st.where) s += ' WHERE ' + this.expr(st.where);
        if (st.orderBy) s += ' ORDER BY ' + this.orderItems(st.orderBy);
        if (st.limit) s += ' ' + this.limit(st.limit);
        if (st.returning) s += ' RETURNING ' + st.returning.map((c) => this.selectItem(c)).join(', ');
        return s;
      }
      case 'transaction':
        return this.transaction(st);
      case 'set':
        return 'SET ' + st.items.map((i) => this.setItem(i)).join(', ');
      case 'use':
        return 'USE ' + quoteIdent(st.database);
      case 'show':
        return this.show(st);
      case 'explain': {
        let s = st.verb;
        if (st.format !== undefined) s += ' FORMAT = ' + st.format;
        if (st.analyze) s += ' ANALYZE';
        if (st.extended) s += ' EXTENDED';
        if (st.partitions) s += ' PARTITIONS';
        if (st.into) s += ' INTO ' + this.expr(st.into);
        if (st.statement) return s + ' ' + this.statement(st.statement);
        s += ' ' + this.tableName(st.table!);
        if (st.column !== undefined) s += ' ' + (PLAIN_IDENT.test(st.column) ? quoteIdent(st.column) : quoteString(st.column));
        return s;
      }
      case 'ddl':
        return this.ddl(st);
      case 'lock':
        if (st.action === 'UNLOCK') return 'UNLOCK TABLES';
        return 'LOCK TABLES ' + st.tables.map((t) => this.table(t.table) + ' ' + t.mode).join(', ');
      case 'xa': {
        let s = 'XA ' + st.action;
        if (st.xid) s += ' ' + st.xid.map((x) => this.expr(x)).join(', ');
        if (st.option) s += ' ' + st.option;
        return s;
      }
      case 'kill':
        return 'KILL ' + (st.force ? st.force + ' ' : '') + (st.target ? st.target + ' ' : '') + this.expr(st.id);
      case 'prepare':
        if (st.action === 'PREPARE') return 'PREPARE ' + quoteIdent(st.name) + ' FROM ' + this.expr(st.from!);
        if (st.action === 'EXECUTE' || st.action === 'EXECUTE IMMEDIATE')
          return (
            (st.action === 'EXECUTE' ? 'EXECUTE ' + quoteIdent(st.name) : 'EXECUTE IMMEDIATE ' + this.expr(st.from!)) +
            (st.using ? ' USING ' + st.using.map((v) => this.expr(v)).join(', ') : '')
          );
        return (st.drop ? 'DROP' : 'DEALLOCATE') + ' PREPARE ' + quoteIdent(st.name);
      case 'other':
        return st.text;
    }
  }

  private transaction(st: A.TransactionStatement): string {
    switch (st.action) {
      case 'BEGIN':
        return st.work ? 'BEGIN WORK' : 'BEGIN';
      case 'START':
        return 'START TRANSACTION' + (st.characteristics ? ' ' + st.characteristics.join(', ') : '');
      case 'SAVEPOINT':
        return 'SAVEPOINT ' + quoteIdent(st.savepoint!);
      case 'RELEASE':
        return 'RELEASE SAVEPOINT ' + quoteIdent(st.savepoint!);
      default: {
        let s = st.action + (st.work ? ' WORK' : '');
        if (st.savepoint !== undefined) return s + ' TO SAVEPOINT ' + quoteIdent(st.savepoint);
        if (st.chain !== undefined) s += st.chain ? ' AND CHAIN' : ' AND NO CHAIN';
        if (st.release !== undefined) s += st.release ? ' RELEASE' : ' NO RELEASE';
        return s;
      }
    }
  }

  private setItem(i: A.SetItem): string {
    switch (i.type) {
      case 'SetVariable':
        return this.variable(i.variable) + ' = ' + this.expr(i.value);
      case 'SetNames':
        return 'NAMES ' + (i.charset === undefined ? 'DEFAULT' : this.charset(i.charset) + (i.collate !== undefined ? ' COLLATE ' + quoteIdent(i.collate) : ''));
      case 'SetCharset':
        return 'CHARACTER SET ' + (i.charset === undefined ? 'DEFAULT' : this.charset(i.charset));
      case 'SetTransaction': {
        const parts: string[] = [];
        if (i.isolation) parts.push('ISOLATION LEVEL ' + i.isolation);
        if (i.access) parts.push(i.access);
        return (i.scope ? i.scope + ' ' : '') + 'TRANSACTION ' + parts.join(', ');
      }
    }
  }

  private show(st: A.ShowStatement): string {
    let s = 'SHOW';
    if (st.scope) s += ' ' + st.scope;
    if (st.full) s += ' FULL';
    if (st.extended) s += ' EXTENDED';
    s += ' ' + st.what;
    if (st.what === 'CREATE DATABASE') return s + (st.ifNotExists ? ' IF NOT EXISTS ' : ' ') + quoteIdent(st.database!);
    if (st.table) s += (st.what.startsWith('CREATE') ? ' ' : ' FROM ') + this.tableName(st.table);
    if (st.database !== undefined) s += ' FROM ' + quoteIdent(st.database);
    if (st.like !== undefined) s += ' LIKE ' + quoteString(st.like);
    if (st.where) s += ' WHERE ' + this.expr(st.where);
    if (st.limit) s += ' ' + this.limit(st.limit);
    return s;
  }

  private ddl(st: A.DdlStatement): string {
    const opt = st.options ? ' ' + st.options : '';
    if (st.action === 'TRUNCATE') return 'TRUNCATE TABLE ' + this.tableName(st.tables[0]);
    if (st.action === 'RENAME')
      return (
        'RENAME TABLE ' +
        (st.ifExists ? 'IF EXISTS ' : '') +
        st.renames!.map((r) => this.tableName(r.from) + (r.wait ? ' ' + r.wait : '') + ' TO ' + this.tableName(r.to)).join(', ')
      );
    if (st.object === 'DATABASE') {
      let s = st.action + (st.schemaWord ? ' SCHEMA' : ' DATABASE');
      if (st.ifNotExists) s += ' IF NOT EXISTS';
      if (st.ifExists) s += ' IF EXISTS';
      if (st.database !== undefined) s += ' ' + quoteIdent(st.database);
      return s + opt;
    }
    if (st.object === 'INDEX') {
      let s = st.action + (st.indexKind ? ' ' + st.indexKind : '') + ' INDEX';
      if (st.ifNotExists) s += ' IF NOT EXISTS';
      if (st.ifExists) s += ' IF EXISTS';
      s += ' ' + (st.index === 'PRIMARY' ? '`PRIMARY`' : quoteIdent(st.index!)) + ' ON ' + this.tableName(st.tables[0]);
      if (st.indexParts) s += ' ' + st.indexParts;
      return s + opt;
    }
    if (st.action === 'DROP') {
      return 'DROP' + (st.temporary ? ' TEMPORARY' : '') + ' TABLE' + (st.ifExists ? ' IF EXISTS' : '') + ' ' + st.tables.map((t) => this.tableName(t)).join(', ') + opt;
    }
    if (st.action === 'ALTER') {
      return 'ALTER TABLE ' + this.tableName(st.tables[0]) + (st.wait ? ' ' + st.wait : '') + (st.alterations ? ' ' + st.alterations.join(', ') : '');
    }
    let s = 'CREATE' + (st.temporary ? ' TEMPORARY' : '') + ' TABLE' + (st.ifNotExists ? ' IF NOT EXISTS' : '') + ' ' + this.tableName(st.tables[0]);
    if (st.like) return s + ' LIKE ' + this.tableName(st.like);
    if (st.columns || st.constraints) {
      const defs: { start: number; text: string }[] = [];
      for (const c of st.columns ?? []) defs.push({ start: c.start, text: quoteIdent(c.name) + ' ' + this.dataType(c.dataType) + (c.options ? ' ' + c.options : '') });
      for (const c of st.constraints ?? []) defs.push({ start: c.start, text: c.text });
      defs.sort((a, b) => a.start - b.start);
      s += ' (' + defs.map((d) => d.text).join(', ') + ')';
    }
    if (st.select) {
      // options may end with the IGNORE | REPLACE that precedes the query
      const m = /^(.*?)\s*\b(IGNORE|REPLACE)$/s.exec(st.options ?? '');
      if (m) return s + (m[1] ? ' ' + m[1] : '') + ' ' + m[2] + ' AS ' + this.query(st.select);
      return s + opt + ' AS ' + this.query(st.select);
    }
    return s + opt;
  }
}

const PLAIN_VAR = /^[A-Za-z0-9_$.]+$/;

// Function names print as written, quoted only when they could not be read back as a name.
function callName(name: string): string {
  return /^[A-Za-z_$][A-Za-z0-9_$]*$/.test(name) ? name : quoteIdent(name);
}

function isOperator(e: A.Expr): boolean {
  switch (e.type) {
    case 'Binary':
      return e.op !== '->' && e.op !== '->>';
    case 'Unary':
    case 'Is':
    case 'In':
    case 'InSubquery':
    case 'Between':
    case 'Like':
    case 'MemberOf':
    case 'Collate':
      return true;
    default:
      return false;
  }
}

const plain = new Printer(false);
const parenthesized = new Printer(true);

/** SQL text for a statement or an expression (or any query node). */
export function printSql(node: A.Statement | A.Expr, opts?: PrintOptions): string {
  const p = opts?.parens ? parenthesized : plain;
  if (isStatement(node)) return p.statement(node);
  return p.expr(node);
}

function isStatement(n: A.Statement | A.Expr): n is A.Statement {
  const c = n.type.charCodeAt(0);
  return c >= 97 && c <= 122; // statement kinds are lower-case
}
