// A KIP-848 consumer group: the broker computes a target assignment per group epoch and moves each member towards
// it. A partition changes owner only after its previous owner has confirmed revoking it, so no partition is ever
// consumed by two members at once. This file holds the state and the per-member reconciliation rules.
import type { RawTaggedField } from '../../codecs/primitives/raw-tagged-fields';
import type { MemberProtocol } from './classic-member';
import { CONSUMER_PROTOCOL_TYPE } from './consumer-protocol';
import { countPartitions, DEFAULT_SERVER_ASSIGNOR, TopicAssignment } from './server-assignors';

export type ConsumerGroupState = 'Empty' | 'Assigning' | 'Reconciling' | 'Stable';

/**
 * What a member that speaks the classic protocol (JoinGroup/SyncGroup/Heartbeat) inside a consumer group declared
 * in its last JoinGroup: Kafka's ClassicMemberMetadata, stored with the member.
 */
export interface ClassicMemberMetadata {
  readonly sessionTimeoutMs: number;
  /** In the member's order of preference; every one carries the same subscription. */
  readonly protocols: readonly MemberProtocol[];
}

/** stable: has its target; unrevoked: must give partitions up first; unreleased: waits for partitions others hold. */
export type MemberReconciliation = 'stable' | 'unrevoked' | 'unreleased';

export class ConsumerMember {
  memberEpoch = 0;
  previousMemberEpoch = -1;
  reconciliation: MemberReconciliation = 'stable';
  assigned: TopicAssignment = new Map();
  pendingRevocation: TopicAssignment = new Map();
  /**
   * The member epoch at which each partition it holds (assigned or pending revocation) was given to it (KIP-1251):
   * a commit with an older member epoch is accepted for a partition held since that epoch or before.
   */
  assignmentEpochs = new Map<string, Map<number, number>>();
  subscribedTopicNames: readonly string[] = [];
  /** A KIP-848 regular-expression subscription; "" for none, as Kafka stores it. */
  subscribedTopicRegex = '';
  serverAssignor: string | null = null;
  rackId: string | null = null;
  rebalanceTimeoutMs = -1;
  sessionTimer: NodeJS.Timeout | null = null;
  revocationTimer: NodeJS.Timeout | null = null;
  /** What the member was last sent, so unchanged assignments are not repeated in every response. */
  lastSentAssignment: string | null = null;
  /** Set for a member that uses the classic protocol (a group upgraded online, or joined by JoinGroup). */
  classic: ClassicMemberMetadata | null = null;
  /** A classic member told to rejoin must send JoinGroup within its rebalance timeout. */
  joinTimer: NodeJS.Timeout | null = null;
  /** A classic member that joined must send SyncGroup within its rebalance timeout. */
  syncTimer: NodeJS.Timeout | null = null;
  /**
   * Tagged fields Eddy does not know in the member's stored records (written by a newer broker), written back with
   * them. Kafka drops them when it rewrites a member; Eddy keeps them.
   */
  storedTags: { metadata?: readonly RawTaggedField[]; assignment?: readonly RawTaggedField[]; target?: readonly RawTaggedField[] } = {};

  constructor(
    readonly memberId: string,
    readonly instanceId: string | null,
    public clientId: string,
    public clientHost: string,
  ) {}

  clearTimers(): void {
    if (this.sessionTimer) clearTimeout(this.sessionTimer);
    if (this.revocationTimer) clearTimeout(this.revocationTimer);
    if (this.joinTimer) clearTimeout(this.joinTimer);
    if (this.syncTimer) clearTimeout(this.syncTimer);
    this.sessionTimer = null;
    this.revocationTimer = null;
    this.joinTimer = null;
    this.syncTimer = null;
  }
}

export class ConsumerGroup {
  groupEpoch = 0;
  assignmentEpoch = 0;
  readonly members = new Map<string, ConsumerMember>();
  targetAssignment = new Map<string, TopicAssignment>();
  /** Subscribed topics with their partition counts when the target was last computed; a change bumps the epoch. */
  metadataSignature = '';
  /** Each subscribed regular expression with the topic names it matched when last resolved. */
  readonly resolvedRegexes = new Map<string, ReadonlySet<string>>();
  /** When the regular expressions were last resolved (ms since the epoch; 0: never). */
  lastRegexRefreshMs = 0;
  /** A resolution runs after the heartbeat that asked for it, as Kafka resolves them off the request path. */
  regexRefreshPending = false;
  /** Tagged fields Eddy does not know in the group's epoch and target-epoch records, written back with them. */
  storedTags: { groupEpoch?: readonly RawTaggedField[]; targetEpoch?: readonly RawTaggedField[] } = {};

  constructor(readonly groupId: string) {}

