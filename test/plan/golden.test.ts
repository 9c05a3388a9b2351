// Runs every golden case of cases.ts through planStatement, with and without a plan cache.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { SqlError } from '../../src/protocol/errors';
import { PlanCache, planStatement } from '../../src/plan/index';
import { CASES } from './cases';
import { SCHEMAS } from './schemas';

describe('golden plans', () => {
  const cache = new PlanCache();
  for (const c of CASES) {
    it(`${c.schema ?? 'mod'}: ${c.sql}`, () => {
      const schema = SCHEMAS[c.schema ?? 'mod'];
      for (const opts of [{ params: c.params }, { params: c.params, cache }, { params: c.params, cache }]) {
        if (c.error) {
          assert.throws(
            () => planStatement(c.sql, schema, opts),
            (e: unknown) => e instanceof SqlError && e.errno === c.error![0] && e.message === c.error![1],
          );
          continue;
        }
        const plan = planStatement(c.sql, schema, opts);
        assert.deepEqual(
          plan.units.map((u) => [u.partition, u.sql]),
          c.units,
        );
        assert.equal(plan.route, c.route);
        assert.deepEqual(plan.merge, c.merge ?? null);
        assert.equal(plan.primary, c.primary === true);
        assert.equal(plan.sameChangeEverywhere, c.sameChangeEverywhere === true);
      }
    });
  }
});
