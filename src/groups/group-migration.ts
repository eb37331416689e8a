// Online migration between the classic and the consumer (KIP-848) group protocols, as Kafka 4 does it
// (group.consumer.migration.policy, default bidirectional). Upgrade: a ConsumerGroupHeartbeat joining a classic
// group that has members turns it into a consumer group at the classic generation; every classic member keeps its
// partitions and epoch, and goes on with JoinGroup/SyncGroup/Heartbeat (consumer-group-classic.ts). Downgrade: when
// the last member using the consumer protocol leaves or is fenced and classic members remain, the group becomes a
// classic group again at the group epoch, each member holding its target assignment, and rebalances. The classic
// group object keeps the committed offsets either way; only its membership moves.
import { ErrorCode } from '../../codecs/protocol/errors';
import { ClassicGroup } from './classic-group';
import { ClassicMember, joinError, syncError } from './classic-member';
import type { ClassicGroupsContext, ClassicRebalancer } from './classic-rebalance';
import { ConsumerGroup, ConsumerMember, syncAssignmentEpochs } from './consumer-group';
import { assignmentByTopicId, assignmentByTopicName } from './consumer-group-classic';
import type { KeyedRecord } from './consumer-group-records';
import type { ClassicGroupsBridge, TopicCatalog } from './consumer-group-types';
import { CONSUMER_PROTOCOL_TYPE, decodeAssignment, decodeSubscription, encodeAssignment } from './consumer-protocol';
import { groupMetadataKey, groupMetadataValue } from './coordinator-records';
import type { MigrationPolicy } from './group-config';
import { groupMetadataSnapshot } from './group-persistence';

/** Kafka's ConsumerGroup.fromClassicGroup: every member Stable at the generation, its target what it owns. */
export function consumerGroupFromClassic(classic: ClassicGroup, topics: TopicCatalog): ConsumerGroup {
  const group = new ConsumerGroup(classic.groupId);
  group.groupEpoch = classic.generationId;
  group.assignmentEpoch = classic.generationId;
  for (const c of classic.members.values()) {
    const metadata = classic.protocolName === null ? c.protocols[0]?.metadata : c.metadataFor(classic.protocolName);
    if (metadata === undefined) throw new Error(`member ${c.memberId} has no subscription`);
    const { subscription } = decodeSubscription(metadata);
    const member = new ConsumerMember(c.memberId, c.groupInstanceId, c.clientId, c.clientHost);
    member.memberEpoch = classic.generationId;
    member.previousMemberEpoch = classic.generationId;
    member.rackId = subscription.rackId;
    member.rebalanceTimeoutMs = c.rebalanceTimeoutMs;
    member.subscribedTopicNames = [...subscription.topics];
    member.assigned = assignmentByTopicId(decodeAssignment(c.assignment), topics);
    syncAssignmentEpochs(member, classic.generationId);
    member.classic = { sessionTimeoutMs: c.sessionTimeoutMs, protocols: c.protocols };
    group.members.set(member.memberId, member);
    group.targetAssignment.set(member.memberId, new Map([...member.assigned].map(([t, ps]) => [t, new Set(ps)])));
  }
  return group;
}

/** The consumer protocol version a member's subscription for the protocol was written in. */
function subscriptionVersion(member: ClassicMember, protocolName: string): number {
  const metadata = member.metadataFor(protocolName);
  return metadata.length >= 2 ? metadata.readInt16BE(0) : 0;
}

export class GroupMigration implements ClassicGroupsBridge {
  constructor(
    private readonly ctx: ClassicGroupsContext,
    private readonly rebalancer: ClassicRebalancer,
    private readonly topics: TopicCatalog,
    private readonly policy: MigrationPolicy,
  ) {}

  inUse(groupId: string): boolean {
    const g = this.ctx.groups.get(groupId);
    return g !== undefined && (!g.is('Empty') || g.size > 0 || g.pendingMembers.size > 0);
  }

