// Syntax errors in MySQL's own form, so a client sees exactly what MySQL would have said.

/** MySQL's ER_PARSE_ERROR. */
export const ER_PARSE_ERROR = 1064;
/** SQLSTATE of ER_PARSE_ERROR: syntax error or access rule violation. */
export const SQLSTATE_SYNTAX = '42000';

/**
 * A statement that is not valid MySQL: ERR 1064 (42000), message
 * `You have an error in your SQL syntax; check the manual ... near '<rest>' at line N`, where <rest> is
 * the text from the failing token on (cut at 80 characters, as MySQL's `%-.80s` does) and N is that
 * token's 1-based line.
 */
export class SqlSyntaxError extends Error {
  readonly errno = ER_PARSE_ERROR;
  readonly sqlState = SQLSTATE_SYNTAX;
  /** Offset of the failing token in the original text (its length at the end of input). */
  readonly offset: number;
  /** 1-based line of the failing token. */
  readonly line: number;
  /** The quoted `near` text. */
  readonly near: string;

  constructor(sql: string, offset: number) {
    const near = sql.slice(offset, offset + 80);
    let line = 1;
    for (let i = sql.indexOf('\n'); i >= 0 && i < offset; i = sql.indexOf('\n', i + 1)) line++;
    super(
      `You have an error in your SQL syntax; check the manual that corresponds to your MySQL server version for the right syntax to use near '${near}' at line ${line}`,
    );
    this.name = 'SqlSyntaxError';
    this.offset = offset;
    this.line = line;
    this.near = near;
  }
}
