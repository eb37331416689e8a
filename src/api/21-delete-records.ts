// DeleteRecords: v0-2.
// - Moves each partition's log start offset to the given offset (-1 means the high watermark); records below it
//   are no longer served and their segments become deletable. An offset above the high watermark gets
//   OFFSET_OUT_OF_RANGE; unknown partitions UNKNOWN_TOPIC_OR_PARTITION.
import { DeleteRecordsRequestCodec } from '../../codecs/generated/DeleteRecordsRequest';
import { DeleteRecordsResponseCodec, DeleteRecordsResponseInit } from '../../codecs/generated/DeleteRecordsResponse';
import { ErrorCode } from '../cluster/errors';
import { defineHandler } from './handler';
import { loadPartitionsOf, partitionOf } from './partition-lookup';

export const deleteRecordsHandler = defineHandler({
  request: DeleteRecordsRequestCodec,
  response: DeleteRecordsResponseCodec,
  async handle(request, ctx): Promise<DeleteRecordsResponseInit> {
    const broker = ctx.broker;
    const topics = await Promise.all(
      request.topics.map(async (t) => {
        const topic = broker.topics.get(t.name);
        await loadPartitionsOf(broker, topic, t.partitions.map((p) => p.partitionIndex));
        const partitions = await Promise.all(
          t.partitions.map(async (p) => {
            const log = partitionOf(broker, topic, p.partitionIndex);
            if (!log) return { partitionIndex: p.partitionIndex, lowWatermark: -1n, errorCode: ErrorCode.UNKNOWN_TOPIC_OR_PARTITION };
            const target = p.offset === -1n ? log.highWatermark : p.offset;
            if (target < 0n || target > log.highWatermark) {
              return { partitionIndex: p.partitionIndex, lowWatermark: -1n, errorCode: ErrorCode.OFFSET_OUT_OF_RANGE };
            }
            const lowWatermark = await log.deleteRecordsBefore(target);
            return { partitionIndex: p.partitionIndex, lowWatermark, errorCode: ErrorCode.NONE };
          }),
        );
        return { name: t.name, partitions };
      }),
    );
    return { throttleTimeMs: 0, topics };
  },
});
