// The group coordinator: Kafka's classic group protocol (JoinGroup / SyncGroup / Heartbeat / LeaveGroup) with its
// state machine, generations, static membership, session and rebalance timeouts, plus committed offsets.
// JoinGroup and SyncGroup answers are promises the state machine resolves when the rebalance reaches that point,
// as Kafka's delayed operations do. Everything that must survive a restart goes to __consumer_offsets first.
import { randomUUID } from 'crypto';
import { ErrorCode } from '../cluster/errors';
import type { BrokerConfig } from '../config/broker-config';
import type { Logger } from '../logger';
import { ClassicGroup, CommittedOffset } from './classic-group';
import {
  ClassicMember,
  EMPTY_BUFFER,
  JoinResult,
  MemberProtocol,
  SyncResult,
  joinError,
  syncError,
} from './classic-member';
import { groupMetadataKey, groupMetadataValue, offsetCommitKey, offsetCommitValue, CoordinatorRecord } from './coordinator-records';
import type { GroupMetadataValue } from '../../codecs/generated/internal/GroupMetadataValue';
import { deadGroupDescription, describeGroup, GroupDescription, GroupListing, listGroup, matchesListFilters } from './group-views';
import { expiredOffsets, offsetCommitError } from './offset-rules';
import { CoordinatorRecordWrite, CoordinatorStorage, OffsetsTopic } from './offsets-topic';
import { PendingTransactionalOffsets, txnOffsetCommitError } from './transactional-offsets';
import { ProducerStateError } from '../../storage';

export interface GroupCoordinatorConfig {
  readonly offsetsTopicPartitions: number;
  readonly initialRebalanceDelayMs: number;
  readonly minSessionTimeoutMs: number;
  readonly maxSessionTimeoutMs: number;
  readonly maxGroupSize: number;
  readonly offsetsRetentionMs: number;
  readonly offsetsRetentionCheckIntervalMs: number;
  readonly offsetMetadataMaxBytes: number;
  /** How long a new member may wait in a rebalance before it is dropped (Kafka: 5 minutes). */
  readonly newMemberJoinTimeoutMs: number;
}

export function groupCoordinatorConfig(config: BrokerConfig): GroupCoordinatorConfig {
  return {
    offsetsTopicPartitions: config.int('offsets.topic.num.partitions'),
    initialRebalanceDelayMs: config.int('group.initial.rebalance.delay.ms'),
    minSessionTimeoutMs: config.int('group.min.session.timeout.ms'),
    maxSessionTimeoutMs: config.int('group.max.session.timeout.ms'),
    maxGroupSize: config.int('group.max.size'),
    offsetsRetentionMs: config.int('offsets.retention.minutes') * 60_000,
    offsetsRetentionCheckIntervalMs: config.int('offsets.retention.check.interval.ms'),
    offsetMetadataMaxBytes: config.int('offset.metadata.max.bytes'),
    newMemberJoinTimeoutMs: 5 * 60_000,
  };
}

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

export interface OffsetCommitParams {
  readonly groupId: string;
  readonly generationId: number;
  readonly memberId: string;
  readonly groupInstanceId: string | null;
  /** OffsetCommit v2-4; -1 = broker default retention */
  readonly retentionTimeMs: bigint;
  /** OffsetCommit v9+ reports a missing group as GROUP_ID_NOT_FOUND instead of ILLEGAL_GENERATION. */
  readonly apiVersion: number;
  readonly partitions: readonly OffsetCommitInput[];
}

export interface OffsetCommitInput {
  readonly topic: string;
  readonly partition: number;
  readonly offset: bigint;
  readonly leaderEpoch: number;
  readonly metadata: string | null;
  /** OffsetCommit v1 only; -1 = now */
  readonly commitTimestamp: bigint;
}

export interface TxnOffsetCommitParams {
  readonly groupId: string;
  readonly producerId: bigint;
  readonly producerEpoch: number;
  /** -1 / '' / null when the client sent none (TxnOffsetCommit below v3). */
  readonly generationId: number;
  readonly memberId: string;
  readonly groupInstanceId: string | null;
  readonly partitions: readonly OffsetCommitInput[];
}

