// Scenarios for creating, growing and deleting topics at the versions admin clients send (kafkajs CreateTopics
// v0-3, librdkafka v4, the Java client v7): configs and their sources, replica assignments, validateOnly,
// duplicates, name collisions, internal topics, deletion by name and by id, and CreatePartitions' error paths.
import { CreatePartitionsRequestCodec, type CreatePartitionsRequestCreatePartitionsTopicInit } from '../../codecs/generated/CreatePartitionsRequest';
import { CreatePartitionsResponseCodec } from '../../codecs/generated/CreatePartitionsResponse';
import { CreateTopicsRequestCodec, type CreateTopicsRequestCreatableTopicInit } from '../../codecs/generated/CreateTopicsRequest';
import { CreateTopicsResponseCodec, type CreateTopicsResponse } from '../../codecs/generated/CreateTopicsResponse';
import { DeleteTopicsRequestCodec, type DeleteTopicsRequestInit } from '../../codecs/generated/DeleteTopicsRequest';
import { DeleteTopicsResponseCodec } from '../../codecs/generated/DeleteTopicsResponse';
import { step, type Scenario, type Step, type StepBody } from './harness';

const NIL_UUID = '00000000-0000-0000-0000-000000000000';
const UNKNOWN_TOPIC_ID = '5b9e2d14-7a3c-4f61-8e0b-1d2c3a4b5c6d';
/** Both brokers run as node 1. */
const NODE = 1;

function createTopics(topics: readonly CreateTopicsRequestCreatableTopicInit[], version = 7, validateOnly = false): Step {
  const full = topics.map((t) => ({ numPartitions: 1, replicationFactor: 1, assignments: [], configs: [], ...t }));
  return step(CreateTopicsRequestCodec, CreateTopicsResponseCodec, version, { topics: full, timeoutMs: 10_000, validateOnly });
}

function configPairs(...pairs: ReadonlyArray<readonly [string, string]>): Array<{ name: string; value: string }> {
  return pairs.map(([name, value]) => ({ name, value }));
}

function createOne(name: string, extra: Omit<CreateTopicsRequestCreatableTopicInit, 'name'> = {}, version = 7): Step {
  return createTopics([{ name, ...extra }], version);
}

function deleteTopics(version: number, body: StepBody<DeleteTopicsRequestInit>): Step {
  return step(DeleteTopicsRequestCodec, DeleteTopicsResponseCodec, version, body);
}

/** DeleteTopics by name in the shape of `version`: names before v6, topic states from v6. */
function deleteByName(version: number, names: readonly string[]): Step {
  const body = version >= 6 ? { topics: names.map((name) => ({ name, topicId: NIL_UUID })), timeoutMs: 10_000 } : { topicNames: names, timeoutMs: 10_000 };
  return deleteTopics(version, body);
}

function createPartitions(topics: readonly CreatePartitionsRequestCreatePartitionsTopicInit[], version = 3, validateOnly = false): Step {
  return step(CreatePartitionsRequestCodec, CreatePartitionsResponseCodec, version, { topics, timeoutMs: 10_000, validateOnly });
}

/** The topic id a CreateTopics answer (step `index` of this broker's history) gave its first topic. */
function createdId(history: readonly unknown[], index: number): string {
  return (history[index] as CreateTopicsResponse).topics[0]?.topicId ?? NIL_UUID;
}

const CREATE_VERSIONS: readonly Scenario[] = [2, 3, 5, 6].map((version) => ({
  name: `CreateTopics v${version} of a valid topic`,
  steps: [createOne(`diff-ct-version-${version}`, { numPartitions: 2 }, version)],
}));

/** Config values Kafka refuses, one scenario each: INVALID_CONFIG with Kafka's message. */
const INVALID_VALUES: ReadonlyArray<readonly [string, string]> = [
  ['cleanup.policy', 'sometimes'],
  ['compression.type', 'zip'],
  ['min.insync.replicas', '0'],
  ['message.timestamp.type', 'WallClockTime'],
  ['preallocate', 'maybe'],
  ['max.message.bytes', '-5'],
  ['retention.ms', '-7'],
  ['min.cleanable.dirty.ratio', '1.5'],
  ['compression.gzip.level', '0'],
  ['compression.gzip.level', '10'],
  ['compression.lz4.level', '18'],
  ['compression.zstd.level', '23'],
];

const INVALID_CONFIG_SCENARIOS: readonly Scenario[] = INVALID_VALUES.map(([name, value], i) => ({
  name: `CreateTopics refuses ${name}=${value}`,
  steps: [createOne(`diff-ct-invalid-value-${i}`, { configs: [{ name, value }] })],
}));

const DELETE_VERSIONS: readonly Scenario[] = [1, 3, 4, 5].flatMap((version) => [
  {
    name: `DeleteTopics v${version} of an existing topic`,
    topics: [{ name: `diff-dt-version-${version}`, partitions: 1 }],
    steps: [deleteByName(version, [`diff-dt-version-${version}`])],
  },
  { name: `DeleteTopics v${version} of an unknown topic`, steps: [deleteByName(version, [`diff-dt-version-${version}-unknown`])] },
]);

