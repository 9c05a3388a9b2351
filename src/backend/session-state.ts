// The session state a client set that must follow it across pooled backend connections: the
// character set from its handshake and the SET statements it ran (sql_mode, time_zone, autocommit,
// NAMES, ...). Each recorded statement is replayed verbatim; the key identifies the whole state so a
// backend connection that already has it needs no work.
import type { BackendConnection } from './connection';
import { Com } from '../protocol/constants';

export class SessionState {
  /** Variable (or group of variables set by one statement) -> the statement that set it. */
  private sets = new Map<string, string>();
  /** Identifies the state; '' is a fresh backend connection's state. Recomputed on change. */
  key = '';

  /** Records a successful SET of session variables. */
  record(names: string[], sql: string): void {
    const id = names.join(',');
    // A later statement that sets some of the same names supersedes the earlier one only for those
    // names; keeping whole statements is simpler and still faithful when replayed in order.
    this.sets.delete(id);
    this.sets.set(id, sql);
    this.key = [...this.sets.values()].join('\0');
  }

  clear(): void {
    this.sets.clear();
    this.key = '';
  }

  get statements(): string[] {
    return [...this.sets.values()];
  }
}

/**
 * Brings a backend connection to the session's state and database. Most calls find both equal and
 * return null without a round trip (the caller then continues synchronously); otherwise the
 * returned promise settles once the connection is ready.
 */
export function syncBackend(conn: BackendConnection, state: SessionState, database: string): Promise<void> | null {
  if (conn.stateKey === state.key && conn.database === database) return null;
  return (async () => {
    if (conn.stateKey !== state.key) {
      if (conn.stateKey !== '') {
        await conn.command(Com.RESET_CONNECTION);
        conn.stateKey = '';
        conn.database = '';
        conn.forgetStatements(); // COM_RESET_CONNECTION closes the connection's prepared statements
      }
      // Recorded statements are latin1 byte strings: sent back byte for byte.
      for (const sql of state.statements) await conn.query(Buffer.from(sql, 'latin1'));
      conn.stateKey = state.key;
    }
    if (conn.database !== database && database) {
      await conn.command(Com.INIT_DB, database);
      conn.database = database;
    }
  })();
}
