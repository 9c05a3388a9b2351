// Wire constants of the MySQL client/server protocol (MariaDB speaks the same, plus a few extensions
// we neither offer nor request). Names follow MySQL's include/mysql_com.h.

/** Capability flags exchanged in the handshake (lower and upper 16 bits). */
export const enum Cap {
  LONG_PASSWORD = 0x1,
  FOUND_ROWS = 0x2, // affected rows = rows matched, not rows changed
  LONG_FLAG = 0x4,
  CONNECT_WITH_DB = 0x8,
  NO_SCHEMA = 0x10,
  COMPRESS = 0x20,
  ODBC = 0x40,
  LOCAL_FILES = 0x80,
  IGNORE_SPACE = 0x100,
  PROTOCOL_41 = 0x200,
  INTERACTIVE = 0x400,
  SSL = 0x800,
  IGNORE_SIGPIPE = 0x1000,
  TRANSACTIONS = 0x2000,
  RESERVED = 0x4000,
  SECURE_CONNECTION = 0x8000,
  MULTI_STATEMENTS = 0x10000,
  MULTI_RESULTS = 0x20000,
  PS_MULTI_RESULTS = 0x40000,
  PLUGIN_AUTH = 0x80000,
  CONNECT_ATTRS = 0x100000,
  PLUGIN_AUTH_LENENC_DATA = 0x200000,
  CAN_HANDLE_EXPIRED_PASSWORDS = 0x400000,
  SESSION_TRACK = 0x800000,
  DEPRECATE_EOF = 0x1000000,
}

/** Command bytes: the first payload byte of every client command packet. */
export const enum Com {
  SLEEP = 0x00,
  QUIT = 0x01,
  INIT_DB = 0x02,
  QUERY = 0x03,
  FIELD_LIST = 0x04,
  CREATE_DB = 0x05,
  DROP_DB = 0x06,
  REFRESH = 0x07,
  SHUTDOWN = 0x08,
  STATISTICS = 0x09,
  PROCESS_INFO = 0x0a,
  CONNECT = 0x0b,
  PROCESS_KILL = 0x0c,
  DEBUG = 0x0d,
  PING = 0x0e,
  CHANGE_USER = 0x11,
  STMT_PREPARE = 0x16,
  STMT_EXECUTE = 0x17,
  STMT_SEND_LONG_DATA = 0x18,
  STMT_CLOSE = 0x19,
  STMT_RESET = 0x1a,
  SET_OPTION = 0x1b,
  STMT_FETCH = 0x1c,
  RESET_CONNECTION = 0x1f,
}

/** Server status flags carried by OK and EOF packets. */
export const enum Status {
  IN_TRANS = 0x1,
  AUTOCOMMIT = 0x2,
  MORE_RESULTS_EXISTS = 0x8,
  NO_GOOD_INDEX_USED = 0x10,
  NO_INDEX_USED = 0x20,
  CURSOR_EXISTS = 0x40,
  LAST_ROW_SENT = 0x80,
  DB_DROPPED = 0x100,
  NO_BACKSLASH_ESCAPES = 0x200,
  METADATA_CHANGED = 0x400,
  QUERY_WAS_SLOW = 0x800,
  PS_OUT_PARAMS = 0x1000,
  IN_TRANS_READONLY = 0x2000,
  SESSION_STATE_CHANGED = 0x4000,
  /** MariaDB: sql_mode has ANSI_QUOTES (drivers then quote identifiers with "). */
  ANSI_QUOTES = 0x8000,
}

/** Status flags that describe the session's sql_mode, which every OK and EOF of the session carries. */
export const SQL_MODE_STATUS = Status.NO_BACKSLASH_ESCAPES | Status.ANSI_QUOTES;