  upgrade(groupId: string): { group: ConsumerGroup; records: KeyedRecord[] } | { refused: string } {
    const classic = this.ctx.groups.get(groupId);
    const notConsumer = { refused: `Group ${groupId} is not a consumer group.` };
    if (!classic || (this.policy !== 'bidirectional' && this.policy !== 'upgrade')) return notConsumer;
    if (classic.protocolType !== CONSUMER_PROTOCOL_TYPE || classic.size > this.ctx.config.consumer.maxGroupSize) return notConsumer;
    let group: ConsumerGroup;
    try {
      group = consumerGroupFromClassic(classic, this.topics);
    } catch {
      return { refused: `Cannot upgrade the classic group ${groupId} to consumer group because the embedded consumer protocol is malformed.` };
    }
    // Whoever waits in the classic rebalance must rejoin, now as a classic member of the consumer group.
    for (const m of classic.members.values()) {
      m.completeJoin(joinError(ErrorCode.REBALANCE_IN_PROGRESS, m.memberId));
      m.completeSync(syncError(ErrorCode.REBALANCE_IN_PROGRESS));
    }
    classic.clearMembership(this.ctx.now());
    return { group, records: [{ key: groupMetadataKey(groupId), value: null }] };
  }

  /** Kafka's validateOnlineDowngradeWithFencedMember. */
  downgradable(group: ConsumerGroup, leaving: ConsumerMember | null): boolean {
    const remaining = leaving === null ? group.members.size : group.members.size - 1;
    if (leaving?.classic != null || group.classicMemberCount() !== remaining || remaining === 0) return false;
    if (this.policy !== 'bidirectional' && this.policy !== 'downgrade') return false;
    return remaining <= this.ctx.config.maxGroupSize;
  }

  /** Kafka's ClassicGroup.fromConsumerGroup and convertToClassicGroup: Stable at the group epoch, then a rebalance. */
  downgrade(group: ConsumerGroup, leaving: ConsumerMember | null, tombstones: KeyedRecord[], rebalance = true): void {
    const groupId = group.groupId;
    let classic = this.ctx.groups.get(groupId);
    if (!classic) this.ctx.groups.set(groupId, (classic = new ClassicGroup(groupId, this.ctx.now())));
    classic.clearMembership(this.ctx.now());
    classic.generationId = group.groupEpoch;
    classic.protocolType = CONSUMER_PROTOCOL_TYPE;
    for (const m of group.members.values()) {
      if (m === leaving || m.classic === null) continue;
      const rebalanceTimeoutMs = m.rebalanceTimeoutMs > 0 ? m.rebalanceTimeoutMs : m.classic.sessionTimeoutMs;
      classic.add(
        new ClassicMember(
          m.memberId,
          m.instanceId,
          m.clientId,
          m.clientHost,
          rebalanceTimeoutMs,
          m.classic.sessionTimeoutMs,
          CONSUMER_PROTOCOL_TYPE,
          m.classic.protocols,
        ),
      );
    }
    const protocolName = classic.selectProtocol();
    classic.protocolName = protocolName;
    const assignments = new Map<string, Buffer>();
    for (const m of classic.members.values()) {
      const target = group.targetAssignment.get(m.memberId) ?? new Map<string, Set<number>>();
      m.assignment = encodeAssignment(assignmentByTopicName(target, this.topics), subscriptionVersion(m, protocolName));
      assignments.set(m.memberId, m.assignment);
    }
    classic.state = 'Stable';
    const records = [...tombstones, { key: groupMetadataKey(groupId), value: groupMetadataValue(groupMetadataSnapshot(classic, assignments)) }];
    this.ctx.offsetsTopic
      .append(groupId, records)
      .catch((err: unknown) => this.ctx.logger.error({ group: groupId, err }, 'could not write the downgraded group'));
    for (const m of classic.members.values()) this.rebalancer.scheduleHeartbeatExpiry(classic, m, m.sessionTimeoutMs);
    if (rebalance) this.rebalancer.prepareRebalance(classic, `Downgrade group ${groupId} from consumer to classic.`);
  }
}
