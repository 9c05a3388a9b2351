// Runs micro benchmark groups with tinybench and prints one line per task: ns per operation (mean
// and median), ops/s, and the relative margin of error. Never a timed test: numbers are for reading.
import { Bench } from 'tinybench';

/** One comparable group of tasks, e.g. "framing". */
export interface MicroGroup {
  name: string;
  /** Tasks by name; each call is one operation. A task may return a value (kept from dead-code elimination). */
  tasks: Record<string, () => unknown>;
  /** What one operation is, for the header line (e.g. "one 64 KiB chunk"). */
  unit?: string;
}

/** Keeps results alive so the JIT cannot drop the work. */
export let sink: unknown;

export async function runGroups(groups: MicroGroup[], timeMs = 400): Promise<void> {
  for (const group of groups) {
    const bench = new Bench({ time: timeMs, warmupTime: 100 });
    for (const [name, fn] of Object.entries(group.tasks)) bench.add(name, () => { sink = fn(); });
    await bench.run();
    process.stdout.write(`\n${group.name}${group.unit ? ` (per op: ${group.unit})` : ''}\n`);
    for (const task of bench.tasks) {
      const r = task.result;
      if (r.state !== 'completed') {
        process.stdout.write(`  ${task.name.padEnd(44)} ${r.state}\n`);
        continue;
      }
      const mean = r.latency.mean * 1e6;
      const p50 = r.latency.p50 * 1e6;
      const ops = r.throughput.mean;
      process.stdout.write(
        `  ${task.name.padEnd(44)} ${fmt(mean).padStart(10)} ns mean ${fmt(p50).padStart(10)} ns p50 ` +
        `${fmt(ops).padStart(12)} ops/s  ±${r.latency.rme.toFixed(1)}%\n`,
      );
    }
  }
}

function fmt(n: number): string {
  return n >= 100 ? Math.round(n).toLocaleString('en-US') : n.toFixed(1);
}
