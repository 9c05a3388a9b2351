// A worker's client sessions by sluice session id, and its part in questions about sessions that any
// worker may own (KILL n, SHOW PROCESSLIST): a session asks through main (server/peer-exchange.ts),
// every worker answers for its own sessions, and the asker combines the answers. Without main (a
// runtime built directly) only this worker's sessions are seen.
import type { Directory, KillOutcome, PeerAnswer, PeerQuestion, ProcessRow, Requester } from '../kernel/directory';

/** What the directory needs from a session. */
export interface DirectorySession {
  readonly id: number;
  /** The sluice user once authenticated; null before. */
  readonly owner: string | null;
  /** Its SHOW PROCESSLIST row; `now` is Date.now(). */
  process(now: number): ProcessRow;
  /** KILL QUERY: stop the running statement on its backends (settles when the backends were told). */
  killQuery(): Promise<void>;
  /** KILL CONNECTION: stop the running statement and close the session. */
  kill(): Promise<void>;
}

/** The way to every worker's directory (main relays; see worker/serve.ts). */
export interface PeerChannel {
  ask(question: PeerQuestion): Promise<PeerAnswer[]>;
}

export class SessionDirectory implements Directory {
  private readonly byId = new Map<number, DirectorySession>();

  constructor(private readonly peers: PeerChannel | undefined) {}

  add(s: DirectorySession): void {
    this.byId.set(s.id, s);
  }

  delete(s: DirectorySession): void {
    if (this.byId.get(s.id) === s) this.byId.delete(s.id);
  }

  /** KILL [QUERY] id on whichever worker owns session id. */
  async kill(id: number, query: boolean, by: Requester): Promise<KillOutcome> {
    const answers = await this.ask({ kind: 'kill', id, query, by });
    let outcome: KillOutcome = 'none';
    for (const a of answers) {
      if (a.kind !== 'kill') continue;
      if (a.outcome === 'done') return 'done';
      if (a.outcome === 'denied') outcome = 'denied';
    }
    return outcome;
  }

  /** The SHOW PROCESSLIST rows `by` may see, from every worker, by id. */
  async processlist(by: Requester): Promise<ProcessRow[]> {
    const rows: ProcessRow[] = [];
    for (const a of await this.ask({ kind: 'processlist', by })) if (a.kind === 'processlist') rows.push(...a.rows);
    return rows.sort((x, y) => x.id - y.id);
  }

  /** This worker's answer to a question about its sessions. */
  async answer(q: PeerQuestion): Promise<PeerAnswer> {
    if (q.kind === 'processlist') {
      const now = Date.now();
      const rows: ProcessRow[] = [];
      for (const s of this.byId.values()) if (q.by.admin || s.owner === q.by.user) rows.push(s.process(now));
      return { kind: 'processlist', rows };
    }
    const s = this.byId.get(q.id);
    if (!s) return { kind: 'kill', outcome: 'none' };
    // MySQL's rule: your own sessions; any session with the privilege (sluice's `admin`).
    if (!q.by.admin && s.owner !== q.by.user) return { kind: 'kill', outcome: 'denied' };
    await (q.query ? s.killQuery() : s.kill());
    return { kind: 'kill', outcome: 'done' };
  }

  private async ask(q: PeerQuestion): Promise<PeerAnswer[]> {
    return this.peers ? this.peers.ask(q) : [await this.answer(q)];
  }
}
