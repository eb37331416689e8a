// AddPartitionsToTxn: v0-5.
// - v0-3 (clients): adds the partitions to the producer's transaction through the transaction coordinator, which
//   records them in __transaction_state before answering. Every partition gets the same code, except that unknown
//   partitions get UNKNOWN_TOPIC_OR_PARTITION and then the others OPERATION_NOT_ATTEMPTED (nothing is added).
// - v4+ (KIP-890, sent by brokers): several transactions per request, added under transaction protocol 2 (as Kafka
//   decides from the version); `verify_only` answers whether each partition is already in the open transaction
//   (TRANSACTION_ABORTABLE if not, CONCURRENT_TRANSACTIONS while it ends) without adding it.
// - Errors: INVALID_PRODUCER_ID_MAPPING (unknown transactional id or producer id), PRODUCER_FENCED (stale epoch;
//   INVALID_PRODUCER_EPOCH below v2, as Kafka answers older clients), CONCURRENT_TRANSACTIONS (mid-commit).
import { AddPartitionsToTxnRequestCodec, AddPartitionsToTxnRequestAddPartitionsToTxnTopic } from '../../codecs/generated/AddPartitionsToTxnRequest';
import { AddPartitionsToTxnResponseCodec, AddPartitionsToTxnResponseInit } from '../../codecs/generated/AddPartitionsToTxnResponse';
import { ErrorCode } from '../../codecs/protocol/errors';
import { TV_2, TV_CLIENT_LEGACY } from '../transactions/transaction-transitions';
import { defineHandler, RequestContext } from './handler';
import { AclOperation, allowsCluster, allowsTransactionalId, topicCheck } from './authorize';
import { isInternalTopic } from '../topics/topic-names';

type TopicResult = NonNullable<AddPartitionsToTxnResponseInit['resultsByTopicV3AndBelow']>[number];

interface TxnTarget {
  readonly transactionalId: string;
  readonly producerId: bigint;
  readonly producerEpoch: number;
  readonly topics: readonly AddPartitionsToTxnRequestAddPartitionsToTxnTopic[];
}

function resultsWith(topics: TxnTarget['topics'], codeOf: (topic: string, partition: number) => number): TopicResult[] {
  return topics.map((t) => ({
    name: t.name,
    resultsByPartition: t.partitions.map((p) => ({ partitionIndex: p, partitionErrorCode: codeOf(t.name, p) })),
  }));
}

/** Exported for AddOffsetsToTxn-style reuse and tests: the per-partition answer for one transaction. */
export async function addPartitionsFor(ctx: RequestContext, target: TxnTarget, verifyOnly: boolean): Promise<TopicResult[]> {
  const services = ctx.services;
  const exists = (topic: string, partition: number): boolean => {
    const meta = services.topics.get(topic);
    return meta !== undefined && partition >= 0 && partition < meta.partitions;
  };
  // A client's request (v0-3) needs WRITE on the transactional id and on each topic (never an internal one), as Kafka.
  const fromClient = ctx.apiKey === 24 && ctx.apiVersion < 4;
  if (fromClient && !allowsTransactionalId(ctx, AclOperation.WRITE, target.transactionalId)) {
    return resultsWith(target.topics, () => ErrorCode.TRANSACTIONAL_ID_AUTHORIZATION_FAILED);
  }
  const mayWrite = topicCheck(ctx, AclOperation.WRITE);
  const writable = (topic: string): boolean => !fromClient || ctx.services.authorizer === null || (!isInternalTopic(topic) && mayWrite(topic));
  const unknown = target.topics.some((t) => !writable(t.name) || t.partitions.some((p) => !exists(t.name, p)));
  if (unknown) {
    const refusal = (t: string, p: number): number =>
      !writable(t) ? ErrorCode.TOPIC_AUTHORIZATION_FAILED : exists(t, p) ? ErrorCode.OPERATION_NOT_ATTEMPTED : ErrorCode.UNKNOWN_TOPIC_OR_PARTITION;
    return resultsWith(target.topics, refusal);
  }
  const input = target.topics.map((t) => ({ topic: t.name, partitions: t.partitions }));
  if (verifyOnly) {
    const verdicts = services.transactions.verifyPartitions(target.transactionalId, target.producerId, target.producerEpoch, input);
    const codes = new Map(verdicts.map((v) => [`${v.topic}\u0000${v.partition}`, v.errorCode]));
    return resultsWith(target.topics, (t, p) => codes.get(`${t}\u0000${p}`) ?? ErrorCode.UNKNOWN_SERVER_ERROR);
  }
  // Kafka's TransactionVersion.transactionVersionForAddPartitionsToTxn: v4 and later come from protocol-2 brokers.
  const tv = ctx.apiVersion >= 4 ? TV_2 : TV_CLIENT_LEGACY;
  let code = await services.transactions.addPartitions(target.transactionalId, target.producerId, target.producerEpoch, input, tv);
  if (code === ErrorCode.PRODUCER_FENCED && ctx.apiVersion < 2) code = ErrorCode.INVALID_PRODUCER_EPOCH;
  return resultsWith(target.topics, () => code);
}

export const addPartitionsToTxnHandler = defineHandler({
  request: AddPartitionsToTxnRequestCodec,
  response: AddPartitionsToTxnResponseCodec,
  async handle(request, ctx): Promise<AddPartitionsToTxnResponseInit> {
    if (ctx.apiVersion < 4) {
      const resultsByTopicV3AndBelow = await addPartitionsFor(
        ctx,
        {
          transactionalId: request.v3AndBelowTransactionalId,
          producerId: request.v3AndBelowProducerId,
          producerEpoch: request.v3AndBelowProducerEpoch,
          topics: request.v3AndBelowTopics,
        },
        false,
      );
      return { throttleTimeMs: 0, resultsByTopicV3AndBelow };
    }
    // v4+ comes from brokers, which need CLUSTER_ACTION.
    if (!allowsCluster(ctx, AclOperation.CLUSTER_ACTION))
      return { throttleTimeMs: 0, errorCode: ErrorCode.CLUSTER_AUTHORIZATION_FAILED, resultsByTransaction: [] };
    const resultsByTransaction = await Promise.all(
      request.transactions.map(async (t) => ({ transactionalId: t.transactionalId, topicResults: await addPartitionsFor(ctx, t, t.verifyOnly) })),
    );
    return { throttleTimeMs: 0, errorCode: ErrorCode.NONE, resultsByTransaction };
  },
});
