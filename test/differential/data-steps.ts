// Step builders for the data-path scenarios (Produce, Fetch, ListOffsets, DeleteRecords, OffsetForLeaderEpoch),
// shared by scenarios-produce.ts, scenarios-fetch.ts, scenarios-offsets.ts and restart.test.ts. Requests that name
// a topic by id (Produce v13, Fetch v13+) read each broker's own id from an earlier Metadata step of the scenario.
import { DeleteRecordsRequestCodec } from '../../codecs/generated/DeleteRecordsRequest';
import { DeleteRecordsResponseCodec } from '../../codecs/generated/DeleteRecordsResponse';
import { FetchRequestCodec, type FetchRequestFetchTopicInit } from '../../codecs/generated/FetchRequest';
import { FetchResponseCodec, type FetchResponse } from '../../codecs/generated/FetchResponse';
import { ListOffsetsRequestCodec } from '../../codecs/generated/ListOffsetsRequest';
import { ListOffsetsResponseCodec } from '../../codecs/generated/ListOffsetsResponse';
import { MetadataRequestCodec } from '../../codecs/generated/MetadataRequest';
import { MetadataResponseCodec } from '../../codecs/generated/MetadataResponse';
import { OffsetForLeaderEpochRequestCodec } from '../../codecs/generated/OffsetForLeaderEpochRequest';
import { OffsetForLeaderEpochResponseCodec } from '../../codecs/generated/OffsetForLeaderEpochResponse';
import { ProduceRequestCodec, type ProduceRequestInit } from '../../codecs/generated/ProduceRequest';
import { ProduceResponseCodec } from '../../codecs/generated/ProduceResponse';
import { ATTR_TIMESTAMP_LOG_APPEND, BATCH_HEADER } from '../../codecs/records/batch-header';
import { scanFetchedRecords } from '../../codecs/records/batch-iterator';
import { sessionlessFetch, type FetchLimits } from '../helpers/fetch-requests';
import { step, type Step } from './harness';

export const EARLIEST = -2n;
export const LATEST = -1n;
export const MAX_TIMESTAMP = -3n;
const NIL_UUID = '00000000-0000-0000-0000-000000000000';
const MB = 1 << 20;

export interface ProduceOptions {
  readonly version?: number;
  readonly acks?: number;
  readonly partition?: number;
}

function produceBody(name: string, topicId: string, records: Buffer | null, options: ProduceOptions): ProduceRequestInit {
  const partitionData = [{ index: options.partition ?? 0, records }];
  return { transactionalId: null, acks: options.acks ?? -1, timeoutMs: 5000, topicData: [{ name, topicId, partitionData }] };
}

/** Produce of `records` to one partition; v13 names the topic by the id an earlier Metadata step returned. */
export function produce(name: string, records: Buffer | null, options: ProduceOptions = {}): Step {
  const version = options.version ?? 9;
  if (version < 13) return step(ProduceRequestCodec, ProduceResponseCodec, version, produceBody(name, '', records, options));
  return step(ProduceRequestCodec, ProduceResponseCodec, version, (history) => produceBody('', topicIdIn(history, name), records, options));
}

export interface ProduceTarget {
  readonly name: string;
  /** Names the topic from Produce v13 on; the zero uuid below. */
  readonly topicId?: string;
  readonly partitions: readonly number[];
}

/** One Produce with acks=-1 writing `records` to every partition of every target: a request spanning partitions or topics. */
export function produceToAll(version: number, targets: readonly ProduceTarget[], records: Buffer): Step {
  const topicData = targets.map((t) => ({ name: t.name, topicId: t.topicId ?? NIL_UUID, partitionData: t.partitions.map((index) => ({ index, records })) }));
  return step(ProduceRequestCodec, ProduceResponseCodec, version, { acks: -1, timeoutMs: 5000, topicData });
}

/**
 * A Produce with acks=0 gets no answer, so the step sends it and then asks ListOffsets latest: that answer shows
 * whether the records were written, or `connectionClosed` when the broker dropped the connection over an error.
 */
export function produceWithoutAcks(name: string, records: Buffer, version = 9, partition = 0): Step {
  const then = listOffsets(name, 0, LATEST);
  return {
    label: `Produce v${version} acks=0, then ${then.label}`,
    send: async (client, history) => {
      client.send(ProduceRequestCodec, version, produceBody(name, '', records, { acks: 0, partition }));
      return then.send(client, history);
    },
  };
}

export function listOffsets(name: string, partitionIndex: number, timestamp: bigint, version = 7, isolationLevel = 0): Step {
  return listOffsetsOf(name, [{ partitionIndex, timestamp }], version, isolationLevel);
}

export interface ListOffsetsAsk {
  readonly partitionIndex: number;
  readonly timestamp: bigint;
  readonly currentLeaderEpoch?: number;
}

/** ListOffsets of several partitions of one topic in one request (the same one twice, a current leader epoch...). */
export function listOffsetsOf(name: string, asks: readonly ListOffsetsAsk[], version = 7, isolationLevel = 0): Step {
  const partitions = asks.map((a) => ({
    partitionIndex: a.partitionIndex,
    currentLeaderEpoch: a.currentLeaderEpoch ?? -1,
    timestamp: a.timestamp,
    maxNumOffsets: 1,
  }));
  return step(ListOffsetsRequestCodec, ListOffsetsResponseCodec, version, { replicaId: -1, isolationLevel, topics: [{ name, partitions }], timeoutMs: 5000 });
}

