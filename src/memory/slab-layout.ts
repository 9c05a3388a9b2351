// The shape of the slab pool's shared memory: size classes, pages, and where each control word sits.
//
// The pool is `pages` pages of PAGE_BYTES (1 MiB, the largest class). A free page is claimed by one
// size class and cut into equal slabs; when its last slab is freed it becomes free again, so memory
// moves between classes as the load changes. A request larger than a page takes a span: that many
// consecutive free pages, each marked SPAN_STATE, all freed together. Two SharedArrayBuffers:
//
//   control (Int32):  header[HEADER_WORDS] | state[pages] | bitmap[pages * BITMAP_WORDS]
//   data:             page 0 | page 1 | ... | page pages-1          (PAGE_BYTES each)
//
// state[p] packs a page's class and reserved-slab count in one word, so one compareExchange moves
// both:  0 = free page;  SPAN_STATE = part of a span;  otherwise (class + 1) << CLASS_SHIFT | reserved.
// bitmap[p]: bit i set = slab i of page p is handed out (the first `slabsPerPage(class)` bits count).

/** Bytes of one page: the largest slab. */
export const PAGE_BYTES = 1 << 20;

/** Slab sizes, smallest first. A request gets the smallest class that holds it. */
export const SLAB_SIZES: readonly number[] = [4096, 16384, 65536, 262144, PAGE_BYTES];

/** The smallest slab: byte counts in the header are kept in these units so they fit an Int32. */
export const UNIT_BYTES = SLAB_SIZES[0];

/** Words of bitmap per page: enough bits for the smallest class (256 slabs of 4 KiB). */
export const BITMAP_WORDS = PAGE_BYTES / UNIT_BYTES / 32;

/** Bits of state[p] below the class: the reserved count (at most 256). */
export const CLASS_SHIFT = 16;
export const COUNT_MASK = (1 << CLASS_SHIFT) - 1;

/** The size class of a span of whole pages (Slab.sizeClass), one past the slab classes. */
export const SPAN_CLASS = SLAB_SIZES.length;

/** state[p] of a page that belongs to a span: never 0 and never a slab class's tag. */
export const SPAN_STATE = ((SPAN_CLASS + 1) << CLASS_SHIFT) | 1;

/** Header words (Int32 indexes into control). */
export const enum Header {
  /** UNIT_BYTES units handed out now, over all threads. */
  UnitsInUse,
  /** Allocations that had to wait (waitFor found the pool exhausted). */
  Waits,
  /** Requests given up: allocate() found no room, or a query was over its share. */
  Refusals,
  /** Bumped on every release; waiters sleep on it with Atomics.waitAsync. */
  ReleaseGeneration,
  /** Threads with at least one pending waitFor: release() notifies only when > 0. */
  Sleepers,
  /** Where the search for a page with room starts, one word per class (a hint: any value is safe). */
  Hints,
  HEADER_WORDS = Hints + 5,
}

/** The shared memory of one pool: created by main, posted to each worker in its task data. */
export interface SharedSlabPool {
  control: SharedArrayBuffer;
  data: SharedArrayBuffer;
  pages: number;
}

/** The class for `bytes`, or -1 when no slab is that large. */
export function classFor(bytes: number): number {
  for (let c = 0; c < SLAB_SIZES.length; c++) if (bytes <= SLAB_SIZES[c]) return c;
  return -1;
}

/** Slabs one page of class c holds. */
export function slabsPerPage(c: number): number {
  return PAGE_BYTES / SLAB_SIZES[c];
}

/** Int32 offset of page p's state word. */
export function stateIndex(p: number): number {
  return Header.HEADER_WORDS + p;
}

/** Int32 offset of page p's first bitmap word. */
export function bitmapIndex(pages: number, p: number): number {
  return Header.HEADER_WORDS + pages + p * BITMAP_WORDS;
}

/** Control words a pool of `pages` pages needs. */
export function controlWords(pages: number): number {
  return Header.HEADER_WORDS + pages + pages * BITMAP_WORDS;
}
