// Which group protocol `eddy consume --group` joins with, as Kafka's consumer config group.protocol names them:
// "consumer" (KIP-848, ConsumerGroupHeartbeat) or "classic" (JoinGroup/SyncGroup). Unless told, the tool takes the
// consumer protocol from brokers that serve it (Kafka 3.7 and later, Eddy) and the classic one from older brokers.
import { Apis } from './apis';
import { ClassicGroupMember } from './classic-group-member';
import { GroupMember, type Assignment, type ConsumerGroupMember } from './group-member';
import type { KafkaClient } from './kafka-client';

export const GROUP_PROTOCOLS = ['classic', 'consumer'] as const;
export type GroupProtocol = (typeof GROUP_PROTOCOLS)[number];

/** The consumer protocol when the bootstrap broker lists ConsumerGroupHeartbeat, else the classic one. */
export async function defaultGroupProtocol(client: KafkaClient): Promise<GroupProtocol> {
  return (await client.bootstrapVersions()).has(Apis.ConsumerGroupHeartbeat.request.apiKey) ? 'consumer' : 'classic';
}

/** Joins `group` with `protocol` (the broker's best when undefined) and waits for the first assignment. */
export async function joinConsumerGroup(
  client: KafkaClient,
  protocol: GroupProtocol | undefined,
  group: string,
  topics: readonly string[],
  beforeChange: (previous: Assignment) => Promise<void>,
): Promise<ConsumerGroupMember> {
  const chosen = protocol ?? (await defaultGroupProtocol(client));
  if (chosen === 'classic') return ClassicGroupMember.join(client, group, topics, client.timeout, beforeChange);
  return GroupMember.join(client, group, topics, client.timeout, beforeChange);
}
