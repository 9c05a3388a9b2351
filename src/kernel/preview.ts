// PREVIEW <statement> (the route units and merge steps, without executing) and EXPLAIN of a sharded
// statement (each unit's backend EXPLAIN, its partition first).
import { asSqlError } from '../protocol/errors';
import type { StatementContext } from './context';
import { previewRows } from '../plan/preview';
import { explainSharded } from '../execute/explain';
import { runOn } from './scatter-merge';

/** PREVIEW <statement>: the route units and merge steps, without executing. */
export function preview(s: StatementContext, inner: string): void {
  try {
    const { columns, rows } = previewRows(inner, s.sharded, { cache: s.host.planCache, keys: s.host.keys });
    s.rows(columns, rows);
    s.done();
  } catch (e) {
    s.fail(asSqlError(e, 'PREVIEW'));
  }
}

/** EXPLAIN on a sharded statement: each unit's backend EXPLAIN, with its partition first. */
export function explain(s: StatementContext, inner: string): void {
  const schema = s.sharded;
  explainSharded(inner, schema, { cache: s.host.planCache, keys: s.host.keys }, (p, sql) => runOn(s, p, sql)).then(
    ({ columns, rows }) => { s.rows(columns, rows); s.done(); },
    (e: unknown) => s.fail(asSqlError(e, 'EXPLAIN')),
  );
}
