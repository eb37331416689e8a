// Fetch: v0-18 (v0-3 down-converted to legacy message sets).
// - Long-poll: answers once min_bytes are available or max_wait_ms passes, woken by appends (no polling). A
//   partition the broker does not know is answered with its error but does not end the wait, as in Kafka; an
//   error reading a partition (offset out of range, a leader epoch from the future) does.
// - max_bytes across the response and partition_max_bytes per partition; from v3 the first batch of the first
//   partition with data is returned even when larger than the limits, as Kafka does, so a consumer can always
//   progress. v0-2 limits are hard (Kafka's hardMaxBytesLimit): a first batch larger than its partition's limit
//   is not returned, and the partition comes back with no records (Kafka 3.9 sends what its down-conversion
//   makes of the cut batch: nothing).
// - Batches go out as the Buffers storage returned (no copy, no decode); batches adjacent in memory as one view.
// - Disk reads land in recycled buffers leased for this response and returned to the pool once the socket has
//   written it (RequestContext.afterResponse), so consuming gigabytes does not allocate gigabytes.
// - isolation_level READ_COMMITTED reads up to the last stable offset and lists the aborted transactions that
//   overlap the returned batches (from the partition's aborted-transaction index), so clients drop their records.
// - Fetch sessions (KIP-227, fetch-sessions.ts and fetch-session-cache.ts): a full fetch with epoch 0 opens a
//   session when the cache has room; incremental fetches then name only the partitions that changed, and their
//   answers only the partitions with records, moved offsets or errors.
// - Answers list the partitions the broker read first, then those it does not know, as Kafka's do; consecutive
//   partitions of one topic share a topic entry.
// - Left out: follower fetching (replica id >= 0); Kafka 3.9's overflow padding of a v0-2 answer cut inside a
//   batch (Eddy sends whole batches only, which old clients read alike).
import { FetchRequestCodec } from '../../codecs/generated/FetchRequest';
import { FetchResponseCodec, FetchResponseInit } from '../../codecs/generated/FetchResponse';
import { batchLastOffset } from '../../codecs/records/batch-header';
import { OffsetOutOfRangeError, PartitionLog, type ReadResult } from '../../storage';
import type { ReadOptions } from '../../storage/partition-log';
import { ReadBufferLease, ReadBufferSource } from '../../storage/read-buffers';
import { recordBatchesToLegacyMessageSet } from '../../codecs/records/legacy-message-set';
import { ErrorCode } from '../../codecs/protocol/errors';
import { defineHandler } from './handler';
import type { BrokerServices } from './services';
import { joinAdjacentViews } from './adjacent-views';
import type { CachedPartition } from './fetch-session-cache';
import { FetchWaits } from './fetch-waits';
import { AclOperation, topicCheck } from './authorize';
import { FetchContext, mustAnswer, openFetchContext, openSession, recordAnswer, rotateToBack, sessionStillAt } from './fetch-sessions';
import type { TopicRef } from '../topics/topic-service';
import { recordsInBatches, type BrokerMetrics } from '../metrics/broker-metrics';
import { quotaClientOf } from '../security/quotas/client-quotas';

type TopicResponse = NonNullable<FetchResponseInit['responses']>[number];
type PartitionResponse = NonNullable<TopicResponse['partitions']>[number];

const READ_COMMITTED = 1;
const EMPTY_RECORDS = Buffer.alloc(0);

/** A partition the request reads: what the client asked (`target`), its log, or the error that answers it. */
interface PlannedPartition {
  readonly target: CachedPartition;
  readonly log: PartitionLog | undefined;
  readonly errorCode: number;
}

/** Finds each target's topic, asking the topic service once per run of partitions of the same topic. */
function topicResolver({ topics }: BrokerServices, byId: boolean): (target: CachedPartition) => TopicRef {
  let last: CachedPartition | undefined;
  let ref: TopicRef | undefined;
  return (target) => {
    if (ref === undefined || last === undefined || last.topic !== target.topic || last.topicId !== target.topicId) {
      ref = topics.find(target.topic, target.topicId, byId);
    }
    last = target;
    return ref;
  };
}

