// The work of one load-generating thread: open its connections to every target, warm up, then run
// measured phases that alternate between the targets, recording latencies in per-target histograms.
//
//   closed loop: each connection sends its next request when the previous one ends;
//                latency = end - send.
//   open loop (--rate): requests are due at fixed intervals; a due request takes an idle connection
//                or waits in the backlog; latency = end - due time, so a stall shows up in every
//                request it delayed (no coordinated omission).
import { performance } from 'node:perf_hooks';
import { BenchClient, CompiledMix, type ClientOwner } from './bench-client';
import { encodeHistogram, newHistogram, recordMs } from './latency';
import { REQUEST_SLICES, share, type ThreadPlan } from './options';

/** Interval figures of one target, sent about once a second. */
export interface Tick {
  target: number;
  requests: number;
  errors: number;
  histogram: string;
}

/** What one thread measured for one target. */
export interface TargetTally {
  requests: number;
  errors: number;
  /** Wall time of this thread's measured phases on this target. */
  activeMs: number;
  histogram: string;
  /** The first error message seen, if any. */
  firstError: string | null;
}

/** Messages from a bench thread to the main thread. */
export type ThreadMessage =
  | { type: 'ready' }
  /** Interval `seq` (1, 2, ...) of `ms` milliseconds; every thread sends each one, maybe empty. */
  | { type: 'ticks'; seq: number; ms: number; ticks: Tick[] }
  | { type: 'done'; tallies: TargetTally[] }
  | { type: 'error'; message: string };

/** Per-target accumulators; `interval*` are reset by each tick. */
class TargetStats {
  readonly histogram = newHistogram();
  readonly interval = newHistogram();
  requests = 0;
  errors = 0;
  intervalRequests = 0;
  intervalErrors = 0;
  activeMs = 0;
  firstError: string | null = null;

  error(message: string, record: boolean): void {
    this.firstError ??= message;
    if (!record) return;
    this.errors++;
    this.intervalErrors++;
  }
}

/** One run of load against one target: until a time or a request count is reached. */
interface Phase {
  target: number;
  record: boolean;
  endAt: number;
  /** Requests still to start (closed loop) or to schedule (open loop). */
  left: number;
  inflight: number;
  idle: BenchClient[];
  /** Open loop: due time of the next request to schedule, and the interval between requests. */
  nextDue: number;
  interval: number;
  /** Open loop: due times of requests waiting for a connection (a FIFO; `backlogHead` is its front). */
  backlog: number[];
  backlogHead: number;
  scheduling: boolean;
  timer: NodeJS.Timeout | null;
  resolve: () => void;
}

export class ThreadDriver implements ClientOwner {
  private readonly clients: BenchClient[][];
  private readonly stats: TargetStats[];
  private phase: Phase | null = null;
  /** Number and start of the current tick interval (set when measuring starts, advanced by tick()). */
  private tickSeq = 0;
  private tickStart = 0;

  constructor(
    private readonly plan: ThreadPlan,
    private readonly post: (m: ThreadMessage) => void,
  ) {
    this.clients = plan.targets.map(() => []);
    this.stats = plan.targets.map(() => new TargetStats());
  }

  /** Connects, prepares and warms up, then reports 'ready'; measuring starts when `go` resolves. */
  async run(go: Promise<void>): Promise<void> {
    try {
      await this.open();
      for (let t = 0; t < this.plan.targets.length && this.plan.warmupMs > 0; t++) {
        await this.runPhase(t, false, this.plan.warmupMs, Infinity);
      }
      this.post({ type: 'ready' });
      await go;
      this.tickStart = performance.now();
      // One target: a tick each second. Several: a tick at the end of each slice instead, so an
      // interval never mixes two targets and every thread sends the same sequence of ticks.
      const ticker = this.plan.targets.length === 1 ? setInterval(() => this.tick(), 1000) : undefined;
      try {
        await this.measure();
      } finally {
        clearInterval(ticker);
      }
      if (this.plan.targets.length === 1) this.tick();
      this.post({
        type: 'done',
        tallies: this.stats.map((s) => ({
          requests: s.requests, errors: s.errors, activeMs: s.activeMs, histogram: encodeHistogram(s.histogram), firstError: s.firstError,
        })),
      });
    } finally {
      for (const list of this.clients) for (const c of list) c.close();
    }
  }

  private async open(): Promise<void> {
    const p = this.plan;
    const mix = new CompiledMix(p.mix, { tables: p.tables, tableSize: p.tableSize });
    const login = { user: p.user, password: p.password, database: p.database };
    await Promise.all(p.targets.map(async (target, t) => {
      this.clients[t] = await Promise.all(Array.from({ length: p.connections }, (_, i) =>
        BenchClient.open(target, t, login, mix, this, (p.thread * 7919 + t * 104729 + i * 31 + Date.now()) >>> 0)));
      if (p.prepared) await Promise.all(this.clients[t].map((c) => c.prepareAll()));
    }));
  }

