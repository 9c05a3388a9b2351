// A statement prepared on a backend connection, as the connection keeps it and the worker's
// StatementCache counts it, and the side of a connection the cache drives. Types only: connection.ts
// and statement-cache.ts both import them, and neither imports the other's module for them.

/** A statement prepared on one backend connection. */
export interface PreparedOnBackend {
  /** The backend's statement id. */
  id: number;
  params: number;
  columns: number;
  /** The PREPARE_OK payload (copied). */
  ok: Buffer;
  /** Parameter and column definitions (and EOFs), payloads in order (copied). */
  packets: Buffer[];
}

/** What the StatementCache needs of a backend connection (BackendConnection implements it). */
export interface StatementHolder {
  /** Idle in its pool (set and cleared by the pool): no command is using it, so statements may be closed on it. */
  readonly idle: boolean;
  /** Set by the cache when a statement here lost its last client statement while the connection was in use. */
  trimPending: boolean;
  /** Closes a cached statement on the backend and forgets it. */
  dropStatement(s: CachedStatement): void;
  /** Closes the statements the cache no longer wants, if trimPending. */
  trimUnreferenced(): void;
}

/** A statement kept in a connection's cache (BackendConnection.statement()), known to the worker's StatementCache. */
export interface CachedStatement extends PreparedOnBackend {
  sql: string;
  /** Its key in the connection's statements. */
  key: string;
  conn: StatementHolder;
  /** Last use, on the StatementCache's clock. */
  used: number;
}
