// What a bulk load costs through sluice: rows a second of large multi-row INSERTs through a sharded
// schema and directly into MariaDB, in the same run, and sluice's resident set before, right after
// and idle after the load.
//
//   npm run bench:bulk-insert                  (builds first; about a minute)
//   node dist/bench/bulk-insert.js [--statements 100] [--kb 510] [--threads 1]
//   SLUICE_NODE_ARGS='--cpu-prof --cpu-prof-dir=prof' node dist/bench/bulk-insert.js   (profile sluice)
//
// One MariaDB sandbox holds databases bulk_0 and bulk_1 (the partitions of sluice's schema `bulk`,
// table stock sharded by s_w_id mod 2) and bulk_direct. sluice runs as a child process (the real
// CLI) so that its VmRSS can be read from /proc. The load is --statements distinct INSERTs of about
// --kb KiB each (TPC-C stock rows of ~300 bytes, thousands a statement, warehouses spread over both
// partitions, a row count that differs per statement so that no two share a template). Statement i
// goes directly to bulk_direct and then through sluice, one after the other, so a busy neighbour
// slows both alike. The rows of both sides are counted at the end.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { startMariaDB } from '../scripts/sandbox';
import { BackendConnection } from '../src/backend/connection';
import { alignColumns } from '../src/loadgen/report-text';
import { cpuSeconds, procStatus, settledRss } from './proc-stats';
import { startSluiceChild, type SluiceChild } from './sluice-child';

function flag(name: string, dflt: number): number {
  const i = process.argv.indexOf(name);
  const v = i >= 0 ? Number(process.argv[i + 1]) : dflt;
  if (!(v > 0) || !Number.isInteger(v)) throw new Error(`${name} must be a positive integer`);
  return v;
}

const STOCK = `CREATE TABLE stock (
  s_i_id INT NOT NULL, s_w_id INT NOT NULL, s_quantity INT,
  s_dist_01 CHAR(24), s_dist_02 CHAR(24), s_dist_03 CHAR(24), s_dist_04 CHAR(24), s_dist_05 CHAR(24),
  s_ytd DECIMAL(8,0), s_order_cnt INT, s_remote_cnt INT, s_data VARCHAR(50),
  PRIMARY KEY (s_w_id, s_i_id)) ENGINE=InnoDB`;

/** A stock row of item `item` (~200 bytes of SQL). */
function stockRow(item: number, warehouse: number): string {
  const dist = (k: number) => `'${String(item * 7 + k).padEnd(24, 'abcdefghijklmnopqrstuvwx').slice(0, 24)}'`;
  return `(${item}, ${warehouse}, ${10 + (item % 91)}, ${dist(1)}, ${dist(2)}, ${dist(3)}, ${dist(4)}, ${dist(5)}, 0, 0, 0, 'data (${item}) it''s ${'z'.repeat(item % 20)}')`;
}

/** Statement `n` (from 1): `rows - n` stock rows of items n*100000+1.. over warehouses 1..8; no two statements share a row count (a template). */
function statement(n: number, rows: number): { sql: string; rows: number } {
  const parts = Array.from({ length: rows - n }, (_, r) => stockRow(n * 100_000 + r + 1, (r % 8) + 1));
  const sql = `INSERT INTO stock (s_i_id, s_w_id, s_quantity, s_dist_01, s_dist_02, s_dist_03, s_dist_04, s_dist_05, s_ytd, s_order_cnt, s_remote_cnt, s_data) VALUES ${parts.join(', ')}`;
  return { sql, rows: parts.length };
}

const MiB = (b: number) => (b / 1048576).toFixed(1);

