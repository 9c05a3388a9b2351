// Invalid statements (test/sql/corpus/invalid/*.sql): sluice's parser and a real MariaDB must both
// refuse each with ER_PARSE_ERROR 1064; a set of them must also produce MySQL's exact message, with
// the same `near` text and line that MariaDB reports.
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { parse, SqlSyntaxError } from '../../src/sql';
import { loadInvalid } from '../helpers/corpus-load';
import { startCorpusMariaDB, type CorpusMariaDB } from '../helpers/corpus-mariadb';
import { assertNoFailures, where } from '../helpers/corpus-report';

/** Invalid statements sluice must refuse; other-fallback.sql may instead be passed on as kind 'other'. */
const all = loadInvalid();
const invalid = all.filter((s) => s.file !== 'other-fallback.sql');
const fallback = all.filter((s) => s.file === 'other-fallback.sql');

/** The MySQL message for a syntax error, as a server of `product` words it. */
function syntaxMessage(near: string, line: number, product = 'MySQL'): string {
  return `You have an error in your SQL syntax; check the manual that corresponds to your ${product} server version for the right syntax to use near '${near}' at line ${line}`;
}

const LONG_TAIL = 'WHERE ' + 'name = 1 AND '.repeat(10);

/**
 * Statements whose exact error is pinned: the near text and line MariaDB 10.11 reports for them.
 * MySQL cuts the near text at 80 characters (`%-.80s`); MariaDB cuts at 77 and appends '...'
 * (`mariadbNear`).
 */
const EXACT: { sql: string; near: string; line: number; mariadbNear?: string }[] = [
  { sql: 'SELEC 1', near: 'SELEC 1', line: 1 },
  { sql: 'SELECT * FROM users WHERE id = 1 AND', near: '', line: 1 },
  { sql: 'SELECT * FROM users WHERE id IN (1, 2,)', near: ')', line: 1 },
  { sql: 'SELECT id FROM users\nWHERE id = 1\nORDER id', near: 'id', line: 3 },
  { sql: "SELECT 'unterminated", near: "'unterminated", line: 1 },
  { sql: "UPDATE users SET name = 'x' WHERE", near: '', line: 1 },
  { sql: 'INSERT INTO users (id) VALUES (1) ON DUPLICATE UPDATE id = 1', near: 'UPDATE id = 1', line: 1 },
  { sql: 'SELECT * FROM users FORCE INDEX idx_tenant', near: 'idx_tenant', line: 1 },
  { sql: 'SELECT id FROM users WHERE id = 1 WHERE id = 2', near: 'WHERE id = 2', line: 1 },
  { sql: 'CREATE TABLE t_bad (id INT,)', near: ')', line: 1 },
  { sql: 'SELECT 1\n\n\nFROM users WHERE\nid = = 3', near: '= 3', line: 5 },
  { sql: `SELECT id FROM users WHERE id = 1 ${LONG_TAIL}`, near: LONG_TAIL.slice(0, 80), line: 1, mariadbNear: `${LONG_TAIL.slice(0, 77)}...` },
  { sql: 'SELECT id FROM users LIMIT LIMIT', near: 'LIMIT', line: 1 },
  { sql: 'DELETE FROM users WHERE id = 1\nORDER id', near: 'id', line: 2 },
];

function parseError(sql: string): unknown {
  try {
    parse(sql);
    return undefined;
  } catch (e) {
    return e;
  }
}

describe('invalid statements', () => {
  it('are at least 100, none repeated', () => {
    assert.ok(invalid.length >= 100, `only ${invalid.length} invalid statements`);
    assert.equal(new Set(all.map((s) => s.sql)).size, all.length);
  });

  it("of other-fallback.sql are refused with 1064 or read as kind 'other', never as a known statement", () => {
    const failures: string[] = [];
    for (const s of fallback) {
      const e = parseError(s.sql);
      if (e === undefined) {
        const type = parse(s.sql).type;
        if (type !== 'other') failures.push(`${where(s)}\n      -> read as '${type}'`);
      } else if (!(e instanceof SqlSyntaxError)) {
        failures.push(`${where(s)}\n      -> threw ${(e as Error)?.name}: ${(e as Error)?.message}`);
      }
    }
    assertNoFailures('are misread', failures);
  });

  it('are all refused by sluice with SqlSyntaxError 1064 (42000)', () => {
    const failures: string[] = [];
    for (const s of invalid) {
      const e = parseError(s.sql);
      if (!(e instanceof SqlSyntaxError)) {
        failures.push(`${where(s)}\n      -> ${e === undefined ? 'accepted' : `threw ${(e as Error)?.name}: ${(e as Error)?.message}`}`);
      } else if (e.errno !== 1064 || e.sqlState !== '42000' || !e.message.startsWith('You have an error in your SQL syntax;')) {
        failures.push(`${where(s)}\n      -> ${e.errno} ${e.sqlState} ${e.message}`);
      }
    }
    assertNoFailures('are not refused with SqlSyntaxError 1064', failures);
  });

  it('report MySQL\'s message, near text and line', () => {
    for (const c of EXACT) {
      const e = parseError(c.sql);
      assert.ok(e instanceof SqlSyntaxError, `${JSON.stringify(c.sql)} was not refused with SqlSyntaxError`);
      assert.equal(e.message, syntaxMessage(c.near, c.line), JSON.stringify(c.sql));
      assert.equal(e.near, c.near);
      assert.equal(e.line, c.line);
      assert.equal(c.sql.slice(e.offset, e.offset + c.near.length), c.near, 'offset points at the near text');
    }
  });

  describe('against MariaDB', () => {
    let db: CorpusMariaDB;
    before(async () => { db = await startCorpusMariaDB(); });
    after(async () => { await db?.stop(); });

    it('refuses every invalid statement with 1064 (PREPARE)', async () => {
      const failures: string[] = [];
      for (const s of all) {
        const verdict = await db.check(s.sql);
        if (verdict?.errno !== 1064) failures.push(`${where(s)}\n      -> ${verdict ? `${verdict.errno} ${verdict.message}` : 'accepted'}`);
      }
      assertNoFailures('are not refused by MariaDB with 1064', failures);
    });

    it('gives the pinned near text and line for the exact-message cases', async () => {
      for (const c of EXACT) {
        const verdict = await db.check(c.sql);
        assert.equal(verdict?.errno, 1064, JSON.stringify(c.sql));
        assert.equal(verdict?.message, syntaxMessage(c.mariadbNear ?? c.near, c.line, 'MariaDB'));
      }
    });
  });
});
