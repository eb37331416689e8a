// DescribeTopicPartitions: v0. The Admin client of Kafka 3.8+ describes topics with it instead of Metadata
// (KIP-966), paging through many partitions with a cursor. Kafka's semantics, kept here:
// - No topics listed means every topic; either way the topics are de-duplicated, sorted by name and those before
//   the cursor's topic skipped. A listed cursor topic that is not in the list, or a negative cursor partition, fails
//   the whole request: every requested topic answers INVALID_REQUEST.
// - At most min(ResponsePartitionLimit, max.request.partition.size.limit = 2000) partitions (at least 1) per
//   response; where it stops, NextCursor names the topic and partition to go on from.
// - Listed topics that do not exist answer UNKNOWN_TOPIC_OR_PARTITION (INVALID_TOPIC_EXCEPTION for an invalid
//   name) and take no room in the page; they are not auto-created.
// - Partitions are described as Metadata describes them; no ELR (empty lists). Authorized operations: what the
//   authorizer allows (every topic operation without one). Topics the principal may not DESCRIBE are left out;
//   listed by name, they answer TOPIC_AUTHORIZATION_FAILED after the page, as Kafka.
import { DescribeTopicPartitionsRequestCodec, type DescribeTopicPartitionsRequest } from '../../codecs/generated/DescribeTopicPartitionsRequest';
import { DescribeTopicPartitionsResponseCodec, type DescribeTopicPartitionsResponseInit } from '../../codecs/generated/DescribeTopicPartitionsResponse';
import { ErrorCode } from '../../codecs/protocol/errors';
import { ZERO_UUID } from '../../codecs/protocol/uuid';
import type { TopicMetadata } from '../../storage';
import { isInternalTopic, topicNameProblem } from '../topics/topic-names';
import { describeTopicPartitions } from './03-metadata';
import { OPERATIONS_OMITTED, TOPIC_OPERATIONS, topicOperations } from './authorized-operations';
import { AclOperation, topicCheck } from './authorize';
import { defineHandler } from './handler';

type TopicEntry = NonNullable<DescribeTopicPartitionsResponseInit['topics']>[number];
type Cursor = NonNullable<DescribeTopicPartitionsResponseInit['nextCursor']>;

/** Kafka's max.request.partition.size.limit default: the most partitions one response carries. */
export const MAX_REQUEST_PARTITION_SIZE_LIMIT = 2000;

/** The topic names to answer for, in order, or null when the cursor makes the request invalid. */
export function topicsToDescribe(request: DescribeTopicPartitionsRequest, allTopics: () => readonly string[]): string[] | null {
  const cursorTopic = request.cursor?.topicName ?? '';
  const listed = request.topics.length === 0 ? allTopics() : request.topics.map((t) => t.name);
  const names = [...new Set(listed)].filter((name) => name >= cursorTopic).sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
  if (request.cursor !== null && request.topics.length > 0 && !names.includes(request.cursor.topicName)) return null;
  if (request.cursor !== null && request.cursor.partitionIndex < 0) return null;
  return names;
}

function missingTopic(name: string): TopicEntry {
  return {
    errorCode: topicNameProblem(name) === null ? ErrorCode.UNKNOWN_TOPIC_OR_PARTITION : ErrorCode.INVALID_TOPIC_EXCEPTION,
    name,
    topicId: ZERO_UUID,
    isInternal: isInternalTopic(name),
    partitions: [],
    topicAuthorizedOperations: TOPIC_OPERATIONS,
  };
}

function topicPage(topic: TopicMetadata, nodeId: number, first: number, room: number): { entry: TopicEntry; next: number | null } {
  const end = Math.min(topic.partitions, first + room);
  const partitions = describeTopicPartitions(topic, nodeId)
    .slice(first, end)
    .map((p) => ({ ...p, eligibleLeaderReplicas: [], lastKnownElr: [] }));
  return {
    entry: {
      errorCode: ErrorCode.NONE,
      name: topic.name,
      topicId: topic.topicId,
      isInternal: isInternalTopic(topic.name),
      partitions,
      topicAuthorizedOperations: TOPIC_OPERATIONS,
    },
    next: end < topic.partitions ? end : null,
  };
}

/** Fills one response: topics in order until the partition limit, then the cursor to continue from. */
export function describePage(
  names: readonly string[],
  lookup: (name: string) => TopicMetadata | undefined,
  options: { nodeId: number; limit: number; cursor: { topicName: string; partitionIndex: number } | null; listed: boolean },
): { topics: TopicEntry[]; nextCursor: Cursor | null } {
  const topics: TopicEntry[] = [];
  let remaining = options.limit;
  for (const name of names) {
    if (remaining === 0) return { topics, nextCursor: { topicName: name, partitionIndex: 0 } };
    const topic = lookup(name);
    if (topic === undefined) {
      // Asked for by name, a missing topic is an error entry; under "all topics" it has just been deleted.
      if (options.listed) topics.push(missingTopic(name));
      continue;
    }
    const first = options.cursor !== null && options.cursor.topicName === name ? options.cursor.partitionIndex : 0;
    const page = topicPage(topic, options.nodeId, first, remaining);
    topics.push(page.entry);
    if (page.next !== null) return { topics, nextCursor: { topicName: name, partitionIndex: page.next } };
    remaining -= page.entry.partitions?.length ?? 0;
  }
  return { topics, nextCursor: null };
}

/** Kafka's answer to an invalid request: every requested topic, as asked, with the error and nothing else. */
function invalidRequest(request: DescribeTopicPartitionsRequest): DescribeTopicPartitionsResponseInit {
  const topics = request.topics.map((t) => ({ errorCode: ErrorCode.INVALID_REQUEST, name: t.name, isInternal: false, partitions: [] }));
  return { throttleTimeMs: 0, topics, nextCursor: null };
}

export const describeTopicPartitionsHandler = defineHandler({
  request: DescribeTopicPartitionsRequestCodec,
  response: DescribeTopicPartitionsResponseCodec,
  handle(request, ctx): DescribeTopicPartitionsResponseInit {
    const topicsService = ctx.services.topics;
    const requested = topicsToDescribe(request, () => topicsService.all().map((t) => t.name));
    if (requested === null) return invalidRequest(request);
    const mayDescribe = topicCheck(ctx, AclOperation.DESCRIBE);
    const names = requested.filter(mayDescribe);
    const refused = request.topics.length === 0 ? [] : requested.filter((name) => !mayDescribe(name));
    const limit = Math.max(Math.min(MAX_REQUEST_PARTITION_SIZE_LIMIT, request.responsePartitionLimit), 1);
    const page = describePage(names, (name) => topicsService.get(name), {
      nodeId: ctx.services.node.nodeId,
      limit,
      cursor: request.cursor,
      listed: request.topics.length > 0,
    });
    if (ctx.services.authorizer === null) return { throttleTimeMs: 0, ...page };
    const topics = page.topics.map((t) => ({ ...t, topicAuthorizedOperations: topicOperations(ctx, t.name ?? '') }));
    for (const name of refused) {
      topics.push({
        errorCode: ErrorCode.TOPIC_AUTHORIZATION_FAILED,
        name,
        topicId: ZERO_UUID,
        isInternal: false,
        partitions: [],
        topicAuthorizedOperations: OPERATIONS_OMITTED,
      });
    }
    return { throttleTimeMs: 0, topics, nextCursor: page.nextCursor };
  },
});