export const TOPIC_ADMIN_SCENARIOS: readonly Scenario[] = [
  ...CREATE_VERSIONS,
  ...INVALID_CONFIG_SCENARIOS,
  {
    name: 'CreateTopics v7 with valid configs returns them with their sources',
    steps: [createOne('diff-ct-configs', { configs: configPairs(['cleanup.policy', 'compact'], ['retention.ms', '3600000'], ['compression.type', 'lz4']) })],
  },
  {
    name: 'CreateTopics v7 with the same config twice',
    steps: [createOne('diff-ct-config-twice', { configs: configPairs(['retention.ms', '1000'], ['retention.ms', '2000']) })],
  },
  {
    name: 'CreateTopics with a valid replica assignment',
    steps: [
      createOne('diff-ct-assigned', {
        numPartitions: -1,
        replicationFactor: -1,
        assignments: [0, 1, 2].map((partitionIndex) => ({ partitionIndex, brokerIds: [NODE] })),
      }),
    ],
  },
  { name: 'CreateTopics v7 with a null config value', steps: [createOne('diff-ct-null-config', { configs: [{ name: 'retention.ms', value: null }] })] },
  {
    name: 'CreateTopics with an assignment to an unknown broker',
    steps: [createOne('diff-ct-assigned-unknown', { numPartitions: -1, replicationFactor: -1, assignments: [{ partitionIndex: 0, brokerIds: [7] }] })],
  },
  {
    name: 'CreateTopics with an assignment and a partition count',
    steps: [createOne('diff-ct-assigned-count', { numPartitions: 2, replicationFactor: -1, assignments: [{ partitionIndex: 0, brokerIds: [NODE] }] })],
  },
  {
    name: 'CreateTopics with an assignment and a replication factor',
    steps: [createOne('diff-ct-assigned-rf', { numPartitions: -1, replicationFactor: 1, assignments: [{ partitionIndex: 0, brokerIds: [NODE] }] })],
  },
  {
    name: 'CreateTopics with an assignment that skips a partition',
    steps: [
      createOne('diff-ct-assigned-gap', {
        numPartitions: -1,
        replicationFactor: -1,
        assignments: [0, 2].map((partitionIndex) => ({ partitionIndex, brokerIds: [NODE] })),
      }),
    ],
  },
  {
    name: 'CreateTopics with two assignments for one partition',
    steps: [
      createOne('diff-ct-assigned-dup', {
        numPartitions: -1,
        replicationFactor: -1,
        assignments: [0, 0].map((partitionIndex) => ({ partitionIndex, brokerIds: [NODE] })),
      }),
    ],
  },
  {
    name: 'CreateTopics with an assignment naming a broker twice',
    steps: [createOne('diff-ct-assigned-twice', { numPartitions: -1, replicationFactor: -1, assignments: [{ partitionIndex: 0, brokerIds: [NODE, NODE] }] })],
  },
  {
    name: 'CreateTopics with an empty assignment',
    steps: [createOne('diff-ct-assigned-empty', { numPartitions: -1, replicationFactor: -1, assignments: [{ partitionIndex: 0, brokerIds: [] }] })],
  },
  {
    name: 'CreateTopics with the same name twice in one request',
    steps: [createTopics([{ name: 'diff-ct-dup' }, { name: 'diff-ct-dup-other' }, { name: 'diff-ct-dup' }])],
  },
  { name: 'CreateTopics v4 with the same name twice in one request', steps: [createTopics([{ name: 'diff-ct-dup-v4' }, { name: 'diff-ct-dup-v4' }], 4)] },
  {
    name: "CreateTopics of a name colliding with an existing one by '.' and '_'",
    steps: [createOne('diff.ct.collide'), createOne('diff_ct_collide'), createOne('diff_ct.collide', {}, 4), createOne('diff.ct.collide')],
  },
  { name: 'CreateTopics of 10001 partitions', steps: [createOne('diff-ct-too-many', { numPartitions: 10_001 })] },
  {
    name: 'CreateTopics of 6000 partitions twice',
    steps: [
      createTopics(
        [
          { name: 'diff-ct-many-a', numPartitions: 6000 },
          { name: 'diff-ct-many-b', numPartitions: 6000 },
        ],
        7,
        true,
      ),
    ],
  },
  { name: 'CreateTopics of two topics, one invalid', steps: [createTopics([{ name: 'diff-ct-pair-ok' }, { name: 'diff-ct-pair-bad', numPartitions: 0 }])] },
  { name: 'CreateTopics of the internal offsets topic', steps: [createOne('__consumer_offsets')] },
  {
    name: 'CreateTopics validateOnly of an existing topic',
    topics: [{ name: 'diff-ct-vo-existing', partitions: 1 }],
    steps: [createTopics([{ name: 'diff-ct-vo-existing' }], 7, true)],
  },
  {
    name: 'CreateTopics validateOnly with an invalid config',
    steps: [createTopics([{ name: 'diff-ct-vo-bad-config', configs: [{ name: 'cleanup.policy', value: 'never' }] }], 7, true)],
  },
  { name: 'CreateTopics validateOnly v4', steps: [createTopics([{ name: 'diff-ct-vo-v4', numPartitions: 3 }], 4, true)] },
  ...DELETE_VERSIONS,
  {
    name: 'DeleteTopics v6 by topic id',
    steps: [createOne('diff-dt-by-id'), deleteTopics(6, (history) => ({ topics: [{ name: null, topicId: createdId(history, 0) }], timeoutMs: 10_000 }))],
  },
  { name: 'DeleteTopics v6 of an unknown topic id', steps: [deleteTopics(6, { topics: [{ name: null, topicId: UNKNOWN_TOPIC_ID }], timeoutMs: 10_000 })] },
  {
    name: 'DeleteTopics v6 by both name and id',
    steps: [
      createOne('diff-dt-name-and-id'),
      deleteTopics(6, (history) => ({ topics: [{ name: 'diff-dt-name-and-id', topicId: createdId(history, 0) }], timeoutMs: 10_000 })),
    ],
  },
  { name: 'DeleteTopics v6 with neither name nor id', steps: [deleteTopics(6, { topics: [{ name: null, topicId: NIL_UUID }], timeoutMs: 10_000 })] },
  {
    name: 'DeleteTopics of the same name twice in one request',
    topics: [{ name: 'diff-dt-dup', partitions: 1 }],
    steps: [deleteByName(6, ['diff-dt-dup', 'diff-dt-dup']), deleteByName(4, ['diff-dt-dup', 'diff-dt-dup'])],
  },
  {
    name: 'DeleteTopics v6 of the same id twice in one request',
    steps: [
      createOne('diff-dt-dup-id'),
      deleteTopics(6, (history) => ({ topics: [0, 1].map(() => ({ name: null, topicId: createdId(history, 0) })), timeoutMs: 10_000 })),
    ],
  },
  { name: 'DeleteTopics of the same topic twice', steps: [createOne('diff-dt-twice'), deleteByName(6, ['diff-dt-twice']), deleteByName(6, ['diff-dt-twice'])] },
  { name: 'DeleteTopics v4 of an invalid name', steps: [deleteByName(4, ['diff bad name!'])] },
  {
    name: 'DeleteTopics then CreateTopics of the same name',
    steps: [createOne('diff-dt-recreate'), deleteByName(6, ['diff-dt-recreate']), createOne('diff-dt-recreate')],
  },
  ...[0, 1, 2].map((version) => ({
    name: `CreatePartitions v${version} grows a topic`,
    topics: [{ name: `diff-cp-v${version}`, partitions: 1 }],
    steps: [createPartitions([{ name: `diff-cp-v${version}`, count: 2, assignments: null }], version)],
  })),
  {
    name: 'CreatePartitions with an assignment',
    topics: [{ name: 'diff-cp-assigned', partitions: 1 }],
    steps: [createPartitions([{ name: 'diff-cp-assigned', count: 3, assignments: [{ brokerIds: [NODE] }, { brokerIds: [NODE] }] }])],
  },
  {
    name: 'CreatePartitions validateOnly changes nothing',
    topics: [{ name: 'diff-cp-validate', partitions: 1 }],
    steps: [
      createPartitions([{ name: 'diff-cp-validate', count: 4, assignments: null }], 3, true),
      createPartitions([{ name: 'diff-cp-validate', count: 1, assignments: null }]),
    ],
  },
  {
    name: 'CreatePartitions with an assignment to an unknown broker',
    topics: [{ name: 'diff-cp-assigned-unknown', partitions: 1 }],
    steps: [createPartitions([{ name: 'diff-cp-assigned-unknown', count: 2, assignments: [{ brokerIds: [9] }] }])],
  },
  {
    name: 'CreatePartitions with an assignment of two replicas',
    topics: [{ name: 'diff-cp-assigned-wide', partitions: 1 }],
    steps: [createPartitions([{ name: 'diff-cp-assigned-wide', count: 2, assignments: [{ brokerIds: [NODE, NODE] }] }])],
  },
  {
    name: 'CreatePartitions with too few assignments',
    topics: [{ name: 'diff-cp-assigned-short', partitions: 1 }],
    steps: [createPartitions([{ name: 'diff-cp-assigned-short', count: 3, assignments: [{ brokerIds: [NODE] }] }])],
  },
  {
    name: 'CreatePartitions of the same topic twice in one request',
    topics: [
      { name: 'diff-cp-dup', partitions: 1 },
      { name: 'diff-cp-dup-other', partitions: 1 },
    ],
    steps: [
      createPartitions([
        { name: 'diff-cp-dup-other', count: 2, assignments: null },
        { name: 'diff-cp-dup', count: 2, assignments: null },
        { name: 'diff-cp-dup', count: 3, assignments: null },
      ]),
    ],
  },
  { name: 'CreatePartitions v1 of an unknown topic', steps: [createPartitions([{ name: 'diff-cp-unknown-v1', count: 2, assignments: null }], 1)] },
];
