// TxnOffsetCommit: v0-5.
// - Offsets a transactional producer commits for a consumer group (consume-transform-produce). They go to
//   __consumer_offsets as the producer's transactional records and become visible to OffsetFetch only when the
//   transaction commits (its marker reaches the partition); an abort drops them.
// - The group checks are Kafka's lighter ones for transactional commits: a member id or generation (v3+) is
//   checked only when sent. Unknown topics or partitions: UNKNOWN_TOPIC_OR_PARTITION. A fenced producer's commit is
//   refused by the partition's producer state with INVALID_PRODUCER_EPOCH. Refused partitions lead the answer, as
//   in Kafka's response builder.
// - KIP-890: the group's offsets partition must be in the producer's open transaction. v0-4 (transaction protocol
//   1) verify it with the coordinator: AddOffsetsToTxn must have come first, else INVALID_TXN_STATE (v4:
//   TRANSACTION_ABORTABLE); v5 (protocol 2) adds it to the transaction itself, as Kafka's group coordinator does
//   through the partition leader. Coordinator refusals (INVALID_PRODUCER_EPOCH for a fenced producer,
//   INVALID_PRODUCER_ID_MAPPING, CONCURRENT_TRANSACTIONS) answer every partition that exists; an empty group id
//   is refused before that with INVALID_GROUP_ID.
import { TxnOffsetCommitRequestCodec, type TxnOffsetCommitRequest } from '../../codecs/generated/TxnOffsetCommitRequest';
import { TxnOffsetCommitResponseCodec, TxnOffsetCommitResponseInit } from '../../codecs/generated/TxnOffsetCommitResponse';
import { ErrorCode } from '../../codecs/protocol/errors';
import type { OffsetCommitInput } from '../groups/group-coordinator';
import { OFFSETS_TOPIC } from '../groups/offsets-topic';
import { defineHandler } from './handler';
import { AclOperation, allowsGroup, allowsTransactionalId, topicCheck } from './authorize';
import type { BrokerServices } from './services';
import { refusedFirst } from './per-partition';
import { checkWithCoordinator, txnOffsetCommitOperation, type WriteRefusal } from './produce-txn-verification';

/** The KIP-890 check of the group's offsets partition, as the request's version asks for it (null: go ahead). */
function offsetsPartitionRefusal(services: BrokerServices, request: TxnOffsetCommitRequest, apiVersion: number): Promise<WriteRefusal | null> {
  const write = {
    transactionalId: request.transactionalId,
    producerId: request.producerId,
    producerEpoch: request.producerEpoch,
    baseSequence: -1,
    topic: OFFSETS_TOPIC,
    partition: services.groups.partitionFor(request.groupId),
  };
  return Promise.resolve(checkWithCoordinator(services, write, txnOffsetCommitOperation(apiVersion)));
}

export const txnOffsetCommitHandler = defineHandler({
  request: TxnOffsetCommitRequestCodec,
  response: TxnOffsetCommitResponseCodec,
  async handle(request, ctx): Promise<TxnOffsetCommitResponseInit> {
    const services = ctx.services;
    // Kafka: WRITE on the transactional id, then READ on the group, refuse every partition; READ per topic.
    const whole = !allowsTransactionalId(ctx, AclOperation.WRITE, request.transactionalId)
      ? ErrorCode.TRANSACTIONAL_ID_AUTHORIZATION_FAILED
      : !allowsGroup(ctx, AclOperation.READ, request.groupId)
        ? ErrorCode.GROUP_AUTHORIZATION_FAILED
        : null;
    if (whole !== null) {
      return {
        throttleTimeMs: 0,
        topics: request.topics.map((t) => ({ name: t.name, partitions: t.partitions.map((p) => ({ partitionIndex: p.partitionIndex, errorCode: whole })) })),
      };
    }
    const mayRead = topicCheck(ctx, AclOperation.READ);
    const codes = new Map<string, number>();
    const key = (topic: string, partition: number): string => `${topic}\u0000${partition}`;
    const accepted: OffsetCommitInput[] = [];
    const refused = new Set<string>();
    for (const t of request.topics) {
      const meta = services.topics.get(t.name);
      for (const p of t.partitions) {
        if (!mayRead(t.name)) {
          codes.set(key(t.name, p.partitionIndex), ErrorCode.TOPIC_AUTHORIZATION_FAILED);
          refused.add(key(t.name, p.partitionIndex));
          continue;
        }
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
    // Kafka's group coordinator refuses an empty group id before it verifies the transaction.
    const refusal =
      accepted.length === 0
        ? null
        : request.groupId === ''
          ? { errorCode: ErrorCode.INVALID_GROUP_ID }
          : await offsetsPartitionRefusal(services, request, ctx.apiVersion);
    if (refusal !== null) {
      for (const a of accepted) codes.set(key(a.topic, a.partition), refusal.errorCode);
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
    // A topic named in several entries is answered once, with all its partitions, as Kafka's response builder does.
    const byName = new Map<string, Array<{ partitionIndex: number; errorCode: number }>>();
    for (const t of request.topics) {
      const partitions = byName.get(t.name) ?? [];
      byName.set(t.name, partitions);
      for (const p of t.partitions) {
        partitions.push({ partitionIndex: p.partitionIndex, errorCode: codes.get(key(t.name, p.partitionIndex)) ?? ErrorCode.UNKNOWN_SERVER_ERROR });
      }
    }
    const topics = [...byName].map(([name, partitions]) => ({ name, partitions }));
    return { throttleTimeMs: 0, topics: refusedFirst(topics, (p, t) => refused.has(key(t.name, p.partitionIndex))) };
  },
});
