// How a Fetch request relates to the fetch session cache (KIP-227), as Kafka's FetchManager decides it: which
// partitions the request reads, whether its answer opens a session, and which partitions an incremental answer
// must mention. The handler (01-fetch.ts) reads the partitions; this file owns the session rules:
// - session id 0 with epoch -1: no session (clients before v7, and kafkajs);
// - epoch 0 (or -1) with a session id: that session is closed first; epoch 0 then tries to open a new one;
// - any other epoch: an incremental request on a session, which must exist (FETCH_SESSION_ID_NOT_FOUND), expect
//   that epoch (INVALID_FETCH_SESSION_EPOCH) and name topics the way it was opened, by id from v13 or by name
//   below (FETCH_SESSION_TOPIC_ID_ERROR); its partitions are added or updated, its forgotten topics removed, and
//   a session left empty is closed (the answer then carries session id 0).
import type { FetchRequest } from '../../codecs/generated/FetchRequest';
import { ErrorCode } from '../../codecs/protocol/errors';
import {
  CachedPartition,
  FetchSession,
  FetchSessionCache,
  FINAL_EPOCH,
  INITIAL_EPOCH,
  INVALID_SESSION_ID,
  nextEpoch,
  partitionKey,
} from './fetch-session-cache';

/** Where a request stands with the session cache, decided when it arrives. */
export type FetchContext =
  | { readonly kind: 'error'; readonly errorCode: number }
  /** Reads the request's partitions; the answer carries session id 0. */
  | { readonly kind: 'sessionless'; readonly targets: readonly CachedPartition[] }
  /** Reads the request's partitions, then tries to open a session holding them. */
  | { readonly kind: 'full'; readonly targets: readonly CachedPartition[] }
  /** Reads every partition of the session; the answer names only those that changed. */
  | { readonly kind: 'incremental'; readonly targets: Iterable<CachedPartition>; readonly session: FetchSession; readonly requestEpoch: number };

/** A session's partitions as an iterable that can be walked again (each walk in the session's current order). */
function partitionsOf(session: FetchSession): Iterable<CachedPartition> {
  return { [Symbol.iterator]: () => session.partitions.values() };
}

/** Requests naming this many topics or partitions of a topic or fewer look for duplicates by scanning. */
const SCAN_UP_TO = 8;

function topicKeyOf(t: FetchRequest['topics'][number]): string {
  return partitionKey(t.topic, t.topicId, -1);
}

function hasDuplicateNumbers(values: readonly { readonly partition: number }[]): boolean {
  if (values.length <= SCAN_UP_TO) {
    for (let i = 1; i < values.length; i++) for (let j = 0; j < i; j++) if (values[i].partition === values[j].partition) return true;
    return false;
  }
  return new Set(values.map((v) => v.partition)).size !== values.length;
}

/** Whether the request names a partition twice (in one topic entry, or a topic in two entries). */
function namesPartitionTwice(topics: FetchRequest['topics']): boolean {
  for (const t of topics) if (hasDuplicateNumbers(t.partitions)) return true;
  if (topics.length < 2) return false;
  if (topics.length <= SCAN_UP_TO) {
    for (let i = 1; i < topics.length; i++) for (let j = 0; j < i; j++) if (topicKeyOf(topics[i]) === topicKeyOf(topics[j])) return true;
    return false;
  }
  return new Set(topics.map(topicKeyOf)).size !== topics.length;
}

function cachedFrom(t: FetchRequest['topics'][number], p: FetchRequest['topics'][number]['partitions'][number]): CachedPartition {
  return new CachedPartition(t.topic, t.topicId, p.partition, p);
}

/**
 * The request's partitions as Kafka's request map holds them: a partition named twice keeps its first position
 * and the last entry's offsets and limits. The map is built only when there is a duplicate.
 */
function requestTargets(request: FetchRequest): CachedPartition[] {
  if (!namesPartitionTwice(request.topics)) {
    const targets: CachedPartition[] = [];
    for (const t of request.topics) for (const p of t.partitions) targets.push(cachedFrom(t, p));
    return targets;
  }
  const byKey = new Map<string, CachedPartition>();
  for (const t of request.topics) {
    for (const p of t.partitions) {
      const key = partitionKey(t.topic, t.topicId, p.partition);
      const known = byKey.get(key);
      if (known === undefined) byKey.set(key, cachedFrom(t, p));
      else known.updateRequest(p);
    }
  }
  return [...byKey.values()];
}

/** Adds or updates the request's partitions in the session and removes its forgotten ones. */
function updateSession(session: FetchSession, request: FetchRequest): void {
  for (const t of request.topics) {
    for (const p of t.partitions) {
      const key = partitionKey(t.topic, t.topicId, p.partition);
      const known = session.partitions.get(key);
      if (known === undefined) session.partitions.set(key, cachedFrom(t, p));
      else known.updateRequest(p);
    }
  }
  for (const forgotten of request.forgottenTopicsData) {
    for (const partition of forgotten.partitions) session.partitions.delete(partitionKey(forgotten.topic, forgotten.topicId, partition));
  }
}

