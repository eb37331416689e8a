// KIP-848 consumer group state in __consumer_offsets, with Kafka's record types: group epoch (3), member
// subscription (5), target assignment epoch (6) and per member (7), current member assignment (8). A group is
// written as a full snapshot; the coordinator writes only the records that changed and tombstones the rest.
import { Reader } from '../../codecs/primitives/reader';
import { Writer } from '../../codecs/primitives/writer';
import type { MessageCodec } from '../../codecs/primitives/message-codec';
import { ConsumerGroupMetadataKeyCodec } from '../../codecs/generated/internal/ConsumerGroupMetadataKey';
import { ConsumerGroupMetadataValueCodec } from '../../codecs/generated/internal/ConsumerGroupMetadataValue';
import { ConsumerGroupMemberMetadataKeyCodec } from '../../codecs/generated/internal/ConsumerGroupMemberMetadataKey';
import { ConsumerGroupMemberMetadataValue, ConsumerGroupMemberMetadataValueCodec } from '../../codecs/generated/internal/ConsumerGroupMemberMetadataValue';
import { ConsumerGroupTargetAssignmentMetadataKeyCodec } from '../../codecs/generated/internal/ConsumerGroupTargetAssignmentMetadataKey';
import { ConsumerGroupTargetAssignmentMetadataValueCodec } from '../../codecs/generated/internal/ConsumerGroupTargetAssignmentMetadataValue';
import { ConsumerGroupTargetAssignmentMemberKeyCodec } from '../../codecs/generated/internal/ConsumerGroupTargetAssignmentMemberKey';
import { ConsumerGroupTargetAssignmentMemberValueCodec } from '../../codecs/generated/internal/ConsumerGroupTargetAssignmentMemberValue';
import { ConsumerGroupCurrentMemberAssignmentKeyCodec } from '../../codecs/generated/internal/ConsumerGroupCurrentMemberAssignmentKey';
import {
  ConsumerGroupCurrentMemberAssignmentValue,
  ConsumerGroupCurrentMemberAssignmentValueCodec,
} from '../../codecs/generated/internal/ConsumerGroupCurrentMemberAssignmentValue';
import type { RawTaggedField } from '../../codecs/primitives/raw-tagged-fields';
import { ConsumerGroup, ConsumerMember, MemberReconciliation, syncAssignmentEpochs } from './consumer-group';
import { emptyAssignment, TopicAssignment } from './server-assignors';

export const ConsumerRecordType = {
  GROUP_METADATA: 3,
  MEMBER_METADATA: 5,
  TARGET_ASSIGNMENT_METADATA: 6,
  TARGET_ASSIGNMENT_MEMBER: 7,
  CURRENT_MEMBER_ASSIGNMENT: 8,
} as const;

const CONSUMER_RECORD_TYPES: ReadonlySet<number> = new Set(Object.values(ConsumerRecordType));

export function isConsumerGroupRecordType(recordType: number): boolean {
  return CONSUMER_RECORD_TYPES.has(recordType);
}

/** Kafka's MemberState byte values. */
const STATE_BYTES: Readonly<Record<MemberReconciliation, number>> = { stable: 0, unrevoked: 1, unreleased: 2 };

/** Tagged fields of a stored record that Eddy does not know (a newer broker wrote them); absent when none. */
type UnknownTags = readonly RawTaggedField[] | undefined;

export type ConsumerGroupRecord =
  | { readonly kind: 'group-epoch'; readonly groupId: string; readonly epoch: number | null; readonly tags?: UnknownTags }
  | { readonly kind: 'member'; readonly groupId: string; readonly memberId: string; readonly value: ConsumerGroupMemberMetadataValue | null }
  | { readonly kind: 'target-epoch'; readonly groupId: string; readonly epoch: number | null; readonly tags?: UnknownTags }
  | {
      readonly kind: 'target-member';
      readonly groupId: string;
      readonly memberId: string;
      readonly value: TopicAssignment | null;
      readonly tags?: UnknownTags;
    }
  | { readonly kind: 'current'; readonly groupId: string; readonly memberId: string; readonly value: ConsumerGroupCurrentMemberAssignmentValue | null };

export interface KeyedRecord {
  readonly key: Buffer;
  readonly value: Buffer | null;
}

function encode<Init>(prefix: number, codec: MessageCodec<unknown, Init>, value: Init): Buffer {
  const w = new Writer();
  w.writeInt16(prefix);
  codec.encode(value, w, 0);
  return w.toBuffer();
}

