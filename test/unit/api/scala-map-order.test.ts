// The Scala map orders Eddy reproduces in answers Kafka builds from Scala maps, checked against orders Kafka 4.3.1
// (Scala 2.13.18) produced: an immutable HashMap of topic names, and DeleteRecords' partitions of one topic.
import { inScalaHashMapOrder, inScalaMutableMapOrder, topicPartitionHash } from '../../../src/api/scala-map-order';
import { javaStringHashCode } from '../../../src/topics/java-hash';

const partitionsOf = (topic: string, partitions: readonly number[]): number[] => inScalaMutableMapOrder(partitions, (p) => topicPartitionHash(topic, p));

describe('Scala map orders', () => {
  test('an immutable HashMap of strings iterates in the order of its trie', () => {
    expect(inScalaHashMapOrder(['az-dr-no', 'az-dr-ok', 'az-dr-nowhere'], javaStringHashCode)).toEqual(['az-dr-nowhere', 'az-dr-ok', 'az-dr-no']);
    expect(inScalaHashMapOrder(['t49164', 't29485', 't78044', 't89380', 't66254', 't87968'], javaStringHashCode)).toEqual([
      't49164',
      't87968',
      't29485',
      't78044',
      't89380',
      't66254',
    ]);
  });

  test('a mutable HashMap of topic partitions iterates by bucket, then by hash', () => {
    expect(partitionsOf('dra', [5, 4, 3, 2, 1, 0])).toEqual([3, 4, 1, 2, 0, 5]);
    expect(partitionsOf('dra', [0, 1, 9])).toEqual([1, 0, 9]);
    expect(partitionsOf('drb', [2, 1, 0])).toEqual([2, 0, 1]);
  });

  test('a mutable HashMap of strings', () => {
    expect(inScalaMutableMapOrder(['az-dr-no', 'az-dr-ok', 'az-dr-nowhere'], javaStringHashCode)).toEqual(['az-dr-no', 'az-dr-ok', 'az-dr-nowhere']);
  });
});
