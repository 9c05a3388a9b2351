// Statement access control: every statement a client sends is checked against its sluice user's
// schemas and privileges before it reaches a backend, whose account can do far more than the user.
//
// The forwarding fast path pays for this only when classify() noticed something (a qualified name, a
// file function, several statements) or the statement is no plain SELECT/DML/transaction verb; then
// the text is tokenized (the fast scanner of src/sql) and walked once, statement by statement:
// - the verb (and its object: CREATE TABLE vs CREATE USER) needs a privilege: read, write, ddl, admin;
// - a database named in it (`db.t`, `db.t.c`, `db.f()`, CREATE DATABASE db, SHOW TABLES FROM db ...)
//   must be a logical schema of the user that this statement's backend holds under the same name, or
//   information_schema; mysql, performance_schema, sys and every other backend database are denied;
// - server-level statements and functions (SET GLOBAL, GRANT, FLUSH, LOAD_FILE(), INTO OUTFILE ...)
//   need admin.
// `x.y` is a database only where a table or routine can stand (after FROM, JOIN, INTO, UPDATE, TABLE
// ..., in a FROM list, before `(`, three-part names); elsewhere it is table.column, and x is then a
// table of the statement, except the system databases, which are refused anywhere.
// Refusals carry MySQL's errors: 1142 (table), 1044 (database), 1227 (privilege), 1235 (cannot check).
import type { Privilege, SchemaConfig, UserConfig } from '../config/types';
import { ErrorCode, SqlError } from '../protocol/errors';
import { T, TokenBuffer, keywordName, unescapeString, unquoteIdent } from '../sql/lexer';
import { KW_BASE } from '../sql/keywords';
import { scanFast } from '../sql/scanner';
import { Trait, Verb, type Classified } from './classify';

/** The forwarding schema statements go to when the session has none selected (its first allowed one). */
export function defaultForwardSchema(user: UserConfig, schemas: Record<string, SchemaConfig>): SchemaConfig | null {
  return Object.values(schemas).find((s) => s.kind === 'forward' && mayUse(user, s.name)) ?? null;
}

function mayUse(user: UserConfig, schema: string): boolean {
  return user.schemas.includes('*') || user.schemas.includes(schema);
}

/**
 * Why `user` may not run the statement in payload[start, end) (classified as c) on schema `current`
 * (null: none selected), or null when it may.
 */
export function accessError(
  payload: Buffer,
  start: number,
  c: Classified,
  user: UserConfig,
  schemas: Record<string, SchemaConfig>,
  current: SchemaConfig | null,
): SqlError | null {
  if (!(c.traits & (Trait.Access | Trait.Multi))) {
    // Nothing noticed: a plain statement needs only its verb's privilege.
    switch (c.verb) {
      case Verb.Select:
        if (user.privileges.includes('read')) return null;
        break;
      case Verb.Insert:
      case Verb.Update:
      case Verb.Delete:
      case Verb.Replace:
        if (user.privileges.includes('write')) return null;
        break;
      case Verb.Begin:
      case Verb.Commit:
      case Verb.Rollback:
        return null;
    }
  }
  const scope = { user, schemas, current: current ?? defaultForwardSchema(user, schemas) };
  const sql = payload.toString('utf8', start);
  // A backslash escapes a quote unless the session's sql_mode has NO_BACKSLASH_ESCAPES, which sluice does
  // not track: the statement is read both ways (a backslash is then an ordinary character; a space keeps
  // the offsets) and must pass both.
  return new Check(sql, scope, 0).run() ?? (sql.includes('\\') ? new Check(sql.replace(/\\/g, ' '), scope, 0).run() : null);
}

interface Scope {
  user: UserConfig;
  schemas: Record<string, SchemaConfig>;
  /** The schema the statement runs on (for forwarding without one selected: the default one). */
  current: SchemaConfig | null;
}

