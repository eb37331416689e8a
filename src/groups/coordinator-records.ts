// The records of __consumer_offsets, byte-compatible with Kafka's: key = INT16 record type + key struct (v0),
// value = INT16 version + value struct, null value = tombstone. Pure encode/decode, no I/O.
import { Reader } from '../../codecs/primitives/reader';
import { Writer } from '../../codecs/primitives/writer';
import type { MessageCodec } from '../../codecs/primitives/message-codec';
import { OffsetCommitKeyCodec } from '../../codecs/generated/internal/OffsetCommitKey';
import { OffsetCommitValueCodec } from '../../codecs/generated/internal/OffsetCommitValue';
import { GroupMetadataKeyCodec } from '../../codecs/generated/internal/GroupMetadataKey';
import { GroupMetadataValueCodec, GroupMetadataValue, GroupMetadataValueInit } from '../../codecs/generated/internal/GroupMetadataValue';
import type { CommittedOffset } from './classic-group';
import { ConsumerGroupRecord, decodeConsumerGroupRecord, isConsumerGroupRecordType } from './consumer-group-records';

/** Record types in __consumer_offsets keys: 0 and 1 are offset commits (same layout), 2 classic group metadata. */
export const RecordType = {
  LEGACY_OFFSET_COMMIT: 0,
  OFFSET_COMMIT: 1,
  GROUP_METADATA: 2,
} as const;

/** The value versions Kafka's classic coordinator writes: 3, or 1 when the commit carries an explicit expiry. */
const OFFSET_VALUE_VERSION = 3;
const OFFSET_VALUE_VERSION_WITH_EXPIRY = 1;
const GROUP_VALUE_VERSION = 3;

export type CoordinatorRecord =
  | { readonly kind: 'offset'; readonly group: string; readonly topic: string; readonly partition: number; readonly value: CommittedOffset | null }
  | { readonly kind: 'group'; readonly group: string; readonly value: GroupMetadataValue | null }
  | { readonly kind: 'consumer'; readonly record: ConsumerGroupRecord }
  | { readonly kind: 'unknown'; readonly recordType: number };

/** The INT16 prefix is the record type for keys (whose struct is always v0) and the struct version for values. */
function encodePrefixed<Init>(prefix: number, codec: MessageCodec<unknown, Init>, version: number, value: Init): Buffer {
  const w = new Writer();
  w.writeInt16(prefix);
  codec.encode(value, w, version);
  return w.toBuffer();
}

const KEY_VERSION = 0;

export function offsetCommitKey(group: string, topic: string, partition: number): Buffer {
  return encodePrefixed(RecordType.OFFSET_COMMIT, OffsetCommitKeyCodec, KEY_VERSION, { group, topic, partition });
}

export function offsetCommitValue(o: CommittedOffset): Buffer {
  const version = o.expireTimestamp === null ? OFFSET_VALUE_VERSION : OFFSET_VALUE_VERSION_WITH_EXPIRY;
  return encodePrefixed(version, OffsetCommitValueCodec, version, {
    offset: o.offset,
    leaderEpoch: o.leaderEpoch,
    metadata: o.metadata,
    commitTimestamp: o.commitTimestamp,
    expireTimestamp: o.expireTimestamp ?? -1n,
  });
}

export function groupMetadataKey(group: string): Buffer {
  return encodePrefixed(RecordType.GROUP_METADATA, GroupMetadataKeyCodec, KEY_VERSION, { group });
}

export function groupMetadataValue(value: GroupMetadataValueInit): Buffer {
  return encodePrefixed(GROUP_VALUE_VERSION, GroupMetadataValueCodec, GROUP_VALUE_VERSION, value);
}

function clampVersion(version: number, codec: MessageCodec<unknown, never>): number {
  // A newer broker may have written a newer value version; the fields we know come first, so read what we can.
  return Math.min(version, codec.maxVersion);
}

/** Decodes one __consumer_offsets record; throws ProtocolDecodeError on malformed bytes. */
export function decodeCoordinatorRecord(key: Buffer, value: Buffer | null): CoordinatorRecord {
  const kr = new Reader(key);
  const recordType = kr.readInt16();
  if (recordType === RecordType.LEGACY_OFFSET_COMMIT || recordType === RecordType.OFFSET_COMMIT) {
    const k = OffsetCommitKeyCodec.decode(kr, KEY_VERSION);
    if (value === null) return { kind: 'offset', group: k.group, topic: k.topic, partition: k.partition, value: null };
    const vr = new Reader(value);
    const version = vr.readInt16();
    const v = OffsetCommitValueCodec.decode(vr, clampVersion(version, OffsetCommitValueCodec));
    return {
      kind: 'offset',
      group: k.group,
      topic: k.topic,
      partition: k.partition,
      value: {
        offset: v.offset,
        leaderEpoch: v.leaderEpoch,
        metadata: v.metadata,
        commitTimestamp: v.commitTimestamp,
        expireTimestamp: v.expireTimestamp === -1n ? null : v.expireTimestamp,
      },
    };
  }
  if (recordType === RecordType.GROUP_METADATA) {
    const k = GroupMetadataKeyCodec.decode(kr, KEY_VERSION);
    if (value === null) return { kind: 'group', group: k.group, value: null };
    const vr = new Reader(value);
    const version = vr.readInt16();
    return { kind: 'group', group: k.group, value: GroupMetadataValueCodec.decode(vr, clampVersion(version, GroupMetadataValueCodec)) };
  }
  if (isConsumerGroupRecordType(recordType)) return { kind: 'consumer', record: decodeConsumerGroupRecord(recordType, kr, value) };
  return { kind: 'unknown', recordType };
}
