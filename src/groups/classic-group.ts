// A classic group's state: members, generation, chosen protocol, leader, and its committed offsets. The rules
// that move it between states live in group-coordinator.ts; this class keeps the bookkeeping consistent.
import { canTransition, ClassicGroupState } from './group-state';
import { ClassicMember, JoinResultMember, MemberProtocol } from './classic-member';
import { CONSUMER_PROTOCOL_TYPE, subscribedTopicsOf } from './consumer-protocol';

export interface CommittedOffset {
  readonly offset: bigint;
  readonly leaderEpoch: number;
  readonly metadata: string;
  /** ms since the epoch */
  readonly commitTimestamp: bigint;
  /** Explicit expiry from OffsetCommit v2-4 retention_time_ms, if the client set one. */
  readonly expireTimestamp: bigint | null;
}

export class ClassicGroup {
  state: ClassicGroupState = 'Empty';
  generationId = 0;
  /** null for a group that only stores offsets (a "simple" consumer group, or one created by an admin commit). */
  protocolType: string | null = null;
  protocolName: string | null = null;
  leaderId: string | null = null;
  /** When the group last changed state; offsets of an Empty group expire counting from here. */
  currentStateTimestamp: number | null;
  readonly members = new Map<string, ClassicMember>();
  /** group.instance.id -> member id (KIP-345 static members) */
  readonly staticMembers = new Map<string, string>();
  /** Member ids handed out with MEMBER_ID_REQUIRED that have not joined yet, with their expiry timers. */
  readonly pendingMembers = new Map<string, NodeJS.Timeout>();
  /** Members that got their JoinGroup response but have not sent SyncGroup yet. */
  readonly pendingSyncMembers = new Set<string>();
  /** Set when a member joins a brand-new group during the initial rebalance delay, which then waits longer. */
  newMemberAdded = false;
  joinTimer: NodeJS.Timeout | null = null;
  /** The running join timer is the initial-delay kind, which only its own expiry may complete. */
  joinIsInitial = false;
  syncTimer: NodeJS.Timeout | null = null;
  /** topic -> partition -> committed offset */
  readonly offsets = new Map<string, Map<number, CommittedOffset>>();

  constructor(
    readonly groupId: string,
    now: number,
  ) {
    this.currentStateTimestamp = now;
  }

  transitionTo(next: ClassicGroupState, now: number): void {
    if (!canTransition(this.state, next)) {
      throw new Error(`group ${this.groupId} cannot go from ${this.state} to ${next}`);
    }
    this.state = next;
    this.currentStateTimestamp = now;
  }

  is(state: ClassicGroupState): boolean {
    return this.state === state;
  }

  has(memberId: string): boolean {
    return this.members.has(memberId);
  }

  get(memberId: string): ClassicMember {
    const m = this.members.get(memberId);
    if (!m) throw new Error(`member ${memberId} is not in group ${this.groupId}`);
    return m;
  }

  get size(): number {
    return this.members.size;
  }

  isLeader(memberId: string): boolean {
    return this.leaderId === memberId;
  }

  add(member: ClassicMember): void {
    if (this.members.size === 0) this.protocolType = member.protocolType;
    if (this.leaderId === null) this.leaderId = member.memberId;
    this.members.set(member.memberId, member);
    if (member.groupInstanceId !== null) this.staticMembers.set(member.groupInstanceId, member.memberId);
    this.clearPendingMember(member.memberId);
  }

  remove(memberId: string): ClassicMember | undefined {
    const member = this.members.get(memberId);
    if (!member) return undefined;
    member.clearHeartbeatTimer();
    this.members.delete(memberId);
    this.pendingSyncMembers.delete(memberId);
    if (member.groupInstanceId !== null && this.staticMembers.get(member.groupInstanceId) === memberId) {
      this.staticMembers.delete(member.groupInstanceId);
    }
    if (this.isLeader(memberId)) {
      const next = this.members.keys().next();
      this.leaderId = next.done ? null : next.value;
    }
    return member;
  }

