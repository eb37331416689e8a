// The group coordinator: Kafka's classic group protocol (JoinGroup / SyncGroup / Heartbeat / LeaveGroup) with its
// state machine, generations, static membership, session and rebalance timeouts, plus committed offsets.
// JoinGroup and SyncGroup answers are promises the state machine resolves when the rebalance reaches that point,
// as Kafka's delayed operations do. Everything that must survive a restart goes to __consumer_offsets first.
// KIP-848 consumer groups live in consumer-group-coordinator.ts; they share the group id space and the offsets.
import { randomUUID } from 'crypto';
import { ErrorCode } from '../../codecs/protocol/errors';
import type { Logger } from '../logger';
import { ClassicGroup } from './classic-group';
import {
  ClassicMember,
  EMPTY_BUFFER,
  JoinResult,
  MemberProtocol,
  SyncResult,
  joinError,
  syncError,
} from './classic-member';
import { groupMetadataKey, groupMetadataValue, CoordinatorRecord } from './coordinator-records';
import { groupMetadataSnapshot, GroupStateRebuilder } from './group-persistence';
import { CONSUMER_PROTOCOL_TYPE } from './consumer-protocol';
import { CONSUMER_GROUP_TYPE, deadGroupDescription, describeGroup, GroupDescription, GroupListing, listGroup, matchesListFilters } from './group-views';
import type { GroupCoordinatorConfig } from './group-config';
import { GroupOffsets, OffsetCommitParams, OffsetDeleteResult, OffsetFetchResult, TopicPartitions, TxnOffsetCommitParams } from './group-offsets';
import { CoordinatorStorage, OFFSETS_TOPIC, OffsetsTopic } from './offsets-topic';
import { ConsumerGroupCoordinator, TopicCatalog } from './consumer-group-coordinator';

export type { GroupCoordinatorConfig } from './group-config';
export { groupCoordinatorConfig } from './group-config';
export type { OffsetCommitParams, OffsetCommitInput, OffsetDeleteResult, OffsetFetchResult, FetchedOffset, TopicPartitions, TxnOffsetCommitParams } from './group-offsets';

export interface JoinGroupParams {
  readonly groupId: string;
  readonly memberId: string;
  readonly groupInstanceId: string | null;
  /** JoinGroup v4+ without an instance id: a new member first gets MEMBER_ID_REQUIRED and its id. */
  readonly requireKnownMemberId: boolean;
  /** JoinGroup v9+: a restarted static leader may be told to skip computing a new assignment (KIP-814). */
  readonly supportSkippingAssignment: boolean;
  readonly clientId: string;
  readonly clientHost: string;
  readonly rebalanceTimeoutMs: number;
  readonly sessionTimeoutMs: number;
  readonly protocolType: string;
  readonly protocols: readonly MemberProtocol[];
  readonly reason: string | null;
}

export interface SyncGroupParams {
  readonly groupId: string;
  readonly generationId: number;
  readonly memberId: string;
  readonly groupInstanceId: string | null;
  readonly protocolType: string | null;
  readonly protocolName: string | null;
  readonly assignments: ReadonlyArray<{ readonly memberId: string; readonly assignment: Buffer }>;
}

export interface HeartbeatParams {
  readonly groupId: string;
  readonly generationId: number;
  readonly memberId: string;
  readonly groupInstanceId: string | null;
}

export interface LeavingMember {
  readonly memberId: string;
  readonly groupInstanceId: string | null;
  readonly reason: string | null;
}

export interface LeaveGroupResult {
  readonly errorCode: number;
  readonly members: ReadonlyArray<{ readonly memberId: string; readonly groupInstanceId: string | null; readonly errorCode: number }>;
}

export interface GroupCoordinatorOptions {
  readonly storage: CoordinatorStorage;
  readonly config: GroupCoordinatorConfig;
  readonly logger: Logger;
  /** ms since the epoch; injectable for tests */
  readonly now?: () => number;
  /** Topic names, ids and partition counts, for KIP-848 server-side assignment (storage's LogManager). */
  readonly topics?: TopicCatalog;
}

const NO_TOPICS: TopicCatalog = { topic: () => undefined, topicById: () => undefined };

/** Kafka's validity rule: offset and describe/delete APIs accept the empty group id, membership APIs do not. */
function isValidMembershipGroupId(groupId: string): boolean {
  return groupId.length > 0;
}

export class GroupCoordinator {
  private readonly groups = new Map<string, ClassicGroup>();
  private readonly offsetsTopic: OffsetsTopic;
  private readonly config: GroupCoordinatorConfig;
  private readonly logger: Logger;
  private readonly now: () => number;
  private expiryTimer: NodeJS.Timeout | null = null;
  private readonly offsets: GroupOffsets;
  /** KIP-848 consumer groups (ConsumerGroupHeartbeat); they share the group id space and offsets with classic groups. */
  readonly consumerGroups: ConsumerGroupCoordinator;
  private stopped = false;

