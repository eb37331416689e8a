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
/** Both brokers run as node 1. */
const NODE = 1;

function createTopics(topics: readonly CreateTopicsRequestCreatableTopicInit[], version = 7, validateOnly = false): Step {
  const full = topics.map((t) => ({ numPartitions: 1, replicationFactor: 1, assignments: [], configs: [], ...t }));
  return step(CreateTopicsRequestCodec, CreateTopicsResponseCodec, version, { topics: full, timeoutMs: 10_000, validateOnly });
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
    steps: [
      createOne('diff-ct-configs', {
        configs: [
          { name: 'cleanup.policy', value: 'compact' },
          { name: 'retention.ms', value: '3600000' },
          { name: 'compression.type', value: 'lz4' },
        ],
      }),
    ],
  },
  {
    name: 'CreateTopics v7 with the same config twice',
    steps: [
      createOne('diff-ct-config-twice', {
        configs: [
          { name: 'retention.ms', value: '1000' },
          { name: 'retention.ms', value: '2000' },
        ],
      }),
    ],
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
  { name: 'CreatePartitions v1 of an unknown topic', steps: [createPartitions([{ name: 'diff-cp-unknown-v1', count: 2, assignments: null }], 1)] },
];
