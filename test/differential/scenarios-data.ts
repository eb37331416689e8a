// Seed scenarios for the data path and consumer groups: Produce, ListOffsets, Fetch, DeleteRecords,
// FindCoordinator, DescribeGroups, ListGroups and OffsetFetch, on topics and groups that each scenario owns.
import { DeleteRecordsRequestCodec } from '../../codecs/generated/DeleteRecordsRequest';
import { DeleteRecordsResponseCodec } from '../../codecs/generated/DeleteRecordsResponse';
import { DescribeGroupsRequestCodec } from '../../codecs/generated/DescribeGroupsRequest';
import { DescribeGroupsResponseCodec } from '../../codecs/generated/DescribeGroupsResponse';
import { FetchRequestCodec, type FetchRequestFetchTopicInit } from '../../codecs/generated/FetchRequest';
import { FetchResponseCodec } from '../../codecs/generated/FetchResponse';
import { FindCoordinatorRequestCodec } from '../../codecs/generated/FindCoordinatorRequest';
import { FindCoordinatorResponseCodec } from '../../codecs/generated/FindCoordinatorResponse';
import { ListGroupsRequestCodec } from '../../codecs/generated/ListGroupsRequest';
import { ListGroupsResponseCodec } from '../../codecs/generated/ListGroupsResponse';
import { ListOffsetsRequestCodec } from '../../codecs/generated/ListOffsetsRequest';
import { ListOffsetsResponseCodec } from '../../codecs/generated/ListOffsetsResponse';
import { OffsetFetchRequestCodec } from '../../codecs/generated/OffsetFetchRequest';
import { OffsetFetchResponseCodec } from '../../codecs/generated/OffsetFetchResponse';
import { ProduceRequestCodec } from '../../codecs/generated/ProduceRequest';
import { ProduceResponseCodec } from '../../codecs/generated/ProduceResponse';
import { encodeRecordBatch } from '../../codecs/records/record-batch';
import { encodeLegacyMessageSet } from '../../codecs/records/legacy-message-set';
import { sessionlessFetch } from '../helpers/fetch-requests';
import { step, type Scenario, type Step } from './harness';

const EARLIEST = -2n;
const LATEST = -1n;
const GROUP_KEY = 0;

/** Two records without a producer id, as a non-idempotent client sends them; fixed timestamps keep them comparable. */
function twoRecords(): Buffer {
  return encodeRecordBatch({
    producerId: -1n,
    producerEpoch: -1,
    baseSequence: -1,
    transactional: false,
    baseTimestamp: 1_700_000_000_000n,
    records: [{ value: Buffer.from('one') }, { value: Buffer.from('two') }],
  });
}

function produce(name: string, partition: number, version = 9): Step {
  const body = { transactionalId: null, acks: -1, timeoutMs: 5000, topicData: [{ name, partitionData: [{ index: partition, records: twoRecords() }] }] };
  return step(ProduceRequestCodec, ProduceResponseCodec, version, body);
}

function listOffsets(name: string, partitionIndex: number, timestamp: bigint, version = 7): Step {
  const body = { replicaId: -1, isolationLevel: 0, topics: [{ name, partitions: [{ partitionIndex, currentLeaderEpoch: -1, timestamp }] }] };
  return step(ListOffsetsRequestCodec, ListOffsetsResponseCodec, version, body);
}

function fetch(version: number, topic: FetchRequestFetchTopicInit): Step {
  return step(FetchRequestCodec, FetchResponseCodec, version, sessionlessFetch([topic]));
}

function deleteRecords(name: string, partitionIndex: number, offset: bigint): Step {
  return step(DeleteRecordsRequestCodec, DeleteRecordsResponseCodec, 2, { topics: [{ name, partitions: [{ partitionIndex, offset }] }], timeoutMs: 5000 });
}

/** Produce v2 carries a legacy message set: kafkajs and kafka-python pinned to an old api_version still send it. */
function legacyProduce(name: string): Step {
  const records = encodeLegacyMessageSet([{ offset: 0n, value: Buffer.from('old'), timestamp: 1_700_000_000_000n }], { magic: 1 });
  const body = { transactionalId: null, acks: -1, timeoutMs: 5000, topicData: [{ name, partitionData: [{ index: 0, records }] }] };
  return step(ProduceRequestCodec, ProduceResponseCodec, 2, body);
}

