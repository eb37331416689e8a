// Seed scenarios for DescribeTopicPartitions (API 75), which the Admin client of Kafka 3.8+ describes topics with:
// paging by ResponsePartitionLimit and the cursor, de-duplication and ordering, missing and invalid names, and the
// cursor errors that fail the whole request. The first scenario creates the two topics the later ones describe.
import { DescribeTopicPartitionsRequestCodec, type DescribeTopicPartitionsRequestInit } from '../../codecs/generated/DescribeTopicPartitionsRequest';
import { DescribeTopicPartitionsResponseCodec } from '../../codecs/generated/DescribeTopicPartitionsResponse';
import { step, type Scenario, type Step } from './harness';

const A = 'diff-dtp-a';
const B = 'diff-dtp-b';
const TOPICS = [
  { name: A, partitions: 3 },
  { name: B, partitions: 2 },
];

function describeTopicPartitions(body: DescribeTopicPartitionsRequestInit): Step {
  return step(DescribeTopicPartitionsRequestCodec, DescribeTopicPartitionsResponseCodec, 0, body);
}

function listed(...names: string[]): { name: string }[] {
  return names.map((name) => ({ name }));
}

export const DESCRIBE_TOPIC_PARTITIONS_SCENARIOS: readonly Scenario[] = [
  {
    name: 'DescribeTopicPartitions pages two topics, a repeated and a missing one by 2 partitions',
    topics: TOPICS,
    steps: [
      describeTopicPartitions({ topics: listed(B, A, 'diff-dtp-missing', A), responsePartitionLimit: 2 }),
      describeTopicPartitions({ topics: listed(B, A, 'diff-dtp-missing'), responsePartitionLimit: 2, cursor: { topicName: A, partitionIndex: 2 } }),
      describeTopicPartitions({ topics: listed(B, A, 'diff-dtp-missing'), responsePartitionLimit: 2, cursor: { topicName: B, partitionIndex: 1 } }),
    ],
  },
  {
    name: 'DescribeTopicPartitions with a limit of 0 and an invalid name',
    steps: [describeTopicPartitions({ topics: listed(A, 'diff dtp bad!'), responsePartitionLimit: 0 })],
  },
  {
    name: 'DescribeTopicPartitions of all topics from a cursor',
    steps: [describeTopicPartitions({ topics: [], responsePartitionLimit: 1, cursor: { topicName: B, partitionIndex: 0 } })],
  },
  {
    name: 'DescribeTopicPartitions with a cursor topic not in the list',
    steps: [describeTopicPartitions({ topics: listed(A), cursor: { topicName: B, partitionIndex: 0 } })],
  },
  {
    name: 'DescribeTopicPartitions with a negative cursor partition',
    steps: [describeTopicPartitions({ topics: listed(A, B), cursor: { topicName: A, partitionIndex: -1 } })],
  },
];
