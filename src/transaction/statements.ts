// What a statement does to the session's transaction besides its own work, as MariaDB 10.11 does it
// (each case checked there with @@in_transaction): the statements that commit the open transaction
// before they run, and the AND CHAIN / RELEASE options of COMMIT and ROLLBACK. A sharded session
// needs this to end its partitions' transaction as one; a forwarding session reads the backend's
// status flags instead.

/** Leading blanks, comments and the opener of an executable comment (`/*!40101 `), skipped before the first word. */
const LEADING = /^(?:\s+|\/\*M?!\d*|\/\*[\s\S]*?\*\/|(?:#|--(?=\s))[^\n]*)*/;
const WORDS = /^(\w+)(?:\s+(\w+))?(?:\s+(\w+))?(?:\s+(\w+))?/;

/** The first four words of a statement, upper-case (fewer when it is shorter). */
function leadingWords(sql: string): string[] {
  const skip = LEADING.exec(sql)![0].length;
  const m = WORDS.exec(sql.slice(skip, skip + 80));
  return m ? m.slice(1).filter((w) => w !== undefined).map((w) => w.toUpperCase()) : [];
}

/**
 * Does the statement commit the open transaction before it runs (and so even when it then fails)?
 * DDL, GRANT and REVOKE, LOCK TABLES, ANALYZE/CHECK/OPTIMIZE/REPAIR TABLE, FLUSH, RESET, INSTALL and
 * UNINSTALL, SET PASSWORD. Not, on MariaDB: CREATE/DROP TEMPORARY TABLE, ANALYZE SELECT, CHECKSUM
 * TABLE, CACHE INDEX, LOAD INDEX, LOAD DATA. BEGIN and SET autocommit are the session's own cases;
 * UNLOCK TABLES commits only when tables were locked.
 */
export function commitsImplicitly(sql: string): boolean {
  const w = leadingWords(sql);
  switch (w[0]) {
    case 'CREATE':
      return w[1] !== 'TEMPORARY' && !(w[1] === 'OR' && w[3] === 'TEMPORARY');
    case 'DROP':
      return w[1] !== 'TEMPORARY';
    case 'ALTER': case 'RENAME': case 'TRUNCATE': case 'GRANT': case 'REVOKE':
    case 'OPTIMIZE': case 'REPAIR': case 'FLUSH': case 'RESET': case 'INSTALL': case 'UNINSTALL':
      return true;
    case 'ANALYZE': // ANALYZE SELECT … runs a statement, ANALYZE [LOCAL] TABLE maintains one
    case 'CHECK':
      return w[1] === 'TABLE' || w[1] === 'TABLES' || w[1] === 'VIEW' || w[1] === 'LOCAL' || w[1] === 'NO_WRITE_TO_BINLOG';
    case 'LOCK':
      return w[1] === 'TABLE' || w[1] === 'TABLES';
    case 'SET':
      return w[1] === 'PASSWORD';
    default:
      return false;
  }
}

/** COMMIT or ROLLBACK with its options. */
export interface TransactionEnd {
  verb: 'COMMIT' | 'ROLLBACK';
  /** AND CHAIN: a new transaction, like the one ended, starts at once. */
  chain: boolean;
  /** RELEASE: the server closes the connection after the answer. */
  release: boolean;
}

const END = /^(commit|rollback)(?:\s+work)?(?:\s+and\s+(no\s+)?(chain))?(?:\s+(no\s+)?(release))?\s*;?\s*$/i;

/** The COMMIT or ROLLBACK the statement is; null for another one (ROLLBACK TO SAVEPOINT). */
export function transactionEnd(sql: string): TransactionEnd | null {
  const m = END.exec(sql.slice(LEADING.exec(sql)![0].length));
  if (!m) return null;
  return {
    verb: m[1].toUpperCase() as TransactionEnd['verb'],
    chain: m[3] !== undefined && m[2] === undefined,
    release: m[5] !== undefined && m[4] === undefined,
  };
}
