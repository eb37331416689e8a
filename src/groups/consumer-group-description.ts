// A KIP-848 consumer group as ConsumerGroupDescribe reports it: every assignment carries its topic names next to
// the ids, and each member says it is a consumer-protocol member (KIP-1099). Built here so the handler only adds
// the response's error fields and authorized operations.
import type { ConsumerGroupCoordinator, DescribedConsumerMember, TopicPartitionsById } from './consumer-group-coordinator';

/** KIP-1099 member types: 0 for a member using the classic protocol (online migration), 1 for a consumer member. */
const MEMBER_TYPE_CLASSIC = 0;
const MEMBER_TYPE_CONSUMER = 1;

export interface NamedTopicPartitions {
  readonly topicId: string;
  readonly topicName: string;
  readonly partitions: readonly number[];
}

export interface NamedAssignment {
  readonly topicPartitions: readonly NamedTopicPartitions[];
}

export interface ConsumerGroupMemberDescription extends Omit<DescribedConsumerMember, 'assignment' | 'targetAssignment' | 'usesClassicProtocol'> {
  readonly assignment: NamedAssignment;
  readonly targetAssignment: NamedAssignment;
  readonly memberType: number;
}

export interface ConsumerGroupDescription {
  readonly groupId: string;
  readonly groupState: string;
  readonly groupEpoch: number;
  readonly assignmentEpoch: number;
  readonly assignorName: string;
  readonly members: readonly ConsumerGroupMemberDescription[];
}

/** The group's ConsumerGroupDescribe view, or undefined when no consumer group has that id. */
export function describeConsumerGroup(consumerGroups: ConsumerGroupCoordinator, groupId: string): ConsumerGroupDescription | undefined {
  const described = consumerGroups.describe(groupId);
  if (!described) return undefined;
  const named = (list: readonly TopicPartitionsById[]): NamedAssignment => ({
    topicPartitions: list.map((t) => ({ topicId: t.topicId, topicName: consumerGroups.topicName(t.topicId), partitions: t.partitions })),
  });
  return {
    groupId: described.groupId,
    groupState: described.state,
    groupEpoch: described.groupEpoch,
    assignmentEpoch: described.assignmentEpoch,
    assignorName: described.assignorName,
    members: described.members.map(({ usesClassicProtocol, ...m }) => ({
      ...m,
      assignment: named(m.assignment),
      targetAssignment: named(m.targetAssignment),
      memberType: usesClassicProtocol ? MEMBER_TYPE_CLASSIC : MEMBER_TYPE_CONSUMER,
    })),
  };
}
