// OffsetDelete: v0.
// - Deletes committed offsets of a group: any partition while the group is empty; for a consumer group with
//   members, only topics none of them subscribes to (GROUP_SUBSCRIBED_TO_TOPIC otherwise). Other non-empty
//   groups: NON_EMPTY_GROUP. Unknown group: GROUP_ID_NOT_FOUND. Unknown topic or partition: UNKNOWN_TOPIC_OR_PARTITION,
//   listed first as Kafka's response builder does.
import { OffsetDeleteRequestCodec } from '../../codecs/generated/OffsetDeleteRequest';
import { OffsetDeleteResponseCodec, OffsetDeleteResponseInit } from '../../codecs/generated/OffsetDeleteResponse';
import { ErrorCode } from '../../codecs/protocol/errors';
import { defineHandler } from './handler';
import { refusedFirst } from './per-partition';

export const offsetDeleteHandler = defineHandler({
  request: OffsetDeleteRequestCodec,
  response: OffsetDeleteResponseCodec,
  async handle(request, ctx): Promise<OffsetDeleteResponseInit> {
    const exists = (topic: string, partition: number): boolean => {
      const meta = ctx.services.topics.get(topic);
      return meta !== undefined && partition >= 0 && partition < meta.partitions;
    };
    const known = request.topics
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
          errorCode: done?.partitions.find((x) => x.partition === p.partitionIndex)?.errorCode ?? ErrorCode.UNKNOWN_TOPIC_OR_PARTITION,
        })),
      };
    });
    return { errorCode: ErrorCode.NONE, throttleTimeMs: 0, topics: refusedFirst(topics, (p, t) => !exists(t.name, p.partitionIndex)) };
  },
});