export interface TopicPartitions {
  readonly topic: string;
  readonly partitions: readonly number[];
}

export interface FetchedOffset {
  readonly partition: number;
  readonly offset: bigint;
  readonly leaderEpoch: number;
  readonly metadata: string;
  readonly errorCode: number;
}

export interface OffsetFetchResult {
  readonly errorCode: number;
  readonly topics: ReadonlyArray<{ readonly topic: string; readonly partitions: readonly FetchedOffset[] }>;
}

export interface OffsetDeleteResult {
  readonly errorCode: number;
  readonly topics: ReadonlyArray<{ readonly topic: string; readonly partitions: ReadonlyArray<{ readonly partition: number; readonly errorCode: number }> }>;
}

export interface GroupCoordinatorOptions {
  readonly storage: CoordinatorStorage;
  readonly config: GroupCoordinatorConfig;
  readonly logger: Logger;
  /** ms since the epoch; injectable for tests */
  readonly now?: () => number;
}

/** Kafka's validity rule: offset and describe/delete APIs accept the empty group id, membership APIs do not. */
function isValidMembershipGroupId(groupId: string): boolean {
  return groupId.length > 0;
}

export class GroupCoordinator {
  private readonly groups = new Map<string, ClassicGroup>();
  private readonly offsetsTopic: OffsetsTopic;
  private readonly pendingTxnOffsets = new PendingTransactionalOffsets();
  private readonly config: GroupCoordinatorConfig;
  private readonly logger: Logger;
  private readonly now: () => number;
  private expiryTimer: NodeJS.Timeout | null = null;
  private expiring: Promise<void> | null = null;
  private stopped = false;

  constructor(options: GroupCoordinatorOptions) {
    this.config = options.config;
    this.logger = options.logger;
    this.now = options.now ?? Date.now;
    this.offsetsTopic = new OffsetsTopic(options.storage, options.config.offsetsTopicPartitions, options.logger);
  }

