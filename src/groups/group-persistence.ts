// How classic groups map to and from their __consumer_offsets records: the GroupMetadata snapshot written after
// each rebalance, and the rebuild of groups and offsets from a replay (last record per key wins, tombstones
// delete), as Kafka's group metadata loader does.
import type { GroupMetadataValue, GroupMetadataValueInit } from '../../codecs/generated/internal/GroupMetadataValue';
import { ClassicGroup, CommittedOffset } from './classic-group';
import { ClassicMember, EMPTY_BUFFER } from './classic-member';
import type { CoordinatorRecord } from './coordinator-records';
import { ConsumerGroupRebuilder } from './consumer-group-records';
import type { ConsumerGroup } from './consumer-group';

/** The GroupMetadata value for a group; members carry the metadata of the chosen protocol only. */
export function groupMetadataSnapshot(group: ClassicGroup, assignments: ReadonlyMap<string, Buffer>): GroupMetadataValueInit {
  const protocol = group.protocolName;
  return {
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
  };
}

/** A group as stored: Stable with its members if it had any, else Empty. */
export function restoreGroup(groupId: string, value: GroupMetadataValue, now: number): ClassicGroup {
  const stateTs = value.currentStateTimestamp < 0n ? null : Number(value.currentStateTimestamp);
  const group = new ClassicGroup(groupId, stateTs ?? now);
  group.currentStateTimestamp = stateTs;
  group.generationId = value.generation;
  group.protocolType = value.protocolType === '' ? null : value.protocolType;
  const protocol = value.protocol;
  if (protocol === null || value.members.length === 0) return group;
  group.protocolName = protocol;
  for (const m of value.members) {
    const member = new ClassicMember(
      m.memberId,
      m.groupInstanceId,
      m.clientId,
      m.clientHost,
      // v0 values have no rebalance timeout; Kafka falls back to the session timeout.
      m.rebalanceTimeout < 0 ? m.sessionTimeout : m.rebalanceTimeout,
      m.sessionTimeout,
      value.protocolType,
      [{ name: protocol, metadata: m.subscription }],
    );
    member.assignment = m.assignment;
    group.add(member);
  }
  if (value.leader !== null && group.has(value.leader)) group.leaderId = value.leader;
  group.state = 'Stable';
  return group;
}

/** Collects replayed records, then builds the groups they describe. */
export class GroupStateRebuilder {
  private readonly offsets = new Map<string, Map<string, Map<number, CommittedOffset | null>>>();
  private readonly metadata = new Map<string, GroupMetadataValue | null>();
  private readonly consumer = new ConsumerGroupRebuilder();

  apply(r: CoordinatorRecord): void {
    if (r.kind === 'offset') {
      let byTopic = this.offsets.get(r.group);
      if (!byTopic) this.offsets.set(r.group, (byTopic = new Map<string, Map<number, CommittedOffset | null>>()));
      let byPartition = byTopic.get(r.topic);
      if (!byPartition) byTopic.set(r.topic, (byPartition = new Map<number, CommittedOffset | null>()));
      byPartition.set(r.partition, r.value);
    } else if (r.kind === 'group') {
      this.metadata.set(r.group, r.value);
    } else if (r.kind === 'consumer') {
      this.consumer.apply(r.record);
    }
  }

  /** KIP-848 consumer groups whose records survive. */
  buildConsumerGroups(): ConsumerGroup[] {
    return this.consumer.build();
  }

  /** Groups with live metadata, plus offset-only ("simple") groups for offsets whose group metadata is gone. */
  build(now: number): Map<string, ClassicGroup> {
    const groups = new Map<string, ClassicGroup>();
    for (const [groupId, value] of this.metadata) {
      if (value !== null) groups.set(groupId, restoreGroup(groupId, value, now));
    }
    for (const [groupId, byTopic] of this.offsets) {
      for (const [topic, byPartition] of byTopic) {
        for (const [partition, value] of byPartition) {
          if (value === null) continue;
          let group = groups.get(groupId);
          if (!group) groups.set(groupId, (group = new ClassicGroup(groupId, now)));
          group.setOffset(topic, partition, value);
        }
      }
    }
    return groups;
  }
}