export const DATA_SCENARIOS: readonly Scenario[] = [
  // Versions Kafka 4 removed (KIP-896) that Eddy still serves for 3.x-era clients.
  { name: 'Produce v2 at a version Kafka 4 removed', topics: [{ name: 'diff-legacy-produce', partitions: 1 }], steps: [legacyProduce('diff-legacy-produce')] },
  {
    name: 'Fetch v3 at a version Kafka 4 removed',
    topics: [{ name: 'diff-legacy-fetch', partitions: 1 }],
    steps: [fetch(3, { topic: 'diff-legacy-fetch', partitions: [{ partition: 0, fetchOffset: 0n, partitionMaxBytes: 1 << 20 }] })],
  },
  {
    name: 'ListOffsets v0 at a version Kafka 4 removed',
    topics: [{ name: 'diff-legacy-list', partitions: 1 }],
    steps: [listOffsets('diff-legacy-list', 0, LATEST, 0)],
  },
  {
    name: 'ListOffsets earliest and latest of an empty partition',
    topics: [{ name: 'diff-lo-empty', partitions: 1 }],
    steps: [listOffsets('diff-lo-empty', 0, EARLIEST), listOffsets('diff-lo-empty', 0, LATEST), listOffsets('diff-lo-empty', 0, LATEST, 1)],
  },
  {
    name: 'ListOffsets of an unknown partition',
    topics: [{ name: 'diff-lo-unknown-partition', partitions: 1 }],
    steps: [listOffsets('diff-lo-unknown-partition', 5, LATEST)],
  },
  { name: 'ListOffsets of an unknown topic', steps: [listOffsets('diff-lo-unknown-topic', 0, LATEST)] },
  {
    name: 'Produce two records, then ListOffsets latest',
    topics: [{ name: 'diff-pr-ok', partitions: 1 }],
    steps: [produce('diff-pr-ok', 0), produce('diff-pr-ok', 0, 7), listOffsets('diff-pr-ok', 0, LATEST)],
  },
  {
    name: 'Produce to an unknown partition index',
    topics: [{ name: 'diff-pr-unknown-partition', partitions: 1 }],
    steps: [produce('diff-pr-unknown-partition', 3)],
  },
  { name: 'Produce to an unknown topic', steps: [produce('diff-pr-unknown-topic', 0)] },
  {
    name: 'Fetch v12 past the end of a partition',
    topics: [{ name: 'diff-fe-out-of-range', partitions: 1 }],
    steps: [fetch(12, { topic: 'diff-fe-out-of-range', partitions: [{ partition: 0, fetchOffset: 5n, partitionMaxBytes: 1 << 20 }] })],
  },
  {
    name: 'Fetch v13 of an unknown topic id',
    steps: [fetch(13, { topicId: '6f1a9c2e-0b7d-4e55-9a31-2c8d4f6b7e10', partitions: [{ partition: 0, fetchOffset: 0n, partitionMaxBytes: 1 << 20 }] })],
  },
  {
    name: 'Fetch v12 of an empty partition from offset 0',
    topics: [{ name: 'diff-fe-empty', partitions: 1 }],
    steps: [fetch(12, { topic: 'diff-fe-empty', partitions: [{ partition: 0, fetchOffset: 0n, partitionMaxBytes: 1 << 20 }] })],
  },
  {
    name: 'DeleteRecords past the high watermark',
    topics: [{ name: 'diff-dr-past-end', partitions: 1 }],
    steps: [produce('diff-dr-past-end', 0), deleteRecords('diff-dr-past-end', 0, 10n), deleteRecords('diff-dr-past-end', 0, 1n)],
  },
  {
    name: 'DeleteRecords of an unknown partition',
    topics: [{ name: 'diff-dr-unknown-partition', partitions: 1 }],
    steps: [deleteRecords('diff-dr-unknown-partition', 4, 0n)],
  },
  {
    name: 'FindCoordinator of a group, v2 and v4',
    steps: [
      step(FindCoordinatorRequestCodec, FindCoordinatorResponseCodec, 2, { key: 'diff-fc-group', keyType: GROUP_KEY }),
      step(FindCoordinatorRequestCodec, FindCoordinatorResponseCodec, 4, { keyType: GROUP_KEY, coordinatorKeys: ['diff-fc-group'] }),
    ],
  },
  {
    name: 'DescribeGroups of an unknown group',
    steps: [step(DescribeGroupsRequestCodec, DescribeGroupsResponseCodec, 5, { groups: ['diff-dg-unknown'], includeAuthorizedOperations: false })],
  },
  { name: 'ListGroups with no groups', steps: [step(ListGroupsRequestCodec, ListGroupsResponseCodec, 4, { statesFilter: [] })] },
  {
    name: 'OffsetFetch of an unknown group, v1 and v8',
    topics: [{ name: 'diff-of-topic', partitions: 1 }],
    steps: [
      step(OffsetFetchRequestCodec, OffsetFetchResponseCodec, 1, { groupId: 'diff-of-unknown', topics: [{ name: 'diff-of-topic', partitionIndexes: [0] }] }),
      step(OffsetFetchRequestCodec, OffsetFetchResponseCodec, 8, {
        groups: [{ groupId: 'diff-of-unknown', topics: [{ name: 'diff-of-topic', partitionIndexes: [0] }] }],
        requireStable: true,
      }),
    ],
  },
];
