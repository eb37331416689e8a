// SyncGroup, Heartbeat and LeaveGroup for classic groups: the leader's assignment is stored and handed out,
// heartbeats keep sessions alive (and tell members to rejoin during a rebalance), and leaving members, including
// static members removed by an admin by instance id alone (KIP-345), are taken out of the group.
import { ErrorCode } from '../../codecs/protocol/errors';
import type { ClassicGroup } from './classic-group';
import { EMPTY_BUFFER, SyncResult, syncError } from './classic-member';
import { ClassicGroupsContext, ClassicRebalancer, membershipRequestError } from './classic-rebalance';
import type { HeartbeatParams, LeaveGroupResult, LeavingMember, SyncGroupParams } from './classic-requests';

export type { HeartbeatParams, LeaveGroupResult, LeavingMember, SyncGroupParams } from './classic-requests';

export class ClassicMembership {
  constructor(
    private readonly ctx: ClassicGroupsContext,
    private readonly rebalance: ClassicRebalancer,
  ) {}

  heartbeat(p: HeartbeatParams): number {
    const refused = membershipRequestError(this.ctx, p.groupId);
    if (refused !== ErrorCode.NONE) return refused;
    if (this.ctx.consumerGroups.classic.serves(p.groupId)) return this.ctx.consumerGroups.classic.heartbeat(p);
    const group = this.ctx.groups.get(p.groupId);
    if (!group) return ErrorCode.UNKNOWN_MEMBER_ID;
    if (group.is('Dead')) return ErrorCode.COORDINATOR_NOT_AVAILABLE;
    if (group.isStaticMemberFenced(p.groupInstanceId, p.memberId)) return ErrorCode.FENCED_INSTANCE_ID;
    if (group.isUnknownStaticInstance(p.groupInstanceId)) return ErrorCode.UNKNOWN_MEMBER_ID;
    const member = group.members.get(p.memberId);
    if (!member) return ErrorCode.UNKNOWN_MEMBER_ID;
    if (p.generationId !== group.generationId) return ErrorCode.ILLEGAL_GENERATION;
    switch (group.state) {
      case 'Empty':
        return ErrorCode.UNKNOWN_MEMBER_ID;
      case 'CompletingRebalance':
      case 'Stable':
        this.rebalance.scheduleHeartbeatExpiry(group, member, member.sessionTimeoutMs);
        return ErrorCode.NONE;
      case 'PreparingRebalance':
        // The answer that tells a member to rejoin.
        this.rebalance.scheduleHeartbeatExpiry(group, member, member.sessionTimeoutMs);
        return ErrorCode.REBALANCE_IN_PROGRESS;
      case 'Dead':
        return ErrorCode.COORDINATOR_NOT_AVAILABLE;
    }
  }

  leaveGroup(groupId: string, leaving: readonly LeavingMember[]): LeaveGroupResult {
    const refused = membershipRequestError(this.ctx, groupId);
    if (refused !== ErrorCode.NONE) return { errorCode: refused, members: [] };
    if (this.ctx.consumerGroups.classic.serves(groupId)) return this.ctx.consumerGroups.classic.leave(groupId, leaving);
    const group = this.ctx.groups.get(groupId);
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
      this.rebalance.removeMemberAndUpdateGroup(group, group.get(current), reason);
      return ErrorCode.NONE;
    }
    if (group.isPendingMember(m.memberId)) {
      group.clearPendingMember(m.memberId);
      this.rebalance.tryCompleteJoin(group);
      return ErrorCode.NONE;
    }
    if (group.isStaticMemberFenced(m.groupInstanceId, m.memberId)) return ErrorCode.FENCED_INSTANCE_ID;
    const member = group.members.get(m.memberId);
    if (!member) return ErrorCode.UNKNOWN_MEMBER_ID;
    this.ctx.logger.info({ group: group.groupId, member: m.memberId, reason: m.reason }, 'member left the group');
    this.rebalance.removeMemberAndUpdateGroup(group, member, reason);
    return ErrorCode.NONE;
  }

  syncGroup(p: SyncGroupParams): Promise<SyncResult> {
    const refused = membershipRequestError(this.ctx, p.groupId);
    if (refused === ErrorCode.NONE && this.ctx.consumerGroups.classic.serves(p.groupId)) return this.ctx.consumerGroups.classic.sync(p);
    return new Promise((resolve) => this.doSyncGroup(p, resolve));
  }

  private doSyncGroup(p: SyncGroupParams, respond: (r: SyncResult) => void): void {
    const refused = membershipRequestError(this.ctx, p.groupId);
    if (refused !== ErrorCode.NONE) return respond(syncError(refused));
    const group = this.ctx.groups.get(p.groupId);
    if (!group) return respond(syncError(ErrorCode.UNKNOWN_MEMBER_ID));
    if (group.is('Dead')) return respond(syncError(ErrorCode.COORDINATOR_NOT_AVAILABLE));
    if (group.isStaticMemberFenced(p.groupInstanceId, p.memberId)) return respond(syncError(ErrorCode.FENCED_INSTANCE_ID));
    if (group.isUnknownStaticInstance(p.groupInstanceId)) return respond(syncError(ErrorCode.UNKNOWN_MEMBER_ID));
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
        this.rebalance.scheduleHeartbeatExpiry(group, member, member.sessionTimeoutMs);
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
      this.ctx.logger.warn({ group: group.groupId, generation, members: missing }, 'leader sent no assignment for some members; they get an empty one');
    }
    this.ctx.logger.info({ group: group.groupId, generation, leader: p.memberId, members: group.size }, 'assignment received from leader');
    const stored = await this.rebalance.storeGroup(group, assignments);
    // Another member may have joined while the write was in flight; then this generation is already over.
    if (!group.is('CompletingRebalance') || group.generationId !== generation) return;
    if (!stored) {
      this.rebalance.resetAndPropagateAssignmentError(group, ErrorCode.COORDINATOR_NOT_AVAILABLE);
      this.rebalance.maybePrepareRebalance(group, 'error storing the group assignment');
      return;
    }
    for (const [id, assignment] of assignments) {
      const m = group.members.get(id);
      if (m) m.assignment = assignment;
    }
    this.rebalance.propagateAssignment(group, ErrorCode.NONE);
    group.transitionTo('Stable', this.ctx.now());
  }
}
