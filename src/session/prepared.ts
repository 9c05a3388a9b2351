// Prepared statements as the client sees them. sluice owns the statement ids it gives clients and
// maps each to its SQL; the statement is prepared lazily on whichever backend connection serves an
// execute (BackendConnection.statement caches it there), so prepared statements survive pooling and
// a client's statements never pin a backend connection. The worker's StatementCache counts them by
// text, so backend statements no client statement refers to any more are closed.
import type { Classified } from '../kernel/classify';
import type { ClientStatement, PreparedStatements } from '../kernel/prepared-statement';
import type { StatementCache } from '../backend/statement-cache';

/** MariaDB's statement id for "the statement this connection prepared last" (COM_STMT_EXECUTE, _SEND_LONG_DATA, _RESET, _CLOSE). */
export const LAST_PREPARED = 0xffffffff;

/** The client's statements of one session. */
export class StatementRegistry implements PreparedStatements {
  private nextId = 1;
  private readonly byId = new Map<number, ClientStatement>();
  /** The statement prepared last: MariaDB's id 0xFFFFFFFF names it (clients pipeline an execute right after its prepare). */
  private last = 0;

  constructor(private readonly cache?: StatementCache) {}

  add(sql: string, params: number, columns: number, classified: Classified): ClientStatement {
    const s: ClientStatement = { id: this.nextId++, sql, params, columns, types: null, longData: [], classified };
    this.byId.set(s.id, s);
    this.last = s.id;
    this.cache?.ref(sql);
    return s;
  }

  /** A new COM_STMT_PREPARE begins: until it succeeds, 0xFFFFFFFF names no statement (MariaDB clears it when a prepare fails). */
  preparing(): void {
    this.last = 0;
  }

  get(id: number): ClientStatement | undefined {
    return this.byId.get(id === LAST_PREPARED ? this.last : id);
  }

  delete(id: number): void {
    if (id === LAST_PREPARED) id = this.last;
    const s = this.byId.get(id);
    if (!s) return;
    this.byId.delete(id);
    this.cache?.unref(s.sql);
  }

  clear(): void {
    for (const s of this.byId.values()) this.cache?.unref(s.sql);
    this.byId.clear();
  }

  get size(): number {
    return this.byId.size;
  }
}

