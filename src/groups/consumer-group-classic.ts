// The classic protocol inside a KIP-848 consumer group: once a classic group has been upgraded online (or a classic
// member joins a consumer group that has members), its classic members keep using JoinGroup, SyncGroup, Heartbeat
// and LeaveGroup, as Kafka 4's GroupMetadataManager serves them (classicGroup*ToConsumerGroup). The broker computes
// their assignments with the consumer group's assignor: a JoinGroup is the member's heartbeat (its subscription and
// owned partitions are read from the embedded consumer protocol), SyncGroup hands out what it may own at its epoch,
// and Heartbeat answers REBALANCE_IN_PROGRESS whenever it should rejoin to move on. A member told to rejoin must do
// so within its rebalance timeout, and one that joined must sync within it, or it is fenced.
import { ErrorCode } from '../../codecs/protocol/errors';
import type { Logger } from '../logger';
import { JoinResult, joinError, SyncResult, syncError } from './classic-member';
import type { HeartbeatParams, JoinGroupParams, LeaveGroupResult, LeavingMember, SyncGroupParams } from './classic-requests';
import { ConsumerGroup, ConsumerMember, reconcileMember, sameNames } from './consumer-group';
import type { ConsumerGroupEngine, TopicCatalog } from './consumer-group-types';
import { CONSUMER_PROTOCOL_TYPE, decodeSubscription, encodeAssignment, NamedTopicPartitions } from './consumer-protocol';
import type { TopicAssignment } from './server-assignors';

/** Partitions named by topic, as the embedded protocol carries them, to ids; unknown topics are left out. */
export function assignmentByTopicId(named: readonly NamedTopicPartitions[], topics: TopicCatalog): TopicAssignment {
  const out: TopicAssignment = new Map();
  for (const tp of named) {
    const topic = topics.topic(tp.topic);
    if (!topic) continue;
    const set = out.get(topic.topicId) ?? new Set<number>();
    for (const p of tp.partitions) set.add(p);
    out.set(topic.topicId, set);
  }
  return out;
}

/** Partitions by topic id to the names the embedded protocol uses; topics deleted meanwhile are left out. */
export function assignmentByTopicName(assignment: TopicAssignment, topics: TopicCatalog): NamedTopicPartitions[] {
  const out: NamedTopicPartitions[] = [];
  for (const [topicId, partitions] of assignment) {
    const topic = topics.topicById(topicId);
    if (topic && partitions.size > 0) out.push({ topic: topic.name, partitions: [...partitions].sort((a, b) => a - b) });
  }
  return out;
}

/** The member's assignment at the subscription version of its preferred protocol, as Kafka's prepareAssignment. */
export function classicAssignmentOf(member: ConsumerMember, topics: TopicCatalog): Buffer {
  const metadata = member.classic?.protocols[0]?.metadata;
  const version = metadata !== undefined && metadata.length >= 2 ? metadata.readInt16BE(0) : 0;
  return encodeAssignment(assignmentByTopicName(member.assigned, topics), version);
}

export class ClassicMembersOfConsumerGroups {
  constructor(
    private readonly coordinator: ConsumerGroupEngine,
    private readonly topics: TopicCatalog,
    private readonly logger: Logger,
  ) {}

  /** Whether the classic APIs for this group id are answered here (a consumer group with members). */
  serves(groupId: string): boolean {
    return this.coordinator.hasMembers(groupId);
  }

