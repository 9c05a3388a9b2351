// MySQL keywords as token kinds. A word's kind is found case-insensitively without slicing or
// upper-casing (an open-addressing table keyed by a case-folded hash over the source characters).
//
// Reserved words cannot be bare identifiers; the rest (non-reserved keywords such as STATUS, DATE,
// NAME) are keywords only where the grammar asks for them and identifiers everywhere else.
// The reserved set is MySQL 8.0's, minus the words MySQL 8 reserved for window functions and a few
// others that MariaDB still accepts as identifiers (RANK, ROW_NUMBER, LAG, SYSTEM, ...): a proxy
// should refuse less than either server, never more.

/** Token kinds of keywords start here; lower kinds are the lexical classes in `lexer.ts`. */
export const KW_BASE = 128;

const RESERVED = [
  'ACCESSIBLE', 'ADD', 'ALL', 'ALTER', 'ANALYZE', 'AND', 'AS', 'ASC', 'ASENSITIVE', 'BEFORE', 'BETWEEN', 'BIGINT',
  'BINARY', 'BLOB', 'BOTH', 'BY', 'CALL', 'CASCADE', 'CASE', 'CHANGE', 'CHAR', 'CHARACTER', 'CHECK', 'COLLATE',
  'COLUMN', 'CONDITION', 'CONSTRAINT', 'CONTINUE', 'CONVERT', 'CREATE', 'CROSS', 'CURRENT_DATE', 'CURRENT_TIME',
  'CURRENT_TIMESTAMP', 'CURRENT_USER', 'CURSOR', 'DATABASE', 'DATABASES', 'DAY_HOUR', 'DAY_MICROSECOND',
  'DAY_MINUTE', 'DAY_SECOND', 'DEC', 'DECIMAL', 'DECLARE', 'DEFAULT', 'DELAYED', 'DELETE', 'DESC', 'DESCRIBE',
  'DETERMINISTIC', 'DISTINCT', 'DISTINCTROW', 'DIV', 'DOUBLE', 'DROP', 'DUAL', 'EACH', 'ELSE', 'ELSEIF', 'ENCLOSED',
  'ESCAPED', 'EXCEPT', 'EXISTS', 'EXIT', 'EXPLAIN', 'FALSE', 'FETCH', 'FLOAT', 'FLOAT4', 'FLOAT8', 'FOR', 'FORCE',
  'FOREIGN', 'FROM', 'FULLTEXT', 'GENERATED', 'GET', 'GRANT', 'GROUP', 'HAVING', 'HIGH_PRIORITY', 'HOUR_MICROSECOND',
  'HOUR_MINUTE', 'HOUR_SECOND', 'IF', 'IGNORE', 'IN', 'INDEX', 'INFILE', 'INNER', 'INOUT', 'INSENSITIVE', 'INSERT',
  'INT', 'INT1', 'INT2', 'INT3', 'INT4', 'INT8', 'INTEGER', 'INTERSECT', 'INTERVAL', 'INTO', 'IO_AFTER_GTIDS',
  'IO_BEFORE_GTIDS', 'IS', 'ITERATE', 'JOIN', 'KEY', 'KEYS', 'KILL', 'LEADING', 'LEAVE', 'LEFT', 'LIKE', 'LIMIT',
  'LINEAR', 'LINES', 'LOAD', 'LOCALTIME', 'LOCALTIMESTAMP', 'LOCK', 'LONG', 'LONGBLOB', 'LONGTEXT', 'LOOP',
  'LOW_PRIORITY', 'MASTER_BIND', 'MASTER_SSL_VERIFY_SERVER_CERT', 'MATCH', 'MAXVALUE', 'MEDIUMBLOB', 'MEDIUMINT',
  'MEDIUMTEXT', 'MIDDLEINT', 'MINUTE_MICROSECOND', 'MINUTE_SECOND', 'MOD', 'MODIFIES', 'NATURAL', 'NOT',
  'NO_WRITE_TO_BINLOG', 'NULL', 'NUMERIC', 'ON', 'OPTIMIZE', 'OPTIMIZER_COSTS', 'OPTION', 'OPTIONALLY', 'OR',
  'ORDER', 'OUT', 'OUTER', 'OUTFILE', 'PARTITION', 'PRECISION', 'PRIMARY', 'PROCEDURE', 'PURGE', 'RANGE', 'READ',
  'READS', 'READ_WRITE', 'REAL', 'RECURSIVE', 'REFERENCES', 'REGEXP', 'RELEASE', 'RENAME', 'REPEAT', 'REPLACE',
  'REQUIRE', 'RESIGNAL', 'RESTRICT', 'RETURN', 'REVOKE', 'RIGHT', 'RLIKE', 'ROW', 'ROWS', 'SCHEMA', 'SCHEMAS',
  'SECOND_MICROSECOND', 'SELECT', 'SENSITIVE', 'SEPARATOR', 'SET', 'SHOW', 'SIGNAL', 'SMALLINT', 'SPATIAL',
  'SPECIFIC', 'SQL', 'SQLEXCEPTION', 'SQLSTATE', 'SQLWARNING', 'SQL_BIG_RESULT', 'SQL_CALC_FOUND_ROWS',
  'SQL_SMALL_RESULT', 'SSL', 'STARTING', 'STORED', 'STRAIGHT_JOIN', 'TABLE', 'TERMINATED', 'THEN', 'TINYBLOB',
  'TINYINT', 'TINYTEXT', 'TO', 'TRAILING', 'TRIGGER', 'TRUE', 'UNDO', 'UNION', 'UNIQUE', 'UNLOCK', 'UNSIGNED',
  'UPDATE', 'USAGE', 'USE', 'USING', 'UTC_DATE', 'UTC_TIME', 'UTC_TIMESTAMP', 'VALUES', 'VARBINARY', 'VARCHAR',
  'VARCHARACTER', 'VARYING', 'VIRTUAL', 'WHEN', 'WHERE', 'WHILE', 'WINDOW', 'WITH', 'WRITE', 'XOR', 'YEAR_MONTH',
  'ZEROFILL',
] as const;

