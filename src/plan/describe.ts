// A plan in words, for PREVIEW and `sluice explain`: one line per unit, then the merge steps.
import type { ShardedSchema } from '../config/types';
import type { ShardPlan } from './types';

/**
 * Lines like
 *   route: multi, 2 units, primary: no, returns rows
 *   [0] partition 1 (write db2, database shop_1): SELECT ... FROM users WHERE uid IN (5)
 *   merge: order-by merge on 1 key; offset 0, limit 10
 */
export function describePlan(plan: ShardPlan, schema: ShardedSchema): string {
  const lines = [
    `route: ${plan.route}, ${plan.units.length} unit${plan.units.length === 1 ? '' : 's'}, primary: ${plan.primary ? 'yes' : 'no'}, ${plan.returnsRows ? 'returns rows' : 'returns OK'}`,
  ];
  plan.units.forEach((u, i) => {
    const p = schema.partitions[u.partition];
    const table = plan.tables ? `, table _${plan.tables[i]}` : '';
    lines.push(`[${i}] partition ${u.partition} (write ${p?.write ?? '?'}, database ${p?.database ?? '?'}${table}): ${u.sql}`);
  });
  if (plan.generatedIds) lines.push(`generated ids: ${plan.generatedIds.join(', ')}`);
  if (plan.steps.length > 0) lines.push(`merge: ${plan.steps.join('; ')}`);
  return lines.join('\n');
}