  /**
   * Kafka's classicGroupJoinToConsumerGroup; the answer comes once the group's new state is stored. Refusals echo
   * the request's member id (Kafka builds them from the request); only MEMBER_ID_REQUIRED carries the minted one.
   */
  async join(p: JoinGroupParams): Promise<JoinResult> {
    const group = this.coordinator.group(p.groupId);
    if (!group) return joinError(ErrorCode.UNKNOWN_MEMBER_ID, p.memberId);
    const isUnknown = p.memberId === '';
    const memberId = isUnknown ? this.coordinator.newMemberId() : p.memberId;
    const max = this.coordinator.config.maxGroupSize;
    if (group.members.size >= max && (isUnknown || !group.members.has(memberId))) return joinError(ErrorCode.GROUP_MAX_SIZE_REACHED, p.memberId);
    if (
      !group.supportsClassicProtocols(
        p.protocolType,
        p.protocols.map((x) => x.name),
      )
    ) {
      return joinError(ErrorCode.INCONSISTENT_GROUP_PROTOCOL, p.memberId);
    }
    if (p.requireKnownMemberId && isUnknown) return joinError(ErrorCode.MEMBER_ID_REQUIRED, memberId);
    let subscription;
    try {
      subscription = decodeSubscription(p.protocols[0].metadata).subscription;
    } catch {
      return joinError(ErrorCode.INCONSISTENT_GROUP_PROTOCOL, p.memberId);
    }
    const member = this.joiningMember(group, memberId, isUnknown, p);
    if (typeof member === 'number') return joinError(member, p.memberId);
    const topicsChanged = !sameNames(member.subscribedTopicNames, subscription.topics);
    member.subscribedTopicNames = [...subscription.topics];
    if (subscription.rackId !== null) member.rackId = subscription.rackId;
    if (p.rebalanceTimeoutMs !== -1) member.rebalanceTimeoutMs = p.rebalanceTimeoutMs;
    member.clientId = p.clientId;
    member.clientHost = p.clientHost;
    member.classic = { sessionTimeoutMs: p.sessionTimeoutMs, protocols: p.protocols };
    const owned = assignmentByTopicId(subscription.ownedPartitions, this.topics);
    if (p.groupInstanceId !== null && group.classicMemberCount() === group.members.size) {
      const downgraded = this.downgradeOnReplacement(group, member, topicsChanged, owned);
      if (downgraded !== null) return { ...downgraded, protocolName: p.protocols[0].name };
    }
    this.coordinator.advance(group, member, topicsChanged, owned);
    try {
      await this.coordinator.store(group.groupId);
    } catch (err) {
      this.logger.error({ group: group.groupId, err }, 'could not write consumer group state');
      return joinError(ErrorCode.COORDINATOR_NOT_AVAILABLE, p.memberId);
    }
    if (this.coordinator.group(group.groupId) !== group || group.members.get(member.memberId) !== member) {
      return joinError(ErrorCode.UNKNOWN_MEMBER_ID, p.memberId);
    }
    clearTimer(member, 'joinTimer');
    this.coordinator.armSession(group, member);
    this.armTimer(group, member, 'syncTimer', p.rebalanceTimeoutMs, 'the member failed to sync within timeout.');
    return {
      errorCode: ErrorCode.NONE,
      memberId: member.memberId,
      generationId: member.memberEpoch,
      protocolType: CONSUMER_PROTOCOL_TYPE,
      protocolName: p.protocols[0].name,
      leaderId: '',
      skipAssignment: false,
      members: [],
    };
  }

  /**
   * A static member that took the place of the group's last consumer-protocol member leaves only classic members:
   * the group becomes a classic group (Kafka's classicGroupJoinToConsumerGroup with a downgrade). It rebalances when
   * the member's subscription changed (the assignment is stale); otherwise the member first takes what it may own of
   * its target, and the classic group starts Stable with it. Null when the group stays a consumer group.
   */
  private downgradeOnReplacement(group: ConsumerGroup, member: ConsumerMember, topicsChanged: boolean, owned: TopicAssignment): JoinResult | null {
    if (!this.coordinator.downgradableAsIs(group)) return null;
    if (topicsChanged) group.groupEpoch += 1;
    const rebalance = group.assignmentEpoch < group.groupEpoch;
    if (!rebalance) reconcileMember(group, member, owned);
    this.coordinator.downgradeAsIs(group, rebalance);
    return {
      errorCode: ErrorCode.NONE,
      memberId: member.memberId,
      generationId: member.memberEpoch,
      protocolType: CONSUMER_PROTOCOL_TYPE,
      protocolName: null,
      leaderId: '',
      skipAssignment: false,
      members: [],
    };
  }