/** What a statement's verb requires: a sluice privilege, and the MySQL command or privilege named when it is missing. */
interface Need {
  privilege: Privilege;
  /** For read/write/ddl: the command in ERR 1142 (SELECT, INSERT, CREATE ...). */
  command: string;
  /** For admin: the MySQL privilege in ERR 1227 (SUPER, FILE, RELOAD ...). */
  mysqlPrivilege?: string;
}

const READ: Need = { privilege: 'read', command: 'SELECT' };
const admin = (mysqlPrivilege: string): Need => ({ privilege: 'admin', command: '', mysqlPrivilege });
const SUPER = admin('SUPER');
const FILE = admin('FILE');
const RELOAD = admin('RELOAD');

/** Databases refused wherever they are named, even as a qualifier sluice cannot place. */
const SYSTEM_DATABASES = new Set(['mysql', 'performance_schema', 'sys']);

/** Verbs that only read (or change only the session), including those of stored-program bodies. */
const READ_VERBS = new Set([
  'SELECT', 'WITH', 'VALUES', 'TABLE', 'DO', 'HELP', 'BEGIN', 'COMMIT', 'ROLLBACK', 'SAVEPOINT', 'RELEASE',
  'XA', 'HANDLER', 'LOCK', 'UNLOCK', 'CHECK', 'CHECKSUM', 'PREPARE', 'EXECUTE', 'DEALLOCATE', 'KILL', 'GET',
  'SIGNAL', 'RESIGNAL', 'END', 'DECLARE', 'IF', 'ELSE', 'ELSEIF', 'WHILE', 'LOOP', 'REPEAT', 'UNTIL', 'LEAVE',
  'ITERATE', 'RETURN', 'OPEN', 'FETCH', 'CLOSE', 'CASE', 'WHEN',
]);

/** Server-level verbs: the MySQL privilege each needs. */
const ADMIN_VERBS: Record<string, Need> = {
  GRANT: admin('GRANT OPTION'), REVOKE: admin('GRANT OPTION'), SHUTDOWN: admin('SHUTDOWN'), RESTART: admin('SHUTDOWN'),
  FLUSH: RELOAD, RESET: RELOAD, BACKUP: RELOAD, CACHE: RELOAD, PURGE: SUPER, CHANGE: SUPER, INSTALL: SUPER,
  UNINSTALL: SUPER, BINLOG: SUPER, STOP: SUPER, CLONE: SUPER, IMPORT: FILE,
};

/** Verbs that need more than read, or whose statement names databases: checked inside stored-program bodies too. */
const CHECKED_VERBS = new Set([
  ...Object.keys(ADMIN_VERBS), 'INSERT', 'REPLACE', 'UPDATE', 'DELETE', 'CALL', 'OPTIMIZE', 'REPAIR', 'ANALYZE', 'LOAD',
  'CREATE', 'ALTER', 'DROP', 'RENAME', 'TRUNCATE', 'SET', 'SHOW', 'START', 'USE',
]);

/** Objects of CREATE/ALTER/DROP that are server-level, not schema objects. */
const ADMIN_OBJECTS: Record<string, Need> = {
  USER: admin('CREATE USER'), ROLE: admin('CREATE USER'), SERVER: SUPER, INSTANCE: SUPER, TABLESPACE: SUPER, LOGFILE: SUPER,
  RESOURCE: SUPER,
};

/** SHOW forms that report on the server, its replication or other sessions' statistics. */
const ADMIN_SHOWS = new Set([
  'MASTER', 'SLAVE', 'REPLICA', 'BINARY', 'BINLOG', 'RELAYLOG', 'ENGINE', 'ALL', 'USER_STATISTICS', 'CLIENT_STATISTICS',
  'INDEX_STATISTICS', 'TABLE_STATISTICS',
]);

/** Session variables whose SET needs SUPER (they change what reaches the binary log or replicas). */
const ADMIN_SESSION_VARIABLES = new Set([
  'SQL_LOG_BIN', 'SQL_LOG_OFF', 'BINLOG_FORMAT', 'GTID_DOMAIN_ID', 'GTID_SEQ_NO', 'GTID_NEXT', 'SERVER_ID',
  'PSEUDO_THREAD_ID', 'PSEUDO_SLAVE_MODE', 'SKIP_REPLICATION',
]);

