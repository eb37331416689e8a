// OffsetFetch: v0-10.
// - A group's committed offsets for the listed partitions, or all of them when topics is null (v2+).
//   A partition without a commit answers offset -1 and empty metadata.
// - v8+: several groups per request, each with its own error. v10 addresses topics by id (UNKNOWN_TOPIC_ID when
//   the id is unknown).
// - require_stable (v7+): a partition with a transactional commit (TxnOffsetCommit) still undecided answers
//   UNSTABLE_OFFSET_COMMIT and offset -1, so the consumer retries once the transaction ends.
// - v9+: a KIP-848 consumer group member naming itself must use its current epoch (STALE_MEMBER_EPOCH,
//   UNKNOWN_MEMBER_ID); classic groups ignore these fields, as in Kafka.
import { OffsetFetchRequestCodec } from '../../codecs/generated/OffsetFetchRequest';
import { OffsetFetchResponseCodec, OffsetFetchResponseInit } from '../../codecs/generated/OffsetFetchResponse';
import { ErrorCode } from '../../codecs/protocol/errors';
import type { OffsetFetchResult, TopicPartitions } from '../groups/group-coordinator';
import type { BrokerServices } from './services';
import { ZERO_UUID } from '../../codecs/protocol/uuid';
import { defineHandler, type RequestContext } from './handler';
import { AclOperation, allowsGroup, topicCheck } from './authorize';

type GroupResult = NonNullable<OffsetFetchResponseInit['groups']>[number];

interface RequestedTopic {
  readonly name: string;
  readonly topicId: string;
  readonly partitionIndexes: readonly number[];
}

interface FetchingMember {
  readonly memberId: string | null;
  readonly memberEpoch: number;
}

function fetchGroup(
  services: BrokerServices,
  groupId: string,
  topics: readonly RequestedTopic[] | null,
  byId: boolean,
  requireStable: boolean,
  member?: FetchingMember,
): GroupResult {
  let requested: TopicPartitions[] | null = null;
  const unknownIds: RequestedTopic[] = [];
  if (topics !== null) {
    requested = [];
    for (const t of topics) {
      if (!byId) {
        requested.push({ topic: t.name, partitions: t.partitionIndexes });
        continue;
      }
      const known = services.topics.byId(t.topicId);
      if (known) requested.push({ topic: known.name, partitions: t.partitionIndexes });
      else unknownIds.push(t);
    }
  }
  const result: OffsetFetchResult = services.groups.fetchOffsets(groupId, requested, member, requireStable);
  const partitionsOf = (r: OffsetFetchResult['topics'][number]) =>
    r.partitions.map((p) => ({
      partitionIndex: p.partition,
      committedOffset: p.offset,
      committedLeaderEpoch: p.leaderEpoch,
      metadata: p.metadata,
      errorCode: p.errorCode,
    }));
  return {
    groupId,
    errorCode: result.errorCode,
    topics: [
      ...result.topics.map((r) => ({
        name: r.topic,
        topicId: byId ? (services.topics.get(r.topic)?.topicId ?? ZERO_UUID) : ZERO_UUID,
        partitions: partitionsOf(r),
      })),
      ...unknownIds.map((t) => ({
        name: '',
        topicId: t.topicId,
        partitions: t.partitionIndexes.map((partitionIndex) => ({
          partitionIndex,
          committedOffset: -1n,
          committedLeaderEpoch: -1,
          metadata: '',
          errorCode: ErrorCode.UNKNOWN_TOPIC_ID,
        })),
      })),
    ],
  };
}

/**
 * As Kafka's handler: a group the principal may not DESCRIBE answers GROUP_AUTHORIZATION_FAILED; topics it may not
 * DESCRIBE are left out of an all-topics answer, and answered TOPIC_AUTHORIZATION_FAILED (after the others) when
 * named.
 */
function fetchAuthorizedGroup(
  ctx: RequestContext,
  groupId: string,
  topics: readonly RequestedTopic[] | null,
  byId: boolean,
  requireStable: boolean,
  member?: FetchingMember,
): GroupResult {
  if (!allowsGroup(ctx, AclOperation.DESCRIBE, groupId)) return { groupId, errorCode: ErrorCode.GROUP_AUTHORIZATION_FAILED, topics: [] };
  const mayDescribe = topicCheck(ctx, AclOperation.DESCRIBE);
  const nameOf = (t: RequestedTopic): string | undefined => (byId ? ctx.services.topics.byId(t.topicId)?.name : t.name);
  const refused = (topics ?? []).filter((t) => nameOf(t) !== undefined && !mayDescribe(nameOf(t) as string));
  const result = fetchGroup(ctx.services, groupId, topics && topics.filter((t) => !refused.includes(t)), byId, requireStable, member);
  if (result.errorCode !== ErrorCode.NONE || ctx.services.authorizer === null) return result;
  const answered = (result.topics ?? []).filter((t) => topics !== null || mayDescribe(t.name ?? ''));
  const unauthorized = refused.map((t) => ({
    name: t.name,
    topicId: t.topicId,
    partitions: t.partitionIndexes.map((partitionIndex) => ({
      partitionIndex,
      committedOffset: -1n,
      committedLeaderEpoch: -1,
      metadata: '',
      errorCode: ErrorCode.TOPIC_AUTHORIZATION_FAILED,
    })),
  }));
  return { ...result, topics: [...answered, ...unauthorized] };
}

export const offsetFetchHandler = defineHandler({
  request: OffsetFetchRequestCodec,
  response: OffsetFetchResponseCodec,
  handle(request, ctx): OffsetFetchResponseInit {
    if (ctx.apiVersion >= 8) {
      return {
        throttleTimeMs: 0,
        groups: request.groups.map((g) =>
          fetchAuthorizedGroup(
            ctx,
            g.groupId,
            g.topics === null ? null : g.topics.map((t) => ({ name: t.name, topicId: t.topicId, partitionIndexes: t.partitionIndexes })),
            ctx.apiVersion >= 10,
            request.requireStable,
            { memberId: g.memberId, memberEpoch: g.memberEpoch },
          ),
        ),
      };
    }
    const topics = request.topics === null ? null : request.topics.map((t) => ({ name: t.name, topicId: ZERO_UUID, partitionIndexes: t.partitionIndexes }));
    const single = fetchAuthorizedGroup(ctx, request.groupId, topics, false, ctx.apiVersion >= 7 && request.requireStable);
    return {
      throttleTimeMs: 0,
      errorCode: single.errorCode,
      topics: (single.topics ?? []).map((t) => ({ name: t.name, partitions: t.partitions })),
    };
  },
});