/** Readies every partition the request reads; null when none has to be waited for. */
function prepareFetched(services: BrokerServices, targets: Iterable<CachedPartition>, version: number): Promise<void> | null {
  return services.partitions.prepare(function* () {
    const resolve = topicResolver(services, version >= 13);
    for (const t of targets) yield { topic: resolve(t).topic, partitions: [t.partition] };
  });
}

/**
 * Each target's log or error, in the order Kafka answers them: the partitions it reads first, then the topic ids it
 * does not know (found in a first pass over the request), then, in request order, those refused READ and those
 * it does not know (unknown topic or partition).
 */
function plan(services: BrokerServices, targets: Iterable<CachedPartition>, version: number, mayRead: (topic: string) => boolean): PlannedPartition[] {
  const resolve = topicResolver(services, version >= 13);
  const readable: PlannedPartition[] = [];
  let unknownIds: PlannedPartition[] | undefined;
  let unknown: PlannedPartition[] | undefined;
  for (const target of targets) {
    const ref = resolve(target);
    if (ref.topic === undefined && version >= 13) {
      (unknownIds ??= []).push({ target, log: undefined, errorCode: ref.missingCode });
      continue;
    }
    // Kafka checks READ after resolving a topic id and before existence.
    const name = ref.topic?.name ?? target.topic;
    if (!mayRead(name)) {
      (unknown ??= []).push({ target, log: undefined, errorCode: ErrorCode.TOPIC_AUTHORIZATION_FAILED });
      continue;
    }
    const log = services.partitions.loaded(ref.topic, target.partition);
    if (!log) {
      (unknown ??= []).push({ target, log, errorCode: ref.topic ? ErrorCode.UNKNOWN_TOPIC_OR_PARTITION : ref.missingCode });
      continue;
    }
    readable.push({ target, log, errorCode: target.currentLeaderEpoch > 0 ? ErrorCode.UNKNOWN_LEADER_EPOCH : ErrorCode.NONE });
  }
  if (unknownIds === undefined && unknown === undefined) return readable;
  return readable.concat(unknownIds ?? [], unknown ?? []);
}

/**
 * As Kafka answers a partition it cannot read: unknown offsets (-1, even for OFFSET_OUT_OF_RANGE) and an empty
 * record set. A partition it does not know at all (unknown topic, topic id or partition) is answered by its request
 * handler with an empty aborted-transactions list; an error of the read itself carries null.
 */
function errorPartition(p: PlannedPartition, errorCode: number): PartitionResponse {
  return {
    partitionIndex: p.target.partition,
    errorCode,
    highWatermark: -1n,
    lastStableOffset: -1n,
    logStartOffset: -1n,
    abortedTransactions: p.log === undefined ? [] : null,
    preferredReadReplica: -1,
    records: EMPTY_RECORDS,
  };
}

interface ReadRound {
  readonly responses: PartitionResponse[];
  /** Record bytes of each response, by position. */
  readonly sizes: number[];
  bytes: number;
  /** A read failed (not an unknown partition): the answer goes out at once. */
  hasError: boolean;
}

/** What bounds a read round: Fetch's byte limits and isolation level, and whether the limits are hard (v0-2). */
interface ReadLimits {
  readonly maxBytes: number;
  readonly isolationLevel: number;
  readonly hardLimits: boolean;
}

/**
 * One pass over all partitions; returns the responses and the bytes gathered. Without a promise when the tail cache
 * held every batch (a consumer keeping up, one fetch per append): a promise and an await per read were a good part
 * of what such a fetch cost.
 */
