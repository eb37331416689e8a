// Metadata: v0-13.
// - One broker (this node) with the advertised address of the listener the request arrived on.
// - Topics null (v1+), or an empty list in v0, means all topics; topics by id (v10+) are resolved.
// - Unknown topics are auto-created when auto.create.topics.enable is on and the request allows it (v4+ flag;
//   always for older versions). Created synchronously, so the same response already lists their partitions; an
//   internal topic is created by its coordinator.
// - Every partition is led by this node at leader epoch 0 with itself as the only replica and ISR.
// - Topic ids are refused before v12 (INVALID_REQUEST for the whole request), a name asked twice is answered once.
// - Authorized operations, when asked, are every operation of the resource type: Eddy has no ACLs, and Kafka
//   without an authorizer answers the same.
import { MetadataRequestCodec, type MetadataRequest } from '../../codecs/generated/MetadataRequest';
import { MetadataResponseCodec, MetadataResponseInit } from '../../codecs/generated/MetadataResponse';
import type { TopicMetadata } from '../../storage';
import { ErrorCode } from '../../codecs/protocol/errors';
import { BrokerConfigKeys } from '../config/broker-config';
import { isInternalTopic, OFFSETS_TOPIC, topicNameProblem } from '../topics/topic-names';
import { ZERO_UUID } from '../../codecs/protocol/uuid';
import { CLUSTER_OPERATIONS, OPERATIONS_OMITTED, TOPIC_OPERATIONS } from './authorized-operations';
import { defineHandler } from './handler';
import type { BrokerServices as Services } from './services';

type TopicEntry = NonNullable<MetadataResponseInit['topics']>[number];

export function describeTopicPartitions(topic: TopicMetadata, nodeId: number) {
  return Array.from({ length: topic.partitions }, (_, i) => ({
    errorCode: ErrorCode.NONE,
    partitionIndex: i,
    leaderId: nodeId,
    leaderEpoch: 0,
    replicaNodes: [nodeId],
    isrNodes: [nodeId],
    offlineReplicas: [],
  }));
}

function topicEntry(topic: TopicMetadata, nodeId: number): TopicEntry {
  return {
    errorCode: ErrorCode.NONE,
    name: topic.name,
    topicId: topic.topicId,
    isInternal: isInternalTopic(topic.name),
    partitions: describeTopicPartitions(topic, nodeId),
  };
}

/** Kafka refuses topic ids before v12 (and names must be there), answering INVALID_REQUEST for the whole request. */
function topicIdsUnsupported(request: MetadataRequest, version: number): boolean {
  return version < 12 && (request.topics ?? []).some((t) => t.name === null || t.topicId !== ZERO_UUID);
}

function invalidRequestAnswer(request: MetadataRequest): MetadataResponseInit {
  const topics = (request.topics ?? []).map((t) => ({
    errorCode: ErrorCode.INVALID_REQUEST,
    name: t.name ?? '',
    topicId: t.topicId,
    isInternal: false,
    partitions: [],
  }));
  return { throttleTimeMs: 0, brokers: [], clusterId: null, controllerId: -1, topics };
}

/** Topics asked for by id (v12+): any non-zero id makes the request an id request, and its names are ignored. */
function topicsById(services: Services, ids: readonly string[], nodeId: number): TopicEntry[] {
  const unknown: TopicEntry[] = [];
  const known = new Map<string, TopicEntry>();
  for (const id of ids) {
    const topic = services.topics.byId(id);
    if (topic === undefined) unknown.push({ errorCode: ErrorCode.UNKNOWN_TOPIC_ID, name: null, topicId: id, partitions: [] });
    else known.set(topic.name, topicEntry(topic, nodeId));
  }
  return [...unknown, ...known.values()];
}

/**
 * A coordinator's internal topic is created by its coordinator, with its partitions and configs, as Kafka's
 * AutoTopicCreationManager does; created as a plain topic it would leave the coordinator a topic it cannot use.
 */
async function autoCreate(services: Services, name: string): Promise<TopicMetadata | undefined> {
  if (!isInternalTopic(name)) return services.topics.autoCreate(name);
  if (!services.topics.autoCreateEnabled) return undefined;
  if (name === OFFSETS_TOPIC) await services.groups.ensureOffsetsTopic();
  else await services.transactions.ensureStateTopic();
  return services.topics.get(name);
}

async function topicByName(services: Services, name: string, allowAutoCreate: boolean, nodeId: number): Promise<TopicEntry> {
  const existing = services.topics.get(name);
  if (existing) return topicEntry(existing, nodeId);
  if (topicNameProblem(name) !== null) return { errorCode: ErrorCode.INVALID_TOPIC_EXCEPTION, name, topicId: ZERO_UUID, partitions: [] };
  const created = allowAutoCreate ? await autoCreate(services, name) : undefined;
  return created ? topicEntry(created, nodeId) : { errorCode: ErrorCode.UNKNOWN_TOPIC_OR_PARTITION, name, topicId: ZERO_UUID, partitions: [] };
}

async function requestedTopics(request: MetadataRequest, version: number, services: Services, nodeId: number): Promise<TopicEntry[]> {
  const requested = request.topics ?? [];
  const ids = [...new Set(requested.map((t) => t.topicId).filter((id) => id !== ZERO_UUID))];
  if (ids.length > 0) return topicsById(services, ids, nodeId);
  const allowAutoCreate = version < 4 || request.allowAutoTopicCreation;
  // Kafka reads the names into a set: a name asked for twice is answered once.
  const names = [...new Set(requested.map((t) => t.name ?? ''))];
  const topics: TopicEntry[] = [];
  for (const name of names) topics.push(await topicByName(services, name, allowAutoCreate, nodeId));
  return topics;
}

export const metadataHandler = defineHandler({
  request: MetadataRequestCodec,
  response: MetadataResponseCodec,
  async handle(request, ctx): Promise<MetadataResponseInit> {
    const services = ctx.services;
    const version = ctx.apiVersion;
    if (topicIdsUnsupported(request, version)) return invalidRequestAnswer(request);
    const nodeId = services.node.nodeId;
    const address = services.listeners.advertisedFor(ctx.listenerName);
    const allTopics = request.topics === null || (version === 0 && request.topics.length === 0);
    const topics = allTopics ? services.topics.all().map((t) => topicEntry(t, nodeId)) : await requestedTopics(request, version, services, nodeId);
    if (version >= 8 && request.includeTopicAuthorizedOperations) {
      for (const topic of topics) if (topic.errorCode !== ErrorCode.UNKNOWN_TOPIC_ID) topic.topicAuthorizedOperations = TOPIC_OPERATIONS;
    }
    // Cluster operations moved to DescribeCluster in v11.
    const clusterOperations = version >= 8 && version <= 10 && request.includeClusterAuthorizedOperations ? CLUSTER_OPERATIONS : OPERATIONS_OMITTED;
    return {
      throttleTimeMs: 0,
      brokers: [{ nodeId, host: address.host, port: address.port, rack: services.config.get(BrokerConfigKeys.BROKER_RACK) }],
      clusterId: services.node.clusterId,
      controllerId: nodeId,
      topics,
      clusterAuthorizedOperations: clusterOperations,
    };
  },
});
