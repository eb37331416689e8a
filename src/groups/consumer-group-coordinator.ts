// KIP-848 consumer groups (ConsumerGroupHeartbeat / ConsumerGroupDescribe): the broker owns membership and
// assignment. Members that still speak the classic protocol (a classic group upgraded online, see group-migration.ts)
// live here too and are served by consumer-group-classic.ts. Each heartbeat may bump the group epoch (member joined
// or left, subscription or topic metadata changed), recompute the target assignment (consumer-group-target.ts), and
// move the member one step towards its target (consumer-group.ts). Session timeouts expel silent members; members
// that do not revoke partitions within their rebalance timeout are fenced. What a heartbeat must look like is checked
// first (consumer-heartbeat-rules.ts); who may commit offsets is consumer-group-offset-rules.ts.
// State is written to __consumer_offsets (consumer-group-records.ts) before a heartbeat is answered, and reloaded
// at start. Regular-expression subscriptions are resolved as consumer-group-regex.ts describes; a static member's
// temporary leave (epoch -2) keeps its partitions for its instance id until its session ends. Kafka's built-in
// assignors ignore racks, and so do Eddy's: a member's rackId is kept and described, nothing more.
import { ErrorCode } from '../../codecs/protocol/errors';
import type { Logger } from '../logger';
import { assignmentSignature, ConsumerGroup, ConsumerGroupState, ConsumerMember, reconcileMember, sameNames, syncAssignmentEpochs } from './consumer-group';
import { emptyAssignment, SERVER_ASSIGNORS, TopicAssignment } from './server-assignors';
import { KeyedRecord, RecordLedger } from './consumer-group-records';
import { regexRefreshDue, regexUpdate, resolveRegexes } from './consumer-group-regex';
import { topicRegexProblem } from './topic-regex';
import { ClassicMembersOfConsumerGroups } from './consumer-group-classic';
import { ConsumerCommitRequest, consumerOffsetCommitError, consumerOffsetFetchError } from './consumer-group-offset-rules';
import { computeTargetAssignment, metadataSignature } from './consumer-group-target';
import { epochProblem, failure, fromList, LEAVE_EPOCH, newMemberId, requestProblem, STATIC_LEAVE_EPOCH, toList } from './consumer-heartbeat-rules';
import type {
  ClassicGroupsBridge,
  ConsumerGroupEngine,
  ConsumerGroupPersister,
  ConsumerGroupsConfig,
  ConsumerHeartbeatParams,
  ConsumerHeartbeatResult,
  DescribedConsumerGroup,
  TopicCatalog,
} from './consumer-group-types';

export type {
  ClassicGroupsBridge,
  ConsumerGroupPersister,
  TopicCatalog,
  ConsumerGroupsConfig,
  ConsumerHeartbeatParams,
  TopicPartitionsById,
  ConsumerHeartbeatResult,
  DescribedConsumerMember,
  DescribedConsumerGroup,
} from './consumer-group-types';

/**
 * A new consumer group starts at epoch 1, as Kafka 4.3's do: a first member subscribing to topic names bumps it to
 * 2, one subscribing only to a regular expression stays at 1 until the expression is resolved.
 */
const NEW_GROUP_EPOCH = 1;

export class ConsumerGroupCoordinator implements ConsumerGroupEngine {
  private readonly groups = new Map<string, ConsumerGroup>();
  private readonly ledger = new RecordLedger();
  /** Records to write before a group's own changes (the tombstone of the classic group it was upgraded from). */
  private readonly carried = new Map<string, KeyedRecord[]>();
  /** JoinGroup, SyncGroup, Heartbeat and LeaveGroup of the members that use the classic protocol. */
  readonly classic: ClassicMembersOfConsumerGroups;

  constructor(
    private readonly topics: TopicCatalog,
    readonly config: ConsumerGroupsConfig,
    private readonly logger: Logger,
    private readonly classicGroups: ClassicGroupsBridge,
    private readonly persist: ConsumerGroupPersister = async () => undefined,
  ) {
    this.classic = new ClassicMembersOfConsumerGroups(this, topics, logger);
  }

