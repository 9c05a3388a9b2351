// Which backends answer, in one SharedArrayBuffer every thread sees: one Int32 word per backend
// (index = position in config.backends, as in the metrics). A worker whose connect to a backend
// fails marks it down at once, so every worker's read rotation skips it from its next read on, with
// no connect timeout of its own; only main's probe (health/backend-probe.ts) marks it up again,
// after a connect and handshake succeeded.
//
//   word := failures << 1 | down        (0 = up, never failed)
//
// Every markDown adds one to `failures`, so a probe that started before a new failure cannot mark
// the backend up on its stale success: its compareExchange expects the word it saw before connecting.

/** What a worker needs to attach to the table: post it in the task data (the buffer is shared, not copied). */
export interface SharedBackendHealth {
  buffer: SharedArrayBuffer;
  backends: readonly string[];
}

/** The table: created by main, attached to by workers. */
export class BackendHealth {
  readonly shared: SharedBackendHealth;
  private readonly words: Int32Array;
  private readonly indexes: Map<string, number>;

  private constructor(shared: SharedBackendHealth) {
    this.shared = shared;
    this.words = new Int32Array(shared.buffer);
    this.indexes = new Map(shared.backends.map((name, i) => [name, i]));
  }

  /** Every backend up (main thread). */
  static create(backends: readonly string[]): BackendHealth {
    return new BackendHealth({ buffer: new SharedArrayBuffer(Math.max(1, backends.length) * Int32Array.BYTES_PER_ELEMENT), backends: [...backends] });
  }

  /** The same table in another thread, from `health.shared` posted there. */
  static attach(shared: SharedBackendHealth): BackendHealth {
    return new BackendHealth(shared);
  }

  /** The index of backend `name` (-1 for an unknown name). */
  index(name: string): number {
    return this.indexes.get(name) ?? -1;
  }

  /** False from a failed connect until a probe connected again. */
  up(index: number): boolean {
    return (Atomics.load(this.words, index) & 1) === 0;
  }

  /** Every backend's state by name (the metrics exposition). */
  snapshot(): Record<string, boolean> {
    const out: Record<string, boolean> = {};
    this.shared.backends.forEach((name, i) => (out[name] = this.up(i)));
    return out;
  }

  /** A connect to the backend failed (any thread). */
  markDown(index: number): void {
    for (;;) {
      const seen = Atomics.load(this.words, index);
      if (Atomics.compareExchange(this.words, index, seen, (((seen >>> 1) + 1) << 1) | 1) === seen) return;
    }
  }

  /** The word a probe reads before connecting and hands to markUp. */
  state(index: number): number {
    return Atomics.load(this.words, index);
  }

  /** A probe that started at `seen` connected: up, unless a connect failed since. True when it was marked up. */
  markUp(index: number, seen: number): boolean {
    return Atomics.compareExchange(this.words, index, seen, seen & ~1) === seen;
  }
}