function sessionError(errorCode: number): FetchContext {
  return { kind: 'error', errorCode };
}

/** Kafka's FetchManager.newContext: what this request reads and how its answer relates to a session. */
export function openFetchContext(cache: FetchSessionCache, request: FetchRequest, version: number): FetchContext {
  const { sessionId, sessionEpoch } = request;
  if (sessionEpoch === INITIAL_EPOCH || sessionEpoch === FINAL_EPOCH) {
    if (sessionId !== INVALID_SESSION_ID) cache.remove(sessionId);
    return { kind: sessionEpoch === FINAL_EPOCH ? 'sessionless' : 'full', targets: requestTargets(request) };
  }
  const session = cache.get(sessionId);
  if (session === undefined) return sessionError(ErrorCode.FETCH_SESSION_ID_NOT_FOUND);
  if (session.epoch !== sessionEpoch) return sessionError(ErrorCode.INVALID_FETCH_SESSION_EPOCH);
  if (session.usesTopicIds !== version >= 13) return sessionError(ErrorCode.FETCH_SESSION_TOPIC_ID_ERROR);
  updateSession(session, request);
  if (session.partitions.size === 0) {
    cache.removeSession(session);
    return { kind: 'sessionless', targets: requestTargets(request) };
  }
  cache.touch(session, cache.now());
  session.epoch = nextEpoch(session.epoch);
  return { kind: 'incremental', targets: partitionsOf(session), session, requestEpoch: sessionEpoch };
}

/** The offsets and outcome of one partition's answer that a session remembers or compares (its defaults as Kafka's). */
export interface AnsweredPartition {
  readonly errorCode?: number;
  readonly highWatermark?: bigint;
  readonly logStartOffset?: bigint;
  readonly preferredReadReplica?: number;
}

/**
 * Kafka's CachedPartition.maybeUpdateResponseData: a partition is named when it returned records, when its high
 * watermark or log start offset moved since it was last named, or on an error (after which its high watermark is
 * forgotten, so it is named again once it recovers). The last stable offset alone does not count, as in Kafka.
 */
export function mustAnswer(cached: CachedPartition, answer: AnsweredPartition, recordBytes: number): boolean {
  let must = recordBytes > 0 || (answer.preferredReadReplica ?? -1) >= 0;
  const highWatermark = answer.highWatermark ?? -1n;
  const logStartOffset = answer.logStartOffset ?? -1n;
  if (cached.highWatermark !== highWatermark) {
    must = true;
    cached.highWatermark = highWatermark;
  }
  if (cached.localLogStartOffset !== logStartOffset) {
    must = true;
    cached.localLogStartOffset = logStartOffset;
  }
  if ((answer.errorCode ?? ErrorCode.NONE) !== ErrorCode.NONE) {
    cached.highWatermark = -1n;
    must = true;
  }
  return must;
}

/** A full answer's offsets, remembered for the session it may open. */
export function recordAnswer(cached: CachedPartition, answer: AnsweredPartition): void {
  cached.highWatermark = answer.highWatermark ?? -1n;
  cached.localLogStartOffset = answer.logStartOffset ?? -1n;
}

/** The end of an incremental answer: false when another request moved the session on meanwhile (a duplicate). */
export function sessionStillAt(session: FetchSession, requestEpoch: number): boolean {
  return session.epoch === nextEpoch(requestEpoch);
}

/** After an incremental answer named a partition with records: it goes to the back of the session's order. */
export function rotateToBack(session: FetchSession, cached: CachedPartition): void {
  // A one-partition session has no order to change; moving its key anyway would cost a hash table allocated in the
  // old generation per answer with records (see storage/append-listeners.ts).
  if (session.partitions.size === 1) return;
  const key = partitionKey(cached.topic, cached.topicId, cached.partition);
  session.partitions.delete(key);
  session.partitions.set(key, cached);
}

/**
 * After a full answer: a session holding every partition it named, in the order it named them, with the offsets
 * it sent (each partition's high watermark and log start already recorded), if the cache has room; its id, or 0
 * when none was opened and the client goes on with full fetches.
 */
export function openSession(cache: FetchSessionCache, answered: readonly CachedPartition[], version: number): number {
  const session = cache.maybeCreate(false, answered.length, version >= 13, () => {
    const partitions = new Map<string, CachedPartition>();
    for (const cached of answered) partitions.set(partitionKey(cached.topic, cached.topicId, cached.partition), cached);
    return partitions;
  });
  return session?.id ?? INVALID_SESSION_ID;
}