  /** Installs groups reloaded from __consumer_offsets; their members must heartbeat within a session. */
  restore(groups: readonly ConsumerGroup[]): void {
    for (const group of groups) {
      this.groups.set(group.groupId, group);
      // Resolved now, so the first heartbeats see the same topics the stored target assignment was built from.
      resolveRegexes(group, this.topicNames(), Date.now());
      this.ledger.changes(group);
      for (const m of group.members.values()) this.armSession(group, m);
    }
  }

  private persistInBackground(group: ConsumerGroup): void {
    this.store(group.groupId).catch((err: unknown) => this.logger.error({ group: group.groupId, err }, 'could not write consumer group state'));
  }

  /** Writes what changed in the group since its last write (nothing when it is gone). */
  async store(groupId: string): Promise<void> {
    const group = this.groups.get(groupId);
    const records = [...(this.carried.get(groupId) ?? []), ...(group ? this.ledger.changes(group) : [])];
    this.carried.delete(groupId);
    if (records.length > 0) await this.persist(groupId, records);
  }

  group(groupId: string): ConsumerGroup | undefined {
    return this.groups.get(groupId);
  }

  hasMembers(groupId: string): boolean {
    return (this.groups.get(groupId)?.members.size ?? 0) > 0;
  }

  /** Forgets an empty consumer group (before a classic group takes the id, or on DeleteGroups); its tombstones. */
  dropIfEmpty(groupId: string): KeyedRecord[] | null {
    const group = this.groups.get(groupId);
    if (!group || group.members.size > 0) return null;
    this.groups.delete(groupId);
    return this.ledger.tombstones(groupId);
  }

  listings(): Array<{ groupId: string; state: ConsumerGroupState }> {
    return [...this.groups.values()].map((g) => ({ groupId: g.groupId, state: g.state() }));
  }

  /** Topics the members subscribe to, or null when the group has no members. */
  subscribedTopics(groupId: string): Set<string> | null {
    const group = this.groups.get(groupId);
    return group && group.members.size > 0 ? group.subscribedTopicNames() : null;
  }

  /**
   * OffsetCommit and TxnOffsetCommit to a consumer group (consumer-group-offset-rules.ts): the error for the whole
   * commit, or null when the group is not a consumer group. Topics are named; the rules go by topic id.
   */
  offsetCommitError(
    groupId: string,
    request: Omit<ConsumerCommitRequest, 'partitions'> & { readonly partitions: ReadonlyArray<{ readonly topic: string; readonly partition: number }> },
  ): number | null {
    const group = this.groups.get(groupId);
    if (!group) return null;
    const partitions = request.partitions.map((p) => ({ topicId: this.topics.topic(p.topic)?.topicId ?? null, partition: p.partition }));
    return consumerOffsetCommitError(group, { ...request, partitions });
  }

  /** OffsetFetch v9+ to a consumer group: NONE when it is not one. */
  offsetFetchError(groupId: string, memberId: string | null, memberEpoch: number): number {
    const group = this.groups.get(groupId);
    return group ? consumerOffsetFetchError(group, memberId, memberEpoch) : ErrorCode.NONE;
  }

  shutdown(): void {
    for (const g of this.groups.values()) for (const m of g.members.values()) m.clearTimers();
  }

  /** Processes a heartbeat and answers once the resulting state is stored. */
  async heartbeat(p: ConsumerHeartbeatParams): Promise<ConsumerHeartbeatResult> {
    const result = this.processHeartbeat(p);
    try {
      await this.store(p.groupId);
    } catch (err) {
      this.logger.error({ group: p.groupId, err }, 'could not write consumer group state');
      return failure(ErrorCode.COORDINATOR_NOT_AVAILABLE, 'The coordinator is not available.');
    }
    return result;
  }

