// The matrix scenario (see scenario.ts) written once for the Node drivers, over a small adapter.
import { createHash } from 'node:crypto';
import { BIG, DEC, DBL, STR, DATETIME, BLOB_HEX, SMALL, CANONICAL_SQL, DECODED_SQL, largeValue } from './scenario';

/** What the scenario needs from a driver connection; `params` are bound the driver's way. */
export interface SqlRunner {
  /** Rows as arrays in column order. */
  rows(sql: string, params?: unknown[]): Promise<unknown[][]>;
  begin(): Promise<void>;
  rollback(): Promise<void>;
}

const cell = (v: unknown): string => (v === null ? 'NULL' : Buffer.isBuffer(v) ? v.toString('hex') : String(v));

/** Runs every step and returns the `STEP VALUE` lines; an error in a step ends the run with it. */
export async function runNodeSession(r: SqlRunner, base: number): Promise<string[]> {
  const out: string[] = [];
  const items = await r.rows('SELECT id, name FROM items ORDER BY id');
  out.push(`text ${items.map(([id, name]) => `${id}:${name}`).join(',')}`);

  const insert = 'INSERT INTO typed (id, i, d, f, s, dt, b, n) VALUES (?, ?, ?, ?, ?, ?, ?, ?)';
  await r.rows(insert, [base + 1, BIG, DEC, Number(DBL), STR, DATETIME, Buffer.from(BLOB_HEX, 'hex'), SMALL]);
  await r.rows(insert, [base + 2, null, null, null, null, null, null, null]);
  const stored = await r.rows(CANONICAL_SQL, [base + 1, base + 2]);
  out.push(`prepared-stored ${stored.map((row) => row[1]).join(';')}`);
  const decoded = await r.rows(DECODED_SQL, [base + 1, base + 2]);
  out.push(`prepared-decoded ${decoded.map((row) => row.map(cell).join('|')).join(';')}`);

  await r.begin();
  await r.rows('INSERT INTO typed (id, s) VALUES (?, ?)', [base + 3, 'tx']);
  const [[inside]] = await r.rows('SELECT COUNT(*) FROM typed WHERE id = ?', [base + 3]);
  await r.rollback();
  const [[afterwards]] = await r.rows('SELECT COUNT(*) FROM typed WHERE id = ?', [base + 3]);
  out.push(`transaction ${inside},${afterwards}`);

  let errno: unknown = 'none';
  try {
    await r.rows('SELECT * FROM no_such_table');
  } catch (e) {
    errno = (e as { errno?: number }).errno;
  }
  const [[answer]] = await r.rows('SELECT 42');
  out.push(`error ${errno},${answer}`);

  const large = largeValue();
  await r.rows('INSERT INTO typed (id, big) VALUES (?, ?)', [base + 4, large]);
  const [[len, md5, back]] = await r.rows('SELECT LENGTH(big), MD5(big), big FROM typed WHERE id = ?', [base + 4]);
  const same = Buffer.isBuffer(back) && back.equals(large) ? 'same' : `differs(${createHash('md5').update(back as Buffer).digest('hex')})`;
  out.push(`large ${len}:${md5}:${same}`);
  return out;
}
