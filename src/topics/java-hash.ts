// Kafka places a group on a __consumer_offsets partition by Java's String.hashCode, so the same group id maps to
// the same partition number as on a real Kafka cluster (useful when comparing data directories or tools' output).

/** Java's String.hashCode: s[0]*31^(n-1) + ... + s[n-1] over UTF-16 code units, in 32-bit two's complement. */
export function javaStringHashCode(s: string): number {
  let h = 0;
  for (let i = 0; i < s.length; i++) h = (Math.imul(h, 31) + s.charCodeAt(i)) | 0;
  return h;
}

/** Kafka's Utils.abs: like Math.abs, except that Integer.MIN_VALUE maps to 0 instead of staying negative. */
function kafkaAbs(n: number): number {
  return n === -2147483648 ? 0 : Math.abs(n);
}

/** The __consumer_offsets partition that owns `groupId`. */
export function offsetsPartitionFor(groupId: string, numPartitions: number): number {
  return kafkaAbs(javaStringHashCode(groupId)) % numPartitions;
}