  /** Builds the coordinator, reloads its state from __consumer_offsets and starts the offset-expiry timer. */
  static async start(options: GroupCoordinatorOptions): Promise<GroupCoordinator> {
    const coordinator = new GroupCoordinator(options);
    await coordinator.load();
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

  /** Stops timers and answers every waiting JoinGroup/SyncGroup with NOT_COORDINATOR, as Kafka does on unload. */
  shutdown(): void {
    this.stopped = true;
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

  private updateMember(group: ClassicGroup, member: ClassicMember, p: JoinGroupParams, respond: (r: JoinResult) => void): void {
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
    this.updateMember(group, member, p, respond);
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
    this.updateMember(group, member, p, respond);
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
    const group = this.groups.get(groupId);
    return group ? describeGroup(group) : undefined;
  }

  /** A missing group as versions before DescribeGroups v6 report it. */
  deadGroup(groupId: string): GroupDescription {
    return deadGroupDescription(groupId);
  }

  listGroups(statesFilter: readonly string[], typesFilter: readonly string[]): GroupListing[] {
    const out: GroupListing[] = [];
    for (const group of this.groups.values()) {
      if (group.is('Dead')) continue;
      const listing = listGroup(group);
      if (matchesListFilters(listing, statesFilter, typesFilter)) out.push(listing);
    }
    return out;
  }

  async deleteGroups(groupIds: readonly string[]): Promise<Array<{ groupId: string; errorCode: number }>> {
    const results: Array<{ groupId: string; errorCode: number }> = [];
    for (const groupId of groupIds) results.push({ groupId, errorCode: await this.deleteGroup(groupId) });
    return results;
  }

  private async deleteGroup(groupId: string): Promise<number> {
    if (this.stopped) return ErrorCode.NOT_COORDINATOR;
    const group = this.groups.get(groupId);
    if (!group || group.is('Dead')) return ErrorCode.GROUP_ID_NOT_FOUND;
    if (!group.is('Empty')) return ErrorCode.NON_EMPTY_GROUP;
    const records: CoordinatorRecordWrite[] = [];
    for (const [topic, byPartition] of group.offsets) {
      for (const partition of byPartition.keys()) records.push({ key: offsetCommitKey(groupId, topic, partition), value: null });
    }
    records.push({ key: groupMetadataKey(groupId), value: null });
    try {
      await this.offsetsTopic.append(groupId, records);
    } catch (err) {
      this.logger.error({ group: groupId, err }, 'could not write the group deletion');
      return ErrorCode.COORDINATOR_NOT_AVAILABLE;
    }
    if (!group.is('Empty') || this.groups.get(groupId) !== group) return ErrorCode.NON_EMPTY_GROUP;
    group.transitionTo('Dead', this.now());
    group.clearTimers();
    this.groups.delete(groupId);
    this.logger.info({ group: groupId, offsets: records.length - 1 }, 'group deleted');
    return ErrorCode.NONE;
  }

  // ---------------------------------------------------------------------------------------------------------------
  // Offsets

  /** One error code per input partition, in order. */
  async commitOffsets(p: OffsetCommitParams): Promise<number[]> {
    const all = (code: number) => p.partitions.map(() => code);
    if (this.stopped) return all(ErrorCode.NOT_COORDINATOR);
    let group = this.groups.get(p.groupId);
    if (!group) {
      if (p.generationId >= 0) {
        return all(p.apiVersion >= 9 ? ErrorCode.GROUP_ID_NOT_FOUND : ErrorCode.ILLEGAL_GENERATION);
      }
      // A commit outside group management (admin tools, manually assigned consumers) creates a "simple" group.
      group = new ClassicGroup(p.groupId, this.now());
      this.groups.set(p.groupId, group);
    }
    const groupError = offsetCommitError(group, p);
    if (groupError !== ErrorCode.NONE) return all(groupError);
    const member = group.members.get(p.memberId);
    if (member && p.generationId >= 0 && !member.isAwaitingJoin && !member.isAwaitingSync) {
      // A commit proves the member is alive, as a heartbeat would.
      this.scheduleHeartbeatExpiry(group, member, member.sessionTimeoutMs);
    }
    const now = BigInt(this.now());
    const errors: number[] = [];
    const accepted: Array<{ topic: string; partition: number; value: CommittedOffset }> = [];
    for (const c of p.partitions) {
      const metadata = c.metadata ?? '';
      if (Buffer.byteLength(metadata, 'utf8') > this.config.offsetMetadataMaxBytes) {
        errors.push(ErrorCode.OFFSET_METADATA_TOO_LARGE);
        continue;
      }
      errors.push(ErrorCode.NONE);
      accepted.push({
        topic: c.topic,
        partition: c.partition,
        value: {
          offset: c.offset,
          leaderEpoch: c.leaderEpoch,
          metadata,
          commitTimestamp: c.commitTimestamp < 0n ? now : c.commitTimestamp,
          expireTimestamp: p.retentionTimeMs < 0n ? null : now + p.retentionTimeMs,
        },
      });
    }
    if (accepted.length === 0) return errors;
    try {
      await this.offsetsTopic.append(
        p.groupId,
        accepted.map((a) => ({ key: offsetCommitKey(p.groupId, a.topic, a.partition), value: offsetCommitValue(a.value) })),
      );
    } catch (err) {
      this.logger.error({ group: p.groupId, err }, 'could not write committed offsets');
      return errors.map((e) => (e === ErrorCode.NONE ? ErrorCode.COORDINATOR_NOT_AVAILABLE : e));
    }
    const target = this.groups.get(p.groupId) ?? group;
    for (const a of accepted) target.setOffset(a.topic, a.partition, a.value);
    return errors;
  }

  /**
   * Committed offsets of the requested partitions (or all, when `topics` is null). Partitions without a commit
   * report offset -1 and empty metadata. With no transactional offsets pending here, require_stable never has to
   * wait or report UNSTABLE_OFFSET_COMMIT.
   */
  fetchOffsets(groupId: string, topics: readonly TopicPartitions[] | null, requireStable = false): OffsetFetchResult {
    if (this.stopped) return { errorCode: ErrorCode.NOT_COORDINATOR, topics: [] };
    const group = this.groups.get(groupId);
    const fetchedOf = (topic: string) => (partition: number, o: CommittedOffset | undefined): FetchedOffset => {
      if (requireStable && this.pendingTxnOffsets.isPending(groupId, topic, partition)) {
        return { partition, offset: -1n, leaderEpoch: -1, metadata: '', errorCode: ErrorCode.UNSTABLE_OFFSET_COMMIT };
      }
      return { partition, offset: o?.offset ?? -1n, leaderEpoch: o?.leaderEpoch ?? -1, metadata: o?.metadata ?? '', errorCode: ErrorCode.NONE };
    };
    if (topics === null) {
      if (!group) return { errorCode: ErrorCode.NONE, topics: [] };
      return {
        errorCode: ErrorCode.NONE,
        topics: [...group.offsets].map(([topic, byPartition]) => ({
          topic,
          partitions: [...byPartition].map(([partition, o]) => fetchedOf(topic)(partition, o)),
        })),
      };
    }
    return {
      errorCode: ErrorCode.NONE,
      topics: topics.map((t) => ({
        topic: t.topic,
        partitions: t.partitions.map((partition) => fetchedOf(t.topic)(partition, group?.offset(t.topic, partition))),
      })),
    };
  }

  /**
   * TxnOffsetCommit: the offsets are written to __consumer_offsets as the producer's transactional records and stay
   * pending until the transaction ends (completeTransaction). One error code per input partition, in order.
   */
  async commitTransactionalOffsets(p: TxnOffsetCommitParams): Promise<number[]> {
    const all = (code: number) => p.partitions.map(() => code);
    if (this.stopped) return all(ErrorCode.NOT_COORDINATOR);
    let group = this.groups.get(p.groupId);
    if (!group) {
      group = new ClassicGroup(p.groupId, this.now());
      this.groups.set(p.groupId, group);
    }
    const groupError = txnOffsetCommitError(group, p);
    if (groupError !== ErrorCode.NONE) return all(groupError);
    const now = BigInt(this.now());
    const errors: number[] = [];
    const accepted: Array<{ topic: string; partition: number; value: CommittedOffset }> = [];
    for (const c of p.partitions) {
      const metadata = c.metadata ?? '';
      if (Buffer.byteLength(metadata, 'utf8') > this.config.offsetMetadataMaxBytes) {
        errors.push(ErrorCode.OFFSET_METADATA_TOO_LARGE);
        continue;
      }
      errors.push(ErrorCode.NONE);
      accepted.push({ topic: c.topic, partition: c.partition, value: { offset: c.offset, leaderEpoch: c.leaderEpoch, metadata, commitTimestamp: now, expireTimestamp: null } });
    }
    if (accepted.length === 0) return errors;
    try {
      await this.offsetsTopic.appendTransactional(
        p.groupId,
        accepted.map((a) => ({ key: offsetCommitKey(p.groupId, a.topic, a.partition), value: offsetCommitValue(a.value) })),
        p.producerId,
        p.producerEpoch,
      );
    } catch (err) {
      // A fenced producer's write is refused by the partition's producer state, as in Kafka.
      const code = err instanceof ProducerStateError && err.reason === 'INVALID_PRODUCER_EPOCH' ? ErrorCode.INVALID_PRODUCER_EPOCH : ErrorCode.COORDINATOR_NOT_AVAILABLE;
      if (code === ErrorCode.COORDINATOR_NOT_AVAILABLE) this.logger.error({ group: p.groupId, err }, 'could not write transactional offsets');
      return errors.map((e) => (e === ErrorCode.NONE ? code : e));
    }
    this.pendingTxnOffsets.add(p.producerId, accepted.map((a) => ({ group: p.groupId, topic: a.topic, partition: a.partition, value: a.value })));
    return errors;
  }

  /** The transaction coordinator wrote the producer's marker: pending transactional offsets become visible or go. */
  completeTransaction(producerId: bigint, committed: boolean): void {
    for (const o of this.pendingTxnOffsets.take(producerId)) {
      if (!committed) continue;
      let group = this.groups.get(o.group);
      if (!group) {
        group = new ClassicGroup(o.group, this.now());
        this.groups.set(o.group, group);
      }
      if (o.value === null) group.deleteOffset(o.topic, o.partition);
      else group.setOffset(o.topic, o.partition, o.value);
    }
  }

  /** OffsetDelete: only for empty groups, or for topics a consumer group no longer subscribes to. */
  async deleteOffsets(groupId: string, topics: readonly TopicPartitions[]): Promise<OffsetDeleteResult> {
    if (this.stopped) return { errorCode: ErrorCode.NOT_COORDINATOR, topics: [] };
    const group = this.groups.get(groupId);
    if (!group || group.is('Dead')) return { errorCode: ErrorCode.GROUP_ID_NOT_FOUND, topics: [] };
    if (!group.is('Empty') && group.protocolType !== 'consumer') return { errorCode: ErrorCode.NON_EMPTY_GROUP, topics: [] };
    const records: CoordinatorRecordWrite[] = [];
    const toDelete: Array<{ topic: string; partition: number }> = [];
    const resultTopics = topics.map((t) => {
      const subscribed = !group.is('Empty') && group.isSubscribedToTopic(t.topic);
      return {
        topic: t.topic,
        partitions: t.partitions.map((partition) => {
          if (subscribed) return { partition, errorCode: ErrorCode.GROUP_SUBSCRIBED_TO_TOPIC };
          if (group.offset(t.topic, partition) !== undefined) {
            records.push({ key: offsetCommitKey(groupId, t.topic, partition), value: null });
            toDelete.push({ topic: t.topic, partition });
          }
          return { partition, errorCode: ErrorCode.NONE };
        }),
      };
    });
    if (records.length > 0) {
      try {
        await this.offsetsTopic.append(groupId, records);
      } catch (err) {
        this.logger.error({ group: groupId, err }, 'could not write offset deletions');
        return { errorCode: ErrorCode.COORDINATOR_NOT_AVAILABLE, topics: [] };
      }
      for (const d of toDelete) group.deleteOffset(d.topic, d.partition);
    }
    return { errorCode: ErrorCode.NONE, topics: resultTopics };
  }

  /** offsets.retention.minutes: drops expired offsets (with tombstones) and then groups left with nothing. */
  expireOffsets(): Promise<void> {
    if (!this.expiring) {
      this.expiring = this.doExpireOffsets().finally(() => {
        this.expiring = null;
      });
    }
    return this.expiring;
  }

  private async doExpireOffsets(): Promise<void> {
    const now = this.now();
    const retention = BigInt(this.config.offsetsRetentionMs);
    let removedOffsets = 0;
    let removedGroups = 0;
    for (const group of [...this.groups.values()]) {
      if (this.stopped) return;
      const expired = expiredOffsets(group, BigInt(now), retention);
      const records: CoordinatorRecordWrite[] = expired.map((e) => ({ key: offsetCommitKey(group.groupId, e.topic, e.partition), value: null }));
      const becomesDead = group.is('Empty') && this.offsetCount(group) === expired.length;
      if (becomesDead) records.push({ key: groupMetadataKey(group.groupId), value: null });
      if (records.length === 0) continue;
      try {
        await this.offsetsTopic.append(group.groupId, records);
      } catch (err) {
        this.logger.error({ group: group.groupId, err }, 'could not write expired offsets');
        continue;
      }
      for (const e of expired) group.deleteOffset(e.topic, e.partition);
      removedOffsets += expired.length;
      if (becomesDead && group.is('Empty') && !group.hasOffsets() && this.groups.get(group.groupId) === group) {
        group.transitionTo('Dead', this.now());
        group.clearTimers();
        this.groups.delete(group.groupId);
        removedGroups++;
      }
    }
    if (removedOffsets > 0 || removedGroups > 0) {
      this.logger.info({ removedOffsets, removedGroups }, 'expired committed offsets');
    }
  }

  private offsetCount(group: ClassicGroup): number {
    let total = 0;
    for (const byPartition of group.offsets.values()) total += byPartition.size;
    return total;
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
    const protocol = group.protocolName;
    const value = groupMetadataValue({
      protocolType: group.protocolType ?? '',
      generation: group.generationId,
      protocol,
      leader: group.leaderId,
      currentStateTimestamp: BigInt(group.currentStateTimestamp ?? -1),
      members:
        protocol === null
          ? []
          : [...group.members.values()].map((m) => ({
              memberId: m.memberId,
              groupInstanceId: m.groupInstanceId,
              clientId: m.clientId,
              clientHost: m.clientHost,
              rebalanceTimeout: m.rebalanceTimeoutMs,
              sessionTimeout: m.sessionTimeoutMs,
              subscription: m.metadataFor(protocol),
              assignment: assignments.get(m.memberId) ?? EMPTY_BUFFER,
            })),
    });
    try {
      await this.offsetsTopic.append(group.groupId, [{ key: groupMetadataKey(group.groupId), value }]);
      return true;
    } catch (err) {
      this.logger.error({ group: group.groupId, err }, 'could not write group metadata');
      return false;
    }
  }

  /** Rebuilds groups and offsets from __consumer_offsets, last record per key winning, as Kafka's loader does. */
  private async load(): Promise<void> {
    const started = Date.now();
    const offsets = new Map<string, Map<string, CommittedOffset | null>>();
    const metadata = new Map<string, GroupMetadataValue | null>();
    const apply = (r: CoordinatorRecord): void => {
      if (r.kind === 'offset') {
        let byKey = offsets.get(r.group);
        if (!byKey) offsets.set(r.group, (byKey = new Map()));
        byKey.set(`${r.partition}\u0000${r.topic}`, r.value);
      } else if (r.kind === 'group') {
        metadata.set(r.group, r.value);
      }
    };
    const counts = await this.offsetsTopic.replay(apply, this.pendingTxnOffsets.replayVisitor(apply));
    for (const [groupId, value] of metadata) {
      if (value !== null) this.groups.set(groupId, this.loadGroup(groupId, value));
    }
    for (const [groupId, byKey] of offsets) {
      for (const [key, value] of byKey) {
        if (value === null) continue;
        let group = this.groups.get(groupId);
        if (!group) {
          group = new ClassicGroup(groupId, this.now());
          this.groups.set(groupId, group);
        }
        const sep = key.indexOf('\u0000');
        group.setOffset(key.slice(sep + 1), Number(key.slice(0, sep)), value);
      }
    }
    if (this.offsetsTopic.exists) {
      this.logger.info(
        { groups: this.groups.size, records: counts.records, skipped: counts.skipped, ms: Date.now() - started },
        'loaded group coordinator state',
      );
    }
  }

  private loadGroup(groupId: string, value: GroupMetadataValue): ClassicGroup {
    const group = new ClassicGroup(groupId, value.currentStateTimestamp < 0n ? this.now() : Number(value.currentStateTimestamp));
    if (value.currentStateTimestamp < 0n) group.currentStateTimestamp = null;
    group.generationId = value.generation;
    group.protocolType = value.protocolType === '' ? null : value.protocolType;
    group.protocolName = value.protocol;
    const protocol = value.protocol;
    if (protocol === null || value.members.length === 0) return group;
    for (const m of value.members) {
      const member = new ClassicMember(
        m.memberId,
        m.groupInstanceId,
        m.clientId,
        m.clientHost,
        m.rebalanceTimeout < 0 ? m.sessionTimeout : m.rebalanceTimeout,
        m.sessionTimeout,
        value.protocolType,
        [{ name: protocol, metadata: m.subscription }],
      );
      member.assignment = m.assignment;
      group.add(member);
    }
    group.leaderId = value.leader !== null && group.has(value.leader) ? value.leader : group.leaderId;
    group.state = 'Stable';
    // Restored members must heartbeat within their session, or they are expired as usual.
    for (const member of group.members.values()) this.scheduleHeartbeatExpiry(group, member, member.sessionTimeoutMs);
    return group;
  }
}
