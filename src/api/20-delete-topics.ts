// DeleteTopics: v0-6.
// - By name (all versions) or by topic id (v6+); unknown ones get UNKNOWN_TOPIC_OR_PARTITION / UNKNOWN_TOPIC_ID.
// - Internal topics cannot be deleted (INVALID_TOPIC_EXCEPTION); delete.topic.enable=false gives
//   TOPIC_DELETION_DISABLED.
// - Deletion removes the partitions' files through storage.
import { DeleteTopicsRequestCodec } from '../../codecs/generated/DeleteTopicsRequest';
import { DeleteTopicsResponseCodec, DeleteTopicsResponseInit } from '../../codecs/generated/DeleteTopicsResponse';
import { BrokerConfigKeys } from '../config/broker-config';
import { ErrorCode } from '../../codecs/protocol/errors';
import { isInternalTopic } from '../topics/topic-names';
import { ZERO_UUID } from '../../codecs/protocol/uuid';
import { defineHandler } from './handler';

type Result = NonNullable<DeleteTopicsResponseInit['responses']>[number];

export const deleteTopicsHandler = defineHandler({
  request: DeleteTopicsRequestCodec,
  response: DeleteTopicsResponseCodec,
  async handle(request, ctx): Promise<DeleteTopicsResponseInit> {
    const services = ctx.services;
    const wanted =
      ctx.apiVersion >= 6
        ? request.topics.map((t) => ({ name: t.name, topicId: t.topicId }))
        : request.topicNames.map((name) => ({ name: name, topicId: ZERO_UUID }));
    const responses: Result[] = [];
    for (const w of wanted) {
      const byId = w.name === null && w.topicId !== ZERO_UUID;
      const topic = byId ? services.topics.byId(w.topicId) : w.name === null ? undefined : services.topics.get(w.name);
      const result = (errorCode: number, errorMessage: string | null = null): Result => ({
        name: topic?.name ?? w.name,
        topicId: topic?.topicId ?? w.topicId,
        errorCode,
        errorMessage,
      });
      if (!topic) {
        responses.push(result(byId ? ErrorCode.UNKNOWN_TOPIC_ID : ErrorCode.UNKNOWN_TOPIC_OR_PARTITION, 'This server does not host this topic-partition.'));
      } else if (!services.config.get(BrokerConfigKeys.DELETE_TOPIC_ENABLE)) {
        responses.push(result(ErrorCode.TOPIC_DELETION_DISABLED, 'Topic deletion is disabled.'));
      } else if (isInternalTopic(topic.name)) {
        responses.push(result(ErrorCode.INVALID_TOPIC_EXCEPTION, `Cannot delete internal topic ${topic.name}`));
      } else {
        await services.topics.delete(topic.name);
        responses.push(result(ErrorCode.NONE));
      }
    }
    return { throttleTimeMs: 0, responses };
  },
});
