// Differential steps for idempotent and transactional producers: requests that echo the producer id and epoch
// each broker minted, batches built from them, Fetch answers reduced to what a consumer sees of each batch, and
// waits (not compared) for what Kafka finishes asynchronously: transaction markers and its coordinator's log.
import { AddOffsetsToTxnRequestCodec } from '../../codecs/generated/AddOffsetsToTxnRequest';
import { AddOffsetsToTxnResponseCodec } from '../../codecs/generated/AddOffsetsToTxnResponse';
import { AddPartitionsToTxnRequestCodec } from '../../codecs/generated/AddPartitionsToTxnRequest';
import { AddPartitionsToTxnResponseCodec } from '../../codecs/generated/AddPartitionsToTxnResponse';
import { DescribeProducersRequestCodec } from '../../codecs/generated/DescribeProducersRequest';
import { DescribeProducersResponseCodec, type DescribeProducersResponse } from '../../codecs/generated/DescribeProducersResponse';
import { DescribeTransactionsRequestCodec } from '../../codecs/generated/DescribeTransactionsRequest';
import { DescribeTransactionsResponseCodec, type DescribeTransactionsResponse } from '../../codecs/generated/DescribeTransactionsResponse';
import { EndTxnRequestCodec } from '../../codecs/generated/EndTxnRequest';
import { EndTxnResponseCodec } from '../../codecs/generated/EndTxnResponse';
import { FetchRequestCodec } from '../../codecs/generated/FetchRequest';
import { FetchResponseCodec } from '../../codecs/generated/FetchResponse';
import { FindCoordinatorRequestCodec } from '../../codecs/generated/FindCoordinatorRequest';
import { FindCoordinatorResponseCodec } from '../../codecs/generated/FindCoordinatorResponse';
import { InitProducerIdRequestCodec } from '../../codecs/generated/InitProducerIdRequest';
import { InitProducerIdResponseCodec } from '../../codecs/generated/InitProducerIdResponse';
import { ListOffsetsRequestCodec } from '../../codecs/generated/ListOffsetsRequest';
import { ListOffsetsResponseCodec } from '../../codecs/generated/ListOffsetsResponse';
import { ListTransactionsRequestCodec } from '../../codecs/generated/ListTransactionsRequest';
import { ListTransactionsResponseCodec, type ListTransactionsResponse } from '../../codecs/generated/ListTransactionsResponse';
import { ProduceRequestCodec } from '../../codecs/generated/ProduceRequest';
import { ProduceResponseCodec } from '../../codecs/generated/ProduceResponse';
import { TxnOffsetCommitRequestCodec } from '../../codecs/generated/TxnOffsetCommitRequest';
import { TxnOffsetCommitResponseCodec } from '../../codecs/generated/TxnOffsetCommitResponse';
import { decodeRecordBatches, encodeRecordBatch, type DecodedBatch } from '../../codecs/records/record-batch';
import type { RawClient } from '../helpers/raw-client';
import { waitFor } from '../helpers/wait';
import { step, type Step } from './harness';

export interface ProducerIdentity {
  readonly producerId: bigint;
  readonly producerEpoch: number;
}

/** Which producer id and epoch a request carries, read from this broker's earlier answers. */
export type ProducerRef = (history: readonly unknown[]) => ProducerIdentity;

/** The producer this broker gave in its InitProducerId answer at step `index`. */
export function producerAt(index: number): ProducerRef {
  return (history) => {
    const answer = history[index] as Partial<ProducerIdentity> | undefined;
    return { producerId: answer?.producerId ?? -1n, producerEpoch: answer?.producerEpoch ?? -1 };
  };
}

/** The same producer id with another epoch, as a zombie or a producer from the future would send. */
export function withEpoch(ref: ProducerRef, delta: number): ProducerRef {
  return (history) => {
    const p = ref(history);
    return { producerId: p.producerId, producerEpoch: p.producerEpoch + delta };
  };
}

