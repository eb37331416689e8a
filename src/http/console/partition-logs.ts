// The partition logs of a topic the console reads (offsets, sizes, records), found through the partition directory
// handlers use, so a partition a clean restart left on disk is built on first use exactly as for a Fetch.
import type { PartitionLog, TopicMetadata } from '../../../storage';
import type { BrokerServices } from '../../api/services';
import { unknownPartition, unknownTopic } from './rest-errors';

export function topicOrNotFound(services: BrokerServices, name: string): TopicMetadata {
  const topic = services.topics.get(name);
  if (!topic) throw unknownTopic(name);
  return topic;
}

export function partitionIndexes(topic: TopicMetadata): number[] {
  return Array.from({ length: topic.partitions }, (_, i) => i);
}

/** Every partition's log, in partition order (a missing one, which storage should not give, is left out). */
export async function topicLogs(services: BrokerServices, topic: TopicMetadata): Promise<PartitionLog[]> {
  const logs = await services.partitions.logsOf(topic, partitionIndexes(topic));
  return logs.filter((log): log is PartitionLog => log !== undefined);
}

export async function partitionLog(services: BrokerServices, topic: TopicMetadata, partition: number): Promise<PartitionLog> {
  const log = await services.partitions.log(topic, partition);
  if (!log) throw unknownPartition(topic.name, partition);
  return log;
}

/** The offsets the console shows beside a partition (Eddy's extension: REST v3 has no offsets). */
export interface PartitionOffsets {
  /** The log start offset: the first offset a consumer can read. */
  readonly earliest_offset: number;
  /** The high watermark: the offset the next record gets. */
  readonly latest_offset: number;
}

export function offsetsOf(log: PartitionLog): PartitionOffsets {
  return { earliest_offset: Number(log.logStartOffset), latest_offset: Number(log.highWatermark) };
}
