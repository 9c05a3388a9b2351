import { test } from 'node:test';
import assert from 'node:assert/strict';
import { BUCKET_COUNT, EXPOSITION_BOUNDS, bucketHigh, bucketLow, bucketOf, quantile } from '../../src/metrics/histogram';

test('buckets tile 0 .. 2^31-1 without gaps, and every value lands in the bucket that contains it', () => {
  assert.equal(bucketLow(0), 0);
  for (let b = 1; b < BUCKET_COUNT; b++) assert.equal(bucketLow(b), bucketHigh(b - 1) + 1, `bucket ${b}`);
  assert.equal(bucketHigh(BUCKET_COUNT - 1), 0x7fffffff);
  for (const v of [0, 1, 31, 32, 33, 47, 48, 63, 64, 1000, 65535, 65536, 1e6, 2 ** 30, 2 ** 31 - 1]) {
    const b = bucketOf(v);
    assert.ok(bucketLow(b) <= v && v <= bucketHigh(b), `value ${v} in bucket ${b}`);
  }
  assert.equal(bucketOf(-5), 0);
  assert.equal(bucketOf(12.9), 12);
  assert.equal(bucketOf(1e12), BUCKET_COUNT - 1);
});

test('a bucket is at most 1/16 of its lower bound wide', () => {
  for (let b = 32; b < BUCKET_COUNT; b++) {
    assert.ok(bucketHigh(b) - bucketLow(b) + 1 <= bucketLow(b) / 16, `bucket ${b}`);
  }
});

test('exposition bounds: the leading buckets hold exactly the values below 2^k', () => {
  for (const { le, buckets } of EXPOSITION_BOUNDS) {
    assert.equal(bucketOf(le - 1), buckets - 1);
    assert.equal(bucketOf(le), buckets);
  }
});

test('percentiles are within 1/32 of the exact sample percentiles', () => {
  // Deterministic xorshift; a long-tailed latency-like distribution from 1 us to ~1 s.
  let s = 0x9e3779b9;
  const rnd = () => {
    s ^= s << 13;
    s ^= s >>> 17;
    s ^= s << 5;
    return (s >>> 0) / 2 ** 32;
  };
  const samples: number[] = [];
  const buckets = new Float64Array(BUCKET_COUNT);
  let max = 0;
  for (let i = 0; i < 100_000; i++) {
    const v = Math.floor(Math.exp(rnd() * Math.log(1e6)));
    samples.push(v);
    buckets[bucketOf(v)]++;
    max = Math.max(max, v);
  }
  samples.sort((a, b) => a - b);
  for (const q of [0.01, 0.25, 0.5, 0.9, 0.99, 0.999, 1]) {
    const exact = samples[Math.ceil(q * samples.length) - 1];
    const got = quantile(buckets, 0, samples.length, max, q);
    assert.ok(Math.abs(got - exact) <= exact / 32, `q=${q}: got ${got}, exact ${exact}`);
  }
  assert.equal(quantile(new Float64Array(BUCKET_COUNT), 0, 0, 0, 0.5), 0);
});
