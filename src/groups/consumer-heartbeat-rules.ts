// What a ConsumerGroupHeartbeat must look like before it touches a group, as Kafka 4.3.1's GroupMetadataManager
// checks it: the request's fields (throwIfConsumerGroupHeartbeatRequestIsInvalid), the epoch a known member may send
// (throwIfConsumerGroupMemberEpochIsInvalid), and the shapes of the answers. Pure functions, kept apart from the
// coordinator, which applies the request once these let it through.
import { randomBytes } from 'crypto';
import type { ConsumerMember } from './consumer-group';
import type { ConsumerHeartbeatParams, ConsumerHeartbeatResult, TopicPartitionsById } from './consumer-group-types';
import type { TopicAssignment } from './server-assignors';

/** KIP-848 leave epochs: -1 leaves the group, -2 is a static member's temporary leave. */
export const LEAVE_EPOCH = -1;
export const STATIC_LEAVE_EPOCH = -2;

/** An answer that refuses the heartbeat. */
export function failure(errorCode: number, errorMessage: string, memberEpoch = 0): ConsumerHeartbeatResult {
  return { errorCode, errorMessage, memberId: null, memberEpoch, heartbeatIntervalMs: 0, assignment: null };
}

/** An assignment as the protocol lists it: topics and partitions in order, empty topics left out. */
export function toList(a: TopicAssignment): TopicPartitionsById[] {
  return [...a]
    .filter(([, ps]) => ps.size > 0)
    .sort(([x], [y]) => (x < y ? -1 : 1))
    .map(([topicId, ps]) => ({ topicId, partitions: [...ps].sort((x, y) => x - y) }));
}

export function fromList(list: ReadonlyArray<{ readonly topicId: string; readonly partitions: readonly number[] }>): TopicAssignment {
  return new Map(list.map((t) => [t.topicId, new Set(t.partitions)]));
}

/** Kafka's member ids are random UUIDs in URL-safe base64 without padding (22 characters). */
export function newMemberId(): string {
  return randomBytes(16).toString('base64url');
}

/** Why the request is malformed (INVALID_REQUEST), or null. */
export function requestProblem(p: ConsumerHeartbeatParams): string | null {
  if (p.groupId === '') return "GroupId can't be empty.";
  if (p.memberEpoch < STATIC_LEAVE_EPOCH) return `MemberEpoch ${p.memberEpoch} is invalid.`;
  // v1 (KIP-1082): the client generates its member id, so it is never empty.
  if ((p.apiVersion >= 1 || p.memberEpoch !== 0) && p.memberId === '') return "MemberId can't be empty.";
  if (p.memberEpoch === 0) {
    if (p.rebalanceTimeoutMs <= 0) return 'RebalanceTimeoutMs must be provided in first request.';
    if (p.subscribedTopicNames === null && p.subscribedTopicRegex === null) {
      return 'SubscribedTopicNames or SubscribedTopicRegex must be set in first request.';
    }
    if (p.topicPartitions === null || p.topicPartitions.length > 0) return 'TopicPartitions must be empty when (re-)joining.';
  }
  if (p.memberEpoch === STATIC_LEAVE_EPOCH && p.instanceId === null) return "InstanceId can't be null.";
  return null;
}

/**
 * A member may heartbeat with its current epoch, or with the previous one if it owns no partition outside its
 * current assignment (the response that bumped its epoch may have been lost); anything else is fenced.
 */
export function epochProblem(member: ConsumerMember, p: ConsumerHeartbeatParams): string | null {
  if (p.memberEpoch === member.memberEpoch) return null;
  if (p.memberEpoch === member.previousMemberEpoch) {
    const owned = p.topicPartitions === null ? null : fromList(p.topicPartitions);
    const withinAssigned = owned !== null && [...owned].every(([t, ps]) => [...ps].every((x) => member.assigned.get(t)?.has(x)));
    if (withinAssigned) return null;
  }
  const relation = p.memberEpoch > member.memberEpoch ? 'greater' : 'smaller';
  return `The consumer group member has a ${relation} member epoch (${p.memberEpoch}) than the one known by the group coordinator (${member.memberEpoch}). The member must abandon all its partitions and rejoin.`;
}