/** Words after which a name is a table (or a FROM list starts). */
const LIST_STARTERS = new Set(['FROM', 'JOIN', 'STRAIGHT_JOIN', 'INTO', 'TABLE', 'TABLES', 'USING']);
/** ... and where that list ends. */
const LIST_ENDERS = new Set([
  'WHERE', 'SET', 'GROUP', 'ORDER', 'LIMIT', 'HAVING', 'WINDOW', 'UNION', 'EXCEPT', 'INTERSECT', 'VALUES', 'VALUE',
  'SELECT', 'FOR', 'LOCK', 'RETURNING', 'ON',
]);
/** Words after which the next name is a table or routine. */
const NAME_STARTERS = new Set(['REFERENCES', 'VIEW', 'TRIGGER', 'EVENT', 'PROCEDURE', 'FUNCTION', 'SEQUENCE', 'CODE', 'PACKAGE']);
/** Verbs whose statement starts with a table list. */
const TABLE_VERBS = new Set(['INSERT', 'REPLACE', 'UPDATE', 'DELETE', 'DESCRIBE', 'DESC', 'EXPLAIN', 'TRUNCATE', 'HANDLER']);
/** Functions whose argument is a sequence (a table). */
const SEQUENCE_FUNCTIONS = new Set(['NEXTVAL', 'LASTVAL', 'SETVAL']);
/** First words of a compound statement (stored-program bodies, events, BEGIN NOT ATOMIC) or of a part of one. */
const COMPOUND_VERBS = new Set(['BEGIN', 'DECLARE', 'IF', 'ELSEIF', 'ELSE', 'WHILE', 'LOOP', 'REPEAT', 'CASE', 'WHEN', 'END', 'FOR']);
/** Objects of CREATE whose body is a compound statement. */
const PROGRAM_OBJECTS = new Set(['PROCEDURE', 'FUNCTION', 'TRIGGER', 'EVENT', 'PACKAGE']);
/** Words after which a verb is a clause, not a statement (ON DUPLICATE KEY UPDATE, FOR UPDATE, BEFORE INSERT ON ...). */
const CLAUSE_PREFIXES = new Set(['KEY', 'FOR', 'CHARACTER', 'ON', 'BEFORE', 'AFTER', 'DEFAULT', 'OF']);

/** Token buffers by nesting depth (a PREPARE's literal is checked inside the check of its statement). */
const buffers = [new TokenBuffer(), new TokenBuffer()];

const isName = (k: number) => k === T.IDENT || k === T.QIDENT || k === T.DSTRING || k >= KW_BASE;

/** One statement text being checked. */
class Check {
  private readonly tokens: TokenBuffer;
  private readonly sql: string;

  constructor(sql: string, private readonly scope: Scope, private readonly depth: number) {
    this.sql = sql;
    this.tokens = buffers[depth];
    scanFast(this.tokens, sql);
  }

  run(): SqlError | null {
    const { kinds, count } = this.tokens;
    let s = 0;
    while (s < count) {
      let e = s;
      for (let depth = 0; e < count; e++) {
        if (kinds[e] === T.LPAREN) depth++;
        else if (kinds[e] === T.RPAREN) depth--;
        else if (kinds[e] === T.SEMI && depth <= 0) break;
      }
      if (e > s) {
        const err = this.statement(s, e);
        if (err) return err;
      }
      s = e + 1;
    }
    return null;
  }

  /** Upper-cased text of token i if it is a word (keyword or identifier), else ''. A keyword's name is no new string. */
  private word(i: number): string {
    const k = this.tokens.kinds[i];
    if (k >= KW_BASE) return keywordName(k);
    return k === T.IDENT ? this.sql.slice(this.tokens.starts[i], this.tokens.ends[i]).toUpperCase() : '';
  }

