// Merger benchmark: 4 shards x 250,000 pre-sorted rows through the ORDER BY heap merge (with and
// without LIMIT), beside plain concatenation, in rows merged per CPU second of this process.
//
//   npx tsc -p tsconfig.json && node dist/bench/merge.js [--rows 250000] [--chunk 64] [--repeat 3]
//
// Rows are built before timing (id BIGINT, name VARCHAR, amount DECIMAL(10,2)), ids interleaved
// across shards so the merge really alternates. The driver feeds `chunk` rows from one shard at a
// time, as socket reads would, honouring push() === false until onResume. Each run's output is
// checked (count, and order on the first run) before its time counts.
import { createMerger } from '../src/merge';
import type { MergeSpec } from '../src/merge/spec';
import { ColumnType, Collation } from '../src/protocol/constants';
import { BufferWriter } from '../src/protocol/buffer-writer';
import { encodeTextRow, type ColumnInfo } from '../src/protocol/packets';

const args = process.argv.slice(2);
const opt = (name: string, dflt: number) => {
  const i = args.indexOf(`--${name}`);
  return i >= 0 ? Number(args[i + 1]) : dflt;
};
const SHARDS = 4, ROWS = opt('rows', 250_000), CHUNK = opt('chunk', 64), REPEAT = opt('repeat', 3);

const column = (name: string, type: ColumnType, charset: number, decimals = 0): ColumnInfo =>
  ({ schema: 'shop', table: 'orders', orgTable: 'orders', name, orgName: name, charset, length: 20, type, flags: 0, decimals });
const columns = [column('id', ColumnType.LONGLONG, Collation.BINARY), column('name', ColumnType.VAR_STRING, Collation.UTF8MB4_GENERAL_CI),
  column('amount', ColumnType.NEWDECIMAL, Collation.BINARY, 2)];

function buildShards(): Buffer[][] {
  return Array.from({ length: SHARDS }, (_, s) => Array.from({ length: ROWS }, (_, i) => {
    const id = 1_000_000_000 + i * SHARDS + s;
    const w = new BufferWriter(64, 0);
    encodeTextRow(w, [String(id), `customer-${(id * 7919) % 100_000}`, ((id % 100_000) / 100).toFixed(2)]);
    return Buffer.from(w.payload());
  }));
}

const base: MergeSpec = {
  columnCount: 3, visible: 3, orderBy: [], groupBy: null, groupsSorted: false, aggregates: [], having: null,
  distinct: false, offset: 0, limit: null,
};

/** The sort key the first (checked) run verifies the output by: upper-cased name or id. */
type Key = (row: Buffer) => string | number;
const idKey: Key = (r) => Number(r.toString('latin1', 1, 1 + r[0]));
const nameKey: Key = (r) => r.toString('latin1', 2 + r[0], 2 + r[0] + r[1 + r[0]]).toUpperCase() + '\0' + String(idKey(r)).padStart(12, '0');

/** Runs one merge; returns [output rows, CPU seconds]. With a key, checks the output order. */
function run(shards: Buffer[][], spec: MergeSpec, key: Key | null, cols = columns): [number, number] {
  let count = 0, ordered = true;
  let last: string | number | null = null;
  const out = key
    ? (buf: Buffer, start: number, end: number) => {
      count++;
      const k = key(buf.subarray(start, end));
      if (last !== null && k < last) ordered = false;
      last = k;
    }
    : () => {
      count++;
    };
  const merger = createMerger(spec, cols, SHARDS, out);
  const pos = new Array<number>(SHARDS).fill(0);
  const paused = new Array<boolean>(SHARDS).fill(false);
  merger.onResume = (s) => {
    paused[s] = false;
  };
  let live = SHARDS;
  const t0 = process.cpuUsage();
  while (live > 0 && !merger.satisfied) {
    for (let s = 0; s < SHARDS; s++) {
      const rows = shards[s];
      let p = pos[s];
      if (p > rows.length || paused[s]) continue;
      const stop = Math.min(p + CHUNK, rows.length);
      while (p < stop) {
        const r = rows[p++];
        if (!merger.push(s, r, 0, r.length)) {
          paused[s] = true;
          break;
        }
      }
      if (p === rows.length && !paused[s]) {
        merger.end(s);
        p++;
        live--;
      }
      pos[s] = p;
    }
  }
  const t = process.cpuUsage(t0);
  if (!ordered) throw new Error('merged output is out of order');
  return [count, (t.user + t.system) / 1e6];
}

function bench(name: string, shards: Buffer[][], spec: MergeSpec, expected: number, key: Key | null, cols = columns): void {
  const [n] = run(shards, spec, key, cols);
  if (n !== expected) throw new Error(`${name}: ${n} rows out, expected ${expected}`);
  let best = Infinity;
  for (let i = 0; i < REPEAT; i++) best = Math.min(best, run(shards, spec, null, cols)[1]);
  const input = SHARDS * ROWS;
  console.log(`${name.padEnd(44)} ${String(n).padStart(9)} rows out  ${(input / best / 1e6).toFixed(2).padStart(6)} M input rows/s per core  (${(best * 1000).toFixed(0)} ms CPU)`);
}

const shards = buildShards();
const total = SHARDS * ROWS;
console.log(`${SHARDS} shards x ${ROWS} rows, chunks of ${CHUNK}, best of ${REPEAT}`);
bench('concat (no ORDER BY)', shards, base, total, null);
bench('ORDER BY id (heap merge)', shards, { ...base, orderBy: [{ index: 0, desc: false }] }, total, idKey);
bench('ORDER BY id LIMIT 10, 900000', shards, { ...base, orderBy: [{ index: 0, desc: false }], offset: 10, limit: 900_000 }, 900_000, idKey);
bench('ORDER BY name (general_ci), id', shards.map((rows) => sortByName(rows)),
  { ...base, orderBy: [{ index: 1, desc: false }, { index: 0, desc: false }] }, total, nameKey);
// As the planner sends it for a text key: a 4th column with WEIGHT_STRING(name), compared instead.
bench('ORDER BY name (by WEIGHT_STRING), id', shards.map((rows) => sortByName(rows).map(withWeight)),
  { ...base, columnCount: 4, orderBy: [{ index: 1, desc: false }, { index: 0, desc: false }], weights: [[1, 3]] }, total, nameKey,
  [...columns, column('w', ColumnType.VAR_STRING, Collation.BINARY)]);

/** The row with a 4th value: general_ci's weight of its (ASCII) name, 2 bytes a character. */
function withWeight(r: Buffer): Buffer {
  const at = 1 + r[0], n = r[at];
  const weight = Buffer.alloc(2 * n);
  for (let i = 0; i < n; i++) weight[2 * i + 1] = r.toString('latin1', at + 1 + i, at + 2 + i).toUpperCase().charCodeAt(0);
  return Buffer.concat([r, Buffer.from([weight.length]), weight]);
}

/** The same rows re-sorted per shard by name (ASCII names: plain string order equals general_ci's). */
function sortByName(rows: Buffer[]): Buffer[] {
  const key = (r: Buffer) => {
    const idLen = r[0];
    const nameLen = r[1 + idLen];
    return [r.toString('latin1', 2 + idLen, 2 + idLen + nameLen).toUpperCase(), Number(r.toString('latin1', 1, 1 + idLen))] as const;
  };
  return rows.map((r) => ({ r, k: key(r) })).sort((a, b) => (a.k[0] < b.k[0] ? -1 : a.k[0] > b.k[0] ? 1 : a.k[1] - b.k[1])).map((x) => x.r);
}
