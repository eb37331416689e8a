// DeleteRecords: v0-2.
// - Moves each partition's log start offset to the given offset (-1 means the high watermark); records below it
//   are no longer served and their segments become deletable. An offset above the high watermark gets
//   OFFSET_OUT_OF_RANGE; unknown partitions UNKNOWN_TOPIC_OR_PARTITION.
import { DeleteRecordsRequestCodec } from '../../codecs/generated/DeleteRecordsRequest';
import { DeleteRecordsResponseCodec, DeleteRecordsResponseInit } from '../../codecs/generated/DeleteRecordsResponse';
import { ErrorCode } from '../../codecs/protocol/errors';
import { defineHandler } from './handler';
import { AclOperation, topicCheck } from './authorize';
import { answerEachPartition } from './per-partition';

export const deleteRecordsHandler = defineHandler({
  request: DeleteRecordsRequestCodec,
  response: DeleteRecordsResponseCodec,
  async handle(request, ctx): Promise<DeleteRecordsResponseInit> {
    const mayDelete = topicCheck(ctx, AclOperation.DELETE);
    const topics = await answerEachPartition(ctx.services, request.topics, async (log, p, topic) => {
      if (!mayDelete(topic)) return { partitionIndex: p.partitionIndex, lowWatermark: -1n, errorCode: ErrorCode.TOPIC_AUTHORIZATION_FAILED };
      if (!log) return { partitionIndex: p.partitionIndex, lowWatermark: -1n, errorCode: ErrorCode.UNKNOWN_TOPIC_OR_PARTITION };
      const target = p.offset === -1n ? log.highWatermark : p.offset;
      if (target < 0n || target > log.highWatermark) {
        return { partitionIndex: p.partitionIndex, lowWatermark: -1n, errorCode: ErrorCode.OFFSET_OUT_OF_RANGE };
      }
      const lowWatermark = await log.deleteRecordsBefore(target);
      return { partitionIndex: p.partitionIndex, lowWatermark, errorCode: ErrorCode.NONE };
    });
    return { throttleTimeMs: 0, topics };
  },
});
