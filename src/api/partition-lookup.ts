// Resolves the (topic name | topic id, partition) pairs requests carry to storage partitions, with the error
// code Kafka answers when they do not exist.
import type { PartitionLog, TopicMetadata } from '../../storage';
import type { Broker } from '../broker';
import { ErrorCode } from '../cluster/errors';
import { ZERO_UUID } from '../cluster/uuid';

export interface TopicRef {
  readonly topic: TopicMetadata | undefined;
  /** The code for every partition of an unknown topic. */
  readonly missingCode: number;
}

/** Finds a topic by name, or by id when the request version uses ids (the name is then empty). */
export function resolveTopic(broker: Broker, name: string | null, topicId: string | undefined, byId: boolean): TopicRef {
  if (byId && topicId !== undefined && topicId !== ZERO_UUID) {
    return { topic: broker.logs.topicById(topicId), missingCode: ErrorCode.UNKNOWN_TOPIC_ID };
  }
  return { topic: name === null ? undefined : broker.topics.get(name), missingCode: ErrorCode.UNKNOWN_TOPIC_OR_PARTITION };
}

/**
 * Loads those of `partitions` not loaded since a clean start (storage loads partitions on first use); null when
 * there is nothing to wait for. Handlers await it before partitionOf.
 */
export function loadPartitionsOf(broker: Broker, topic: TopicMetadata | undefined, partitions: Iterable<number>): Promise<void> | null {
  if (topic === undefined || !broker.logs.hasUnloadedPartitions) return null;
  return broker.logs.loadPartitions(topic.name, partitions);
}

export function partitionOf(broker: Broker, topic: TopicMetadata | undefined, partition: number): PartitionLog | undefined {
  if (!topic || partition < 0 || partition >= topic.partitions) return undefined;
  return broker.logs.partition(topic.name, partition);
}