function topicList(a: TopicAssignment): Array<{ topicId: string; partitions: number[] }> {
  return [...a]
    .filter(([, ps]) => ps.size > 0)
    .sort(([x], [y]) => (x < y ? -1 : 1))
    .map(([topicId, ps]) => ({ topicId, partitions: [...ps].sort((x, y) => x - y) }));
}

function topicMap(list: ReadonlyArray<{ topicId: string; partitions: readonly number[] }>): TopicAssignment {
  return new Map(list.map((t) => [t.topicId, new Set(t.partitions)]));
}

/** Partitions with the epoch each was assigned at (KIP-1251's AssignmentEpochs, same order as Partitions). */
function topicListWithEpochs(a: TopicAssignment, member: ConsumerMember): Array<{ topicId: string; partitions: number[]; assignmentEpochs: number[] }> {
  return topicList(a).map((t) => ({
    ...t,
    assignmentEpochs: t.partitions.map((p) => member.assignmentEpochs.get(t.topicId)?.get(p) ?? Math.max(member.memberEpoch, 0)),
  }));
}

/**
 * The epochs a stored assignment carries; a topic without them (an older writer) or with a list of the wrong length
 * takes `defaultEpoch`, as Kafka's Utils.assignmentFromTopicPartitions reads them.
 */
function epochsOf(
  list: ReadonlyArray<{ topicId: string; partitions: readonly number[]; assignmentEpochs: readonly number[] | null }>,
  defaultEpoch: number,
  into: Map<string, Map<number, number>>,
): void {
  for (const t of list) {
    const epochs = t.assignmentEpochs !== null && t.assignmentEpochs.length === t.partitions.length ? t.assignmentEpochs : null;
    const byPartition = into.get(t.topicId) ?? new Map<number, number>();
    t.partitions.forEach((p, i) => byPartition.set(p, epochs?.[i] ?? Math.max(defaultEpoch, 0)));
    into.set(t.topicId, byPartition);
  }
}

/** The records describing the whole group as it is now. */
export function consumerGroupSnapshot(group: ConsumerGroup): KeyedRecord[] {
  const g = group.groupId;
  const out: KeyedRecord[] = [
    {
      key: encode(ConsumerRecordType.GROUP_METADATA, ConsumerGroupMetadataKeyCodec, { groupId: g }),
      value: encode(0, ConsumerGroupMetadataValueCodec, { epoch: group.groupEpoch, unknownTaggedFields: group.storedTags.groupEpoch }),
    },
    {
      key: encode(ConsumerRecordType.TARGET_ASSIGNMENT_METADATA, ConsumerGroupTargetAssignmentMetadataKeyCodec, { groupId: g }),
      value: encode(0, ConsumerGroupTargetAssignmentMetadataValueCodec, {
        assignmentEpoch: group.assignmentEpoch,
        unknownTaggedFields: group.storedTags.targetEpoch,
      }),
    },
  ];
  for (const m of group.members.values()) {
    const memberKey = { groupId: g, memberId: m.memberId };
    out.push({
      key: encode(ConsumerRecordType.MEMBER_METADATA, ConsumerGroupMemberMetadataKeyCodec, memberKey),
      value: encode(0, ConsumerGroupMemberMetadataValueCodec, {
        instanceId: m.instanceId,
        rackId: m.rackId,
        clientId: m.clientId,
        clientHost: m.clientHost,
        subscribedTopicNames: [...m.subscribedTopicNames],
        subscribedTopicRegex: m.subscribedTopicRegex === '' ? null : m.subscribedTopicRegex,
        rebalanceTimeoutMs: m.rebalanceTimeoutMs,
        serverAssignor: m.serverAssignor,
        classicMemberMetadata:
          m.classic === null
            ? null
            : { sessionTimeoutMs: m.classic.sessionTimeoutMs, supportedProtocols: m.classic.protocols.map((p) => ({ name: p.name, metadata: p.metadata })) },
        unknownTaggedFields: m.storedTags.metadata,
      }),
    });
    out.push({
      key: encode(ConsumerRecordType.TARGET_ASSIGNMENT_MEMBER, ConsumerGroupTargetAssignmentMemberKeyCodec, memberKey),
      value: encode(0, ConsumerGroupTargetAssignmentMemberValueCodec, {
        topicPartitions: topicList(group.targetAssignment.get(m.memberId) ?? emptyAssignment()),
        unknownTaggedFields: m.storedTags.target,
      }),
    });
    out.push({
      key: encode(ConsumerRecordType.CURRENT_MEMBER_ASSIGNMENT, ConsumerGroupCurrentMemberAssignmentKeyCodec, memberKey),
      value: encode(0, ConsumerGroupCurrentMemberAssignmentValueCodec, {
        memberEpoch: m.memberEpoch,
        previousMemberEpoch: m.previousMemberEpoch,
        state: STATE_BYTES[m.reconciliation],
        assignedPartitions: topicListWithEpochs(m.assigned, m),
        partitionsPendingRevocation: topicListWithEpochs(m.pendingRevocation, m),
        unknownTaggedFields: m.storedTags.assignment,
      }),
    });
  }
  return out;
}

