// Metadata: v0-13.
// - One broker (this node) with the advertised address of the listener the request arrived on.
// - Topics null (v1+), or an empty list in v0, means all topics; topics by id (v10+) are resolved.
// - Unknown topics are auto-created when auto.create.topics.enable is on and the request allows it (v4+ flag;
//   always for older versions). Created synchronously, so the same response already lists their partitions; an
//   internal topic is created by its coordinator.
// - Every partition is led by this node at leader epoch 0 with itself as the only replica and ISR.
// - Topic ids are refused before v12 (INVALID_REQUEST for the whole request), a name asked twice is answered once.
// - With an authorizer (authorizer.class.name), as Kafka: all-topics requests list only topics the principal may
//   DESCRIBE; a topic named without DESCRIBE is answered TOPIC_AUTHORIZATION_FAILED (no id, no partitions) after the
//   others, and one to be auto-created needs CREATE on the cluster or the topic, else TOPIC_AUTHORIZATION_FAILED.
// - Authorized operations, when asked, are those the authorizer allows (every operation without one, as Kafka);
//   cluster operations need DESCRIBE on the cluster, else 0.
import { MetadataRequestCodec, type MetadataRequest } from '../../codecs/generated/MetadataRequest';
import { MetadataResponseCodec, MetadataResponseInit } from '../../codecs/generated/MetadataResponse';
import type { TopicMetadata } from '../../storage';
import { ErrorCode } from '../../codecs/protocol/errors';
import { BrokerConfigKeys } from '../config/broker-config';
import { isInternalTopic, OFFSETS_TOPIC, topicNameProblem } from '../topics/topic-names';
import { ZERO_UUID } from '../../codecs/protocol/uuid';
import { clusterOperations, OPERATIONS_OMITTED, topicOperations } from './authorized-operations';
import { AclOperation, allowsCluster, topicCheck } from './authorize';
import { defineHandler, type RequestContext } from './handler';
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

/** Kafka's answer for a topic the principal may not describe, or may not create when it would be auto-created. */
function unauthorizedTopic(name: string | null, topicId: string, isInternal: boolean): TopicEntry {
  return { errorCode: ErrorCode.TOPIC_AUTHORIZATION_FAILED, name, topicId, isInternal, partitions: [] };
}

async function requestedTopics(request: MetadataRequest, version: number, ctx: RequestContext, nodeId: number): Promise<TopicEntry[]> {
  const services = ctx.services;
  const requested = request.topics ?? [];
  const mayDescribe = topicCheck(ctx, AclOperation.DESCRIBE);
  const ids = [...new Set(requested.map((t) => t.topicId).filter((id) => id !== ZERO_UUID))];
  if (ids.length > 0) {
    const entries = topicsById(services, ids, nodeId);
    // Topic ids are not secret: Kafka answers an undescribable one with its id and no name.
    const refused = entries.filter((t) => t.name != null && !mayDescribe(t.name)).map((t) => unauthorizedTopic(null, t.topicId ?? ZERO_UUID, false));
    return [...entries.filter((t) => t.name == null || mayDescribe(t.name)), ...refused];
  }
  const allowAutoCreate = version < 4 || request.allowAutoTopicCreation;
  const createsTopics = allowAutoCreate && services.topics.autoCreateEnabled;
  const mayCreate = allowsCluster(ctx, AclOperation.CREATE) ? (): boolean => true : topicCheck(ctx, AclOperation.CREATE);
  // Kafka reads the names into a set: a name asked for twice is answered once.
  const names = [...new Set(requested.map((t) => t.name ?? ''))];
  const topics: TopicEntry[] = [];
  const uncreatable: TopicEntry[] = [];
  for (const name of names) {
    if (!mayDescribe(name)) continue;
    if (createsTopics && services.topics.get(name) === undefined && !mayCreate(name))
      uncreatable.push(unauthorizedTopic(name, ZERO_UUID, isInternalTopic(name)));
    else topics.push(await topicByName(services, name, allowAutoCreate, nodeId));
  }
  const undescribable = names.filter((name) => !mayDescribe(name)).map((name) => unauthorizedTopic(name, ZERO_UUID, false));
  return [...topics, ...uncreatable, ...undescribable];
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
    const mayDescribe = topicCheck(ctx, AclOperation.DESCRIBE);
    const topics = allTopics
      ? services.topics
          .all()
          .filter((t) => mayDescribe(t.name))
          .map((t) => topicEntry(t, nodeId))
      : await requestedTopics(request, version, ctx, nodeId);
    if (version >= 8 && request.includeTopicAuthorizedOperations) {
      for (const topic of topics) {
        if (topic.errorCode !== ErrorCode.UNKNOWN_TOPIC_ID && topic.errorCode !== ErrorCode.TOPIC_AUTHORIZATION_FAILED)
          topic.topicAuthorizedOperations = topicOperations(ctx, topic.name ?? '');
      }
    }
    // Cluster operations moved to DescribeCluster in v11.
    const clusterAuthorizedOperations =
      version >= 8 && version <= 10 && request.includeClusterAuthorizedOperations ? clusterOperations(ctx) : OPERATIONS_OMITTED;
    return {
      throttleTimeMs: 0,
      brokers: [{ nodeId, host: address.host, port: address.port, rack: services.config.get(BrokerConfigKeys.BROKER_RACK) }],
      clusterId: services.node.clusterId,
      controllerId: nodeId,
      topics,
      clusterAuthorizedOperations,
    };
  },
});
