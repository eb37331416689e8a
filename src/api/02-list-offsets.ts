// ListOffsets: v0-11.
// - Special timestamps: -2 earliest (log start offset), -1 latest (high watermark, or last stable offset under
//   READ_COMMITTED), -3 max timestamp (KIP-734), -4 earliest local (= earliest, no tiered storage), -5 earliest
//   pending upload (none: offset -1). Any other value finds the first offset whose timestamp is >= it, or -1.
// - v0 answers through OldStyleOffsets (a one-element list); v1+ through Offset/Timestamp.
// - Leader epoch is always 0 on this single node; a larger current_leader_epoch gets UNKNOWN_LEADER_EPOCH.
import { ListOffsetsRequestCodec } from '../../codecs/generated/ListOffsetsRequest';
import { ListOffsetsResponseCodec, ListOffsetsResponseInit } from '../../codecs/generated/ListOffsetsResponse';
import type { PartitionLog } from '../../storage';
import { ErrorCode } from '../../codecs/protocol/errors';
import { defineHandler } from './handler';
import { answerEachPartition } from './per-partition';

type PartitionResponse = NonNullable<NonNullable<ListOffsetsResponseInit['topics']>[number]['partitions']>[number];

const LATEST = -1n;
const EARLIEST = -2n;
const MAX_TIMESTAMP = -3n;
const EARLIEST_LOCAL = -4n;
const EARLIEST_PENDING_UPLOAD = -5n;
const READ_COMMITTED = 1;

async function lookup(log: PartitionLog, timestamp: bigint, isolationLevel: number): Promise<{ offset: bigint; timestamp: bigint }> {
  switch (timestamp) {
    case LATEST:
      return { offset: isolationLevel === READ_COMMITTED ? log.lastStableOffset : log.highWatermark, timestamp: -1n };
    case EARLIEST:
    case EARLIEST_LOCAL:
      return { offset: log.logStartOffset, timestamp: -1n };
    case EARLIEST_PENDING_UPLOAD:
      return { offset: -1n, timestamp: -1n };
    case MAX_TIMESTAMP:
      return (await log.maxTimestampAndOffset()) ?? { offset: -1n, timestamp: -1n };
    default: {
      const found = await log.offsetForTimestamp(timestamp);
      return found ?? { offset: -1n, timestamp: -1n };
    }
  }
}

export const listOffsetsHandler = defineHandler({
  request: ListOffsetsRequestCodec,
  response: ListOffsetsResponseCodec,
  async handle(request, ctx): Promise<ListOffsetsResponseInit> {
    const topics = await answerEachPartition(ctx.services, request.topics, async (log, p): Promise<PartitionResponse> => {
      const base = { partitionIndex: p.partitionIndex, oldStyleOffsets: [] as bigint[] };
      if (!log) return { ...base, errorCode: ErrorCode.UNKNOWN_TOPIC_OR_PARTITION, timestamp: -1n, offset: -1n, leaderEpoch: -1 };
      if (p.currentLeaderEpoch > 0) {
        return { ...base, errorCode: ErrorCode.UNKNOWN_LEADER_EPOCH, timestamp: -1n, offset: -1n, leaderEpoch: -1 };
      }
      let found = await lookup(log, p.timestamp, request.isolationLevel);
      // Timestamp lookups under READ_COMMITTED never point into undecided transactions (as Kafka filters).
      if (request.isolationLevel === READ_COMMITTED && (p.timestamp >= 0n || p.timestamp === MAX_TIMESTAMP) && found.offset >= log.lastStableOffset) {
        found = { offset: -1n, timestamp: -1n };
      }
      return {
        ...base,
        errorCode: ErrorCode.NONE,
        timestamp: found.timestamp,
        offset: found.offset,
        leaderEpoch: 0,
        oldStyleOffsets: ctx.apiVersion === 0 && found.offset >= 0n ? [found.offset] : [],
      };
    });
    return { throttleTimeMs: 0, topics };
  },
});
