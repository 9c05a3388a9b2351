// The moo lexer: every token class of MySQL's lexical structure, with offsets.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { tokenize, type Token } from '../../src/sql';
import { TokenBuffer } from '../../src/sql/lexer';

/** type:value pairs of the significant tokens. */
function sig(sql: string, ansiQuotes = false): string[] {
  return tokenize(sql, { ansiQuotes })
    .filter((t) => t.type !== 'ws' && t.type !== 'comment')
    .map((t) => `${t.type}:${t.value}`);
}

describe('lexer: identifiers and keywords', () => {
  it('reads bare, back-quoted (doubled quotes) and ANSI double-quoted identifiers', () => {
    assert.deepEqual(sig('a _b $c t1 `a b` `x``y` 123abc'), [
      'ident:a', 'ident:_b', 'ident:$c', 'ident:t1', 'quotedIdent:a b', 'quotedIdent:x`y', 'ident:123abc',
    ]);
    assert.deepEqual(sig('"col ""q"""', true), ['quotedIdent:col "q"']);
    assert.deepEqual(sig('"col"'), ['string:col']);
  });

  it('types keywords case-insensitively and upper-cases their value', () => {
    assert.deepEqual(sig('select SeLeCt FROM status'), ['keyword:SELECT', 'keyword:SELECT', 'keyword:FROM', 'keyword:STATUS']);
  });

  it('reads unicode identifiers', () => {
    assert.deepEqual(sig('SELECT café, 表'), ['keyword:SELECT', 'ident:café', 'op:,', 'ident:表']);
  });
});

describe('lexer: strings', () => {
  it('decodes every MySQL escape and doubled quotes in both quote styles', () => {
    const [t] = tokenize(String.raw`'a\0b\'c\"d\be\nf\rg\th\Zi\\j\%k\_l\qm''n'`);
    assert.equal(t.type, 'string');
    assert.equal(t.value, "a\0b'c\"d\be\nf\rg\th\x1ai\\j\\%k\\_lqm'n");
    assert.equal(tokenize('"say ""hi"" \\"x\\""')[0].value, 'say "hi" "x"');
  });

  it('keeps newlines inside strings and counts lines after them', () => {
    const toks = tokenize("'a\nb' x");
    assert.equal(toks[0].value, 'a\nb');
    const x = toks.find((t) => t.text === 'x')!;
    assert.equal(x.line, 2);
  });

  it('reads national strings, hex and bit strings', () => {
    assert.deepEqual(sig("N'n' n'm' X'1F' x'ab' B'101' b'0'"), [
      'nationalString:n', 'nationalString:m', 'hexString:1F', 'hexString:ab', 'bitString:101', 'bitString:0',
    ]);
  });

  it('reads a charset introducer as an identifier before the string', () => {
    assert.deepEqual(sig("_utf8mb4'x' _binary 'y'"), ['ident:_utf8mb4', 'string:x', 'ident:_binary', 'string:y']);
  });

  it('gives an error token for an unterminated string', () => {
    assert.deepEqual(sig("SELECT 'abc"), ['keyword:SELECT', "error:'abc"]);
  });
});

describe('lexer: numbers', () => {
  it('reads int, decimal, exponent, hex and binary numbers', () => {
    assert.deepEqual(sig('1 12.5 .5 3. 1e5 1.5E-3 .2e+2 0x1F 0xdeadBEEF 0b101'), [
      'int:1', 'decimal:12.5', 'decimal:.5', 'decimal:3.', 'float:1e5', 'float:1.5E-3', 'float:.2e+2',
      'hexNumber:0x1F', 'hexNumber:0xdeadBEEF', 'bitNumber:0b101',
    ]);
  });

  it('reads 0X1F, 0b102 and 0x1G as identifiers, as MySQL does', () => {
    assert.deepEqual(sig('0X1F 0b102 0x1G 1e'), ['ident:0X1F', 'ident:0b102', 'ident:0x1G', 'ident:1e']);
  });
});

describe('lexer: comments, executable comments, hints', () => {
  it('drops #, -- and /* */ comments; -- needs a space or control character after it', () => {
    const toks = tokenize('a # one\nb -- two\nc /* three */ d--1');
    assert.deepEqual(
      toks.filter((t) => t.type === 'comment').map((t) => t.text),
      ['# one', '-- two', '/* three */'],
    );
    assert.deepEqual(sig('d--1'), ['ident:d', 'op:-', 'op:-', 'int:1']);
    assert.deepEqual(sig('x --'), ['ident:x']);
  });

  it('lexes the content of executable comments as SQL, with or without a version', () => {
    assert.deepEqual(sig('/*! STRAIGHT_JOIN */ /*!50708 SET x=1 */'), [
      'execOpen:/*!', 'keyword:STRAIGHT_JOIN', 'execClose:*/', 'execOpen:/*!50708', 'keyword:SET', 'ident:x', 'op:=', 'int:1', 'execClose:*/',
    ]);
  });

  it('keeps optimizer hints as tokens', () => {
    assert.deepEqual(sig('SELECT /*+ BKA(t1) NO_ICP(t2) */ 1'), ['keyword:SELECT', 'hint:/*+ BKA(t1) NO_ICP(t2) */', 'int:1']);
  });
});

describe('lexer: variables, markers, operators', () => {
  it('reads ? markers, user and system variables', () => {
    assert.deepEqual(sig("? @a @'quoted var' @`bq` @@version @@session.sql_mode @@GLOBAL.max_connections @@`x`"), [
      'param:?', 'userVar:a', 'userVar:quoted var', 'userVar:bq', 'sysVar:version', 'sysVar:session.sql_mode',
      'sysVar:GLOBAL.max_connections', 'sysVar:`x`',
    ]);
  });

  it('reads every operator, longest first', () => {
    const ops = '<=> := -> ->> && || << >> <= >= <> != = < > ! ~ ^ & | + - * / % ( ) , . ;';
    assert.deepEqual(
      tokenize(ops).filter((t) => t.type === 'op').map((t) => t.text),
      ops.split(' '),
    );
    assert.deepEqual(sig('a<=>b'), ['ident:a', 'op:<=>', 'ident:b']);
  });

  it('reads \\N as NULL', () => {
    assert.deepEqual(sig('\\N'), ['keyword:NULL']);
  });
});

describe('lexer: positions', () => {
  it('gives each token its offset, line and column; the tokens cover the text end to end', () => {
    const sql = "SELECT a,\n  'x' FROM t";
    const toks: Token[] = tokenize(sql);
    assert.equal(toks.map((t) => t.text).join(''), sql);
    for (const t of toks) assert.equal(sql.slice(t.offset, t.offset + t.text.length), t.text);
    const x = toks.find((t) => t.type === 'string')!;
    assert.deepEqual([x.offset, x.line, x.col], [12, 2, 3]);
  });
});

describe('TokenBuffer.release', () => {
  it('drops a long text: its source, its token texts and arrays grown past the limit', () => {
    const buf = new TokenBuffer();
    const long = `SELECT ${Array.from({ length: 5000 }, (_, i) => i).join(', ')}`;
    buf.scan(long);
    assert.ok(buf.kinds.length > 4096 && buf.texts.length > 4096);
    buf.release(4096);
    assert.deepEqual([buf.kinds.length, buf.starts.length, buf.ends.length, buf.texts.length, buf.source, buf.count], [256, 256, 256, 0, '', 0]);
    buf.scan('SELECT 1');
    assert.equal(buf.count, 2);
  });
});
