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
import { ConsumerGroup, ConsumerMember, MemberReconciliation } from './consumer-group';
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

export type ConsumerGroupRecord =
  | { readonly kind: 'group-epoch'; readonly groupId: string; readonly epoch: number | null }
  | { readonly kind: 'member'; readonly groupId: string; readonly memberId: string; readonly value: ConsumerGroupMemberMetadataValue | null }
  | { readonly kind: 'target-epoch'; readonly groupId: string; readonly epoch: number | null }
  | { readonly kind: 'target-member'; readonly groupId: string; readonly memberId: string; readonly value: TopicAssignment | null }
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

/** The records describing the whole group as it is now. */
export function consumerGroupSnapshot(group: ConsumerGroup): KeyedRecord[] {
  const g = group.groupId;
  const out: KeyedRecord[] = [
    {
      key: encode(ConsumerRecordType.GROUP_METADATA, ConsumerGroupMetadataKeyCodec, { groupId: g }),
      value: encode(0, ConsumerGroupMetadataValueCodec, { epoch: group.groupEpoch }),
    },
    {
      key: encode(ConsumerRecordType.TARGET_ASSIGNMENT_METADATA, ConsumerGroupTargetAssignmentMetadataKeyCodec, { groupId: g }),
      value: encode(0, ConsumerGroupTargetAssignmentMetadataValueCodec, { assignmentEpoch: group.assignmentEpoch }),
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
      }),
    });
    out.push({
      key: encode(ConsumerRecordType.CURRENT_MEMBER_ASSIGNMENT, ConsumerGroupCurrentMemberAssignmentKeyCodec, memberKey),
      value: encode(0, ConsumerGroupCurrentMemberAssignmentValueCodec, {
        memberEpoch: m.memberEpoch,
        previousMemberEpoch: m.previousMemberEpoch,
        state: STATE_BYTES[m.reconciliation],
        assignedPartitions: topicList(m.assigned),
        partitionsPendingRevocation: topicList(m.pendingRevocation),
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
      return { kind: 'group-epoch', groupId: k.groupId, epoch: value === null ? null : ConsumerGroupMetadataValueCodec.decode(valueReader(), 0).epoch };
    }
    case ConsumerRecordType.TARGET_ASSIGNMENT_METADATA: {
      const k = ConsumerGroupTargetAssignmentMetadataKeyCodec.decode(key, 0);
      return {
        kind: 'target-epoch',
        groupId: k.groupId,
        epoch: value === null ? null : ConsumerGroupTargetAssignmentMetadataValueCodec.decode(valueReader(), 0).assignmentEpoch,
      };
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
      return {
        kind: 'target-member',
        groupId: k.groupId,
        memberId: k.memberId,
        value: value === null ? null : topicMap(ConsumerGroupTargetAssignmentMemberValueCodec.decode(valueReader(), 0).topicPartitions),
      };
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
  private readonly epochs = new Map<string, number | null>();
  private readonly targetEpochs = new Map<string, number | null>();
  private readonly members = new Map<string, Map<string, ConsumerGroupMemberMetadataValue | null>>();
  private readonly targets = new Map<string, Map<string, TopicAssignment | null>>();
  private readonly currents = new Map<string, Map<string, ConsumerGroupCurrentMemberAssignmentValue | null>>();

  apply(r: ConsumerGroupRecord): void {
    const perMember = <V>(map: Map<string, Map<string, V>>, groupId: string, memberId: string, v: V) => {
      let byMember = map.get(groupId);
      if (!byMember) map.set(groupId, (byMember = new Map<string, V>()));
      byMember.set(memberId, v);
    };
    switch (r.kind) {
      case 'group-epoch':
        this.epochs.set(r.groupId, r.epoch);
        break;
      case 'target-epoch':
        this.targetEpochs.set(r.groupId, r.epoch);
        break;
      case 'member':
        perMember(this.members, r.groupId, r.memberId, r.value);
        break;
      case 'target-member':
        perMember(this.targets, r.groupId, r.memberId, r.value);
        break;
      case 'current':
        perMember(this.currents, r.groupId, r.memberId, r.value);
        break;
    }
  }

  build(): ConsumerGroup[] {
    const out: ConsumerGroup[] = [];
    const stateOf = (b: number): MemberReconciliation => (b === 1 ? 'unrevoked' : b === 2 ? 'unreleased' : 'stable');
    for (const [groupId, epoch] of this.epochs) {
      if (epoch === null) continue;
      const group = new ConsumerGroup(groupId);
      group.groupEpoch = epoch;
      group.assignmentEpoch = this.targetEpochs.get(groupId) ?? 0;
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
          if (current.unknownTaggedFields !== undefined) m.storedTags.assignment = current.unknownTaggedFields;
        }
        group.members.set(memberId, m);
        const target = this.targets.get(groupId)?.get(memberId);
        if (target) group.targetAssignment.set(memberId, target);
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
