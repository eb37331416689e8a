// The embedded consumer protocol (protocol type "consumer"): JoinGroup metadata holds an INT16 version followed by
// a ConsumerProtocolSubscription. The coordinator only reads the subscribed topic names from it (OffsetDelete's
// GROUP_SUBSCRIBED_TO_TOPIC check, offset expiry of unsubscribed topics); everything else stays opaque bytes.
import { Reader } from '../../codecs/primitives/reader';
import { ConsumerProtocolSubscriptionCodec } from '../../codecs/generated/ConsumerProtocolSubscription';
import { ConsumerProtocolAssignmentCodec } from '../../codecs/generated/ConsumerProtocolAssignment';

export const CONSUMER_PROTOCOL_TYPE = 'consumer';

/** The topics a consumer subscribes to, or null when the bytes cannot be read. */
export function subscribedTopicsOf(metadata: Buffer): string[] | null {
  try {
    const reader = new Reader(metadata);
    const version = reader.readInt16();
    if (version < 0) return null;
    // Newer subscription versions only append fields, so reading at our newest version is safe (as Kafka does).
    const decoded = ConsumerProtocolSubscriptionCodec.decode(reader, Math.min(version, ConsumerProtocolSubscriptionCodec.maxVersion));
    return decoded.topics;
  } catch {
    return null;
  }
}

/** The partitions a SyncGroup assignment of the consumer protocol gives a member, partitions sorted; [] when unreadable. */
export function assignedPartitionsOf(assignment: Buffer): Array<{ topic: string; partitions: number[] }> {
  if (assignment.length < 2) return [];
  try {
    const reader = new Reader(assignment);
    const version = Math.min(reader.readInt16(), ConsumerProtocolAssignmentCodec.maxVersion);
    return ConsumerProtocolAssignmentCodec.decode(reader, version).assignedPartitions.map((tp) => ({
      topic: tp.topic,
      partitions: [...tp.partitions].sort((a, b) => a - b),
    }));
  } catch {
    return [];
  }
}
