// The SQL corpus (test/sql/corpus, format in test/helpers/corpus-load.ts) against sluice's parser and a
// real MariaDB: every statement parses, prints back to SQL that parses to the same tree, and every
// statement tagged MariaDB-valid is accepted by MariaDB 10.11 (PREPARE against the corpus schema).
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { parse, printSql, stripSpans, type Statement } from '../../src/sql';
import { loadCorpus, type CorpusStatement } from '../helpers/corpus-load';
import { startCorpusMariaDB, SYNTAX_ERRNOS, type CorpusMariaDB } from '../helpers/corpus-mariadb';
import { assertNoFailures, where } from '../helpers/corpus-report';

const corpus = loadCorpus();
const files = [...new Set(corpus.map((s) => s.file))];

/** The parse options a corpus statement is read with. */
const optsOf = (s: CorpusStatement) => (s.ansiQuotes ? { ansiQuotes: true } : undefined);

function tryParse(s: CorpusStatement): Statement | Error {
  try {
    return parse(s.sql, optsOf(s));
  } catch (e) {
    return e as Error;
  }
}

/** Statement types each hand-written file must produce: its statements may not fall back to 'other'. */
const EXPECTED_TYPES: Record<string, readonly string[]> = {
  'select-basic.sql': ['select', 'union'],
  'select-expr.sql': ['select', 'union'],
  'select-join.sql': ['select', 'union'],
  'select-subquery.sql': ['select', 'union'],
  'select-group.sql': ['select', 'union'],
  'select-window.sql': ['select', 'union'],
  'select-cte-union.sql': ['select', 'union'],
  'select-lock-hints.sql': ['select', 'union'],
  'insert.sql': ['insert'],
  'update-delete.sql': ['update', 'delete'],
};

describe('corpus: content', () => {
  it('holds at least 1,500 statements, most of them hand-written', () => {
    assert.ok(corpus.length >= 1500, `only ${corpus.length} statements`);
    const generated = corpus.filter((s) => s.file === 'generated').length;
    assert.ok(generated * 2 < corpus.length, `${generated} of ${corpus.length} are generated`);
  });

  it('has no statement twice', () => {
    const seen = new Map<string, CorpusStatement>();
    const dups: string[] = [];
    for (const s of corpus) {
      const prev = seen.get(s.sql);
      if (prev) dups.push(`${where(s)} (also ${prev.file}:${prev.line})`);
      else seen.set(s.sql, s);
    }
    assertNoFailures('are repeated', dups);
  });

  it('gives a reason for every parse-only statement', () => {
    assertNoFailures('are parse-only without a reason',
      corpus.filter((s) => s.mode === 'parse-only' && !s.reason).map(where));
  });

  it('covers every statement type of the AST', () => {
    const types = new Set<string>();
    for (const s of corpus) {
      const r = tryParse(s);
      if (!(r instanceof Error)) types.add(r.type);
    }
    const expected = ['select', 'union', 'insert', 'update', 'delete', 'transaction', 'set', 'use', 'show', 'explain',
      'ddl', 'lock', 'xa', 'kill', 'prepare', 'other'];
    const missing = expected.filter((t) => !types.has(t));
    assert.deepEqual(missing, [], `statement types never produced: ${missing.join(', ')} (got ${[...types].join(', ')})`);
  });
});

describe('corpus: sluice parses every statement', () => {
  for (const file of files) {
    const stmts = corpus.filter((s) => s.file === file);
    it(`${file} (${stmts.length} statements)`, () => {
      const failures: string[] = [];
      for (const s of stmts) {
        const r = tryParse(s);
        if (r instanceof Error) { failures.push(`${where(s)}\n      -> ${r.message.slice(0, 200)}`); continue; }
        if (r.start < 0 || r.end > s.sql.length || r.start >= r.end) failures.push(`${where(s)}\n      -> span [${r.start}, ${r.end}) outside the text`);
        const allowed = EXPECTED_TYPES[file];
        if (allowed && !allowed.includes(r.type)) failures.push(`${where(s)}\n      -> parsed as '${r.type}', expected ${allowed.join(' or ')}`);
      }
      assertNoFailures('fail to parse', failures);
    });
  }
});

describe('corpus: printSql(parse(s)) parses to the same tree', () => {
  for (const file of files) {
    const stmts = corpus.filter((s) => s.file === file);
    it(file, () => {
      const failures: string[] = [];
      for (const s of stmts) {
        const first = tryParse(s);
        if (first instanceof Error) continue; // reported by the parse test
        let printed = '';
        try {
          printed = printSql(first);
          assert.deepStrictEqual(stripSpans(parse(printed, optsOf(s))), stripSpans(first));
        } catch (e) {
          failures.push(`${where(s)}\n      printed: ${printed.slice(0, 200)}\n      -> ${(e as Error).message.split('\n')[0].slice(0, 200)}`);
        }
      }
      assertNoFailures('do not round-trip', failures);
    });
  }
});

describe('corpus: MariaDB 10.11 accepts every MariaDB-valid statement', () => {
  let db: CorpusMariaDB;
  before(async () => { db = await startCorpusMariaDB(); });
  after(async () => { await db?.stop(); });

  for (const file of files) {
    const stmts = corpus.filter((s) => s.file === file && s.mode !== 'parse-only');
    if (stmts.length === 0) continue;
    it(`${file} (${stmts.length} statements)`, async () => {
      const syntax: string[] = [];
      const other: string[] = [];
      for (const s of stmts) {
        const verdict = await db.check(s.sql, s.mode === 'direct' ? 'direct' : 'prepare', s.ansiQuotes);
        if (!verdict) continue;
        (SYNTAX_ERRNOS.has(verdict.errno) ? syntax : other).push(`${where(s)}\n      -> ${verdict.errno} ${verdict.message.slice(0, 200)}`);
      }
      assertNoFailures('are syntax errors on MariaDB (move them to mysql-only.sql or fix them)', syntax);
      assertNoFailures('fail on MariaDB for a semantic reason (the schema in corpus/schema.sql lacks something)', other);
    });
  }

  it("MariaDB accepts sluice's printed form of the corpus", async () => {
    const failures: string[] = [];
    for (const s of corpus) {
      if (s.mode !== 'prepare') continue;
      const first = tryParse(s);
      if (first instanceof Error) continue; // reported by the parse test
      let printed: string;
      try { printed = printSql(first); } catch { continue; } // reported by the round-trip test
      const verdict = await db.check(printed, 'prepare', s.ansiQuotes);
      if (verdict) failures.push(`${where(s)}\n      printed: ${printed.slice(0, 200)}\n      -> ${verdict.errno} ${verdict.message.slice(0, 160)}`);
    }
    assertNoFailures('print as SQL that MariaDB refuses', failures);
  });
});