  state(): ConsumerGroupState {
    if (this.members.size === 0) return 'Empty';
    if (this.groupEpoch > this.assignmentEpoch) return 'Assigning';
    for (const m of this.members.values()) {
      if (m.memberEpoch !== this.assignmentEpoch || m.reconciliation !== 'stable') return 'Reconciling';
    }
    return 'Stable';
  }

  /** The assignor most members ask for (Kafka's rule), "uniform" when none asks. */
  preferredAssignor(): string {
    const votes = new Map<string, number>();
    for (const m of this.members.values()) {
      if (m.serverAssignor !== null) votes.set(m.serverAssignor, (votes.get(m.serverAssignor) ?? 0) + 1);
    }
    let best = DEFAULT_SERVER_ASSIGNOR;
    let bestVotes = 0;
    for (const [name, n] of votes) {
      if (n > bestVotes) {
        best = name;
        bestVotes = n;
      }
    }
    return best;
  }

  /** The topics a member subscribes to: its names and what its regular expression resolved to. */
  memberTopicNames(member: ConsumerMember): Set<string> {
    const names = new Set(member.subscribedTopicNames);
    if (member.subscribedTopicRegex !== '') for (const t of this.resolvedRegexes.get(member.subscribedTopicRegex) ?? []) names.add(t);
    return names;
  }

  subscribedTopicNames(): Set<string> {
    const names = new Set<string>();
    for (const m of this.members.values()) for (const t of this.memberTopicNames(m)) names.add(t);
    return names;
  }

  /** The regular expressions the members subscribe to. */
  subscribedRegexes(): Set<string> {
    const out = new Set<string>();
    for (const m of this.members.values()) if (m.subscribedTopicRegex !== '') out.add(m.subscribedTopicRegex);
    return out;
  }

  /** How many members, other than `except`, subscribe to the regular expression. */
  regexSubscribers(regex: string, except: ConsumerMember | null = null): number {
    let n = 0;
    for (const m of this.members.values()) if (m !== except && m.subscribedTopicRegex === regex) n += 1;
    return n;
  }

  /** Puts a copy of `old` under a new member id, with its assignment and its place in the target assignment. */
  replaceMember(old: ConsumerMember, memberId: string): ConsumerMember {
    const member = new ConsumerMember(memberId, old.instanceId, old.clientId, old.clientHost);
    member.assigned = old.assigned;
    member.pendingRevocation = old.pendingRevocation;
    member.assignmentEpochs = old.assignmentEpochs;
    member.reconciliation = old.reconciliation;
    member.subscribedTopicNames = old.subscribedTopicNames;
    member.subscribedTopicRegex = old.subscribedTopicRegex;
    member.serverAssignor = old.serverAssignor;
    member.rackId = old.rackId;
    member.rebalanceTimeoutMs = old.rebalanceTimeoutMs;
    member.classic = old.classic;
    member.storedTags = old.storedTags;
    member.previousMemberEpoch = 0;
    this.members.delete(old.memberId);
    this.members.set(memberId, member);
    const target = this.targetAssignment.get(old.memberId);
    this.targetAssignment.delete(old.memberId);
    if (target) this.targetAssignment.set(memberId, target);
    return member;
  }

  /** How many members use the classic protocol. */
  classicMemberCount(): number {
    let n = 0;
    for (const m of this.members.values()) if (m.classic !== null) n += 1;
    return n;
  }

  /**
   * Whether a classic member with these protocols may join (Kafka's supportsClassicProtocols): the consumer
   * protocol type, and one protocol name every classic member already supports (any, while there is none).
   */
  supportsClassicProtocols(protocolType: string, names: readonly string[]): boolean {
    if (protocolType !== CONSUMER_PROTOCOL_TYPE) return false;
    const classicMembers = [...this.members.values()].filter((m) => m.classic !== null);
    if (this.members.size === 0 || classicMembers.length === 0) return names.length > 0;
    return names.some((name) => classicMembers.every((m) => m.classic?.protocols.some((p) => p.name === name)));
  }

  /** Whether another member still holds (or has yet to revoke) the partition. */
  isHeldByOther(memberId: string, topicId: string, partition: number): boolean {
    for (const m of this.members.values()) {
      if (m.memberId === memberId) continue;
      if (m.assigned.get(topicId)?.has(partition) || m.pendingRevocation.get(topicId)?.has(partition)) return true;
    }
    return false;
  }
}

function intersect(a: TopicAssignment, b: TopicAssignment): TopicAssignment {
  const out: TopicAssignment = new Map();
  for (const [t, ps] of a) {
    const other = b.get(t);
    if (!other) continue;
    const kept = [...ps].filter((p) => other.has(p));
    if (kept.length > 0) out.set(t, new Set(kept));
  }
  return out;
}

