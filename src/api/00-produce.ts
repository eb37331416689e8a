// Produce: v0-13 (v0-2 carry legacy message sets v0/v1, converted to one RecordBatch v2 on arrival, as Kafka does).
// - acks 0/1/-1 (single node: -1 is satisfied once the local write is done); anything else INVALID_REQUIRED_ACKS.
//   acks=0 is processed the same way but gets no response; when a partition fails the connection is closed, as
//   Kafka does, so the producer finds out.
// - Each partition's records are validated on their batch headers (size, magic, CRC, limits, timestamps) and
//   appended as bytes; the storage layer assigns offsets by patching the batch header. A topic whose
//   compression.type names a codec gets batches of other codecs rebuilt with its own first (batch-recompress.ts).
// - Unknown topics/partitions: UNKNOWN_TOPIC_OR_PARTITION (v13 topic ids: UNKNOWN_TOPIC_ID); internal topics
//   refuse client writes with INVALID_TOPIC_EXCEPTION.
// - Idempotent and transactional producers: storage checks each batch's producer id, epoch and sequence inside
//   its append queue; a retried batch is answered with its original base offset and not written again, an
//   invalid one gets OUT_OF_ORDER_SEQUENCE_NUMBER, INVALID_PRODUCER_EPOCH or INVALID_TXN_STATE, as Kafka does.
// - Transactional batches are verified against the transaction coordinator (KIP-890 part 1, Kafka's default
//   transaction.partition.verification.enable): the partition must be in the producer's open transaction, else
//   INVALID_TXN_STATE (v11: TRANSACTION_ABORTABLE; a stale epoch: INVALID_PRODUCER_EPOCH). This keeps a zombie
//   producer whose transaction timed out from opening a transaction nobody will ever end on a partition. From v12
//   (transaction protocol 2, KIP-890 part 2) the write adds its partition to the transaction instead
//   (produce-txn-verification.ts). Transactional records in a request without a transactional id:
//   TRANSACTIONAL_ID_AUTHORIZATION_FAILED for every partition, as Kafka's authoriser.
import { ProduceRequest, ProduceRequestCodec } from '../../codecs/generated/ProduceRequest';
import { ProduceResponseCodec, ProduceResponseInit, type ProduceResponseTopicProduceResponseInit } from '../../codecs/generated/ProduceResponse';
import { validateProducedRecords, type ProduceValidationResult, type ValidatedBatch } from '../../codecs/records/produce-validation';
import { AppendResult, ProducerRejection, ProducerStateError, RecordBatchTooLargeError } from '../../storage';
import { ErrorCode } from '../../codecs/protocol/errors';
import { BATCH_HEADER, batchIsTransactional, batchMagic } from '../../codecs/records/batch-header';
import { isInternalTopic } from '../topics/topic-names';
import { CLOSE_CONNECTION, defineHandler, RequestContext } from './handler';
import { AclOperation, allowsTransactionalId, topicCheck } from './authorize';
import { produceOperation, verifyTransactionalWrite, type WriteRefusal } from './produce-txn-verification';
import type { MaybeLog } from '../topics/partition-directory';
import type { TopicRef } from '../topics/topic-service';
import { quotaClientOf } from '../security/quotas/client-quotas';

type PartitionResponse = NonNullable<NonNullable<ProduceResponseInit['responses']>[number]['partitionResponses']>[number];

const PRODUCER_REJECTION_CODES: Readonly<Record<ProducerRejection, number>> = {
  OUT_OF_ORDER_SEQUENCE: ErrorCode.OUT_OF_ORDER_SEQUENCE_NUMBER,
  INVALID_PRODUCER_EPOCH: ErrorCode.INVALID_PRODUCER_EPOCH,
  INVALID_TXN_STATE: ErrorCode.INVALID_TXN_STATE,
  TRANSACTION_COORDINATOR_FENCED: ErrorCode.TRANSACTION_COORDINATOR_FENCED,
};

function failed(index: number, errorCode: number, errorMessage: string | null = null): PartitionResponse {
  return { index, errorCode, baseOffset: -1n, logAppendTimeMs: -1n, logStartOffset: -1n, recordErrors: [], errorMessage };
}

/** A validation failure answered with as much as Kafka tells at the stage its check sits (see RejectionDetail). */
function rejectedRecords(index: number, verdict: Extract<ProduceValidationResult, { ok: false }>, logStartOffset: bigint): PartitionResponse {
  if (verdict.detail === 'code') return failed(index, verdict.errorCode);
  if (verdict.detail === 'message') return failed(index, verdict.errorCode, verdict.errorMessage);
  if (verdict.detail === 'logStart') return { ...failed(index, verdict.errorCode), logStartOffset };
  return {
    ...failed(index, verdict.errorCode, verdict.errorMessage),
    logStartOffset,
    recordErrors: verdict.recordErrors.map((e) => ({ batchIndex: e.batchIndex, batchIndexErrorMessage: e.message })),
  };
}

