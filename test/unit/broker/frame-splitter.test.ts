import { FrameSizeError, FrameSplitter } from '../../../src/network/frame-splitter';

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
