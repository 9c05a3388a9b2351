// Several statements in one COM_QUERY on a sharded schema, each planned and run in order.
import { Cap, Status } from '../protocol/constants';
import { SqlError, ErrorCode, asSqlError } from '../protocol/errors';
import { Counter, Route } from '../metrics/layout';
import { classify, Verb } from './classify';
import type { StatementContext } from './context';
import { splitStatements } from './statement-text';
import { previewTarget } from '../plan/preview';
import { explainTarget } from '../execute/explain';
import { commitsImplicitly } from '../transaction/statements';
import { scatter } from '../execute/scatter';
import { planStatement } from '../plan';
import type { ShardPlan } from '../plan/types';
import { partitionHost } from './scatter-merge';
import { ensureImplicitTrx, commitThen } from './sharded-session';

/**
 * Several statements in one COM_QUERY on a sharded schema: each is planned and run on its own, in
 * order, their results sent one after another with MORE_RESULTS_EXISTS on all but the last; the
 * first error ends the response, as MySQL does.
 */
export function multiStatement(s: StatementContext, sql: string): void {
  if (!(s.caps & Cap.MULTI_STATEMENTS)) {
    return s.fail(new SqlError(ErrorCode.ER_PARSE_ERROR, 'You sent several statements in one query, but the connection did not enable multi-statements (CLIENT_MULTI_STATEMENTS); send them one by one or enable multipleStatements in the driver'));
  }
  const plans: ShardPlan[] = [];
  const commits: boolean[] = [];
  try {
    for (const part of splitStatements(sql)) {
      commits.push(commitsImplicitly(part));
      const verb = classify(Buffer.from(part), 0, Buffer.byteLength(part)).verb;
      if ([Verb.Begin, Verb.Start, Verb.Commit, Verb.Rollback, Verb.Set, Verb.Use, Verb.Lock].includes(verb) || previewTarget(part) !== null || explainTarget(part) !== null) {
        throw new SqlError(ErrorCode.ER_NOT_SUPPORTED_YET, `'${part.trim().slice(0, 40)}' cannot be combined with other statements in one query on a sharded schema; send it on its own`);
      }
      plans.push(planStatement(part, s.sharded, { cache: s.host.planCache, keys: s.host.keys }));
    }
  } catch (e) {
    return s.fail(asSqlError(e, 'planning'));
  }
  const out = s.writer();
  const run = (i: number) => {
    if (commits[i] && !s.trx.outside) return commitThen(s, () => run(i), (e) => { out.error(e); s.done(); });
    if (!commits[i]) {
      s.trx.statementEnded();
      ensureImplicitTrx(s);
    }
    const plan = plans[i];
    s.host.metrics.route(plan.route === 'single' ? Route.Single : plan.route === 'multi' ? Route.Multi : Route.Broadcast);
    const status = s.trx.status(s.status) | (i < plans.length - 1 ? Status.MORE_RESULTS_EXISTS : 0);
    scatter(partitionHost(s, plan.primary, status), plan, out, (err) => {
      if (!err && i < plans.length - 1) return run(i + 1);
      s.host.metrics.inc(Counter.BytesOut, out.written);
      s.done();
    });
  };
  run(0);
}
