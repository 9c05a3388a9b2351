// Merge specs of statements whose select list has a star carry indexes counted from the end of the
// shard result (see src/rewrite/select.ts); once the executor knows the result's width, this makes
// them absolute, so the merger only ever sees plain indexes.
import type { MergeSpec, PostExpr } from '../merge/spec';

/** `spec` with negative indexes resolved against a shard result of `columns` columns. */
export function resolveMergeSpec(spec: MergeSpec, columns: number): MergeSpec {
  if (spec.columnCount >= 0) return spec;
  const at = (i: number): number => (i < 0 ? columns + i : i);
  const post = (e: PostExpr): PostExpr => {
    if (e.op === 'col') return { op: 'col', index: at(e.index) };
    const out: Record<string, unknown> = { ...e };
    for (const k of ['args', 'list']) if (Array.isArray(out[k])) out[k] = (out[k] as PostExpr[]).map(post);
    for (const k of ['arg', 'left', 'right', 'low', 'high']) if (out[k]) out[k] = post(out[k] as PostExpr);
    return out as PostExpr;
  };
  return {
    ...spec,
    columnCount: columns,
    visible: columns + spec.visible,
    orderBy: spec.orderBy.map((o) => ({ index: at(o.index), desc: o.desc })),
    groupBy: spec.groupBy === null ? null : spec.groupBy.map(at),
    aggregates: spec.aggregates.map((a) => ({
      ...a,
      index: at(a.index),
      ...(a.sumIndex !== undefined ? { sumIndex: at(a.sumIndex) } : {}),
      ...(a.countIndex !== undefined ? { countIndex: at(a.countIndex) } : {}),
      ...(a.maxLengthIndex !== undefined ? { maxLengthIndex: at(a.maxLengthIndex) } : {}),
    })),
    having: spec.having === null ? null : post(spec.having),
    ...(spec.weights ? { weights: spec.weights.map(([v, w]): [number, number] => [at(v), at(w)]) } : {}),
  };
}
