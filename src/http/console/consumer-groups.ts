// One view of a consumer group for the console, whichever protocol it runs: a classic group (DescribeGroups'
// summary, its consumer-protocol assignments decoded) or a KIP-848 consumer group (ConsumerGroupDescribe's view),
// with its committed offsets (OffsetFetch's answer) and each partition's lag against the high watermark.
import type { BrokerServices } from '../../api/services';
import { assignedPartitionsOf, CONSUMER_PROTOCOL_TYPE } from '../../groups/consumer-protocol';
import { ErrorCode } from '../../../codecs/protocol/errors';
import { restErrorOf } from './rest-errors';

export interface GroupMember {
  readonly memberId: string;
  readonly instanceId: string | null;
  readonly clientId: string;
  readonly host: string;
  readonly assignment: ReadonlyArray<{ readonly topic: string; readonly partitions: readonly number[] }>;
}

export interface GroupSummary {
  readonly groupId: string;
  /** Kafka's state name as clients see it (Stable, Empty, PreparingRebalance, ...). */
  readonly state: string;
  /** 'classic' or 'consumer' (KIP-848). */
  readonly type: string;
  readonly protocolType: string;
  /** The assignor: the classic group's chosen protocol, or the consumer group's server assignor. */
  readonly assignor: string;
  /** A group that only holds committed offsets (no protocol: assign() users, admin tools). */
  readonly isSimple: boolean;
  readonly members: readonly GroupMember[];
}

export interface PartitionLag {
  readonly topic: string;
  readonly partition: number;
  /** The committed offset, or null when the partition is assigned but nothing is committed. */
  readonly committed: number | null;
  readonly logEndOffset: number;
  readonly lag: number | null;
  readonly member: GroupMember | null;
}

/** REST v3 writes states in upper snake case (PreparingRebalance is PREPARING_REBALANCE). */
export function restStateName(state: string): string {
  return state.replace(/([a-z])([A-Z])/g, '$1_$2').toUpperCase();
}

export function groupIds(services: BrokerServices): string[] {
  return services.groups
    .listGroups([], [])
    .map((g) => g.groupId)
    .sort();
}

/** The group, or a 404 with Kafka's GROUP_ID_NOT_FOUND message. */
export function describeGroup(services: BrokerServices, groupId: string): GroupSummary {
  const groups = services.groups;
  const consumer = groups.describeConsumerGroup(groupId);
  if (consumer) {
    return {
      groupId,
      state: consumer.groupState,
      type: 'consumer',
      protocolType: CONSUMER_PROTOCOL_TYPE,
      assignor: consumer.assignorName,
      isSimple: false,
      members: consumer.members.map((m) => ({
        memberId: m.memberId,
        instanceId: m.instanceId,
        clientId: m.clientId,
        host: m.clientHost,
        assignment: m.assignment.topicPartitions.map((t) => ({ topic: t.topicName, partitions: [...t.partitions].sort((a, b) => a - b) })),
      })),
    };
  }
  const classic = groups.describeGroup(groupId);
  if (!classic || classic.state === 'Dead') throw restErrorOf(ErrorCode.GROUP_ID_NOT_FOUND, `Group ${groupId} not found.`);
  const isConsumerProtocol = classic.protocolType === CONSUMER_PROTOCOL_TYPE;
  return {
    groupId,
    state: classic.state,
    type: 'classic',
    protocolType: classic.protocolType,
    assignor: classic.protocolData,
    isSimple: classic.protocolType === '',
    members: classic.members.map((m) => ({
      memberId: m.memberId,
      instanceId: m.groupInstanceId,
      clientId: m.clientId,
      host: m.clientHost,
      assignment: isConsumerProtocol ? assignedPartitionsOf(m.memberAssignment) : [],
    })),
  };
}

/** Whether the group has no member: Kafka lets offsets be reset and the group be deleted only then. */
export function isInactive(group: GroupSummary): boolean {
  return group.members.length === 0;
}

/** Committed offsets and lag of every partition the group committed for or is assigned, sorted. */
export async function groupLags(services: BrokerServices, group: GroupSummary): Promise<PartitionLag[]> {
  const fetched = services.groups.fetchOffsets(group.groupId, null);
  if (fetched.errorCode !== ErrorCode.NONE) throw restErrorOf(fetched.errorCode, `The offsets of group ${group.groupId} cannot be read now.`);
  const committed = new Map<string, number>();
  const key = (topic: string, partition: number): string => `${partition}\u0000${topic}`;
  const wanted = new Map<string, { topic: string; partition: number }>();
  for (const t of fetched.topics) {
    for (const p of t.partitions) {
      if (p.offset < 0n) continue;
      committed.set(key(t.topic, p.partition), Number(p.offset));
      wanted.set(key(t.topic, p.partition), { topic: t.topic, partition: p.partition });
    }
  }
  const owner = new Map<string, GroupMember>();
  for (const m of group.members) {
    for (const a of m.assignment) {
      for (const partition of a.partitions) {
        owner.set(key(a.topic, partition), m);
        wanted.set(key(a.topic, partition), { topic: a.topic, partition });
      }
    }
  }
  const lags: PartitionLag[] = [];
  for (const [k, { topic, partition }] of wanted) {
    const log = await services.partitions.log(services.topics.get(topic), partition);
    if (!log) continue;
    const logEndOffset = Number(log.highWatermark);
    const offset = committed.get(k) ?? null;
    lags.push({
      topic,
      partition,
      committed: offset,
      logEndOffset,
      lag: offset === null ? null : Math.max(0, logEndOffset - offset),
      member: owner.get(k) ?? null,
    });
  }
  return lags.sort((a, b) => a.topic.localeCompare(b.topic) || a.partition - b.partition);
}
