// What the client sees of itself and of the server's catalog: SHOW GRANTS answered for the sluice
// user, USER()/CURRENT_USER()/DATABASE() spliced with the sluice user and logical schema, and
// information_schema narrowed to the schemas the user may see, in logical names. The backend account
// behind a pool is never what the client reads.
import type { BackendPool } from '../backend/pool';
import { Com } from '../protocol/constants';
import { SqlError, ErrorCode, asSqlError } from '../protocol/errors';
import { spliceInfoSchema, visibleDatabases, columnsByTable, COLUMNS_QUERY, type InfoSchemaSplice } from '../rewrite/info-schema';
import { classify, Trait, Verb, type Classified } from './classify';
import { isShowGrants, showGrants, grantsSelect, spliceIdentity, checkDynamicSql, DYNAMIC_SQL, type Identity } from './identity';
import type { StatementContext } from './context';
import { forwardTarget, relayRewritten } from './forward';

/** Each backend's information_schema columns, per worker thread (module state is per thread): backend name -> table -> columns. */
const INFO_SCHEMA_COLUMNS = new Map<string, Promise<Map<string, string[]>>>();

/** The client as SHOW GRANTS, USER() and DATABASE() describe it (latin1: one char per byte of the UTF-8 names, as the SQL text is). */
function identityOf(s: StatementContext): Identity {
  const allowed = s.user.schemas;
  const latin1 = (v: string) => Buffer.from(v, 'utf8').toString('latin1');
  return {
    user: latin1(s.userName),
    clientHost: latin1(s.remoteHost()),
    privileges: s.user.privileges,
    schemas: (allowed.includes('*') ? Object.keys(s.host.schemas) : allowed).map(latin1),
    database: s.schema && latin1(s.schema.name),
  };
}

/**
 * A statement about the client's identity: SHOW GRANTS is answered (true), a statement calling
 * USER() and the like comes back with the sluice user in their place (a new COM_QUERY payload);
 * null when sql is none of these. A refusal is sent as an ERR (true).
 */
export function forUser(s: StatementContext, sql: string, c: Classified): Buffer | true | null {
  try {
    if (c.traits & Trait.Multi && c.traits & (Trait.Identity | Trait.InfoSchema)) {
      throw new SqlError(ErrorCode.ER_NOT_SUPPORTED_YET, 'send a statement that calls USER(), CURRENT_USER() or DATABASE() or names information_schema on its own, not with others in one query');
    }
    if (DYNAMIC_SQL.test(sql)) checkDynamicSql(sql);
    const grants = c.verb === Verb.Other && isShowGrants(sql) ? showGrants(sql, identityOf(s)) : null;
    if (grants instanceof SqlError) throw grants;
    if (grants) {
      const utf8 = (v: string) => Buffer.from(v, 'latin1').toString('utf8');
      s.rows([utf8(grants.header)], grants.rows.map((r) => [utf8(r)]));
      return true;
    }
    if (!(c.traits & Trait.Identity)) return null;
    const spliced = spliceIdentity(sql, identityOf(s));
    return spliced === null ? null : Buffer.from(String.fromCharCode(Com.QUERY) + spliced, 'latin1');
  } catch (e) {
    s.begin();
    s.fail(asSqlError(e, 'answering for the sluice user'));
    return true;
  }
}

/** A prepared statement's text with the sluice user in place of SHOW GRANTS and USER() (see forUser). */
export function preparedForUser(s: StatementContext, sql: string): string {
  const bytes = Buffer.from(sql, 'latin1');
  const c = classify(bytes, 0, bytes.length);
  const grants = c.verb === Verb.Other && isShowGrants(sql) ? showGrants(sql, identityOf(s)) : null;
  if (grants instanceof SqlError) throw grants;
  if (grants) return grantsSelect(grants.header, grants.rows);
  if (!(c.traits & Trait.Identity)) return sql;
  return spliceIdentity(sql, identityOf(s)) ?? sql;
}

/**
 * A statement naming information_schema: its tables narrowed to the user's schemas, in logical
 * names, and sent where the schema's statements go (a sharded schema's default partition).
 */
export function infoSchemaQuery(s: StatementContext, sql: string, c: Classified): void {
  withInfoSchema(s, sql, (spliced) => {
    if (s.schema?.kind === 'sharded' && spliced.otherTables) {
      return s.fail(new SqlError(ErrorCode.ER_NOT_SUPPORTED_YET, 'information_schema cannot be combined with the tables of a sharded schema in one statement; query them separately'));
    }
    relayRewritten(s, spliced.sql, c);
  });
}

/**
 * Runs then(spliced) with sql's information_schema tables narrowed to the user's databases on the
 * backend the statement goes to (the columns of those tables are read from it once per worker);
 * an error ends the command.
 */
export function withInfoSchema(s: StatementContext, sql: string, then: (spliced: InfoSchemaSplice) => void): void {
  s.begin();
  let pool: BackendPool; // where relayRewritten sends the statement: its columns and databases are that backend's
  try {
    pool = s.schema?.kind === 'sharded' ? s.pool(s.sharded.partitions[s.sharded.defaultPartition].write) : forwardTarget(s).pool;
  } catch (e) {
    return s.fail(asSqlError(e, 'information_schema'));
  }
  const allowed = s.user.schemas;
  const schemas = Object.values(s.host.schemas).filter((x) => allowed.includes('*') || allowed.includes(x.name));
  infoSchemaColumns(s, pool).then((columns) => {
    if (s.ended) return;
    const latin1 = Buffer.from(s.userName, 'utf8').toString('latin1');
    then(spliceInfoSchema(sql, latin1, visibleDatabases(schemas, pool.target.name), columns));
  }).catch((e: unknown) => s.fail(asSqlError(e, 'information_schema')));
}

/** The columns of each information_schema table of pool's backend (read once per worker, on the session's connection if it holds one). */
function infoSchemaColumns(s: StatementContext, pool: BackendPool): Promise<Map<string, string[]>> {
  const key = pool.target.name;
  let columns = INFO_SCHEMA_COLUMNS.get(key);
  if (columns) return columns;
  columns = s.lease.borrow(pool, (conn) => conn.query(COLUMNS_QUERY)).then((r) => columnsByTable(r.rows));
  columns.catch(() => INFO_SCHEMA_COLUMNS.delete(key)); // tried again by the next statement
  INFO_SCHEMA_COLUMNS.set(key, columns);
  return columns;
}
