// The fetch session cache's eviction rules, on a clock the test moves: Kafka evicts a stale session (unused for the
// eviction time) first, else the least valuable evictable one when the newcomer is worth at least as much, where a
// session becomes evictable by unprivileged newcomers only once it is older than the eviction time at its last use.
import { CachedPartition, FetchSession, FetchSessionCache, nextEpoch, partitionKey } from '../../../src/api/fetch-session-cache';

const EVICTION_MS = 1000;

/** A cache of 8 slots: one per shard, so every ninth new session lands in the same shard as the first. */
function cacheAt(clock: { now: number }, slots = 8): FetchSessionCache {
  return new FetchSessionCache({ slots, evictionMs: EVICTION_MS, now: () => clock.now });
}

function partitionsOf(count: number): () => Map<string, CachedPartition> {
  return () => {
    const map = new Map<string, CachedPartition>();
    for (let p = 0; p < count; p++) {
      const params = { fetchOffset: 0n, partitionMaxBytes: 1, currentLeaderEpoch: -1, logStartOffset: -1n, lastFetchedEpoch: -1 };
      map.set(partitionKey('t', undefined, p), new CachedPartition('t', '', p, params));
    }
    return map;
  };
}

/** A new session of `size` partitions in the shard next in turn; undefined when the cache makes no room. */
function open(cache: FetchSessionCache, size: number, privileged = false): FetchSession | undefined {
  return cache.maybeCreate(privileged, size, false, partitionsOf(size));
}

/** A use of the session at `now`, as an incremental fetch makes. */
function use(cache: FetchSessionCache, id: number, now: number): void {
  const session = cache.get(id);
  if (session === undefined) throw new Error(`no session ${id}`);
  cache.touch(session, now);
}

/** Opens one session in each of the 8 shards (sizes as given, the first landing in shard 0); returns their ids. */
function fillShards(cache: FetchSessionCache, size: (shard: number) => number, privileged = false): number[] {
  return Array.from({ length: 8 }, (_, shard) => open(cache, size(shard), privileged)?.id ?? 0);
}

/** A cache of 8 slots on a clock at 0, each shard holding one session of `size` partitions. */
function filledCache(size: (shard: number) => number, privileged = false): { clock: { now: number }; cache: FetchSessionCache; ids: number[] } {
  const clock = { now: 0 };
  const cache = cacheAt(clock);
  return { clock, cache, ids: fillShards(cache, size, privileged) };
}

test('epochs run 1, 2, ... and wrap to 1; the final epoch stays final', () => {
  expect(nextEpoch(0)).toBe(1);
  expect(nextEpoch(41)).toBe(42);
  expect(nextEpoch(0x7fffffff)).toBe(1);
  expect(nextEpoch(-1)).toBe(-1);
});

test('session ids are positive, unique and fall in the range of the shard that holds them', () => {
  const clock = { now: 0 };
  const cache = new FetchSessionCache({ slots: 1000, now: () => clock.now });
  const ids = Array.from({ length: 80 }, () => open(cache, 1)?.id ?? 0);
  expect(new Set(ids).size).toBe(80);
  const range = Math.floor(0x7fffffff / 8);
  ids.forEach((id, i) => expect(Math.floor(id / range)).toBe(i % 8));
  expect(cache.size).toBe(80);
  expect(cache.partitionCount).toBe(80);
});

test('a full shard refuses a newcomer while its session is young and recently used', () => {
  const { clock, cache } = filledCache(() => 1);
  clock.now = 500;
  expect(open(cache, 100)).toBeUndefined();
  expect(cache.size).toBe(8);
});

test('a session unused for longer than the eviction time is evicted first, whatever its size', () => {
  const { clock, cache, ids } = filledCache(() => 50);
  clock.now = EVICTION_MS + 1;
  expect(open(cache, 1)).toBeDefined();
  expect(cache.get(ids[0])).toBeUndefined();
  expect(cache.size).toBe(8);
});

test('a session used again after the eviction time is evictable by a larger newcomer, not by a smaller or equal one', () => {
  const { clock, cache, ids } = filledCache(() => 10);
  clock.now = EVICTION_MS + 1;
  use(cache, ids[0], clock.now);
  const nextTurnOfShard0 = (): void => {
    for (let i = 0; i < 7; i++) open(cache, 0);
  };
  // A smaller newcomer is worth less, and so is an equal one (the newcomer's id 0 sorts first): refused.
  expect(open(cache, 5)).toBeUndefined();
  nextTurnOfShard0();
  expect(open(cache, 10)).toBeUndefined();
  nextTurnOfShard0();
  expect(open(cache, 11)).toBeDefined();
  expect(cache.get(ids[0])).toBeUndefined();
});

test('a session touched before the eviction time had passed is not yet evictable', () => {
  const { clock, cache, ids } = filledCache(() => 1);
  clock.now = EVICTION_MS / 2;
  use(cache, ids[0], clock.now);
  clock.now = EVICTION_MS + 10; // older than the eviction time now, but not when last touched; used too recently to be stale
  expect(open(cache, 1000)).toBeUndefined();
});

test('a privileged newcomer evicts an unprivileged session at once; an unprivileged one never evicts a privileged one early', () => {
  const { clock, cache, ids } = filledCache(() => 100);
  clock.now = 10;
  const replica = open(cache, 1, true);
  expect(replica).toBeDefined();
  expect(cache.get(ids[0])).toBeUndefined();

  const privileged = cacheAt(clock);
  fillShards(privileged, () => 1, true);
  clock.now = 20 + EVICTION_MS / 2;
  expect(open(privileged, 1000)).toBeUndefined();
});

test('closing a session frees its slot and its partitions', () => {
  const { cache, ids } = filledCache((shard) => shard + 1);
  expect(cache.partitionCount).toBe(36);
  expect(cache.remove(ids[3])).toBe(true);
  expect(cache.remove(ids[3])).toBe(false);
  expect(cache.partitionCount).toBe(32);
  expect(cache.size).toBe(7);
});
