// Any text at all: the parser either returns a tree that prints back to the same tree, or throws
// SqlSyntaxError (never a TypeError or a hang), and the digest never throws. The inputs are the SQL
// corpus with each statement cut before every token, with every token deleted and with neighbours swapped.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync, existsSync } from 'node:fs';
import { join } from 'node:path';
import { digest, parse, printSql, SqlSyntaxError, stripSpans, tokenize } from '../../src/sql';

function corpusStatements(): string[] {
  const dir = join(__dirname, '../../../test/sql/corpus');
  if (!existsSync(dir)) return [];
  const out: string[] = [];
  const walk = (d: string) => {
    for (const f of readdirSync(d, { withFileTypes: true })) {
      if (f.isDirectory()) walk(join(d, f.name));
      else if (f.name.endsWith('.sql')) {
        const text = readFileSync(join(d, f.name), 'utf8');
        let start = 0;
        for (const t of tokenize(text)) {
          if (t.type === 'op' && t.text === ';') {
            const s = text.slice(start, t.offset).trim();
            if (s) out.push(s);
            start = t.offset + 1;
          }
        }
        const s = text.slice(start).trim();
        if (s) out.push(s);
      }
    }
  };
  walk(dir);
  return out;
}

describe('robustness', () => {
  it('parses or refuses with 1064 every mutation of the corpus, and round-trips what it accepts', () => {
    const problems: string[] = [];
    let tried = 0;
    const attempt = (sql: string, lexer: 'moo' | 'fast') => {
      tried++;
      let st;
      try {
        st = parse(sql, { lexer });
      } catch (e) {
        if (!(e instanceof SqlSyntaxError)) problems.push(`${String(e)} on ${JSON.stringify(sql)}`);
        return;
      }
      try {
        digest(sql);
        assert.deepEqual(stripSpans(parse(printSql(st), { lexer })), stripSpans(st));
      } catch (e) {
        problems.push(`${String(e).slice(0, 200)} on ${JSON.stringify(sql)}`);
      }
    };
    for (const q of corpusStatements()) {
      const toks = tokenize(q).filter((t) => t.type !== 'ws' && t.type !== 'comment');
      for (let i = 0; i < toks.length; i++) {
        const a = toks[i];
        attempt(q.slice(0, a.offset), i % 2 ? 'fast' : 'moo');
        attempt(q.slice(0, a.offset) + q.slice(a.offset + a.text.length), 'moo');
        const b = toks[i + 1];
        if (b) attempt(q.slice(0, a.offset) + b.text + ' ' + a.text + q.slice(b.offset + b.text.length), 'fast');
      }
    }
    assert.deepEqual(problems.slice(0, 20), []);
    assert.ok(tried > 1000 || tried === 0);
  });

  it('survives odd input', () => {
    for (const s of ['', ';', ';;;', '(', ')', "'", '`', '"', '/*', '*/', '--', '#', '@', '@@', '?', '\\', '\0', '\u{1F680}', 'SELECT \u2028 1', 'x'.repeat(10000), '('.repeat(2000), 'SELECT ' + '('.repeat(50000) + '1' + ')'.repeat(50000), 'SELECT ' + '-'.repeat(100000) + '1']) {
      try {
        parse(s);
      } catch (e) {
        assert.ok(e instanceof SqlSyntaxError, `${String(e)} on ${JSON.stringify(s.slice(0, 50))}`);
      }
      digest(s);
    }
  });
});