  /** The name token i stands for (quotes removed). */
  private name(i: number): string {
    const { kinds, starts, ends } = this.tokens;
    return kinds[i] === T.QIDENT || kinds[i] === T.DSTRING ? unquoteIdent(this.sql, starts[i], ends[i]) : this.sql.slice(starts[i], ends[i]);
  }

  /** Index of the first token in [i, e) whose word is one of `words`, or -1. */
  private find(i: number, e: number, ...words: string[]): number {
    for (; i < e; i++) if (words.includes(this.word(i))) return i;
    return -1;
  }

  /** Checks the statement in tokens [s, e). */
  private statement(s: number, e: number): SqlError | null {
    const { kinds } = this.tokens;
    if (isName(kinds[s]) && kinds[s + 1] === T.COLON) s += 2; // label: BEGIN / LOOP ...
    if (s >= e) return null;
    let verb = this.word(s);
    if (kinds[s] === T.LPAREN) verb = 'SELECT'; // (SELECT ...) UNION ...
    const need = this.need(s, e, verb);
    if (need instanceof SqlError) return need;
    const denied = this.lacks(need, s, e, verb);
    if (denied) return denied;
    return this.walk(s, e, verb, need);
  }

  /** ERR for a missing privilege, naming the statement's database or table when it has one. */
  private lacks(need: Need, s: number, e: number, verb: string): SqlError | null {
    const { user } = this.scope;
    if (user.privileges.includes(need.privilege)) return null;
    if (need.privilege === 'admin') {
      return new SqlError(ErrorCode.ER_SPECIFIC_ACCESS_DENIED_ERROR, `Access denied; you need (at least one of) the ${need.mysqlPrivilege} privilege(s) for this operation`);
    }
    const at = this.databaseAt(s, e, verb);
    const table = at < 0 ? this.firstTable(s, e) : null;
    const db = at >= 0 ? this.name(at) : table?.db ?? this.scope.current?.name ?? '';
    if (!table) return dbDenied(user.user, db);
    return tableDenied(need.command, user.user, db, table.name);
  }

  /** The first table the statement names after its verb ([db.]name), for error messages. */
  private firstTable(s: number, e: number): { db?: string; name: string } | null {
    const { kinds } = this.tokens;
    const skip = new Set(['INTO', 'FROM', 'TABLE', 'IGNORE', 'LOW_PRIORITY', 'DELAYED', 'HIGH_PRIORITY', 'QUICK', 'IF', 'NOT', 'EXISTS', 'TEMPORARY', 'OR', 'REPLACE', 'ONLINE', 'OFFLINE']);
    for (let i = s + 1; i < e; i++) {
      const w = this.word(i);
      if (skip.has(w) || !isName(kinds[i])) continue;
      if (kinds[i + 1] === T.DOT && isName(kinds[i + 2])) return { db: this.name(i), name: this.name(i + 2) };
      return { name: this.name(i) };
    }
    return null;
  }