/** A producer id no broker minted in this run. */
export const UNKNOWN_PRODUCER: ProducerRef = () => ({ producerId: 987_654_321n, producerEpoch: 0 });

export const NO_PRODUCER: ProducerRef = () => ({ producerId: -1n, producerEpoch: -1 });

export interface InitOptions {
  readonly transactionalId?: string | null;
  readonly timeoutMs?: number;
  readonly producer?: ProducerRef;
}

export function initProducerId(version: number, options: InitOptions = {}): Step {
  return step(InitProducerIdRequestCodec, InitProducerIdResponseCodec, version, (history) => ({
    transactionalId: options.transactionalId ?? null,
    transactionTimeoutMs: options.timeoutMs ?? 60_000,
    ...(options.producer ?? NO_PRODUCER)(history),
  }));
}

export type TopicPartitions = ReadonlyArray<{ readonly name: string; readonly partitions: readonly number[] }>;

/** v0-v3 carry one transaction at the top level (what clients send); v4+ carry a batch of transactions. */
export function addPartitions(version: number, transactionalId: string, producer: ProducerRef, topics: TopicPartitions): Step {
  return step(AddPartitionsToTxnRequestCodec, AddPartitionsToTxnResponseCodec, version, (history) => {
    const p = producer(history);
    if (version >= 4) return { transactions: [{ transactionalId, ...p, verifyOnly: false, topics }] };
    return {
      v3AndBelowTransactionalId: transactionalId,
      v3AndBelowProducerId: p.producerId,
      v3AndBelowProducerEpoch: p.producerEpoch,
      v3AndBelowTopics: topics,
    };
  });
}

/** AddPartitionsToTxn v4 with verify_only, as a partition leader asks whether a partition is in the transaction. */
export function addPartitionsVerify(transactionalId: string, producer: ProducerRef, topics: TopicPartitions): Step {
  return step(AddPartitionsToTxnRequestCodec, AddPartitionsToTxnResponseCodec, 4, (history) => ({
    transactions: [{ transactionalId, ...producer(history), verifyOnly: true, topics }],
  }));
}

export function addOffsets(version: number, transactionalId: string, producer: ProducerRef, groupId: string): Step {
  return step(AddOffsetsToTxnRequestCodec, AddOffsetsToTxnResponseCodec, version, (history) => ({ transactionalId, ...producer(history), groupId }));
}

export function txnOffsetCommit(
  version: number,
  transactionalId: string,
  groupId: string,
  producer: ProducerRef,
  topic: string,
  offsets: readonly bigint[],
): Step {
  const partitions = offsets.map((committedOffset, partitionIndex) => ({ partitionIndex, committedOffset, committedLeaderEpoch: -1, committedMetadata: '' }));
  return step(TxnOffsetCommitRequestCodec, TxnOffsetCommitResponseCodec, version, (history) => ({
    transactionalId,
    groupId,
    ...producer(history),
    generationId: -1,
    memberId: '',
    groupInstanceId: null,
    topics: [{ name: topic, partitions }],
  }));
}

export function endTxn(version: number, transactionalId: string, producer: ProducerRef, committed: boolean): Step {
  return step(EndTxnRequestCodec, EndTxnResponseCodec, version, (history) => ({ transactionalId, ...producer(history), committed }));
}

export interface BatchSpec {
  readonly producer: ProducerRef;
  readonly baseSequence: number;
  readonly count?: number;
  readonly transactional?: boolean;
}

/**
 * A batch with values `s<sequence>`, stamped now: Kafka rolls a segment when a record's timestamp is segment.ms past
 * the segment's first one, and a Fetch reads one segment, so an old fixed timestamp would hide the next marker.
 */