/** Decodes a consumer group record whose INT16 type was already read from `key`. */
export function decodeConsumerGroupRecord(recordType: number, key: Reader, value: Buffer | null): ConsumerGroupRecord {
  const valueReader = (): Reader => {
    const r = new Reader(value as Buffer);
    r.readInt16();
    return r;
  };
  switch (recordType) {
    case ConsumerRecordType.GROUP_METADATA: {
      const k = ConsumerGroupMetadataKeyCodec.decode(key, 0);
      if (value === null) return { kind: 'group-epoch', groupId: k.groupId, epoch: null };
      const v = ConsumerGroupMetadataValueCodec.decode(valueReader(), 0);
      return { kind: 'group-epoch', groupId: k.groupId, epoch: v.epoch, tags: v.unknownTaggedFields };
    }
    case ConsumerRecordType.TARGET_ASSIGNMENT_METADATA: {
      const k = ConsumerGroupTargetAssignmentMetadataKeyCodec.decode(key, 0);
      if (value === null) return { kind: 'target-epoch', groupId: k.groupId, epoch: null };
      const v = ConsumerGroupTargetAssignmentMetadataValueCodec.decode(valueReader(), 0);
      return { kind: 'target-epoch', groupId: k.groupId, epoch: v.assignmentEpoch, tags: v.unknownTaggedFields };
    }
    case ConsumerRecordType.MEMBER_METADATA: {
      const k = ConsumerGroupMemberMetadataKeyCodec.decode(key, 0);
      return {
        kind: 'member',
        groupId: k.groupId,
        memberId: k.memberId,
        value: value === null ? null : ConsumerGroupMemberMetadataValueCodec.decode(valueReader(), 0),
      };
    }
    case ConsumerRecordType.TARGET_ASSIGNMENT_MEMBER: {
      const k = ConsumerGroupTargetAssignmentMemberKeyCodec.decode(key, 0);
      if (value === null) return { kind: 'target-member', groupId: k.groupId, memberId: k.memberId, value: null };
      const v = ConsumerGroupTargetAssignmentMemberValueCodec.decode(valueReader(), 0);
      return { kind: 'target-member', groupId: k.groupId, memberId: k.memberId, value: topicMap(v.topicPartitions), tags: v.unknownTaggedFields };
    }
    default: {
      const k = ConsumerGroupCurrentMemberAssignmentKeyCodec.decode(key, 0);
      return {
        kind: 'current',
        groupId: k.groupId,
        memberId: k.memberId,
        value: value === null ? null : ConsumerGroupCurrentMemberAssignmentValueCodec.decode(valueReader(), 0),
      };
    }
  }
}

/** Collects replayed consumer group records (last per key wins), then rebuilds the groups. */
export class ConsumerGroupRebuilder {
  private readonly epochs = new Map<string, { epoch: number; tags: UnknownTags } | null>();
  private readonly targetEpochs = new Map<string, { epoch: number; tags: UnknownTags } | null>();
  private readonly members = new Map<string, Map<string, ConsumerGroupMemberMetadataValue | null>>();
  private readonly targets = new Map<string, Map<string, { assignment: TopicAssignment; tags: UnknownTags } | null>>();
  private readonly currents = new Map<string, Map<string, ConsumerGroupCurrentMemberAssignmentValue | null>>();

  apply(r: ConsumerGroupRecord): void {
    const perMember = <V>(map: Map<string, Map<string, V>>, groupId: string, memberId: string, v: V) => {
      let byMember = map.get(groupId);
      if (!byMember) map.set(groupId, (byMember = new Map<string, V>()));
      byMember.set(memberId, v);
    };
    switch (r.kind) {
      case 'group-epoch':
        this.epochs.set(r.groupId, r.epoch === null ? null : { epoch: r.epoch, tags: r.tags });
        break;
      case 'target-epoch':
        this.targetEpochs.set(r.groupId, r.epoch === null ? null : { epoch: r.epoch, tags: r.tags });
        break;
      case 'member':
        perMember(this.members, r.groupId, r.memberId, r.value);
        break;
      case 'target-member':
        perMember(this.targets, r.groupId, r.memberId, r.value === null ? null : { assignment: r.value, tags: r.tags });
        break;
      case 'current':
        perMember(this.currents, r.groupId, r.memberId, r.value);
        break;
    }
  }

