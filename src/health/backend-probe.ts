// Main thread: puts backends marked down (health/backend-health.ts) back into service once they answer.
//
// Every intervalMs (an unref'd timer; nothing runs in between) the probe reads the shared table.
// For each backend marked down with no probe in flight it opens a connection with the backend's own
// account and TLS settings, with a short connect timeout (the smaller of the backend's
// connectTimeoutMs and the interval); a completed handshake marks it up and the connection is
// closed at once. Backends that are up cost one Atomics.load per tick.
//
// One probe per backend for the whole process, in main, rather than one per worker: the verdict is
// shared anyway, a down backend sees one probe connection per interval instead of one per worker,
// and main's thread only accepts connections. Workers mark backends down themselves, at the first
// failed connect, so no worker waits for a tick to stop using a dead replica.
import type { Logger } from 'pino';
import type { SluiceConfig } from '../config/types';
import { BackendConnection, backendTarget, type BackendTarget } from '../backend/connection';
import type { BackendHealth } from './backend-health';

export class BackendProbe {
  private readonly targets: BackendTarget[];
  /** True while a probe connect of that backend is in flight. */
  private readonly probing: boolean[];
  /** The state last logged per backend (true = up), so transitions are logged once. */
  private readonly logged: boolean[];
  private timer: NodeJS.Timeout | null = null;

  constructor(config: SluiceConfig, private readonly health: BackendHealth, private readonly logger: Logger) {
    const intervalMs = config.backendProbeIntervalMs;
    this.targets = health.shared.backends.map((name) => {
      const b = config.backends[name];
      return { ...backendTarget(b), connectTimeoutMs: Math.min(b.pool.connectTimeoutMs, intervalMs) };
    });
    this.probing = this.targets.map(() => false);
    this.logged = this.targets.map(() => true);
    this.timer = setInterval(() => this.tick(), intervalMs);
    this.timer.unref();
  }

  /** Stops probing (probes in flight end on their own and change nothing). */
  stop(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
  }

  private tick(): void {
    for (let i = 0; i < this.targets.length; i++) {
      const up = this.health.up(i);
      if (up !== this.logged[i]) {
        this.logged[i] = up;
        if (!up) this.logger.warn({ backend: this.targets[i].name }, `backend ${this.targets[i].name} unreachable: out of read rotation until it answers`);
      }
      if (!up && !this.probing[i]) this.probe(i);
    }
  }

  private probe(i: number): void {
    const target = this.targets[i];
    const seen = this.health.state(i);
    this.probing[i] = true;
    BackendConnection.connect(target, 0, null).then(
      (conn) => {
        conn.close();
        this.probing[i] = false;
        if (this.timer === null || !this.health.markUp(i, seen)) return;
        this.logged[i] = true;
        this.logger.info({ backend: target.name }, `backend ${target.name} answers again: back in read rotation`);
      },
      (err: Error) => {
        this.probing[i] = false;
        this.logger.debug({ backend: target.name, err: err.message }, 'backend probe failed');
      },
    );
  }
}