function readAll(parts: readonly PlannedPartition[], limits: ReadLimits, buffers: ReadBufferSource): ReadRound | Promise<ReadRound> {
  const round: ReadRound = { responses: [], sizes: [], bytes: 0, hasError: false };
  const state: ReadState = { remaining: limits.maxBytes, minOneBatch: !limits.hardLimits };
  for (let i = 0; i < parts.length; i++) {
    const p = parts[i];
    const log = readable(p, round, limits);
    if (log === null) continue;
    const opts = readOptions(p, log, limits, state, buffers);
    let result: ReadResult | null;
    try {
      result = log.readNow(p.target.fetchOffset, Math.min(p.target.partitionMaxBytes, state.remaining), opts);
    } catch (err) {
      outOfRange(p, round, err);
      continue;
    }
    // Batches the tail cache does not hold: this partition and the rest are read in turn, awaiting the disk.
    if (result === null) return readRestFromDisk(parts, i, limits, buffers, round, state);
    addRead(p, log, limits, round, state, result);
  }
  return round;
}

interface ReadState {
  remaining: number;
  minOneBatch: boolean;
}

/** The partition's log when it is to be read; otherwise its answer (an error, or caught up) goes into the round. */
function readable(p: PlannedPartition, round: ReadRound, limits: ReadLimits): PartitionLog | null {
  if (p.errorCode !== ErrorCode.NONE || !p.log) {
    if (p.log) round.hasError = true;
    round.responses.push(errorPartition(p, p.errorCode));
    round.sizes.push(0);
    return null;
  }
  const log = p.log;
  const { fetchOffset } = p.target;
  const maxOffset = limits.isolationLevel === READ_COMMITTED ? log.lastStableOffset : log.highWatermark;
  if (fetchOffset === maxOffset && fetchOffset >= log.logStartOffset) {
    // Caught up: nothing to read, answered without a read from storage (most partitions of a wide consumer).
    log.readerCaughtUp();
    round.responses.push(caughtUp(p.target.partition, log, limits.isolationLevel === READ_COMMITTED));
    round.sizes.push(0);
    return null;
  }
  return log;
}

function readOptions(p: PlannedPartition, log: PartitionLog, limits: ReadLimits, state: ReadState, buffers: ReadBufferSource): ReadOptions {
  const maxOffset = limits.isolationLevel === READ_COMMITTED ? log.lastStableOffset : log.highWatermark;
  return { maxOffset, minOneBatch: state.minOneBatch, buffers };
}

function addRead(p: PlannedPartition, log: PartitionLog, limits: ReadLimits, round: ReadRound, state: ReadState, result: ReadResult): void {
  const readCommitted = limits.isolationLevel === READ_COMMITTED;
  if (result.bytes > 0) state.minOneBatch = false;
  state.remaining = Math.max(0, state.remaining - result.bytes);
  round.bytes += result.bytes;
  round.sizes.push(result.bytes);
  round.responses.push({
    partitionIndex: p.target.partition,
    errorCode: ErrorCode.NONE,
    highWatermark: result.highWatermark,
    lastStableOffset: log.lastStableOffset,
    logStartOffset: result.logStartOffset,
    abortedTransactions: readCommitted ? abortedIn(log, p.target.fetchOffset, result.batches) : null,
    preferredReadReplica: -1,
    records: joinAdjacentViews(result.batches),
  });
}

/** An offset out of the log's range answers OFFSET_OUT_OF_RANGE for the partition; any other failure fails the fetch. */
function outOfRange(p: PlannedPartition, round: ReadRound, err: unknown): void {
  if (!(err instanceof OffsetOutOfRangeError)) throw err;
  round.hasError = true;
  round.responses.push(errorPartition(p, ErrorCode.OFFSET_OUT_OF_RANGE));
  round.sizes.push(0);
}