  /** The privilege the statement's verb needs, or an ERR for a statement sluice cannot check. */
  private need(s: number, e: number, verb: string): Need | SqlError {
    switch (verb) {
      case 'INSERT':
      case 'REPLACE':
        return { privilege: 'write', command: 'INSERT' };
      case 'UPDATE':
      case 'DELETE':
        return { privilege: 'write', command: verb };
      case 'CALL':
        return { privilege: 'write', command: 'EXECUTE' };
      case 'OPTIMIZE':
      case 'REPAIR':
        return { privilege: 'write', command: 'INSERT' };
      case 'ANALYZE':
        // ANALYZE TABLE updates statistics; ANALYZE SELECT/UPDATE ... runs the statement.
        return this.word(s + 1) === 'TABLE' ? { privilege: 'write', command: 'INSERT' } : this.inner(s + 1, e);
      case 'EXPLAIN':
      case 'DESCRIBE':
      case 'DESC':
        return this.word(s + 1) === 'ANALYZE' ? this.inner(s + 2, e) : READ;
      case 'LOAD': {
        const what = this.word(s + 1);
        if (what === 'INDEX') return RELOAD;
        const infile = this.find(s + 1, e, 'INFILE');
        return infile > 0 && this.find(s + 1, infile, 'LOCAL') > 0 ? { privilege: 'write', command: 'INSERT' } : FILE;
      }
      case 'CREATE':
      case 'ALTER':
      case 'DROP':
      case 'RENAME':
      case 'TRUNCATE':
        return this.ddlNeed(s, e, verb);
      case 'SET':
        return this.setNeed(s, e);
      case 'SHOW':
        return this.showNeed(s, e);
      case 'START':
        return this.word(s + 1) === 'TRANSACTION' ? READ : SUPER;
      case 'USE':
        return READ;
      case 'LOCK':
        return this.word(s + 1) === 'INSTANCE' ? SUPER : READ; // LOCK INSTANCE FOR BACKUP (MySQL)
      case 'XA':
        // XA RECOVER lists every account's prepared transactions (other sessions' XIDs): MySQL's XA_RECOVER_ADMIN.
        return this.word(s + 1) === 'RECOVER' ? SUPER : READ;
    }
    if (READ_VERBS.has(verb)) return READ;
    // Anything else is no statement MariaDB knows: the backend answers it with a syntax error.
    return ADMIN_VERBS[verb] ?? READ;
  }

  /** The need of the statement starting at token i (EXPLAIN ANALYZE ..., ANALYZE ...). */
  private inner(i: number, e: number): Need | SqlError {
    return i < e ? this.need(i, e, this.word(i)) : READ;
  }

  private ddlNeed(s: number, e: number, verb: string): Need {
    const command = verb === 'TRUNCATE' ? 'DROP' : verb === 'RENAME' ? 'ALTER' : verb;
    let temporary = false;
    for (let i = s + 1; i < e; i++) {
      const w = this.word(i);
      if (w === 'TEMPORARY') temporary = true;
      if (ADMIN_OBJECTS[w]) return ADMIN_OBJECTS[w];
      if (w === 'FUNCTION' && this.find(i, e, 'SONAME') > 0) return SUPER; // a UDF: a library loaded into the server
      if (w === 'TABLE' && (verb === 'CREATE' || verb === 'ALTER')) {
        // A table stored in files of the server's choosing, or one reaching another server (FEDERATED, CONNECT, SPIDER).
        if (this.find(i, e, 'DIRECTORY') > 0) return FILE;
        if (this.find(i, e, 'CONNECTION') > 0) return SUPER;
      }
      if (w === 'TABLE' || w === 'VIEW' || w === 'INDEX' || w === 'DATABASE' || w === 'SCHEMA' || w === 'PROCEDURE' || w === 'FUNCTION' ||
        w === 'TRIGGER' || w === 'EVENT' || w === 'SEQUENCE' || w === 'TABLES') break;
    }
    // A temporary table is the session's own: writing, not changing the schema.
    return { privilege: temporary ? 'write' : 'ddl', command };
  }

