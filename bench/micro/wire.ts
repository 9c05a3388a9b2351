// Micro benchmarks of the receive path: framing backend chunks into packets, and relaying a text
// result through the ResponseScanner (what BackendConnection.onData does for every chunk).
import { PacketFramer } from '../../src/protocol/framing';
import { ResponseKind, ResponseScanner } from '../../src/protocol/response-scanner';
import { cut, sbtestResult } from './result-stream';
import type { MicroGroup } from './harness';

/** Feeds every chunk to a framer; returns the packets seen (checked by the caller once). */
function framerOver(chunks: Buffer[]): () => number {
  let packets = 0;
  const framer = new PacketFramer(() => packets++);
  return () => {
    packets = 0;
    for (const c of chunks) framer.push(c);
    return packets;
  };
}

/**
 * Scans a whole response chunk by chunk the way BackendConnection.onData does, passing each chunk
 * (or its head) to `data` (the session's RelaySink.data: socket.write); returns the bytes relayed.
 */
export function relayOver(chunks: Buffer[], deprecateEof = true, data: (chunk: Buffer) => void = () => {}): () => number {
  const scanner = new ResponseScanner();
  let bytes = 0;
  const relay = (chunk: Buffer) => {
    bytes += chunk.length;
    data(chunk);
  };
  return () => {
    bytes = 0;
    scanner.begin(ResponseKind.Result, deprecateEof);
    for (const c of chunks) {
      const end = scanner.scan(c);
      if (end < 0) relay(c);
      else relay(end === c.length ? c : c.subarray(0, end));
    }
    if (!scanner.done) throw new Error('BUG: the response did not end');
    return bytes;
  };
}

export function wireGroups(): MicroGroup[] {
  const point = sbtestResult(1);
  const range = sbtestResult(1000);
  const rangeRows = 1000 + 4 + 2; // rows + column defs + count + end
  const groups: MicroGroup[] = [];
  const framing: MicroGroup = { name: 'packet framing: PacketFramer.push over socket chunks', tasks: {} };
  const relay: MicroGroup = { name: 'text-row relay: ResponseScanner.scan + sink over socket chunks', tasks: {} };
  for (const [label, stream, packets] of [['point select (1 row)', point, 7], ['range scan (1,000 rows)', range, rangeRows]] as const) {
    for (const size of [1448, 65536]) {
      const chunks = cut(stream, size);
      const f = framerOver(chunks);
      if (f() !== packets) throw new Error(`BUG: framer saw ${f()} packets, expected ${packets}`);
      framing.tasks[`${label}, ${size}-byte chunks`] = f;
      const r = relayOver(chunks);
      if (r() !== stream.length) throw new Error('BUG: relay lost bytes');
      relay.tasks[`${label}, ${size}-byte chunks`] = r;
    }
  }
  groups.push(framing, relay);
  return groups;
}
