import { FrameSizeError, FrameSplitter } from '../../../src/network/frame-splitter';
import { FramePool } from '../../../storage/frame-pool';

function frame(payload: Buffer): Buffer {
  const size = Buffer.alloc(4);
  size.writeInt32BE(payload.length, 0);
  return Buffer.concat([size, payload]);
}

test('whole frames in one chunk come back as views, several per chunk', () => {
  const s = new FrameSplitter(1024);
  const chunk = Buffer.concat([frame(Buffer.from('abc')), frame(Buffer.from('')), frame(Buffer.from('hello'))]);
  const frames = s.push(chunk);
  expect(frames.map((f) => f.toString())).toEqual(['abc', '', 'hello']);
  expect(frames[0].buffer).toBe(chunk.buffer);
  expect(s.bufferedBytes).toBe(0);
});

test('frames split at every possible byte boundary are reassembled', () => {
  const stream = Buffer.concat([frame(Buffer.from('first-frame')), frame(Buffer.alloc(300, 7)), frame(Buffer.from('x'))]);
  for (let cut = 1; cut < stream.length; cut++) {
    const s = new FrameSplitter(1024);
    const out = [...s.push(stream.subarray(0, cut)), ...s.push(stream.subarray(cut))];
    expect(out.map((f) => f.length)).toEqual([11, 300, 1]);
    expect(out[1].every((b) => b === 7)).toBe(true);
  }
});

test('byte-by-byte delivery of a large frame works', () => {
  const payload = Buffer.alloc(5000, 3);
  const stream = frame(payload);
  const s = new FrameSplitter(10000);
  const out: Buffer[] = [];
  for (let i = 0; i < stream.length; i++) out.push(...s.push(stream.subarray(i, i + 1)));
  expect(out).toHaveLength(1);
  expect(out[0].equals(payload)).toBe(true);
});

test('negative and oversized sizes are errors', () => {
  const neg = Buffer.alloc(4);
  neg.writeInt32BE(-1, 0);
  expect(() => new FrameSplitter(100).push(neg)).toThrow(FrameSizeError);
  const big = Buffer.alloc(4);
  big.writeInt32BE(101, 0);
  expect(() => new FrameSplitter(100).push(big)).toThrow(/socket.request.max.bytes/);
});

test('random chunkings of a random stream give back exactly its frames, and handed-out frames stay intact', () => {
  let seed = 12345;
  const rand = (n: number): number => {
    seed = (seed * 1103515245 + 12345) & 0x7fffffff;
    return seed % n;
  };
  for (let round = 0; round < 50; round++) {
    const payloads = Array.from({ length: 1 + rand(8) }, (_, i) => Buffer.alloc(rand(3) === 0 ? rand(5) : rand(3000), (round + i) & 0xff));
    const stream = Buffer.concat(payloads.map(frame));
    const s = new FrameSplitter(4096);
    const out: Buffer[] = [];
    const copies: Buffer[] = [];
    for (let at = 0; at < stream.length;) {
      const end = Math.min(stream.length, at + 1 + rand(700));
      // Each chunk is its own buffer, overwritten after the push, as a socket's read buffers may be.
      const chunk = Buffer.from(stream.subarray(at, end));
      const frames = s.push(chunk);
      out.push(...frames);
      copies.push(...frames.map((f) => Buffer.from(f)));
      if (frames.every((f) => f.buffer !== chunk.buffer)) chunk.fill(0xee);
      at = end;
    }
    expect(s.bufferedBytes).toBe(0);
    expect(out.map((f) => f.length)).toEqual(payloads.map((p) => p.length));
    out.forEach((f, i) => expect(f.equals(payloads[i])).toBe(true));
    copies.forEach((f, i) => expect(f.equals(payloads[i])).toBe(true));
  }
});

test('counts the bytes of an unfinished frame, size prefix included', () => {
  const s = new FrameSplitter(1024);
  const stream = frame(Buffer.alloc(100, 1));
  expect(s.push(stream.subarray(0, 2))).toEqual([]);
  expect(s.bufferedBytes).toBe(2);
  expect(s.push(stream.subarray(2, 50))).toEqual([]);
  expect(s.bufferedBytes).toBe(50);
  expect(s.push(stream.subarray(50))).toHaveLength(1);
  expect(s.bufferedBytes).toBe(0);
});

