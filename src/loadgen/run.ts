// The main thread of a bench run: starts the load-generating threads, releases them together once
// all are connected and warmed up, prints a progress line each second from their ticks, and merges
// their histograms into the result.
import * as path from 'node:path';
import { Worker } from 'node:worker_threads';
import { addEncoded, newHistogram, percentileCurve, summarize, type Histogram, type LatencySummary } from './latency';
import { share, type BenchOptions, type BenchTarget, type ThreadPlan } from './options';
import type { ThreadMessage, Tick } from './thread-driver';

/** One second (or the last, shorter interval) of one target. */
export interface TimelinePoint {
  /** Seconds since measuring began, at the end of the interval. */
  second: number;
  qps: number;
  p50: number;
  p99: number;
  errors: number;
}

export interface TargetResult {
  target: BenchTarget;
  requests: number;
  errors: number;
  /** Measured seconds on this target (per thread, averaged). */
  seconds: number;
  qps: number;
  /** Milliseconds. */
  latency: LatencySummary;
  /** Percentile -> ms, for the report's plot. */
  curve: { percentile: number; ms: number }[];
  timeline: TimelinePoint[];
  firstError: string | null;
}

export interface BenchResult {
  workload: string;
  connections: number;
  threads: number;
  prepared: boolean;
  /** Open-loop arrival rate per target, if any. */
  rate: number | null;
  targets: TargetResult[];
  /** qps of each target divided by the first target's qps. */
  ratios: number[];
}

/** The plan of thread i of `opts.threads` (connections and requests split as evenly as possible). */
export function threadPlan(opts: BenchOptions, i: number): ThreadPlan {
  return {
    thread: i,
    targets: opts.targets,
    user: opts.user,
    password: opts.password,
    database: opts.database,
    mix: opts.mix,
    connections: share(opts.connections, opts.threads, i),
    requests: opts.requests === undefined ? undefined : share(opts.requests, opts.threads, i),
    durationMs: opts.durationSec * 1000,
    rate: opts.rate === undefined ? undefined : opts.rate / opts.threads,
    warmupMs: opts.warmupSec * 1000,
    sliceMs: opts.sliceSec * 1000,
    prepared: opts.prepared,
    tables: opts.tables,
    tableSize: opts.tableSize,
  };
}

/** The ticks of one interval, per target, gathered from the threads until all have sent theirs. */
class Interval {
  threads = 0;
  /** Sum over threads of requests / interval seconds. */
  qps: number[];
  errors: number[];
  histograms: Histogram[];

  constructor(targets: number) {
    this.qps = new Array<number>(targets).fill(0);
    this.errors = new Array<number>(targets).fill(0);
    this.histograms = Array.from({ length: targets }, () => newHistogram());
  }
}

export async function runBench(opts: BenchOptions): Promise<BenchResult> {
  if (opts.connections < opts.threads) throw new Error(`--connections (${opts.connections}) must be at least --threads (${opts.threads})`);
  const n = opts.targets.length;
  const totals = opts.targets.map(() => ({ requests: 0, errors: 0, activeMs: 0, histogram: newHistogram(), firstError: null as string | null }));
  const timelines: TimelinePoint[][] = opts.targets.map(() => []);
  const intervals = new Map<number, Interval>();
  /** Seconds since measuring began, at the end of the last interval shown. */
  let elapsed = 0;

  /** Adds one thread's ticks of interval `seq`; when every thread has sent them, shows the interval. */
  const onTicks = (seq: number, ms: number, ticks: Tick[]) => {
    let iv = intervals.get(seq);
    if (!iv) intervals.set(seq, (iv = new Interval(n)));
    for (const t of ticks) {
      iv.qps[t.target] += ms > 0 ? (t.requests * 1000) / ms : 0;
      iv.errors[t.target] += t.errors;
      addEncoded(iv.histograms[t.target], t.histogram);
    }
    if (++iv.threads < opts.threads) return;
    intervals.delete(seq);
    elapsed += ms / 1000;
    // With one target the last interval is what remains after the last full second; a sliver of a
    // second would show a meaningless rate. (With several, each interval is one slice.)
    if (ms < 250 && n === 1) return;
    const second = Math.round(elapsed * 10) / 10;
    const parts: string[] = [];
    iv.histograms.forEach((h, t) => {
      if (h.totalCount === 0 && iv.errors[t] === 0) return;
      const s = summarize(h);
      const point = { second, qps: Math.round(iv.qps[t]), p50: s.p50, p99: s.p99, errors: iv.errors[t] };
      timelines[t].push(point);
      parts.push(`${n > 1 ? opts.targets[t].name + ' ' : ''}${point.qps} qps p50 ${point.p50.toFixed(2)} ms p99 ${point.p99.toFixed(2)} ms err ${point.errors}`);
      h.destroy();
    });
    if (parts.length > 0) opts.progress?.write(`[${second.toFixed(0).padStart(4)}s] ${parts.join(' | ')}\n`);
  };

  const workers: Worker[] = [];
  try {
    await new Promise<void>((resolve, reject) => {
      let ready = 0;
      let done = 0;
      for (let i = 0; i < opts.threads; i++) {
        const w = new Worker(path.join(__dirname, 'bench-worker.js'), { workerData: threadPlan(opts, i) });
        workers.push(w);
        let finished = false;
        w.on('message', (m: ThreadMessage) => {
          switch (m.type) {
            case 'ready':
              if (++ready < opts.threads) return;
              for (const x of workers) x.postMessage('go');
              return;
            case 'ticks':
              return onTicks(m.seq, m.ms, m.ticks);
            case 'done':
              m.tallies.forEach((tally, t) => {
                const into = totals[t];
                into.requests += tally.requests;
                into.errors += tally.errors;
                into.activeMs += tally.activeMs;
                into.firstError ??= tally.firstError;
                addEncoded(into.histogram, tally.histogram);
              });
              finished = true;
              if (++done === opts.threads) resolve();
              return;
            case 'error':
              return reject(new Error(m.message));
          }
        });
        w.on('error', reject);
        w.on('exit', (code) => {
          if (!finished) reject(new Error(`a load generator thread exited (code ${code}) before finishing`));
        });
      }
    });
  } finally {
    await Promise.all(workers.map((w) => w.terminate()));
  }
  const targets = totals.map((t, i): TargetResult => {
    const seconds = t.activeMs / opts.threads / 1000;
    const result: TargetResult = {
      target: opts.targets[i],
      requests: t.requests,
      errors: t.errors,
      seconds: Math.round(seconds * 1000) / 1000,
      qps: seconds > 0 ? Math.round(t.requests / seconds) : 0,
      latency: summarize(t.histogram),
      curve: percentileCurve(t.histogram),
      timeline: timelines[i],
      firstError: t.firstError,
    };
    t.histogram.destroy();
    return result;
  });
  return {
    workload: opts.workload,
    connections: opts.connections,
    threads: opts.threads,
    prepared: opts.prepared,
    rate: opts.rate ?? null,
    targets,
    ratios: targets.map((t) => (targets[0].qps > 0 ? Math.round((t.qps / targets[0].qps) * 1000) / 1000 : 0)),
  };
}