  private processHeartbeat(p: ConsumerHeartbeatParams): ConsumerHeartbeatResult {
    const invalid = requestProblem(p);
    if (invalid !== null) return failure(ErrorCode.INVALID_REQUEST, invalid);
    if (p.memberEpoch === STATIC_LEAVE_EPOCH) return this.temporaryLeave(p);
    if (p.memberEpoch === LEAVE_EPOCH) return this.leave(p);
    if (p.serverAssignor !== null && !SERVER_ASSIGNORS.has(p.serverAssignor)) {
      return failure(
        ErrorCode.UNSUPPORTED_ASSIGNOR,
        `ServerAssignor ${p.serverAssignor} is not supported. Supported assignors: ${[...SERVER_ASSIGNORS.keys()].join(', ')}.`,
      );
    }
    let group = this.groups.get(p.groupId);
    // A pattern no member uses yet is compiled before it is accepted; "" clears a regex subscription.
    const regex = p.subscribedTopicRegex;
    if (regex !== null && regex !== '' && (group?.regexSubscribers(regex) ?? 0) === 0) {
      const problem = topicRegexProblem(regex);
      if (problem !== null) {
        return failure(ErrorCode.INVALID_REGULAR_EXPRESSION, `SubscribedTopicRegex \`${regex}\` is not a valid regular expression: ${problem}.`);
      }
    }
    if (!group) {
      // Without persisted consumer-group state a restarted broker does not know the group: have members rejoin.
      // Kafka looks the group up without creating it unless the member joins: GROUP_ID_NOT_FOUND.
      if (p.memberEpoch !== 0) {
        const message = this.classicGroups.inUse(p.groupId) ? `Group ${p.groupId} is not a consumer group.` : `Consumer group ${p.groupId} not found.`;
        return failure(ErrorCode.GROUP_ID_NOT_FOUND, message);
      }
      const created = this.consumerGroupFor(p.groupId);
      if (typeof created === 'string') return failure(ErrorCode.GROUP_ID_NOT_FOUND, created);
      group = created;
    }
    let bump = false;
    let member: ConsumerMember | undefined;
    if (p.memberEpoch === 0) {
      const joined = this.joiningMember(group, p);
      if ('errorCode' in joined) return joined;
      member = joined.member;
      bump = joined.rejoined;
    } else {
      member = group.members.get(p.memberId);
      if (!member) return failure(ErrorCode.UNKNOWN_MEMBER_ID, `Member ${p.memberId} is not a member of group ${p.groupId}.`);
      const fenced = epochProblem(member, p);
      if (fenced !== null) return failure(ErrorCode.FENCED_MEMBER_EPOCH, fenced);
    }
    member.clientId = p.clientId;
    member.clientHost = p.clientHost;
    if (p.rackId !== null) member.rackId = p.rackId;
    if (p.rebalanceTimeoutMs > 0) member.rebalanceTimeoutMs = p.rebalanceTimeoutMs;
    if (p.subscribedTopicNames !== null && !sameNames(member.subscribedTopicNames, p.subscribedTopicNames)) {
      member.subscribedTopicNames = [...p.subscribedTopicNames];
      bump = true;
    }
    if (regex !== null) {
      const update = regexUpdate(group, member, regex);
      member.subscribedTopicRegex = regex;
      if (update === 'updated-and-resolved') bump = true;
    }
    if (p.serverAssignor !== null && p.serverAssignor !== member.serverAssignor) {
      member.serverAssignor = p.serverAssignor;
      bump = true;
    }
    this.advance(group, member, bump, p.topicPartitions === null ? null : fromList(p.topicPartitions));
    this.armTimers(group, member);
    this.maybeRefreshRegexes(group);

    const signatureNow = assignmentSignature(member.assigned);
    // Kafka's full request carries the rebalance timeout, a subscription and the owned partitions; owned partitions
    // alone (a member confirming a revocation) get the assignment only when it changed.
    const full =
      p.memberEpoch === 0 ||
      (p.rebalanceTimeoutMs !== -1 && (p.subscribedTopicNames !== null || p.subscribedTopicRegex !== null) && p.topicPartitions !== null);
    const send = full || signatureNow !== member.lastSentAssignment;
    if (send) member.lastSentAssignment = signatureNow;
    return {
      errorCode: ErrorCode.NONE,
      errorMessage: null,
      memberId: member.memberId,
      memberEpoch: member.memberEpoch,
      heartbeatIntervalMs: this.config.heartbeatIntervalMs,
      assignment: send ? toList(member.assigned) : null,
    };
  }

