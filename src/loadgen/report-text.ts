// The final table of a bench run, one row per target (and their ratio to the first when comparing).
import type { BenchResult } from './run';

/** Right-aligns each column of rows (the first row is the header). */
export function alignColumns(rows: string[][]): string {
  const widths = rows[0].map((_, c) => Math.max(...rows.map((r) => r[c].length)));
  return rows.map((r) => r.map((cell, c) => (c === 0 ? cell.padEnd(widths[c]) : cell.padStart(widths[c]))).join('  ')).join('\n') + '\n';
}

export function formatTable(r: BenchResult): string {
  const mode = r.rate !== null ? `open loop at ${r.rate} req/s per target` : 'closed loop';
  const head =
    `workload ${r.workload}, ${r.prepared ? 'binary protocol (prepared)' : 'text protocol'}, ` +
    `${r.connections} connections over ${r.threads} thread${r.threads === 1 ? '' : 's'}, ${mode}\n`;
  const ms = (v: number) => v.toFixed(3);
  const rows = [['target', 'requests', 'seconds', 'qps', 'mean ms', 'p50', 'p90', 'p99', 'p99.9', 'max', 'errors']];
  if (r.targets.length > 1) rows[0].push('ratio');
  r.targets.forEach((t, i) => {
    const l = t.latency;
    const row = [
      `${t.target.name}`, String(t.requests), t.seconds.toFixed(2), String(t.qps),
      ms(l.mean), ms(l.p50), ms(l.p90), ms(l.p99), ms(l.p999), ms(l.max), String(t.errors),
    ];
    if (r.targets.length > 1) row.push(r.ratios[i].toFixed(3));
    rows.push(row);
  });
  let out = head + alignColumns(rows);
  for (const t of r.targets) if (t.firstError) out += `${t.target.name}: first error: ${t.firstError}\n`;
  return out;
}
