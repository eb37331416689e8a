// Authorizer scenarios for the data and group APIs (issue 18): what a user with no ACLs, or with a few, gets from
// Metadata, Produce, Fetch, ListOffsets, DeleteRecords, OffsetForLeaderEpoch, the group APIs (classic and KIP-848)
// and the producer-id and transaction APIs, against Kafka's StandardAuthorizer. Names start `az-`; every scenario
// owns its topics, groups and transactional ids, since ACLs and topics stay on both brokers across scenarios.
import { ConsumerGroupHeartbeatRequestCodec } from '../../codecs/generated/ConsumerGroupHeartbeatRequest';
import { ConsumerGroupHeartbeatResponseCodec } from '../../codecs/generated/ConsumerGroupHeartbeatResponse';
import { DescribeGroupsRequestCodec } from '../../codecs/generated/DescribeGroupsRequest';
import { DescribeGroupsResponseCodec } from '../../codecs/generated/DescribeGroupsResponse';
import { DeleteRecordsRequestCodec } from '../../codecs/generated/DeleteRecordsRequest';
import { DeleteRecordsResponseCodec } from '../../codecs/generated/DeleteRecordsResponse';
import { FetchRequestCodec } from '../../codecs/generated/FetchRequest';
import { FetchResponseCodec } from '../../codecs/generated/FetchResponse';
import { FindCoordinatorRequestCodec } from '../../codecs/generated/FindCoordinatorRequest';
import { FindCoordinatorResponseCodec } from '../../codecs/generated/FindCoordinatorResponse';
import { ListOffsetsRequestCodec } from '../../codecs/generated/ListOffsetsRequest';
import { ListOffsetsResponseCodec } from '../../codecs/generated/ListOffsetsResponse';
import { MetadataRequestCodec } from '../../codecs/generated/MetadataRequest';
import { MetadataResponseCodec } from '../../codecs/generated/MetadataResponse';
import { sessionlessFetch } from '../helpers/fetch-requests';
import { AclOperation, PatternType, groupGrant, topicGrant, txnGrant, type AuthorizerScenario } from './authorizer-steps';
import { batchOf } from './batches';
import { cgDescribe } from './consumer-group-steps';
import { offsetForLeaderEpoch, produce } from './data-steps';
import { describeGroups, joinGroup, offsetCommit, offsetFetch, SIMPLE_CONSUMER } from './group-steps';
import { step, type Step } from './harness';
import { initProducerId, produceBatch, UNKNOWN_PRODUCER } from './txn-steps';

const NIL_UUID = '00000000-0000-0000-0000-000000000000';
const { READ, WRITE, DESCRIBE, DELETE, ALL } = AclOperation;

function metadata(version: number, names: readonly string[] | null, auto: boolean, ops = false): Step {
  return step(MetadataRequestCodec, MetadataResponseCodec, version, {
    topics: names === null ? null : names.map((name) => ({ topicId: NIL_UUID, name })),
    // Fields a version does not have stay at their defaults (the codec refuses anything else).
    allowAutoTopicCreation: version < 4 ? true : auto,
    includeClusterAuthorizedOperations: version >= 8 && version <= 10 && ops,
    includeTopicAuthorizedOperations: version >= 8 && ops,
  });
}

type TopicPartitions = ReadonlyArray<readonly [string, readonly number[]]>;

function listOffsets(topics: TopicPartitions, version = 7): Step {
  return step(ListOffsetsRequestCodec, ListOffsetsResponseCodec, version, {
    replicaId: -1,
    topics: topics.map(([name, partitions]) => ({ name, partitions: partitions.map((partitionIndex) => ({ partitionIndex, timestamp: -1n })) })),
  });
}

function deleteRecords(topics: TopicPartitions): Step {
  return step(DeleteRecordsRequestCodec, DeleteRecordsResponseCodec, 2, {
    topics: topics.map(([name, partitions]) => ({ name, partitions: partitions.map((partitionIndex) => ({ partitionIndex, offset: 0n })) })),
    timeoutMs: 5000,
  });
}

function fetchAll(version: number, topics: TopicPartitions): Step {
  const body = sessionlessFetch(
    topics.map(([topic, partitions]) => ({ topic, partitions: partitions.map((partition) => ({ partition, fetchOffset: 0n, partitionMaxBytes: 1 << 20 })) })),
  );
  return step(FetchRequestCodec, FetchResponseCodec, version, body);
}

