// A user variable's value as a sharded session keeps it (user-variables.ts sets them, SQL EXECUTE
// ... USING and PREPARE ... FROM @v read them).

/** The literal that recreates the value with its type and character set, and the value's bytes. */
export interface UserValue {
  literal: string;
  /** The value's bytes as a latin1 byte string; null for NULL. */
  text: string | null;
}

/** The session's user variables by lower-case name (MariaDB's names are case-insensitive). */
export type UserVariables = Map<string, UserValue>;