export interface FetchPartition {
  readonly partition?: number;
  readonly fetchOffset: bigint;
  readonly partitionMaxBytes?: number;
  readonly currentLeaderEpoch?: number;
  readonly logStartOffset?: bigint;
}

function fetchPartitions(partitions: readonly FetchPartition[]): FetchRequestFetchTopicInit['partitions'] {
  return partitions.map((p) => ({
    partition: p.partition ?? 0,
    fetchOffset: p.fetchOffset,
    partitionMaxBytes: p.partitionMaxBytes ?? MB,
    currentLeaderEpoch: p.currentLeaderEpoch ?? -1,
    logStartOffset: p.logStartOffset ?? -1n,
  }));
}

/**
 * A sessionless Fetch of one topic's partitions: by name below v13, by the id an earlier Metadata step returned
 * from v13. LogAppendTime batches carry each broker's own clock: their max timestamp and CRC are masked.
 */
export function fetch(version: number, name: string, partitions: readonly FetchPartition[], limits: FetchLimits = {}): Step {
  const body =
    version < 13
      ? sessionlessFetch([{ topic: name, partitions: fetchPartitions(partitions) }], limits)
      : (history: readonly unknown[]) => sessionlessFetch([{ topicId: topicIdIn(history, name), partitions: fetchPartitions(partitions) }], limits);
  return masked(step(FetchRequestCodec, FetchResponseCodec, version, body), (response) => maskRecords(response, maskLogAppendTime));
}

/**
 * A Fetch whose batches' partition leader epochs are not compared either: after a restart Kafka's controller has
 * moved leadership away and back (the epoch grows), while a single Eddy node keeps epoch 0 for good.
 */
export function fetchAcrossEpochs(version: number, name: string, partitions: readonly FetchPartition[]): Step {
  const inner = fetch(version, name, partitions);
  return masked(inner, (response) => maskRecords(response, (batch, at) => batch.writeInt32BE(0, at + BATCH_HEADER.partitionLeaderEpoch)));
}

/** Fetch v13+ of a topic id no broker has. */
export function fetchUnknownTopicId(version: number, topicId: string): Step {
  const partitions = fetchPartitions([{ fetchOffset: 0n }]);
  return step(FetchRequestCodec, FetchResponseCodec, version, sessionlessFetch([{ topicId, partitions }]));
}

export function deleteRecords(name: string, partitionIndex: number, offset: bigint, version = 2): Step {
  return step(DeleteRecordsRequestCodec, DeleteRecordsResponseCodec, version, {
    topics: [{ name, partitions: [{ partitionIndex, offset }] }],
    timeoutMs: 5000,
  });
}

export function offsetForLeaderEpoch(name: string, partition: number, leaderEpoch: number, version = 4, currentLeaderEpoch = -1): Step {
  const topics = [{ topic: name, partitions: [{ partition, currentLeaderEpoch, leaderEpoch }] }];
  return step(OffsetForLeaderEpochRequestCodec, OffsetForLeaderEpochResponseCodec, version, { replicaId: -1, topics });
}

/** Metadata v12 of `names`: the step a topic-id request reads its id from (ids are masked in the comparison). */
export function metadataOf(...names: string[]): Step {
  return step(MetadataRequestCodec, MetadataResponseCodec, 12, { topics: names.map((name) => ({ topicId: NIL_UUID, name })), allowAutoTopicCreation: false });
}

/** The id this broker gave `name`, from the latest Metadata answer in the scenario's history that lists it. */
export function topicIdIn(history: readonly unknown[], name: string): string {
  for (const answer of [...history].reverse()) {
    const topics = (answer as { topics?: ReadonlyArray<{ name?: unknown; topicId?: unknown }> }).topics;
    const found = topics?.find((t) => t.name === name && typeof t.topicId === 'string');
    if (found !== undefined) return found.topicId as string;
  }
  throw new Error(`no earlier Metadata answer names ${name}: add metadataOf('${name}') before this step`);
}

/** The same step, its decoded answer passed through `mask` before it is compared. */
function masked(inner: Step, mask: (response: FetchResponse) => FetchResponse): Step {
  return { label: inner.label, send: async (client, history) => mask((await inner.send(client, history)) as FetchResponse) };
}

/** The LogAppendTime batch at `at` with its broker-clock fields (max timestamp, CRC) zeroed. */
function maskLogAppendTime(batch: Buffer, at: number): void {
  if ((batch.readInt16BE(at + BATCH_HEADER.attributes) & ATTR_TIMESTAMP_LOG_APPEND) === 0) return;
  batch.writeBigInt64BE(0n, at + BATCH_HEADER.maxTimestamp);
  batch.writeUInt32BE(0, at + BATCH_HEADER.crc);
}

/** The response with each partition's records copied and `mask` applied to every v2 batch in them. */
function maskRecords(response: FetchResponse, mask: (records: Buffer, batchStart: number) => void): FetchResponse {
  if (!('responses' in response)) return response;
  for (const topic of response.responses) {
    for (const partition of topic.partitions) {
      if (partition.records === null || partition.records.length === 0) continue;
      const copy = Buffer.from(partition.records);
      for (const batch of scanFetchedRecords(copy).batches) if (batch.magic === 2) mask(copy, batch.offset);
      partition.records = copy;
    }
  }
  return response;
}
