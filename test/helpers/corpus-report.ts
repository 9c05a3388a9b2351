// Failure reports of the corpus tests: one line per failing statement, so a run names them all.
import assert from 'node:assert/strict';
import type { CorpusStatement } from './corpus-load';

/** `file:line: sql` with the SQL folded onto one line and cut at `max` characters. */
export function where(s: CorpusStatement, max = 160): string {
  return `${s.file}:${s.line}: ${s.sql.replace(/\s+/g, ' ').slice(0, max)}`;
}

/** Fails listing the first 40 failures (each a `where` line plus detail) under `what`. */
export function assertNoFailures(what: string, failures: string[]): void {
  if (failures.length === 0) return;
  const shown = failures.slice(0, 40).join('\n  ');
  assert.fail(`${failures.length} statement(s) ${what}:\n  ${shown}${failures.length > 40 ? '\n  ...' : ''}`);
}