  private setNeed(s: number, e: number): Need | SqlError {
    const { kinds, starts, ends } = this.tokens;
    for (let i = s + 1; i < e; i++) {
      const w = this.word(i);
      if (w === 'GLOBAL' || w === 'PERSIST' || w === 'PERSIST_ONLY' || w === 'PASSWORD' || w === 'ROLE') return SUPER;
      if (w === 'STATEMENT') {
        // SET STATEMENT var = value [, ...] FOR statement: the statement is what runs.
        const f = this.find(i, e, 'FOR');
        return f > 0 ? this.inner(f + 1, e) : READ;
      }
      if (ADMIN_SESSION_VARIABLES.has(w) && (kinds[i + 1] === T.EQ || kinds[i + 1] === T.ASSIGN)) return SUPER;
      if (kinds[i] === T.SYSVAR) {
        const v = this.sql.slice(starts[i] + 2, ends[i]).toUpperCase().replace(/`/g, '');
        if (v.startsWith('GLOBAL.') || v.startsWith('PERSIST')) return SUPER;
        if (ADMIN_SESSION_VARIABLES.has(v.replace(/^(SESSION|LOCAL)\./, ''))) return SUPER;
      }
    }
    return READ;
  }

  private showNeed(s: number, e: number): Need | SqlError {
    let i = s + 1;
    while (['FULL', 'EXTENDED', 'GLOBAL', 'SESSION'].includes(this.word(i))) i++;
    const what = this.word(i);
    if (ADMIN_SHOWS.has(what)) return what === 'ENGINE' ? admin('PROCESS') : admin('REPLICATION CLIENT');
    if (what === 'CREATE' && this.word(i + 1) === 'USER') return admin('CREATE USER');
    if (what === 'DATABASES' || what === 'SCHEMAS') {
      // sluice answers the plain statement on its own with the user's schemas; the backend's list is never shown.
      const how = this.find(i + 1, e, 'LIKE', 'WHERE') > 0 ? 'with LIKE or WHERE' : 'prepared or among other statements';
      return new SqlError(ErrorCode.ER_NOT_SUPPORTED_YET, `SHOW ${what} ${how} is not supported by sluice: send a plain SHOW ${what} on its own`);
    }
    return READ;
  }

  /**
   * One pass over the statement's tokens: the databases it names, file and server functions, and the
   * statements inside stored-program bodies (THEN, DO, BEGIN ...).
   */
  private walk(s: number, e: number, verb: string, need: Need): SqlError | null {
    const { kinds } = this.tokens;
    const command = need.privilege === 'admin' || need.privilege === 'read' ? 'SELECT' : need.command;
    const err = this.unqualifiedDatabase(s, e, verb);
    if (err) return err;
    let inList = TABLE_VERBS.has(verb);
    // In a compound statement every statement verb inside needs its privilege too.
    const compound = COMPOUND_VERBS.has(verb) || (verb === 'CREATE' && this.find(s + 1, Math.min(e, s + 12), ...PROGRAM_OBJECTS) > 0);
    const stack: boolean[] = [];
    for (let j = s; j < e; j++) {
      const k = kinds[j];
      if (k === T.LPAREN) {
        const p = this.word(j - 1);
        const pk = kinds[j - 1];
        const nested = (inList && (pk === T.COMMA || pk === T.LPAREN || p === 'FROM' || p === 'JOIN' || p === 'STRAIGHT_JOIN')) ||
          SEQUENCE_FUNCTIONS.has(p) || (pk === T.EQ && this.word(j - 2) === 'UNION'); // MERGE tables: UNION=(t1, t2)
        stack.push(inList);
        inList = nested;
        continue;
      }
      if (k === T.RPAREN) {
        inList = stack.pop() ?? false;
        continue;
      }
      if (!isName(k)) continue;
      // db.t, db.t.c, db.t.*, db.f(, and x.y where a table stands: x is a database.
      if (kinds[j + 1] === T.DOT && isName(kinds[j + 2])) {
        const three = kinds[j + 3] === T.DOT && (isName(kinds[j + 4]) || kinds[j + 4] === T.STAR);
        const call = kinds[j + 3] === T.LPAREN;
        const db = this.name(j);
        const table = three || inList || this.tableFollows(j, verb);
        if (table || call || SYSTEM_DATABASES.has(db.toLowerCase())) {
          const denied = this.database(db, call && !table ? null : this.name(j + 2), command); // db.f(): a routine
          if (denied) return denied;
        }
        j += three ? 4 : 2;
        continue;
      }
      // `db`.* after ON in GRANT/REVOKE.
      if (kinds[j + 1] === T.DOT && kinds[j + 2] === T.STAR && this.word(j - 1) === 'ON') {
        const denied = this.database(this.name(j), null, command);
        if (denied) return denied;
        continue;
      }
      const w = this.word(j);
      if (w === '') continue;
      if (LIST_STARTERS.has(w)) inList = true;
      else if (LIST_ENDERS.has(w)) inList = false;
      if ((w === 'LOAD_FILE' && kinds[j + 1] === T.LPAREN) || ((w === 'OUTFILE' || w === 'DUMPFILE') && this.word(j - 1) === 'INTO')) {
        const denied = this.lacks(FILE, s, e, verb);
        if (denied) return denied;
      } else if (w === 'PREPARE' && this.word(j + 2) === 'FROM') {
        const inside = this.prepared(j + 3, e, 'PREPARE from a variable or expression');
        if (inside) return inside;
      } else if (w === 'IMMEDIATE' && this.word(j - 1) === 'EXECUTE') {
        const inside = this.prepared(j + 1, e, 'EXECUTE IMMEDIATE of a variable or expression');
        if (inside) return inside;
      } else if (compound && j > s && CHECKED_VERBS.has(w) && kinds[j + 1] !== T.LPAREN && !CLAUSE_PREFIXES.has(this.word(j - 1))) {
        // A statement inside a stored program, event or BEGIN NOT ATOMIC (not a function such as REPLACE()).
        const n = this.need(j, e, w);
        if (n instanceof SqlError) return n;
        const denied = this.lacks(n, j, e, w) ?? this.unqualifiedDatabase(j, e, w);
        if (denied) return denied;
        if (TABLE_VERBS.has(w)) inList = true;
      }
    }
    return null;
  }

  /** Whether the name at token j is a table or routine by what precedes it (outside FROM lists). */
  private tableFollows(j: number, verb: string): boolean {
    const p = this.word(j - 1);
    if (NAME_STARTERS.has(p)) return true;
    if (p === 'ON') return verb === 'CREATE' || verb === 'DROP' || verb === 'GRANT' || verb === 'REVOKE'; // CREATE INDEX/TRIGGER ... ON t
    if (p === 'LIKE') return verb === 'CREATE'; // CREATE TABLE t LIKE other
    if (p === 'TO' || p === 'RENAME') return verb === 'RENAME' || verb === 'ALTER';
    if (p === 'FOR') return this.word(j - 2) === 'VALUE'; // NEXT VALUE FOR seq
    return false;
  }

  /** Databases named without a table: CREATE/DROP/ALTER DATABASE db, SHOW TABLES FROM db, USE db. */
  private unqualifiedDatabase(s: number, e: number, verb: string): SqlError | null {
    const at = this.databaseAt(s, e, verb);
    if (at < 0) return null;
    const err = this.database(this.name(at), null, 'SELECT');
    if (err) return err;
    if (verb === 'USE') return new SqlError(ErrorCode.ER_NOT_SUPPORTED_YET, 'USE inside a multi-statement is not supported by sluice: send USE on its own');
    return null;
  }

  /** The token of the database a statement names without a table, or -1. */
  private databaseAt(s: number, e: number, verb: string): number {
    const { kinds } = this.tokens;
    let at = -1;
    if (verb === 'USE') at = s + 1;
    else if (verb === 'CREATE' || verb === 'DROP' || verb === 'ALTER') {
      let i = s + 1;
      if (this.word(i) === 'OR' && this.word(i + 1) === 'REPLACE') i += 2;
      if (this.word(i) === 'DATABASE' || this.word(i) === 'SCHEMA') {
        i++;
        if (this.word(i) === 'IF') i += this.word(i + 1) === 'NOT' ? 3 : 2;
        // ALTER DATABASE without a name changes the current one.
        if (verb !== 'ALTER' || (isName(kinds[i]) && !['DEFAULT', 'CHARACTER', 'CHARSET', 'COLLATE', 'UPGRADE', 'COMMENT'].includes(this.word(i)))) at = i;
      }
    } else if (verb === 'SHOW') {
      let i = s + 1;
      while (['FULL', 'EXTENDED', 'GLOBAL', 'SESSION'].includes(this.word(i))) i++;
      const what = this.word(i);
      if (what === 'CREATE' && (this.word(i + 1) === 'DATABASE' || this.word(i + 1) === 'SCHEMA')) {
        at = this.word(i + 2) === 'IF' ? i + 5 : i + 2;
      } else {
        // SHOW TABLES|TABLE STATUS|TRIGGERS|EVENTS|OPEN TABLES FROM db; SHOW COLUMNS|INDEX FROM t FROM db.
        const second = ['COLUMNS', 'FIELDS', 'INDEX', 'INDEXES', 'KEYS'].includes(what);
        let seen = 0;
        for (let j = i; j < e; j++) {
          const w = this.word(j);
          if (w === 'LIKE' || w === 'WHERE') break;
          if ((w === 'FROM' || w === 'IN') && ++seen === (second ? 2 : 1)) {
            if (isName(kinds[j + 1]) && kinds[j + 2] !== T.DOT) at = j + 1;
            break;
          }
        }
      }
    }
    return at >= 0 && at < e && isName(kinds[at]) ? at : -1;
  }

  /**
   * The statement in the string literal at token i (PREPARE ... FROM '...', EXECUTE IMMEDIATE '...'
   * [USING ...]; adjacent literals are one string, as MySQL reads them); anything else is `what`, refused.
   */
  private prepared(i: number, e: number, what: string): SqlError | null {
    const { kinds, starts, ends } = this.tokens;
    let text = '';
    let k = i;
    for (; k < e && (kinds[k] === T.STRING || kinds[k] === T.DSTRING); k++) text += unescapeString(this.sql, starts[k], ends[k]);
    if (k === i || (k < e && this.word(k) !== 'USING')) return cannotRead(what);
    if (this.depth + 1 >= buffers.length) return cannotRead('A PREPARE inside a prepared statement text');
    return new Check(text, this.scope, this.depth + 1).run();
  }

  /** Null if the statement may name database db (with `table`, for the message), else why not. */
  private database(db: string, table: string | null, command: string): SqlError | null {
    const { user, schemas, current } = this.scope;
    if (db.toLowerCase() === 'information_schema') return null;
    const schema = schemas[db];
    if (!schema || !mayUse(user, db) || SYSTEM_DATABASES.has(db.toLowerCase())) {
      return table === null ? dbDenied(user.user, db) : tableDenied(command, user.user, db, table);
    }
    if (schema === current) {
      if (schema.kind === 'sharded' || schema.database === db) return null; // the planner maps a sharded schema's own names
    }
    if (schema.kind === 'sharded') {
      return new SqlError(ErrorCode.ER_NOT_SUPPORTED_YET, `schema '${db}' is sharded: its tables can be named only in statements run on it; USE ${db} first`);
    }
    if (current?.kind === 'sharded') {
      return new SqlError(ErrorCode.ER_NOT_SUPPORTED_YET, `schema '${db}' is a forwarding schema: a statement on sharded schema '${current.name}' cannot name it; USE ${db} first`);
    }
    if (schema.database !== db) {
      return new SqlError(ErrorCode.ER_NOT_SUPPORTED_YET, `schema '${db}' is database '${schema.database}' on its backend: sluice does not rename schema-qualified names; USE ${db} and name the table without the schema`);
    }
    if (current && schema.backend !== current.backend) {
      return new SqlError(ErrorCode.ER_NOT_SUPPORTED_YET, `schema '${db}' is on backend ${schema.backend}, not on ${current.backend} where '${current.name}' is: one statement cannot reach both; USE ${db} first`);
    }
    return null;
  }
}

function dbDenied(user: string, db: string): SqlError {
  return new SqlError(ErrorCode.ER_DBACCESS_DENIED_ERROR, `Access denied for user '${user}'@'%' to database '${db}'`);
}

function tableDenied(command: string, user: string, db: string, table: string): SqlError {
  return new SqlError(ErrorCode.ER_TABLEACCESS_DENIED_ERROR, `${command} command denied to user '${user}'@'%' for table \`${db}\`.\`${table}\``);
}

function cannotRead(what: string): SqlError {
  return new SqlError(ErrorCode.ER_NOT_SUPPORTED_YET, `${what} is not supported by sluice: it cannot check a statement it cannot read; write the statement as a string literal or prepare it with the binary protocol (COM_STMT_PREPARE)`);
}
