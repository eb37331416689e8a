// Differential steps for classic consumer groups: each builds a request as kafkajs, librdkafka or the Java client
// sends it, and takes the member id from this broker's earlier answer where a real member would echo it.
import { DeleteGroupsRequestCodec } from '../../codecs/generated/DeleteGroupsRequest';
import { DeleteGroupsResponseCodec, type DeleteGroupsResponse } from '../../codecs/generated/DeleteGroupsResponse';
import { DescribeGroupsRequestCodec } from '../../codecs/generated/DescribeGroupsRequest';
import { DescribeGroupsResponseCodec } from '../../codecs/generated/DescribeGroupsResponse';
import { HeartbeatRequestCodec } from '../../codecs/generated/HeartbeatRequest';
import { HeartbeatResponseCodec } from '../../codecs/generated/HeartbeatResponse';
import { JoinGroupRequestCodec } from '../../codecs/generated/JoinGroupRequest';
import { JoinGroupResponseCodec } from '../../codecs/generated/JoinGroupResponse';
import { LeaveGroupRequestCodec } from '../../codecs/generated/LeaveGroupRequest';
import { LeaveGroupResponseCodec } from '../../codecs/generated/LeaveGroupResponse';
import { ListGroupsRequestCodec } from '../../codecs/generated/ListGroupsRequest';
import { ListGroupsResponseCodec, type ListGroupsResponse } from '../../codecs/generated/ListGroupsResponse';
import { OffsetCommitRequestCodec } from '../../codecs/generated/OffsetCommitRequest';
import { OffsetCommitResponseCodec } from '../../codecs/generated/OffsetCommitResponse';
import { OffsetDeleteRequestCodec } from '../../codecs/generated/OffsetDeleteRequest';
import { OffsetDeleteResponseCodec } from '../../codecs/generated/OffsetDeleteResponse';
import { OffsetFetchRequestCodec } from '../../codecs/generated/OffsetFetchRequest';
import { OffsetFetchResponseCodec } from '../../codecs/generated/OffsetFetchResponse';
import { SyncGroupRequestCodec } from '../../codecs/generated/SyncGroupRequest';
import { SyncGroupResponseCodec } from '../../codecs/generated/SyncGroupResponse';
import { Writer } from '../../codecs/primitives/writer';
import { subscriptionMetadata } from '../helpers/consumer-protocol';
import { step, type Step } from './harness';

/** A value fixed in the scenario, or read from this broker's earlier answers. */
export type FromHistory<T> = T | ((history: readonly unknown[]) => T);

export function resolve<T>(value: FromHistory<T>, history: readonly unknown[]): T {
  return typeof value === 'function' ? (value as (history: readonly unknown[]) => T)(history) : value;
}

/** The member id this broker gave in its answer to step `index` (a JoinGroup or ConsumerGroupHeartbeat). */
export function memberIdOf(index: number): (history: readonly unknown[]) => string {
  return (history) => {
    const answer = history[index] as { memberId?: string | null } | undefined;
    return answer?.memberId ?? '';
  };
}

/** Consumer protocol assignment bytes (version 0, no user data) giving `partitions` of `topic`. */
export function assignmentBytes(topic: string, partitions: readonly number[]): Buffer {
  const w = new Writer();
  w.writeInt16(0);
  w.writeArrayLength(1);
  w.writeString(topic);
  w.writeArrayLength(partitions.length);
  for (const p of partitions) w.writeInt32(p);
  w.writeNullableBytes(null);
  return w.toBuffer();
}

export interface JoinOptions {
  readonly memberId?: FromHistory<string>;
  readonly groupInstanceId?: string | null;
  readonly protocolType?: string;
  readonly topics?: readonly string[];
  readonly sessionTimeoutMs?: number;
  readonly protocolNames?: readonly string[];
}

export function joinGroup(version: number, groupId: string, options: JoinOptions = {}): Step {
  const metadata = subscriptionMetadata(options.topics ?? []);
  return step(JoinGroupRequestCodec, JoinGroupResponseCodec, version, (history) => ({
    groupId,
    sessionTimeoutMs: options.sessionTimeoutMs ?? 30_000,
    rebalanceTimeoutMs: 30_000,
    memberId: resolve(options.memberId ?? '', history),
    groupInstanceId: options.groupInstanceId ?? null,
    protocolType: options.protocolType ?? 'consumer',
    protocols: (options.protocolNames ?? ['range']).map((name) => ({ name, metadata })),
    reason: null,
  }));
}

export interface MemberRef {
  readonly memberId: FromHistory<string>;
  readonly generationId: FromHistory<number>;
  readonly groupInstanceId?: string | null;
}

/** The generation this broker gave in its answer to step `index`. */
export function generationOf(index: number): (history: readonly unknown[]) => number {
  return (history) => (history[index] as { generationId?: number } | undefined)?.generationId ?? -1;
}

/** The member that joined at step `index`, at the generation of that answer. */
export function joinedAt(index: number, groupInstanceId: string | null = null): MemberRef {
  return { memberId: memberIdOf(index), generationId: generationOf(index), groupInstanceId };
}

