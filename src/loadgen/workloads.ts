// The built-in workloads as weighted statement mixes over the sysbench schema, and the parser of a
// user's own mix (--sql FILE). One request is one statement, drawn by weight.
//
// --sql FILE format, one statement a line:
//   # a comment; blank lines are skipped
//   10<TAB>SELECT c FROM sbtest{table} WHERE id={id}
//   1<TAB>UPDATE sbtest{table} SET k=k+1 WHERE id={id}
//   SELECT 1                      (no leading weight: weight 1)
// The weight is a positive number before a tab; placeholders are those of template.ts.
import { readFileSync } from 'node:fs';

/** One statement of a mix and its relative weight. */
export interface MixEntry {
  weight: number;
  sql: string;
}

export const WORKLOADS = [
  'point-select', 'read-only', 'read-write', 'insert', 'update-key', 'scatter', 'order-limit', 'join-binding',
] as const;
export type WorkloadName = (typeof WORKLOADS)[number];

const POINT = 'SELECT c FROM sbtest{table} WHERE id={id}';
// sysbench oltp_read_only's ranges: 100 ids from a random start.
const RANGES: MixEntry[] = [
  { weight: 1, sql: 'SELECT c FROM sbtest{table} WHERE id BETWEEN {id} AND {id}+99' },
  { weight: 1, sql: 'SELECT SUM(k) FROM sbtest{table} WHERE id BETWEEN {id} AND {id}+99' },
  { weight: 1, sql: 'SELECT c FROM sbtest{table} WHERE id BETWEEN {id} AND {id}+99 ORDER BY c' },
  { weight: 1, sql: 'SELECT DISTINCT c FROM sbtest{table} WHERE id BETWEEN {id} AND {id}+99 ORDER BY c' },
];

/**
 * The statements of each built-in workload, in sysbench's proportions where sysbench has one.
 * read-write rewrites a row with REPLACE where sysbench deletes and re-inserts it, so one request
 * stays one statement and the table keeps its size.
 */
export function builtinMix(name: WorkloadName): MixEntry[] {
  switch (name) {
    case 'point-select':
      return [{ weight: 1, sql: POINT }];
    case 'read-only':
      return [{ weight: 10, sql: POINT }, ...RANGES];
    case 'read-write':
      return [
        { weight: 10, sql: POINT },
        ...RANGES,
        { weight: 1, sql: 'UPDATE sbtest{table} SET k=k+1 WHERE id={id}' },
        { weight: 1, sql: "UPDATE sbtest{table} SET c='{c}' WHERE id={id}" },
        { weight: 2, sql: "REPLACE INTO sbtest{table} (id, k, c, pad) VALUES ({id}, {k}, '{c}', '{pad}')" },
      ];
    case 'insert':
      return [{ weight: 1, sql: "INSERT INTO sbtest{table} (k, c, pad) VALUES ({k}, '{c}', '{pad}')" }];
    case 'update-key':
      return [{ weight: 1, sql: 'UPDATE sbtest{table} SET k=k+1 WHERE id={id}' }];
    case 'scatter':
      // No shard key (id) in the WHERE clause: a sharded schema must ask every shard.
      return [{ weight: 1, sql: 'SELECT id, c FROM sbtest{table} WHERE k={k}' }];
    case 'order-limit':
      return [{ weight: 1, sql: 'SELECT id, k FROM sbtest{table} WHERE k BETWEEN {k} AND {k}+1000 ORDER BY k, id LIMIT 10' }];
    case 'join-binding':
      // Two tables joined on their shard key: binding tables route to one shard.
      return [{ weight: 1, sql: 'SELECT a.c, b.pad FROM sbtest{table} a JOIN sbtest{table2} b ON b.id = a.id WHERE a.id={id}' }];
  }
}

/** Parses a --sql file's text (format at the top of this file); throws with the line number of a bad line. */
export function parseMix(text: string, file = '--sql'): MixEntry[] {
  const out: MixEntry[] = [];
  text.split(/\r?\n/).forEach((raw, i) => {
    const line = raw.trim();
    if (line === '' || line.startsWith('#')) return;
    const m = /^([0-9]+(?:\.[0-9]+)?)\t\s*(.*)$/.exec(raw.trimStart());
    const weight = m ? Number(m[1]) : 1;
    const sql = (m ? m[2] : line).trim();
    if (!(weight > 0)) throw new Error(`${file}:${i + 1}: the weight must be a positive number`);
    if (sql === '') throw new Error(`${file}:${i + 1}: a weight without a statement`);
    out.push({ weight, sql });
  });
  if (out.length === 0) throw new Error(`${file}: no statements`);
  return out;
}

export function readMix(file: string): MixEntry[] {
  return parseMix(readFileSync(file, 'utf8'), file);
}
