// TxnOffsetCommit: v0-5.
// - Offsets a transactional producer commits for a consumer group (consume-transform-produce). They go to
//   __consumer_offsets as the producer's transactional records and become visible to OffsetFetch only when the
//   transaction commits (its marker reaches the partition); an abort drops them.
// - The group checks are Kafka's lighter ones for transactional commits: a member id or generation (v3+) is
//   checked only when sent. Unknown topics or partitions: UNKNOWN_TOPIC_OR_PARTITION. A fenced producer's commit is
//   refused by the partition's producer state with INVALID_PRODUCER_EPOCH. Refused partitions lead the answer, as
//   in Kafka's response builder.
// - KIP-890 part 1: a commit for a group AddOffsetsToTxn did not add to the open transaction is refused with
//   INVALID_TXN_STATE, as Kafka's coordinator verifies the offsets partition before writing.
// - Left out: KIP-890 part 2 (v5's implicit add of the offsets partition to the transaction); clients on
//   transaction protocol version 1 call AddOffsetsToTxn first, as all clients do against a broker that does not
//   advertise transaction.version 2.
import { TxnOffsetCommitRequestCodec, type TxnOffsetCommitRequest } from '../../codecs/generated/TxnOffsetCommitRequest';
import { TxnOffsetCommitResponseCodec, TxnOffsetCommitResponseInit } from '../../codecs/generated/TxnOffsetCommitResponse';
import { ErrorCode } from '../../codecs/protocol/errors';
import type { OffsetCommitInput } from '../groups/group-coordinator';
import { OFFSETS_TOPIC } from '../groups/offsets-topic';
import { defineHandler } from './handler';
import type { BrokerServices } from './services';
import { refusedFirst } from './per-partition';

/**
 * KIP-890 verification of a TV1 commit: the group's offsets partition must be in the producer's open transaction
 * (AddOffsetsToTxn came first). Only a missing partition refuses here; a fenced producer is refused by its state.
 */
function groupInTransaction(services: BrokerServices, request: TxnOffsetCommitRequest): boolean {
  const offsetsPartition = { topic: OFFSETS_TOPIC, partitions: [services.groups.partitionFor(request.groupId)] };
  const [verdict] = services.transactions.verifyPartitions(request.transactionalId, request.producerId, request.producerEpoch, [offsetsPartition]);
  return verdict.errorCode !== ErrorCode.INVALID_TXN_STATE;
}

export const txnOffsetCommitHandler = defineHandler({
  request: TxnOffsetCommitRequestCodec,
  response: TxnOffsetCommitResponseCodec,
  async handle(request, ctx): Promise<TxnOffsetCommitResponseInit> {
    const services = ctx.services;
    const codes = new Map<string, number>();
    const key = (topic: string, partition: number): string => `${topic}\u0000${partition}`;
    const accepted: OffsetCommitInput[] = [];
    const refused = new Set<string>();
    for (const t of request.topics) {
      const meta = services.topics.get(t.name);
      for (const p of t.partitions) {
        if (meta === undefined || p.partitionIndex < 0 || p.partitionIndex >= meta.partitions) {
          codes.set(key(t.name, p.partitionIndex), ErrorCode.UNKNOWN_TOPIC_OR_PARTITION);
          refused.add(key(t.name, p.partitionIndex));
          continue;
        }
        accepted.push({
          topic: t.name,
          partition: p.partitionIndex,
          offset: p.committedOffset,
          leaderEpoch: p.committedLeaderEpoch,
          metadata: p.committedMetadata,
          commitTimestamp: -1n,
        });
      }
    }
    if (accepted.length > 0 && !groupInTransaction(ctx.services, request)) {
      for (const a of accepted) codes.set(key(a.topic, a.partition), ErrorCode.INVALID_TXN_STATE);
    } else if (accepted.length > 0) {
      const results = await services.groups.commitTransactionalOffsets({
        groupId: request.groupId,
        producerId: request.producerId,
        producerEpoch: request.producerEpoch,
        generationId: request.generationId,
        memberId: request.memberId,
        groupInstanceId: request.groupInstanceId,
        partitions: accepted,
      });
      accepted.forEach((a, i) => codes.set(key(a.topic, a.partition), results[i]));
    }
    const topics = request.topics.map((t) => ({
      name: t.name,
      partitions: t.partitions.map((p) => ({
        partitionIndex: p.partitionIndex,
        errorCode: codes.get(key(t.name, p.partitionIndex)) ?? ErrorCode.UNKNOWN_SERVER_ERROR,
      })),
    }));
    return { throttleTimeMs: 0, topics: refusedFirst(topics, (p, t) => refused.has(key(t.name, p.partitionIndex))) };
  },
});
