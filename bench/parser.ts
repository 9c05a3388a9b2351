// Parser benchmark: statements per second per core for sluice's parser and node-sql-parser, side by
// side on the same statements, plus lexing + digest alone and parse coverage of the SQL corpus.
//
//   npm run bench:parser                 (builds, then runs dist/bench/parser.js; 20-45 s)
//   node dist/bench/parser.js --seconds 0.5 --skip-coverage
//
// Rates are per CPU second of this process (process.cpuUsage), so a busy neighbour on a shared
// machine slows the wall clock but not the figure; wall-clock rates are printed beside them.
// Every workload is checked before it is timed: each statement must parse (sluice's AST type is
// checked too); a parser that refuses a workload's statements has its failures counted and shown.
import { Parser } from 'node-sql-parser';
import { parse, digest, tokenize, SqlSyntaxError } from '../src/sql';
// A deterministic PRNG (mulberry32), so every run times the same statements.
import { rng } from '../src/loadgen/template';
import { loadCorpus, loadInvalid } from '../test/helpers/corpus-load';

// ---------------------------------------------------------------- workloads

/** sysbench oltp_point_select as its text protocol sends it, over 1,000 different ids. */
export function pointSelects(): string[] {
  const r = rng(1);
  return Array.from({ length: 1000 }, () => `SELECT c FROM sbtest1 WHERE id=${1 + Math.floor(r() * 1_000_000)}`);
}

const chars = (r: () => number, n: number) =>
  Array.from({ length: n }, () => String(Math.floor(r() * 1e11)).padStart(11, '0')).join('-');

/**
 * An OLTP mix in sysbench oltp_read_write's proportions (10 point selects, 4 ranges, 2 updates,
 * 1 delete, 1 insert per transaction) plus 2 joins of an application's usual shape.
 */
export function oltpMix(): string[] {
  const r = rng(2);
  const id = () => 1 + Math.floor(r() * 1_000_000);
  const out: string[] = [];
  for (let tx = 0; tx < 50; tx++) {
    const table = `sbtest${1 + (tx % 2)}`;
    for (let i = 0; i < 10; i++) out.push(`SELECT c FROM ${table} WHERE id=${id()}`);
    const lo = id();
    out.push(`SELECT c FROM ${table} WHERE id BETWEEN ${lo} AND ${lo + 99}`);
    out.push(`SELECT SUM(k) FROM ${table} WHERE id BETWEEN ${lo} AND ${lo + 99}`);
    out.push(`SELECT c FROM ${table} WHERE id BETWEEN ${lo} AND ${lo + 99} ORDER BY c`);
    out.push(`SELECT DISTINCT c FROM ${table} WHERE id BETWEEN ${lo} AND ${lo + 99} ORDER BY c`);
    out.push(`UPDATE ${table} SET k=k+1 WHERE id=${id()}`);
    out.push(`UPDATE ${table} SET c='${chars(r, 10)}' WHERE id=${id()}`);
    const del = id();
    out.push(`DELETE FROM ${table} WHERE id=${del}`);
    out.push(`INSERT INTO ${table} (id, k, c, pad) VALUES (${del}, ${id()}, '${chars(r, 10)}', '${chars(r, 5)}')`);
    out.push(`SELECT o.id, o.amount, u.name FROM orders o JOIN users u ON u.id = o.user_id WHERE o.user_id = ${id()} AND o.status = 'paid' ORDER BY o.created_at DESC LIMIT 20`);
    out.push(`SELECT p.id, p.name, oi.qty FROM order_items oi INNER JOIN products p ON p.id = oi.product_id WHERE oi.order_id IN (${id()}, ${id()}, ${id()})`);
  }
  return out;
}