function appended(index: number, result: AppendResult): PartitionResponse {
  return {
    index,
    errorCode: ErrorCode.NONE,
    baseOffset: result.baseOffset,
    logAppendTimeMs: result.logAppendTime,
    logStartOffset: result.logStartOffset,
    recordErrors: [],
    errorMessage: null,
  };
}

/** What appending needs of a request: a Produce request's context, or the console's produce (as Produce v11). */
export type AppendContext = Pick<RequestContext, 'services' | 'apiVersion' | 'logger'>;

/** Kafka's BytesInPerSec and MessagesInPerSec count what an append wrote: a retried duplicate wrote nothing. */
function countedIn(ctx: AppendContext, topic: string, bytes: Buffer, batches: readonly ValidatedBatch[], result: AppendResult): AppendResult {
  if (result.duplicate) return result;
  let records = 0;
  for (let i = 0; i < batches.length; i++) records += batches[i].recordCount;
  ctx.services.metrics.topicIn(topic, bytes.length, records);
  return result;
}

/** Validates and appends one partition's records; the answer is at hand without a promise when storage wrote them at once. */
export function appendPartition(
  ctx: AppendContext,
  topicName: string,
  log: MaybeLog,
  partitionIndex: number,
  records: Buffer | null,
  transactionalId: string | null,
): PartitionResponse | Promise<PartitionResponse> {
  const services = ctx.services;
  const topic = services.topics.get(topicName);
  if (!topic || !log) return failed(partitionIndex, ErrorCode.UNKNOWN_TOPIC_OR_PARTITION);
  // Kafka's ProduceRequest check finds no batch to validate: INVALID_RECORD, with the bare code.
  if (records === null || records.length === 0) return failed(partitionIndex, ErrorCode.INVALID_RECORD);
  const cfg = log.config;
  const settings = services.topics.produceSettings(topic);
  const verdict = validateProducedRecords(records, {
    apiVersion: ctx.apiVersion,
    maxMessageBytes: settings.maxMessageBytes,
    timestampType: cfg.timestampType,
    timestampBeforeMaxMs: settings.timestampBeforeMaxMs,
    timestampAfterMaxMs: settings.timestampAfterMaxMs,
    nowMs: Date.now(),
    compacted: cfg.cleanupPolicy.compact,
    compression: settings.compression,
  });
  if (!verdict.ok) {
    ctx.logger.debug({ topic: topicName, partition: partitionIndex, error: verdict.errorMessage }, 'produce rejected');
    return rejectedRecords(partitionIndex, verdict, log.logStartOffset);
  }
  // v3+ carries exactly one batch (a view of the request); legacy message sets arrive converted to one v2 batch.
  const batches = verdict.batches.map((b) => b.buffer);
  const bytes = batches.length === 1 ? batches[0] : Buffer.concat(batches);
  // Kafka answers a producer-state refusal with the log start offset and no message (it has no custom message).
  const refusedByProducerState = (err: unknown): PartitionResponse => {
    if (!(err instanceof ProducerStateError)) throw err;
    ctx.logger.debug({ topic: topicName, partition: partitionIndex, error: err.message }, 'produce refused by producer state');
    return { ...failed(partitionIndex, PRODUCER_REJECTION_CODES[err.reason]), logStartOffset: log.logStartOffset };
  };
  const write = (): PartitionResponse | Promise<PartitionResponse> => {
    try {
      const now = log.appendNow(bytes, { leaderEpoch: 0 });
      if (now !== null) return appended(partitionIndex, countedIn(ctx, topicName, bytes, verdict.batches, now));
    } catch (err) {
      return refusedByProducerState(err);
    }
    return log
      .append(bytes, { leaderEpoch: 0 })
      .then((result) => appended(partitionIndex, countedIn(ctx, topicName, bytes, verdict.batches, result)), refusedByProducerState);
  };
  const txnBatch = verdict.batches.find((b) => b.transactional && b.producerId >= 0n);
  if (txnBatch === undefined || transactionalId === null) return write();
  const { producerId, producerEpoch, baseSequence } = txnBatch;
  const txnWrite = { transactionalId, producerId, producerEpoch, baseSequence, topic: topicName, partition: partitionIndex };
  const refusal = verifyTransactionalWrite(services, log.producerState(producerId), txnWrite, produceOperation(ctx.apiVersion));
  const answer = (r: WriteRefusal | null): PartitionResponse | Promise<PartitionResponse> =>
    r === null ? write() : { ...failed(partitionIndex, r.errorCode, r.errorMessage), logStartOffset: r.withLogStartOffset ? log.logStartOffset : -1n };
  return refusal instanceof Promise ? refusal.then(answer) : answer(refusal);
}

