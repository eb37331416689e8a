// A consumer group's committed offsets and description, read and written at its coordinator: what
// `eddy consume --group` and `eddy group describe|reset-offsets` share. Commits without a member are "simple" ones
// (generation -1, no member id), which Kafka accepts only while the group has no members; a member of the group
// commits with its id and epoch.
import type { DescribeGroupsResponseDescribedGroup } from '../../codecs/generated/DescribeGroupsResponse';
import { Apis } from './apis';
import { checkErrorCode } from './errors';
import type { MemberIdentity } from './group-member';
import type { KafkaClient } from './kafka-client';

/** Committed offsets by topic, then partition; partitions without a commit are left out. */
export type CommittedOffsets = Map<string, Map<number, bigint>>;

/** The group's committed offsets for `topics`, or for every topic it has offsets for when null. */
export function committedOffsets(client: KafkaClient, coordinator: number, group: string, topics: readonly string[] | null): Promise<CommittedOffsets> {
  return client.withRetries(() => fetchCommitted(client, coordinator, group, topics));
}

async function fetchCommitted(client: KafkaClient, coordinator: number, group: string, topics: readonly string[] | null): Promise<CommittedOffsets> {
  // Every topic is asked for and the answer filtered: OffsetFetch names partitions per topic, and a topic with an
  // empty partition list gets none back.
  const wanted = topics === null ? null : new Set(topics);
  const answer = await client.send(
    Apis.OffsetFetch,
    (version) =>
      version >= 8 ? { groups: [{ groupId: group, topics: null }], requireStable: true } : { groupId: group, topics: null, requireStable: version >= 7 },
    coordinator,
  );
  const groupAnswer = answer.groups.length > 0 ? answer.groups[0] : { errorCode: answer.errorCode, topics: answer.topics };
  checkErrorCode(groupAnswer.errorCode, `offsets of group '${group}'`);
  const out: CommittedOffsets = new Map();
  for (const topic of groupAnswer.topics) {
    if (wanted !== null && !wanted.has(topic.name)) continue;
    for (const p of topic.partitions) {
      checkErrorCode(p.errorCode, `offset of group '${group}' for partition ${p.partitionIndex} of topic '${topic.name}'`);
      if (p.committedOffset < 0n) continue;
      const partitions = out.get(topic.name) ?? new Map<number, bigint>();
      partitions.set(p.partitionIndex, p.committedOffset);
      out.set(topic.name, partitions);
    }
  }
  return out;
}

/** Commits `offsets` (by partition) of `topic` for the group, as its member or (without one) from outside it. */
export async function commitOffsets(
  client: KafkaClient,
  coordinator: number,
  group: string,
  topic: string,
  offsets: ReadonlyMap<number, bigint>,
  member?: MemberIdentity,
): Promise<void> {
  if (offsets.size === 0) return;
  const answer = await client.send(
    Apis.OffsetCommit,
    () => ({
      groupId: group,
      generationIdOrMemberEpoch: member?.memberEpoch ?? -1,
      memberId: member?.memberId ?? '',
      retentionTimeMs: -1n,
      topics: [
        {
          name: topic,
          partitions: [...offsets].map(([partitionIndex, committedOffset]) => ({
            partitionIndex,
            committedOffset,
            committedLeaderEpoch: -1,
            committedMetadata: '',
          })),
        },
      ],
    }),
    coordinator,
  );
  for (const t of answer.topics) {
    for (const p of t.partitions) checkErrorCode(p.errorCode, `commit of group '${group}' for partition ${p.partitionIndex} of topic '${topic}'`);
  }
}

/** DescribeGroups for one group; a group the coordinator does not know comes back in state Dead. */
export function describeGroup(client: KafkaClient, coordinator: number, group: string): Promise<DescribeGroupsResponseDescribedGroup> {
  return client.withRetries(async () => {
    const answer = await client.send(Apis.DescribeGroups, () => ({ groups: [group] }), coordinator);
    const found = answer.groups.find((g) => g.groupId === group) ?? answer.groups[0];
    checkErrorCode(found.errorCode, `group '${group}'`, found.errorMessage);
    return found;
  });
}
