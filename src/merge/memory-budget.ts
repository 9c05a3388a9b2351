// The bytes a query's merge holds in memory (GROUP BY in memory, DISTINCT), counted against the
// query's budget. The slab pool (src/memory) will bound the same figure globally later; until then
// this running count keeps one query from taking the worker's heap.
import { ErrorCode, SqlError } from '../protocol/errors';

export class MemoryBudget {
  /** Bytes charged so far (an estimate: row bytes, key bytes and a fixed overhead per entry). */
  used = 0;

  constructor(readonly limitBytes: number) {}

  /** Counts more held bytes; throws ER_OUT_OF_RESOURCES once over the limit. */
  charge(bytes: number): void {
    this.used += bytes;
    if (this.used > this.limitBytes) {
      const mb = Math.round((this.limitBytes / (1024 * 1024)) * 100) / 100;
      throw new SqlError(ErrorCode.ER_OUT_OF_RESOURCES,
        `Out of resources: merging this query's shard results exceeds maxQueryMemoryMB (${mb} MB); ` +
        'narrow the WHERE clause, add a LIMIT, or raise maxQueryMemoryMB');
    }
  }
}
