import { joinAdjacentViews } from '../../../src/api/adjacent-views';

describe('joinAdjacentViews', () => {
  it('merges views that continue one another in the same memory', () => {
    const mem = Buffer.from('aaabbbcccddd');
    const joined = joinAdjacentViews([mem.subarray(0, 3), mem.subarray(3, 6), mem.subarray(6, 9)]);
    expect(joined).toHaveLength(1);
    expect(joined[0].toString()).toBe('aaabbbccc');
    expect(joined[0].buffer).toBe(mem.buffer);
  });

  it('keeps gaps, other memory and order', () => {
    // Unpooled memory: small Buffer.from strings may sit next to each other in Node's shared pool.
    const mem = Buffer.alloc(12, 'aaabbbcccddd');
    const other = Buffer.alloc(3, 'zzz');
    const joined = joinAdjacentViews([mem.subarray(0, 3), mem.subarray(6, 9), mem.subarray(9, 12), other, mem.subarray(0, 3)]);
    expect(joined.map((b) => b.toString())).toEqual(['aaa', 'cccddd', 'zzz', 'aaa']);
  });

  it('returns nothing for nothing', () => {
    expect(joinAdjacentViews([])).toEqual([]);
  });
});