function batchOf(spec: BatchSpec, history: readonly unknown[]): Buffer {
  const p = spec.producer(history);
  return encodeRecordBatch({
    ...p,
    baseSequence: spec.baseSequence,
    transactional: spec.transactional ?? false,
    baseTimestamp: BigInt(Date.now()),
    records: Array.from({ length: spec.count ?? 2 }, (_, i) => ({ value: Buffer.from(`s${spec.baseSequence + i}`) })),
  });
}

export function produceBatch(topic: string, partition: number, spec: BatchSpec, transactionalId: string | null = null, version = 9): Step {
  return step(ProduceRequestCodec, ProduceResponseCodec, version, (history) => ({
    transactionalId,
    acks: -1,
    timeoutMs: 5000,
    topicData: [{ name: topic, partitionData: [{ index: partition, records: batchOf(spec, history) }] }],
  }));
}

/** What a consumer sees of one batch; its bytes differ between brokers by the producer id and marker times. */
function batchView(batch: DecodedBatch): Record<string, unknown> {
  const contents = batch.control
    ? { controlType: batch.records[0]?.key?.readInt16BE(2) ?? null }
    : { values: batch.records.map((r) => r.value?.toString() ?? null) };
  return {
    baseOffset: batch.baseOffset,
    lastOffset: batch.lastOffset,
    producerId: batch.producerId,
    producerEpoch: batch.producerEpoch,
    baseSequence: batch.baseSequence,
    transactional: batch.transactional,
    control: batch.control,
    ...contents,
  };
}

/** Fetch v11 (kafkajs and librdkafka's era) of one partition from offset 0, its records reduced to batch views. */
export function fetchAt(topic: string, partition: number, isolationLevel: 0 | 1): Step {
  const inner = step(FetchRequestCodec, FetchResponseCodec, 11, {
    replicaId: -1,
    maxWaitMs: 0,
    minBytes: 0,
    maxBytes: 1 << 20,
    isolationLevel,
    sessionId: 0,
    sessionEpoch: -1,
    topics: [{ topic, partitions: [{ partition, fetchOffset: 0n, partitionMaxBytes: 1 << 20 }] }],
    rackId: '',
  });
  return {
    label: `${inner.label} isolation ${isolationLevel}`,
    send: async (client, history) => {
      const answer = (await inner.send(client, history)) as { responses?: Array<{ partitions: Array<{ records: Buffer | null }> }> };
      const p = answer.responses?.[0]?.partitions[0];
      if (p === undefined) return answer;
      const batches = p.records === null ? null : decodeRecordBatches(p.records).batches.map(batchView);
      return { ...p, records: batches };
    },
  };
}

export function listOffsetsLatest(topic: string, partition: number, isolationLevel: 0 | 1, version = 7): Step {
  return step(ListOffsetsRequestCodec, ListOffsetsResponseCodec, version, {
    replicaId: -1,
    isolationLevel,
    topics: [{ name: topic, partitions: [{ partitionIndex: partition, currentLeaderEpoch: -1, timestamp: -1n }] }],
  });
}

/** Kafka lists a transaction's topics and partitions in hash-set order, which is no contract: they are compared sorted. */
export function describeTransactions(ids: readonly string[]): Step {
  const inner = step(DescribeTransactionsRequestCodec, DescribeTransactionsResponseCodec, 0, { transactionalIds: ids });
  return {
    label: inner.label,
    send: async (client, history) => {
      const answer = (await inner.send(client, history)) as DescribeTransactionsResponse | { connectionClosed: true };
      if (!('transactionStates' in answer)) return answer;
      const sortedTopics = (topics: (typeof answer.transactionStates)[number]['topics']) =>
        topics.map((t) => ({ ...t, partitions: [...t.partitions].sort((a, b) => a - b) })).sort((a, b) => a.topic.localeCompare(b.topic));
      const transactionStates = answer.transactionStates.map((t) => ({ ...t, topics: sortedTopics(t.topics) }));
      return { ...answer, transactionStates };
    },
  };
}

