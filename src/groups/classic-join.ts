// JoinGroup for classic groups: validating the request, creating the group, handing out member ids (KIP-394),
// static members taking over their slot after a restart (KIP-345, KIP-814), and deciding whether a join starts a
// rebalance. The answer is a promise that classic-rebalance.ts resolves once the join phase completes, as
// Kafka's delayed join does.
import { randomUUID } from 'crypto';
import { ErrorCode } from '../../codecs/protocol/errors';
import { ClassicGroup } from './classic-group';
import { ClassicMember, JoinResult, joinError, syncError } from './classic-member';
import { ClassicGroupsContext, ClassicRebalancer, membershipRequestError } from './classic-rebalance';
import type { JoinGroupParams } from './classic-requests';

export type { JoinGroupParams } from './classic-requests';

export class ClassicJoin {
  constructor(
    private readonly ctx: ClassicGroupsContext,
    private readonly rebalance: ClassicRebalancer,
  ) {}

  joinGroup(p: JoinGroupParams): Promise<JoinResult> {
    // A consumer group with members takes JoinGroup itself: the member joins it using the classic protocol.
    const refused = this.joinRefusal(p);
    if (refused !== ErrorCode.NONE) return Promise.resolve(joinError(refused, p.memberId));
    if (this.ctx.consumerGroups.classic.serves(p.groupId)) return this.ctx.consumerGroups.classic.join(p);
    return new Promise((resolve) => this.doJoinGroup(p, resolve));
  }

  private joinRefusal(p: JoinGroupParams): number {
    const refused = membershipRequestError(this.ctx, p.groupId);
    if (refused !== ErrorCode.NONE) return refused;
    if (p.sessionTimeoutMs < this.ctx.config.minSessionTimeoutMs || p.sessionTimeoutMs > this.ctx.config.maxSessionTimeoutMs) {
      return ErrorCode.INVALID_SESSION_TIMEOUT;
    }
    return ErrorCode.NONE;
  }

  private doJoinGroup(p: JoinGroupParams, respond: (r: JoinResult) => void): void {
    const consumerTombstones = this.ctx.consumerGroups.dropIfEmpty(p.groupId);
    if (consumerTombstones !== null && consumerTombstones.length > 0) {
      this.ctx.offsetsTopic
        .append(p.groupId, consumerTombstones)
        .catch((err: unknown) => this.ctx.logger.error({ group: p.groupId, err }, 'could not write consumer group tombstones'));
    }
    const isUnknownMember = p.memberId === '';
    let group = this.ctx.groups.get(p.groupId);
    if (!group) {
      // Only a member without an id may create a group; a known id for a missing group is stale.
      if (!isUnknownMember) return respond(joinError(ErrorCode.UNKNOWN_MEMBER_ID, p.memberId));
      group = new ClassicGroup(p.groupId, this.ctx.now());
      this.ctx.groups.set(p.groupId, group);
    }
    if (!this.acceptJoiningMember(group, p.memberId)) {
      const member = group.members.get(p.memberId);
      if (member) this.rebalance.removeMemberAndUpdateGroup(group, member, 'the group is at group.max.size');
      respond(joinError(ErrorCode.GROUP_MAX_SIZE_REACHED, ''));
    } else if (isUnknownMember) {
      this.joinNewMember(group, p, respond);
    } else {
      this.joinExistingMember(group, p, respond);
    }
    if (group.is('PreparingRebalance')) this.rebalance.tryCompleteJoin(group);
  }

  private acceptJoiningMember(group: ClassicGroup, memberId: string): boolean {
    const max = this.ctx.config.maxGroupSize;
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
      const timer = setTimeout(() => this.rebalance.onPendingMemberExpired(group, newMemberId), p.sessionTimeoutMs);
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
          return respond(this.rebalance.joinResultFor(group, member));
        }
        return this.updateMemberAndRebalance(group, member, p, respond, reason);
      case 'Stable':
        // A leader rejoining asks for a new assignment (e.g. topic metadata changed); so does changed metadata.
        if (group.isLeader(member.memberId) || !member.matches(p.protocols)) {
          return this.updateMemberAndRebalance(group, member, p, respond, reason);
        }
        return respond({ ...this.rebalance.joinResultFor(group, member), members: [] });
      case 'Empty':
      case 'Dead':
        return respond(joinError(ErrorCode.UNKNOWN_MEMBER_ID, p.memberId));
    }
  }

  private addMemberAndRebalance(group: ClassicGroup, memberId: string, p: JoinGroupParams, respond: (r: JoinResult) => void): void {
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
    this.rebalance.scheduleHeartbeatExpiry(group, member, this.ctx.config.newMemberJoinTimeoutMs);
    this.rebalance.maybePrepareRebalance(group, `adding new member ${memberId}${p.reason ? ` (${p.reason})` : ''}`);
  }

  private updateMember(member: ClassicMember, p: JoinGroupParams, respond: (r: JoinResult) => void): void {
    member.protocols = p.protocols;
    member.rebalanceTimeoutMs = this.rebalanceTimeoutOf(p);
    member.sessionTimeoutMs = p.sessionTimeoutMs;
    // A second JoinGroup for the same member replaces the first (its connection is most likely gone).
    member.completeJoin(joinError(ErrorCode.REBALANCE_IN_PROGRESS, member.memberId));
    member.awaitingJoin = respond;
  }

  private updateMemberAndRebalance(group: ClassicGroup, member: ClassicMember, p: JoinGroupParams, respond: (r: JoinResult) => void, reason: string): void {
    this.updateMember(member, p, respond);
    this.rebalance.maybePrepareRebalance(group, reason);
  }

  /** A known static member restarted with no member id: it takes over its old slot under a new id (KIP-345). */
  private replaceStaticMember(group: ClassicGroup, oldMemberId: string, newMemberId: string, p: JoinGroupParams, respond: (r: JoinResult) => void): void {
    const instanceId = p.groupInstanceId as string;
    const previousLeader = group.leaderId ?? '';
    const wasLeader = group.isLeader(oldMemberId);
    const old = group.get(oldMemberId);
    // Whoever still waits under the old id is a zombie duplicate of this instance.
    old.completeJoin(joinError(ErrorCode.FENCED_INSTANCE_ID, oldMemberId));
    old.completeSync(syncError(ErrorCode.FENCED_INSTANCE_ID));
    const member = group.replaceStaticMember(instanceId, oldMemberId, newMemberId);
    this.rebalance.scheduleHeartbeatExpiry(group, member, member.sessionTimeoutMs);
    const oldProtocols = member.protocols;
    this.updateMember(member, p, respond);
    switch (group.state) {
      case 'Stable': {
        if (group.protocolName !== null && group.selectProtocol() === group.protocolName) {
          const generation = group.generationId;
          const assignments = new Map([...group.members.values()].map((m) => [m.memberId, m.assignment]));
          void this.rebalance.storeGroup(group, assignments).then((ok) => {
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
          this.rebalance.maybePrepareRebalance(group, `static member ${instanceId} rejoined with different protocols`);
        }
        return;
      }
      case 'CompletingRebalance':
        // The leader may already be assigning to the old id; start over so the new id gets an assignment.
        this.rebalance.prepareRebalance(group, `static member ${instanceId} rejoined during CompletingRebalance`);
        return;
      case 'PreparingRebalance':
        return;
      case 'Empty':
      case 'Dead':
        throw new Error(`static member ${instanceId} found in ${group.state} group ${group.groupId}`);
    }
  }
}
