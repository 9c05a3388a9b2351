// Where a shard key value lives: the placement formulas of README "Configuration", exactly.
//
// With P partitions and N = tablesPerPartition, a value is placed by its target index g:
//   g = f(key) mod (P × N),  partition = g div N,  table = g mod N   (physical table TABLE_{g mod N} when N > 1)
// where f is, per algorithm:
//   mod   the key's integer value (mod taken as a non-negative remainder: -1 mod 4 = 3);
//   hash  CRC-32 (IEEE, as zlib and MySQL's CRC32()) of the UTF-8 bytes of the key's canonical text:
//         an integer (or a string holding one, like '007') as its decimal digits ("7"); any other
//         string with trailing spaces removed, accents removed (Unicode NFD, marks dropped) and
//         lower-cased, so that 'Alice', 'ALICE ' and 'Àlice' route alike, as utf8mb4_general_ci compares them;
//   date  of a 'YYYY-MM-DD[ hh:mm:ss]' value: day -> MySQL's TO_DAYS(date), month -> year × 12 + month - 1,
//         year -> year;
//   range the `partition` of the first bound with key < lt (used as g directly);
//   list  the index the key's value is mapped to (values compared as the hash canonical text; used as g).
import type { TableRule } from '../config/types';
import type { ParamValue } from './types';

/** A sharded table's rule (the config type narrowed). */
export type ShardRule = Extract<TableRule, { kind: 'sharded' }>;

/** Where one value goes: a target index, nowhere (no row can hold it), or anywhere (cannot tell). */
export type Placement = number | 'none' | 'all';

const CRC_TABLE = (() => {
  const t = new Int32Array(256);
  for (let n = 0; n < 256; n++) {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
    t[n] = c;
  }
  return t;
})();

/** CRC-32 (IEEE 802.3), unsigned: crc32(Buffer.from('123456789')) === 0xcbf43926. */
export function crc32(bytes: Uint8Array): number {
  let c = -1;
  for (let i = 0; i < bytes.length; i++) c = CRC_TABLE[(c ^ bytes[i]) & 0xff] ^ (c >>> 8);
  return (c ^ -1) >>> 0;
}

const INTEGER_TEXT = /^\s*([+-]?)0*(\d+)(?:\.0*)?\s*$/;

/** The key's integer value, or null when it holds no integer (5.5, 'abc', NULL). */
export function integerValue(v: ParamValue): bigint | null {
  if (typeof v === 'bigint') return v;
  if (typeof v === 'number') return Number.isInteger(v) ? BigInt(v) : null;
  if (v === null) return null;
  const m = INTEGER_TEXT.exec(typeof v === 'string' ? v : v.toString('utf8'));
  return m ? BigInt(m[1] + m[2]) : null;
}

/** CRC-32 of the UTF-8 bytes of s: read from its char codes while it is ASCII (no Buffer made). */
export function crc32Utf8(s: string): number {
  let c = -1;
  for (let i = 0; i < s.length; i++) {
    const ch = s.charCodeAt(i);
    if (ch >= 0x80) return crc32(Buffer.from(s, 'utf8'));
    c = CRC_TABLE[(c ^ ch) & 0xff] ^ (c >>> 8);
  }
  return (c ^ -1) >>> 0;
}

/** The canonical text the hash and list algorithms compare (see the file comment). */
export function canonicalText(v: ParamValue): string | null {
  if (v === null) return null;
  // A shard key's usual values, without the BigInt or the RegExp: a safe integer prints as its BigInt
  // does, and a string starting with an ASCII letter holds no integer (INTEGER_TEXT needs a space, a sign or a digit first).
  if (typeof v === 'number' && Number.isSafeInteger(v)) return String(v);
  const c0 = typeof v === 'string' ? v.charCodeAt(0) | 32 : 0;
  const i = c0 >= 97 && c0 <= 122 ? null : integerValue(v);
  if (i !== null) return i.toString();
  if (typeof v === 'number') return String(v);
  let s = Buffer.isBuffer(v) ? v.toString('utf8') : String(v);
  let end = s.length;
  while (end > 0 && s.charCodeAt(end - 1) === 32) end--;
  if (end < s.length) s = s.slice(0, end);
  // eslint-disable-next-line no-control-regex
  if (/[^\x00-\x7f]/.test(s)) s = s.normalize('NFD').replace(/\p{M}/gu, '');
  return s.toLowerCase();
}

/** MySQL's TO_DAYS(y-m-d) (calc_daynr in sql-common/my_time.c). */
export function toDays(y: number, m: number, d: number): number {
  if (y === 0 && m === 0) return 0;
  let delsum = 365 * y + 31 * (m - 1) + d;
  if (m <= 2) y--;
  else delsum -= Math.floor((m * 4 + 23) / 10);
  const temp = Math.floor(((Math.floor(y / 100) + 1) * 3) / 4);
  return delsum + Math.floor(y / 4) - temp;
}

