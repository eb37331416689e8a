// Raw requests for producer-state tests: InitProducerId, Produce of a hand-built batch, and Fetch of a whole
// partition at either isolation level, decoded.
import { InitProducerIdRequestCodec } from '../../codecs/generated/InitProducerIdRequest';
import { InitProducerIdResponseCodec } from '../../codecs/generated/InitProducerIdResponse';
import { ProduceRequestCodec } from '../../codecs/generated/ProduceRequest';
import { ProduceResponseCodec } from '../../codecs/generated/ProduceResponse';
import { FetchRequestCodec } from '../../codecs/generated/FetchRequest';
import { FetchResponseCodec } from '../../codecs/generated/FetchResponse';
import { decodeRecordBatches, DecodedBatch, encodeRecordBatch } from '../../codecs/records/record-batch';
import type { RawClient } from './raw-client';

export async function initProducerId(
  client: RawClient,
  opts: { transactionalId?: string | null; timeoutMs?: number; producerId?: bigint; producerEpoch?: number; version?: number } = {},
): Promise<{ errorCode: number; producerId: bigint; producerEpoch: number }> {
  const res = await client.request(InitProducerIdRequestCodec, InitProducerIdResponseCodec, opts.version ?? 4, {
    transactionalId: opts.transactionalId ?? null,
    transactionTimeoutMs: opts.timeoutMs ?? 60000,
    producerId: opts.producerId ?? -1n,
    producerEpoch: opts.producerEpoch ?? -1,
  });
  return { errorCode: res.errorCode, producerId: res.producerId, producerEpoch: res.producerEpoch };
}

/** A batch of `count` records with values `${prefix}-${i}`. */
export function producerBatch(opts: {
  producerId: bigint;
  producerEpoch: number;
  baseSequence: number;
  count?: number;
  prefix?: string;
  transactional?: boolean;
}): Buffer {
  const count = opts.count ?? 1;
  return encodeRecordBatch({
    producerId: opts.producerId,
    producerEpoch: opts.producerEpoch,
    baseSequence: opts.baseSequence,
    transactional: opts.transactional ?? false,
    records: Array.from({ length: count }, (_, i) => ({ value: Buffer.from(`${opts.prefix ?? 'v'}-${opts.baseSequence + i}`) })),
  });
}

export async function produce(
  client: RawClient,
  topic: string,
  partition: number,
  records: Buffer,
  transactionalId: string | null = null,
): Promise<{ errorCode: number; baseOffset: bigint; errorMessage: string | null }> {
  const res = await client.request(ProduceRequestCodec, ProduceResponseCodec, 9, {
    transactionalId,
    acks: -1,
    timeoutMs: 5000,
    topicData: [{ name: topic, partitionData: [{ index: partition, records }] }],
  });
  const p = res.responses[0].partitionResponses[0];
  return { errorCode: p.errorCode, baseOffset: p.baseOffset, errorMessage: p.errorMessage };
}

export interface FetchedPartition {
  errorCode: number;
  highWatermark: bigint;
  lastStableOffset: bigint;
  abortedTransactions: Array<{ producerId: bigint; firstOffset: bigint }> | null;
  batches: DecodedBatch[];
}

/** One Fetch v11 from `offset` with generous limits. */
export async function fetchPartition(client: RawClient, topic: string, partition: number, isolationLevel: 0 | 1, offset = 0n): Promise<FetchedPartition> {
  const res = await client.request(FetchRequestCodec, FetchResponseCodec, 11, {
    replicaId: -1,
    maxWaitMs: 0,
    minBytes: 0,
    maxBytes: 16 << 20,
    isolationLevel,
    sessionId: 0,
    sessionEpoch: -1,
    topics: [{ topic, partitions: [{ partition, fetchOffset: offset, partitionMaxBytes: 16 << 20 }] }],
  });
  const p = res.responses[0].partitions[0];
  return {
    errorCode: p.errorCode,
    highWatermark: p.highWatermark,
    lastStableOffset: p.lastStableOffset,
    abortedTransactions: p.abortedTransactions === null ? null : p.abortedTransactions.map((a) => ({ producerId: a.producerId, firstOffset: a.firstOffset })),
    batches: p.records === null ? [] : decodeRecordBatches(p.records).batches,
  };
}

/** Record values of the data (non-control) batches, in offset order. */
export function values(batches: readonly DecodedBatch[]): string[] {
  return batches.filter((b) => !b.control).flatMap((b) => b.records.map((r) => r.value?.toString() ?? ''));
}
