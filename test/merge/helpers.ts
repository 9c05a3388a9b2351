// Tiny shard result tables for merger tests: column definitions, rows built with the independent
// test wire encoder, a driver that feeds shards the way the executor does (interleaved, honouring
// push() === false until onResume), and decoding of what the merger sent to the client.
import { ColumnFlag, ColumnType, Collation } from '../../src/protocol/constants';
import type { ColumnInfo } from '../../src/protocol/packets';
import { createMerger, type Merger, type MergerOptions } from '../../src/merge';
import type { MergeSpec } from '../../src/merge/spec';
import { cat, lenStr } from '../protocol/helpers/wire';

export type Cell = string | Buffer | null;

export function col(name: string, type: ColumnType, opts: Partial<ColumnInfo> = {}): ColumnInfo {
  return {
    schema: 'shop', table: 't', orgTable: 't', name, orgName: name,
    charset: Collation.UTF8MB4_GENERAL_CI, length: 11, type, flags: 0, decimals: 0, ...opts,
  };
}

export const intCol = (name: string, opts: Partial<ColumnInfo> = {}) => col(name, ColumnType.LONG, { charset: Collation.BINARY, flags: ColumnFlag.NUM, ...opts });
export const bigintUnsigned = (name: string) => col(name, ColumnType.LONGLONG, { charset: Collation.BINARY, length: 20, flags: ColumnFlag.UNSIGNED | ColumnFlag.NUM });
export const strCol = (name: string, collation: number = Collation.UTF8MB4_GENERAL_CI) => col(name, ColumnType.VAR_STRING, { charset: collation, length: 400 });
export const decCol = (name: string, precision: number, scale: number) =>
  col(name, ColumnType.NEWDECIMAL, { charset: Collation.BINARY, length: precision + (scale > 0 ? 1 : 0) + 1, decimals: scale });

/**
 * Pushes a row the way a shard's read buffer holds it: inside a larger buffer, between other
 * bytes, so a merge that confused row offsets with buffer offsets would read the wrong bytes.
 */
export function pushAt(merger: Merger, shard: number, payload: Buffer): boolean {
  const buf = Buffer.concat([Buffer.from([0xfb, 0xfe, 0x01]), payload, Buffer.from([0x05, 0xff])]);
  return merger.push(shard, buf, 3, 3 + payload.length);
}

export function row(cells: Cell[]): Buffer {
  return cat(...cells.map((c) => lenStr(c)));
}

/** Decodes a text row payload into strings (NULL -> null), independently of src/merge. */
export function decode(payload: Buffer): (string | null)[] {
  const out: (string | null)[] = [];
  let p = 0;
  while (p < payload.length) {
    const first = payload[p];
    if (first === 0xfb) {
      out.push(null);
      p++;
      continue;
    }
    let n = first, h = 1;
    if (first === 0xfc) (n = payload.readUInt16LE(p + 1)), (h = 3);
    else if (first === 0xfd) (n = payload.readUIntLE(p + 1, 3)), (h = 4);
    out.push(payload.toString('utf8', p + h, p + h + n));
    p += h + n;
  }
  return out;
}

export function spec(over: Partial<MergeSpec> & { columnCount: number }): MergeSpec {
  return {
    visible: over.columnCount, orderBy: [], groupBy: null, groupsSorted: false, aggregates: [],
    having: null, distinct: false, offset: 0, limit: null, ...over,
  };
}

export interface Run {
  rows: (string | null)[][];
  merger: Merger;
  /** How many times a push returned false, and onResume calls, per shard. */
  pauses: number[];
  resumes: number[];
}

/**
 * Feeds every shard's rows into a merger, `chunk` rows from one shard at a time in round-robin,
 * pausing a shard when push() returns false until onResume(shard); ends each shard after its last row.
 */
export function runMerge(
  mergeSpec: MergeSpec, columns: ColumnInfo[], shards: Cell[][][],
  opts: MergerOptions & { chunk?: number; stopWhenSatisfied?: boolean } = {},
): Run {
  const out: (string | null)[][] = [];
  const merger = createMerger(mergeSpec, columns, shards.length, (b, start, end) => out.push(decode(b.subarray(start, end))), opts);
  const pos = shards.map(() => 0);
  const paused = shards.map(() => false);
  const ended = shards.map(() => false);
  const pauses = shards.map(() => 0), resumes = shards.map(() => 0);
  merger.onResume = (s) => {
    resumes[s]++;
    paused[s] = false;
  };
  const chunk = opts.chunk ?? 1;
  for (;;) {
    let progressed = false;
    for (let s = 0; s < shards.length; s++) {
      if (ended[s] || paused[s]) continue;
      for (let k = 0; k < chunk && pos[s] < shards[s].length && !paused[s]; k++) {
        progressed = true;
        if (!pushAt(merger, s, row(shards[s][pos[s]++]))) {
          pauses[s]++;
          paused[s] = true;
        }
      }
      if (pos[s] === shards[s].length && !paused[s]) {
        ended[s] = true;
        progressed = true;
        merger.end(s);
      }
      if (opts.stopWhenSatisfied && merger.satisfied) return { rows: out, merger, pauses, resumes };
    }
    if (ended.every(Boolean)) break;
    if (!progressed) throw new Error(`deadlock: shards ${paused.map((p, i) => (p ? i : -1)).filter((i) => i >= 0)} paused forever`);
  }
  return { rows: out, merger, pauses, resumes };
}
