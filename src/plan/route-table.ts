// The verbatim routes learned so far, by byte template (byte-template.ts): for each template, where
// its statements go when they go to one partition exactly as written, or that they do not.
//
// The key is the scan's 32-bit hash; an entry keeps its template's bytes outside the literals, so a
// lookup compares the statement with it in place and a hash collision costs a miss, never a wrong
// route. Bounded by estimated bytes with CLOCK eviction (clock-map.ts), as the plan cache is.
import type { ShardedSchema } from '../config/types';
import { scanned } from './byte-template';
import { ClockMap, type ClockEntry } from './clock-map';
import type { ShardRule } from './placement';

/** Where a statement that goes to one partition as written goes, and whether it must run on the primary. */
export interface VerbatimRoute {
  readonly partition: number;
  readonly primary: boolean;
}

/** What is known of a template's statements: how to find their partition, or null (planned the usual way). */
export type RouteTarget =
  | { k: 'one'; route: VerbatimRoute }
  | { k: 'key'; rule: ShardRule; literal: number; primary: boolean; routes: VerbatimRoute[] }
  | null;

/** Estimated heap bytes of an entry besides its template bytes (the entry, its arrays, the Map slot). */
const ENTRY_BYTES = 240;

interface Entry extends ClockEntry<Entry> {
  schema: ShardedSchema;
  /** The template's bytes outside its literals, one after the other. */
  text: Uint8Array;
  /** Per literal: its offset in `text` (where it sat), and its ByteLiteral kind. */
  at: Int32Array;
  kinds: Uint8Array;
  target: RouteTarget;
}

/** The route targets of byte templates, bounded by estimated bytes (see the file comment). */
export class RouteTable {
  private readonly entries: ClockMap<Entry>;

  /** onResize: told every change of the estimated bytes held (the worker's plan-cache gauge counts routes too). */
  constructor(maxBytes: number, onResize?: (delta: number) => void) {
    this.entries = new ClockMap(maxBytes, onResize);
  }

  get size(): number {
    return this.entries.size;
  }

  /** The target for the template of the statement `scanned` last read from bytes[start, end), if known (marked as used). */
  get(bytes: Uint8Array, start: number, end: number, schema: ShardedSchema): RouteTarget | undefined {
    for (let e = this.entries.chain(scanned.hash); e !== null; e = e.next) {
      if (e.schema !== schema || !sameBytes(e, bytes, start, end)) continue;
      e.used = true;
      return e.target;
    }
    return undefined;
  }

  /** Records `target` for the template of the statement `scanned` last read from bytes[start, end). */
  set(bytes: Uint8Array, start: number, end: number, schema: ShardedSchema, target: RouteTarget): void {
    const n = scanned.count;
    const at = new Int32Array(n);
    let size = end - start;
    for (let l = 0; l < n; l++) size -= scanned.spans[2 * l + 1] - scanned.spans[2 * l];
    const text = new Uint8Array(size);
    let pos = 0;
    let from = start;
    for (let l = 0; l <= n; l++) {
      const to = l < n ? scanned.spans[2 * l] : end;
      text.set(bytes.subarray(from, to), pos);
      pos += to - from;
      if (l < n) {
        at[l] = pos;
        from = scanned.spans[2 * l + 1];
      }
    }
    const kinds = scanned.kinds.slice(0, n);
    this.entries.add(scanned.hash, { schema, text, at, kinds, target, bytes: ENTRY_BYTES + text.length + 5 * n, used: false, next: null });
  }

  clear(): void {
    this.entries.clear();
  }
}

/** Is bytes[start, end), cut at `scanned`'s literals, the entry's template (literal kinds included)? */
function sameBytes(e: Entry, bytes: Uint8Array, start: number, end: number): boolean {
  const n = scanned.count;
  if (e.at.length !== n) return false;
  const text = e.text;
  let pos = 0;
  let from = start;
  for (let l = 0; l <= n; l++) {
    const to = l < n ? scanned.spans[2 * l] : end;
    const stop = pos + to - from;
    if (stop !== (l < n ? e.at[l] : text.length)) return false;
    for (; pos < stop; pos++, from++) if (text[pos] !== bytes[from]) return false;
    if (l < n) {
      if (e.kinds[l] !== scanned.kinds[l]) return false;
      from = scanned.spans[2 * l + 1];
    }
  }
  return true;
}
