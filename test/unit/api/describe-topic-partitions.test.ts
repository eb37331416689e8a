// DescribeTopicPartitions' paging without a broker: which topics a request covers, where a page stops and the
// cursor it hands back. The differential suite checks the same answers against the reference Kafka.
import type { DescribeTopicPartitionsRequest } from '../../../codecs/generated/DescribeTopicPartitionsRequest';
import { ErrorCode } from '../../../codecs/protocol/errors';
import { describePage, topicsToDescribe } from '../../../src/api/75-describe-topic-partitions';
import type { TopicMetadata } from '../../../storage';

const TOPICS: readonly TopicMetadata[] = [
  { name: 'a', topicId: '11111111-1111-1111-1111-111111111111', partitions: 3, configs: {} },
  { name: 'b', topicId: '22222222-2222-2222-2222-222222222222', partitions: 2, configs: {} },
];

function request(names: string[], cursor: { topicName: string; partitionIndex: number } | null = null): DescribeTopicPartitionsRequest {
  return { topics: names.map((name) => ({ name })), responsePartitionLimit: 2000, cursor };
}

const lookup = (name: string): TopicMetadata | undefined => TOPICS.find((t) => t.name === name);
const all = (): string[] => ['b', 'a'];

function page(names: readonly string[], limit: number, cursor: { topicName: string; partitionIndex: number } | null = null, listed = true) {
  const result = describePage(names, lookup, { nodeId: 1, limit, cursor, listed });
  return {
    topics: result.topics.map((t) => `${t.name}:${t.errorCode}:[${(t.partitions ?? []).map((p) => p.partitionIndex).join(',')}]`),
    nextCursor: result.nextCursor,
  };
}

test('listed topics are de-duplicated and sorted; no list means every topic', () => {
  expect(topicsToDescribe(request(['b', 'a', 'b']), all)).toEqual(['a', 'b']);
  expect(topicsToDescribe(request([]), all)).toEqual(['a', 'b']);
});

test('a cursor skips the topics before its own', () => {
  expect(topicsToDescribe(request(['a', 'b'], { topicName: 'b', partitionIndex: 1 }), all)).toEqual(['b']);
  expect(topicsToDescribe(request([], { topicName: 'aa', partitionIndex: 0 }), all)).toEqual(['b']);
});

test('a cursor topic missing from the list, or a negative cursor partition, makes the request invalid', () => {
  expect(topicsToDescribe(request(['a'], { topicName: 'b', partitionIndex: 0 }), all)).toBeNull();
  expect(topicsToDescribe(request(['a'], { topicName: 'a', partitionIndex: -1 }), all)).toBeNull();
});

test('a page stops at the partition limit and points at the next partition', () => {
  expect(page(['a', 'b'], 2)).toEqual({ topics: ['a:0:[0,1]'], nextCursor: { topicName: 'a', partitionIndex: 2 } });
  expect(page(['a', 'b'], 2, { topicName: 'a', partitionIndex: 2 })).toEqual({
    topics: ['a:0:[2]', 'b:0:[0]'],
    nextCursor: { topicName: 'b', partitionIndex: 1 },
  });
});

test('a topic that fills the page exactly hands the cursor to the next topic at partition 0', () => {
  expect(page(['a', 'b'], 3)).toEqual({ topics: ['a:0:[0,1,2]'], nextCursor: { topicName: 'b', partitionIndex: 0 } });
  expect(page(['a', 'b'], 5)).toEqual({ topics: ['a:0:[0,1,2]', 'b:0:[0,1]'], nextCursor: null });
});

test('missing topics answer an error without taking room, only when listed by name', () => {
  expect(page(['a', 'gone', 'zz bad'], 3)).toEqual({
    topics: ['a:0:[0,1,2]'],
    nextCursor: { topicName: 'gone', partitionIndex: 0 },
  });
  expect(page(['gone', 'zz bad', 'b'], 5).topics).toEqual([
    `gone:${ErrorCode.UNKNOWN_TOPIC_OR_PARTITION}:[]`,
    `zz bad:${ErrorCode.INVALID_TOPIC_EXCEPTION}:[]`,
    'b:0:[0,1]',
  ]);
  expect(page(['gone', 'b'], 5, null, false).topics).toEqual(['b:0:[0,1]']);
});