/** `answer`'s response, or the error response for what it threw or rejected with. */
function orFailure(
  answer: () => PartitionResponse | Promise<PartitionResponse>,
  onError: (err: Error) => PartitionResponse,
): PartitionResponse | Promise<PartitionResponse> {
  try {
    const response = answer();
    return response instanceof Promise ? response.catch(onError) : response;
  } catch (err) {
    return onError(err as Error);
  }
}

type TopicData = ProduceRequest['topicData'][number];
type PartitionData = TopicData['partitionData'][number];

/** One partition's share of a request: refused at once, or appended. */
function producePartition(
  ctx: RequestContext,
  request: ProduceRequest,
  acksValid: boolean,
  ref: TopicRef,
  p: PartitionData,
  requestedName: string,
  mayWrite: (topic: string) => boolean,
): PartitionResponse | Promise<PartitionResponse> {
  if (!acksValid) return failed(p.index, ErrorCode.INVALID_REQUIRED_ACKS);
  // Kafka answers a topic id it does not know before it authorizes anything (there is no name to authorize).
  if (!ref.topic && ref.missingCode === ErrorCode.UNKNOWN_TOPIC_ID) return failed(p.index, ref.missingCode);
  if (!mayWrite(ref.topic?.name ?? requestedName)) return failed(p.index, ErrorCode.TOPIC_AUTHORIZATION_FAILED);
  if (!ref.topic) return failed(p.index, ref.missingCode);
  const topicName = ref.topic.name;
  if (isInternalTopic(topicName)) {
    return failed(p.index, ErrorCode.INVALID_TOPIC_EXCEPTION, `Cannot append to internal topic ${topicName}`);
  }
  const append = (log: MaybeLog): PartitionResponse | Promise<PartitionResponse> =>
    appendPartition(ctx, topicName, log, p.index, p.records, request.transactionalId);
  // A partition a clean restart left on disk is built on its first use; the append waits for that once.
  const log = ctx.services.partitions.log(ref.topic, p.index);
  return orFailure(
    () => (log instanceof Promise ? log.then(append) : append(log)),
    (err) => {
      // Kafka answers a batch too large for a segment with the bare code, as it does a too-large message.
      if (err instanceof RecordBatchTooLargeError) return failed(p.index, ErrorCode.RECORD_LIST_TOO_LARGE);
      ctx.logger.error({ err, topic: topicName, partition: p.index }, 'append failed');
      return failed(p.index, ErrorCode.KAFKA_STORAGE_ERROR, err.message);
    },
  );
}

/** Where Kafka's handler puts a partition's answer: appended (or failed while appending), refused, unknown. */
function answerGroup(errorCode: number | undefined): number {
  if (errorCode === ErrorCode.TOPIC_AUTHORIZATION_FAILED) return 1;
  if (errorCode === ErrorCode.UNKNOWN_TOPIC_OR_PARTITION || errorCode === ErrorCode.UNKNOWN_TOPIC_ID) return 2;
  return 0;
}

/**
 * The answer in Kafka's order: its handler merges the partitions the replica manager appended, then those refused
 * WRITE, then those it does not know (Scala maps added one after the other), and lists each topic where its first
 * partition comes, with its partitions in that order. Within a group, and once the merged map holds more than four
 * partitions, Kafka's order follows hashes of its own random topic ids (no two clusters agree): Eddy keeps the
 * request's order there.
 */
function inKafkaOrder(topicData: readonly TopicData[], answers: readonly PartitionResponse[][]): NonNullable<ProduceResponseInit['responses']> {
  // Every partition appended (or failed appending), the usual case: one group, so the request's order as it is.
  if (answers.every((row) => row.every((answer) => answerGroup(answer.errorCode) === 0))) {
    const inOrder: ProduceResponseTopicProduceResponseInit[] = [];
    for (let topic = 0; topic < topicData.length; topic++) {
      const partitionResponses = answers[topic];
      if (partitionResponses.length > 0) inOrder.push({ name: topicData[topic].name, topicId: topicData[topic].topicId, partitionResponses });
    }
    return inOrder;
  }
  const entries = topicData.flatMap((t, topic) => answers[topic].map((answer) => ({ topic, answer, group: answerGroup(answer.errorCode) })));
  entries.sort((a, b) => a.group - b.group);
  const byTopic = new Map<number, PartitionResponse[]>();
  for (const { topic, answer } of entries) {
    const listed = byTopic.get(topic);
    if (listed === undefined) byTopic.set(topic, [answer]);
    else listed.push(answer);
  }
  return [...byTopic].map(([topic, partitionResponses]) => ({ name: topicData[topic].name, topicId: topicData[topic].topicId, partitionResponses }));
}

/** Whether the first batch of a partition's records is a v2 batch with the transactional flag, as Kafka checks. */
function startsTransactional(records: Buffer | null): boolean {
  return records !== null && records.length >= BATCH_HEADER.attributes + 2 && batchMagic(records) === 2 && batchIsTransactional(records);
}