  addPendingMember(memberId: string, timer: NodeJS.Timeout): void {
    this.pendingMembers.set(memberId, timer);
  }

  isPendingMember(memberId: string): boolean {
    return this.pendingMembers.has(memberId);
  }

  clearPendingMember(memberId: string): boolean {
    const timer = this.pendingMembers.get(memberId);
    if (timer === undefined) return false;
    clearTimeout(timer);
    this.pendingMembers.delete(memberId);
    return true;
  }

  currentStaticMemberId(groupInstanceId: string): string | undefined {
    return this.staticMembers.get(groupInstanceId);
  }

  /** A static member id that does not match the member currently registered for that instance id. */
  isStaticMemberFenced(groupInstanceId: string | null, memberId: string): boolean {
    if (groupInstanceId === null) return false;
    const current = this.staticMembers.get(groupInstanceId);
    return current !== undefined && current !== memberId;
  }

  /** A static identity no member holds: Kafka's validateMember takes its bearer for an unknown member. */
  isUnknownStaticInstance(groupInstanceId: string | null): boolean {
    return groupInstanceId !== null && !this.staticMembers.has(groupInstanceId);
  }

  /** Moves a static member to a fresh member id (a restarted instance); the old id is fenced. */
  replaceStaticMember(groupInstanceId: string, oldMemberId: string, newMemberId: string): ClassicMember {
    const member = this.members.get(oldMemberId);
    if (!member) throw new Error(`static member ${oldMemberId} is not in group ${this.groupId}`);
    this.members.delete(oldMemberId);
    member.memberId = newMemberId;
    this.members.set(newMemberId, member);
    if (this.leaderId === oldMemberId) this.leaderId = newMemberId;
    if (this.pendingSyncMembers.delete(oldMemberId)) this.pendingSyncMembers.add(newMemberId);
    this.staticMembers.set(groupInstanceId, newMemberId);
    return member;
  }

  /** Protocols every current member supports. */
  candidateProtocols(): Set<string> {
    const counts = new Map<string, number>();
    for (const m of this.members.values()) for (const p of m.protocols) counts.set(p.name, (counts.get(p.name) ?? 0) + 1);
    const all = new Set<string>();
    for (const [name, n] of counts) if (n === this.members.size) all.add(name);
    return all;
  }

  /** Kafka's rule: every member votes for its most preferred candidate; the most votes win. */
  selectProtocol(): string {
    if (this.members.size === 0) throw new Error(`cannot select a protocol for empty group ${this.groupId}`);
    const candidates = this.candidateProtocols();
    const votes = new Map<string, number>();
    for (const m of this.members.values()) {
      const choice = m.vote(candidates);
      votes.set(choice, (votes.get(choice) ?? 0) + 1);
    }
    let best = '';
    let bestVotes = -1;
    for (const [name, n] of votes) {
      if (n > bestVotes) {
        best = name;
        bestVotes = n;
      }
    }
    return best;
  }

  /** Whether a joining member's protocol type and protocols fit the group. */
  supportsProtocols(protocolType: string, protocols: readonly MemberProtocol[]): boolean {
    if (this.members.size === 0) return protocolType !== '' && protocols.length > 0;
    if (this.protocolType !== protocolType) return false;
    const candidates = this.candidateProtocols();
    return protocols.some((p) => candidates.has(p.name));
  }

  numAwaitingJoin(): number {
    let n = 0;
    for (const m of this.members.values()) if (m.isAwaitingJoin) n++;
    return n;
  }

  hasAllMembersJoined(): boolean {
    return this.members.size === this.numAwaitingJoin() && this.pendingMembers.size === 0;
  }

  notYetRejoinedMembers(): ClassicMember[] {
    return [...this.members.values()].filter((m) => !m.isAwaitingJoin);
  }

  /** If the leader has not rejoined, hand leadership to a member that has; false when none has. */
  maybeElectNewJoinedLeader(): boolean {
    if (this.leaderId === null) return false;
    const leader = this.members.get(this.leaderId);
    if (leader?.isAwaitingJoin) return true;
    for (const m of this.members.values()) {
      if (m.isAwaitingJoin) {
        this.leaderId = m.memberId;
        return true;
      }
    }
    return false;
  }

