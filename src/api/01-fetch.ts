// Fetch: v0-18 (v0-3 down-converted to legacy message sets).
// - Long-poll: answers once min_bytes are available or max_wait_ms passes, woken by appends (no polling).
// - max_bytes across the response and partition_max_bytes per partition; the first batch of the first partition
//   with data is returned even when larger than the limits, as Kafka does, so a consumer can always progress.
// - Batches go out as the Buffers storage returned (no copy, no decode); batches adjacent in memory as one view.
// - Disk reads land in recycled buffers leased for this response and returned to the pool once the socket has
//   written it (RequestContext.afterResponse), so consuming gigabytes does not allocate gigabytes.
// - isolation_level READ_COMMITTED reads up to the last stable offset and lists the aborted transactions that
//   overlap the returned batches (from the partition's aborted-transaction index), so clients drop their records.
// - Fetch sessions (KIP-227): a request to open a session gets session id 0 ("no session created"), which the
//   KIP allows and clients handle by sending full fetches; an incremental fetch names a session we never gave
//   out, so it gets FETCH_SESSION_ID_NOT_FOUND.
// - Left out: follower fetching (replica id >= 0); v0-2 hard byte limits (a first batch larger than the limit
//   is returned whole, as for v3+).
import { FetchRequest, FetchRequestCodec } from '../../codecs/generated/FetchRequest';
import { FetchResponseCodec, FetchResponseInit } from '../../codecs/generated/FetchResponse';
import { batchLastOffset } from '../../codecs/records/batch-header';
import { OffsetOutOfRangeError, PartitionLog } from '../../storage';
import { ReadBufferLease, ReadBufferSource } from '../../storage/read-buffers';
import { recordBatchesToLegacyMessageSet } from '../../codecs/records/legacy-message-set';
import { ErrorCode } from '../../codecs/protocol/errors';
import { defineHandler } from './handler';
import type { BrokerServices } from './services';
import { joinAdjacentViews } from './adjacent-views';

type TopicResponse = NonNullable<FetchResponseInit['responses']>[number];
type PartitionResponse = NonNullable<TopicResponse['partitions']>[number];

const READ_COMMITTED = 1;
const EMPTY_RECORDS = Buffer.alloc(0);

interface PlannedPartition {
  readonly topicIndex: number;
  readonly partitionIndex: number;
  readonly log: PartitionLog | undefined;
  readonly errorCode: number;
  readonly fetchOffset: bigint;
  readonly partitionMaxBytes: number;
  readonly currentLeaderEpoch: number;
}

/** Readies every partition the request names; null when none has to be waited for. */
function prepareFetched({ topics, partitions }: BrokerServices, request: FetchRequest, version: number): Promise<void> | null {
  const byId = version >= 13;
  return partitions.prepare(() =>
    request.topics.map((t) => ({ topic: topics.find(t.topic, t.topicId, byId).topic, partitions: t.partitions.map((p) => p.partition) })),
  );
}

/**
 * A partition named twice is read once, as Kafka's request map keeps it: at its first position, with the last
 * entry's offsets and limits.
 */
function distinctPartitions<P extends { readonly partition: number }>(partitions: readonly P[]): Iterable<P> {
  if (partitions.length < 2) return partitions;
  const byIndex = new Map<number, P>();
  for (const p of partitions) byIndex.set(p.partition, p);
  return byIndex.size === partitions.length ? partitions : byIndex.values();
}

function plan(
  { topics: topicService, partitions }: BrokerServices,
  request: FetchRequest,
  version: number,
): { topics: TopicResponse[]; parts: PlannedPartition[] } {
  const byId = version >= 13;
  const topics: TopicResponse[] = [];
  const parts: PlannedPartition[] = [];
  request.topics.forEach((t, topicIndex) => {
    const ref = topicService.find(t.topic, t.topicId, byId);
    topics.push({ topic: t.topic, topicId: t.topicId, partitions: [] });
    for (const p of distinctPartitions(t.partitions)) {
      const log = partitions.loaded(ref.topic, p.partition);
      let errorCode: number = ErrorCode.NONE;
      if (!log) errorCode = ref.topic ? ErrorCode.UNKNOWN_TOPIC_OR_PARTITION : ref.missingCode;
      else if (p.currentLeaderEpoch > 0) errorCode = ErrorCode.UNKNOWN_LEADER_EPOCH;
      parts.push({
        topicIndex,
        partitionIndex: p.partition,
        log,
        errorCode,
        fetchOffset: p.fetchOffset,
        partitionMaxBytes: p.partitionMaxBytes,
        currentLeaderEpoch: p.currentLeaderEpoch,
      });
    }
  });
  return { topics, parts };
}

/**
 * As Kafka answers a partition it cannot read: unknown offsets (-1, even for OFFSET_OUT_OF_RANGE) and an empty
 * record set. A partition it does not know at all (unknown topic, topic id or partition) is answered by its request
 * handler with an empty aborted-transactions list; an error of the read itself carries null.
 */
function errorPartition(p: PlannedPartition, errorCode: number): PartitionResponse {
  return {
    partitionIndex: p.partitionIndex,
    errorCode,
    highWatermark: -1n,
    lastStableOffset: -1n,
    logStartOffset: -1n,
    abortedTransactions: p.log === undefined ? [] : null,
    preferredReadReplica: -1,
    records: EMPTY_RECORDS,
  };
}