// Non-reserved keywords the grammar looks for. Anything not listed is a plain identifier.
const NON_RESERVED = [
  'ACTION', 'AFTER', 'AGAINST', 'ALGORITHM', 'ANY', 'AT', 'AUTOCOMMIT', 'AUTO_INCREMENT', 'AVG_ROW_LENGTH', 'BEGIN',
  'BIT', 'BOOL', 'BOOLEAN', 'BTREE', 'CASCADED', 'CHAIN', 'CHARSET', 'CHECKSUM', 'CLOSE', 'COLLATION', 'COLUMNS',
  'COMMENT', 'COMMIT', 'COMMITTED', 'COMPACT', 'COMPRESSED', 'CONNECTION', 'CONSISTENT', 'CUBE', 'CURRENT', 'DATA',
  'DATE', 'DATETIME', 'DAY', 'DEALLOCATE', 'DEFINER', 'DIRECTORY', 'DISABLE', 'DISCARD', 'DO', 'DUMPFILE',
  'DUPLICATE', 'DYNAMIC', 'ENABLE', 'END', 'ENGINE', 'ENGINES', 'ENUM', 'ERRORS', 'ESCAPE', 'EVENT', 'EVENTS',
  'EXCHANGE', 'EXCLUDE', 'EXCLUSIVE', 'EXECUTE', 'EXPANSION', 'EXTENDED', 'FIELDS', 'FIRST', 'FIXED', 'FOLLOWING',
  'FORMAT', 'FULL', 'FUNCTION', 'GEOMETRY', 'GLOBAL', 'GRANTS', 'HANDLER', 'HASH', 'HOUR', 'IMPORT', 'INDEXES',
  'INPLACE', 'INSTANT', 'INVISIBLE', 'ISOLATION', 'JSON', 'KEY_BLOCK_SIZE', 'LANGUAGE', 'LAST', 'LATERAL', 'LESS',
  'LEVEL', 'LOCAL', 'LOCKED', 'LOCKS', 'LOGS', 'MASTER', 'MAX_ROWS', 'MEDIUM', 'MEMBER', 'MEMORY', 'MICROSECOND',
  'MIN_ROWS', 'MINUTE', 'MODE', 'MODIFY', 'MONTH', 'NAMES', 'NATIONAL', 'NCHAR', 'NEXT', 'NO', 'NONE', 'NOWAIT',
  'NULLS', 'NVARCHAR', 'OF', 'OFFSET', 'ONE', 'ONLY', 'OPEN', 'OTHERS', 'OVER', 'PACK_KEYS', 'PARSER', 'PARTITIONS',
  'PERSIST', 'PERSIST_ONLY', 'PLUGINS', 'PRECEDING', 'PREPARE', 'PREV', 'PRIVILEGES', 'PROCESSLIST', 'PROFILE',
  'PROFILES', 'QUARTER', 'QUERY', 'QUICK', 'REBUILD', 'RECOVER', 'REDUNDANT', 'REMOVE', 'REORGANIZE', 'REPAIR',
  'REPEATABLE', 'REPLICA', 'REPLICAS', 'RESUME', 'RETURNING', 'ROLLBACK', 'ROLLUP', 'ROW_FORMAT', 'SAVEPOINT',
  'SECOND', 'SERIAL', 'SERIALIZABLE', 'SESSION', 'SHARE', 'SHARED', 'SIGNED', 'SKIP', 'SLAVE', 'SNAPSHOT', 'SOME',
  'SOUNDS', 'SQL_BUFFER_RESULT', 'SQL_CACHE', 'SQL_NO_CACHE', 'START', 'STATS_PERSISTENT', 'STATUS', 'STORAGE',
  'SUSPEND', 'TABLES', 'TABLESPACE', 'TEMPORARY', 'TEMPTABLE', 'TEXT', 'TIES', 'TIME', 'TIMESTAMP', 'TRANSACTION',
  'TRIGGERS', 'TRUNCATE', 'TYPE', 'UNBOUNDED', 'UNCOMMITTED', 'UNDEFINED', 'UNKNOWN', 'USER', 'VALIDATION', 'VALUE',
  'VARIABLES', 'VIEW', 'VISIBLE', 'WAIT', 'WARNINGS', 'WEEK', 'WITHIN', 'WITHOUT', 'WORK', 'XA', 'XML', 'YEAR', 'ZONE',
] as const;

