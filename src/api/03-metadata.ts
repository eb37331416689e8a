// Metadata: v0-13.
// - One broker (this node) with the advertised address of the listener the request arrived on.
// - Topics null (v1+), or an empty list in v0, means all topics; topics by id (v10+) are resolved.
// - Unknown topics are auto-created when auto.create.topics.enable is on and the request allows it (v4+ flag;
//   always for older versions). Created synchronously, so the same response already lists their partitions.
// - Every partition is led by this node at leader epoch 0 with itself as the only replica and ISR.
// - Left out: authorized operations (reported as "not requested": INT32 min), since Eddy has no ACLs.
import { MetadataRequestCodec } from '../../codecs/generated/MetadataRequest';
import { MetadataResponseCodec, MetadataResponseInit } from '../../codecs/generated/MetadataResponse';
import type { TopicMetadata } from '../../storage';
import { ErrorCode } from '../../codecs/protocol/errors';
import { isInternalTopic, topicNameProblem } from '../topics/topic-names';
import { ZERO_UUID } from '../../codecs/protocol/uuid';
import { defineHandler } from './handler';

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

export const metadataHandler = defineHandler({
  request: MetadataRequestCodec,
  response: MetadataResponseCodec,
  async handle(request, ctx): Promise<MetadataResponseInit> {
    const services = ctx.services;
    const nodeId = services.node.nodeId;
    const address = services.listeners.advertisedFor(ctx.listenerName);
    const allTopics = request.topics === null || (ctx.apiVersion === 0 && request.topics.length === 0);
    const allowAutoCreate = ctx.apiVersion < 4 || request.allowAutoTopicCreation;
    const topics: TopicEntry[] = [];
    if (allTopics) {
      for (const t of services.topics.all()) topics.push(topicEntry(t, nodeId));
    } else {
      for (const requested of request.topics ?? []) {
        if (requested.name === null) {
          const byId = services.topics.byId(requested.topicId);
          topics.push(
            byId
              ? topicEntry(byId, nodeId)
              : { errorCode: ErrorCode.UNKNOWN_TOPIC_ID, name: ctx.apiVersion >= 12 ? null : '', topicId: requested.topicId, partitions: [] },
          );
          continue;
        }
        const name = requested.name;
        const existing = services.topics.get(name);
        if (existing) {
          topics.push(topicEntry(existing, nodeId));
          continue;
        }
        if (topicNameProblem(name) !== null) {
          topics.push({ errorCode: ErrorCode.INVALID_TOPIC_EXCEPTION, name, topicId: ZERO_UUID, partitions: [] });
          continue;
        }
        const created = allowAutoCreate ? await services.topics.autoCreate(name) : undefined;
        topics.push(created ? topicEntry(created, nodeId) : { errorCode: ErrorCode.UNKNOWN_TOPIC_OR_PARTITION, name, topicId: ZERO_UUID, partitions: [] });
      }
    }
    return {
      throttleTimeMs: 0,
      brokers: [{ nodeId, host: address.host, port: address.port, rack: null }],
      clusterId: services.node.clusterId,
      controllerId: nodeId,
      topics,
    };
  },
});