  /** The longest rebalance timeout among the members: how long a rebalance may wait for all to rejoin. */
  rebalanceTimeoutMs(): number {
    let max = 0;
    for (const m of this.members.values()) max = Math.max(max, m.rebalanceTimeoutMs);
    return max;
  }

  /** What the leader receives in its JoinGroup response. */
  currentMemberMetadata(): JoinResultMember[] {
    const protocol = this.protocolName;
    if (protocol === null) throw new Error(`group ${this.groupId} has no protocol selected`);
    return [...this.members.values()].map((m) => ({
      memberId: m.memberId,
      groupInstanceId: m.groupInstanceId,
      metadata: m.metadataFor(protocol),
    }));
  }

  initNextGeneration(now: number): void {
    this.generationId += 1;
    if (this.members.size > 0) {
      this.protocolName = this.selectProtocol();
      this.transitionTo('CompletingRebalance', now);
      this.pendingSyncMembers.clear();
      for (const id of this.members.keys()) this.pendingSyncMembers.add(id);
    } else {
      this.protocolName = null;
      this.transitionTo('Empty', now);
      this.pendingSyncMembers.clear();
    }
  }

  /**
   * Topics the consumers subscribe to, for consumer-protocol groups with a chosen protocol; null when unknown
   * (not a consumer group, or metadata that cannot be read), which callers treat as "possibly any topic".
   */
  subscribedTopics(): Set<string> | null {
    if (this.members.size === 0) return new Set();
    if (this.protocolType !== CONSUMER_PROTOCOL_TYPE || this.protocolName === null) return null;
    const topics = new Set<string>();
    for (const m of this.members.values()) {
      const p = m.protocols.find((x) => x.name === this.protocolName);
      if (!p) return null;
      const subscribed = subscribedTopicsOf(p.metadata);
      if (subscribed === null) return null;
      for (const t of subscribed) topics.add(t);
    }
    return topics;
  }

  isSubscribedToTopic(topic: string): boolean {
    const topics = this.subscribedTopics();
    return topics === null || topics.has(topic);
  }

  hasOffsets(): boolean {
    return this.offsets.size > 0;
  }

  offset(topic: string, partition: number): CommittedOffset | undefined {
    return this.offsets.get(topic)?.get(partition);
  }

  setOffset(topic: string, partition: number, value: CommittedOffset): void {
    let byPartition = this.offsets.get(topic);
    if (!byPartition) {
      byPartition = new Map();
      this.offsets.set(topic, byPartition);
    }
    byPartition.set(partition, value);
  }

  deleteOffset(topic: string, partition: number): boolean {
    const byPartition = this.offsets.get(topic);
    if (!byPartition) return false;
    const deleted = byPartition.delete(partition);
    if (byPartition.size === 0) this.offsets.delete(topic);
    return deleted;
  }

  /**
   * Forgets every member and the generation, keeping the committed offsets: the group's members now live in a
   * consumer group (online upgrade), which shares the group id and these offsets.
   */
  clearMembership(now: number): void {
    this.clearTimers();
    this.members.clear();
    this.staticMembers.clear();
    this.pendingMembers.clear();
    this.pendingSyncMembers.clear();
    this.newMemberAdded = false;
    this.joinIsInitial = false;
    this.generationId = 0;
    this.protocolType = null;
    this.protocolName = null;
    this.leaderId = null;
    this.state = 'Empty';
    this.currentStateTimestamp = now;
  }

  clearTimers(): void {
    if (this.joinTimer) clearTimeout(this.joinTimer);
    if (this.syncTimer) clearTimeout(this.syncTimer);
    this.joinTimer = null;
    this.syncTimer = null;
    for (const t of this.pendingMembers.values()) clearTimeout(t);
    for (const m of this.members.values()) m.clearHeartbeatTimer();
  }
}
