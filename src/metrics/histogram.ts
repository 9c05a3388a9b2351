// The fixed log-linear bucket scheme of the shared latency histograms (values in whole microseconds).
//
//   values 0 .. 31            one bucket per value (exact)
//   values [2^k, 2^(k+1))     16 equal buckets of width 2^(k-4), for k = 5 .. 30
//   values >= 2^31 - 1        clamped into the last bucket (about 35 minutes)
//
// So a bucket is at most 1/16 of its lower bound wide; a percentile reported as the bucket's middle
// is within 1/32 (3.2 %) of the true sample value, and never above the recorded maximum. The bucket
// edges fall on powers of two, so the Prometheus exposition can publish cumulative counts at every
// 2^k microseconds exactly. 448 buckets; a recording is two Math ops and a few float adds.

const SUB_BITS = 4;
const SUB_COUNT = 1 << SUB_BITS; // 16 buckets per octave
const LINEAR_LIMIT = SUB_COUNT * 2; // 0..31 are exact
const MAX_VALUE = 0x7fffffff;

/** Number of buckets. */
export const BUCKET_COUNT = LINEAR_LIMIT + (30 - 5 + 1) * SUB_COUNT; // 448

/** Bucket of a latency in microseconds (fractions truncated, negatives count as 0). */
export function bucketOf(micros: number): number {
  const v = micros >= MAX_VALUE ? MAX_VALUE : micros > 0 ? micros | 0 : 0;
  if (v < LINEAR_LIMIT) return v;
  const k = 31 - Math.clz32(v); // floor(log2 v), 5..30
  return LINEAR_LIMIT + (k - 5) * SUB_COUNT + ((v >>> (k - SUB_BITS)) & (SUB_COUNT - 1));
}

/** Smallest value that falls in bucket b. */
export function bucketLow(b: number): number {
  if (b < LINEAR_LIMIT) return b;
  const k = 5 + ((b - LINEAR_LIMIT) >> SUB_BITS);
  const sub = (b - LINEAR_LIMIT) & (SUB_COUNT - 1);
  return 2 ** k + sub * 2 ** (k - SUB_BITS);
}

/** Largest value that falls in bucket b. */
export function bucketHigh(b: number): number {
  return b + 1 >= BUCKET_COUNT ? MAX_VALUE : bucketLow(b + 1) - 1;
}

/**
 * The q-quantile (0 < q <= 1) of the counts in `buckets` [offset, offset + BUCKET_COUNT): the middle
 * of the bucket holding the ceil(q * count)-th smallest sample, capped at `max`. 0 when empty.
 */
export function quantile(buckets: Float64Array, offset: number, count: number, max: number, q: number): number {
  if (count <= 0) return 0;
  const rank = Math.max(1, Math.ceil(q * count));
  let seen = 0;
  for (let b = 0; b < BUCKET_COUNT; b++) {
    seen += buckets[offset + b];
    if (seen >= rank) return Math.min((bucketLow(b) + bucketHigh(b)) / 2, max);
  }
  return max;
}

/**
 * Bounds (microseconds) at which the exposition publishes cumulative counts: `buckets` leading buckets
 * hold exactly the samples below `le` = 2^k (samples are truncated to whole microseconds first).
 */
export const EXPOSITION_BOUNDS: readonly { le: number; buckets: number }[] = (() => {
  const out: { le: number; buckets: number }[] = [];
  for (let k = 5; k <= 30; k++) out.push({ le: 2 ** k, buckets: LINEAR_LIMIT + (k - 5) * SUB_COUNT });
  return out;
})();