  /** The member a JoinGroup speaks for: existing, new, or a static member taking over its instance id. */
  private joiningMember(group: ConsumerGroup, memberId: string, isUnknown: boolean, p: JoinGroupParams): ConsumerMember | number {
    if (p.groupInstanceId === null) {
      const existing = group.members.get(memberId);
      if (existing) return existing;
      const member = new ConsumerMember(memberId, null, p.clientId, p.clientHost);
      this.coordinator.addMember(group, member);
      return member;
    }
    const holder = staticMember(group, p.groupInstanceId);
    if (!isUnknown) {
      if (!holder) return ErrorCode.UNKNOWN_MEMBER_ID;
      return holder.memberId === memberId ? holder : ErrorCode.FENCED_INSTANCE_ID;
    }
    if (!holder) {
      const member = new ConsumerMember(memberId, p.groupInstanceId, p.clientId, p.clientHost);
      this.coordinator.addMember(group, member);
      return member;
    }
    // A restarted static member takes over the partitions of the one it replaces, starting from epoch 0.
    holder.clearTimers();
    const member = group.replaceMember(holder, memberId);
    member.memberEpoch = 0;
    member.previousMemberEpoch = 0;
    this.logger.info(
      { group: group.groupId, member: memberId, replaced: holder.memberId },
      'static member rejoined the consumer group using the classic protocol',
    );
    return member;
  }

  /** Kafka's classicGroupSyncToConsumerGroup. */
  async sync(p: SyncGroupParams): Promise<SyncResult> {
    const group = this.coordinator.group(p.groupId);
    const found = group ? this.classicMember(group, p.memberId, p.groupInstanceId) : ErrorCode.UNKNOWN_MEMBER_ID;
    if (!group || typeof found === 'number') return syncError(found as number);
    const member = found;
    if (p.generationId !== member.memberEpoch) return syncError(ErrorCode.ILLEGAL_GENERATION);
    const protocolName = member.classic?.protocols[0]?.name ?? null;
    if ((p.protocolType !== null && p.protocolType !== CONSUMER_PROTOCOL_TYPE) || (p.protocolName !== null && p.protocolName !== protocolName)) {
      return syncError(ErrorCode.INCONSISTENT_GROUP_PROTOCOL);
    }
    // A member that rejoined to revoke partitions first finishes that; any other behind the group must rejoin.
    if (group.groupEpoch > member.memberEpoch && member.reconciliation !== 'unrevoked') {
      this.armTimerIfAbsent(group, member, 'joinTimer', member.rebalanceTimeoutMs, 'the classic member failed to join within the rebalance timeout.');
      return syncError(ErrorCode.REBALANCE_IN_PROGRESS);
    }
    clearTimer(member, 'syncTimer');
    this.coordinator.armSession(group, member);
    return { errorCode: ErrorCode.NONE, protocolType: p.protocolType, protocolName: p.protocolName, assignment: classicAssignmentOf(member, this.topics) };
  }

  /** Kafka's classicGroupHeartbeatToConsumerGroup. */
  heartbeat(p: HeartbeatParams): number {
    const group = this.coordinator.group(p.groupId);
    const found = group ? this.classicMember(group, p.memberId, p.groupInstanceId) : ErrorCode.UNKNOWN_MEMBER_ID;
    if (!group || typeof found === 'number') return found as number;
    const member = found;
    if (p.generationId !== member.memberEpoch) return ErrorCode.ILLEGAL_GENERATION;
    this.coordinator.armSession(group, member);
    const mustRejoin =
      member.memberEpoch < group.groupEpoch ||
      member.reconciliation === 'unrevoked' ||
      (member.reconciliation === 'unreleased' && !waitingOnUnreleasedPartition(group, member));
    if (!mustRejoin) return ErrorCode.NONE;
    this.armTimerIfAbsent(group, member, 'joinTimer', member.rebalanceTimeoutMs, 'the classic member failed to join within the rebalance timeout.');
    return ErrorCode.REBALANCE_IN_PROGRESS;
  }

