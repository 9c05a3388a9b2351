// `--html FILE`: a self-contained report (no scripts, fonts or images from elsewhere): the summary
// table, the latency-by-percentile plot and the qps-over-time plot, drawn as inline SVG.
import type { BenchResult } from './run';

const COLORS = ['#1f77b4', '#d62728', '#2ca02c', '#ff7f0e', '#9467bd', '#8c564b'];
const W = 720, H = 320, LEFT = 64, RIGHT = 16, TOP = 28, BOTTOM = 44;

interface Series {
  name: string;
  points: [number, number][];
}

interface Chart {
  title: string;
  xLabel: string;
  yLabel: string;
  series: Series[];
  xTicks: { at: number; label: string }[];
  xMax: number;
}

function esc(s: string): string {
  return s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

/** A round step for about five y-axis ticks up to max. */
function niceStep(max: number): number {
  const raw = max / 5;
  const mag = Math.pow(10, Math.floor(Math.log10(raw)));
  return [1, 2, 5, 10].map((m) => m * mag).find((s) => s >= raw)!;
}

function lineChart(c: Chart): string {
  const yMaxData = Math.max(0, ...c.series.flatMap((s) => s.points.map((p) => p[1])));
  const step = niceStep(yMaxData > 0 ? yMaxData : 1);
  const yMax = Math.ceil((yMaxData > 0 ? yMaxData : 1) / step) * step;
  const xMax = c.xMax > 0 ? c.xMax : 1;
  const px = (x: number) => LEFT + (x / xMax) * (W - LEFT - RIGHT);
  const py = (y: number) => TOP + (1 - y / yMax) * (H - TOP - BOTTOM);
  const out: string[] = [`<svg xmlns="http://www.w3.org/2000/svg" width="${W}" height="${H}" viewBox="0 0 ${W} ${H}" font-family="sans-serif" font-size="11">`];
  out.push(`<text x="${W / 2}" y="16" text-anchor="middle" font-size="13">${esc(c.title)}</text>`);
  for (let y = 0; y <= yMax + step / 2; y += step) {
    out.push(`<line x1="${LEFT}" x2="${W - RIGHT}" y1="${py(y)}" y2="${py(y)}" stroke="#ddd"/>`);
    out.push(`<text x="${LEFT - 6}" y="${py(y) + 4}" text-anchor="end">${+y.toPrecision(6)}</text>`);
  }
  for (const t of c.xTicks) {
    out.push(`<line x1="${px(t.at)}" x2="${px(t.at)}" y1="${TOP}" y2="${H - BOTTOM}" stroke="#eee"/>`);
    out.push(`<text x="${px(t.at)}" y="${H - BOTTOM + 14}" text-anchor="middle">${esc(t.label)}</text>`);
  }
  out.push(`<rect x="${LEFT}" y="${TOP}" width="${W - LEFT - RIGHT}" height="${H - TOP - BOTTOM}" fill="none" stroke="#888"/>`);
  out.push(`<text x="${W / 2}" y="${H - 8}" text-anchor="middle">${esc(c.xLabel)}</text>`);
  out.push(`<text transform="translate(14 ${(TOP + H - BOTTOM) / 2}) rotate(-90)" text-anchor="middle">${esc(c.yLabel)}</text>`);
  c.series.forEach((s, i) => {
    const color = COLORS[i % COLORS.length];
    const d = s.points.map((p) => `${px(p[0]).toFixed(1)},${py(p[1]).toFixed(1)}`).join(' ');
    out.push(`<polyline fill="none" stroke="${color}" stroke-width="2" points="${d}"/>`);
    out.push(`<text x="${LEFT + 10}" y="${TOP + 16 + i * 14}" fill="${color}">${esc(s.name)}</text>`);
  });
  out.push('</svg>');
  return out.join('\n');
}

/** Percentiles on a "nines" axis: x = -log10(1 - p/100), so 90, 99, 99.9 are evenly spaced. */
function nines(percentile: number): number {
  return -Math.log10(1 - Math.min(percentile, 99.999) / 100);
}

export function renderHtml(r: BenchResult, table: string): string {
  const latency = lineChart({
    title: 'Latency by percentile',
    xLabel: 'percentile',
    yLabel: 'latency (ms)',
    series: r.targets.map((t) => ({ name: t.target.name, points: t.curve.map((p): [number, number] => [nines(p.percentile), p.ms]) })),
    xTicks: [0, 90, 99, 99.9, 99.99, 99.999].map((p) => ({ at: nines(p), label: `p${p}` })),
    xMax: nines(99.999),
  });
  const lastSecond = Math.max(1, ...r.targets.flatMap((t) => t.timeline.map((p) => p.second)));
  const tickEvery = niceStep(lastSecond);
  const xTicks: { at: number; label: string }[] = [];
  for (let s = 0; s <= lastSecond; s += tickEvery) xTicks.push({ at: s, label: `${+s.toPrecision(6)}s` });
  const qps = lineChart({
    title: 'Throughput over time',
    xLabel: 'seconds since the start of measuring',
    yLabel: 'queries per second',
    series: r.targets.map((t) => ({ name: t.target.name, points: t.timeline.map((p): [number, number] => [p.second, p.qps]) })),
    xTicks,
    xMax: lastSecond,
  });
  return `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<title>sluice bench: ${esc(r.workload)}</title>
<style>body{font-family:sans-serif;margin:24px;color:#222}pre{background:#f6f6f6;padding:12px;overflow-x:auto}</style>
</head>
<body>
<h1>sluice bench: ${esc(r.workload)}</h1>
<pre>${esc(table)}</pre>
${latency}
${qps}
</body>
</html>
`;
}