  constructor(options: GroupCoordinatorOptions) {
    this.config = options.config;
    this.logger = options.logger;
    this.now = options.now ?? Date.now;
    this.offsetsTopic = new OffsetsTopic(options.storage, options.config.offsetsTopicPartitions, options.logger, options.config.offsetsTopicConfigs);
    this.consumerGroups = new ConsumerGroupCoordinator(
      options.topics ?? NO_TOPICS,
      options.config.consumer,
      options.logger,
      (groupId) => this.classicGroupInUse(groupId),
      (groupId, records) => this.offsetsTopic.append(groupId, records),
    );
    this.offsets = new GroupOffsets({
      consumerGroups: this.consumerGroups,
      groups: this.groups,
      offsetsTopic: this.offsetsTopic,
      config: this.config,
      logger: this.logger,
      now: () => this.now(),
      isStopped: () => this.stopped,
      touchMember: (group, member) => this.scheduleHeartbeatExpiry(group, member, member.sessionTimeoutMs),
    });
  }

  /** Builds the coordinator, reloads its state from __consumer_offsets and starts the offset-expiry timer. */
  static async start(options: GroupCoordinatorOptions): Promise<GroupCoordinator> {
    const coordinator = new GroupCoordinator(options);
    await coordinator.load();
    coordinator.scheduleOffsetExpiry();
    return coordinator;
  }

  /**
   * What `start` builds when __consumer_offsets does not exist: there is no state to reload, so this needs no
   * await, and the broker can build the coordinator on the first request that needs it.
   */
  static startWithoutState(options: GroupCoordinatorOptions): GroupCoordinator {
    if (options.storage.topic(OFFSETS_TOPIC) !== undefined) {
      throw new Error(`${OFFSETS_TOPIC} exists: its state must be reloaded with GroupCoordinator.start`);
    }
    const coordinator = new GroupCoordinator(options);
    coordinator.scheduleOffsetExpiry();
    return coordinator;
  }

  /** The partition of __consumer_offsets that holds the group (FindCoordinator answers with its leader: us). */
  partitionFor(groupId: string): number {
    return this.offsetsTopic.partitionFor(groupId);
  }

  /** Creates __consumer_offsets if it does not exist yet (FindCoordinator calls this, as Kafka does). */
  ensureOffsetsTopic(): Promise<void> {
    return this.offsetsTopic.ensureCreated();
  }

  group(groupId: string): ClassicGroup | undefined {
    return this.groups.get(groupId);
  }

  /** Whether the id belongs to a KIP-848 consumer group (classic APIs then treat it as not theirs). */
  isConsumerGroup(groupId: string): boolean {
    return this.consumerGroups.group(groupId) !== undefined;
  }

  private classicGroupInUse(groupId: string): boolean {
    const g = this.groups.get(groupId);
    return g !== undefined && (!g.is('Empty') || g.size > 0 || g.pendingMembers.size > 0);
  }

  /** Stops timers and answers every waiting JoinGroup/SyncGroup with NOT_COORDINATOR, as Kafka does on unload. */
  shutdown(): void {
    this.stopped = true;
    this.consumerGroups.shutdown();
    if (this.expiryTimer) clearTimeout(this.expiryTimer);
    this.expiryTimer = null;
    for (const group of this.groups.values()) {
      group.clearTimers();
      for (const m of group.members.values()) {
        m.completeJoin(joinError(ErrorCode.NOT_COORDINATOR, m.memberId));
        m.completeSync(syncError(ErrorCode.NOT_COORDINATOR));
      }
    }
  }

  // ---------------------------------------------------------------------------------------------------------------
  // JoinGroup

  joinGroup(p: JoinGroupParams): Promise<JoinResult> {
    return new Promise((resolve) => this.doJoinGroup(p, resolve));
  }

  private doJoinGroup(p: JoinGroupParams, respond: (r: JoinResult) => void): void {
    if (this.stopped) return respond(joinError(ErrorCode.NOT_COORDINATOR, p.memberId));
    if (!isValidMembershipGroupId(p.groupId)) return respond(joinError(ErrorCode.INVALID_GROUP_ID, p.memberId));
    if (p.sessionTimeoutMs < this.config.minSessionTimeoutMs || p.sessionTimeoutMs > this.config.maxSessionTimeoutMs) {
      return respond(joinError(ErrorCode.INVALID_SESSION_TIMEOUT, p.memberId));
    }
    if (this.consumerGroups.hasMembers(p.groupId)) return respond(joinError(ErrorCode.INCONSISTENT_GROUP_PROTOCOL, p.memberId));
    const consumerTombstones = this.consumerGroups.dropIfEmpty(p.groupId);
    if (consumerTombstones !== null && consumerTombstones.length > 0) {
      this.offsetsTopic.append(p.groupId, consumerTombstones).catch((err: unknown) =>
        this.logger.error({ group: p.groupId, err }, 'could not write consumer group tombstones'),
      );
    }
    const isUnknownMember = p.memberId === '';
    let group = this.groups.get(p.groupId);
    if (!group) {
      // Only a member without an id may create a group; a known id for a missing group is stale.
      if (!isUnknownMember) return respond(joinError(ErrorCode.UNKNOWN_MEMBER_ID, p.memberId));
      group = new ClassicGroup(p.groupId, this.now());
      this.groups.set(p.groupId, group);
    }
    if (!this.acceptJoiningMember(group, p.memberId)) {
      const member = group.members.get(p.memberId);
      if (member) this.removeMemberAndUpdateGroup(group, member, 'the group is at group.max.size');
      respond(joinError(ErrorCode.GROUP_MAX_SIZE_REACHED, ''));
    } else if (isUnknownMember) {
      this.joinNewMember(group, p, respond);
    } else {
      this.joinExistingMember(group, p, respond);
    }
    if (group.is('PreparingRebalance')) this.tryCompleteJoin(group);
  }