async function main(): Promise<void> {
  const statements = flag('--statements', 100);
  const kb = flag('--kb', 510);
  const threads = flag('--threads', 1);
  const dir = mkdtempSync(path.join(tmpdir(), 'sluice-bench-bulk-'));
  const db = await startMariaDB({ extraArgs: ['--innodb-buffer-pool-size=512M', '--innodb-log-file-size=256M', '--max-allowed-packet=64M'] });
  let sluice: SluiceChild | null = null;
  let direct: BackendConnection | null = null;
  try {
    await db.sql(['bulk_0', 'bulk_1', 'bulk_direct'].map((d) => `CREATE DATABASE ${d} CHARACTER SET utf8mb4; USE ${d}; ${STOCK};`).join('\n'));
    direct = await BackendConnection.connect({ name: 'direct', host: db.host, port: db.port, user: db.user, password: db.password, connectTimeoutMs: 2000 }, 0, 'bulk_direct');
    sluice = await startSluiceChild(db, dir, {
      threads, poolMax: 8, database: 'bulk',
      schemas: ['  bulk:', '    partitions:', '      - { write: db, database: bulk_0 }', '      - { write: db, database: bulk_1 }', '    tables:', '      stock: { shardKey: s_w_id, algorithm: mod }'],
    });
    const pid = sluice.pid;
    // Warm-up: a small INSERT and a read through both open the backend connections and load the code.
    const warm = "INSERT INTO stock (s_i_id, s_w_id, s_quantity) VALUES (0, 1, 0), (0, 2, 0)";
    for (const c of [direct, sluice.conn]) {
      await c.query(warm);
      await c.query('SELECT COUNT(*) FROM stock');
    }
    const before = await settledRss(pid);
    process.stderr.write(`sluice pid ${pid}, idle RSS ${MiB(before)} MiB; ${statements} INSERTs of ~${kb} KiB\n`);

    const time = { direct: 0, sluice: 0 };
    let rows = 0;
    const cpu0 = cpuSeconds(pid);
    const rowsPerStatement = Math.ceil((kb * 1024) / stockRow(100_000, 1).length) + statements;
    for (let n = 0; n < statements; n++) {
      const s = statement(n + 1, rowsPerStatement);
      const sqlBytes = Buffer.from(s.sql, 'latin1');
      for (const [side, conn] of [['direct', direct], ['sluice', sluice.conn]] as const) {
        const t0 = process.hrtime.bigint();
        const r = await conn.query(sqlBytes);
        time[side] += Number(process.hrtime.bigint() - t0) / 1e9;
        if (r.ok?.affectedRows !== s.rows) throw new Error(`statement ${n + 1} via ${side}: ${r.ok?.affectedRows} rows affected, expected ${s.rows}`);
      }
      rows += s.rows;
      if ((n + 1) % 10 === 0 || n + 1 === statements)
        process.stderr.write(`${n + 1}/${statements}: ${rows} rows; direct ${Math.round(rows / time.direct)} rows/s, sluice ${Math.round(rows / time.sluice)} rows/s; sluice RSS ${MiB(procStatus(pid, 'VmRSS'))} MiB\n`);
    }
    const cpu = cpuSeconds(pid) - cpu0;
    const after = procStatus(pid, 'VmRSS');
    const peak = procStatus(pid, 'VmHWM');
    process.stderr.write('waiting for sluice to settle idle...\n');
    const idle = await settledRss(pid);

    const count = async (c: BackendConnection): Promise<number> => Number((await c.query('SELECT COUNT(*) FROM stock')).rows[0][0]);
    const [nDirect, nSluice] = [await count(direct), await count(sluice.conn)];
    if (nDirect !== rows + 2 || nSluice !== rows + 2) throw new Error(`row counts: direct ${nDirect}, through sluice ${nSluice}, expected ${rows + 2}`);

    const perStatement = (t: number) => ((t / statements) * 1000).toFixed(1);
    process.stdout.write(
      `${statements} distinct INSERTs of ~${kb} KiB (${Math.round(rows / statements)} rows each, ${rows} rows), sluice with ${threads} worker thread${threads > 1 ? 's' : ''}, ` +
      `2 partitions on one MariaDB, node ${process.version}\n` +
      alignColumns([
        ['target', 'rows/s', 'ms per INSERT', 'ratio to direct'],
        ['direct MariaDB', String(Math.round(rows / time.direct)), perStatement(time.direct), '1.000'],
        ['sluice, 2 partitions', String(Math.round(rows / time.sluice)), perStatement(time.sluice), (time.direct / time.sluice).toFixed(3)],
      ]) +
      `sluice CPU: ${((cpu / statements) * 1000).toFixed(1)} ms per INSERT\n` +
      `sluice RSS: before ${MiB(before)} MiB, right after ${MiB(after)} MiB, peak ${MiB(peak)} MiB, idle after ${MiB(idle)} MiB\n`);
  } finally {
    direct?.destroy();
    await sluice?.stop();
    await db.stop();
    rmSync(dir, { recursive: true, force: true });
  }
}

main().catch((e: unknown) => {
  console.error(e instanceof Error ? e.stack ?? e.message : e);
  process.exitCode = 1;
});
