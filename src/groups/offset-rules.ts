// Kafka's rules for who may commit offsets to a classic group, and which committed offsets have expired.
import { ErrorCode } from '../../codecs/protocol/errors';
import type { ClassicGroup, CommittedOffset } from './classic-group';

export interface CommitIdentity {
  readonly generationId: number;
  readonly memberId: string;
  readonly groupInstanceId: string | null;
}

/**
 * The error for an offset commit to an existing group, or NONE. Generation -1 with no member id is an admin or
 * "simple" consumer commit, allowed only while nobody is in the group; members must name their generation.
 */
export function offsetCommitError(group: ClassicGroup, who: CommitIdentity): number {
  if (group.is('Dead')) return ErrorCode.COORDINATOR_NOT_AVAILABLE;
  if (who.generationId < 0 && group.is('Empty')) return ErrorCode.NONE;
  if (who.generationId >= 0 || who.memberId !== '' || who.groupInstanceId !== null) {
    if (group.isStaticMemberFenced(who.groupInstanceId, who.memberId)) return ErrorCode.FENCED_INSTANCE_ID;
    if (group.isUnknownStaticInstance(who.groupInstanceId) || !group.has(who.memberId)) return ErrorCode.UNKNOWN_MEMBER_ID;
    if (who.generationId !== group.generationId) return ErrorCode.ILLEGAL_GENERATION;
  } else if (!group.is('Empty')) {
    return ErrorCode.UNKNOWN_MEMBER_ID;
  }
  // The member got its JoinGroup response but not yet its assignment; it retries once the group is stable.
  if (group.is('CompletingRebalance')) return ErrorCode.REBALANCE_IN_PROGRESS;
  return ErrorCode.NONE;
}

export interface ExpiredOffset {
  readonly topic: string;
  readonly partition: number;
}

/**
 * Offsets past offsets.retention.ms (KIP-211): for an Empty group counted from when it became empty, for a simple
 * group from each commit, for a Stable consumer group only offsets of topics it no longer subscribes to. An explicit
 * per-commit expiry (OffsetCommit v2-4) wins over all of that.
 */
export function expiredOffsets(
  group: ClassicGroup,
  now: bigint,
  retentionMs: bigint,
  /** Topics of a KIP-848 consumer group with members that shares this group id: they behave like a Stable group. */
  activeConsumerTopics: ReadonlySet<string> | null = null,
): ExpiredOffset[] {
  let baseOf: ((o: CommittedOffset) => bigint) | null = null;
  let onlyTopicsNotIn: ReadonlySet<string> | null = null;
  if (activeConsumerTopics !== null) {
    baseOf = (o) => o.commitTimestamp;
    onlyTopicsNotIn = activeConsumerTopics;
  } else if (group.protocolType !== null && group.is('Empty')) {
    const stateTs = group.currentStateTimestamp;
    baseOf = (o) => (stateTs === null ? o.commitTimestamp : BigInt(stateTs));
  } else if (group.protocolType === 'consumer' && group.is('Stable')) {
    const subscribed = group.subscribedTopics();
    if (subscribed !== null) {
      baseOf = (o) => o.commitTimestamp;
      onlyTopicsNotIn = subscribed;
    }
  } else if (group.protocolType === null) {
    baseOf = (o) => o.commitTimestamp;
  }
  if (baseOf === null) return [];
  const out: ExpiredOffset[] = [];
  for (const [topic, byPartition] of group.offsets) {
    if (onlyTopicsNotIn?.has(topic)) continue;
    for (const [partition, o] of byPartition) {
      const expired = o.expireTimestamp !== null ? now >= o.expireTimestamp : now - baseOf(o) >= retentionMs;
      if (expired) out.push({ topic, partition });
    }
  }
  return out;
}