  private acceptJoiningMember(group: ClassicGroup, memberId: string): boolean {
    const max = this.config.maxGroupSize;
    switch (group.state) {
      case 'Empty':
      case 'Dead':
        return true;
      case 'PreparingRebalance':
        return (group.members.get(memberId)?.isAwaitingJoin ?? false) || group.numAwaitingJoin() < max;
      case 'CompletingRebalance':
      case 'Stable':
        return group.has(memberId) || group.size < max;
    }
  }

  private rebalanceTimeoutOf(p: JoinGroupParams): number {
    return p.rebalanceTimeoutMs < 0 ? p.sessionTimeoutMs : p.rebalanceTimeoutMs;
  }

  private joinNewMember(group: ClassicGroup, p: JoinGroupParams, respond: (r: JoinResult) => void): void {
    if (group.is('Dead')) return respond(joinError(ErrorCode.COORDINATOR_NOT_AVAILABLE, p.memberId));
    if (!group.supportsProtocols(p.protocolType, p.protocols)) {
      return respond(joinError(ErrorCode.INCONSISTENT_GROUP_PROTOCOL, p.memberId));
    }
    const newMemberId = `${p.groupInstanceId ?? p.clientId}-${randomUUID()}`;
    if (p.groupInstanceId !== null) {
      const existing = group.currentStaticMemberId(p.groupInstanceId);
      if (existing !== undefined) return this.replaceStaticMember(group, existing, newMemberId, p, respond);
      return this.addMemberAndRebalance(group, newMemberId, p, respond);
    }
    if (p.requireKnownMemberId) {
      // KIP-394: hand out the id first, so a client that times out on a long JoinGroup rejoins as the same member.
      const timer = setTimeout(() => this.onPendingMemberExpired(group, newMemberId), p.sessionTimeoutMs);
      timer.unref();
      group.addPendingMember(newMemberId, timer);
      return respond(joinError(ErrorCode.MEMBER_ID_REQUIRED, newMemberId));
    }
    this.addMemberAndRebalance(group, newMemberId, p, respond);
  }

  private joinExistingMember(group: ClassicGroup, p: JoinGroupParams, respond: (r: JoinResult) => void): void {
    if (group.is('Dead')) return respond(joinError(ErrorCode.COORDINATOR_NOT_AVAILABLE, p.memberId));
    if (!group.supportsProtocols(p.protocolType, p.protocols)) {
      return respond(joinError(ErrorCode.INCONSISTENT_GROUP_PROTOCOL, p.memberId));
    }
    if (group.isPendingMember(p.memberId)) {
      return this.addMemberAndRebalance(group, p.memberId, p, respond);
    }
    if (group.isStaticMemberFenced(p.groupInstanceId, p.memberId)) {
      return respond(joinError(ErrorCode.FENCED_INSTANCE_ID, p.memberId));
    }
    const unknownInstance = p.groupInstanceId !== null && group.currentStaticMemberId(p.groupInstanceId) === undefined;
    const member = group.members.get(p.memberId);
    if (!member || unknownInstance) return respond(joinError(ErrorCode.UNKNOWN_MEMBER_ID, p.memberId));
    const reason = `member ${member.memberId} rejoined during ${group.state}${p.reason ? ` (${p.reason})` : ''}`;
    switch (group.state) {
      case 'PreparingRebalance':
        return this.updateMemberAndRebalance(group, member, p, respond, reason);
      case 'CompletingRebalance':
        if (member.matches(p.protocols)) {
          // The member probably missed its JoinGroup response: give it the current generation again.
          return respond(this.joinResultFor(group, member));
        }
        return this.updateMemberAndRebalance(group, member, p, respond, reason);
      case 'Stable':
        // A leader rejoining asks for a new assignment (e.g. topic metadata changed); so does changed metadata.
        if (group.isLeader(member.memberId) || !member.matches(p.protocols)) {
          return this.updateMemberAndRebalance(group, member, p, respond, reason);
        }
        return respond({ ...this.joinResultFor(group, member), members: [] });
      case 'Empty':
      case 'Dead':
        return respond(joinError(ErrorCode.UNKNOWN_MEMBER_ID, p.memberId));
    }
  }

