// What a bench run is asked to do: the options `sluice bench` and bench/proxy.ts pass to runBench(),
// and the per-thread plan the main thread derives from them for each load-generating worker.
import type { MixEntry } from './workloads';

/** A server to load: direct MySQL/MariaDB, sluice, or any proxy in between. */
export interface BenchTarget {
  /** Shown in the progress line, the table and the reports. */
  name: string;
  host: string;
  port: number;
}

export interface BenchOptions {
  /** The first target is the baseline of ratios; --compare adds a second one. */
  targets: BenchTarget[];
  user: string;
  password: string;
  database: string;
  /** The workload's name as shown (a built-in name, or the --sql file). */
  workload: string;
  mix: MixEntry[];
  /** Client connections per target, spread over the threads. */
  connections: number;
  /** The load generator's own worker threads. */
  threads: number;
  /** Measured seconds per target (ignored when `requests` is set). */
  durationSec: number;
  /** Exactly this many measured requests per target, instead of a duration. */
  requests?: number;
  /** Open loop: this many requests a second per target, latency from the intended send time. */
  rate?: number;
  /** Unmeasured seconds of load per target before measuring. */
  warmupSec: number;
  /** Alternation slice when comparing several targets, in seconds (duration mode). */
  sliceSec: number;
  prepared: boolean;
  tables: number;
  tableSize: number;
  /** Progress lines each second go here (null: none). */
  progress: NodeJS.WritableStream | null;
}

export const DEFAULTS = {
  host: '127.0.0.1',
  port: 3306,
  user: 'root',
  password: '',
  database: 'sbtest',
  connections: 8,
  threads: 1,
  durationSec: 10,
  warmupSec: 0,
  sliceSec: 1,
  tables: 1,
  tableSize: 10000,
} as const;

/** When comparing in --requests mode, each target's requests are split into this many alternating slices. */
export const REQUEST_SLICES = 4;

/** The share of the work one load-generating thread does (workerData of bench-worker.ts). */
export interface ThreadPlan {
  thread: number;
  targets: BenchTarget[];
  user: string;
  password: string;
  database: string;
  mix: MixEntry[];
  /** This thread's connections per target. */
  connections: number;
  /** This thread's measured requests per target, or undefined in duration mode. */
  requests?: number;
  durationMs: number;
  /** This thread's share of the arrival rate per target (requests/s), or undefined (closed loop). */
  rate?: number;
  warmupMs: number;
  sliceMs: number;
  prepared: boolean;
  tables: number;
  tableSize: number;
}

/** Splits `total` into `parts` integers that differ by at most one (the first ones get the extra). */
export function share(total: number, parts: number, index: number): number {
  return Math.floor(total / parts) + (index < total % parts ? 1 : 0);
}

/** Parses "HOST:PORT" (or ":PORT", or "PORT") into a target. */
export function parseTarget(text: string, name = text): BenchTarget {
  const m = /^(?:(.*):)?([0-9]{1,5})$/.exec(text.trim());
  const port = m ? Number(m[2]) : NaN;
  if (!m || !(port > 0 && port < 65536)) throw new Error(`"${text}" is not HOST:PORT`);
  return { name, host: m[1] || DEFAULTS.host, port };
}
