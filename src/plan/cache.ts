// The plan cache: analyses by template, so that a statement repeated with other literal values skips
// parsing and analysis and only binds its values (about a microsecond).
//
// The key is the template's 32-bit hash (computed while scanning for literals, so a hit builds no
// template text); the entry's template is then compared with the statement in place (sameTemplate),
// so a hash collision costs a miss, never a wrong plan.
//
// The cache is bounded by an estimate of the heap its analyses hold, not by a count of entries: an
// analysis keeps its statement's AST and rewrite programs, a few KiB for a point select but megabytes
// for a multi-row INSERT of thousands of rows (each of its literals is a slot, an AST node and a
// program op). Statements longer than MAX_CACHED_SQL without `?` parameters are never cached
// (see plan/index.ts).
import type { Analysis } from './analyze';
import { ClockMap, type ClockEntry } from './clock-map';
import { RouteTable } from './route-table';
import { sameTemplate, type Bound } from './template';

/** What the cache holds for a template: its analysis, or KEEP_LITERALS for a template that does not
 *  parse with its literals taken out (planned with every literal kept in the text instead). */
export const KEEP_LITERALS = 'keep-literals';
type Cached = Analysis | typeof KEEP_LITERALS;

/** Statements longer than this (characters) and without parameters are planned without the plan cache. */
export const MAX_CACHED_SQL = 16 * 1024;

/** The default bound of one worker thread's plan cache: 32 MiB of estimated heap (thousands of templates). */
export const PLAN_CACHE_BYTES = 32 * 1024 * 1024;

/**
 * Estimated heap bytes of an entry for `template`. Measured (v8 heap after gc, per cached analysis)
 * at 60–200 bytes per template character and 280–900 per slot across point selects, joins, IN lists,
 * UPDATEs and multi-row INSERTs, plus ~3–6 KiB per analysis; this estimate stays within 2x above.
 */
export function entryBytes(template: Analysis['template'], analysed: boolean): number {
  return analysed ? 4096 + 48 * template.text.length + 400 * template.slots.length : 256 + 2 * template.text.length;
}

interface Entry extends ClockEntry<Entry> {
  value: Cached;
  schema: string;
  /** The template compared on a hit (the analysis's, or the statement's for KEEP_LITERALS). */
  check: Analysis['template'];
}

/**
 * A map of template -> analysis bounded by estimated bytes (CLOCK eviction, clock-map.ts), and the
 * verbatim routes learned from its analyses (verbatim-route.ts), bounded by a quarter of that again.
 */
export class PlanCache {
  private readonly entries: ClockMap<Entry>;
  /** Routes of statements that go to one partition as written, by byte template (verbatim-route.ts). */
  readonly routes: RouteTable;
  /** Lookups that found an analysis / that did not (read by tests and metrics). */
  hits = 0;
  misses = 0;

  /** onResize: told every change of `bytes` and of the routes' bytes (the worker's plan-cache gauge); never called on a hit. */
  constructor(
    readonly maxBytes = PLAN_CACHE_BYTES,
    onResize?: (delta: number) => void,
  ) {
    this.entries = new ClockMap(maxBytes, onResize);
    this.routes = new RouteTable(maxBytes / 4, onResize);
  }

  /** Estimated heap bytes of the cached analyses (entryBytes summed); never above maxBytes. */
  get bytes(): number {
    return this.entries.bytes;
  }

  get size(): number {
    return this.entries.size;
  }

  /** What is cached for the statement's template on schema `schema` (marked as used), if anything. */
  get(b: Bound, schema: string): Cached | undefined {
    for (let e = this.entries.chain(b.hash); e !== null; e = e.next) {
      if (e.schema !== schema || !sameTemplate(e.check, b)) continue;
      this.hits++;
      e.used = true;
      return e.value;
    }
    this.misses++;
    return undefined;
  }

  /** Caches value for b's template, evicting others to stay within maxBytes; an entry larger than that is not kept. */
  set(b: Bound, schema: string, value: Cached, check: Analysis['template']): void {
    this.entries.add(b.hash, { value, schema, check, bytes: entryBytes(check, value !== KEEP_LITERALS), used: false, next: null });
  }

  clear(): void {
    this.entries.clear();
    this.routes.clear();
  }
}
