// Keyed records from `eddy produce` land where Kafka's clients put them: murmur2 as Kafka's Utils.murmur2
// computes it (the values of Kafka's own UtilsTest), and the partitions kafkajs's default partitioner picks.
import { murmur2, partitionForKey } from '../../../src/client/partitioner';

// kafkajs's implementation (Java's, on Long arithmetic), which its default partitioner uses.
const kafkajsMurmur2 = require('kafkajs/src/producer/partitioners/default/murmur2') as (key: Buffer) => number;

test("murmur2 gives Kafka's values (UtilsTest.testMurmur2)", () => {
  const cases: [string, number][] = [
    ['21', -973932308],
    ['foobar', -790332482],
    ['a-little-bit-long-string', -985981536],
    ['a-little-bit-longer-string', -1486304829],
    ['lkjh234lh9fiuh90y23oiuhsafujhadof229phr9h19h89h8', -58897971],
    ['abc', 479470107],
  ];
  for (const [key, expected] of cases) expect(murmur2(Buffer.from(key))).toBe(expected);
});

test('keys map to the partitions kafkajs picks, for every tail length and byte value', () => {
  for (let i = 0; i < 2000; i++) {
    const key = Buffer.from(`key-${i}-${'\u00e9'.repeat(i % 5)}`);
    expect(murmur2(key)).toBe(kafkajsMurmur2(key));
    expect(partitionForKey(key, 7)).toBe((kafkajsMurmur2(key) & 0x7fffffff) % 7);
  }
  expect(murmur2(Buffer.alloc(0))).toBe(kafkajsMurmur2(Buffer.alloc(0)));
});
