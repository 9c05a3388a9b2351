// The plan cache: analyses by template key, so that a statement repeated with other literal values
// skips parsing and analysis and only binds its values (a few microseconds).
import type { Analysis } from './analyze';

/** A bounded map of template key -> analysis, least recently used evicted first. */
export class PlanCache {
  private readonly map = new Map<string, Analysis>();
  /** Lookups that found an analysis / that did not (read by tests and metrics). */
  hits = 0;
  misses = 0;

  constructor(readonly maxEntries = 10000) {}

  get size(): number {
    return this.map.size;
  }

  /** The analysis cached under `key` (marked as recently used), if any. */
  get(key: string): Analysis | undefined {
    const a = this.map.get(key);
    if (a === undefined) {
      this.misses++;
      return undefined;
    }
    this.hits++;
    this.map.delete(key);
    this.map.set(key, a);
    return a;
  }

  set(key: string, a: Analysis): void {
    this.map.set(key, a);
    if (this.map.size > this.maxEntries) this.map.delete(this.map.keys().next().value as string);
  }

  clear(): void {
    this.map.clear();
  }
}
