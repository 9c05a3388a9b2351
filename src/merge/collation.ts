// String comparison by collation, over the raw bytes of text values, as MySQL compares them:
//   general_ci (33, 45): one weight per character — its uppercase base letter ('alice' = 'ALICE',
//     'é' = 'E'), characters outside the BMP all weigh U+FFFD; PAD SPACE (trailing spaces ignored).
//   *_bin (46, 83, 47): byte order (= code point order in UTF-8), PAD SPACE.
//   binary (63): byte order, no padding: 'a' < 'a '.
//   latin1_swedish_ci (8): MySQL's sort_order_latin1 table (Å, Ä, Ö after Z; Ü = Y), PAD SPACE.
//   unicode_ci / unicode_520_ci (192.., 224..): an approximation of UCA by Intl.Collator with
//     sensitivity 'base' (case- and accent-insensitive, UCA's order of punctuation, digits, letters).
//     Hash keys for it fold case and accents the same way. Planned merges do not rely on it: text
//     keys come with the shards' own WEIGHT_STRING (src/merge/weights.ts), exact for any collation.
// Each comparator also yields a key: equal keys <=> the collation calls the values equal (used by
// GROUP BY in memory and DISTINCT).
import { collationInfo } from '../protocol/collations';
import type { ValueComparator } from './value-comparator';

const SPACE = 0x20;

/** Length of the character decoded by the last weightAt() call, in bytes. */
let charLen = 1;

/** The weight of the character at p, setting charLen. One per collation family. */
type WeightAt = (b: Buffer, p: number, end: number) => number;

/** Decodes the UTF-8 character at p (malformed bytes decode as U+FFFD, one byte each). */
function utf8At(b: Buffer, p: number, end: number): number {
  const c = b[p];
  if (c < 0x80) {
    charLen = 1;
    return c;
  }
  if (c >= 0xc0 && c < 0xe0 && p + 1 < end) {
    charLen = 2;
    return ((c & 0x1f) << 6) | (b[p + 1] & 0x3f);
  }
  if (c >= 0xe0 && c < 0xf0 && p + 2 < end) {
    charLen = 3;
    return ((c & 0x0f) << 12) | ((b[p + 1] & 0x3f) << 6) | (b[p + 2] & 0x3f);
  }
  if (c >= 0xf0 && p + 3 < end) {
    charLen = 4;
    return ((c & 0x07) << 18) | ((b[p + 1] & 0x3f) << 12) | ((b[p + 2] & 0x3f) << 6) | (b[p + 3] & 0x3f);
  }
  charLen = 1;
  return 0xfffd;
}

/** general_ci weights of the BMP, computed on first use (0 = not yet; U+0000 recomputes cheaply). */
const generalWeights = new Uint16Array(0x10000);

function computeGeneralWeight(cp: number): number {
  if (cp === 0xdf) return 0x53; // ß weighs as S in general_ci
  let ch = String.fromCharCode(cp);
  // Letters of the alphabetic blocks lose their accents (NFD base letter); CJK and Hangul do not.
  if (cp >= 0xc0 && cp < 0x2000) {
    const nfd = ch.normalize('NFD');
    if (nfd.length > 1 && /^\p{M}+$/u.test(nfd.slice(1))) ch = nfd[0];
  }
  const up = ch.toUpperCase();
  return up.length === 1 ? up.charCodeAt(0) : ch.charCodeAt(0);
}

const generalAt: WeightAt = (b, p, end) => {
  const c = b[p];
  if (c < 0x80) {
    charLen = 1;
    return c >= 0x61 && c <= 0x7a ? c - 0x20 : c;
  }
  const cp = utf8At(b, p, end);
  if (cp > 0xffff) return 0xfffd;
  let w = generalWeights[cp];
  if (w === 0) w = generalWeights[cp] = computeGeneralWeight(cp);
  return w;
};

/** MySQL's sort_order_latin1 (latin1_swedish_ci): ASCII upper-cased, accented letters folded. */
const LATIN1_SWEDISH = (() => {
  const t = new Uint8Array(256);
  for (let i = 0; i < 256; i++) t[i] = i >= 0x61 && i <= 0x7a ? i - 0x20 : i;
  // 0xC0..0xDF; 0xE0..0xFF repeat it except 0xF7 (÷) and 0xFF (ÿ) stay themselves.
  const upper = [65, 65, 65, 65, 92, 91, 92, 67, 69, 69, 69, 69, 73, 73, 73, 73,
    68, 78, 79, 79, 79, 79, 93, 215, 216, 85, 85, 85, 89, 89, 222, 223];
  for (let i = 0; i < 32; i++) t[0xc0 + i] = t[0xe0 + i] = upper[i];
  t[0xf7] = 0xf7;
  t[0xff] = 0xff;
  return t;
})();

