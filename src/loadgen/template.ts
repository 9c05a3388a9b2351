// Statement templates: SQL text with placeholders that each request fills with fresh random values.
//
//   {table}      a table number, 1..--tables              (stays literal text in prepared statements)
//   {table2}     the table after {table}, wrapping         (ditto; for two-table joins)
//   {id} {k}     an integer 1..--table-size
//   {int:A:B}    an integer A..B
//   {c} {pad}    sysbench-style strings of 120 and 60 characters (groups of 11 digits joined by '-')
//   {str:N}      N random letters and digits
//
// A placeholder name drawn twice in one statement has the same value both times, so
// `id BETWEEN {id} AND {id}+99` is a range. With --prepared every value placeholder becomes a `?`
// parameter (a quoted one, `'{c}'`, loses its quotes) bound as LONGLONG or VAR_STRING.

/** A small deterministic PRNG (mulberry32): cheap, and seeded per connection. */
export function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Sizes the placeholders draw from (the sysbench schema's --tables and --table-size). */
export interface TemplateScope {
  tables: number;
  tableSize: number;
}

/** How one distinct placeholder draws its value. */
type Draw =
  | { kind: 'int'; lo: number; hi: number }
  | { kind: 'digits'; len: number }
  | { kind: 'alnum'; len: number };

/** A value placeholder of a compiled template: `key` identifies equal names within a statement. */
interface ValueSlot {
  key: number;
}

/** A template compiled once: literal parts around its slots, in order. */
export interface Template {
  source: string;
  /** Literal text; parts[i] comes before slots[i], the last part after the last slot. */
  parts: string[];
  /** 'table' | 'table2' | a value slot. */
  slots: ('table' | 'table2' | ValueSlot)[];
  /** Whether slot i was written in single quotes (the quotes are kept in parts, dropped when prepared). */
  quoted: boolean[];
  /** The distinct value placeholders, indexed by ValueSlot.key. */
  draws: Draw[];
}

const PLACEHOLDER = /\{(table2?|id|k|c|pad|int:-?\d+:-?\d+|str:\d+)\}/g;

/** Compiles a template; unknown `{...}` names are left as text (they may be SQL, e.g. JSON). */
export function compileTemplate(source: string, scope: TemplateScope): Template {
  const parts: string[] = [];
  const slots: Template['slots'] = [];
  const quoted: boolean[] = [];
  const draws: Draw[] = [];
  const keys = new Map<string, number>();
  let last = 0;
  for (const m of source.matchAll(PLACEHOLDER)) {
    const name = m[1];
    const at = m.index!;
    parts.push(source.slice(last, at));
    last = at + m[0].length;
    quoted.push(source[at - 1] === "'" && source[last] === "'");
    if (name === 'table' || name === 'table2') {
      slots.push(name);
      continue;
    }
    let key = keys.get(name);
    if (key === undefined) {
      key = draws.length;
      keys.set(name, key);
      draws.push(drawOf(name, scope));
    }
    slots.push({ key });
  }
  parts.push(source.slice(last));
  return { source, parts, slots, quoted, draws };
}

function drawOf(name: string, scope: TemplateScope): Draw {
  if (name === 'id' || name === 'k') return { kind: 'int', lo: 1, hi: scope.tableSize };
  if (name === 'c') return { kind: 'digits', len: 120 };
  if (name === 'pad') return { kind: 'digits', len: 60 };
  const [kind, a, b] = name.split(':');
  if (kind === 'str') return { kind: 'alnum', len: Number(a) };
  const lo = Number(a), hi = Number(b);
  if (hi < lo) throw new Error(`placeholder {${name}}: the upper bound is below the lower bound`);
  return { kind: 'int', lo, hi };
}

const ALNUM = 'abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789';

/** Draws one value. Strings contain no quotes or backslashes, so they splice into SQL text safely. */
export function drawValue(d: Draw, random: () => number): number | string {
  switch (d.kind) {
    case 'int':
      return d.lo + Math.floor(random() * (d.hi - d.lo + 1));
    case 'digits': {
      let s = '';
      while (s.length < d.len) {
        if (s.length > 0) s += '-';
        s += String(Math.floor(random() * 1e11)).padStart(11, '0');
      }
      return s.slice(0, d.len);
    }
    case 'alnum': {
      let s = '';
      for (let i = 0; i < d.len; i++) s += ALNUM[Math.floor(random() * ALNUM.length)];
      return s;
    }
  }
}

/** The number of the table a request uses, 1..tables. */
export function drawTable(scope: TemplateScope, random: () => number): number {
  return 1 + Math.floor(random() * scope.tables);
}

function nextTable(table: number, scope: TemplateScope): number {
  return (table % scope.tables) + 1;
}

/** Fills a template for the text protocol. `values` is scratch space, reused by the caller. */
export function fillText(t: Template, scope: TemplateScope, random: () => number, values: (number | string)[]): string {
  const table = drawTable(scope, random);
  for (let i = 0; i < t.draws.length; i++) values[i] = drawValue(t.draws[i], random);
  let sql = t.parts[0];
  for (let i = 0; i < t.slots.length; i++) {
    const s = t.slots[i];
    sql += (s === 'table' ? table : s === 'table2' ? nextTable(table, scope) : values[s.key]) + t.parts[i + 1];
  }
  return sql;
}

/** A template specialised for one table as a prepared statement: SQL with `?` and the parameters' draws. */
export interface PreparedShape {
  sql: string;
  /** For each `?` in order, the index into Template.draws. */
  params: number[];
}

/** The prepared-statement text of a template for table number `table`. */
export function preparedShape(t: Template, table: number, scope: TemplateScope): PreparedShape {
  const params: number[] = [];
  let sql = '';
  for (let i = 0; i < t.slots.length; i++) {
    const s = t.slots[i];
    let before = i === 0 ? t.parts[0] : '';
    if (s === 'table' || s === 'table2') {
      sql += before + (s === 'table' ? table : nextTable(table, scope));
    } else {
      if (t.quoted[i]) before = before.slice(0, -1);
      sql += before + '?';
      params.push(s.key);
    }
    let after = t.parts[i + 1];
    if (s !== 'table' && s !== 'table2' && t.quoted[i]) after = after.slice(1);
    // The text after slot i is the text before slot i+1: emit it here, trimmed as slot i+1 needs.
    const next = t.slots[i + 1];
    if (next !== undefined && next !== 'table' && next !== 'table2' && t.quoted[i + 1]) after = after.slice(0, -1);
    sql += after;
  }
  if (t.slots.length === 0) sql = t.parts[0];
  return { sql, params };
}