  /** A new consumer group, or the classic group with that id upgraded online; a refusal message when neither. */
  private consumerGroupFor(groupId: string): ConsumerGroup | string {
    if (this.classicGroups.inUse(groupId)) {
      const upgraded = this.classicGroups.upgrade?.(groupId) ?? { refused: `Group ${groupId} is not a consumer group.` };
      if ('refused' in upgraded) return upgraded.refused;
      // The classic group's assignment was made for the topics as they are: no metadata change to rebalance for.
      upgraded.group.metadataSignature = metadataSignature(upgraded.group, this.topics);
      this.groups.set(groupId, upgraded.group);
      this.carried.set(groupId, upgraded.records);
      for (const m of upgraded.group.members.values()) this.armSession(upgraded.group, m);
      this.logger.info(
        { group: groupId, groupEpoch: upgraded.group.groupEpoch, members: upgraded.group.members.size },
        'upgraded classic group to a consumer group',
      );
      return upgraded.group;
    }
    const group = new ConsumerGroup(groupId);
    group.groupEpoch = NEW_GROUP_EPOCH;
    this.groups.set(groupId, group);
    return group;
  }

  /**
   * The member an epoch-0 heartbeat joins as: a new one, the same one starting over (its partitions are gone, which
   * rebalances), or the one a static member that left temporarily handed its instance id and partitions to.
   */
  private joiningMember(group: ConsumerGroup, p: ConsumerHeartbeatParams): { member: ConsumerMember; rejoined: boolean } | ConsumerHeartbeatResult {
    const memberId = p.memberId === '' ? newMemberId() : p.memberId;
    // The member holding the instance id, even under the same member id: a static member rejoining at epoch 0 while it
    // still holds its instance id is refused like any other (Kafka's throwIfInstanceIdIsUnreleased).
    const holder = p.instanceId === null ? undefined : [...group.members.values()].find((m) => m.instanceId === p.instanceId);
    // Kafka replaces a static member that left temporarily, and one using the classic protocol whatever its state
    // (an application restarted with group.protocol=consumer takes its instance's place, partitions and all).
    if (holder !== undefined && (holder.memberEpoch === STATIC_LEAVE_EPOCH || holder.classic !== null)) {
      return { member: this.replaceStaticMember(group, holder, memberId), rejoined: false };
    }
    if (holder) {
      return failure(
        ErrorCode.UNRELEASED_INSTANCE_ID,
        `Static member ${memberId} with instance id ${p.instanceId} cannot join the group because the instance id is owned by ${holder.memberId} member.`,
      );
    }
    const member = group.members.get(memberId);
    if (member) {
      member.assigned = new Map();
      member.pendingRevocation = new Map();
      member.reconciliation = 'stable';
      member.previousMemberEpoch = -1;
      member.memberEpoch = 0;
      return { member, rejoined: true };
    }
    if (group.members.size >= this.config.maxGroupSize) {
      return failure(ErrorCode.GROUP_MAX_SIZE_REACHED, `The consumer group has reached its maximum capacity of ${this.config.maxGroupSize} members.`);
    }
    const joined = new ConsumerMember(memberId, p.instanceId, p.clientId, p.clientHost);
    group.members.set(memberId, joined);
    this.logger.info({ group: group.groupId, member: memberId }, 'member joined consumer group');
    return { member: joined, rejoined: false };
  }

  /**
   * Bumps the group epoch when the member's update (or the topics' metadata) asks for it, recomputes the target
   * assignment when the epoch moved past it, and moves the member one step towards its target.
   */
  advance(group: ConsumerGroup, member: ConsumerMember, bump: boolean, owned: TopicAssignment | null): void {
    const signature = metadataSignature(group, this.topics);
    if (bump || signature !== group.metadataSignature) group.groupEpoch += 1;
    if (group.groupEpoch > group.assignmentEpoch) this.computeTargetAssignment(group, signature);
    reconcileMember(group, member, owned);
  }

  /** Adds a member that joined with JoinGroup (consumer-group-classic.ts checks the group's size first). */
  addMember(group: ConsumerGroup, member: ConsumerMember): void {
    group.members.set(member.memberId, member);
    this.logger.info({ group: group.groupId, member: member.memberId }, 'member joined consumer group using the classic protocol');
  }

  /** A member id as Kafka mints them. */
  newMemberId(): string {
    return newMemberId();
  }

