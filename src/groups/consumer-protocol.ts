// The embedded consumer protocol (protocol type "consumer"): JoinGroup metadata holds an INT16 version followed by
// a ConsumerProtocolSubscription, SyncGroup assignments an INT16 version followed by a ConsumerProtocolAssignment.
// Classic groups read only the subscribed topic names (OffsetDelete's GROUP_SUBSCRIBED_TO_TOPIC check, offset expiry
// of unsubscribed topics); a consumer group that serves classic members (online migration) reads the whole
// subscription and writes their assignments, as Kafka's ConsumerProtocol does.
import { Reader } from '../../codecs/primitives/reader';
import { Writer } from '../../codecs/primitives/writer';
import { ConsumerProtocolSubscription, ConsumerProtocolSubscriptionCodec } from '../../codecs/generated/ConsumerProtocolSubscription';
import { ConsumerProtocolAssignmentCodec } from '../../codecs/generated/ConsumerProtocolAssignment';

export const CONSUMER_PROTOCOL_TYPE = 'consumer';

/** Partitions by topic name, as the embedded protocol carries them. */
export interface NamedTopicPartitions {
  readonly topic: string;
  readonly partitions: readonly number[];
}

/** The version and subscription in JoinGroup metadata; throws on bytes that cannot be read. */
export function decodeSubscription(metadata: Buffer): { readonly version: number; readonly subscription: ConsumerProtocolSubscription } {
  const reader = new Reader(metadata);
  const version = reader.readInt16();
  if (version < 0) throw new Error(`unsupported consumer protocol subscription version ${version}`);
  // Newer subscription versions only append fields, so reading at our newest version is safe (as Kafka does).
  const subscription = ConsumerProtocolSubscriptionCodec.decode(reader, Math.min(version, ConsumerProtocolSubscriptionCodec.maxVersion));
  return { version, subscription };
}

/** The topics a consumer subscribes to, or null when the bytes cannot be read. */
export function subscribedTopicsOf(metadata: Buffer): string[] | null {
  try {
    return decodeSubscription(metadata).subscription.topics;
  } catch {
    return null;
  }
}

/** The partitions in a SyncGroup assignment; throws on bytes that cannot be read (an empty buffer is no partition). */
export function decodeAssignment(assignment: Buffer): NamedTopicPartitions[] {
  if (assignment.length === 0) return [];
  const reader = new Reader(assignment);
  const version = reader.readInt16();
  if (version < 0) throw new Error(`unsupported consumer protocol assignment version ${version}`);
  return ConsumerProtocolAssignmentCodec.decode(reader, Math.min(version, ConsumerProtocolAssignmentCodec.maxVersion)).assignedPartitions;
}

/** An assignment at the version the member's subscription used (Kafka answers in the member's own version). */
export function encodeAssignment(partitions: readonly NamedTopicPartitions[], version: number): Buffer {
  const v = Math.max(0, Math.min(version, ConsumerProtocolAssignmentCodec.maxVersion));
  const w = new Writer();
  w.writeInt16(v);
  ConsumerProtocolAssignmentCodec.encode({ assignedPartitions: partitions, userData: null }, w, v);
  return w.toBuffer();
}

/** The partitions a SyncGroup assignment of the consumer protocol gives a member, partitions sorted; [] when unreadable. */
export function assignedPartitionsOf(assignment: Buffer): Array<{ topic: string; partitions: number[] }> {
  try {
    return decodeAssignment(assignment).map((tp) => ({ topic: tp.topic, partitions: [...tp.partitions].sort((a, b) => a - b) }));
  } catch {
    return [];
  }
}
