// What a session reads off a statement's text without planning it: the few statements it answers
// itself, the parameter count of a PREPARE, the parts of a multi-statement query, an INSERT's head.
import { tokenize } from '../sql';

/** SHOW DATABASES / SHOW SCHEMAS (no LIKE/WHERE): answered with the logical schemas. */
export function isShowDatabases(payload: Buffer): boolean {
  if (payload.length > 40) return false;
  return /^\s*show\s+(databases|schemas)\s*;?\s*$/i.test(payload.toString('latin1', 1));
}

/**
 * The head of an INSERT/REPLACE up to its table name: [whole match, head incl. table, table, the
 * next token ('(' when a column list follows, else VALUES or SELECT)].
 */
export const INSERT_HEAD = /^(\s*(?:insert|replace)\s+(?:(?:low_priority|delayed|high_priority|ignore)\s+)*(?:into\s+)?(`?[A-Za-z0-9_$]+`?))\s*(\(|values?\b|select\b)/i;

/** Parameter markers in a statement (for PREPARE on a sharded schema). */
export function countPlaceholders(sql: string): number {
  let n = 0;
  for (const t of tokenize(sql)) if (t.type === 'param') n++;
  return n;
}

/** The statements of a multi-statement query (split at top-level semicolons; empty ones dropped). */
export function splitStatements(sql: string): string[] {
  const parts: string[] = [];
  let start = 0;
  const push = (end: number) => {
    const text = sql.slice(start, end);
    if (tokenize(text).some((t) => t.type !== 'ws' && t.type !== 'comment')) parts.push(text);
  };
  for (const t of tokenize(sql)) {
    if (t.type === 'op' && t.text === ';') {
      push(t.offset);
      start = t.offset + 1;
    }
  }
  push(sql.length);
  return parts;
}
