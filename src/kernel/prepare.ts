// COM_STMT_PREPARE: the statement given the sluice user's view, checked, and registered with the
// session. Forwarding prepares it on a backend connection to learn its parameters and columns; a
// sharded schema counts the parameters itself and learns the columns by preparing the first unit
// of a plan made with placeholder values.
import { decodeColumnDef, type ColumnDef } from '../protocol/packets';
import { SqlError, ErrorCode, asSqlError } from '../protocol/errors';
import { classify, Verb, Trait } from './classify';
import { accessError } from './access';
import type { StatementContext } from './context';
import { onForwardConnection } from './forward';
import { preparedForUser, withInfoSchema } from './user-view';
import { unpreparableSessionIds, SESSION_ID_WORDS } from './session-ids';
import { classifyPrepared, withParams, unpreparable, shardedStateRefusal } from './stateful-statements';
import { setsUserVariablesOnly } from './user-variables';
import { countPlaceholders } from './statement-text';
import { planStatement, resolveMergeSpec, type ParamValue } from '../plan';
import type { ShardPlan } from '../plan/types';
import { mergedColumns } from '../merge/aggregates';
import { logicalNames } from '../rewrite/logical-names';
import { spliceConnectionId } from './connection-id';
import { onPartition } from './scatter-merge';
import { isSessionStatement } from './sharded-session';

/**
 * COM_STMT_PREPARE. Forwarding: prepared on a backend connection (which keeps it cached for later
 * executes) to learn its parameters and columns. Sharded: sluice counts the parameters itself and
 * announces no columns (each execute's result carries its own column definitions).
 */
export function prepareStatement(s: StatementContext, sql: string): void {
  s.begin();
  s.info = sql;
  if (SESSION_ID_WORDS.test(sql)) {
    const refused = unpreparableSessionIds(sql);
    if (refused) return s.fail(refused);
    sql = spliceConnectionId(sql, s.id);
  }
  try {
    sql = preparedForUser(s, sql);
  } catch (e) {
    return s.fail(asSqlError(e, 'PREPARE'));
  }
  const bytes = Buffer.from(sql, 'latin1');
  if (classify(bytes, 0, bytes.length).traits & Trait.InfoSchema) {
    if (s.schema?.kind === 'sharded') {
      return s.fail(new SqlError(ErrorCode.ER_NOT_SUPPORTED_YET, 'information_schema on a sharded schema is answered for text queries only; send this one without preparing it'));
    }
    withInfoSchema(s, sql, (spliced) => prepareSpliced(s, spliced.sql));
    return;
  }
  prepareSpliced(s, sql);
}

/** COM_STMT_PREPARE of a statement already given the sluice user's view (see prepareStatement). */
export function prepareSpliced(s: StatementContext, sql: string): void {
  const text = classifyPrepared(sql);
  const unsupported = unpreparable(text);
  if (unsupported) return s.fail(unsupported);
  // Checked at prepare, so every execute of the statement is covered.
  const denied = accessError(Buffer.from(sql, 'latin1'), 0, text, s.user, s.host.schemas, s.schema);
  if (denied) return s.fail(denied);
  if (s.schema?.kind === 'sharded') {
    let params: number;
    try {
      params = countPlaceholders(sql);
    } catch (e) {
      return s.fail(asSqlError(e, 'PREPARE'));
    }
    const c = withParams(text, params);
    // SET @x = ? is evaluated and recorded by each execute (execute-prepared.ts), as a text SET is.
    const refused = c.verb === Verb.Set && setsUserVariablesOnly(sql) ? null : shardedStateRefusal(sql, c, s.sharded.name);
    if (refused) return s.fail(refused);
    const stmt = s.statements.add(sql, params, 0, c);
    // BEGIN, COMMIT, SET ... prepared (sysbench does): each execute is answered as the text would be.
    if (params === 0 && isSessionStatement(sql, c)) stmt.sessionStatement = c;
    const answer = (columns: ColumnDef[]) => {
      if (s.ended) return;
      stmt.columns = columns.length;
      s.writer().prepareOk(stmt.id, columns.length, params, [], columns);
      s.done();
    };
    // Writes return no rows (and planning an INSERT would draw keys from the generator for nothing).
    if (stmt.sessionStatement || c.verb === Verb.Insert || c.verb === Verb.Replace || c.verb === Verb.Update || c.verb === Verb.Delete) return answer([]);
    return shardedResultColumns(s, sql, params, answer);
  }
  onForwardConnection(s, (conn) => conn.statement(sql, 'latin1').then((backend) => {
    const stmt = s.statements.add(sql, backend.params, backend.columns, withParams(text, backend.params));
    const out = s.writer();
    out.prepareOk(stmt.id, backend.columns, backend.params, backend.packets);
    s.done();
  }));
}

/**
 * The columns a sharded SELECT will return, for its PREPARE_OK: clients built on the C connector
 * (sysbench, mysqlclient, DBD::MariaDB) read a result only when the prepare announced columns.
 * The statement is planned with placeholder values (NULL, else 0: only its shape matters) and its
 * first unit prepared, not run, on that partition; the merge's visible columns are what an execute
 * returns. Anything that does not plan or prepare announces no columns (the execute then reports
 * the error, as before).
 */
export function shardedResultColumns(s: StatementContext, sql: string, params: number, done: (columns: ColumnDef[]) => void): void {
  const schema = s.sharded;
  let plan: ShardPlan | null = null;
  for (const value of [null, 0]) {
    try {
      plan = planStatement(sql, schema, { params: new Array<ParamValue>(params).fill(value), cache: s.host.planCache, keys: s.host.keys });
      break;
    } catch {
      // another placeholder value, or no columns
    }
  }
  if (plan === null || !plan.returnsRows) return done([]);
  const unit = plan.units[0];
  const merge = plan.merge;
  onPartition(s, unit.partition, (conn) => conn.prepare(unit.sql, 'latin1').then((backend) => {
    conn.closeStatement(backend.id);
    return backend;
  })).then((backend) => {
    // No parameters (the values are inlined): the packets are the column definitions.
    const names = logicalNames(schema);
    const columns = backend.packets.slice(0, backend.columns).map(decodeColumnDef);
    if (!merge) return done(columns.map((c) => names.column(c)));
    const spec = resolveMergeSpec(merge, columns.length);
    done(mergedColumns(spec, columns).slice(0, spec.visible).map((c) => names.column(c)));
  }, (e: Error) => {
    s.log.debug({ err: e.message }, 'sharded prepare: no column metadata');
    done([]);
  });
}