  private joinResultFor(group: ClassicGroup, member: ClassicMember): JoinResult {
    return {
      errorCode: ErrorCode.NONE,
      memberId: member.memberId,
      generationId: group.generationId,
      protocolType: group.protocolType,
      protocolName: group.protocolName,
      leaderId: group.leaderId ?? '',
      skipAssignment: false,
      members: group.isLeader(member.memberId) ? group.currentMemberMetadata() : [],
    };
  }

  private addMemberAndRebalance(
    group: ClassicGroup,
    memberId: string,
    p: JoinGroupParams,
    respond: (r: JoinResult) => void,
  ): void {
    const member = new ClassicMember(
      memberId,
      p.groupInstanceId,
      p.clientId,
      p.clientHost,
      this.rebalanceTimeoutOf(p),
      p.sessionTimeoutMs,
      p.protocolType,
      p.protocols,
    );
    member.isNew = true;
    // A member arriving during the initial delay of a brand-new group extends that delay.
    if (group.is('PreparingRebalance') && group.generationId === 0) group.newMemberAdded = true;
    group.add(member);
    member.awaitingJoin = respond;
    // New members cannot heartbeat before their first JoinGroup response; they get a long fixed deadline instead.
    this.scheduleHeartbeatExpiry(group, member, this.config.newMemberJoinTimeoutMs);
    this.maybePrepareRebalance(group, `adding new member ${memberId}${p.reason ? ` (${p.reason})` : ''}`);
  }

  private updateMember(member: ClassicMember, p: JoinGroupParams, respond: (r: JoinResult) => void): void {
    member.protocols = p.protocols;
    member.rebalanceTimeoutMs = this.rebalanceTimeoutOf(p);
    member.sessionTimeoutMs = p.sessionTimeoutMs;
    // A second JoinGroup for the same member replaces the first (its connection is most likely gone).
    member.completeJoin(joinError(ErrorCode.REBALANCE_IN_PROGRESS, member.memberId));
    member.awaitingJoin = respond;
  }

  private updateMemberAndRebalance(
    group: ClassicGroup,
    member: ClassicMember,
    p: JoinGroupParams,
    respond: (r: JoinResult) => void,
    reason: string,
  ): void {
    this.updateMember(member, p, respond);
    this.maybePrepareRebalance(group, reason);
  }

  /** A known static member restarted with no member id: it takes over its old slot under a new id (KIP-345). */
  private replaceStaticMember(
    group: ClassicGroup,
    oldMemberId: string,
    newMemberId: string,
    p: JoinGroupParams,
    respond: (r: JoinResult) => void,
  ): void {
    const instanceId = p.groupInstanceId as string;
    const previousLeader = group.leaderId ?? '';
    const wasLeader = group.isLeader(oldMemberId);
    const old = group.get(oldMemberId);
    // Whoever still waits under the old id is a zombie duplicate of this instance.
    old.completeJoin(joinError(ErrorCode.FENCED_INSTANCE_ID, oldMemberId));
    old.completeSync(syncError(ErrorCode.FENCED_INSTANCE_ID));
    const member = group.replaceStaticMember(instanceId, oldMemberId, newMemberId);
    this.scheduleHeartbeatExpiry(group, member, member.sessionTimeoutMs);
    const oldProtocols = member.protocols;
    this.updateMember(member, p, respond);
    switch (group.state) {
      case 'Stable': {
        if (group.protocolName !== null && group.selectProtocol() === group.protocolName) {
          const generation = group.generationId;
          const assignments = new Map([...group.members.values()].map((m) => [m.memberId, m.assignment]));
          void this.storeGroup(group, assignments).then((ok) => {
            if (!ok) {
              member.protocols = oldProtocols;
              member.completeJoin(joinError(ErrorCode.UNKNOWN_SERVER_ERROR, newMemberId));
              return;
            }
            const skip = wasLeader && p.supportSkippingAssignment;
            member.completeJoin({
              errorCode: ErrorCode.NONE,
              memberId: newMemberId,
              generationId: generation,
              protocolType: group.protocolType,
              protocolName: group.protocolName,
              // Returning the old leader id keeps a restarted leader from computing an assignment that a Stable
              // group would never distribute; v9 clients are told to skip assignment instead.
              leaderId: skip ? newMemberId : previousLeader,
              skipAssignment: skip,
              members: skip ? group.currentMemberMetadata() : [],
            });
          });
        } else {
          this.maybePrepareRebalance(group, `static member ${instanceId} rejoined with different protocols`);
        }
        return;
      }
      case 'CompletingRebalance':
        // The leader may already be assigning to the old id; start over so the new id gets an assignment.
        this.prepareRebalance(group, `static member ${instanceId} rejoined during CompletingRebalance`);
        return;
      case 'PreparingRebalance':
        return;
      case 'Empty':
      case 'Dead':
        throw new Error(`static member ${instanceId} found in ${group.state} group ${group.groupId}`);
    }
  }

  // ---------------------------------------------------------------------------------------------------------------
  // Rebalance

  private maybePrepareRebalance(group: ClassicGroup, reason: string): void {
    if (group.is('Stable') || group.is('CompletingRebalance') || group.is('Empty')) this.prepareRebalance(group, reason);
  }