  /**
   * Kafka's classicGroupLeaveToConsumerGroup: classic members only; the group epoch moves once for all of them. The
   * new state is written in the background, as the classic LeaveGroup path answers at once.
   */
  leave(groupId: string, leaving: readonly LeavingMember[]): LeaveGroupResult {
    const group = this.coordinator.group(groupId);
    let removed = false;
    const members = leaving.map((m) => {
      const found = group ? this.leavingMember(group, m) : ErrorCode.UNKNOWN_MEMBER_ID;
      if (typeof found === 'number') return { memberId: m.memberId, groupInstanceId: m.groupInstanceId, errorCode: found };
      removed = this.coordinator.removeMember(found.group, found.member, `member left the group${m.reason ? ` (${m.reason})` : ''}`) || removed;
      return { memberId: found.member.memberId, groupInstanceId: m.groupInstanceId, errorCode: ErrorCode.NONE };
    });
    if (group && removed) {
      group.groupEpoch += 1;
      this.coordinator.store(groupId).catch((err: unknown) => this.logger.error({ group: groupId, err }, 'could not write consumer group state'));
    }
    return { errorCode: ErrorCode.NONE, members };
  }

  private leavingMember(group: ConsumerGroup, m: LeavingMember): { group: ConsumerGroup; member: ConsumerMember } | number {
    const member = m.groupInstanceId === null ? group.members.get(m.memberId) : staticMember(group, m.groupInstanceId);
    if (!member) return ErrorCode.UNKNOWN_MEMBER_ID;
    // An admin may remove a static member by its instance id alone.
    if (m.groupInstanceId !== null && m.memberId !== '' && member.memberId !== m.memberId) return ErrorCode.FENCED_INSTANCE_ID;
    return member.classic ? { group, member } : ErrorCode.UNKNOWN_MEMBER_ID;
  }

  /** Kafka's validateConsumerGroupMember plus throwIfMemberDoesNotUseClassicProtocol. */
  private classicMember(group: ConsumerGroup, memberId: string, instanceId: string | null): ConsumerMember | number {
    const member = instanceId === null ? group.members.get(memberId) : staticMember(group, instanceId);
    if (!member) return ErrorCode.UNKNOWN_MEMBER_ID;
    if (instanceId !== null && member.memberId !== memberId) return ErrorCode.FENCED_INSTANCE_ID;
    return member.classic ? member : ErrorCode.UNKNOWN_MEMBER_ID;
  }

  private armTimerIfAbsent(group: ConsumerGroup, member: ConsumerMember, which: 'joinTimer' | 'syncTimer', timeoutMs: number, reason: string): void {
    if (member[which] === null) this.armTimer(group, member, which, timeoutMs, reason);
  }

  private armTimer(group: ConsumerGroup, member: ConsumerMember, which: 'joinTimer' | 'syncTimer', timeoutMs: number, reason: string): void {
    clearTimer(member, which);
    const timer = setTimeout(
      () => {
        member[which] = null;
        this.coordinator.expireMember(group, member, reason);
      },
      Math.max(timeoutMs, 0),
    );
    timer.unref();
    member[which] = timer;
  }
}

function clearTimer(member: ConsumerMember, which: 'joinTimer' | 'syncTimer'): void {
  const timer = member[which];
  if (timer) clearTimeout(timer);
  member[which] = null;
}

function staticMember(group: ConsumerGroup, instanceId: string): ConsumerMember | undefined {
  for (const m of group.members.values()) if (m.instanceId === instanceId) return m;
  return undefined;
}

/** Whether a target partition the member still lacks is held by another member (Kafka's waitingOnUnreleasedPartition). */
function waitingOnUnreleasedPartition(group: ConsumerGroup, member: ConsumerMember): boolean {
  const target = group.targetAssignment.get(member.memberId);
  for (const [topicId, partitions] of target ?? []) {
    for (const p of partitions) {
      if (!member.assigned.get(topicId)?.has(p) && group.isHeldByOther(member.memberId, topicId, p)) return true;
    }
  }
  return false;
}