const DATE_TEXT = /^\s*(\d{4})-(\d{1,2})-(\d{1,2})(?:[ T].*)?\s*$/;
const DATE_DIGITS = /^\s*(\d{4})(\d{2})(\d{2})(?:\d{6})?\s*$/;

/** f(key) of the date algorithm, or null when the value is no date. */
export function dateNumber(v: ParamValue, unit: 'day' | 'month' | 'year'): number | null {
  if (v === null) return null;
  const s = typeof v === 'string' ? v : v.toString();
  const m = DATE_TEXT.exec(s) ?? DATE_DIGITS.exec(s);
  if (!m) return null;
  const y = Number(m[1]);
  const mo = Number(m[2]);
  const d = Number(m[3]);
  if (mo < 1 || mo > 12 || d < 1 || d > 31) return null;
  if (unit === 'year') return y;
  if (unit === 'month') return y * 12 + mo - 1;
  return toDays(y, mo, d);
}

function numberValue(v: ParamValue): number | null {
  if (v === null) return null;
  if (typeof v === 'number') return v;
  if (typeof v === 'bigint') return Number(v);
  const s = typeof v === 'string' ? v : v.toString('utf8');
  if (!/^\s*[+-]?(\d+\.?\d*|\.\d+)(e[+-]?\d+)?\s*$/i.test(s)) return null;
  return Number(s);
}

function modTarget(i: bigint, total: number): number {
  const t = BigInt(total);
  return Number(((i % t) + t) % t);
}

/** A list rule's values by canonical text (the first one listed wins), made once per rule. */
const LIST_INDEXES = new WeakMap<ShardRule, Map<string, number>>();
function listIndex(rule: ShardRule): Map<string, number> {
  let m = LIST_INDEXES.get(rule);
  if (m === undefined) {
    m = new Map();
    for (const [value, index] of Object.entries(rule.values ?? {})) {
      const key = canonicalText(value)!;
      if (!m.has(key)) m.set(key, index);
    }
    LIST_INDEXES.set(rule, m);
  }
  return m;
}

/** The target index g of one key value under `rule` with `partitions` partitions. */
export function placeValue(rule: ShardRule, partitions: number, v: ParamValue): Placement {
  if (v === null) return 'none';
  const total = partitions * rule.tablesPerPartition;
  switch (rule.algorithm) {
    case 'mod': {
      if (typeof v === 'number' && Number.isSafeInteger(v)) return ((v % total) + total) % total;
      const i = integerValue(v);
      if (i !== null) return modTarget(i, total);
      return numberValue(v) === null ? 'all' : 'none';
    }
    case 'hash':
      return crc32Utf8(canonicalText(v)!) % total;
    case 'date': {
      const n = dateNumber(v, rule.dateUnit ?? 'day');
      return n === null ? 'all' : modTarget(BigInt(n), total);
    }
    case 'range': {
      const n = numberValue(v);
      if (n === null) return 'all';
      for (const r of rule.ranges ?? []) if (n < r.lt) return r.partition;
      return 'none';
    }
    case 'list':
      return listIndex(rule).get(canonicalText(v)!) ?? 'none';
  }
}

/**
 * A bound of a key interval as a number in the algorithm's order: the value itself for range keys,
 * f(key) for date keys; null when the algorithm cannot narrow intervals or the value is unusable.
 */
export function boundNumber(rule: ShardRule, v: ParamValue): number | null {
  if (rule.algorithm === 'range') return numberValue(v);
  if (rule.algorithm === 'date') return dateNumber(v, rule.dateUnit ?? 'day');
  return null;
}

/**
 * The targets the inclusive interval [lo, hi] of bound numbers touches (±Infinity: unbounded), or
 * 'all'. Only range and date keys narrow; bounds are taken as inclusive (a target too many is
 * harmless, one too few would lose rows).
 */
export function placeInterval(rule: ShardRule, partitions: number, lo: number, hi: number): Set<number> | 'all' {
  const total = partitions * rule.tablesPerPartition;
  const out = new Set<number>();
  if (rule.algorithm === 'range') {
    let below = -Infinity;
    for (const r of rule.ranges ?? []) {
      if (lo < r.lt && hi >= below) out.add(r.partition);
      below = r.lt;
    }
    return out;
  }
  if (rule.algorithm !== 'date' || !Number.isFinite(lo) || !Number.isFinite(hi)) return 'all';
  if (hi - lo + 1 >= total) return 'all';
  for (let n = lo; n <= hi; n++) out.add(modTarget(BigInt(n), total));
  return out;
}
