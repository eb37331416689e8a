// OffsetForLeaderEpoch: v0-4.
// - Answers the end offset of the requested leader epoch from the partition's epoch history; this single node
//   leads every partition at epoch 0, so epoch 0 ends at the log end offset and later epochs are unknown.
// - current_leader_epoch above ours gets UNKNOWN_LEADER_EPOCH.
import { OffsetForLeaderEpochRequestCodec } from '../../codecs/generated/OffsetForLeaderEpochRequest';
import { OffsetForLeaderEpochResponseCodec, OffsetForLeaderEpochResponseInit } from '../../codecs/generated/OffsetForLeaderEpochResponse';
import { ErrorCode } from '../../codecs/protocol/errors';
import { defineHandler } from './handler';

export const offsetForLeaderEpochHandler = defineHandler({
  request: OffsetForLeaderEpochRequestCodec,
  response: OffsetForLeaderEpochResponseCodec,
  async handle(request, ctx): Promise<OffsetForLeaderEpochResponseInit> {
    const services = ctx.services;
    const topics = await Promise.all(
      request.topics.map(async (t) => {
        const logs = await services.partitions.logsOf(
          services.topics.get(t.topic),
          t.partitions.map((p) => p.partition),
        );
        const partitions = t.partitions.map((p, i) => {
          const log = logs[i];
          if (!log) return { errorCode: ErrorCode.UNKNOWN_TOPIC_OR_PARTITION, partition: p.partition, leaderEpoch: -1, endOffset: -1n };
          if (p.currentLeaderEpoch > 0) {
            return { errorCode: ErrorCode.UNKNOWN_LEADER_EPOCH, partition: p.partition, leaderEpoch: -1, endOffset: -1n };
          }
          const found = log.leaderEpochStartOffset(p.leaderEpoch);
          return { errorCode: ErrorCode.NONE, partition: p.partition, leaderEpoch: found.epoch, endOffset: found.endOffset };
        });
        return { topic: t.topic, partitions };
      }),
    );
    return { throttleTimeMs: 0, topics };
  },
});
