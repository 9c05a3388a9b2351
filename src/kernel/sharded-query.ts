// A text statement on a sharded schema: session statements answered by the session, PREVIEW,
// EXPLAIN and metadata answered with logical names, several statements in one query, and the rest
// planned (plan/) and run: one unit with nothing to merge is relayed like forwarding, in the
// client's own packet when its text needs no change; anything else scatters and merges.
import { frameCommand } from '../protocol/framing';
import { Com } from '../protocol/constants';
import { asSqlError } from '../protocol/errors';
import { Route } from '../metrics/layout';
import { readOf } from '../execute/backend-lease';
import { Verb, Trait, type Classified } from './classify';
import type { StatementContext } from './context';
import { shardedStateRefusal } from './stateful-statements';
import { setUserVariables, userAssignments, userSetRefusal } from './user-variables';
import { parse } from '../sql/parser';
import { INSERT_HEAD } from './statement-text';
import { previewTarget } from '../plan/preview';
import { explainTarget } from '../execute/explain';
import { metadataQuery } from '../execute/metadata';
import { commitsImplicitly } from '../transaction/statements';
import { planStatement, verbatimRoute } from '../plan';
import type { ShardPlan } from '../plan/types';
import { runScatter, runOn } from './scatter-merge';
import { sessionStatement, ensureImplicitTrx, commitThen } from './sharded-session';
import { metadata } from './metadata';
import { preview, explain } from './preview';
import { multiStatement } from './multi-statement';

/** A COM_QUERY on a sharded schema (payload: command byte + SQL; framed: the client's packet, null when reassembled). */
export function shardedQuery(s: StatementContext, payload: Buffer, c: Classified, framed: Buffer | null): void {
  const schema = s.sharded;
  s.begin();
  // A statement the plan cache knows goes to one partition as written: sent in the client's packet, unplanned.
  if (framed !== null && !(c.traits & (Trait.Pin | Trait.Multi)) && s.trx.autocommitting) {
    const routed = verbatimRoute(payload, 1, payload.length, schema, s.host.planCache);
    if (routed) return relayUnit(s, routed.partition, routed.primary, framed, c);
  }
  // SQL text stays a byte string (latin1: one char per byte) from here to the backend, so bytes in any
  // character set, and raw _binary literals, reach the shards unchanged.
  const sql = payload.toString('latin1', 1);
  if (sessionStatement(s, sql, c)) return;
  if (c.verb === Verb.Set && USER_VARIABLE.test(sql) && userSet(s, sql)) return;
  const refused = c.traits & Trait.Pin ? shardedStateRefusal(sql, c, schema.name) : null;
  if (refused) return s.fail(refused);
  if (c.traits & Trait.Multi) return multiStatement(s, sql);
  if (c.verb === Verb.Other) {
    // PREVIEW, EXPLAIN, SHOW and DESCRIBE all classify as Other: SELECT and DML skip these checks.
    const previewed = previewTarget(sql);
    if (previewed !== null) return preview(s, previewed);
    const explained = explainTarget(sql);
    if (explained !== null) return explain(s, explained);
    const meta = metadataQuery(sql, schema);
    if (meta) return metadata(s, meta);
  }
  if ((c.verb === Verb.Create || c.verb === Verb.Other) && commitsImplicitly(sql)) return commitThen(s, () => planAndRun(s, sql, c, true));
  planAndRun(s, sql, c, true, framed);
}

/** `@name` (not `@@`): a user variable. */
const USER_VARIABLE = /(^|[^@])@(?!@)/;

/** SET of user variables only: evaluated once and replayed on every partition (user-variables.ts). */
export function userSet(s: StatementContext, sql: string): boolean {
  let items: ReturnType<typeof userAssignments>;
  try {
    items = userAssignments(parse(sql));
  } catch {
    return false; // reported by the refusal below
  }
  if (!items) return false;
  const refused = userSetRefusal(items, s.sharded.name);
  if (refused) {
    s.fail(refused);
    return true;
  }
  setUserVariables(s, sql, items);
  return true;
}

/** One unit and nothing to merge: its answer relayed untouched, as forwarding does (framed: the unit's COM_QUERY). */
function relayUnit(s: StatementContext, partition: number, primary: boolean, framed: Buffer, c: Classified): void {
  s.host.metrics.route(Route.Single);
  const schema = s.sharded;
  if (primary) s.lease.wrote(schema);
  const pool = s.lease.partitionPool(schema, partition, primary);
  s.relay.query(pool, schema.partitions[partition].database, framed, c, schema, primary ? null : readOf(schema, partition));
}

/**
 * Plans a statement and runs it. An INSERT without a column list into a sharded table is given
 * the table's columns (read once from its first physical table) and planned again.
 */
export function planAndRun(s: StatementContext, sql: string, c: Classified, mayAddColumns: boolean, framed: Buffer | null = null): void {
  const schema = s.sharded;
  let plan: ShardPlan;
  try {
    plan = planStatement(sql, schema, { cache: s.host.planCache, keys: s.host.keys });
  } catch (e) {
    const head = mayAddColumns && /needs a column list/.test((e as Error).message) ? INSERT_HEAD.exec(sql) : null;
    const rule = head ? schema.tables[head[2].replace(/`/g, '')] : undefined;
    if (head && rule?.kind === 'sharded' && head[3] !== '(') return insertWithColumns(s, sql, c, head, rule);
    return s.fail(asSqlError(e, 'planning'));
  }
  const trx = ensureImplicitTrx(s);
  if (plan.units.length === 1 && !plan.merge && !trx) {
    const unit = plan.units[0];
    // A unit whose SQL is the client's own text (no rename needed) goes out in the client's packet.
    return relayUnit(s, unit.partition, plan.primary, framed && unit.sql === sql ? framed : frameCommand(Com.QUERY, unit.sql), c);
  }
  runScatter(s, plan, false);
}

/** An INSERT without a column list into a sharded table, given the table's columns (read once per session). */
export function insertWithColumns(s: StatementContext, sql: string, c: Classified, head: RegExpExecArray, rule: { name: string; tablesPerPartition: number }): void {
  const insert = (columns: string[]) => {
    const list = columns.map((n) => '`' + n.replace(/`/g, '``') + '`').join(', ');
    planAndRun(s, `${head[1]} (${list}) ${sql.slice(head[0].length - head[3].length)}`, c, false);
  };
  const known = s.tableColumns.get(rule.name);
  if (known) return insert(known);
  const physical = rule.tablesPerPartition > 1 ? `${rule.name}_0` : rule.name;
  runOn(s, 0, `SHOW COLUMNS FROM \`${physical}\``).then(
    (r) => {
      const columns = r.rows.map((row) => row[0]!);
      s.tableColumns.set(rule.name, columns);
      insert(columns);
    },
    (e: unknown) => s.fail(asSqlError(e, 'reading the table\'s columns')),
  );
}