function minus(a: TopicAssignment, b: TopicAssignment): TopicAssignment {
  const out: TopicAssignment = new Map();
  for (const [t, ps] of a) {
    const other = b.get(t);
    const left = [...ps].filter((p) => !other?.has(p));
    if (left.length > 0) out.set(t, new Set(left));
  }
  return out;
}

function union(a: TopicAssignment, b: TopicAssignment): TopicAssignment {
  const out: TopicAssignment = new Map();
  for (const src of [a, b]) {
    for (const [t, ps] of src) {
      let set = out.get(t);
      if (!set) out.set(t, (set = new Set()));
      for (const p of ps) set.add(p);
    }
  }
  return out;
}

function addPartition(a: TopicAssignment, topicId: string, partition: number): void {
  let set = a.get(topicId);
  if (!set) a.set(topicId, (set = new Set()));
  set.add(partition);
}

/** Whether two subscriptions name the same topics, in any order. */
export function sameNames(a: readonly string[], b: readonly string[]): boolean {
  if (a.length !== b.length) return false;
  const set = new Set(a);
  return b.every((x) => set.has(x));
}

export function isSubset(a: TopicAssignment, b: TopicAssignment): boolean {
  return countPartitions(minus(a, b)) === 0;
}

/** A canonical string of an assignment, to tell whether it changed. */
export function assignmentSignature(a: TopicAssignment): string {
  return [...a]
    .filter(([, ps]) => ps.size > 0)
    .sort(([x], [y]) => (x < y ? -1 : 1))
    .map(([t, ps]) => `${t}:${[...ps].sort((x, y) => x - y).join(',')}`)
    .join(';');
}

/**
 * Moves a member one step towards its target (Kafka's CurrentAssignmentBuilder): first it must revoke what the
 * target takes away (its epoch stays until it confirms, by reporting owned partitions without them); then it
 * receives the new epoch and every target partition no other member still holds.
 */
export function reconcileMember(group: ConsumerGroup, member: ConsumerMember, owned: TopicAssignment | null): void {
  if (member.reconciliation === 'unrevoked') {
    const revoked = owned !== null && isSubset(owned, member.assigned);
    if (!revoked) return;
    member.pendingRevocation = new Map();
    member.reconciliation = 'stable';
    syncAssignmentEpochs(member, member.memberEpoch);
  }
  const target = group.targetAssignment.get(member.memberId) ?? new Map<string, Set<number>>();
  const toRevoke = minus(member.assigned, target);
  // A member whose reported partitions no longer include them has nothing to revoke (e.g. one rejoining at epoch 0).
  const stillOwned = owned === null ? toRevoke : intersect(owned, toRevoke);
  if (countPartitions(stillOwned) > 0) {
    member.assigned = intersect(member.assigned, target);
    member.pendingRevocation = toRevoke;
    member.reconciliation = 'unrevoked';
    return;
  }
  member.assigned = intersect(member.assigned, target);
  const wanted = minus(target, member.assigned);
  const free: TopicAssignment = new Map();
  let waiting = false;
  for (const [t, ps] of wanted) {
    for (const p of ps) {
      if (group.isHeldByOther(member.memberId, t, p)) waiting = true;
      else addPartition(free, t, p);
    }
  }
  member.assigned = union(member.assigned, free);
  if (member.memberEpoch !== group.assignmentEpoch) {
    member.previousMemberEpoch = member.memberEpoch;
    member.memberEpoch = group.assignmentEpoch;
  }
  member.reconciliation = waiting ? 'unreleased' : 'stable';
  // What the member receives now is held from the target's epoch; what it keeps, from when it first got it.
  syncAssignmentEpochs(member, group.assignmentEpoch);
}

/**
 * Keeps the member's assignment epochs in step with what it holds: a partition it no longer holds loses its epoch,
 * one it holds without an epoch gets `epochForNew` (never negative: a static member away at -2 holds from 0).
 */
export function syncAssignmentEpochs(member: ConsumerMember, epochForNew: number): void {
  const held = union(member.assigned, member.pendingRevocation);
  const epochs = new Map<string, Map<number, number>>();
  for (const [topicId, partitions] of held) {
    const before = member.assignmentEpochs.get(topicId);
    const byPartition = new Map<number, number>();
    for (const p of partitions) byPartition.set(p, before?.get(p) ?? Math.max(epochForNew, 0));
    if (byPartition.size > 0) epochs.set(topicId, byPartition);
  }
  member.assignmentEpochs = epochs;
}

/** The epoch from which the member holds the partition (assigned or pending revocation); undefined when it does not. */
export function heldSinceEpoch(member: ConsumerMember, topicId: string, partition: number): number | undefined {
  const held = member.assigned.get(topicId)?.has(partition) === true || member.pendingRevocation.get(topicId)?.has(partition) === true;
  return held ? (member.assignmentEpochs.get(topicId)?.get(partition) ?? Math.max(member.memberEpoch, 0)) : undefined;
}