  build(): ConsumerGroup[] {
    const out: ConsumerGroup[] = [];
    const stateOf = (b: number): MemberReconciliation => (b === 1 ? 'unrevoked' : b === 2 ? 'unreleased' : 'stable');
    for (const [groupId, stored] of this.epochs) {
      if (stored === null) continue;
      const group = new ConsumerGroup(groupId);
      group.groupEpoch = stored.epoch;
      const target = this.targetEpochs.get(groupId) ?? null;
      group.assignmentEpoch = target?.epoch ?? 0;
      if (stored.tags !== undefined) group.storedTags.groupEpoch = stored.tags;
      if (target?.tags !== undefined) group.storedTags.targetEpoch = target.tags;
      for (const [memberId, meta] of this.members.get(groupId) ?? []) {
        if (meta === null) continue;
        const m = new ConsumerMember(memberId, meta.instanceId, meta.clientId, meta.clientHost);
        m.rackId = meta.rackId;
        m.subscribedTopicNames = meta.subscribedTopicNames;
        m.subscribedTopicRegex = meta.subscribedTopicRegex ?? '';
        m.serverAssignor = meta.serverAssignor;
        m.rebalanceTimeoutMs = meta.rebalanceTimeoutMs;
        if (meta.unknownTaggedFields !== undefined) m.storedTags.metadata = meta.unknownTaggedFields;
        const classic = meta.classicMemberMetadata;
        if (classic !== null) {
          m.classic = {
            sessionTimeoutMs: classic.sessionTimeoutMs,
            protocols: classic.supportedProtocols.map((p) => ({ name: p.name, metadata: p.metadata })),
          };
        }
        const current = this.currents.get(groupId)?.get(memberId);
        if (current) {
          m.memberEpoch = current.memberEpoch;
          m.previousMemberEpoch = current.previousMemberEpoch;
          m.reconciliation = stateOf(current.state);
          m.assigned = topicMap(current.assignedPartitions);
          m.pendingRevocation = topicMap(current.partitionsPendingRevocation);
          epochsOf(current.assignedPartitions, current.memberEpoch, m.assignmentEpochs);
          epochsOf(current.partitionsPendingRevocation, current.memberEpoch, m.assignmentEpochs);
          syncAssignmentEpochs(m, current.memberEpoch);
          if (current.unknownTaggedFields !== undefined) m.storedTags.assignment = current.unknownTaggedFields;
        }
        group.members.set(memberId, m);
        const memberTarget = this.targets.get(groupId)?.get(memberId);
        if (memberTarget) group.targetAssignment.set(memberId, memberTarget.assignment);
        if (memberTarget?.tags !== undefined) m.storedTags.target = memberTarget.tags;
      }
      out.push(group);
    }
    return out;
  }
}

/** What each group last wrote to __consumer_offsets, so a heartbeat writes only the records that changed. */
export class RecordLedger {
  /** groupId -> record key (hex) -> value (hex) as last written */
  private readonly written = new Map<string, Map<string, string>>();

  /** The records that changed since the last write (tombstones for keys that are gone), marked as written. */
  changes(group: ConsumerGroup): KeyedRecord[] {
    let written = this.written.get(group.groupId);
    if (!written) this.written.set(group.groupId, (written = new Map<string, string>()));
    const out: KeyedRecord[] = [];
    const present = new Set<string>();
    for (const r of consumerGroupSnapshot(group)) {
      const k = r.key.toString('hex');
      const v = (r.value as Buffer).toString('hex');
      present.add(k);
      if (written.get(k) !== v) {
        out.push(r);
        written.set(k, v);
      }
    }
    for (const k of [...written.keys()]) {
      if (present.has(k)) continue;
      out.push({ key: Buffer.from(k, 'hex'), value: null });
      written.delete(k);
    }
    return out;
  }

  /** Tombstones for every record of a group that is going away. */
  tombstones(groupId: string): KeyedRecord[] {
    const written = this.written.get(groupId);
    this.written.delete(groupId);
    return [...(written?.keys() ?? [])].map((k) => ({ key: Buffer.from(k, 'hex'), value: null }));
  }
}
