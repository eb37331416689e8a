// Seed scenarios for the APIs that describe and manage topics: ApiVersions, Metadata, CreateTopics, DeleteTopics,
// CreatePartitions and DescribeConfigs, at versions real clients send (shared/kafka-protocol/API-VERSIONS.md).
// Each scenario owns its topic names: both brokers keep every topic an earlier scenario made.
import { ApiVersionsRequestCodec } from '../../codecs/generated/ApiVersionsRequest';
import { ApiVersionsResponseCodec } from '../../codecs/generated/ApiVersionsResponse';
import { apiVersions } from './scenarios-api-versions';
import { CreatePartitionsRequestCodec } from '../../codecs/generated/CreatePartitionsRequest';
import { CreatePartitionsResponseCodec } from '../../codecs/generated/CreatePartitionsResponse';
import { CreateTopicsRequestCodec, type CreateTopicsRequestCreatableTopicInit } from '../../codecs/generated/CreateTopicsRequest';
import { CreateTopicsResponseCodec } from '../../codecs/generated/CreateTopicsResponse';
import { DeleteTopicsRequestCodec } from '../../codecs/generated/DeleteTopicsRequest';
import { DeleteTopicsResponseCodec } from '../../codecs/generated/DeleteTopicsResponse';
import { DescribeConfigsRequestCodec } from '../../codecs/generated/DescribeConfigsRequest';
import { DescribeConfigsResponseCodec } from '../../codecs/generated/DescribeConfigsResponse';
import { MetadataRequestCodec } from '../../codecs/generated/MetadataRequest';
import { MetadataResponseCodec } from '../../codecs/generated/MetadataResponse';
import { step, type Scenario, type Step } from './harness';

const NIL_UUID = '00000000-0000-0000-0000-000000000000';
const TOPIC_RESOURCE = 2;

function metadata(version: number, names: readonly string[], allowAutoTopicCreation: boolean): Step {
  const topics = names.map((name) => ({ topicId: NIL_UUID, name }));
  // Before v4 there is no flag: the broker's auto.create.topics.enable decides.
  const flag = version >= 4 ? { allowAutoTopicCreation } : {};
  return step(MetadataRequestCodec, MetadataResponseCodec, version, { topics, ...flag });
}

function createTopic(topic: CreateTopicsRequestCreatableTopicInit, validateOnly = false, version = 7): Step {
  const body = { topics: [{ numPartitions: 1, replicationFactor: 1, assignments: [], configs: [], ...topic }], timeoutMs: 10_000, validateOnly };
  return step(CreateTopicsRequestCodec, CreateTopicsResponseCodec, version, body);
}

function createPartitions(name: string, count: number): Step {
  const body = { topics: [{ name, count, assignments: null }], timeoutMs: 10_000, validateOnly: false };
  return step(CreatePartitionsRequestCodec, CreatePartitionsResponseCodec, 3, body);
}

function deleteTopic(name: string): Step {
  return step(DeleteTopicsRequestCodec, DeleteTopicsResponseCodec, 6, { topics: [{ name, topicId: NIL_UUID }], timeoutMs: 10_000 });
}

function invalidName(name: string, label: string): Scenario {
  return { name: `CreateTopics rejects the invalid name ${label}`, steps: [createTopic({ name })] };
}

