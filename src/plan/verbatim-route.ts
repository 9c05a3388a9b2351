// The hot path of a sharded schema: a statement that goes to one partition exactly as the client
// wrote it (a point select or write by its shard key, a statement on tables without rules) is routed
// from its bytes, without decoding them, finding its tokens, looking up its analysis or building a
// plan: one scan (byte-template.ts), one lookup in the route table, and the key's placement.
//
// What a template's statements do is learned from the planner the first time it is seen: the
// statement is analysed through the plan cache as planStatement would, and its template is routable
// when bind() would send every execution's own text to one partition (Analysis.verbatim) chosen by
// one key literal (Analysis.point) on a rule of one table per partition, or to a fixed partition
// (tables without rules, broadcast reads). Everything else is recorded as not routable here, so
// that it costs one scan and one lookup before it is planned the usual way.
import type { ShardedSchema } from '../config/types';
import { T } from '../sql/lexer';
import type { Analysis } from './analyze';
import { isVerbatim, pointRoute } from './bind';
import { ByteLiteral, scanned, scanTemplate } from './byte-template';
import { MAX_CACHED_SQL, type PlanCache } from './cache';
import { cachedAnalysis } from './cached-analysis';
import { placeValue } from './placement';
import type { RouteTarget, VerbatimRoute } from './route-table';
import type { Bound } from './template';
import type { ParamValue } from './types';

export type { VerbatimRoute } from './route-table';

/**
 * Where the statement in bytes[start, end) (SQL text as the client sent it) goes when its plan would
 * be one unit on one partition whose SQL is that text unchanged; null when it must be planned
 * (planStatement), which then gives the same answer as ever: this only skips work. The returned
 * object is shared by every statement routed there: read it, do not keep changes in it.
 */
export function verbatimRoute(bytes: Buffer, start: number, end: number, schema: ShardedSchema, cache: PlanCache): VerbatimRoute | null {
  if (end - start > MAX_CACHED_SQL || scanTemplate(bytes, start, end) < 0) return null;
  let target = cache.routes.get(bytes, start, end, schema);
  if (target === undefined) {
    target = learn(bytes, start, end, schema, cache);
    cache.routes.set(bytes, start, end, schema, target);
  }
  if (target === null) return null;
  if (target.k === 'one') return target.route;
  const g = placeValue(target.rule, schema.partitions.length, keyValue(bytes, target.literal));
  // A value the rule cannot place (no partition, or any): the general bind decides.
  if (typeof g !== 'number') return null;
  return (target.routes[g] ??= Object.freeze({ partition: g, primary: target.primary }));
}

/** What every statement of this byte template does, asked of the planner (see the file comment). */
function learn(bytes: Buffer, start: number, end: number, schema: ShardedSchema, cache: PlanCache): RouteTarget {
  let analysed: { a: Analysis; bound: Bound };
  try {
    analysed = cachedAnalysis(bytes.toString('latin1', start, end), [], schema, cache);
  } catch {
    return null; // planStatement reports it
  }
  const { a, bound } = analysed;
  if (!sameLiterals(bound, start)) return null;
  a.verbatim ??= isVerbatim(a, bound);
  if (!a.verbatim) return null;
  if (a.space.k === 'one') return { k: 'one', route: Object.freeze({ partition: a.space.partition, primary: a.primary }) };
  if (a.space.k !== 'sharded' || a.space.rule.tablesPerPartition !== 1) return null;
  if (a.point === undefined) a.point = pointRoute(a);
  if (a.point === null) return null;
  const slot = a.template.slots[a.point.slot];
  if (!('lit' in slot)) return null;
  return { k: 'key', rule: a.space.rule, literal: slot.lit, primary: a.primary, routes: [] };
}

/** Did bindText take out exactly the literals the byte scan found (offsets relative to `start`)? */
function sameLiterals(b: Bound, start: number): boolean {
  if (b.params.length > 0 || b.litKinds.length !== scanned.count) return false;
  for (let l = 0; l < scanned.count; l++) {
    if (b.litSpans[2 * l] !== scanned.spans[2 * l] - start || b.litSpans[2 * l + 1] !== scanned.spans[2 * l + 1] - start) return false;
    if (b.litKinds[l] !== (scanned.kinds[l] === ByteLiteral.Int ? T.INT : T.STRING)) return false;
  }
  return true;
}

/**
 * Literal l of the last scan as a shard key value, as slotKeyValue gives it from the text: an integer
 * of up to 15 digits as a number, a longer one as a BigInt, a string's bytes as a latin1 string (it
 * has no escapes to undo).
 */
function keyValue(bytes: Buffer, l: number): ParamValue {
  const from = scanned.spans[2 * l];
  const to = scanned.spans[2 * l + 1];
  if (scanned.kinds[l] === ByteLiteral.String) return bytes.toString('latin1', from + 1, to - 1);
  if (to - from > 15) return BigInt(bytes.toString('latin1', from, to));
  let v = 0;
  for (let i = from; i < to; i++) v = v * 10 + bytes[i] - 48;
  return v;
}
