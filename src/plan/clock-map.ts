// A hash-keyed map bounded by estimated bytes, the storage of the plan cache and the route table.
// Entries with the same 32-bit hash are chained (the owner compares each with its key). Eviction is
// CLOCK, the usual approximation of least recently used: a hit only sets a flag (no Map reordering
// on the hot path); when over the bound, entries at the front that were used get a second chance at
// the back, and the first unused one is evicted with its chain.

/** What ClockMap needs of an entry. */
export interface ClockEntry<E> {
  /** Estimated heap bytes of the entry, counted in ClockMap.bytes while it is held. */
  bytes: number;
  /** Used since it last came to the front of the eviction order (CLOCK's reference bit). */
  used: boolean;
  /** Another entry with the same hash. */
  next: E | null;
}

/** Entries by hash, evicted CLOCK-wise to stay within maxBytes (see the file comment). */
export class ClockMap<E extends ClockEntry<E>> {
  private readonly map = new Map<number, E>();
  /** Estimated heap bytes of the entries held; never above maxBytes. */
  bytes = 0;

  /** onResize: told every change of `bytes` (a worker gauge); never called on a lookup. */
  constructor(
    readonly maxBytes: number,
    private readonly onResize?: (delta: number) => void,
  ) {}

  get size(): number {
    return this.map.size;
  }

  /** The first entry with this hash (follow `next` for the others), or null. */
  chain(hash: number): E | null {
    return this.map.get(hash) ?? null;
  }

  /** Adds e under hash (ahead of its chain), evicting others to stay within maxBytes; an entry larger than that is not kept. */
  add(hash: number, e: E): void {
    if (e.bytes > this.maxBytes) return;
    e.next = this.map.get(hash) ?? null;
    this.map.set(hash, e);
    this.resize(e.bytes);
    while (this.bytes > this.maxBytes) {
      const [k, first] = this.map.entries().next().value as [number, E];
      this.map.delete(k);
      if (!first.used || k === hash) {
        let freed = 0;
        for (let x: E | null = first; x !== null; x = x.next) freed += x.bytes;
        this.resize(-freed);
        continue;
      }
      first.used = false;
      this.map.set(k, first);
    }
  }

  clear(): void {
    this.map.clear();
    this.resize(-this.bytes);
  }

  private resize(delta: number): void {
    this.bytes += delta;
    this.onResize?.(delta);
  }
}
