// wait_timeout for client sessions: a session idle (between commands) longer than its wait_timeout
// is closed, as MariaDB closes it (without a packet: MariaDB 10.11 sends none). Nothing is done per
// query but storing the coarse clock's value: one timer per worker sweeps its sessions.

/** How often the sweep runs, and so the clock's resolution. */
export const SWEEP_MS = 250;

/** What the sweep needs from a session. */
export interface IdleSession {
  /** Close the session if it has been idle past its wait_timeout at `now` (the clock's value). */
  sweepIdle(now: number): void;
}

/** A per-worker clock (Date.now() as of the last sweep) and the sweep over the worker's sessions. */
export class IdleSweep {
  /** Date.now() at the last tick: at most SWEEP_MS behind. Sessions stamp their activity with it. */
  now = Date.now();
  private readonly timer: NodeJS.Timeout;

  constructor(sessions: () => Iterable<IdleSession>) {
    this.timer = setInterval(() => {
      this.now = Date.now();
      for (const s of sessions()) s.sweepIdle(this.now);
    }, SWEEP_MS);
    this.timer.unref();
  }

  stop(): void {
    clearInterval(this.timer);
  }
}

/**
 * Whether a session last active at `activeAt` (a clock value) has been idle longer than `timeoutMs`
 * at `now`. The stamp may be up to SWEEP_MS old, so that much more is waited: never closed early.
 */
export function idleTooLong(now: number, activeAt: number, timeoutMs: number): boolean {
  return now - activeAt > timeoutMs + SWEEP_MS;
}