export const ADMIN_SCENARIOS: readonly Scenario[] = [
  { name: 'ApiVersions v0', steps: [step(ApiVersionsRequestCodec, ApiVersionsResponseCodec, 0, {})] },
  {
    name: 'ApiVersions v3',
    steps: [apiVersions(3)],
  },
  // A client newer than the broker sends a version the broker cannot parse (here a v3 body under version 99): the
  // broker answers UNSUPPORTED_VERSION in v0, listing the ApiVersions range it does support.
  {
    name: 'ApiVersions at an unsupported version',
    steps: [step(ApiVersionsRequestCodec, ApiVersionsResponseCodec, 99, { clientSoftwareName: 'eddy-differential' }, { responseVersion: 0, bodyVersion: 3 })],
  },
  { name: 'Metadata v12 of no topics', steps: [metadata(12, [], false)] },
  { name: 'Metadata v12 of a created topic', topics: [{ name: 'diff-md-created', partitions: 2 }], steps: [metadata(12, ['diff-md-created'], false)] },
  { name: 'Metadata v12 of an unknown topic without auto-create', steps: [metadata(12, ['diff-md-unknown'], false)] },
  { name: 'Metadata v4 of an unknown topic with auto-create', steps: [metadata(4, ['diff-md-autocreate'], true)] },
  { name: 'Metadata v1 of a created topic', topics: [{ name: 'diff-md-v1', partitions: 1 }], steps: [metadata(1, ['diff-md-v1'], false)] },
  {
    name: 'CreateTopics of a valid topic, then of the same topic again',
    steps: [createTopic({ name: 'diff-ct-valid', numPartitions: 3 }), createTopic({ name: 'diff-ct-valid', numPartitions: 3 })],
  },
  { name: 'CreateTopics v4 of a valid topic', steps: [createTopic({ name: 'diff-ct-v4', numPartitions: 2 }, false, 4)] },
  {
    name: 'CreateTopics with the default partitions and replication factor',
    steps: [createTopic({ name: 'diff-ct-defaults', numPartitions: -1, replicationFactor: -1 })],
  },
  { name: 'CreateTopics with 0 partitions', steps: [createTopic({ name: 'diff-ct-zero-partitions', numPartitions: 0 })] },
  { name: 'CreateTopics with -2 partitions', steps: [createTopic({ name: 'diff-ct-minus-two', numPartitions: -2 })] },
  { name: 'CreateTopics with replication factor 2 on one node', steps: [createTopic({ name: 'diff-ct-rf2', replicationFactor: 2 })] },
  { name: 'CreateTopics with replication factor 0', steps: [createTopic({ name: 'diff-ct-rf0', replicationFactor: 0 })] },
  invalidName('', 'empty'),
  invalidName('.', "'.'"),
  invalidName('..', "'..'"),
  invalidName(`diff-${'x'.repeat(250)}`, 'of 255 characters'),
  invalidName('diff bad/name!', 'with bad characters'),
  {
    name: 'CreateTopics with an unknown config name',
    steps: [createTopic({ name: 'diff-ct-unknown-config', configs: [{ name: 'no.such.config', value: '1' }] })],
  },
  {
    name: 'CreateTopics with an invalid config value',
    steps: [createTopic({ name: 'diff-ct-bad-value', configs: [{ name: 'retention.ms', value: 'soon' }] })],
  },
  {
    name: 'CreateTopics validateOnly creates nothing',
    steps: [createTopic({ name: 'diff-ct-validate-only', numPartitions: 2 }, true), metadata(12, ['diff-ct-validate-only'], false)],
  },
  { name: 'DeleteTopics of an unknown topic', steps: [deleteTopic('diff-dt-unknown')] },
  {
    name: 'DeleteTopics of an existing topic',
    topics: [{ name: 'diff-dt-existing', partitions: 1 }],
    steps: [deleteTopic('diff-dt-existing')],
  },
  { name: 'CreatePartitions grows a topic', topics: [{ name: 'diff-cp-grow', partitions: 1 }], steps: [createPartitions('diff-cp-grow', 3)] },
  { name: 'CreatePartitions cannot shrink a topic', topics: [{ name: 'diff-cp-shrink', partitions: 3 }], steps: [createPartitions('diff-cp-shrink', 1)] },
  { name: 'CreatePartitions to the same count', topics: [{ name: 'diff-cp-same', partitions: 2 }], steps: [createPartitions('diff-cp-same', 2)] },
  { name: 'CreatePartitions of an unknown topic', steps: [createPartitions('diff-cp-unknown', 2)] },
  {
    name: 'DescribeConfigs v4 of a topic with synonyms',
    topics: [{ name: 'diff-dc-topic', partitions: 1 }],
    steps: [
      step(DescribeConfigsRequestCodec, DescribeConfigsResponseCodec, 4, {
        resources: [{ resourceType: TOPIC_RESOURCE, resourceName: 'diff-dc-topic', configurationKeys: ['retention.ms', 'cleanup.policy', 'segment.bytes'] }],
        includeSynonyms: true,
        includeDocumentation: false,
      }),
    ],
  },
  {
    name: 'DescribeConfigs v4 of an unknown topic',
    steps: [
      step(DescribeConfigsRequestCodec, DescribeConfigsResponseCodec, 4, {
        resources: [{ resourceType: TOPIC_RESOURCE, resourceName: 'diff-dc-unknown', configurationKeys: ['retention.ms'] }],
        includeSynonyms: false,
        includeDocumentation: false,
      }),
    ],
  },
];
