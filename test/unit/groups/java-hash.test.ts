import { javaStringHashCode, offsetsPartitionFor } from '../../../src/topics/java-hash';

// Expected values computed independently (Java's algorithm over UTF-16 code units, in Python).
describe('javaStringHashCode / offsetsPartitionFor', () => {
  test.each([
    ['', 0, 0],
    ['hello', 99162322, 22],
    ['my-group', -1906497762, 12],
    ['console-consumer-12345', 158455506, 6],
    ['grüße-😀', 347391577, 27],
  ])('%p hashes to %p and lands on partition %p of 50', (s, hash, partition) => {
    expect(javaStringHashCode(s)).toBe(hash);
    expect(offsetsPartitionFor(s, 50)).toBe(partition);
  });

  test("Integer.MIN_VALUE hash maps to partition 0, as Kafka's Utils.abs does", () => {
    expect(javaStringHashCode('polygenelubricants')).toBe(-2147483648);
    expect(offsetsPartitionFor('polygenelubricants', 50)).toBe(0);
    expect(offsetsPartitionFor('polygenelubricants', 7)).toBe(0);
  });
});
