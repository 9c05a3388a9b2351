// MySQL error codes and SQLSTATEs sluice sends, in one table, and the typed error that carries them.

/** errno -> [SQLSTATE, symbol]. Values from MySQL's include/mysqld_error.h / errmsg.h. */
export const ErrorCode = {
  ER_CON_COUNT_ERROR: 1040,
  ER_HANDSHAKE_ERROR: 1043,
  ER_DBACCESS_DENIED_ERROR: 1044,
  ER_ACCESS_DENIED_ERROR: 1045,
  ER_NO_DB_ERROR: 1046,
  ER_TABLEACCESS_DENIED_ERROR: 1142,
  ER_SPECIFIC_ACCESS_DENIED_ERROR: 1227,
  ER_UNKNOWN_COM_ERROR: 1047,
  ER_BAD_DB_ERROR: 1049,
  ER_SERVER_SHUTDOWN: 1053,
  ER_PARSE_ERROR: 1064,
  ER_NONEXISTING_GRANT: 1141,
  ER_QUERY_INTERRUPTED: 1317,
  ER_NO_SUCH_THREAD: 1094,
  ER_KILL_DENIED_ERROR: 1095,
  ER_CONNECTION_KILLED: 1927,
  ER_UNSUPPORTED_PS: 1295,
  ER_WRONG_ARGUMENTS: 1210,
  ER_NET_PACKET_TOO_LARGE: 1153,
  ER_NET_READ_ERROR: 1158,
  ER_NET_PACKETS_OUT_OF_ORDER: 1156,
  ER_NOT_SUPPORTED_YET: 1235,
  ER_UNKNOWN_ERROR: 1105,
  ER_OUT_OF_RESOURCES: 1041,
  ER_LOCK_WAIT_TIMEOUT: 1205,
  ER_SP_DOES_NOT_EXIST: 1305, // also SAVEPOINT ... does not exist
  ER_MALFORMED_PACKET: 1835,
  ER_UNKNOWN_STMT_HANDLER: 1243,
  ER_MAX_PREPARED_STMT_COUNT_REACHED: 1461,
  ER_NOT_SUPPORTED_AUTH_MODE: 1251,
  CR_CONN_HOST_ERROR: 2003,
  CR_SERVER_LOST: 2013,
} as const;

const SQLSTATE: Record<number, string> = {
  1040: '08004',
  1043: '08S01',
  1044: '42000',
  1045: '28000',
  1046: '3D000',
  1142: '42000',
  1227: '42000',
  1047: '08S01',
  1049: '42000',
  1053: '08S01',
  1064: '42000',
  1210: 'HY000',
  1141: '42000',
  1317: '70100',
  1094: 'HY000',
  1095: 'HY000',
  1927: '70100',
  1295: 'HY000',
  1153: '08S01',
  1158: '08S01',
  1156: '08S01',
  1235: '42000',
  1105: 'HY000',
  1041: 'HY000',
  1205: 'HY000',
  1305: '42000',
  1835: 'HY000',
  1243: 'HY000',
  1461: '42000',
  1251: '08004',
  2003: 'HY000',
  2013: 'HY000',
};

export function sqlStateFor(errno: number): string {
  return SQLSTATE[errno] ?? 'HY000';
}

/**
 * An error that becomes an ERR packet. fatal: the connection is closed after sending it (protocol
 * errors); otherwise the session goes on (SQL errors).
 */
export class SqlError extends Error {
  readonly errno: number;
  readonly sqlState: string;
  readonly fatal: boolean;
  constructor(errno: number, message: string, opts: { sqlState?: string; fatal?: boolean } = {}) {
    super(message);
    this.name = 'SqlError';
    this.errno = errno;
    this.sqlState = opts.sqlState ?? sqlStateFor(errno);
    this.fatal = opts.fatal ?? false;
  }
}

/**
 * A statement sluice refuses because it could not answer it exactly (across shards, say): ER_NOT_SUPPORTED_YET,
 * with a message that says what would work instead.
 */
export function notSupported(message: string): SqlError {
  return new SqlError(ErrorCode.ER_NOT_SUPPORTED_YET, message);
}

/**
 * Any error as an SqlError: errors that carry wire values (the parser's SqlSyntaxError) keep them;
 * anything else is a broken invariant, reported as ER_UNKNOWN_ERROR with a "BUG:" message.
 */
export function asSqlError(e: unknown, doing: string): SqlError {
  if (e instanceof SqlError) return e;
  const x = e as { errno?: unknown; sqlState?: unknown; message?: unknown };
  if (typeof x?.errno === 'number' && typeof x.sqlState === 'string') return new SqlError(x.errno, String(x.message), { sqlState: x.sqlState });
  return new SqlError(ErrorCode.ER_UNKNOWN_ERROR, `BUG: ${doing} failed: ${(e as Error)?.message ?? String(e)}`);
}
