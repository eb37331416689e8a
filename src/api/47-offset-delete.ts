// OffsetDelete: v0.
// - Deletes committed offsets of a group: any partition while the group is empty; for a consumer group with
//   members, only topics none of them subscribes to (GROUP_SUBSCRIBED_TO_TOPIC otherwise). Other non-empty
//   groups: NON_EMPTY_GROUP. Unknown group: GROUP_ID_NOT_FOUND. Unknown topic or partition: UNKNOWN_TOPIC_OR_PARTITION,
//   listed first as Kafka's response builder does.
import { OffsetDeleteRequestCodec } from '../../codecs/generated/OffsetDeleteRequest';
import { OffsetDeleteResponseCodec, OffsetDeleteResponseInit } from '../../codecs/generated/OffsetDeleteResponse';
import { ErrorCode } from '../../codecs/protocol/errors';
import { defineHandler } from './handler';
import { AclOperation, allowsGroup, topicCheck } from './authorize';
import { refusedFirst } from './per-partition';

export const offsetDeleteHandler = defineHandler({
  request: OffsetDeleteRequestCodec,
  response: OffsetDeleteResponseCodec,
  async handle(request, ctx): Promise<OffsetDeleteResponseInit> {
    if (!allowsGroup(ctx, AclOperation.DELETE, request.groupId)) return { errorCode: ErrorCode.GROUP_AUTHORIZATION_FAILED, throttleTimeMs: 0, topics: [] };
    const mayRead = topicCheck(ctx, AclOperation.READ);
    const exists = (topic: string, partition: number): boolean => {
      const meta = ctx.services.topics.get(topic);
      return meta !== undefined && partition >= 0 && partition < meta.partitions;
    };
    const known = request.topics
      .filter((t) => mayRead(t.name))
      .map((t) => ({ topic: t.name, partitions: t.partitions.map((p) => p.partitionIndex).filter((p) => exists(t.name, p)) }))
      .filter((t) => t.partitions.length > 0);
    const result = await ctx.services.groups.deleteOffsets(request.groupId, known);
    if (result.errorCode !== ErrorCode.NONE) return { errorCode: result.errorCode, throttleTimeMs: 0, topics: [] };
    const byTopic = new Map(result.topics.map((t) => [t.topic, t]));
    const topics = request.topics.map((t) => {
      const done = byTopic.get(t.name);
      return {
        name: t.name,
        partitions: t.partitions.map((p) => ({
          partitionIndex: p.partitionIndex,
          errorCode: !mayRead(t.name)
            ? ErrorCode.TOPIC_AUTHORIZATION_FAILED
            : (done?.partitions.find((x) => x.partition === p.partitionIndex)?.errorCode ?? ErrorCode.UNKNOWN_TOPIC_OR_PARTITION),
        })),
      };
    });
    return { errorCode: ErrorCode.NONE, throttleTimeMs: 0, topics: refusedFirst(topics, (p, t) => !mayRead(t.name) || !exists(t.name, p.partitionIndex)) };
  },
});
