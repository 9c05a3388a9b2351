// The sessions of every worker, as a statement sees them: KILL [QUERY] of any sluice session id and
// the rows of SHOW PROCESSLIST, asked of all workers (session/session-directory.ts implements it
// over the main thread's peer exchange). The types here travel between workers.

/** Who asks about sessions: the sluice user of the asking session, and whether it has `admin`. */
export interface Requester {
  user: string;
  admin: boolean;
}

/**
 * A question every worker answers about its own client sessions (session/session-directory.ts):
 * KILL [QUERY] of a sluice session id, or the rows of SHOW PROCESSLIST the requester may see.
 */
export type PeerQuestion =
  | { kind: 'kill'; id: number; query: boolean; by: Requester }
  | { kind: 'processlist'; by: Requester };

/** One row of SHOW PROCESSLIST, as the owning worker describes its session. */
export interface ProcessRow {
  id: number;
  user: string;
  host: string;
  db: string | null;
  command: string;
  /** Seconds in the current command (or idle). */
  time: number;
  state: string;
  info: string | null;
}

/** A worker's answer: for kill, whether it owns the session and acted ('none': not its session). */
export type PeerAnswer =
  | { kind: 'kill'; outcome: 'none' | 'done' | 'denied' }
  | { kind: 'processlist'; rows: ProcessRow[] };

/** What a KILL found: done, the session is another user's, or no session has the id. */
export type KillOutcome = 'done' | 'denied' | 'none';

/** What KILL and PROCESSLIST statements ask of the directory. */
export interface Directory {
  /** KILL [QUERY] id on whichever worker owns session id. */
  kill(id: number, query: boolean, by: Requester): Promise<KillOutcome>;
  /** The SHOW PROCESSLIST rows of every worker that `by` may see. */
  processlist(by: Requester): Promise<ProcessRow[]>;
}