  /** The measured phases: alternate between targets in slices until each has its time or requests. */
  private async measure(): Promise<void> {
    const p = this.plan;
    const n = p.targets.length;
    if (p.requests !== undefined) {
      const slices = n > 1 ? REQUEST_SLICES : 1;
      for (let s = 0; s < slices; s++) {
        for (let t = 0; t < n; t++) await this.runPhase(t, true, Infinity, share(p.requests, slices, s));
      }
      return;
    }
    const remaining = p.targets.map(() => p.durationMs);
    while (remaining.some((r) => r > 0)) {
      for (let t = 0; t < n; t++) {
        const len = n > 1 ? Math.min(p.sliceMs, remaining[t]) : remaining[t];
        if (len <= 0) continue;
        remaining[t] -= len;
        await this.runPhase(t, true, len, Infinity);
      }
    }
  }

  private runPhase(target: number, record: boolean, durationMs: number, requests: number): Promise<void> {
    const start = performance.now();
    const idle = this.clients[target].filter((c) => c.alive);
    return new Promise<void>((resolve) => {
      const rate = this.plan.rate;
      const ph: Phase = {
        target, record, endAt: start + durationMs, left: requests, inflight: 0, idle,
        nextDue: start, interval: rate ? 1000 / rate : 0, backlog: [], backlogHead: 0,
        scheduling: rate !== undefined, timer: null, resolve,
      };
      this.phase = ph;
      if (requests <= 0 || idle.length === 0) return this.endPhase(ph);
      if (rate) return this.schedule(ph);
      while (ph.idle.length > 0 && ph.left > 0) {
        ph.left--;
        this.issue(ph, ph.idle.pop()!, performance.now());
      }
    }).then(() => {
      if (!record) return;
      this.stats[target].activeMs += performance.now() - start;
      if (this.plan.targets.length > 1) this.tick();
    });
  }

  /** Sends c's next request; the caller has counted it in `left`. */
  private issue(ph: Phase, c: BenchClient, startedAt: number): void {
    ph.inflight++;
    c.startedAt = startedAt;
    c.send();
  }

  /** Open loop: hands out every request that is due, then sleeps until the next one is. */
  private schedule(ph: Phase): void {
    ph.timer = null;
    const now = performance.now();
    while (ph.nextDue <= now && ph.left > 0 && ph.nextDue < ph.endAt) {
      ph.left--;
      const c = ph.idle.pop();
      if (c) this.issue(ph, c, ph.nextDue);
      else ph.backlog.push(ph.nextDue);
      ph.nextDue += ph.interval;
    }
    if (this.phase !== ph) return; // a lost last connection ended the phase meanwhile
    if (ph.left > 0 && ph.nextDue < ph.endAt) {
      ph.timer = setTimeout(() => this.schedule(ph), Math.max(0, ph.nextDue - performance.now()));
    } else {
      ph.scheduling = false;
      if (ph.inflight === 0 && ph.backlogHead === ph.backlog.length) this.endPhase(ph);
    }
  }

  completed(c: BenchClient, err: string | null): void {
    const now = performance.now();
    const ph = this.phase!;
    const st = this.stats[c.target];
    if (ph.record) {
      recordMs(st.histogram, now - c.startedAt);
      recordMs(st.interval, now - c.startedAt);
      st.requests++;
      st.intervalRequests++;
    }
    if (err !== null) st.error(err, ph.record);
    ph.inflight--;
    this.next(ph, c, now);
  }

  lost(c: BenchClient, err: Error): void {
    const ph = this.phase;
    this.stats[c.target].error(`connection lost: ${err.message}`, ph?.record ?? false);
    if (!ph || ph.target !== c.target) return;
    ph.inflight--;
    if (this.clients[c.target].every((x) => !x.alive)) {
      ph.left = 0;
      ph.backlogHead = ph.backlog.length;
      if (ph.timer) clearTimeout(ph.timer);
      ph.scheduling = false;
    }
    this.next(ph, null, performance.now());
  }

  /** After a request ends: the connection takes the next request, goes idle, or the phase ends. */
  private next(ph: Phase, c: BenchClient | null, now: number): void {
    if (c) {
      if (this.plan.rate) {
        if (ph.backlogHead < ph.backlog.length) this.issue(ph, c, ph.backlog[ph.backlogHead++]);
        else ph.idle.push(c);
      } else if (ph.left > 0 && now < ph.endAt) {
        ph.left--;
        this.issue(ph, c, now);
      } else {
        ph.idle.push(c);
      }
    }
    const more = this.plan.rate ? ph.scheduling || ph.backlogHead < ph.backlog.length : ph.left > 0 && now < ph.endAt;
    if (ph.inflight === 0 && !more) this.endPhase(ph);
  }

  private endPhase(ph: Phase): void {
    if (this.phase !== ph) return;
    this.phase = null;
    ph.resolve();
  }

  private tick(): void {
    const now = performance.now();
    const ms = now - this.tickStart; // includes the drain of a slice's last requests
    this.tickStart = now;
    const ticks: Tick[] = [];
    this.stats.forEach((s, target) => {
      if (s.intervalRequests === 0 && s.intervalErrors === 0) return;
      ticks.push({ target, requests: s.intervalRequests, errors: s.intervalErrors, histogram: encodeHistogram(s.interval) });
      s.interval.reset();
      s.intervalRequests = 0;
      s.intervalErrors = 0;
    });
    this.post({ type: 'ticks', seq: ++this.tickSeq, ms, ticks });
  }
}
