import { test } from 'node:test';
import assert from 'node:assert/strict';
import { PacketFramer, frame, frameParts, framePayload, nextSeq, writeHeader } from '../../src/protocol/framing';
import { BufferWriter } from '../../src/protocol/buffer-writer';
import { SqlError, ErrorCode } from '../../src/protocol/errors';
import { packet, readFrames } from './helpers/wire';
import { everySplit, cutsAt, around, type Split } from './helpers/split';

const MAX = 0xffffff;

interface Got {
  payload: Buffer;
  seq: number;
  framed: Buffer | null;
}

/** Feeds the chunks to a new framer; copies what each callback sees (views are valid only during it). */
function feed(chunks: Buffer[], maxPayload?: number): Got[] {
  const got: Got[] = [];
  const framer = new PacketFramer((payload, seq, framed) => {
    got.push({ payload: Buffer.from(payload), seq, framed: framed && Buffer.from(framed) });
  }, maxPayload);
  for (const c of chunks) framer.push(c);
  assert.ok(framer.idle, 'framer is idle at a packet boundary');
  return got;
}

/** A deterministic payload of n bytes. */
function bytes(n: number, salt = 0): Buffer {
  const b = Buffer.allocUnsafe(n);
  for (let i = 0; i < n; i++) b[i] = (i * 31 + salt) & 0xff;
  return b;
}

interface Expected {
  payload: Buffer;
  seq: number;
  /** Byte range of the packet (headers included) in the stream. */
  start: number;
  end: number;
}

/** The stream of the payloads framed from seq 0, with where each logical packet lies. */
function stream(payloads: Buffer[]): { bytes: Buffer; expected: Expected[] } {
  const parts: Buffer[] = [];
  const expected: Expected[] = [];
  let pos = 0;
  let seq = 0;
  for (const p of payloads) {
    const framed = packet(p, seq);
    const physical = Math.floor(p.length / MAX) + 1;
    expected.push({ payload: p, seq: (seq + physical - 1) & 0xff, start: pos, end: pos + framed.length });
    parts.push(framed);
    pos += framed.length;
    seq += physical;
  }
  return { bytes: Buffer.concat(parts), expected };
}

/** Chunk boundaries (absolute offsets strictly inside the stream) of a split. */
function cuts(split: Split): number[] {
  const out: number[] = [];
  let pos = 0;
  for (const c of split.chunks.slice(0, -1)) out.push((pos += c.length));
  return out;
}

/** Feeds a split and checks each packet inside the callback, while its views are still valid. */
function check(split: Split, expected: Expected[], streamBytes: Buffer): void {
  const at = split.name;
  const boundaries = cuts(split);
  let i = 0;
  const framer = new PacketFramer((payload, seq, framed) => {
    const e = expected[i];
    assert.ok(e, `${at}: unexpected packet ${i}`);
    assert.ok(payload.equals(e.payload), `${at}: payload ${i} (${e.payload.length} bytes)`);
    assert.equal(seq, e.seq, `${at}: seq ${i}`);
    // framed is the packet with its header exactly when it arrived whole in one chunk and needed no
    // continuation; otherwise the payload was reassembled and framed is null.
    const whole = e.payload.length < MAX && !boundaries.some((b) => b > e.start && b < e.end);
    if (whole) assert.ok(framed?.equals(streamBytes.subarray(e.start, e.end)), `${at}: framed view ${i}`);
    else assert.equal(framed, null, `${at}: framed ${i} is null`);
    i++;
  });
  for (const c of split.chunks) framer.push(c);
  assert.equal(i, expected.length, `${at}: packet count`);
  assert.ok(framer.idle, `${at}: idle at the end`);
}

test('PacketFramer: small packets (incl. empty) split at every offset, 1-byte chunks and whole', () => {
  const payloads = [bytes(0), bytes(1, 1), bytes(5, 2), bytes(0), bytes(250, 3), bytes(3, 4), bytes(0)];
  const s = stream(payloads);
  let n = 0;
  for (const split of everySplit(s.bytes)) {
    check(split, s.expected, s.bytes);
    n++;
  }
  assert.equal(n, s.bytes.length + 1);
});