export function syncGroup(version: number, groupId: string, member: MemberRef, assignment: Buffer | null, protocolType = 'consumer'): Step {
  return step(SyncGroupRequestCodec, SyncGroupResponseCodec, version, (history) => {
    const memberId = resolve(member.memberId, history);
    return {
      groupId,
      generationId: resolve(member.generationId, history),
      memberId,
      groupInstanceId: member.groupInstanceId ?? null,
      protocolType,
      protocolName: 'range',
      assignments: assignment === null ? [] : [{ memberId, assignment }],
    };
  });
}

export function heartbeat(version: number, groupId: string, member: MemberRef): Step {
  return step(HeartbeatRequestCodec, HeartbeatResponseCodec, version, (history) => ({
    groupId,
    generationId: resolve(member.generationId, history),
    memberId: resolve(member.memberId, history),
    groupInstanceId: member.groupInstanceId ?? null,
  }));
}

export interface LeavingMember {
  readonly memberId: FromHistory<string>;
  readonly groupInstanceId?: string | null;
}

/** v0-v2 name one member in the header field; v3+ list member identities, as kafkajs and the Java client do. */
export function leaveGroup(version: number, groupId: string, members: readonly LeavingMember[]): Step {
  return step(LeaveGroupRequestCodec, LeaveGroupResponseCodec, version, (history) =>
    version < 3
      ? { groupId, memberId: resolve(members[0]?.memberId ?? '', history) }
      : { groupId, members: members.map((m) => ({ memberId: resolve(m.memberId, history), groupInstanceId: m.groupInstanceId ?? null, reason: null })) },
  );
}

export interface CommittedOffset {
  readonly topic: string;
  /** A partition the broker chose (one it assigned, say) is read from the history. */
  readonly partition: FromHistory<number>;
  readonly offset: bigint;
  readonly metadata?: string | null;
}

export function offsetCommit(version: number, groupId: string, member: MemberRef, offsets: readonly CommittedOffset[]): Step {
  const topics = (history: readonly unknown[]) =>
    [...new Set(offsets.map((o) => o.topic))].map((name) => ({
      name,
      partitions: offsets
        .filter((o) => o.topic === name)
        .map((o) => ({
          partitionIndex: resolve(o.partition, history),
          committedOffset: o.offset,
          committedLeaderEpoch: -1,
          committedMetadata: o.metadata ?? '',
        })),
    }));
  return step(OffsetCommitRequestCodec, OffsetCommitResponseCodec, version, (history) => ({
    groupId,
    generationIdOrMemberEpoch: resolve(member.generationId, history),
    memberId: resolve(member.memberId, history),
    groupInstanceId: member.groupInstanceId ?? null,
    retentionTimeMs: -1n,
    topics: topics(history),
  }));
}

/** A commit outside any generation, as a simple (assign-only) consumer makes. */
export const SIMPLE_CONSUMER: MemberRef = { memberId: '', generationId: -1 };

export type FetchedTopics = ReadonlyArray<{ readonly name: string; readonly partitionIndexes: readonly number[] }> | null;

/** OffsetFetch at v1-v7 (one group) or v8+ (a list of groups); `null` topics asks for every committed offset. */
export function offsetFetch(version: number, groupId: string, topics: FetchedTopics, requireStable = false): Step {
  if (version < 8) return step(OffsetFetchRequestCodec, OffsetFetchResponseCodec, version, { groupId, topics, requireStable });
  return step(OffsetFetchRequestCodec, OffsetFetchResponseCodec, version, { groups: [{ groupId, topics }], requireStable });
}

export function describeGroups(version: number, groups: readonly string[]): Step {
  return step(DescribeGroupsRequestCodec, DescribeGroupsResponseCodec, version, { groups, includeAuthorizedOperations: false });
}

/** Kafka answers group by group in the hash order of their coordinator partitions, no contract: compared by name. */
export function deleteGroups(version: number, groups: readonly string[]): Step {
  const inner = step(DeleteGroupsRequestCodec, DeleteGroupsResponseCodec, version, { groupsNames: groups });
  return {
    label: inner.label,
    send: async (client, history) => {
      const answer = (await inner.send(client, history)) as DeleteGroupsResponse | { connectionClosed: true };
      if (!('results' in answer)) return answer;
      return { ...answer, results: [...answer.results].sort((a, b) => a.groupId.localeCompare(b.groupId)) };
    },
  };
}

export function offsetDelete(groupId: string, topic: string, partitions: readonly number[]): Step {
  return step(OffsetDeleteRequestCodec, OffsetDeleteResponseCodec, 0, {
    groupId,
    topics: [{ name: topic, partitions: partitions.map((partitionIndex) => ({ partitionIndex })) }],
  });
}

/**
 * ListGroups answers with every group of the broker, whose set depends on which scenarios ran before and on
 * expiry timers: keep only this scenario's groups (by name prefix), in name order, for the comparison.
 */
export function listGroups(version: number, prefix: string, filters: { states?: readonly string[]; types?: readonly string[] } = {}): Step {
  const inner = step(ListGroupsRequestCodec, ListGroupsResponseCodec, version, { statesFilter: filters.states ?? [], typesFilter: filters.types ?? [] });
  return {
    label: inner.label,
    send: async (client, history) => {
      const answer = (await inner.send(client, history)) as ListGroupsResponse | { connectionClosed: true };
      if (!('groups' in answer)) return answer;
      const groups = answer.groups.filter((g) => g.groupId.startsWith(prefix)).sort((a, b) => a.groupId.localeCompare(b.groupId));
      return { ...answer, groups };
    },
  };
}