  private prepareRebalance(group: ClassicGroup, reason: string): void {
    if (group.is('CompletingRebalance')) this.resetAndPropagateAssignmentError(group, ErrorCode.REBALANCE_IN_PROGRESS);
    if (group.syncTimer) clearTimeout(group.syncTimer);
    group.syncTimer = null;
    const wasEmpty = group.is('Empty');
    group.transitionTo('PreparingRebalance', this.now());
    this.logger.info(
      { group: group.groupId, generation: group.generationId, reason },
      'preparing to rebalance group',
    );
    if (wasEmpty) {
      const delay = this.config.initialRebalanceDelayMs;
      this.scheduleInitialJoin(group, delay, Math.max(group.rebalanceTimeoutMs() - delay, 0));
    } else {
      this.scheduleJoin(group);
      this.tryCompleteJoin(group);
    }
  }

  /** group.initial.rebalance.delay.ms: a new group waits for more members; each arrival extends the wait. */
  private scheduleInitialJoin(group: ClassicGroup, delayMs: number, remainingMs: number): void {
    this.clearJoinTimer(group);
    group.joinIsInitial = true;
    group.joinTimer = setTimeout(() => {
      group.joinTimer = null;
      if (group.newMemberAdded && remainingMs !== 0) {
        group.newMemberAdded = false;
        const next = Math.min(this.config.initialRebalanceDelayMs, remainingMs);
        this.scheduleInitialJoin(group, next, Math.max(remainingMs - delayMs, 0));
      } else {
        this.completeJoin(group);
      }
    }, delayMs);
    group.joinTimer.unref();
  }

  /** The rebalance timeout: members that have not rejoined by then are dropped. */
  private scheduleJoin(group: ClassicGroup): void {
    this.clearJoinTimer(group);
    group.joinIsInitial = false;
    group.joinTimer = setTimeout(() => {
      group.joinTimer = null;
      this.completeJoin(group);
    }, group.rebalanceTimeoutMs());
    group.joinTimer.unref();
  }

  private clearJoinTimer(group: ClassicGroup): void {
    if (group.joinTimer) clearTimeout(group.joinTimer);
    group.joinTimer = null;
  }

  /** Completes the join phase early once every member (and every pending member) has rejoined. */
  private tryCompleteJoin(group: ClassicGroup): void {
    if (!group.is('PreparingRebalance') || group.joinIsInitial || group.joinTimer === null) return;
    if (group.hasAllMembersJoined()) this.completeJoin(group);
  }

  private completeJoin(group: ClassicGroup): void {
    this.clearJoinTimer(group);
    if (!group.is('PreparingRebalance') || this.groups.get(group.groupId) !== group) return;
    const dropped = group.notYetRejoinedMembers().filter((m) => !m.isStatic);
    for (const m of dropped) group.remove(m.memberId);
    if (dropped.length > 0) {
      this.logger.info({ group: group.groupId, members: dropped.map((m) => m.memberId) }, 'removed members that did not rejoin in time');
    }
    if (!group.maybeElectNewJoinedLeader() && group.size > 0) {
      // Only static members that have not rejoined remain: wait for them (or for their sessions to expire).
      this.logger.warn({ group: group.groupId }, 'could not complete rebalance because no members rejoined');
      this.scheduleJoin(group);
      return;
    }
    group.initNextGeneration(this.now());
    if (group.is('Empty')) {
      this.logger.info({ group: group.groupId, generation: group.generationId }, 'group is now empty');
      void this.storeGroup(group, new Map());
      return;
    }
    this.logger.info(
      { group: group.groupId, generation: group.generationId, members: group.size, protocol: group.protocolName },
      'stabilized group',
    );
    for (const member of group.members.values()) {
      member.completeJoin(this.joinResultFor(group, member));
      this.scheduleHeartbeatExpiry(group, member, member.sessionTimeoutMs);
      member.isNew = false;
    }
    this.schedulePendingSync(group);
  }

  /** Every member must send SyncGroup within the rebalance timeout; the silent ones are dropped. */
  private schedulePendingSync(group: ClassicGroup): void {
    if (group.syncTimer) clearTimeout(group.syncTimer);
    const generation = group.generationId;
    group.syncTimer = setTimeout(() => {
      group.syncTimer = null;
      this.onPendingSyncExpired(group, generation);
    }, group.rebalanceTimeoutMs());
    group.syncTimer.unref();
  }

  private onPendingSyncExpired(group: ClassicGroup, generation: number): void {
    if (generation !== group.generationId || this.groups.get(group.groupId) !== group) return;
    if (!group.is('CompletingRebalance') && !group.is('Stable')) return;
    if (group.pendingSyncMembers.size === 0) return;
    const missing = [...group.pendingSyncMembers];
    for (const id of missing) group.remove(id);
    this.prepareRebalance(group, `members ${missing.join(', ')} did not send SyncGroup in time`);
  }

  private resetAndPropagateAssignmentError(group: ClassicGroup, errorCode: number): void {
    for (const m of group.members.values()) m.assignment = EMPTY_BUFFER;
    this.propagateAssignment(group, errorCode);
  }

