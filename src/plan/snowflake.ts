// Snowflake ids for keyGenerator columns: 64-bit (positive BIGINT), time-ordered, unique.
//
//   bit 63   62 ........................ 22   21 ....... 12   11 ......... 0
//   [ 0 ][ 41 bits: ms since 2024-01-01Z ][ 10 bits: nodeId ][ 12 bits: low  ]
//
// nodeId is the config's `nodeId` (0-1023), distinct per sluice instance writing the same tables.
// The 12 low bits are shared by the instance's worker threads without coordination: worker w of W
// uses the low values w, w + W, w + 2W, … (a per-millisecond sequence striped by worker), so two
// workers never produce the same id. When a worker exhausts its share within one millisecond, or the
// clock steps back, it moves on to the next millisecond (ids stay increasing; the clock catches up).
// Across restarts ids stay unique as long as the clock does not step back past the last id issued.

/** 2024-01-01T00:00:00Z in ms since the Unix epoch. */
export const SNOWFLAKE_EPOCH_MS = 1704067200000;

export interface SnowflakeOptions {
  /** The instance's node id, 0-1023 (config `nodeId`). */
  nodeId: number;
  /** This worker thread's index, 0 … workerCount-1. */
  workerIndex?: number;
  /** Worker threads of this instance (config `threads`), 1-4096. */
  workerCount?: number;
  /** The clock, ms since the Unix epoch (tests pass a fake). */
  now?: () => number;
}

/** Issues snowflake ids for one worker thread. */
export class SnowflakeGenerator {
  private readonly node: bigint;
  private readonly worker: number;
  private readonly workers: number;
  private readonly now: () => number;
  /** The millisecond (since SNOWFLAKE_EPOCH_MS) of the last id; set by next(). */
  private lastMs = -1;
  /** How many ids this worker issued in lastMs; set by next(). */
  private seq = 0;

  constructor(opts: SnowflakeOptions) {
    const workers = opts.workerCount ?? 1;
    const worker = opts.workerIndex ?? 0;
    if (!Number.isInteger(opts.nodeId) || opts.nodeId < 0 || opts.nodeId > 1023) throw new RangeError('snowflake nodeId must be 0-1023');
    if (!Number.isInteger(workers) || workers < 1 || workers > 4096) throw new RangeError('snowflake workerCount must be 1-4096');
    if (!Number.isInteger(worker) || worker < 0 || worker >= workers) throw new RangeError('snowflake workerIndex must be below workerCount');
    this.node = BigInt(opts.nodeId);
    this.worker = worker;
    this.workers = workers;
    this.now = opts.now ?? Date.now;
  }

  /** The next id: greater than every id this generator issued before. */
  next(): bigint {
    const ms = this.now() - SNOWFLAKE_EPOCH_MS;
    if (ms > this.lastMs) {
      this.lastMs = ms;
      this.seq = 0;
    } else if (this.worker + (this.seq + 1) * this.workers < 4096) {
      this.seq++;
    } else {
      this.lastMs++;
      this.seq = 0;
    }
    const low = this.worker + this.seq * this.workers;
    return (BigInt(this.lastMs) << 22n) | (this.node << 12n) | BigInt(low);
  }
}

/** The parts of an id (for tests and `sluice explain`). */
export function splitSnowflake(id: bigint): { ms: number; nodeId: number; low: number } {
  return { ms: Number(id >> 22n) + SNOWFLAKE_EPOCH_MS, nodeId: Number((id >> 12n) & 1023n), low: Number(id & 4095n) };
}