/** Types of the state-change entries an OK packet carries under CLIENT_SESSION_TRACK. */
export const enum SessionTrack {
  SYSTEM_VARIABLES = 0x00,
  SCHEMA = 0x01, // the current schema: one lenenc string
  STATE_CHANGE = 0x02,
  GTIDS = 0x03,
}

/** First payload byte of a response packet. */
export const enum Header {
  OK = 0x00,
  LOCAL_INFILE = 0xfb,
  EOF = 0xfe,
  ERR = 0xff,
}

/** Column types of the column definition packet (and the binary protocol). */
export const enum ColumnType {
  DECIMAL = 0x00,
  TINY = 0x01,
  SHORT = 0x02,
  LONG = 0x03,
  FLOAT = 0x04,
  DOUBLE = 0x05,
  NULL = 0x06,
  TIMESTAMP = 0x07,
  LONGLONG = 0x08,
  INT24 = 0x09,
  DATE = 0x0a,
  TIME = 0x0b,
  DATETIME = 0x0c,
  YEAR = 0x0d,
  VARCHAR = 0x0f,
  BIT = 0x10,
  JSON = 0xf5,
  NEWDECIMAL = 0xf6,
  ENUM = 0xf7,
  SET = 0xf8,
  TINY_BLOB = 0xf9,
  MEDIUM_BLOB = 0xfa,
  LONG_BLOB = 0xfb,
  BLOB = 0xfc,
  VAR_STRING = 0xfd,
  STRING = 0xfe,
  GEOMETRY = 0xff,
}

/** Column definition flags. */
export const enum ColumnFlag {
  NOT_NULL = 0x1,
  PRI_KEY = 0x2,
  UNIQUE_KEY = 0x4,
  MULTIPLE_KEY = 0x8,
  BLOB = 0x10,
  UNSIGNED = 0x20,
  ZEROFILL = 0x40,
  BINARY = 0x80,
  ENUM = 0x100,
  AUTO_INCREMENT = 0x200,
  TIMESTAMP = 0x400,
  SET = 0x800,
  NUM = 0x8000,
}

/** Collation ids used by sluice itself. */
export const enum Collation {
  LATIN1_SWEDISH_CI = 8,
  UTF8MB3_GENERAL_CI = 33,
  UTF8MB4_GENERAL_CI = 45,
  UTF8MB4_BIN = 46,
  BINARY = 63,
}

/** Largest payload of one physical packet; a payload this long continues in the next packet. */
export const MAX_PACKET_PAYLOAD = 0xffffff;

/** Capabilities sluice offers clients (it never offers COMPRESS; SSL only when TLS is configured). */
export const SERVER_CAPABILITIES =
  Cap.LONG_PASSWORD | Cap.FOUND_ROWS | Cap.LONG_FLAG | Cap.CONNECT_WITH_DB | Cap.NO_SCHEMA | Cap.ODBC |
  Cap.LOCAL_FILES | Cap.IGNORE_SPACE | Cap.PROTOCOL_41 | Cap.INTERACTIVE | Cap.IGNORE_SIGPIPE |
  Cap.TRANSACTIONS | Cap.SECURE_CONNECTION | Cap.MULTI_STATEMENTS | Cap.MULTI_RESULTS |
  Cap.PS_MULTI_RESULTS | Cap.PLUGIN_AUTH | Cap.CONNECT_ATTRS | Cap.PLUGIN_AUTH_LENENC_DATA |
  Cap.CAN_HANDLE_EXPIRED_PASSWORDS | Cap.SESSION_TRACK | Cap.DEPRECATE_EOF;

/**
 * Client capabilities that change the bytes of a result stream or its meaning. A backend connection
 * serves a client only if both negotiated the same bits here, so its responses relay unchanged.
 */
export const RELAY_PROFILE_MASK =
  Cap.FOUND_ROWS | Cap.IGNORE_SPACE | Cap.MULTI_STATEMENTS | Cap.DEPRECATE_EOF | Cap.LOCAL_FILES | Cap.SESSION_TRACK;
