// The typed-array int64 helpers must agree with Buffer's own big-endian methods bit for bit, and refuse what they
// refuse (offsets out of range, values that do not fit 64 signed bits), with Buffer's message.
import { readInt64BE, writeInt64BE } from '../../../codecs/primitives/int64';

const EDGES = [
  0n,
  1n,
  -1n,
  255n,
  256n,
  -256n,
  0x7fffffffn,
  0x80000000n,
  -0x80000000n,
  0xffffffffn,
  0x100000000n,
  0x7fffffffffffffffn,
  -0x8000000000000000n,
  1700000000000n,
  -(2n ** 40n),
];

function pseudoRandom(seed: number): () => bigint {
  let x = BigInt(seed);
  return () => {
    x = (x * 6364136223846793005n + 1442695040888963407n) & 0xffffffffffffffffn;
    return BigInt.asIntN(64, x);
  };
}

describe('int64 helpers', () => {
  it('write and read like Buffer.writeBigInt64BE / readBigInt64BE at any offset', () => {
    const next = pseudoRandom(42);
    const values = [...EDGES, ...Array.from({ length: 500 }, next)];
    for (const [i, v] of values.entries()) {
      const at = i % 9;
      const ours = Buffer.alloc(20, 0xaa);
      const theirs = Buffer.alloc(20, 0xaa);
      writeInt64BE(ours, v, at);
      theirs.writeBigInt64BE(v, at);
      expect(ours.equals(theirs)).toBe(true);
      expect(readInt64BE(theirs, at)).toBe(v);
      expect(readInt64BE(theirs, at)).toBe(theirs.readBigInt64BE(at));
    }
  });

  it('refuses offsets past the end and values outside 64 signed bits', () => {
    const buf = Buffer.alloc(10);
    expect(() => readInt64BE(buf, 3)).toThrow(/out of range/);
    expect(() => readInt64BE(buf, -1)).toThrow(/out of range/);
    expect(() => writeInt64BE(buf, 1n, 3)).toThrow(/out of range/);
    expect(() => writeInt64BE(buf, 2n ** 63n, 0)).toThrow(/out of range/);
    expect(() => writeInt64BE(buf, -(2n ** 63n) - 1n, 0)).toThrow(/out of range/);
    expect(buf.equals(Buffer.alloc(10))).toBe(true);
  });
});
