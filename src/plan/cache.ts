// The plan cache: analyses by template, so that a statement repeated with other literal values skips
// parsing and analysis and only binds its values (about a microsecond).
//
// The key is the template's 32-bit hash (computed while scanning for literals, so a hit builds no
// template text); the entry's template is then compared with the statement in place (sameTemplate),
// so a hash collision costs a miss, never a wrong plan.
import type { Analysis } from './analyze';
import { sameTemplate, type Bound } from './template';

/** What the cache holds for a template: its analysis, or KEEP_LITERALS for a template that does not
 *  parse with its literals taken out (planned with every literal kept in the text instead). */
export const KEEP_LITERALS = 'keep-literals';
type Cached = Analysis | typeof KEEP_LITERALS;

interface Entry {
  value: Cached;
  schema: string;
  /** The template compared on a hit (the analysis's, or the statement's for KEEP_LITERALS). */
  check: Analysis['template'];
  /** Used since it last came to the front of the eviction order (CLOCK's reference bit). */
  used: boolean;
  /** Another template with the same hash. */
  next: Entry | null;
}

/**
 * A bounded map of template -> analysis. Eviction is CLOCK, the usual approximation of least recently
 * used: a hit only sets a flag (no Map reordering on the hot path); when full, entries at the front
 * that were used get a second chance at the back, and the first unused one is evicted.
 */
export class PlanCache {
  private readonly map = new Map<number, Entry>();
  /** Lookups that found an analysis / that did not (read by tests and metrics). */
  hits = 0;
  misses = 0;

  constructor(readonly maxEntries = 10000) {}

  get size(): number {
    return this.map.size;
  }

  /** What is cached for the statement's template on schema `schema` (marked as used), if anything. */
  get(b: Bound, schema: string): Cached | undefined {
    for (let e: Entry | null = this.map.get(b.hash) ?? null; e !== null; e = e.next) {
      if (e.schema !== schema || !sameTemplate(e.check, b)) continue;
      this.hits++;
      e.used = true;
      return e.value;
    }
    this.misses++;
    return undefined;
  }

  set(b: Bound, schema: string, value: Cached, check: Analysis['template']): void {
    const head = this.map.get(b.hash);
    this.map.set(b.hash, { value, schema, check, used: false, next: head ?? null });
    while (this.map.size > this.maxEntries) {
      const [k, e] = this.map.entries().next().value as [number, Entry];
      this.map.delete(k);
      if (!e.used || k === b.hash) continue;
      e.used = false;
      this.map.set(k, e);
    }
  }

  clear(): void {
    this.map.clear();
  }
}
