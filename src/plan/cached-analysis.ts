// A statement's analysis, from the plan cache or parsed and analysed (and then cached).
import type { ShardedSchema } from '../config/types';
import { parse } from '../sql/parser';
import { SqlSyntaxError } from '../sql/errors';
import { analyze, type Analysis } from './analyze';
import { KEEP_LITERALS, type PlanCache } from './cache';
import { bindText, templateOf, type Bound } from './template';
import type { ParamValue } from './types';

/** The analysis of sql's template on `schema` and sql's values for it (cache: none to plan without one). */
export function cachedAnalysis(sql: string, params: readonly ParamValue[], schema: ShardedSchema, cache: PlanCache | undefined): { a: Analysis; bound: Bound } {
  let bound = bindText(sql, params);
  let a = cache?.get(bound, schema.name);
  if (a === KEEP_LITERALS) {
    bound = bindText(sql, params, false);
    a = cache!.get(bound, schema.name);
  }
  if (a === undefined || a === KEEP_LITERALS) {
    let template = templateOf(bound);
    let stmt;
    try {
      stmt = parse(template.text);
    } catch (e) {
      if (!(e instanceof SqlSyntaxError) || template.text === sql) throw e;
      // A literal the grammar needs as written (CAST(x AS CHAR(10))): keep every literal in the text,
      // and remember that this template is planned that way.
      cache?.set(bound, schema.name, KEEP_LITERALS, template);
      bound = bindText(sql, params, false);
      template = templateOf(bound);
      stmt = parse(template.text);
    }
    a = analyze(template, stmt, schema);
    cache?.set(bound, schema.name, a, template);
  }
  return { a, bound };
}
