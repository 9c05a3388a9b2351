// The planner refuses a table of any database other than the sharded schema's own (or
// information_schema), whatever reached it: such a table would otherwise run on the default partition.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { PlanCache, planStatement } from '../../src/plan';
import { SqlError } from '../../src/protocol/errors';
import { SCHEMAS } from './schemas';

const schema = SCHEMAS.mod;
const plan = (sql: string) => planStatement(sql, schema, { cache: new PlanCache() });

test('tables of other databases are refused with 1142; the schema itself and information_schema are not', () => {
  for (const sql of [
    'SELECT * FROM mysql.user', 'SELECT * FROM users u JOIN other.t x ON x.id = u.uid WHERE u.uid = 1',
    'INSERT INTO other.t (a) VALUES (1)', 'SELECT * FROM users WHERE uid IN (SELECT a FROM performance_schema.threads)',
  ]) {
    assert.throws(() => plan(sql), (e: unknown) => e instanceof SqlError && e.errno === 1142 && /outside|may name only/.test(e.message), sql);
  }
  assert.equal(plan(`SELECT * FROM ${schema.name}.users WHERE uid = 1`).units.length, 1);
  assert.equal(plan('SELECT * FROM information_schema.tables').units.length, 1);
});