function findCoordinators(keyType: number, keys: readonly string[]): Step {
  return step(FindCoordinatorRequestCodec, FindCoordinatorResponseCodec, 4, { keyType, coordinatorKeys: keys });
}

function cgJoin(groupId: string, topics: readonly string[]): Step {
  return step(ConsumerGroupHeartbeatRequestCodec, ConsumerGroupHeartbeatResponseCodec, 0, {
    groupId,
    memberId: 'az-member-1',
    memberEpoch: 0,
    rebalanceTimeoutMs: 30_000,
    subscribedTopicNames: topics,
    topicPartitions: [],
  });
}

export const AUTHORIZER_DATA_SCENARIOS: readonly AuthorizerScenario[] = [
  {
    name: 'Metadata v12 of named topics: described, not described, unknown, unknown without CREATE',
    topics: [
      { name: 'az-md-seen', partitions: 2 },
      { name: 'az-md-hidden', partitions: 1 },
    ],
    grants: [topicGrant('az-md-seen', DESCRIBE), topicGrant('az-md-absent', DESCRIBE)],
    steps: [
      metadata(12, ['az-md-seen', 'az-md-hidden', 'az-md-nowhere'], false),
      metadata(12, ['az-md-absent'], false),
      metadata(12, ['az-md-absent', 'az-md-nowhere'], true),
    ],
  },
  {
    name: 'Metadata v10 and v12 with authorized operations of the cluster and a topic',
    topics: [{ name: 'az-mo-topic', partitions: 1 }],
    grants: [topicGrant('az-mo-topic', READ), topicGrant('az-mo-topic', WRITE)],
    steps: [metadata(10, ['az-mo-topic'], false, true), metadata(12, ['az-mo-topic'], false, true), metadata(8, ['az-mo-topic'], false, false)],
  },
  {
    name: 'Metadata v12 of every topic leaves out what the user may not describe',
    user: 'carol',
    topics: [
      { name: 'az-all-mine', partitions: 1 },
      { name: 'az-other', partitions: 1 },
    ],
    grants: [{ resourceType: 2, name: 'az-all-', operation: DESCRIBE, pattern: PatternType.PREFIXED }],
    steps: [metadata(12, null, false), metadata(1, null, false)],
  },
  {
    name: 'Produce v9 with and without WRITE, to an unknown topic, and with a transactional id not granted',
    topics: [
      { name: 'az-pr-ok', partitions: 1 },
      { name: 'az-pr-no', partitions: 1 },
    ],
    grants: [topicGrant('az-pr-ok', WRITE)],
    steps: [
      produce('az-pr-ok', batchOf(2)),
      produce('az-pr-no', batchOf(1)),
      produce('az-pr-nowhere', batchOf(1)),
      produceBatch('az-pr-ok', 0, { producer: UNKNOWN_PRODUCER, baseSequence: 0, transactional: true }, 'az-pr-txn'),
    ],
  },
  {
    name: 'Fetch v12 and v11 of a topic with READ, one with DESCRIBE only, one without ACLs',
    topics: [
      { name: 'az-fe-ok', partitions: 2 },
      { name: 'az-fe-describe', partitions: 1 },
      { name: 'az-fe-no', partitions: 1 },
    ],
    grants: [topicGrant('az-fe-ok', READ), topicGrant('az-fe-describe', DESCRIBE)],
    steps: [
      fetchAll(12, [
        ['az-fe-no', [0]],
        ['az-fe-ok', [0, 1]],
        ['az-fe-describe', [0]],
      ]),
      fetchAll(11, [
        ['az-fe-ok', [1]],
        ['az-fe-no', [0]],
      ]),
    ],
  },
  {
    name: 'ListOffsets v7 and v1 of a refused topic between two allowed partitions',
    topics: [
      { name: 'az-lo-ok', partitions: 2 },
      { name: 'az-lo-no', partitions: 2 },
    ],
    grants: [topicGrant('az-lo-ok', DESCRIBE)],
    steps: [
      listOffsets([
        ['az-lo-no', [0, 1]],
        ['az-lo-ok', [0, 1]],
      ]),
      listOffsets([
        ['az-lo-ok', [1]],
        ['az-lo-no', [1]],
        ['az-lo-nowhere', [0]],
      ]),
      listOffsets([['az-lo-no', [0]]], 1),
    ],
  },
  {
    name: 'DeleteRecords v2 of a topic with DELETE and of refused ones',
    topics: [
      { name: 'az-dr-ok', partitions: 6 },
      { name: 'az-dr-no', partitions: 2 },
    ],
    grants: [topicGrant('az-dr-ok', DELETE)],
    steps: [
      deleteRecords([
        ['az-dr-no', [0, 1]],
        ['az-dr-ok', [0]],
        ['az-dr-nowhere', [0]],
      ]),
      deleteRecords([
        ['az-dr-ok', [5, 4, 3, 2, 1, 0, 9]],
        ['az-dr-no', [1]],
      ]),
    ],
  },
  {
    name: 'OffsetForLeaderEpoch v4 of a topic without DESCRIBE',
    topics: [{ name: 'az-ofle-no', partitions: 1 }],
    steps: [offsetForLeaderEpoch('az-ofle-no', 0, 0)],
  },
  {
    name: 'OffsetCommit v8 and OffsetFetch v8 with and without READ on the group and the topics',
    topics: [
      { name: 'az-oc-ok', partitions: 1 },
      { name: 'az-oc-no', partitions: 1 },
    ],
    grants: [groupGrant('az-g-oc', READ), topicGrant('az-oc-ok', READ)],
    steps: [
      offsetCommit(8, 'az-g-oc', SIMPLE_CONSUMER, [
        { topic: 'az-oc-no', partition: 0, offset: 1n },
        { topic: 'az-oc-ok', partition: 0, offset: 1n },
      ]),
      offsetCommit(8, 'az-g-oc-refused', SIMPLE_CONSUMER, [{ topic: 'az-oc-ok', partition: 0, offset: 1n }]),
      offsetFetch(8, 'az-g-oc', [
        { name: 'az-oc-ok', partitionIndexes: [0] },
        { name: 'az-oc-no', partitionIndexes: [0] },
      ]),
      offsetFetch(8, 'az-g-oc', null),
      offsetFetch(8, 'az-g-oc-refused', null),
      offsetFetch(7, 'az-g-oc-refused', [{ name: 'az-oc-ok', partitionIndexes: [0] }]),
    ],
  },
  {
    name: 'FindCoordinator v4 of groups and transactional ids, with and without DESCRIBE',
    grants: [groupGrant('az-g-fc-ok', DESCRIBE), txnGrant('az-txn-fc-ok', DESCRIBE)],
    steps: [findCoordinators(0, ['az-g-fc-ok', 'az-g-fc-no']), findCoordinators(1, ['az-txn-fc-no', 'az-txn-fc-ok'])],
  },
  {
    name: 'JoinGroup v9 with and without READ on the group; DescribeGroups v5 with and without DESCRIBE',
    grants: [groupGrant('az-g-join', READ), groupGrant('az-g-desc', DESCRIBE)],
    steps: [
      joinGroup(9, 'az-g-join-refused', { topics: ['az-any'] }),
      joinGroup(9, 'az-g-join', { topics: ['az-any'] }),
      describeGroups(5, ['az-g-desc', 'az-g-desc-refused']),
      step(DescribeGroupsRequestCodec, DescribeGroupsResponseCodec, 5, { groups: ['az-g-desc', 'az-g-desc-refused'], includeAuthorizedOperations: true }),
    ],
  },
  {
    name: 'ConsumerGroupHeartbeat v0: a group without READ, a subscribed topic without DESCRIBE, both granted',
    topics: [
      { name: 'az-cg-ok', partitions: 1 },
      { name: 'az-cg-no', partitions: 1 },
    ],
    grants: [groupGrant('az-g-cg', READ), topicGrant('az-cg-ok', DESCRIBE)],
    steps: [cgJoin('az-g-cg-refused', ['az-cg-ok']), cgJoin('az-g-cg', ['az-cg-ok', 'az-cg-no']), cgDescribe(0, ['az-g-cg', 'az-g-cg-refused'])],
  },
  {
    name: 'InitProducerId v5: a transactional id without WRITE, one with; idempotent with WRITE on a topic',
    topics: [{ name: 'az-ip-topic', partitions: 1 }],
    grants: [txnGrant('az-txn-ip-ok', WRITE), topicGrant('az-ip-topic', ALL)],
    steps: [initProducerId(5, { transactionalId: 'az-txn-ip-no' }), initProducerId(5, { transactionalId: 'az-txn-ip-ok' }), initProducerId(5)],
  },
  {
    name: 'InitProducerId v5 idempotent without any WRITE',
    user: 'carol',
    steps: [initProducerId(5), initProducerId(3)],
  },
];