/**
 * Transactional records need a transactional id the principal may WRITE: without one Kafka's authoriser refuses the
 * whole request.
 */
function refusedAsUnauthorisedTransaction(ctx: RequestContext, request: ProduceRequest): NonNullable<ProduceResponseInit['responses']> | null {
  if (request.transactionalId !== null && allowsTransactionalId(ctx, AclOperation.WRITE, request.transactionalId)) return null;
  if (!request.topicData.some((t) => t.partitionData.some((p) => startsTransactional(p.records)))) return null;
  return request.topicData.map((t) => ({
    name: t.name,
    topicId: t.topicId,
    partitionResponses: t.partitionData.map((p) => failed(p.index, ErrorCode.TRANSACTIONAL_ID_AUTHORIZATION_FAILED)),
  }));
}

/**
 * acks=0 gets no answer; when a partition failed, Kafka closes the connection so the producer notices. The request's
 * size counts against the client's producer_byte_rate whatever the outcome, as in Kafka; over it, the answer carries
 * the throttle time and the connection is muted for it (acks=0 too).
 */
function produceResponse(
  ctx: RequestContext,
  request: ProduceRequest,
  responses: NonNullable<ProduceResponseInit['responses']>,
): ProduceResponseInit | null | typeof CLOSE_CONNECTION {
  const quotas = ctx.services.quotas.enforcement;
  const throttleTimeMs = quotas.enabled('produce') ? quotas.record('produce', quotaClientOf(ctx), ctx.requestBytes, Date.now()) : 0;
  ctx.throttle(throttleTimeMs);
  if (request.acks !== 0) return { responses, throttleTimeMs };
  const failedAny = responses.some((topic) => topic.partitionResponses?.some((p) => p.errorCode !== undefined && p.errorCode !== ErrorCode.NONE));
  return failedAny ? CLOSE_CONNECTION : null;
}

export const produceHandler = defineHandler({
  request: ProduceRequestCodec,
  response: ProduceResponseCodec,
  handle(request, ctx): ProduceResponseInit | null | typeof CLOSE_CONNECTION | Promise<ProduceResponseInit | null | typeof CLOSE_CONNECTION> {
    const topics = ctx.services.topics;
    const byId = ctx.apiVersion >= 13;
    const acksValid = request.acks === 0 || request.acks === 1 || request.acks === -1;
    const unauthorised = refusedAsUnauthorisedTransaction(ctx, request);
    const mayWrite = topicCheck(ctx, AclOperation.WRITE);
    if (unauthorised !== null) return produceResponse(ctx, request, unauthorised);
    const only = request.topicData.length === 1 && request.topicData[0].partitionData.length === 1 ? request.topicData[0] : null;
    if (only !== null) {
      // A producer writing one partition (most of librdkafka's requests with few partitions) waits on its one
      // append, without the arrays of answers below.
      const ref = topics.find(only.name, only.topicId, byId);
      const answer = (partition: PartitionResponse): ProduceResponseInit | null | typeof CLOSE_CONNECTION =>
        produceResponse(ctx, request, [{ name: only.name, topicId: only.topicId, partitionResponses: [partition] }]);
      const partition = producePartition(ctx, request, acksValid, ref, only.partitionData[0], only.name, mayWrite);
      return partition instanceof Promise ? partition.then(answer) : answer(partition);
    }
    const answers = request.topicData.map((topicData) => {
      const ref = topics.find(topicData.name, topicData.topicId, byId);
      return topicData.partitionData.map((p) => producePartition(ctx, request, acksValid, ref, p, topicData.name, mayWrite));
    });
    const waiting = awaitedInPlace(answers);
    const respond = (): ProduceResponseInit | null | typeof CLOSE_CONNECTION =>
      produceResponse(ctx, request, inKafkaOrder(request.topicData, answers as PartitionResponse[][]));
    // Appends storage wrote at once (the common case) answer without a promise (the connection still sends the
    // answer after this tick's promise jobs, see Connection.respondAtEndOfTick); only a request whose partitions
    // wait (a queued append, a partition loading) waits, with one promise for the request, not one per partition.
    return waiting.length === 0 ? respond() : Promise.all(waiting).then(respond);
  },
});

/** Promises that put each pending partition answer in its place once it settles; none when all are at hand. */
function awaitedInPlace(answers: Array<Array<PartitionResponse | Promise<PartitionResponse>>>): Promise<void>[] {
  const waiting: Promise<void>[] = [];
  for (const row of answers) {
    for (let i = 0; i < row.length; i++) {
      const answer = row[i];
      if (answer instanceof Promise) waiting.push(answer.then((settled) => void (row[i] = settled)));
    }
  }
  return waiting;
}
