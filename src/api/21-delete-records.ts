// DeleteRecords: v0-2.
// - Moves each partition's log start offset to the given offset (-1 means the high watermark); records below it
//   are no longer served and their segments become deletable. An offset above the high watermark gets
//   OFFSET_OUT_OF_RANGE; unknown partitions UNKNOWN_TOPIC_OR_PARTITION.
// - Answered in the order Kafka's Scala maps leave the topics and partitions in (kafkaOrder).
import { DeleteRecordsRequestCodec } from '../../codecs/generated/DeleteRecordsRequest';
import { DeleteRecordsResponseCodec, DeleteRecordsResponseInit } from '../../codecs/generated/DeleteRecordsResponse';
import { ErrorCode } from '../../codecs/protocol/errors';
import { defineHandler } from './handler';
import { AclOperation, topicCheck } from './authorize';
import { answerEachPartition } from './per-partition';
import { inScalaHashMapOrder, inScalaMutableMapOrder, topicPartitionHash } from './scala-map-order';
import { javaStringHashCode } from '../topics/java-hash';

interface PartitionResult {
  readonly partitionIndex: number;
  readonly lowWatermark: bigint;
  readonly errorCode: number;
}

interface TopicResult {
  readonly name: string;
  readonly partitions: readonly PartitionResult[];
}

/**
 * Kafka groups its merged results by topic (KafkaApis.handleDeleteRecordsRequest): the topics come in the order of
 * Scala's immutable HashMap of their names, each topic's partitions in that of a mutable HashMap of its partitions.
 */
function kafkaOrder(topics: readonly TopicResult[]): TopicResult[] {
  const names = inScalaHashMapOrder([...new Set(topics.map((t) => t.name))], javaStringHashCode);
  return names.map((name) => {
    const partitions = topics.filter((t) => t.name === name).flatMap((t) => t.partitions);
    return { name, partitions: inScalaMutableMapOrder(partitions, (p) => topicPartitionHash(name, p.partitionIndex)) };
  });
}

export const deleteRecordsHandler = defineHandler({
  request: DeleteRecordsRequestCodec,
  response: DeleteRecordsResponseCodec,
  async handle(request, ctx): Promise<DeleteRecordsResponseInit> {
    const mayDelete = topicCheck(ctx, AclOperation.DELETE);
    const topics = await answerEachPartition(ctx.services, request.topics, async (log, p, topic): Promise<PartitionResult> => {
      if (!mayDelete(topic)) return { partitionIndex: p.partitionIndex, lowWatermark: -1n, errorCode: ErrorCode.TOPIC_AUTHORIZATION_FAILED };
      if (!log) return { partitionIndex: p.partitionIndex, lowWatermark: -1n, errorCode: ErrorCode.UNKNOWN_TOPIC_OR_PARTITION };
      const target = p.offset === -1n ? log.highWatermark : p.offset;
      if (target < 0n || target > log.highWatermark) {
        return { partitionIndex: p.partitionIndex, lowWatermark: -1n, errorCode: ErrorCode.OFFSET_OUT_OF_RANGE };
      }
      const lowWatermark = await log.deleteRecordsBefore(target);
      return { partitionIndex: p.partitionIndex, lowWatermark, errorCode: ErrorCode.NONE };
    });
    return { throttleTimeMs: 0, topics: kafkaOrder(topics) };
  },
});