const latin1At: WeightAt = (b, p) => {
  charLen = 1;
  return LATIN1_SWEDISH[b[p]];
};

const byteAt: WeightAt = (b, p) => {
  charLen = 1;
  return b[p];
};

/** ASCII weights of the case-insensitive collations: letters upper-cased. */
const ASCII_CI = Uint8Array.from({ length: 128 }, (_, c) => (c >= 0x61 && c <= 0x7a ? c - 0x20 : c));
/** ASCII weights of the binary-ordered ones. */
const ASCII_BYTES = Uint8Array.from({ length: 128 }, (_, c) => c);

/**
 * A PAD SPACE comparator over per-character weights: the shorter value is padded with spaces.
 * `ascii` holds the weights of bytes below 0x80, compared inline (the common case) without a call.
 */
function padSpace(weightAt: WeightAt, ascii: Uint8Array): ValueComparator {
  return {
    compare(a, as, ae, b, bs, be) {
      let i = as, j = bs;
      while (i < ae && j < be) {
        const ca = a[i], cb = b[j];
        if (ca < 0x80 && cb < 0x80) {
          if (ca !== cb && ascii[ca] !== ascii[cb]) return ascii[ca] < ascii[cb] ? -1 : 1;
          i++;
          j++;
          continue;
        }
        const wa = weightAt(a, i, ae);
        i += charLen;
        const wb = weightAt(b, j, be);
        j += charLen;
        if (wa !== wb) return wa < wb ? -1 : 1;
      }
      for (; i < ae; i += charLen) {
        const w = weightAt(a, i, ae);
        if (w !== SPACE) return w < SPACE ? -1 : 1;
      }
      for (; j < be; j += charLen) {
        const w = weightAt(b, j, be);
        if (w !== SPACE) return w < SPACE ? 1 : -1;
      }
      return 0;
    },
    key(buf, s, e) {
      let key = '';
      let spaces = 0; // pending spaces: kept only if a non-space follows
      for (let i = s; i < e; i += charLen) {
        const w = weightAt(buf, i, e);
        if (w === SPACE) spaces++;
        else {
          if (spaces > 0) key += ' '.repeat(spaces);
          spaces = 0;
          key += String.fromCharCode(w);
        }
      }
      return key;
    },
  };
}

function trimEnd(buf: Buffer, s: number, e: number): number {
  while (e > s && buf[e - 1] === SPACE) e--;
  return e;
}

const BINARY: ValueComparator = {
  compare: (a, as, ae, b, bs, be) => a.compare(b, bs, be, as, ae),
  key: (buf, s, e) => buf.toString('latin1', s, e),
};

const BIN_PAD: ValueComparator = {
  compare: padSpace(byteAt, ASCII_BYTES).compare,
  key: (buf, s, e) => buf.toString('latin1', s, trimEnd(buf, s, e)),
};

const GENERAL_CI = padSpace(generalAt, ASCII_CI);
const LATIN1_CI = padSpace(latin1At, ASCII_CI);

const uca = new Intl.Collator('und', { sensitivity: 'base' });

const UNICODE_CI: ValueComparator = {
  compare(a, as, ae, b, bs, be) {
    return uca.compare(a.toString('utf8', as, trimEnd(a, as, ae)), b.toString('utf8', bs, trimEnd(b, bs, be)));
  },
  key(buf, s, e) {
    return buf.toString('utf8', s, trimEnd(buf, s, e)).normalize('NFKD').replace(/\p{M}/gu, '').toUpperCase();
  },
};

/** The comparator for string values of a column with this collation id (unknown ids: general_ci). */
export function collationComparator(id: number): ValueComparator {
  if (id === 63) return BINARY;
  const info = collationInfo(id);
  if (info?.name.endsWith('_bin')) return BIN_PAD;
  if (info?.charset === 'latin1') return LATIN1_CI; // latin1_german1_ci / general_ci: approximated by swedish
  if (info?.name.includes('unicode') || (id >= 192 && id <= 215) || (id >= 224 && id <= 247)) return UNICODE_CI;
  return GENERAL_CI;
}
