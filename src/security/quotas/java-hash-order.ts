// Kafka answers DescribeClientQuotas and AlterClientQuotas from Java HashMaps (an entity's components, its quota
// values, the entities themselves), so the order of what it lists is the order of their hash buckets. Eddy lists
// them in that order too, so answers compare equal to Kafka's without sorting on either side. The table size is
// the one a HashMap reaches by growing from empty to `count` entries (doubling when over 3/4 full); entries in the
// same bucket keep the order they are given in.
import { javaStringHashCode } from '../../topics/java-hash';

/** Java's Objects.hashCode of a String or null. */
export function javaHashOf(value: string | null): number {
  return value === null ? 0 : javaStringHashCode(value);
}

/** The bucket capacity of a HashMap filled from empty with `count` entries. */
function grownCapacity(count: number): number {
  let capacity = 2;
  while (count > capacity * 0.75) capacity *= 2;
  return capacity;
}

/** HashMap.hash spreads the high bits of the hash into the low ones before masking. */
function bucketOf(hash: number, capacity: number): number {
  return (hash ^ (hash >>> 16)) & (capacity - 1);
}

/**
 * `items` in the order a Java HashMap holding them would iterate, given each item's Java hash code. Items sharing a
 * bucket keep the order they are given in: the caller gives them in the order they were first put (Kafka's images
 * are rebuilt from the previous one each change, which keeps that order within a bucket).
 */
export function inJavaHashOrder<T>(items: readonly T[], hashOf: (item: T) => number): T[] {
  return byBucket(items, hashOf, grownCapacity(items.length));
}

/**
 * The order in which items changed together are first put into Kafka's image: the order of the change map they
 * come from, a HashMap of the default 16 buckets.
 */
export function inChangeMapOrder<T>(items: readonly T[], hashOf: (item: T) => number): T[] {
  return byBucket(items, hashOf, Math.max(DEFAULT_CAPACITY, grownCapacity(items.length)));
}

const DEFAULT_CAPACITY = 16;

function byBucket<T>(items: readonly T[], hashOf: (item: T) => number, capacity: number): T[] {
  return items
    .map((item, index) => ({ item, index, bucket: bucketOf(hashOf(item), capacity) }))
    .sort((a, b) => a.bucket - b.bucket || a.index - b.index)
    .map((entry) => entry.item);
}
