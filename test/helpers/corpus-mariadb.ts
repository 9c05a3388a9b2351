// A private MariaDB with the corpus schema, asked whether it accepts one statement at a time.
// Acceptance is checked with PREPARE: MariaDB parses the statement and resolves the names of DML
// against the schema, but runs nothing, so DDL, KILL or XA in the corpus change no state.
import mysql from 'mysql2/promise';
import { startMariaDB, type MariaDBInstance } from '../../scripts/sandbox';
import { corpusSchemaSql, type CorpusMode } from './corpus-load';

/** MariaDB's answer to one statement: null when accepted. */
export interface MariaDBVerdict {
  errno: number;
  message: string;
}

/** A running MariaDB with the corpus schema and one TCP connection to it (database `corpus`). */
export interface CorpusMariaDB {
  instance: MariaDBInstance;
  /**
   * Asks MariaDB about `sql`: through PREPARE, or run as is for mode 'direct'; with ansiQuotes, under
   * sql_mode ANSI_QUOTES (set for this check only).
   */
  check(sql: string, mode?: Exclude<CorpusMode, 'parse-only'>, ansiQuotes?: boolean): Promise<MariaDBVerdict | null>;
  stop(): Promise<void>;
}

/** Errors that mean "syntax error" (ER_PARSE_ERROR, ER_SYNTAX_ERROR). */
export const SYNTAX_ERRNOS: ReadonlySet<number> = new Set([1064, 1149]);

export async function startCorpusMariaDB(): Promise<CorpusMariaDB> {
  const instance = await startMariaDB();
  let conn: mysql.Connection | undefined;
  try {
    await instance.sql(corpusSchemaSql());
    conn = await mysql.createConnection({
      host: instance.host, port: instance.port, user: instance.user, password: instance.password,
      database: 'corpus', multipleStatements: false,
    });
  } catch (e) {
    await instance.stop();
    throw e;
  }
  const c = conn;
  return {
    instance,
    async check(sql, mode = 'prepare', ansiQuotes = false) {
      if (ansiQuotes) await c.query("SET @corpus_sql_mode = @@sql_mode, sql_mode = CONCAT(@@sql_mode, ',ANSI_QUOTES')");
      try {
        if (mode === 'direct') {
          await c.query(sql);
        } else {
          await c.query(`PREPARE corpus_check FROM ${c.escape(sql)}`);
          await c.query('DEALLOCATE PREPARE corpus_check');
        }
        return null;
      } catch (e) {
        const err = e as { errno?: number; message?: string };
        if (typeof err.errno !== 'number') throw e;
        return { errno: err.errno, message: err.message ?? '' };
      } finally {
        if (ansiQuotes) await c.query('SET sql_mode = @corpus_sql_mode');
      }
    },
    async stop() {
      await c.end().catch(() => undefined);
      await instance.stop();
    },
  };
}
