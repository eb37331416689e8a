// DescribeProducers: v0.
// - For each requested partition, the producers its producer state knows: id, epoch, last sequence and timestamp,
//   the coordinator epoch of their last marker, and the first offset of their open transaction (-1 if none).
// - Unknown topics or partitions: UNKNOWN_TOPIC_OR_PARTITION.
import { DescribeProducersRequestCodec } from '../../codecs/generated/DescribeProducersRequest';
import { DescribeProducersResponseCodec, DescribeProducersResponseInit } from '../../codecs/generated/DescribeProducersResponse';
import { ErrorCode } from '../../codecs/protocol/errors';
import type { PartitionLog } from '../../storage';
import { defineHandler } from './handler';

export interface ActiveProducer {
  readonly producerId: bigint;
  readonly producerEpoch: number;
  readonly lastSequence: number;
  readonly lastTimestamp: bigint;
  readonly coordinatorEpoch: number;
  /** -1 when the producer has no open transaction on the partition. */
  readonly currentTxnStartOffset: bigint;
}

/** The producers a partition's producer state knows, as DescribeProducers reports them. */
export function activeProducersOf(log: PartitionLog): ActiveProducer[] {
  return log.producerStates().map((p) => ({
    producerId: p.producerId,
    producerEpoch: p.producerEpoch,
    lastSequence: p.batches.length > 0 ? p.batches[p.batches.length - 1].lastSeq : -1,
    lastTimestamp: p.lastTimestamp,
    coordinatorEpoch: p.coordinatorEpoch,
    currentTxnStartOffset: p.currentTxnFirstOffset ?? -1n,
  }));
}

export const describeProducersHandler = defineHandler({
  request: DescribeProducersRequestCodec,
  response: DescribeProducersResponseCodec,
  async handle(request, ctx): Promise<DescribeProducersResponseInit> {
    const { topics, partitions } = ctx.services;
    return {
      throttleTimeMs: 0,
      topics: await Promise.all(
        request.topics.map(async (t) => {
          const topic = topics.get(t.name);
          const logs = await partitions.logsOf(topic, t.partitionIndexes);
          // Kafka words the error only for a topic it does not know; an unknown partition of a known one has none.
          const missingMessage = topic === undefined ? 'This server does not host this topic-partition.' : null;
          return {
            name: t.name,
            partitions: t.partitionIndexes.map((partitionIndex, i) => {
              const log = logs[i];
              if (!log) return { partitionIndex, errorCode: ErrorCode.UNKNOWN_TOPIC_OR_PARTITION, errorMessage: missingMessage, activeProducers: [] };
              return {
                partitionIndex,
                errorCode: ErrorCode.NONE,
                errorMessage: null,
                activeProducers: activeProducersOf(log),
              };
            }),
          };
        }),
      ),
    };
  },
});