  private propagateAssignment(group: ClassicGroup, errorCode: number): void {
    const ok = errorCode === ErrorCode.NONE;
    for (const member of group.members.values()) {
      const answered = member.completeSync({
        errorCode,
        protocolType: ok ? group.protocolType : null,
        protocolName: ok ? group.protocolName : null,
        assignment: member.assignment,
      });
      // A member whose session ran out while it waited for this answer gets a fresh session from now.
      if (answered) this.scheduleHeartbeatExpiry(group, member, member.sessionTimeoutMs);
    }
  }

  // ---------------------------------------------------------------------------------------------------------------
  // SyncGroup

  syncGroup(p: SyncGroupParams): Promise<SyncResult> {
    return new Promise((resolve) => this.doSyncGroup(p, resolve));
  }

  private doSyncGroup(p: SyncGroupParams, respond: (r: SyncResult) => void): void {
    if (this.stopped) return respond(syncError(ErrorCode.NOT_COORDINATOR));
    if (!isValidMembershipGroupId(p.groupId)) return respond(syncError(ErrorCode.INVALID_GROUP_ID));
    const group = this.groups.get(p.groupId);
    if (!group) return respond(syncError(ErrorCode.UNKNOWN_MEMBER_ID));
    if (group.is('Dead')) return respond(syncError(ErrorCode.COORDINATOR_NOT_AVAILABLE));
    if (group.isStaticMemberFenced(p.groupInstanceId, p.memberId)) return respond(syncError(ErrorCode.FENCED_INSTANCE_ID));
    const member = group.members.get(p.memberId);
    if (!member) return respond(syncError(ErrorCode.UNKNOWN_MEMBER_ID));
    if (p.generationId !== group.generationId) return respond(syncError(ErrorCode.ILLEGAL_GENERATION));
    if ((p.protocolType !== null && p.protocolType !== group.protocolType) || (p.protocolName !== null && p.protocolName !== group.protocolName)) {
      return respond(syncError(ErrorCode.INCONSISTENT_GROUP_PROTOCOL));
    }
    switch (group.state) {
      case 'Empty':
        return respond(syncError(ErrorCode.UNKNOWN_MEMBER_ID));
      case 'PreparingRebalance':
        return respond(syncError(ErrorCode.REBALANCE_IN_PROGRESS));
      case 'CompletingRebalance':
        member.completeSync(syncError(ErrorCode.REBALANCE_IN_PROGRESS));
        member.awaitingSync = respond;
        this.removePendingSyncMember(group, member.memberId);
        if (group.isLeader(member.memberId)) void this.completeAssignment(group, p);
        return;
      case 'Stable':
        this.removePendingSyncMember(group, member.memberId);
        respond({ errorCode: ErrorCode.NONE, protocolType: group.protocolType, protocolName: group.protocolName, assignment: member.assignment });
        this.scheduleHeartbeatExpiry(group, member, member.sessionTimeoutMs);
        return;
      case 'Dead':
        throw new Error(`group ${group.groupId} is Dead but still registered`);
    }
  }

  private removePendingSyncMember(group: ClassicGroup, memberId: string): void {
    group.pendingSyncMembers.delete(memberId);
    if (group.pendingSyncMembers.size === 0 && group.syncTimer) {
      clearTimeout(group.syncTimer);
      group.syncTimer = null;
    }
  }

  /** The leader's assignment: persist it, then hand every member its share and go Stable. */
  private async completeAssignment(group: ClassicGroup, p: SyncGroupParams): Promise<void> {
    const generation = group.generationId;
    const assignments = new Map<string, Buffer>();
    for (const a of p.assignments) if (group.has(a.memberId)) assignments.set(a.memberId, a.assignment);
    const missing = [...group.members.keys()].filter((id) => !assignments.has(id));
    for (const id of missing) assignments.set(id, EMPTY_BUFFER);
    if (missing.length > 0) {
      this.logger.warn({ group: group.groupId, generation, members: missing }, 'leader sent no assignment for some members; they get an empty one');
    }
    this.logger.info(
      { group: group.groupId, generation, leader: p.memberId, members: group.size },
      'assignment received from leader',
    );
    const stored = await this.storeGroup(group, assignments);
    // Another member may have joined while the write was in flight; then this generation is already over.
    if (!group.is('CompletingRebalance') || group.generationId !== generation) return;
    if (!stored) {
      this.resetAndPropagateAssignmentError(group, ErrorCode.COORDINATOR_NOT_AVAILABLE);
      this.maybePrepareRebalance(group, 'error storing the group assignment');
      return;
    }
    for (const [id, assignment] of assignments) {
      const m = group.members.get(id);
      if (m) m.assignment = assignment;
    }
    this.propagateAssignment(group, ErrorCode.NONE);
    group.transitionTo('Stable', this.now());
  }

  // ---------------------------------------------------------------------------------------------------------------
  // Heartbeat and LeaveGroup