/** Analytical queries of about 2 KB: CTEs, joins, CASE, aggregates, a window function, subqueries. */
export function analyticalQueries(): string[] {
  const r = rng(3);
  const n = () => Math.floor(r() * 10_000);
  const out: string[] = [];
  for (let q = 0; q < 40; q++) {
    const regions = Array.from({ length: 6 }, (_, i) => `'r${(q + i) % 17}'`).join(', ');
    const measures = Array.from({ length: 6 }, (_, i) =>
      `SUM(CASE WHEN o.status = 's${i}' AND o.amount > ${n()} THEN o.amount * (1 - oi.discount / 100) ELSE 0 END) AS m_${i}`).join(',\n  ');
    let sql = `WITH recent AS (
  SELECT o.id, o.user_id, o.amount, o.status, o.region, o.created_at
  FROM orders o
  WHERE o.created_at >= '2024-0${1 + (q % 9)}-01' AND o.created_at < '2024-12-31' AND o.tenant_id = ${q}
    AND o.status IN ('paid', 'shipped', 'delivered', 'refunded') AND o.region IN (${regions})
), buyers AS (
  SELECT user_id, COUNT(*) AS orders_count, SUM(amount) AS total FROM recent GROUP BY user_id HAVING COUNT(*) >= ${1 + (q % 4)}
)
SELECT u.id, u.name, u.country, b.orders_count, b.total,
  ${measures},
  COUNT(DISTINCT oi.product_id) AS products,
  AVG(oi.price) AS avg_price,
  ROW_NUMBER() OVER (PARTITION BY u.country ORDER BY b.total DESC) AS country_rank,
  (SELECT MAX(e.ts) FROM events e WHERE e.user_id = u.id AND e.type = 'login') AS last_login
FROM users u
  JOIN buyers b ON b.user_id = u.id
  JOIN recent o ON o.user_id = u.id
  LEFT JOIN order_items oi ON oi.order_id = o.id
  LEFT JOIN products p ON p.id = oi.product_id AND p.kind <> 'service'
WHERE u.status = 'active' AND u.deleted_at IS NULL AND u.age BETWEEN ${18 + (q % 5)} AND ${60 + (q % 7)}
  AND (u.score > ${n() / 100} OR u.flags & ${1 + (q % 8)} <> 0)
  AND NOT EXISTS (SELECT 1 FROM sessions s WHERE s.user_id = u.id AND s.expires_at < '2024-01-01')
  AND p.category_id IN (SELECT c.id FROM categories c WHERE c.depth <= ${2 + (q % 3)})
GROUP BY u.id, u.name, u.country, b.orders_count, b.total
HAVING SUM(o.amount) > ${n()} AND COUNT(oi.id) > ${q % 5}
ORDER BY b.total DESC, u.id
LIMIT ${100 + q}`;
    // Pad with further predicates to 2 KB, so every query is the same size.
    let k = 0;
    while (sql.length < 2000) {
      sql = sql.replace('\nGROUP BY', `\n  AND u.city <> 'c${q}_${k++}'\nGROUP BY`);
    }
    out.push(sql);
  }
  return out;
}

// ---------------------------------------------------------------- timing

interface Rate {
  /** Statements per CPU second of this process. */
  perCpuSec: number;
  /** Statements per wall-clock second. */
  perSec: number;
  /** Statements of the workload the parser refused (counted over one pass). */
  failures: number;
  firstError?: string;
}

let sink = 0; // keeps results alive so the work cannot be optimized away

/** Runs fn over the statements round-robin for `seconds` (after a warm-up) and returns its rate. */
function measure(fn: (sql: string) => unknown, stmts: string[], seconds: number): Rate {
  let failures = 0;
  let firstError: string | undefined;
  const ok: string[] = [];
  for (const s of stmts) {
    try {
      fn(s);
      ok.push(s);
    } catch (e) {
      failures++;
      firstError ??= (e as Error).message.split('\n')[0].slice(0, 100);
    }
  }
  if (ok.length === 0) return { perCpuSec: 0, perSec: 0, failures, firstError };
  const run = (budgetNs: bigint) => {
    const t0 = process.hrtime.bigint();
    const c0 = process.cpuUsage();
    let n = 0;
    let i = 0;
    for (;;) {
      for (let j = 0; j < 64; j++) {
        const r = fn(ok[i]);
        if (r !== undefined) sink++;
        if (++i === ok.length) i = 0;
      }
      n += 64;
      if (process.hrtime.bigint() - t0 >= budgetNs) break;
    }
    const wallNs = Number(process.hrtime.bigint() - t0);
    const cpu = process.cpuUsage(c0);
    const cpuUs = cpu.user + cpu.system;
    return { perCpuSec: n / (cpuUs / 1e6), perSec: n / (wallNs / 1e9) };
  };
  run(BigInt(Math.round(seconds * 0.25 * 1e9))); // warm-up: let the JIT settle
  return { ...run(BigInt(Math.round(seconds * 1e9))), failures, firstError };
}