/** One pass over all partitions; returns the responses and the bytes gathered. */
async function readAll(
  parts: readonly PlannedPartition[],
  maxBytes: number,
  isolationLevel: number,
  buffers: ReadBufferSource,
): Promise<{ responses: PartitionResponse[]; bytes: number; hasError: boolean }> {
  let remaining = maxBytes;
  let minOneBatch = true;
  let bytes = 0;
  let hasError = false;
  const responses: PartitionResponse[] = [];
  for (const p of parts) {
    if (p.errorCode !== ErrorCode.NONE || !p.log) {
      hasError = true;
      responses.push(errorPartition(p, p.errorCode));
      continue;
    }
    const log = p.log;
    const readCommitted = isolationLevel === READ_COMMITTED;
    try {
      const result = await log.read(p.fetchOffset, Math.min(p.partitionMaxBytes, remaining), {
        maxOffset: readCommitted ? log.lastStableOffset : log.highWatermark,
        minOneBatch,
        buffers,
      });
      if (result.bytes > 0) minOneBatch = false;
      remaining = Math.max(0, remaining - result.bytes);
      bytes += result.bytes;
      responses.push({
        partitionIndex: p.partitionIndex,
        errorCode: ErrorCode.NONE,
        highWatermark: result.highWatermark,
        lastStableOffset: log.lastStableOffset,
        logStartOffset: result.logStartOffset,
        abortedTransactions: readCommitted ? abortedIn(log, p.fetchOffset, result.batches) : null,
        preferredReadReplica: -1,
        records: joinAdjacentViews(result.batches),
      });
    } catch (err) {
      if (!(err instanceof OffsetOutOfRangeError)) throw err;
      hasError = true;
      responses.push(errorPartition(p, ErrorCode.OFFSET_OUT_OF_RANGE));
    }
  }
  return { responses, bytes, hasError };
}

/** Aborted transactions overlapping the fetched range; none when nothing was read. */
function abortedIn(log: PartitionLog, fetchOffset: bigint, batches: readonly Buffer[]): Array<{ producerId: bigint; firstOffset: bigint }> {
  if (batches.length === 0) return [];
  const upperBound = batchLastOffset(batches[batches.length - 1]) + 1n;
  return log.abortedTransactions(fetchOffset, upperBound).map((t) => ({ producerId: t.producerId, firstOffset: t.firstOffset }));
}

/**
 * Fetch v0-3 clients read message format v0 (Fetch v0-1) or v1 (v2-3); batches are down-converted on the way out,
 * dropping control batches and record headers as Kafka did. Only these old versions pay for decoding.
 */
function downConvert(version: number): (r: PartitionResponse) => PartitionResponse {
  const magic = version < 2 ? 0 : 1;
  return (r) => {
    const batches = r.records;
    if (batches === null || batches === undefined || !Array.isArray(batches) || batches.length === 0) return r;
    return { ...r, records: recordBatchesToLegacyMessageSet(Buffer.concat(batches as Buffer[]), { magic }) };
  };
}

/** Fetches naming this many partitions or fewer find duplicates by scanning, without building a Set. */
const SCAN_DISTINCT_UP_TO = 8;

/** The logs the request reads, each once. */
function distinctLogs(parts: readonly PlannedPartition[]): PartitionLog[] {
  const seen = parts.length > SCAN_DISTINCT_UP_TO ? new Set<PartitionLog>() : null;
  const logs: PartitionLog[] = [];
  for (const p of parts) {
    if (p.log === undefined) continue;
    if (seen === null ? logs.includes(p.log) : seen.has(p.log)) continue;
    seen?.add(p.log);
    logs.push(p.log);
  }
  return logs;
}

/**
 * Resolves on the first append to any of the logs, after `ms`, or when the connection stops. Every subscription is
 * removed on resolution, so a consumer's thousands of fetches leave nothing behind on its long-lived connection.
 */
function waitForData(logs: readonly PartitionLog[], ms: number, stop: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    const unsubscribers: Array<() => void> = [];
    const done = (): void => {
      clearTimeout(timer);
      stop.removeEventListener('abort', done);
      for (const u of unsubscribers) u();
      resolve();
    };
    const timer = setTimeout(done, ms);
    stop.addEventListener('abort', done);
    for (const log of logs) unsubscribers.push(log.onAppend(done));
  });
}

export const fetchHandler = defineHandler({
  request: FetchRequestCodec,
  response: FetchResponseCodec,
  async handle(request, ctx): Promise<FetchResponseInit> {
    if (request.sessionId !== 0) {
      return { throttleTimeMs: 0, errorCode: ErrorCode.FETCH_SESSION_ID_NOT_FOUND, sessionId: 0, responses: [] };
    }
    const preparing = prepareFetched(ctx.services, request, ctx.apiVersion);
    if (preparing !== null) await preparing;
    const { topics, parts } = plan(ctx.services, request, ctx.apiVersion);
    const logs = distinctLogs(parts);
    const deadline = Date.now() + Math.max(0, request.maxWaitMs);
    const stop = ctx.stopSignal;
    const lease = new ReadBufferLease(ctx.services.partitions.readBuffers);
    ctx.afterResponse(() => lease.releaseAll());
    let round = await readAll(parts, request.maxBytes, request.isolationLevel, lease);
    while (!round.hasError && round.bytes < request.minBytes && logs.length > 0 && !stop.aborted) {
      const left = deadline - Date.now();
      if (left <= 0) break;
      await waitForData(logs, left, stop);
      if (stop.aborted) break;
      // The short round's batches are dropped; its buffers can be read into again.
      lease.releaseAll();
      round = await readAll(parts, request.maxBytes, request.isolationLevel, lease);
    }
    const answered = ctx.apiVersion < 4 ? round.responses.map(downConvert(ctx.apiVersion)) : round.responses;
    for (let i = 0; i < answered.length; i++) (topics[parts[i].topicIndex].partitions as PartitionResponse[]).push(answered[i]);
    return { throttleTimeMs: 0, errorCode: ErrorCode.NONE, sessionId: 0, responses: topics };
  },
});
