// The classic group rebalance state machine shared by JoinGroup, SyncGroup, Heartbeat and LeaveGroup: moving a
// group to PreparingRebalance, waiting for members to rejoin (with the initial delay of a new group), electing the
// leader and starting the next generation, waiting for SyncGroup, and expiring silent members. The request
// handlers (classic-join.ts, classic-membership.ts) decide what a request means; this file owns the timers.
import { ErrorCode } from '../../codecs/protocol/errors';
import type { ClassicGroup } from './classic-group';
import { ClassicMember, EMPTY_BUFFER, JoinResult, joinError, syncError } from './classic-member';
import { groupMetadataKey, groupMetadataValue } from './coordinator-records';
import { groupMetadataSnapshot } from './group-persistence';
import type { GroupOffsetsContext } from './group-offsets';

/** What the classic protocol shares with the rest of the coordinator (the offsets side uses the same context). */
export type ClassicGroupsContext = Omit<GroupOffsetsContext, 'touchMember'>;

/**
 * The checks every membership request starts with: a coordinator being unloaded answers NOT_COORDINATOR, and by
 * Kafka's validity rule membership APIs refuse the empty group id (offset and describe/delete APIs accept it).
 */
export function membershipRequestError(ctx: ClassicGroupsContext, groupId: string): number {
  if (ctx.isStopped()) return ErrorCode.NOT_COORDINATOR;
  return groupId.length > 0 ? ErrorCode.NONE : ErrorCode.INVALID_GROUP_ID;
}

export class ClassicRebalancer {
  constructor(private readonly ctx: ClassicGroupsContext) {}

  maybePrepareRebalance(group: ClassicGroup, reason: string): void {
    if (group.is('Stable') || group.is('CompletingRebalance') || group.is('Empty')) this.prepareRebalance(group, reason);
  }

  prepareRebalance(group: ClassicGroup, reason: string): void {
    if (group.is('CompletingRebalance')) this.resetAndPropagateAssignmentError(group, ErrorCode.REBALANCE_IN_PROGRESS);
    if (group.syncTimer) clearTimeout(group.syncTimer);
    group.syncTimer = null;
    const wasEmpty = group.is('Empty');
    group.transitionTo('PreparingRebalance', this.ctx.now());
    this.ctx.logger.info({ group: group.groupId, generation: group.generationId, reason }, 'preparing to rebalance group');
    if (wasEmpty) {
      const delay = this.ctx.config.initialRebalanceDelayMs;
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
        const next = Math.min(this.ctx.config.initialRebalanceDelayMs, remainingMs);
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
  tryCompleteJoin(group: ClassicGroup): void {
    if (!group.is('PreparingRebalance') || group.joinIsInitial || group.joinTimer === null) return;
    if (group.hasAllMembersJoined()) this.completeJoin(group);
  }

  private completeJoin(group: ClassicGroup): void {
    this.clearJoinTimer(group);
    if (!group.is('PreparingRebalance') || this.ctx.groups.get(group.groupId) !== group) return;
    const dropped = group.notYetRejoinedMembers().filter((m) => !m.isStatic);
    for (const m of dropped) group.remove(m.memberId);
    if (dropped.length > 0) {
      this.ctx.logger.info({ group: group.groupId, members: dropped.map((m) => m.memberId) }, 'removed members that did not rejoin in time');
    }
    if (!group.maybeElectNewJoinedLeader() && group.size > 0) {
      // Only static members that have not rejoined remain: wait for them (or for their sessions to expire).
      this.ctx.logger.warn({ group: group.groupId }, 'could not complete rebalance because no members rejoined');
      this.scheduleJoin(group);
      return;
    }
    group.initNextGeneration(this.ctx.now());
    if (group.is('Empty')) {
      this.ctx.logger.info({ group: group.groupId, generation: group.generationId }, 'group is now empty');
      void this.storeGroup(group, new Map());
      return;
    }
    this.ctx.logger.info({ group: group.groupId, generation: group.generationId, members: group.size, protocol: group.protocolName }, 'stabilized group');
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
    if (generation !== group.generationId || this.ctx.groups.get(group.groupId) !== group) return;
    if (!group.is('CompletingRebalance') && !group.is('Stable')) return;
    if (group.pendingSyncMembers.size === 0) return;
    const missing = [...group.pendingSyncMembers];
    for (const id of missing) group.remove(id);
    this.prepareRebalance(group, `members ${missing.join(', ')} did not send SyncGroup in time`);
  }

  resetAndPropagateAssignmentError(group: ClassicGroup, errorCode: number): void {
    for (const m of group.members.values()) m.assignment = EMPTY_BUFFER;
    this.propagateAssignment(group, errorCode);
  }

  propagateAssignment(group: ClassicGroup, errorCode: number): void {
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

  joinResultFor(group: ClassicGroup, member: ClassicMember): JoinResult {
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

  removeMemberAndUpdateGroup(group: ClassicGroup, member: ClassicMember, reason: string): void {
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

  scheduleHeartbeatExpiry(group: ClassicGroup, member: ClassicMember, timeoutMs: number): void {
    member.clearHeartbeatTimer();
    member.heartbeatTimer = setTimeout(() => {
      member.heartbeatTimer = null;
      this.onHeartbeatExpired(group, member);
    }, timeoutMs);
    member.heartbeatTimer.unref();
  }

  private onHeartbeatExpired(group: ClassicGroup, member: ClassicMember): void {
    if (this.ctx.groups.get(group.groupId) !== group || group.members.get(member.memberId) !== member) return;
    // Members waiting on a rebalance step cannot heartbeat; they get a fresh session when that step answers.
    if (!member.isNew && (member.isAwaitingJoin || member.isAwaitingSync)) return;
    this.ctx.logger.info(
      { group: group.groupId, member: member.memberId, sessionTimeoutMs: member.sessionTimeoutMs },
      'member session expired; removing it from the group',
    );
    this.removeMemberAndUpdateGroup(group, member, `member ${member.memberId} session expired`);
  }

  onPendingMemberExpired(group: ClassicGroup, memberId: string): void {
    if (!group.clearPendingMember(memberId)) return;
    this.ctx.logger.info({ group: group.groupId, member: memberId }, 'pending member did not rejoin in time; removed');
    this.tryCompleteJoin(group);
  }

  /** Writes the group's metadata record (members, generation, assignments); false when the write failed. */
  async storeGroup(group: ClassicGroup, assignments: ReadonlyMap<string, Buffer>): Promise<boolean> {
    const value = groupMetadataValue(groupMetadataSnapshot(group, assignments));
    try {
      await this.ctx.offsetsTopic.append(group.groupId, [{ key: groupMetadataKey(group.groupId), value }]);
      return true;
    } catch (err) {
      this.ctx.logger.error({ group: group.groupId, err }, 'could not write group metadata');
      return false;
    }
  }
}