  heartbeat(p: HeartbeatParams): number {
    if (this.stopped) return ErrorCode.NOT_COORDINATOR;
    if (!isValidMembershipGroupId(p.groupId)) return ErrorCode.INVALID_GROUP_ID;
    const group = this.groups.get(p.groupId);
    if (!group) return ErrorCode.UNKNOWN_MEMBER_ID;
    if (group.is('Dead')) return ErrorCode.COORDINATOR_NOT_AVAILABLE;
    if (group.isStaticMemberFenced(p.groupInstanceId, p.memberId)) return ErrorCode.FENCED_INSTANCE_ID;
    const member = group.members.get(p.memberId);
    if (!member) return ErrorCode.UNKNOWN_MEMBER_ID;
    if (p.generationId !== group.generationId) return ErrorCode.ILLEGAL_GENERATION;
    switch (group.state) {
      case 'Empty':
        return ErrorCode.UNKNOWN_MEMBER_ID;
      case 'CompletingRebalance':
      case 'Stable':
        this.scheduleHeartbeatExpiry(group, member, member.sessionTimeoutMs);
        return ErrorCode.NONE;
      case 'PreparingRebalance':
        // The answer that tells a member to rejoin.
        this.scheduleHeartbeatExpiry(group, member, member.sessionTimeoutMs);
        return ErrorCode.REBALANCE_IN_PROGRESS;
      case 'Dead':
        return ErrorCode.COORDINATOR_NOT_AVAILABLE;
    }
  }

  leaveGroup(groupId: string, leaving: readonly LeavingMember[]): LeaveGroupResult {
    if (this.stopped) return { errorCode: ErrorCode.NOT_COORDINATOR, members: [] };
    if (!isValidMembershipGroupId(groupId)) return { errorCode: ErrorCode.INVALID_GROUP_ID, members: [] };
    const group = this.groups.get(groupId);
    const result = (m: LeavingMember, errorCode: number) => ({ memberId: m.memberId, groupInstanceId: m.groupInstanceId, errorCode });
    if (!group) return { errorCode: ErrorCode.NONE, members: leaving.map((m) => result(m, ErrorCode.UNKNOWN_MEMBER_ID)) };
    if (group.is('Dead')) return { errorCode: ErrorCode.COORDINATOR_NOT_AVAILABLE, members: [] };
    const members = leaving.map((m) => result(m, this.leaveOne(group, m)));
    return { errorCode: ErrorCode.NONE, members };
  }

  private leaveOne(group: ClassicGroup, m: LeavingMember): number {
    const reason = `member left the group${m.reason ? ` (${m.reason})` : ''}`;
    if (m.memberId === '') {
      // Admin removal of a static member by instance id alone (KIP-345).
      const current = m.groupInstanceId === null ? undefined : group.currentStaticMemberId(m.groupInstanceId);
      if (current === undefined) return ErrorCode.UNKNOWN_MEMBER_ID;
      this.removeMemberAndUpdateGroup(group, group.get(current), reason);
      return ErrorCode.NONE;
    }
    if (group.isPendingMember(m.memberId)) {
      group.clearPendingMember(m.memberId);
      this.tryCompleteJoin(group);
      return ErrorCode.NONE;
    }
    if (group.isStaticMemberFenced(m.groupInstanceId, m.memberId)) return ErrorCode.FENCED_INSTANCE_ID;
    const member = group.members.get(m.memberId);
    if (!member) return ErrorCode.UNKNOWN_MEMBER_ID;
    this.logger.info({ group: group.groupId, member: m.memberId, reason: m.reason }, 'member left the group');
    this.removeMemberAndUpdateGroup(group, member, reason);
    return ErrorCode.NONE;
  }

  private removeMemberAndUpdateGroup(group: ClassicGroup, member: ClassicMember, reason: string): void {
    // A member may be removed while its JoinGroup/SyncGroup waits; answer it so the client retries cleanly.
    member.completeJoin(joinError(ErrorCode.UNKNOWN_MEMBER_ID, ''));
    member.completeSync(syncError(ErrorCode.UNKNOWN_MEMBER_ID));
    group.remove(member.memberId);
    switch (group.state) {
      case 'Stable':
      case 'CompletingRebalance':
        this.maybePrepareRebalance(group, reason);
        break;
      case 'PreparingRebalance':
        this.tryCompleteJoin(group);
        break;
      case 'Empty':
      case 'Dead':
        break;
    }
  }

  private scheduleHeartbeatExpiry(group: ClassicGroup, member: ClassicMember, timeoutMs: number): void {
    member.clearHeartbeatTimer();
    member.heartbeatTimer = setTimeout(() => {
      member.heartbeatTimer = null;
      this.onHeartbeatExpired(group, member);
    }, timeoutMs);
    member.heartbeatTimer.unref();
  }

  private onHeartbeatExpired(group: ClassicGroup, member: ClassicMember): void {
    if (this.groups.get(group.groupId) !== group || group.members.get(member.memberId) !== member) return;
    // Members waiting on a rebalance step cannot heartbeat; they get a fresh session when that step answers.
    if (!member.isNew && (member.isAwaitingJoin || member.isAwaitingSync)) return;
    this.logger.info(
      { group: group.groupId, member: member.memberId, sessionTimeoutMs: member.sessionTimeoutMs },
      'member session expired; removing it from the group',
    );
    this.removeMemberAndUpdateGroup(group, member, `member ${member.memberId} session expired`);
  }

