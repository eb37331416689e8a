// Scenarios for Metadata at the versions clients send (kafka-python v1, kafkajs up to v6, librdkafka and the Java
// client up to v13): a topic's partition fields at every version, unknown and invalid names with auto-creation on
// and off, internal topics, authorized-operations flags, and topics asked for by id. Each scenario owns its topics.
import { DeleteTopicsRequestCodec } from '../../codecs/generated/DeleteTopicsRequest';
import { DeleteTopicsResponseCodec } from '../../codecs/generated/DeleteTopicsResponse';
import type { MetadataRequestInit } from '../../codecs/generated/MetadataRequest';
import { MetadataRequestCodec } from '../../codecs/generated/MetadataRequest';
import { MetadataResponseCodec, type MetadataResponse } from '../../codecs/generated/MetadataResponse';
import { step, type Scenario, type Step, type StepBody } from './harness';

const NIL_UUID = '00000000-0000-0000-0000-000000000000';
const UNKNOWN_TOPIC_ID = '3c0f6a7e-51b2-4d8e-9f04-8a2d6e1b7c55';

function metadataBody(version: number, names: readonly string[], allowAutoTopicCreation: boolean): MetadataRequestInit {
  const topics = names.map((name) => ({ topicId: NIL_UUID, name }));
  // Before v4 there is no flag: the broker's auto.create.topics.enable (true on both) decides.
  return version >= 4 ? { topics, allowAutoTopicCreation } : { topics };
}

function metadata(version: number, names: readonly string[], allowAutoTopicCreation = false): Step {
  return step(MetadataRequestCodec, MetadataResponseCodec, version, metadataBody(version, names, allowAutoTopicCreation));
}

function metadataWith(version: number, body: StepBody<MetadataRequestInit>): Step {
  return step(MetadataRequestCodec, MetadataResponseCodec, version, body);
}

function deleteTopic(name: string): Step {
  return step(DeleteTopicsRequestCodec, DeleteTopicsResponseCodec, 6, { topics: [{ name, topicId: NIL_UUID }], timeoutMs: 10_000 });
}

/**
 * Metadata of `name` once the broker's metadata no longer lists it, asked again for up to 10 s. Kafka answers
 * DeleteTopics once its controller committed the deletion; the broker's metadata cache applies it a moment later,
 * so an answer read at once may still show the topic (seen on the reference under CI load).
 */
function metadataOnceDeleted(version: number, name: string): Step {
  const ask = metadata(version, [name]);
  return {
    label: ask.label,
    send: async (client, history) => {
      const deadline = Date.now() + 10_000;
      for (;;) {
        const answer = await ask.send(client, history);
        const listed = (answer as MetadataResponse).topics?.[0]?.errorCode === 0;
        if (!listed || Date.now() > deadline) return answer;
        await new Promise((resolve) => setTimeout(resolve, 100));
      }
    },
  };
}

/** The id an earlier Metadata answer (step `index` of this broker's history) gave its first topic. */
function topicIdFrom(history: readonly unknown[], index: number): string {
  return (history[index] as MetadataResponse).topics[0]?.topicId ?? NIL_UUID;
}

/**
 * A Metadata step for every topic (null, or an empty list in v0): both brokers hold the same topics when every
 * earlier scenario passed, but Kafka lists them in hash order, which is no contract, so both lists are sorted.
 */
function allTopics(version: number): Step {
  const inner = metadataWith(version, version === 0 ? { topics: [] } : version < 4 ? { topics: null } : { topics: null, allowAutoTopicCreation: false });
  return {
    label: inner.label,
    send: async (client, history) => {
      const answer = (await inner.send(client, history)) as MetadataResponse;
      const byName = (a: { name: string | null }, b: { name: string | null }): number => (a.name ?? '').localeCompare(b.name ?? '');
      return { ...answer, topics: [...answer.topics].sort(byName) };
    },
  };
}

/** Versions clients send that the seed scenarios (v1, v12) do not already cover. */
const TOPIC_VERSIONS = [0, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 13];

const PER_VERSION: readonly Scenario[] = TOPIC_VERSIONS.map((version) => {
  const name = `diff-md-topic-v${version}`;
  return { name: `Metadata v${version} of a topic with three partitions`, topics: [{ name, partitions: 3 }], steps: [metadata(version, [name])] };
});

const UNKNOWN_WITHOUT_AUTO_CREATE: readonly Scenario[] = [4, 7, 9, 13].map((version) => ({
  name: `Metadata v${version} of an unknown topic without auto-create`,
  steps: [metadata(version, [`diff-md-unknown-v${version}`])],
}));