/**
 * Kafka lists a partition's producers in its hash map's order, which moves with the ids the scenarios before this one
 * used up: they are compared in producer id order.
 */
export function describeProducers(topic: string, partitions: readonly number[]): Step {
  const inner = step(DescribeProducersRequestCodec, DescribeProducersResponseCodec, 0, { topics: [{ name: topic, partitionIndexes: partitions }] });
  return {
    label: inner.label,
    send: async (client, history) => {
      const answer = (await inner.send(client, history)) as DescribeProducersResponse | { connectionClosed: true };
      if (!('topics' in answer)) return answer;
      const byId = (a: { producerId: bigint }, b: { producerId: bigint }): number => (a.producerId < b.producerId ? -1 : a.producerId > b.producerId ? 1 : 0);
      const topics = answer.topics.map((t) => ({ ...t, partitions: t.partitions.map((p) => ({ ...p, activeProducers: [...p.activeProducers].sort(byId) })) }));
      return { ...answer, topics };
    },
  };
}

/** ListTransactions keeps only this scenario's transactional ids (by prefix): the broker lists every scenario's. */
export function listTransactions(version: number, prefix: string, stateFilters: readonly string[] = [], producer?: ProducerRef): Step {
  const inner = step(ListTransactionsRequestCodec, ListTransactionsResponseCodec, version, (history) => ({
    stateFilters,
    producerIdFilters: producer === undefined ? [] : [producer(history).producerId],
    durationFilter: -1n,
  }));
  return {
    label: inner.label,
    send: async (client, history) => {
      const answer = (await inner.send(client, history)) as ListTransactionsResponse | { connectionClosed: true };
      if (!('transactionStates' in answer)) return answer;
      const transactionStates = answer.transactionStates
        .filter((t) => t.transactionalId.startsWith(prefix))
        .sort((a, b) => a.transactionalId.localeCompare(b.transactionalId));
      return { ...answer, transactionStates };
    },
  };
}

const SETTLED_STATES = new Set(['Empty', 'Ongoing', 'CompleteCommit', 'CompleteAbort', 'Dead']);

async function transactionState(client: RawClient, transactionalId: string): Promise<string> {
  const res = await client.request(DescribeTransactionsRequestCodec, DescribeTransactionsResponseCodec, 0, { transactionalIds: [transactionalId] });
  const state = res.transactionStates[0];
  return state === undefined || state.errorCode !== 0 ? `error ${state?.errorCode}` : state.transactionState;
}

/**
 * Waits until `transactionalId` is no longer preparing a commit or abort: Kafka answers EndTxn once it logged the
 * decision and writes the markers afterwards, so the LSO and the next transaction wait for them. Not compared.
 */
export function awaitTransactionSettled(transactionalId: string): Step {
  return {
    label: `await ${transactionalId} settled`,
    send: async (client) => {
      await waitFor(`transaction ${transactionalId} to settle`, async () => SETTLED_STATES.has(await transactionState(client, transactionalId)), 15_000);
      return { settled: true };
    },
  };
}

/** Finds the transaction coordinator and initialises a producer on it until neither answers a retriable error. */
export async function awaitTransactionCoordinator(client: RawClient): Promise<void> {
  const available = async (): Promise<boolean> => {
    const found = await client.request(FindCoordinatorRequestCodec, FindCoordinatorResponseCodec, 4, { keyType: 1, coordinatorKeys: ['diff-txn-warm-up'] });
    if (found.coordinators[0]?.errorCode !== 0) return false;
    const init = await client.request(InitProducerIdRequestCodec, InitProducerIdResponseCodec, 3, {
      transactionalId: 'diff-txn-warm-up',
      transactionTimeoutMs: 60_000,
      producerId: -1n,
      producerEpoch: -1,
    });
    return init.errorCode === 0;
  };
  await waitFor('the transaction coordinator', available, 30_000);
}