  private onPendingMemberExpired(group: ClassicGroup, memberId: string): void {
    if (!group.clearPendingMember(memberId)) return;
    this.logger.info({ group: group.groupId, member: memberId }, 'pending member did not rejoin in time; removed');
    this.tryCompleteJoin(group);
  }

  // ---------------------------------------------------------------------------------------------------------------
  // DescribeGroups, ListGroups, DeleteGroups

  describeGroup(groupId: string): GroupDescription | undefined {
    if (this.isConsumerGroup(groupId)) return undefined;
    const group = this.groups.get(groupId);
    return group ? describeGroup(group) : undefined;
  }

  /** A missing group as versions before DescribeGroups v6 report it. */
  deadGroup(groupId: string): GroupDescription {
    return deadGroupDescription(groupId);
  }

  listGroups(statesFilter: readonly string[], typesFilter: readonly string[]): GroupListing[] {
    const out: GroupListing[] = [];
    for (const c of this.consumerGroups.listings()) {
      const listing = { groupId: c.groupId, protocolType: CONSUMER_PROTOCOL_TYPE, state: c.state, groupType: CONSUMER_GROUP_TYPE };
      if (matchesListFilters(listing, statesFilter, typesFilter)) out.push(listing);
    }
    for (const group of this.groups.values()) {
      if (group.is('Dead') || this.consumerGroups.group(group.groupId)) continue;
      const listing = listGroup(group);
      if (matchesListFilters(listing, statesFilter, typesFilter)) out.push(listing);
    }
    return out;
  }

  async deleteGroups(groupIds: readonly string[]): Promise<Array<{ groupId: string; errorCode: number }>> {
    return this.offsets.deleteGroups(groupIds);
  }

  // ---------------------------------------------------------------------------------------------------------------
  // Offsets (see group-offsets.ts)

  commitOffsets(p: OffsetCommitParams): Promise<number[]> {
    return this.offsets.commitOffsets(p);
  }

  fetchOffsets(
    groupId: string,
    topics: readonly TopicPartitions[] | null,
    member?: { readonly memberId: string | null; readonly memberEpoch: number },
    requireStable = false,
  ): OffsetFetchResult {
    return this.offsets.fetchOffsets(groupId, topics, member, requireStable);
  }

  commitTransactionalOffsets(p: TxnOffsetCommitParams): Promise<number[]> {
    return this.offsets.commitTransactionalOffsets(p);
  }

  /** Called by the transaction coordinator once a transaction's markers are written. */
  completeTransaction(producerId: bigint, committed: boolean): void {
    this.offsets.completeTransaction(producerId, committed);
  }

  deleteOffsets(groupId: string, topics: readonly TopicPartitions[]): Promise<OffsetDeleteResult> {
    return this.offsets.deleteOffsets(groupId, topics);
  }

  expireOffsets(): Promise<void> {
    return this.offsets.expireOffsets();
  }

  private scheduleOffsetExpiry(): void {
    if (this.stopped) return;
    this.expiryTimer = setTimeout(() => {
      void this.expireOffsets()
        .catch((err: unknown) => this.logger.error({ err }, 'offset expiry failed'))
        .finally(() => this.scheduleOffsetExpiry());
    }, this.config.offsetsRetentionCheckIntervalMs);
    this.expiryTimer.unref();
  }

  // ---------------------------------------------------------------------------------------------------------------
  // Persistence

  /** Writes the group's metadata record (members, generation, assignments); false when the write failed. */
  private async storeGroup(group: ClassicGroup, assignments: ReadonlyMap<string, Buffer>): Promise<boolean> {
    const value = groupMetadataValue(groupMetadataSnapshot(group, assignments));
    try {
      await this.offsetsTopic.append(group.groupId, [{ key: groupMetadataKey(group.groupId), value }]);
      return true;
    } catch (err) {
      this.logger.error({ group: group.groupId, err }, 'could not write group metadata');
      return false;
    }
  }

  /** Rebuilds groups and offsets from __consumer_offsets; restored members must heartbeat within their session. */
  private async load(): Promise<void> {
    const started = Date.now();
    const rebuilder = new GroupStateRebuilder();
    const apply = (r: CoordinatorRecord): void => rebuilder.apply(r);
    const counts = await this.offsetsTopic.replay(apply, this.offsets.transactionalReplay(apply));
    this.consumerGroups.restore(rebuilder.buildConsumerGroups());
    for (const [groupId, group] of rebuilder.build(this.now())) {
      this.groups.set(groupId, group);
      for (const member of group.members.values()) this.scheduleHeartbeatExpiry(group, member, member.sessionTimeoutMs);
    }
    if (this.offsetsTopic.exists) {
      this.logger.info(
        { groups: this.groups.size, records: counts.records, skipped: counts.skipped, ms: Date.now() - started },
        'loaded group coordinator state',
      );
    }
  }
}
