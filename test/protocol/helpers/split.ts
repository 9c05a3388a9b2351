// Ways to cut a byte stream into socket chunks, in the habit of node-postgres' pg-protocol tests:
// all at once, one byte at a time, and in two pieces at every offset. Chunks are fresh copies so
// code under test that keeps a view past its call is caught when the next chunk is written over.

/** A named list of chunks that concatenate to the stream. */
export interface Split {
  name: string;
  chunks: Buffer[];
}

function copy(b: Buffer): Buffer {
  return Buffer.from(b);
}

/** Whole, 1-byte chunks, and a two-way cut at every offset 1..length-1. */
export function* everySplit(stream: Buffer): Generator<Split> {
  yield { name: 'whole', chunks: [copy(stream)] };
  yield { name: '1-byte chunks', chunks: Array.from(stream, (b) => Buffer.from([b])) };
  for (let at = 1; at < stream.length; at++) {
    yield { name: `cut at ${at}`, chunks: [copy(stream.subarray(0, at)), copy(stream.subarray(at))] };
  }
}

/** Two-way cuts at the given offsets only (for streams too large for every offset). */
export function* cutsAt(stream: Buffer, offsets: number[]): Generator<Split> {
  yield { name: 'whole', chunks: [stream] };
  for (const at of offsets) {
    if (at <= 0 || at >= stream.length) continue;
    yield { name: `cut at ${at}`, chunks: [stream.subarray(0, at), stream.subarray(at)] };
  }
}

/** Offsets around each given point (point-r .. point+r), for cutting large streams near boundaries. */
export function around(points: number[], r = 5): number[] {
  const out = new Set<number>();
  for (const p of points) for (let d = -r; d <= r; d++) out.add(p + d);
  return [...out].sort((a, b) => a - b);
}