test('PacketFramer: sequence ids are reported as sent and wrap past 255', () => {
  const parts: Buffer[] = [];
  for (let seq = 250; seq < 262; seq++) parts.push(packet(Buffer.from([seq & 0xff]), seq & 0xff));
  for (const split of everySplit(Buffer.concat(parts))) {
    const got = feed(split.chunks);
    assert.deepEqual(got.map((g) => g.seq), [250, 251, 252, 253, 254, 255, 0, 1, 2, 3, 4, 5], split.name);
    assert.deepEqual(got.map((g) => g.payload[0]), got.map((g) => g.seq), split.name);
  }
});

test('PacketFramer: payloads of 0xffffff-1, 0xffffff (continuation + empty) and 16 MiB + 5, cut near every boundary', () => {
  const payloads = [bytes(3, 9), bytes(MAX - 1, 1), bytes(2, 8), bytes(MAX, 2), bytes(0), bytes((16 << 20) + 5, 3), bytes(7, 4)];
  const s = stream(payloads);
  // Physical header positions: every logical packet's start, and inside the big ones every
  // 0xffffff-byte part boundary.
  const packetEdges: number[] = [];
  const partEdges: number[] = [];
  for (const e of s.expected) {
    packetEdges.push(e.start + 4);
    for (let p = e.start + 4 + MAX; p < e.end; p += 4 + MAX) partEdges.push(p, p + 4);
  }
  const offsets = [...around(packetEdges, 1), ...around(partEdges, 2)];
  for (const e of s.expected) if (e.payload.length > 1000) offsets.push(e.start + 1000, e.end - 1000);
  let n = 0;
  for (const split of cutsAt(s.bytes, offsets)) {
    check(split, s.expected, s.bytes);
    n++;
  }
  assert.ok(n > 40, `${n} splits`);
  // The continuation parts carry consecutive seqs: 0xffffff payload = seq 2 (full) + seq 3 (empty).
  const frames = readFrames(s.bytes);
  assert.deepEqual(frames.map((f) => f.seqs), [[0], [1], [2], [3, 4], [5], [6, 7], [8]]);
});

test('PacketFramer: a payload over maxPayload is ER_NET_PACKET_TOO_LARGE, fatal', () => {
  const framer = new PacketFramer(() => assert.fail('no packet expected'), 100);
  const big = packet(bytes(101));
  assert.throws(() => framer.push(big), (e: unknown) => {
    assert.ok(e instanceof SqlError);
    assert.equal(e.errno, ErrorCode.ER_NET_PACKET_TOO_LARGE);
    assert.equal(e.fatal, true);
    return true;
  });
  // Exactly maxPayload is accepted, whether whole or split.
  for (const split of everySplit(packet(bytes(100, 5)))) {
    const got = feed(split.chunks, 100);
    assert.equal(got.length, 1);
    assert.ok(got[0].payload.equals(bytes(100, 5)));
  }
});

test('PacketFramer: idle is false inside a header, a payload and a continuation', () => {
  const framer = new PacketFramer(() => {});
  assert.ok(framer.idle);
  framer.push(Buffer.from([5, 0]));
  assert.equal(framer.idle, false, 'half a header');
  framer.push(Buffer.from([0, 0, 1, 2]));
  assert.equal(framer.idle, false, 'inside the payload');
  framer.push(Buffer.from([3, 4, 5]));
  assert.ok(framer.idle, 'after the packet');
  framer.push(packet(bytes(MAX)).subarray(0, 4 + MAX));
  assert.equal(framer.idle, false, 'after a 0xffffff-byte part');
  framer.push(Buffer.from([0, 0, 0, 1]));
  assert.ok(framer.idle, 'after the closing empty packet');
});

test('frame: small, empty, 0xffffff-1, 0xffffff and 16 MiB + 5 payloads read back by the independent decoder', () => {
  for (const [n, seq] of [[0, 0], [1, 3], [300, 255], [MAX - 1, 7], [MAX, 254], [(16 << 20) + 5, 1]]) {
    const payload = bytes(n, 11);
    const out = Buffer.concat(frame(payload, seq));
    assert.ok(out.equals(packet(payload, seq)), `frame(${n}) bytes`);
    const frames = readFrames(out);
    assert.equal(frames.length, 1);
    assert.ok(frames[0].payload.equals(payload));
    const physical = Math.floor(n / MAX) + 1;
    assert.deepEqual(frames[0].seqs, Array.from({ length: physical }, (_, i) => (seq + i) & 0xff));
    assert.equal(nextSeq(n, seq), (seq + physical) & 0xff, `nextSeq(${n}, ${seq})`);
  }
});