  describe(groupId: string): DescribedConsumerGroup | undefined {
    const group = this.groups.get(groupId);
    if (!group) return undefined;
    return {
      groupId,
      state: group.state(),
      groupEpoch: group.groupEpoch,
      assignmentEpoch: group.assignmentEpoch,
      assignorName: group.preferredAssignor(),
      members: [...group.members.values()].map((m) => ({
        memberId: m.memberId,
        instanceId: m.instanceId,
        rackId: m.rackId,
        memberEpoch: m.memberEpoch,
        clientId: m.clientId,
        clientHost: m.clientHost,
        subscribedTopicNames: m.subscribedTopicNames,
        subscribedTopicRegex: m.subscribedTopicRegex,
        usesClassicProtocol: m.classic !== null,
        assignment: toList(m.assigned),
        targetAssignment: toList(group.targetAssignment.get(m.memberId) ?? emptyAssignment()),
      })),
    };
  }

  /** The topic name for an id, for describing assignments. */
  topicName(topicId: string): string {
    return this.topics.topicById(topicId)?.name ?? '';
  }

  /**
   * Epoch -2: the static member steps away but keeps its partitions (and its place in the target assignment) for
   * its instance id until its session times out; a member joining with that instance id takes them over.
   */
  private temporaryLeave(p: ConsumerHeartbeatParams): ConsumerHeartbeatResult {
    const group = this.groups.get(p.groupId);
    const member = group === undefined ? undefined : [...group.members.values()].find((m) => m.instanceId === p.instanceId);
    if (!group || !member) {
      return failure(ErrorCode.UNKNOWN_MEMBER_ID, `Instance id ${p.instanceId} is unknown in group ${p.groupId}.`, p.memberEpoch);
    }
    if (member.memberId !== p.memberId) {
      return failure(
        ErrorCode.FENCED_INSTANCE_ID,
        `Static member ${p.memberId} with instance id ${p.instanceId} is fenced by existing member ${member.memberId}.`,
        p.memberEpoch,
      );
    }
    member.memberEpoch = STATIC_LEAVE_EPOCH;
    // Kafka's consumerGroupStaticMemberGroupLeave: nothing left to revoke, and what it keeps counts as held from
    // epoch 0, so the member that takes the instance id over may commit it and commits under the old id are fenced.
    member.pendingRevocation = new Map();
    for (const byPartition of member.assignmentEpochs.values()) for (const p of byPartition.keys()) byPartition.set(p, 0);
    syncAssignmentEpochs(member, 0);
    if (member.revocationTimer) clearTimeout(member.revocationTimer);
    member.revocationTimer = null;
    this.logger.info({ group: group.groupId, member: member.memberId, instance: p.instanceId }, 'static member left the consumer group temporarily');
    return { errorCode: ErrorCode.NONE, errorMessage: null, memberId: p.memberId, memberEpoch: STATIC_LEAVE_EPOCH, heartbeatIntervalMs: 0, assignment: null };
  }

  /** A static member rejoining under a new member id inherits what the one that left temporarily had. */
  private replaceStaticMember(group: ConsumerGroup, old: ConsumerMember, memberId: string): ConsumerMember {
    old.clearTimers();
    const member = group.replaceMember(old, memberId);
    member.memberEpoch = 0;
    member.classic = null;
    this.logger.info({ group: group.groupId, member: memberId, replaced: old.memberId, instance: old.instanceId }, 'static member rejoined the consumer group');
    return member;
  }

  private topicNames(): string[] {
    return (this.topics.topics?.() ?? []).map((t) => t.name);
  }

  /** Resolves the group's regexes after the current heartbeat is answered, when they are due (Kafka's batching). */
  private maybeRefreshRegexes(group: ConsumerGroup): void {
    if (!regexRefreshDue(group, Date.now())) return;
    group.regexRefreshPending = true;
    setImmediate(() => {
      group.regexRefreshPending = false;
      if (this.groups.get(group.groupId) !== group) return;
      const changed = resolveRegexes(group, this.topicNames(), Date.now());
      const signature = metadataSignature(group, this.topics);
      if (!changed && signature === group.metadataSignature) return;
      group.groupEpoch += 1;
      this.computeTargetAssignment(group, signature);
      this.persistInBackground(group);
    });
  }

