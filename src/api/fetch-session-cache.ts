// The broker's incremental fetch sessions (KIP-227), kept as Kafka's FetchSessionCache keeps them: a consumer that
// names 1,000 partitions once then sends only what changed, and hears back only about partitions that changed.
// The cache lives for the broker, not the connection (a client may reconnect and carry on with its session), and
// is bounded by `max.incremental.fetch.session.cache.slots` with Kafka's layout and eviction rules:
// - the slots are split evenly over 8 shards (so fewer than 8 slots allow no session at all), new sessions go to the
//   shards in turn, and each shard owns a range of session ids;
// - a full shard evicts to make room only (1) a session unused for longer than the eviction time, else (2) the
//   least valuable evictable session (unprivileged before privileged, then fewest partitions), provided the new
//   session is worth at least as much; a session becomes evictable by unprivileged newcomers only once it is older
//   than the eviction time, as seen when it was last used.
// Sessions of replicas (privileged) exist in Kafka; Eddy serves no follower fetching, but the rule is kept whole.
import { ZERO_UUID } from '../../codecs/protocol/uuid';

export const INVALID_SESSION_ID = 0;
export const INITIAL_EPOCH = 0;
export const FINAL_EPOCH = -1;

/** Kafka's FetchMetadata.nextEpoch: the final epoch stays final, and the epoch wraps to 1, never 0. */
export function nextEpoch(epoch: number): number {
  if (epoch < 0) return FINAL_EPOCH;
  return epoch === 0x7fffffff ? 1 : epoch + 1;
}

/** Kafka's MIN_INCREMENTAL_FETCH_SESSION_EVICTION_MS: a constant there, not a config. */
export const MIN_EVICTION_MS = 120_000;
/** Kafka's NumFetchSessionCacheShards. */
const SHARDS = 8;
const MAX_INT = 0x7fffffff;

/** What a fetch request says of one partition; a session remembers it between requests. */
export interface FetchPartitionParams {
  readonly fetchOffset: bigint;
  readonly partitionMaxBytes: number;
  readonly currentLeaderEpoch: number;
  readonly logStartOffset: bigint;
  readonly lastFetchedEpoch: number;
}

/**
 * One partition of a session: the client's last request for it and the offsets last sent back for it, which
 * decide whether an incremental answer must mention it again.
 */
export class CachedPartition implements FetchPartitionParams {
  fetchOffset: bigint;
  partitionMaxBytes: number;
  currentLeaderEpoch: number;
  logStartOffset: bigint;
  lastFetchedEpoch: number;
  /** -1 until sent, and after an error, so the partition is mentioned again once it recovers. */
  highWatermark = -1n;
  localLogStartOffset = -1n;

  constructor(
    /** As the request named it: the name below v13, empty from v13 (the id names it then). */
    readonly topic: string,
    readonly topicId: string,
    readonly partition: number,
    params: FetchPartitionParams,
  ) {
    this.fetchOffset = params.fetchOffset;
    this.partitionMaxBytes = params.partitionMaxBytes;
    this.currentLeaderEpoch = params.currentLeaderEpoch;
    this.logStartOffset = params.logStartOffset;
    this.lastFetchedEpoch = params.lastFetchedEpoch;
  }

  updateRequest(params: FetchPartitionParams): void {
    this.fetchOffset = params.fetchOffset;
    this.partitionMaxBytes = params.partitionMaxBytes;
    this.currentLeaderEpoch = params.currentLeaderEpoch;
    this.logStartOffset = params.logStartOffset;
    this.lastFetchedEpoch = params.lastFetchedEpoch;
  }
}

/** A partition's identity inside a session, as Kafka compares them: by topic id when there is one, else by name. */
export function partitionKey(topic: string | null, topicId: string | undefined, partition: number): string {
  const byId = topicId !== undefined && topicId !== ZERO_UUID;
  return `${byId ? topicId : (topic ?? '')}:${partition}`;
}

export class FetchSession {
  /** In the order they are fetched: a partition that returned records moves to the back, so all get their turn. */
  readonly partitions: Map<string, CachedPartition>;
  /** The epoch the next incremental request must carry. */
  epoch = nextEpoch(INITIAL_EPOCH);
  lastUsedMs: number;
  /** Partitions at the last touch; -1 while the session is outside the cache. */
  cachedSize = -1;
  evictableByAll = false;
  evictableByPrivileged = false;

  constructor(
    readonly id: number,
    readonly privileged: boolean,
    readonly usesTopicIds: boolean,
    readonly creationMs: number,
    partitions: Map<string, CachedPartition>,
  ) {
    this.partitions = partitions;
    this.lastUsedMs = creationMs;
  }
}

/** Kafka's EvictableKey order: unprivileged before privileged, then fewer partitions, then the lower id. */
function compareEvictable(aPrivileged: boolean, aSize: number, aId: number, b: FetchSession): number {
  if (aPrivileged !== b.privileged) return aPrivileged ? 1 : -1;
  if (aSize !== b.cachedSize) return aSize - b.cachedSize;
  return aId - b.id;
}

class CacheShard {
  readonly sessions = new Map<number, FetchSession>();
  partitionCount = 0;