export const METADATA_SCENARIOS: readonly Scenario[] = [
  ...[0, 1, 9, 12].map((version) => ({
    name: `Metadata v${version} of all topics`,
    topics: [{ name: `diff-md-all-v${version}`, partitions: 2 }],
    steps: [allTopics(version)],
  })),
  { name: 'Metadata v1 of an empty topic list', steps: [metadataWith(1, { topics: [] })] },
  ...PER_VERSION,
  ...UNKNOWN_WITHOUT_AUTO_CREATE,
  // Before v4 the request has no flag, and both brokers run with auto.create.topics.enable=true.
  { name: 'Metadata v1 of an unknown topic creates it (broker default)', steps: [metadata(1, ['diff-md-auto-v1'])] },
  { name: 'Metadata v12 of an unknown topic with auto-create', steps: [metadata(12, ['diff-md-auto-v12'], true)] },
  {
    name: 'Metadata v12 of a known and an unknown topic',
    topics: [{ name: 'diff-md-mixed', partitions: 1 }],
    steps: [metadata(12, ['diff-md-mixed', 'diff-md-mixed-unknown'])],
  },
  {
    name: 'Metadata v12 of the same topic twice',
    topics: [{ name: 'diff-md-twice', partitions: 1 }],
    steps: [metadata(12, ['diff-md-twice', 'diff-md-twice'])],
  },
  { name: 'Metadata v12 of an invalid topic name without auto-create', steps: [metadata(12, ['diff md invalid!'])] },
  { name: 'Metadata v12 of an invalid topic name with auto-create', steps: [metadata(12, ['diff md invalid!'], true)] },
  { name: 'Metadata v4 of a topic name too long with auto-create', steps: [metadata(4, [`diff-md-${'y'.repeat(250)}`], true)] },
  { name: 'Metadata v12 of an empty topic name', steps: [metadata(12, [''], true)] },
  { name: 'Metadata v12 of the internal offsets topic', steps: [metadata(12, ['__consumer_offsets'])] },
  { name: 'Metadata v1 of the internal offsets topic', steps: [metadata(1, ['__consumer_offsets'])] },
  {
    name: 'Metadata v8 with cluster and topic authorized operations',
    topics: [{ name: 'diff-md-ops-v8', partitions: 1 }],
    steps: [
      metadataWith(8, {
        topics: [{ name: 'diff-md-ops-v8' }],
        allowAutoTopicCreation: false,
        includeClusterAuthorizedOperations: true,
        includeTopicAuthorizedOperations: true,
      }),
    ],
  },
  {
    name: 'Metadata v12 with topic authorized operations',
    topics: [{ name: 'diff-md-ops-v12', partitions: 1 }],
    steps: [
      metadataWith(12, { topics: [{ topicId: NIL_UUID, name: 'diff-md-ops-v12' }], allowAutoTopicCreation: false, includeTopicAuthorizedOperations: true }),
    ],
  },
  {
    name: 'Metadata v12 of a topic by its id',
    topics: [{ name: 'diff-md-by-id', partitions: 2 }],
    steps: [metadata(12, ['diff-md-by-id']), metadataWith(12, (history) => ({ topics: [{ topicId: topicIdFrom(history, 0), name: null }] }))],
  },
  {
    name: 'Metadata v10 of a topic by its id',
    topics: [{ name: 'diff-md-by-id-v10', partitions: 1 }],
    steps: [metadata(10, ['diff-md-by-id-v10']), metadataWith(10, (history) => ({ topics: [{ topicId: topicIdFrom(history, 0), name: null }] }))],
  },
  { name: 'Metadata v12 of an unknown topic id', steps: [metadataWith(12, { topics: [{ topicId: UNKNOWN_TOPIC_ID, name: null }] })] },
  {
    name: 'Metadata v13 of an unknown topic id',
    steps: [metadataWith(13, { topics: [{ topicId: UNKNOWN_TOPIC_ID, name: null }], allowAutoTopicCreation: true })],
  },
  {
    name: 'Metadata v12 of a topic by both name and id',
    topics: [{ name: 'diff-md-name-and-id', partitions: 1 }],
    steps: [
      metadata(12, ['diff-md-name-and-id']),
      metadataWith(12, (history) => ({ topics: [{ topicId: topicIdFrom(history, 0), name: 'diff-md-name-and-id' }] })),
    ],
  },
  {
    name: 'Metadata v12 after the topic is deleted',
    topics: [{ name: 'diff-md-deleted', partitions: 1 }],
    steps: [metadata(12, ['diff-md-deleted']), deleteTopic('diff-md-deleted'), metadataOnceDeleted(12, 'diff-md-deleted')],
  },
];