/** Keyword names; the token kind of KEYWORDS[i] is KW_BASE + i. */
/** A keyword's name. */
export type KeywordName = (typeof RESERVED)[number] | (typeof NON_RESERVED)[number];
export const KEYWORDS: readonly KeywordName[] = [...RESERVED, ...NON_RESERVED];
const reservedSet = new Set<string>(RESERVED);
/** RESERVED_KIND[kind - KW_BASE] is 1 for reserved words. */
export const RESERVED_KIND = new Uint8Array(KEYWORDS.length);
for (let i = 0; i < KEYWORDS.length; i++) RESERVED_KIND[i] = reservedSet.has(KEYWORDS[i]) ? 1 : 0;

/** Keyword token kinds by name, e.g. `K.SELECT`. */
export const K = Object.freeze(Object.fromEntries(KEYWORDS.map((w, i) => [w, KW_BASE + i]))) as Readonly<
  Record<KeywordName, number>
>;

// Open-addressing hash table: slot -> keyword index + 1 (0 = empty). Hash folds ASCII case.
const TABLE_BITS = 12;
const TABLE_MASK = (1 << TABLE_BITS) - 1;
const table = new Uint16Array(1 << TABLE_BITS);
const kwCodes: Uint8Array[] = KEYWORDS.map((w) => Uint8Array.from(w, (c) => c.charCodeAt(0)));

/** FNV-1a seed and step of the case-folded hash (scanner.ts computes it while it scans a word). */
export const HASH_SEED = 0x811c9dc5 | 0;
export const HASH_PRIME = 0x01000193;

/** The case-folded hash of s[start, end). */
function hashUpper(s: string, start: number, end: number): number {
  let h = HASH_SEED;
  for (let i = start; i < end; i++) {
    let c = s.charCodeAt(i);
    if (c >= 97 && c <= 122) c -= 32;
    h = Math.imul(h ^ c, HASH_PRIME);
  }
  return h;
}

function slotOf(h: number): number {
  return (h ^ (h >>> 15)) & TABLE_MASK;
}

for (let i = 0; i < KEYWORDS.length; i++) {
  const w = KEYWORDS[i];
  let slot = slotOf(hashUpper(w, 0, w.length));
  while (table[slot] !== 0) slot = (slot + 1) & TABLE_MASK;
  table[slot] = i + 1;
}

/**
 * keywordKind for a word whose case-folded FNV-1a hash `h` (seeded with HASH_SEED, one
 * Math.imul(h ^ upper(c), HASH_PRIME) step per character) the caller computed while scanning it.
 */
export function keywordKindHashed(s: string, start: number, end: number, h: number): number {
  const len = end - start;
  if (len > 32 || len < 2) return 0;
  let slot = slotOf(h);
  for (;;) {
    const e = table[slot];
    if (e === 0) return 0;
    const kw = kwCodes[e - 1];
    if (kw.length === len) {
      let i = 0;
      for (; i < len; i++) {
        let c = s.charCodeAt(start + i);
        if (c >= 97 && c <= 122) c -= 32;
        if (c !== kw[i]) break;
      }
      if (i === len) return KW_BASE + e - 1;
    }
    slot = (slot + 1) & TABLE_MASK;
  }
}

/**
 * The keyword token kind of the word s[start, end), or 0 when it is no keyword.
 * Case-insensitive for ASCII letters (MySQL keywords are ASCII).
 */
export function keywordKind(s: string, start: number, end: number): number {
  const len = end - start;
  return len > 32 || len < 2 ? 0 : keywordKindHashed(s, start, end, hashUpper(s, start, end));
}

/** True for a keyword kind that MySQL reserves (cannot be an unquoted identifier). */
export function isReservedKind(kind: number): boolean {
  return kind >= KW_BASE && RESERVED_KIND[kind - KW_BASE] === 1;
}

/** True when the word (any case) is a reserved word: the printer quotes such identifiers. */
export function isReservedWord(word: string): boolean {
  return isReservedKind(keywordKind(word, 0, word.length));
}