/** readAll from partition `from` on, each read awaited in order (the first of them needs the disk). */
async function readRestFromDisk(
  parts: readonly PlannedPartition[],
  from: number,
  limits: ReadLimits,
  buffers: ReadBufferSource,
  round: ReadRound,
  state: ReadState,
): Promise<ReadRound> {
  for (let i = from; i < parts.length; i++) {
    const p = parts[i];
    const log = i === from ? (p.log as PartitionLog) : readable(p, round, limits);
    if (log === null) continue;
    const opts = readOptions(p, log, limits, state, buffers);
    try {
      addRead(p, log, limits, round, state, await log.read(p.target.fetchOffset, Math.min(p.target.partitionMaxBytes, state.remaining), opts));
    } catch (err) {
      outOfRange(p, round, err);
    }
  }
  return round;
}

/** The answer of a partition read at its end (the high watermark, or the last stable offset for read_committed). */
function caughtUp(partitionIndex: number, log: PartitionLog, readCommitted: boolean): PartitionResponse {
  return {
    partitionIndex,
    errorCode: ErrorCode.NONE,
    highWatermark: log.highWatermark,
    lastStableOffset: log.lastStableOffset,
    logStartOffset: log.logStartOffset,
    abortedTransactions: readCommitted ? [] : null,
    preferredReadReplica: -1,
    records: EMPTY_RECORDS,
  };
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

/** Every long-polling fetch of the process waits here (one shared deadline timer, see fetch-waits.ts). */
const fetchWaits = new FetchWaits();

/** Consecutive partitions of one topic share a topic entry, as in Kafka's answers; `keep` picks the partitions named. */
function byTopic(parts: readonly PlannedPartition[], responses: readonly PartitionResponse[], keep: (index: number) => boolean): TopicResponse[] {
  const topics: TopicResponse[] = [];
  let current: PartitionResponse[] | undefined;
  let last: CachedPartition | undefined;
  for (let i = 0; i < parts.length; i++) {
    if (!keep(i)) continue;
    const target = parts[i].target;
    if (current === undefined || last === undefined || last.topic !== target.topic || last.topicId !== target.topicId) {
      current = [];
      topics.push({ topic: target.topic, topicId: target.topicId, partitions: current });
    }
    current.push(responses[i]);
    last = target;
  }
  return topics;
}

const ALL = (): boolean => true;

/** Kafka's BytesOutPerSec, and the records those bytes hold: what the answer carries of each topic. */
function countOut(metrics: BrokerMetrics, parts: readonly PlannedPartition[], round: ReadRound): void {
  for (let i = 0; i < parts.length; i++) {
    const log = parts[i].log;
    // The log's topic: a request by topic id (v13+) may leave the target's name empty.
    if (round.sizes[i] > 0 && log !== undefined) metrics.topicOut(log.topic, round.sizes[i], recordsInBatches(round.responses[i].records));
  }
}

function answer(errorCode: number, sessionId: number, responses: TopicResponse[]): FetchResponseInit {
  return { throttleTimeMs: 0, errorCode, sessionId, responses };
}

/** The answer to a request that read `parts`, shaped by its session context. */
function sessionAnswer(
  context: Exclude<FetchContext, { kind: 'error' }>,
  parts: readonly PlannedPartition[],
  round: ReadRound,
  answered: readonly PartitionResponse[],
  ctx: { services: BrokerServices; apiVersion: number },
): FetchResponseInit {
  if (context.kind === 'sessionless') return answer(ErrorCode.NONE, 0, byTopic(parts, answered, ALL));
  if (context.kind === 'full') {
    for (let i = 0; i < parts.length; i++) recordAnswer(parts[i].target, round.responses[i]);
    const sessionId = openSession(
      ctx.services.fetchSessions,
      parts.map((p) => p.target),
      ctx.apiVersion,
    );
    return answer(ErrorCode.NONE, sessionId, byTopic(parts, answered, ALL));
  }
  const { session, requestEpoch } = context;
  if (!sessionStillAt(session, requestEpoch)) return answer(ErrorCode.INVALID_FETCH_SESSION_EPOCH, session.id, []);
  const named = parts.map((p, i) => {
    const must = mustAnswer(p.target, round.responses[i], round.sizes[i]);
    if (must && round.sizes[i] > 0) rotateToBack(session, p.target);
    return must;
  });
  return answer(
    ErrorCode.NONE,
    session.id,
    byTopic(parts, answered, (i) => named[i]),
  );
}

/**
 * A fetch over the client's consumer_byte_rate or request quota is answered empty with the throttle time, as Kafka's fetch contexts
 * answer it (getThrottledResponse): no session is opened, an incremental session only reports a stale epoch.
 */
function throttledAnswer(context: Exclude<FetchContext, { kind: 'error' }>, throttleTimeMs: number): FetchResponseInit {
  if (context.kind !== 'incremental') return { ...answer(ErrorCode.NONE, 0, []), throttleTimeMs };
  const { session, requestEpoch } = context;
  const errorCode = sessionStillAt(session, requestEpoch) ? ErrorCode.NONE : ErrorCode.INVALID_FETCH_SESSION_EPOCH;
  return { ...answer(errorCode, session.id, []), throttleTimeMs };
}

export const fetchHandler = defineHandler({
  request: FetchRequestCodec,
  response: FetchResponseCodec,
  async handle(request, ctx): Promise<FetchResponseInit> {
    const context = openFetchContext(ctx.services.fetchSessions, request, ctx.apiVersion);
    if (context.kind === 'error') return answer(context.errorCode, 0, []);
    const preparing = prepareFetched(ctx.services, context.targets, ctx.apiVersion);
    if (preparing !== null) await preparing;
    const parts = plan(ctx.services, context.targets, ctx.apiVersion, topicCheck(ctx, AclOperation.READ));
    const logs = distinctLogs(parts);
    const deadline = Date.now() + Math.max(0, request.maxWaitMs);
    const stop = ctx.stopSignal;
    const lease = new ReadBufferLease(ctx.services.partitions.readBuffers);
    ctx.afterResponse(() => lease.releaseAll());
    const quotas = ctx.services.quotas.enforcement;
    const client = quotas.enabled('fetch') ? quotaClientOf(ctx) : null;
    // As Kafka, max_bytes is capped at what the quota lets through in its windows, so one fetch is not throttled for sure.
    const maxBytes = client === null ? request.maxBytes : Math.min(request.maxBytes, Math.floor(quotas.maxValueInWindow('fetch', client)));
    const minBytes = Math.min(request.minBytes, maxBytes);
    const limits: ReadLimits = { maxBytes, isolationLevel: request.isolationLevel, hardLimits: ctx.apiVersion <= 2 };
    const first = readAll(parts, limits, lease);
    let round = first instanceof Promise ? await first : first;
    while (!round.hasError && round.bytes < minBytes && logs.length > 0 && !stop.aborted) {
      if (deadline <= Date.now()) break;
      await fetchWaits.wait(logs, deadline, stop);
      if (stop.aborted) break;
      // The short round's batches are dropped; its buffers can be read into again.
      lease.releaseAll();
      const next = readAll(parts, limits, lease);
      round = next instanceof Promise ? await next : next;
    }
    // The bytes returned count against consumer_byte_rate. A fetch throttled by it or by the request quota returns
    // nothing (Kafka's handleFetchRequest), so its bytes are taken back.
    const fetchThrottleMs = client === null ? 0 : quotas.record('fetch', client, round.bytes, Date.now());
    const throttleTimeMs = Math.max(fetchThrottleMs, quotas.enabled('request') ? quotas.owedMs('request', quotaClientOf(ctx), Date.now()) : 0);
    if (throttleTimeMs > 0) {
      if (client !== null) quotas.unrecord('fetch', client, round.bytes, Date.now());
      ctx.throttle(throttleTimeMs);
      return throttledAnswer(context, throttleTimeMs);
    }
    if (round.bytes > 0) countOut(ctx.services.metrics, parts, round);
    const answered = ctx.apiVersion < 4 ? round.responses.map(downConvert(ctx.apiVersion)) : round.responses;
    return sessionAnswer(context, parts, round, answered, ctx);
  },
});