  constructor(
    private readonly maxEntries: number,
    private readonly evictionMs: number,
    private readonly idRange: number,
    private readonly shardNum: number,
  ) {}

  newSessionId(): number {
    const low = Math.max(1, this.shardNum * this.idRange);
    const high = (this.shardNum + 1) * this.idRange;
    let id: number;
    do id = low + Math.floor(Math.random() * (high - low));
    while (this.sessions.has(id) || id === INVALID_SESSION_ID);
    return id;
  }

  hasRoomFor(privileged: boolean, size: number, now: number): boolean {
    return this.sessions.size < this.maxEntries || this.tryEvict(privileged, size, now);
  }

  remove(session: FetchSession): boolean {
    if (this.sessions.get(session.id) !== session) return false;
    this.sessions.delete(session.id);
    this.partitionCount -= session.cachedSize;
    session.cachedSize = -1;
    return true;
  }

  touch(session: FetchSession, now: number): void {
    session.lastUsedMs = now;
    if (session.cachedSize !== -1) this.partitionCount -= session.cachedSize;
    session.cachedSize = session.partitions.size;
    const old = now - session.creationMs > this.evictionMs;
    session.evictableByPrivileged = !session.privileged || old;
    session.evictableByAll = old;
    this.partitionCount += session.cachedSize;
  }

  /**
   * Frees a slot for a new session: the least recently used one when it is stale, else the least valuable
   * evictable one if the newcomer is worth at least as much. A full shard is small (slots / 8), so a scan does.
   */
  private tryEvict(privileged: boolean, size: number, now: number): boolean {
    let leastRecent: FetchSession | undefined;
    let cheapest: FetchSession | undefined;
    for (const s of this.sessions.values()) {
      if (leastRecent === undefined || s.lastUsedMs < leastRecent.lastUsedMs || (s.lastUsedMs === leastRecent.lastUsedMs && s.id < leastRecent.id)) {
        leastRecent = s;
      }
      if (!(privileged ? s.evictableByPrivileged : s.evictableByAll)) continue;
      if (cheapest === undefined || compareEvictable(s.privileged, s.cachedSize, s.id, cheapest) < 0) cheapest = s;
    }
    if (leastRecent === undefined) return false;
    if (now - leastRecent.lastUsedMs > this.evictionMs) return this.remove(leastRecent);
    if (cheapest === undefined || compareEvictable(privileged, size, 0, cheapest) < 0) return false;
    return this.remove(cheapest);
  }
}

export interface FetchSessionCacheOptions {
  /** `max.incremental.fetch.session.cache.slots`: sessions over all shards. */
  readonly slots: number;
  /** How long a session must stay unused (or have existed) before it may be evicted. */
  readonly evictionMs?: number;
  /** The clock, for tests. */
  readonly now?: () => number;
}

export class FetchSessionCache {
  private readonly shards: CacheShard[];
  private readonly idRange = Math.floor(MAX_INT / SHARDS);
  private nextShard = 0;
  readonly now: () => number;

  constructor(options: FetchSessionCacheOptions) {
    const perShard = Math.floor(options.slots / SHARDS);
    const evictionMs = options.evictionMs ?? MIN_EVICTION_MS;
    this.shards = Array.from({ length: SHARDS }, (_, n) => new CacheShard(perShard, evictionMs, this.idRange, n));
    this.now = options.now ?? Date.now;
  }

  /** Sessions held, over all shards. */
  get size(): number {
    let n = 0;
    for (const shard of this.shards) n += shard.sessions.size;
    return n;
  }

  /** Partitions held, over all sessions, as of each session's last use. */
  get partitionCount(): number {
    let n = 0;
    for (const shard of this.shards) n += shard.partitionCount;
    return n;
  }

  get(sessionId: number): FetchSession | undefined {
    return this.shardOf(sessionId)?.sessions.get(sessionId);
  }

  /** Closes a session; false when there was none with that id. */
  remove(sessionId: number): boolean {
    const session = this.get(sessionId);
    return session !== undefined && this.removeSession(session);
  }

  removeSession(session: FetchSession): boolean {
    return this.shardOf(session.id)?.remove(session) ?? false;
  }

  /** Records a use of the session: its recency, its size, and whether it has become evictable. */
  touch(session: FetchSession, now: number): void {
    this.shardOf(session.id)?.touch(session, now);
  }

  /**
   * A new session in the next shard in turn, if it has room or can make some; undefined otherwise (the answer's
   * session id is then 0 and the client keeps sending full fetches). `partitions` builds the content only then.
   */
  maybeCreate(privileged: boolean, size: number, usesTopicIds: boolean, partitions: () => Map<string, CachedPartition>): FetchSession | undefined {
    const now = this.now();
    const shard = this.shards[this.nextShard];
    this.nextShard = (this.nextShard + 1) % SHARDS;
    if (!shard.hasRoomFor(privileged, size, now)) return undefined;
    const session = new FetchSession(shard.newSessionId(), privileged, usesTopicIds, now, partitions());
    shard.sessions.set(session.id, session);
    shard.touch(session, now);
    return session;
  }

  private shardOf(sessionId: number): CacheShard | undefined {
    return sessionId > 0 ? this.shards[Math.floor(sessionId / this.idRange)] : this.shards[0];
  }
}
