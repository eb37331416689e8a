// Who may commit and read a KIP-848 consumer group's offsets, as Kafka 4.3.1's ConsumerGroup.validateOffsetCommit and
// validateOffsetFetch decide. A commit is checked against the member and its epoch; since KIP-1251 a commit with an
// older epoch than the member's current one is not refused outright: the member may still own the partitions it
// commits (its epoch was bumped by a heartbeat while the commit was on its way), so each partition is accepted when
// the member holds it since that older epoch or before. Kept apart from the coordinator: these are pure rules over a
// group's state, and OffsetCommit, TxnOffsetCommit and OffsetFetch all go through them.
import { ErrorCode } from '../../codecs/protocol/errors';
import { ConsumerGroup, ConsumerMember, heldSinceEpoch } from './consumer-group';

/** The first OffsetCommit version a member of the consumer protocol may use (KIP-848). */
const FIRST_CONSUMER_PROTOCOL_COMMIT_VERSION = 9;

export interface ConsumerCommitRequest {
  readonly memberId: string;
  readonly instanceId: string | null;
  readonly memberEpoch: number;
  readonly apiVersion: number;
  /** TxnOffsetCommit: no version floor, and the member fields may all be absent. */
  readonly transactional: boolean;
  /** Each committed partition with its topic id (null when the topic does not exist). */
  readonly partitions: ReadonlyArray<{ readonly topicId: string | null; readonly partition: number }>;
}

/** A refusal names the member's protocol: a classic member learns of a stale generation, a consumer one of its epoch. */
function refusal(member: ConsumerMember): number {
  return member.classic !== null ? ErrorCode.ILLEGAL_GENERATION : ErrorCode.STALE_MEMBER_EPOCH;
}

/**
 * KIP-1251: a commit with an older member epoch is accepted when every partition it names is one the member holds
 * (assigned or pending revocation) since that epoch or before; the first partition that fails refuses the commit.
 */
function olderEpochAccepted(member: ConsumerMember, request: ConsumerCommitRequest): boolean {
  return request.partitions.every((p) => {
    if (p.topicId === null) return false;
    const since = heldSinceEpoch(member, p.topicId, p.partition);
    return since !== undefined && request.memberEpoch >= since;
  });
}

/** The error for the whole commit, or NONE. */
export function consumerOffsetCommitError(group: ConsumerGroup, request: ConsumerCommitRequest): number {
  // The admin client, or a consumer outside group management, commits while the group is empty.
  if (request.memberEpoch < 0 && group.members.size === 0) return ErrorCode.NONE;
  // TxnOffsetCommit below v3 carries no member: nothing to check.
  if (request.transactional && request.memberEpoch === -1 && request.memberId === '' && request.instanceId === null) return ErrorCode.NONE;
  const member = group.members.get(request.memberId);
  if (!member) return ErrorCode.UNKNOWN_MEMBER_ID;
  if (!request.transactional && member.classic === null && request.apiVersion < FIRST_CONSUMER_PROTOCOL_COMMIT_VERSION) {
    return ErrorCode.UNSUPPORTED_VERSION;
  }
  if (request.memberEpoch === member.memberEpoch) return ErrorCode.NONE;
  const error = request.memberEpoch > member.memberEpoch || !olderEpochAccepted(member, request) ? refusal(member) : ErrorCode.NONE;
  // TxnOffsetCommit answers a stale epoch as the classic protocol does.
  return request.transactional && error === ErrorCode.STALE_MEMBER_EPOCH ? ErrorCode.ILLEGAL_GENERATION : error;
}

/** OffsetFetch v9+: a member naming itself must be a member with its current epoch; admins (-1, null) may read. */
export function consumerOffsetFetchError(group: ConsumerGroup, memberId: string | null, memberEpoch: number): number {
  if (memberEpoch < 0 && memberId === null) return ErrorCode.NONE;
  const member = memberId === null ? undefined : group.members.get(memberId);
  if (!member) return ErrorCode.UNKNOWN_MEMBER_ID;
  return memberEpoch === member.memberEpoch ? ErrorCode.NONE : refusal(member);
}
