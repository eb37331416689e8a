// Where a topic's partitions live, and their offsets: the lookups the produce, consume and group tools share. A
// partition's requests go to its leader, so ListOffsets is sent once per leader with that leader's partitions.
import { Apis } from './apis';
import { checkErrorCode, KafkaResponseError } from './errors';
import type { KafkaClient } from './kafka-client';
import { ErrorCode } from '../../codecs/protocol/errors';

export interface PartitionLayout {
  readonly partition: number;
  /** Node id of the leader; -1 while there is none. */
  readonly leader: number;
  readonly leaderEpoch: number;
}

export interface TopicLayout {
  readonly name: string;
  readonly topicId: string;
  readonly partitions: readonly PartitionLayout[];
}

/** ListOffsets' special timestamps. */
export const EARLIEST_TIMESTAMP = -2n;
export const LATEST_TIMESTAMP = -1n;

/** A topic's partitions and leaders; throws UNKNOWN_TOPIC_OR_PARTITION (or the broker's error) for the topic. */
export async function topicLayout(client: KafkaClient, topic: string): Promise<TopicLayout> {
  const metadata = await client.metadata([topic]);
  const found = metadata.topics.find((t) => t.name === topic);
  if (found === undefined) throw new KafkaResponseError(ErrorCode.UNKNOWN_TOPIC_OR_PARTITION, `topic '${topic}'`);
  checkErrorCode(found.errorCode, `topic '${topic}'`);
  const partitions = found.partitions
    .map((p) => ({ partition: p.partitionIndex, leader: p.leaderId, leaderEpoch: p.leaderEpoch }))
    .sort((a, b) => a.partition - b.partition);
  return { name: topic, topicId: found.topicId, partitions };
}

/** The partition's layout; throws UNKNOWN_TOPIC_OR_PARTITION when the topic has no such partition. */
export function partitionOf(layout: TopicLayout, partition: number): PartitionLayout {
  const found = layout.partitions.find((p) => p.partition === partition);
  if (found === undefined) throw new KafkaResponseError(ErrorCode.UNKNOWN_TOPIC_OR_PARTITION, `partition ${partition} of topic '${layout.name}'`);
  return found;
}

/** Groups partitions by leader, refusing a partition without one (LEADER_NOT_AVAILABLE). */
export function byLeader(layout: TopicLayout, partitions: readonly PartitionLayout[]): Map<number, PartitionLayout[]> {
  const out = new Map<number, PartitionLayout[]>();
  for (const p of partitions) {
    if (p.leader < 0) throw new KafkaResponseError(ErrorCode.LEADER_NOT_AVAILABLE, `partition ${p.partition} of topic '${layout.name}'`);
    const list = out.get(p.leader) ?? [];
    list.push(p);
    out.set(p.leader, list);
  }
  return out;
}

/**
 * Kafka's ListOffsets for each partition: the log start (EARLIEST_TIMESTAMP), the end (LATEST_TIMESTAMP), or the
 * first offset whose timestamp is at or after `timestamp` (-1 when there is none, which callers read as the end).
 */
export async function listOffsets(
  client: KafkaClient,
  layout: TopicLayout,
  partitions: readonly PartitionLayout[],
  timestamp: bigint,
  isolationLevel = 0,
): Promise<Map<number, bigint>> {
  const out = new Map<number, bigint>();
  const requests = [...byLeader(layout, partitions)].map(async ([leader, led]) => {
    const answer = await client.send(
      Apis.ListOffsets,
      () => ({
        replicaId: -1,
        isolationLevel,
        topics: [{ name: layout.name, partitions: led.map((p) => ({ partitionIndex: p.partition, currentLeaderEpoch: p.leaderEpoch, timestamp })) }],
      }),
      leader,
    );
    for (const topic of answer.topics) {
      for (const p of topic.partitions) {
        checkErrorCode(p.errorCode, `offsets of partition ${p.partitionIndex} of topic '${layout.name}'`);
        out.set(p.partitionIndex, p.offset);
      }
    }
  });
  await Promise.all(requests);
  return out;
}
