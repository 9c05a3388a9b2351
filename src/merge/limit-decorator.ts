// LIMIT / OFFSET over any merged result: the shards were asked for offset+limit rows each (LIMIT 0,
// o+n); the merged stream skips the first `offset` rows and passes `limit` rows on. Once the limit is
// reached the result is satisfied: the merger stops work and the executor may cancel the shards.
import type { RowSink } from './row-sink';

export class LimitDecorator implements RowSink {
  /** Rows passed on so far. */
  emitted = 0;
  /** True once `limit` rows have passed (at once for LIMIT 0). */
  satisfied: boolean;
  /** Set by the merger: called once, when the limit is reached. */
  onSatisfied: (() => void) | null = null;
  private skipped = 0;

  constructor(private readonly offset: number, private readonly limit: number | null, private readonly sink: RowSink) {
    this.satisfied = limit === 0;
  }

  row(buf: Buffer, start: number, end: number): void {
    if (this.satisfied) return;
    if (this.skipped < this.offset) {
      this.skipped++;
      return;
    }
    this.emitted++;
    this.sink.row(buf, start, end);
    if (this.limit !== null && this.emitted >= this.limit) {
      this.satisfied = true;
      this.onSatisfied?.();
    }
  }

  end(): void {
    this.sink.end();
  }
}
