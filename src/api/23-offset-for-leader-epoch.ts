// OffsetForLeaderEpoch: v0-4.
// - Answers the end offset of the requested leader epoch from the partition's epoch history; this single node
//   leads every partition at epoch 0, so epoch 0 ends at the log end offset and later epochs are unknown.
// - current_leader_epoch above ours gets UNKNOWN_LEADER_EPOCH.
import { OffsetForLeaderEpochRequestCodec } from '../../codecs/generated/OffsetForLeaderEpochRequest';
import { OffsetForLeaderEpochResponseCodec, OffsetForLeaderEpochResponseInit } from '../../codecs/generated/OffsetForLeaderEpochResponse';
import { ErrorCode } from '../../codecs/protocol/errors';
import { defineHandler } from './handler';
import { AclOperation, allowsCluster, topicCheck } from './authorize';

export const offsetForLeaderEpochHandler = defineHandler({
  request: OffsetForLeaderEpochRequestCodec,
  response: OffsetForLeaderEpochResponseCodec,
  async handle(request, ctx): Promise<OffsetForLeaderEpochResponseInit> {
    const services = ctx.services;
    // A replica (CLUSTER_ACTION) may ask for any topic; a client needs DESCRIBE, else its topics come last, refused.
    const mayDescribe = allowsCluster(ctx, AclOperation.CLUSTER_ACTION) ? (): boolean => true : topicCheck(ctx, AclOperation.DESCRIBE);
    const refused = request.topics.filter((t) => !mayDescribe(t.topic));
    const topics = await Promise.all(
      request.topics
        .filter((t) => mayDescribe(t.topic))
        .map(async (t) => {
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
    const unauthorized = (partition: number): { errorCode: number; partition: number; leaderEpoch: number; endOffset: bigint } => ({
      errorCode: ErrorCode.TOPIC_AUTHORIZATION_FAILED,
      partition,
      leaderEpoch: -1,
      endOffset: -1n,
    });
    return {
      throttleTimeMs: 0,
      topics: [...topics, ...refused.map((t) => ({ topic: t.topic, partitions: t.partitions.map((p) => unauthorized(p.partition)) }))],
    };
  },
});
