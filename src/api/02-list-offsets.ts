// ListOffsets: v0-11.
// - Special timestamps: -2 earliest (log start offset), -1 latest (high watermark, or last stable offset under
//   READ_COMMITTED), -3 max timestamp (KIP-734), -4 earliest local (= earliest, no tiered storage), -5 latest
//   tiered and -6 earliest pending upload (no tiered storage: offset -1). Any other value finds the first offset
//   whose timestamp is >= it, or -1.
// - v0 answers through OldStyleOffsets (a one-element list); v1+ through Offset/Timestamp.
// - Leader epoch is always 0 on this single node; a larger current_leader_epoch gets UNKNOWN_LEADER_EPOCH. An
//   answer without an offset (-1) has no epoch either (-1), as Kafka leaves it.
// - As Kafka checks before reading the log: a partition named twice gets one INVALID_REQUEST answer; a special
//   timestamp older than the request's version (-3 before v7, -4 before v8, -5 before v9, -6 before v11) or an
//   unknown negative one gets UNSUPPORTED_VERSION.
import { ListOffsetsRequestCodec, type ListOffsetsRequest } from '../../codecs/generated/ListOffsetsRequest';
import { ListOffsetsResponseCodec, ListOffsetsResponseInit } from '../../codecs/generated/ListOffsetsResponse';
import type { PartitionLog } from '../../storage';
import { ErrorCode } from '../../codecs/protocol/errors';
import { defineHandler } from './handler';
import { AclOperation, topicCheck } from './authorize';
import { answerEachPartition, type NamedTopicRequest } from './per-partition';

type PartitionResponse = NonNullable<NonNullable<ListOffsetsResponseInit['topics']>[number]['partitions']>[number];

const LATEST = -1n;
const EARLIEST = -2n;
const MAX_TIMESTAMP = -3n;
const EARLIEST_LOCAL = -4n;
const LATEST_TIERED = -5n;
const EARLIEST_PENDING_UPLOAD = -6n;
const READ_COMMITTED = 1;

/** The first ListOffsets version that knows each special timestamp (Kafka's timestampMinSupportedVersion). */
const SPECIAL_TIMESTAMP_MIN_VERSION: ReadonlyMap<bigint, number> = new Map([
  [LATEST, 0],
  [EARLIEST, 0],
  [MAX_TIMESTAMP, 7],
  [EARLIEST_LOCAL, 8],
  [LATEST_TIERED, 9],
  [EARLIEST_PENDING_UPLOAD, 11],
]);

function timestampUnsupported(timestamp: bigint, version: number): boolean {
  if (timestamp >= 0n) return false;
  const since = SPECIAL_TIMESTAMP_MIN_VERSION.get(timestamp);
  return since === undefined || version < since;
}

type AskedPartition = ListOffsetsRequest['topics'][number]['partitions'][number] & { readonly duplicated: boolean };

/** Each partition once, at its first place, marked when the request names it more than once (Kafka answers it once). */
function distinctPartitions(topics: ListOffsetsRequest['topics']): Array<NamedTopicRequest<AskedPartition>> {
  const seen = new Map<string, number>();
  for (const t of topics) for (const p of t.partitions) seen.set(`${p.partitionIndex}:${t.name}`, (seen.get(`${p.partitionIndex}:${t.name}`) ?? 0) + 1);
  const answered = new Set<string>();
  return topics.map((t) => ({
    name: t.name,
    partitions: t.partitions.flatMap((p) => {
      const key = `${p.partitionIndex}:${t.name}`;
      if (answered.has(key)) return [];
      answered.add(key);
      return [{ ...p, duplicated: (seen.get(key) ?? 0) > 1 }];
    }),
  }));
}

async function lookup(log: PartitionLog, timestamp: bigint, isolationLevel: number): Promise<{ offset: bigint; timestamp: bigint }> {
  switch (timestamp) {
    case LATEST:
      return { offset: isolationLevel === READ_COMMITTED ? log.lastStableOffset : log.highWatermark, timestamp: -1n };
    case EARLIEST:
    case EARLIEST_LOCAL:
      return { offset: log.logStartOffset, timestamp: -1n };
    case LATEST_TIERED:
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
    const mayDescribe = topicCheck(ctx, AclOperation.DESCRIBE);
    const topics = await answerEachPartition(ctx.services, distinctPartitions(request.topics), async (log, p, topic): Promise<PartitionResponse> => {
      const base = { partitionIndex: p.partitionIndex, oldStyleOffsets: [] as bigint[] };
      const refused = (errorCode: number): PartitionResponse => ({ ...base, errorCode, timestamp: -1n, offset: -1n, leaderEpoch: -1 });
      if (!mayDescribe(topic)) return refused(ErrorCode.TOPIC_AUTHORIZATION_FAILED);
      if (p.duplicated) return refused(ErrorCode.INVALID_REQUEST);
      if (ctx.apiVersion >= 1 && timestampUnsupported(p.timestamp, ctx.apiVersion)) return refused(ErrorCode.UNSUPPORTED_VERSION);
      if (!log) return refused(ErrorCode.UNKNOWN_TOPIC_OR_PARTITION);
      if (p.currentLeaderEpoch > 0) return refused(ErrorCode.UNKNOWN_LEADER_EPOCH);
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
        leaderEpoch: found.offset >= 0n ? 0 : -1,
        oldStyleOffsets: ctx.apiVersion === 0 && found.offset >= 0n ? [found.offset] : [],
      };
    });
    // Kafka answers the topics it may describe first and appends the refused ones after them.
    return { throttleTimeMs: 0, topics: [...topics.filter((t) => mayDescribe(t.name)), ...topics.filter((t) => !mayDescribe(t.name))] };
  },
});
