// Some of Kafka's answers are built from Scala maps, so their order is the order those maps iterate in: no
// contract, but what every Kafka client sees. Eddy lists such answers in the same order so they compare equal to
// Kafka's. Two maps matter: the immutable HashMap (a CHAMP trie that groupBy returns; 5 bits of Scala's improved
// hash per level, lowest first, a node's own keys before its sub-nodes'), and the mutable HashMap (buckets by the
// hash with its high half folded in, kept sorted by hash within a bucket, 16 buckets doubling past 3/4 full).
import { javaStringHashCode } from '../topics/java-hash';

const BITS_PER_LEVEL = 5;
const LEVEL_MASK = (1 << BITS_PER_LEVEL) - 1;
const HASH_BITS = 32;

/** scala.collection.Hashing.improve, the immutable HashMap's hash of a key's hashCode. */
function improve(hash: number): number {
  let h = (hash + ~(hash << 9)) | 0;
  h ^= h >>> 14;
  h = (h + (h << 4)) | 0;
  return h ^ (h >>> 10);
}

/** Java's TopicPartition.hashCode. */
export function topicPartitionHash(topic: string, partition: number): number {
  return (Math.imul(31, 31 + partition) + javaStringHashCode(topic)) | 0;
}

interface Keyed<T> {
  readonly item: T;
  readonly hash: number;
}

function trieOrder<T>(entries: readonly Keyed<T>[], shift: number): T[] {
  // Keys whose every hash bit is equal sit in one collision node, in the order they were put.
  if (shift >= HASH_BITS || entries.length < 2) return entries.map((e) => e.item);
  const byFragment = new Map<number, Keyed<T>[]>();
  for (const e of entries) {
    const fragment = (e.hash >>> shift) & LEVEL_MASK;
    byFragment.set(fragment, [...(byFragment.get(fragment) ?? []), e]);
  }
  const fragments = [...byFragment.keys()].sort((a, b) => a - b);
  const own = fragments.filter((f) => byFragment.get(f)?.length === 1).flatMap((f) => byFragment.get(f) ?? []);
  const deeper = fragments.filter((f) => (byFragment.get(f)?.length ?? 0) > 1).flatMap((f) => trieOrder(byFragment.get(f) ?? [], shift + BITS_PER_LEVEL));
  return [...own.map((e) => e.item), ...deeper];
}

/** `items` in the order a Scala immutable HashMap iterates them, given each distinct key's Java hashCode. */
export function inScalaHashMapOrder<T>(items: readonly T[], hashOf: (item: T) => number): T[] {
  return trieOrder(
    items.map((item) => ({ item, hash: improve(hashOf(item)) })),
    0,
  );
}

/** `items` in the order a Scala mutable HashMap filled with them iterates, given each distinct key's Java hashCode. */
export function inScalaMutableMapOrder<T>(items: readonly T[], hashOf: (item: T) => number): T[] {
  let buckets = 16;
  while (items.length >= buckets * 0.75) buckets *= 2;
  return items
    .map((item) => {
      const hash = hashOf(item);
      const spread = hash ^ (hash >>> 16);
      return { item, spread, bucket: spread & (buckets - 1) };
    })
    .sort((a, b) => a.bucket - b.bucket || a.spread - b.spread)
    .map((e) => e.item);
}