  private leave(p: ConsumerHeartbeatParams): ConsumerHeartbeatResult {
    const group = this.groups.get(p.groupId);
    const member = group?.members.get(p.memberId);
    if (!group || !member) return failure(ErrorCode.UNKNOWN_MEMBER_ID, `Member ${p.memberId} is not a member of group ${p.groupId}.`, p.memberEpoch);
    this.fenceMember(group, member, 'member left the group');
    return { errorCode: ErrorCode.NONE, errorMessage: null, memberId: p.memberId, memberEpoch: p.memberEpoch, heartbeatIntervalMs: 0, assignment: null };
  }

  /** Takes the member out; the caller bumps the group epoch (once, however many members leave together). */
  removeMember(group: ConsumerGroup, member: ConsumerMember, reason: string): boolean {
    member.clearTimers();
    if (group.members.get(member.memberId) !== member) return false;
    group.members.delete(member.memberId);
    group.targetAssignment.delete(member.memberId);
    this.logger.info({ group: group.groupId, member: member.memberId, groupEpoch: group.groupEpoch + 1, reason }, 'member removed from consumer group');
    return true;
  }

  /**
   * Kafka's consumerGroupFenceMember: the member leaves (or is expelled) and the epoch is bumped; when only members
   * using the classic protocol would remain, the group becomes a classic group again instead (online downgrade).
   */
  private fenceMember(group: ConsumerGroup, member: ConsumerMember, reason: string): void {
    if (group.members.get(member.memberId) !== member) return;
    if (this.classicGroups.downgradable?.(group, member)) {
      for (const m of group.members.values()) m.clearTimers();
      this.groups.delete(group.groupId);
      this.carried.delete(group.groupId);
      this.logger.info({ group: group.groupId, member: member.memberId, reason }, 'downgrading consumer group to a classic group');
      this.classicGroups.downgrade?.(group, member, this.ledger.tombstones(group.groupId));
      return;
    }
    if (this.removeMember(group, member, reason)) group.groupEpoch += 1;
  }

  /**
   * Kafka's validateOnlineDowngradeWithReplacedMember and convertToClassicGroup: a static member that rejoined with
   * JoinGroup in place of the group's last consumer-protocol member turns the group into a classic group, which
   * rebalances only if its assignment is stale (downgradableAsIs says whether it does).
   */
  downgradableAsIs(group: ConsumerGroup): boolean {
    return this.classicGroups.downgradable?.(group, null) ?? false;
  }

  downgradeAsIs(group: ConsumerGroup, rebalance: boolean): void {
    for (const m of group.members.values()) m.clearTimers();
    this.groups.delete(group.groupId);
    this.carried.delete(group.groupId);
    this.logger.info({ group: group.groupId, rebalance }, 'downgrading consumer group to a classic group: its last consumer-protocol member was replaced');
    this.classicGroups.downgrade?.(group, null, this.ledger.tombstones(group.groupId), rebalance);
  }

  /** Removal by a timer: nobody waits for an answer, but the new state must still be stored. */
  expireMember(group: ConsumerGroup, member: ConsumerMember, reason: string): void {
    if (this.groups.get(group.groupId) !== group) return;
    this.fenceMember(group, member, reason);
    this.persistInBackground(group);
  }

  private armTimers(group: ConsumerGroup, member: ConsumerMember): void {
    this.armSession(group, member);
    if (member.reconciliation === 'unrevoked') {
      if (member.revocationTimer === null) {
        const timeout = member.rebalanceTimeoutMs > 0 ? member.rebalanceTimeoutMs : this.config.sessionTimeoutMs;
        member.revocationTimer = setTimeout(() => this.expireMember(group, member, 'partitions not revoked within the rebalance timeout'), timeout);
        member.revocationTimer.unref();
      }
    } else if (member.revocationTimer) {
      clearTimeout(member.revocationTimer);
      member.revocationTimer = null;
    }
  }

  /** (Re)starts the member's session: the group's session timeout, or the one a classic member asked for. */
  armSession(group: ConsumerGroup, member: ConsumerMember): void {
    if (member.sessionTimer) clearTimeout(member.sessionTimer);
    const timeout = member.classic?.sessionTimeoutMs ?? this.config.sessionTimeoutMs;
    member.sessionTimer = setTimeout(() => this.expireMember(group, member, 'session timeout expired'), timeout);
    member.sessionTimer.unref();
  }

  private computeTargetAssignment(group: ConsumerGroup, signature: string): void {
    computeTargetAssignment(group, this.topics, signature, this.logger);
  }
}
