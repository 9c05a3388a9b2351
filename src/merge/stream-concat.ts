// No ORDER BY: shard rows go downstream as they arrive, in whatever interleaving the network gives,
// without decoding and without holding any (so never a reason to pause a shard).
import { ShardEnds, type RowSink, type ShardSource } from './row-sink';

export class StreamConcat implements ShardSource {
  onResume: ((shard: number) => void) | null = null;
  private readonly ends: ShardEnds;

  constructor(shards: number, private readonly sink: RowSink) {
    this.ends = new ShardEnds(shards);
  }

  push(_shard: number, buf: Buffer, start: number, end: number): boolean {
    this.sink.row(buf, start, end);
    return true;
  }

  end(shard: number): void {
    if (this.ends.end(shard)) this.sink.end();
  }

  releaseAll(): void {}
}