// ---------------------------------------------------------------- report

const fmtRate = (r: number) => (r === 0 ? 'n/a' : r >= 1e6 ? `${(r / 1e6).toFixed(2)} M/s` : r >= 1e3 ? `${(r / 1e3).toFixed(1)} k/s` : `${r.toFixed(0)} /s`);
const fmtUs = (r: number) => (r === 0 ? 'n/a' : `${(1e6 / r).toFixed(r > 1e5 ? 2 : 1)} µs`);

function table(head: string[], rows: string[][]): string {
  const widths = head.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i].length)));
  const line = (cells: string[]) => cells.map((c, i) => (i === 0 ? c.padEnd(widths[i]) : c.padStart(widths[i]))).join('  ');
  return [line(head), widths.map((w) => '-'.repeat(w)).join('  '), ...rows.map(line)].join('\n');
}

function flag(name: string): string | undefined {
  const i = process.argv.indexOf(name);
  return i >= 0 ? process.argv[i + 1] : undefined;
}

function main(): void {
  const seconds = Number(flag('--seconds') ?? '1.5');
  const nsp = new Parser();
  const nspParse = (sql: string) => nsp.astify(sql, { database: 'MySQL' });
  const sluiceParse = (sql: string) => parse(sql);

  const workloads: { name: string; stmts: string[]; nspSeconds: number; target?: { perSec?: number; ratio?: number } }[] = [
    { name: 'sysbench point select', stmts: pointSelects(), nspSeconds: seconds, target: { perSec: 300_000 } },
    { name: 'OLTP mix (sel/range/ins/upd/del/join)', stmts: oltpMix(), nspSeconds: seconds, target: { ratio: 200 } },
    { name: `analytical, ${analyticalQueries()[0].length} B each`, stmts: analyticalQueries(), nspSeconds: seconds },
  ];

  console.log(`sluice parser benchmark: node ${process.version}, ${seconds} s per measurement, rates per CPU second of one thread\n`);

  // Sanity before timing: sluice's trees must be of the statement types the workload holds.
  const mixTypes = new Set<string>();
  for (const s of oltpMix()) {
    try { mixTypes.add(parse(s).type); } catch { /* counted as failures by measure */ }
  }

  const rows: string[][] = [];
  const verdicts: string[] = [];
  for (const w of workloads) {
    const a = measure(sluiceParse, w.stmts, seconds);
    const b = measure(nspParse, w.stmts, w.nspSeconds);
    const ratio = a.perCpuSec && b.perCpuSec ? a.perCpuSec / b.perCpuSec : 0;
    rows.push([w.name, fmtRate(a.perCpuSec), fmtUs(a.perCpuSec), fmtRate(a.perSec), fmtRate(b.perCpuSec), fmtUs(b.perCpuSec),
      ratio ? `${ratio.toFixed(0)}x` : 'n/a', `${a.failures}/${b.failures}`]);
    if (a.firstError) verdicts.push(`  ${w.name}: sluice refused ${a.failures}/${w.stmts.length}, e.g. ${a.firstError}`);
    if (b.firstError) verdicts.push(`  ${w.name}: node-sql-parser refused ${b.failures}/${w.stmts.length}, e.g. ${b.firstError}`);
    if (w.target?.perSec) verdicts.push(`  target ${w.name} >= ${fmtRate(w.target.perSec)}: ${a.perCpuSec >= w.target.perSec ? 'MET' : 'NOT MET'} (${fmtRate(a.perCpuSec)})`);
    if (w.target?.ratio) verdicts.push(`  target ${w.name} >= ${w.target.ratio}x node-sql-parser: ${ratio >= w.target.ratio ? 'MET' : 'NOT MET'} (${ratio ? `${ratio.toFixed(0)}x` : 'n/a'})`);
  }

  const mix = oltpMix();
  const dp = measure((s) => digest(s), pointSelects(), seconds);
  rows.push(['lexing + digest (point select)', fmtRate(dp.perCpuSec), fmtUs(dp.perCpuSec), fmtRate(dp.perSec), '-', '-', '-', `${dp.failures}/-`]);
  verdicts.push(`  target lexing + digest (point select) >= 1.50 M/s: ${dp.perCpuSec >= 1_500_000 ? 'MET' : 'NOT MET'} (${fmtRate(dp.perCpuSec)})`);
  const d = measure((s) => digest(s), mix, seconds);
  const t = measure((s) => tokenize(s), mix, seconds);
  rows.push(['lexing + digest (OLTP mix)', fmtRate(d.perCpuSec), fmtUs(d.perCpuSec), fmtRate(d.perSec), '-', '-', '-', `${d.failures}/-`]);
  rows.push(['tokenize() alone, Token objects (OLTP mix)', fmtRate(t.perCpuSec), fmtUs(t.perCpuSec), fmtRate(t.perSec), '-', '-', '-', `${t.failures}/-`]);
  if (d.firstError) verdicts.push(`  digest refused ${d.failures}/${mix.length}, e.g. ${d.firstError}`);
  verdicts.push(`  target lexing + digest (OLTP mix) >= 1.50 M/s: ${d.perCpuSec >= 1_500_000 ? 'MET' : 'NOT MET'} (${fmtRate(d.perCpuSec)})`);

  console.log(table(['workload', 'sluice', 'per stmt', 'sluice wall', 'node-sql-parser', 'per stmt', 'ratio', 'refused s/n'], rows));
  console.log(`\nOLTP mix statement types (sluice): ${[...mixTypes].sort().join(', ') || 'none parsed'}`);
  console.log(verdicts.join('\n'));

  if (process.argv.includes('--skip-coverage')) return;
  const corpus = loadCorpus();
  const invalid = loadInvalid();
  // A statement counts as refused by sluice only with SqlSyntaxError (any other throw is a bug).
  const accepts = (fn: (s: string) => unknown, s: string, refusal: (e: unknown) => boolean) => {
    try { fn(s); return true; } catch (e) { return !refusal(e); }
  };
  const cov = (fn: (s: string) => unknown, stmts: { sql: string }[], refusal: (e: unknown) => boolean = () => true) =>
    stmts.filter((s) => accepts(fn, s.sql, refusal)).length;
  const pct = (n: number, of: number) => `${((100 * n) / of).toFixed(1)}% (${n}/${of})`;
  const mariadbValid = corpus.filter((s) => s.mode !== 'parse-only');
  const mysqlOnly = corpus.filter((s) => s.mode === 'parse-only');
  const covRows = [
    ['valid corpus, accepted', corpus, false],
    ['  of which MariaDB-valid', mariadbValid, false],
    ['  of which MySQL-only / parse-only', mysqlOnly, false],
    ['invalid statements, refused', invalid, true],
  ] as const;
  console.log('\nParse coverage on the SQL corpus (test/sql/corpus)\n');
  console.log(table(['statements', 'sluice', 'node-sql-parser'], covRows.map(([name, set, refused]) => {
    if (!refused) return [name, pct(cov(sluiceParse, set), set.length), pct(cov(nspParse, set), set.length)];
    const a = cov(sluiceParse, set, (e) => e instanceof SqlSyntaxError);
    const b = cov(nspParse, set);
    return [name, pct(set.length - a, set.length), pct(set.length - b, set.length)];
  })));
  if (sink < 0) console.log(sink);
}

if (require.main === module) main();
