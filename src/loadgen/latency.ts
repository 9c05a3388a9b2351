// Latency histograms of the load generator (hdr-histogram-js, values in microseconds): created in
// each thread, shipped to the main thread as compressed base64 and merged there with add().
import * as hdr from 'hdr-histogram-js';

export type Histogram = hdr.Histogram;

export function newHistogram(): Histogram {
  // 1 µs resolution at 3 significant digits; autoResize keeps a stalled request of minutes recordable.
  return hdr.build({ lowestDiscernibleValue: 1, highestTrackableValue: 60_000_000, numberOfSignificantValueDigits: 3, autoResize: true });
}

/** Records a latency given in milliseconds (performance.now() differences). */
export function recordMs(h: Histogram, ms: number): void {
  h.recordValue(ms > 0.001 ? Math.round(ms * 1000) : 1);
}

export function encodeHistogram(h: Histogram): string {
  return hdr.encodeIntoCompressedBase64(h);
}

/** Adds an encoded histogram into `into`. */
export function addEncoded(into: Histogram, encoded: string): void {
  const h = hdr.decodeFromCompressedBase64(encoded);
  into.add(h);
  h.destroy();
}

/** The latency figures of a run, in milliseconds. */
export interface LatencySummary {
  count: number;
  mean: number;
  p50: number;
  p90: number;
  p99: number;
  p999: number;
  max: number;
}

export function summarize(h: Histogram): LatencySummary {
  const ms = (us: number) => Math.round(us) / 1000;
  if (h.totalCount === 0) return { count: 0, mean: 0, p50: 0, p90: 0, p99: 0, p999: 0, max: 0 };
  return {
    count: h.totalCount,
    mean: ms(h.mean),
    p50: ms(h.getValueAtPercentile(50)),
    p90: ms(h.getValueAtPercentile(90)),
    p99: ms(h.getValueAtPercentile(99)),
    p999: ms(h.getValueAtPercentile(99.9)),
    max: ms(h.maxValue),
  };
}

/** Percentile -> latency (ms) points for a plot, from p0 to the last recorded value (up to 99.999). */
export function percentileCurve(h: Histogram): { percentile: number; ms: number }[] {
  if (h.totalCount === 0) return [];
  const out: { percentile: number; ms: number }[] = [];
  // Evenly spaced in "nines": 0, 50, 75, 87.5, ... approaches 100 with halving steps.
  for (let step = 0; step <= 40; step++) {
    const percentile = 100 - 100 * Math.pow(0.5, step / 2);
    if (percentile > 99.999) break;
    out.push({ percentile, ms: h.getValueAtPercentile(percentile) / 1000 });
  }
  out.push({ percentile: 99.999, ms: h.getValueAtPercentile(99.999) / 1000 });
  return out;
}