test('frameParts: parts cut anywhere make the same packets as the whole payload, split at 0xffffff with an empty one after an exact multiple', () => {
  for (const [n, seq] of [[0, 0], [1, 3], [MAX - 1, 255], [MAX, 7], [MAX + 5, 1], [2 * MAX, 0]]) {
    const payload = bytes(n, 5);
    const want = packet(payload, seq);
    for (const cuts of [[], [0], [Math.min(n, 7)], [n >> 1, n >> 1, Math.min(n, (n >> 1) + MAX - 3)], [n]]) {
      const parts = [...cuts, n].map((end, i, all) => payload.subarray(i === 0 ? 0 : all[i - 1], end));
      assert.ok(frameParts(parts, seq).equals(want), `frameParts(${n}) cut at ${cuts.join(',')}`);
    }
  }
});

test('framePayload: frames in place in the writer\'s reserved room, and splits large payloads', () => {
  const w = new BufferWriter(16);
  w.u8(3).str('SELECT 1');
  const bufs = framePayload(w.buf, w.headerRoom, w.pos, 0);
  assert.equal(bufs.length, 1);
  assert.equal(bufs[0].buffer, w.buf.buffer, 'no copy: a view of the writer\'s buffer');
  assert.ok(bufs[0].equals(packet(Buffer.from('\x03SELECT 1', 'latin1'), 0)));

  for (const n of [0, MAX - 1, MAX, MAX + 6]) {
    const room = Buffer.alloc(4 + n + 3); // 4 bytes of room in front, spare bytes behind
    const payload = bytes(n, 2);
    payload.copy(room, 4);
    const out = Buffer.concat(framePayload(room, 4, 4 + n, 9));
    assert.ok(out.equals(packet(payload, 9)), `framePayload(${n})`);
  }
});

test('writeHeader and nextSeq', () => {
  const h = Buffer.alloc(6, 0xaa);
  writeHeader(h, 1, 0x123456, 0x1ff);
  assert.deepEqual([...h], [0xaa, 0x56, 0x34, 0x12, 0xff, 0xaa]);
  assert.equal(nextSeq(0, 0), 1);
  assert.equal(nextSeq(10, 255), 0);
  assert.equal(nextSeq(MAX - 1, 3), 4);
  assert.equal(nextSeq(MAX, 3), 5);
  assert.equal(nextSeq(2 * MAX, 254), 1);
  assert.equal(nextSeq(2 * MAX + 1, 0), 3);
});

test('PacketFramer.rangeHandler: packets as (buf, start, end) of their chunk, reassembled ones flagged; switchable between packets', () => {
  const payloads = [bytes(2, 1), bytes(0), bytes(300, 2), bytes(9, 3), bytes(1, 4), bytes(40, 5)];
  const s = stream(payloads);
  for (const split of everySplit(s.bytes)) {
    const at = split.name;
    const boundaries = cuts(split);
    const chunkOf = new Set(split.chunks);
    const seen: string[] = [];
    let i = 0;
    const framer = new PacketFramer((payload, seq) => {
      // Packets 0, 1 and 5 come the classic way; 2..4 as ranges (switched inside the handlers).
      const e = s.expected[i];
      assert.ok(payload.equals(e.payload) && seq === e.seq, `${at}: packet ${i} via onPacket`);
      seen.push(`p${i}`);
      if (++i === 2) framer.rangeHandler = ranges;
    });
    const ranges = (buf: Buffer, start: number, end: number, seq: number, inChunk: boolean) => {
      const e = s.expected[i];
      assert.ok(buf.subarray(start, end).equals(e.payload) && seq === e.seq, `${at}: packet ${i} as a range`);
      const whole = !boundaries.some((b) => b > e.start && b < e.end);
      assert.equal(inChunk, whole, `${at}: packet ${i} inChunk`);
      if (inChunk) assert.ok(chunkOf.has(buf), `${at}: packet ${i} is a range of the chunk itself, not a copy`);
      seen.push(`r${i}`);
      if (++i === 5) framer.rangeHandler = null;
    };
    for (const c of split.chunks) framer.push(c);
    assert.deepEqual(seen, ['p0', 'p1', 'r2', 'r3', 'r4', 'p5'], at);
    assert.ok(framer.idle, `${at}: idle at the end`);
  }
});