test('a transient chunk gives copies: frames stay intact when its memory is reused', () => {
  const s = new FrameSplitter(1024);
  const chunk = Buffer.concat([frame(Buffer.from('abc')), frame(Buffer.from('hello')), frame(Buffer.from('par'))]);
  const frames = s.push(chunk.subarray(0, chunk.length - 1), true);
  chunk.fill(0);
  expect(frames.map((f) => f.toString())).toEqual(['abc', 'hello']);
  const rest = Buffer.from('r');
  expect(s.push(rest, true).map((f) => f.toString())).toEqual(['par']);
});

test('the rest of a large frame is read in place: mixed with pushed chunks, frames come back whole and are never written again', () => {
  const payloads = [Buffer.alloc(200_000, 1), Buffer.from('small'), Buffer.alloc(70_000, 2), Buffer.alloc(3, 3)];
  for (let i = 0; i < payloads[0].length; i += 997) payloads[0][i] = i % 256;
  const stream = Buffer.concat(payloads.map(frame));
  const s = new FrameSplitter(1 << 20);
  const out: Buffer[] = [];
  const scratch = Buffer.alloc(1000);
  let at = 0;
  let direct = 0;
  while (at < stream.length) {
    const target = s.directTarget(1000);
    if (target !== null) {
      // As a socket read would: at most the frame's rest, here 4,321 bytes at a time.
      const n = Math.min(target.length, 4321, stream.length - at);
      stream.copy(target, 0, at, at + n);
      at += n;
      direct += n;
      const done = s.filledDirectly(n);
      if (done !== null) out.push(done);
      continue;
    }
    // Everything else goes through one reused buffer (a transient chunk), refilled after each push.
    const n = Math.min(scratch.length, stream.length - at);
    stream.copy(scratch, 0, at, at + n);
    at += n;
    out.push(...s.push(scratch.subarray(0, n), true));
    scratch.fill(0xee);
  }
  expect(direct).toBeGreaterThan(250_000);
  expect(out).toHaveLength(payloads.length);
  out.forEach((f, i) => expect(f.equals(payloads[i])).toBe(true));
  expect(s.bufferedBytes).toBe(0);
});

test('no in-place target without a frame in progress or for its last bytes, and no bytes past its end', () => {
  const s = new FrameSplitter(1 << 20);
  expect(s.directTarget(1)).toBeNull();
  const size = Buffer.alloc(4);
  size.writeInt32BE(10_000, 0);
  expect(s.push(Buffer.concat([size, Buffer.alloc(1000)]), true)).toEqual([]);
  expect(s.directTarget(9001)).toBeNull();
  const target = s.directTarget(9000) as Buffer;
  expect(target.length).toBe(9000);
  expect(() => s.filledDirectly(9001)).toThrow();
  expect(s.filledDirectly(8999)).toBeNull();
  expect(s.directTarget(2)).toBeNull();
  expect(s.filledDirectly(1)).toHaveLength(10_000);
  expect(s.directTarget(1)).toBeNull();
});

test('frames it copies or assembles come from its frame source; views of a chunk do not', () => {
  const pool = new FramePool(8 << 20);
  const s = new FrameSplitter(1 << 20, pool);
  const large = Buffer.alloc(40_000, 7);
  const small = Buffer.from('small');
  // Whole in a transient chunk: copied into a pooled buffer (the small one into a plain one).
  const copied = s.push(Buffer.concat([frame(large), frame(small)]), true);
  expect(copied.map((f) => pool.pooled(f))).toEqual([true, false]);
  expect(copied[0].equals(large)).toBe(true);
  // Whole in a chunk the caller keeps: a view of it, nothing taken.
  const kept = Buffer.concat([frame(large)]);
  const [view] = s.push(kept);
  expect(view.buffer).toBe(kept.buffer);
  expect(pool.pooled(view)).toBe(false);
  // Spread over chunks: assembled in a pooled buffer.
  const stream = frame(large);
  expect(s.push(stream.subarray(0, 1000))).toEqual([]);
  const [assembled] = s.push(stream.subarray(1000));
  expect(pool.pooled(assembled)).toBe(true);
  expect(assembled.equals(large)).toBe(true);
  expect(pool.allocations).toBe(2);
});
