// Collects validation problems as "key.path: what is wrong" lines, and names values the way users wrote them.

/** Accumulates problems while a configuration is resolved; resolution keeps going so that every problem is reported. */
export class Problems {
  readonly lines: string[] = [];

  /** Records a problem at a key path ("" for the top level, where the message stands alone). */
  add(path: string, message: string): void {
    this.lines.push(path ? `${path}: ${message}` : message);
  }

  get count(): number {
    return this.lines.length;
  }
}

/** The path of a mapping key or a list item below `base`: "a.b", "a[2]", or just the key at the top. */
export function child(base: string, key: string | number): string {
  if (typeof key === 'number') return `${base}[${key}]`;
  return base ? `${base}.${key}` : key;
}

/** A value as the user wrote it, for "(got …)": strings quoted, lists and mappings named. */
export function show(value: unknown): string {
  if (typeof value === 'string') return JSON.stringify(value);
  if (Array.isArray(value)) return 'a list';
  if (value !== null && typeof value === 'object') return 'a mapping';
  return String(value);
}

/** Names as a sorted, comma-separated list for "(known: …)"; "none" when empty. */
export function known(names: Iterable<string>): string {
  const list = [...names].sort();
  return list.length ? list.join(', ') : 'none';
}

/** The closest candidate to a misspelt word, if one is close enough to be a likely typo. */
export function closest(word: string, candidates: Iterable<string>): string | undefined {
  let best: string | undefined;
  let bestDistance = Infinity;
  const lower = word.toLowerCase();
  for (const candidate of candidates) {
    const d = editDistance(lower, candidate.toLowerCase());
    if (d < bestDistance) {
      best = candidate;
      bestDistance = d;
    }
  }
  const allowed = Math.ceil(Math.max(word.length, 3) / 3);
  return bestDistance <= allowed ? best : undefined;
}

/** " (did you mean "x"?)" when a candidate is close, else "". */
export function didYouMean(word: string, candidates: Iterable<string>): string {
  const guess = closest(word, candidates);
  return guess === undefined ? '' : ` (did you mean "${guess}"?)`;
}

/** Levenshtein distance with adjacent transpositions counted as one edit. */
function editDistance(a: string, b: string): number {
  const rows = a.length + 1;
  const cols = b.length + 1;
  const d: number[] = new Array(rows * cols);
  for (let i = 0; i < rows; i++) d[i * cols] = i;
  for (let j = 0; j < cols; j++) d[j] = j;
  for (let i = 1; i < rows; i++) {
    for (let j = 1; j < cols; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      let v = Math.min(d[(i - 1) * cols + j] + 1, d[i * cols + j - 1] + 1, d[(i - 1) * cols + j - 1] + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) {
        v = Math.min(v, d[(i - 2) * cols + j - 2] + 1);
      }
      d[i * cols + j] = v;
    }
  }
  return d[rows * cols - 1];
}
