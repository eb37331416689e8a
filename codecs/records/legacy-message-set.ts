// Legacy message sets (magic 0 and 1), used by Produce v0-v2 and Fetch v0-v3. Entry layout: offset INT64,
// size INT32, then the message: crc UINT32 (CRC-32/IEEE over the rest), magic INT8, attributes INT8,
// timestamp INT64 (magic 1 only), key and value as INT32-length bytes (-1 = null). A compressed message wraps a
// whole inner message set in its value; with magic 1 the inner offsets are relative and the wrapper carries the
// absolute offset of the last inner message.
//
// The broker converts incoming legacy sets to one RecordBatch v2 and down-converts v2 batches for old fetchers.
import { ATTR_COMPRESSION_MASK, ATTR_TIMESTAMP_LOG_APPEND, Compression } from './batch-header';
import { scanFetchedRecords, scanProducedRecords } from './batch-iterator';
import { compress, decompress } from './compression';
import { crc32 } from './crc';
import { decodeRecordBatch, encodeRecordBatch, TimestampType } from './record-batch';
import { corrupt, invalidRecord, RecordErrorCode, RecordFormatError } from './record-errors';

export type LegacyMagic = 0 | 1;

/** No timestamp: magic 0 messages, and magic 1 messages whose producer set none. */
export const NO_TIMESTAMP = -1n;

/**
 * Byte sizes of an entry's parts: the offset + size prefix, the crc, a magic 0 message's fixed part (crc + magic +
 * attributes + key length + value length) and the timestamp magic 1 adds.
 */
const SIZE = { entryPrefix: 12, crc: 4, messageOverheadV0: 14, timestamp: 8 } as const;

export interface LegacyMessage {
  offset: bigint;
  magic: LegacyMagic;
  attributes: number;
  /** NO_TIMESTAMP for magic 0 */
  timestamp: bigint;
  timestampType: TimestampType;
  key: Buffer | null;
  value: Buffer | null;
}

/** One parsed entry before wrapper expansion. */
interface ShallowMessage extends LegacyMessage {
  compression: Compression;
}

export interface ReadLegacyOptions {
  /** fetch side: ignore a partial last entry instead of failing */
  allowTruncatedTail?: boolean;
}

function messageOverhead(magic: LegacyMagic): number {
  return SIZE.messageOverheadV0 + (magic === 1 ? SIZE.timestamp : 0);
}

function readSizedBytes(buf: Buffer, at: number, end: number, what: string): { value: Buffer | null; next: number } {
  if (at + 4 > end) throw corrupt(`legacy message ${what} length runs past the message end`);
  const length = buf.readInt32BE(at);
  at += 4;
  if (length === -1) return { value: null, next: at };
  if (length < 0 || at + length > end) throw corrupt(`legacy message ${what} of ${length} bytes does not fit`);
  return { value: Buffer.from(buf.subarray(at, at + length)), next: at + length };
}

/** Parses the entry at `at` (whose whole size `size` is known), checking its CRC. */
function readShallowMessage(buf: Buffer, at: number, size: number): ShallowMessage {
  const end = at + size;
  const offset = buf.readBigInt64BE(at);
  const magic = buf.readInt8(at + SIZE.entryPrefix + SIZE.crc);
  if (magic !== 0 && magic !== 1) throw invalidRecord(`message magic ${magic} inside a legacy message set`);
  if (size - SIZE.entryPrefix < messageOverhead(magic)) {
    throw corrupt(`legacy message of ${size - SIZE.entryPrefix} bytes is smaller than its header`);
  }
  const storedCrc = buf.readUInt32BE(at + SIZE.entryPrefix);
  const computedCrc = crc32(buf.subarray(at + SIZE.entryPrefix + SIZE.crc, end));
  if (storedCrc !== computedCrc) {
    throw corrupt(`legacy message at offset ${offset} is corrupt (stored crc ${storedCrc}, computed ${computedCrc})`);
  }
  let cursor = at + SIZE.entryPrefix + SIZE.crc + 1;
  const attributes = buf.readInt8(cursor++);
  let timestamp = NO_TIMESTAMP;
  if (magic === 1) {
    timestamp = buf.readBigInt64BE(cursor);
    cursor += SIZE.timestamp;
  }
  const key = readSizedBytes(buf, cursor, end, 'key');
  const value = readSizedBytes(buf, key.next, end, 'value');
  if (value.next !== end) throw corrupt(`legacy message has ${end - value.next} bytes after its value`);
  const codec = attributes & ATTR_COMPRESSION_MASK;
  if (codec > Compression.Lz4) {
    throw new RecordFormatError(RecordErrorCode.UNSUPPORTED_COMPRESSION_TYPE, `codec ${codec} needs magic 2`);
  }
  return {
    offset,
    magic,
    attributes,
    timestamp,
    timestampType: magic === 1 && attributes & ATTR_TIMESTAMP_LOG_APPEND ? 'LogAppendTime' : 'CreateTime',
    key: key.value,
    value: value.value,
    compression: codec,
  };
}

function readShallowSet(buf: Buffer, options: ReadLegacyOptions): ShallowMessage[] {
  const slices = options.allowTruncatedTail ? scanFetchedRecords(buf).batches : scanProducedRecords(buf);
  return slices.map((s) => readShallowMessage(buf, s.offset, s.size));
}

/** The inner messages of a compressed wrapper, with absolute offsets and the wrapper's timestamp rules applied. */
function expandWrapper(wrapper: ShallowMessage): LegacyMessage[] {
  if (wrapper.value === null) throw invalidRecord('compressed legacy message has a null value');
  const inner = readShallowSet(decompress(wrapper.compression, wrapper.value), {});
  if (inner.length === 0) throw invalidRecord('compressed legacy message holds no messages');
  const lastInnerOffset = inner[inner.length - 1].offset;
  return inner.map((m) => {
    if (m.compression !== Compression.None) throw invalidRecord('compressed legacy message nests another one');
    if (m.magic !== wrapper.magic) {
      throw invalidRecord(`inner message magic ${m.magic} differs from its wrapper's magic ${wrapper.magic}`);
    }
    const offset = wrapper.magic === 1 ? wrapper.offset - lastInnerOffset + m.offset : m.offset;
    const logAppend = wrapper.timestampType === 'LogAppendTime';
    return {
      offset,
      magic: m.magic,
      attributes: m.attributes,
      timestamp: logAppend ? wrapper.timestamp : m.timestamp,
      timestampType: wrapper.timestampType,
      key: m.key,
      value: m.value,
    };
  });
}

function withoutCodec(m: ShallowMessage): LegacyMessage {
  return {
    offset: m.offset,
    magic: m.magic,
    attributes: m.attributes,
    timestamp: m.timestamp,
    timestampType: m.timestampType,
    key: m.key,
    value: m.value,
  };
}

/** Reads a legacy message set, expanding compressed wrappers into their inner messages. */
export function readLegacyMessageSet(buf: Buffer, options: ReadLegacyOptions = {}): LegacyMessage[] {
  const out: LegacyMessage[] = [];
  for (const m of readShallowSet(buf, options)) {
    if (m.compression === Compression.None) out.push(withoutCodec(m));
    else out.push(...expandWrapper(m));
  }
  return out;
}

export interface LegacyToBatchOptions {
  /** offset of the first record in the new batch (default 0: the broker assigns real offsets on append) */
  baseOffset?: bigint;
  compression?: Compression;
}

/**
 * Converts already-read legacy messages to one RecordBatch v2 with consecutive offsets. Magic 0 messages keep
 * NO_TIMESTAMP, as Kafka does when it up-converts.
 */
export function legacyMessagesToRecordBatch(messages: LegacyMessage[], options: LegacyToBatchOptions = {}): Buffer {
  if (messages.length === 0) throw invalidRecord('legacy message set holds no messages');
  return encodeRecordBatch({
    baseOffset: options.baseOffset ?? 0n,
    compression: options.compression,
    baseTimestamp: messages[0].timestamp,
    records: messages.map((m) => ({ key: m.key, value: m.value, timestamp: m.timestamp })),
  });
}

/** Reads a legacy message set (produce side: a partial entry is corrupt) and converts it to one v2 batch. */
export function legacyMessageSetToRecordBatch(buf: Buffer, options: LegacyToBatchOptions = {}): Buffer {
  return legacyMessagesToRecordBatch(readLegacyMessageSet(buf), options);
}

export interface LegacyMessageInput {
  offset: bigint;
  key?: Buffer | null;
  value: Buffer | null;
  /** magic 1 only; NO_TIMESTAMP when absent */
  timestamp?: bigint;
}

export interface LegacyEncodeOptions {
  magic: LegacyMagic;
  /** wrap all messages in one compressed message (gzip, snappy or lz4) */
  compression?: Compression;
  timestampType?: TimestampType;
}

function encodeMessage(offset: bigint, magic: LegacyMagic, attributes: number, timestamp: bigint, key: Buffer | null, value: Buffer | null): Buffer {
  const size = messageOverhead(magic) + (key?.length ?? 0) + (value?.length ?? 0);
  const buf = Buffer.alloc(SIZE.entryPrefix + size);
  buf.writeBigInt64BE(offset, 0);
  buf.writeInt32BE(size, 8);
  let at = SIZE.entryPrefix + SIZE.crc;
  at = buf.writeInt8(magic, at);
  at = buf.writeInt8(attributes, at);
  if (magic === 1) at = buf.writeBigInt64BE(timestamp, at);
  for (const field of [key, value]) {
    at = buf.writeInt32BE(field === null ? -1 : field.length, at);
    if (field !== null) at += field.copy(buf, at);
  }
  buf.writeUInt32BE(crc32(buf.subarray(SIZE.entryPrefix + SIZE.crc)), SIZE.entryPrefix);
  return buf;
}

/** Writes a legacy message set; with compression, one wrapper holds every message (inner offsets relative for v1). */
export function encodeLegacyMessageSet(messages: LegacyMessageInput[], options: LegacyEncodeOptions): Buffer {
  const { magic } = options;
  const codec = options.compression ?? Compression.None;
  const timestampBit = magic === 1 && options.timestampType === 'LogAppendTime' ? ATTR_TIMESTAMP_LOG_APPEND : 0;
  const timestampOf = (m: LegacyMessageInput): bigint => (magic === 1 ? (m.timestamp ?? NO_TIMESTAMP) : NO_TIMESTAMP);
  if (codec === Compression.None) {
    return Buffer.concat(messages.map((m) => encodeMessage(m.offset, magic, timestampBit, timestampOf(m), m.key ?? null, m.value)));
  }
  if (codec > Compression.Lz4) throw new RecordFormatError(RecordErrorCode.UNSUPPORTED_COMPRESSION_TYPE, 'zstd needs magic 2');
  if (messages.length === 0) throw invalidRecord('cannot wrap an empty message set');
  const first = messages[0].offset;
  const inner = Buffer.concat(
    messages.map((m) => encodeMessage(magic === 1 ? m.offset - first : m.offset, magic, timestampBit, timestampOf(m), m.key ?? null, m.value)),
  );
  const wrapperTimestamp = messages.reduce((max, m) => (timestampOf(m) > max ? timestampOf(m) : max), NO_TIMESTAMP);
  const last = messages[messages.length - 1].offset;
  return encodeMessage(last, magic, codec | timestampBit, wrapperTimestamp, null, compress(codec, inner));
}

export interface DownConvertOptions {
  magic: LegacyMagic;
  /** compress the converted messages in one wrapper; uncompressed when absent */
  compression?: Compression;
}

/**
 * Down-converts fetched data (v2 batches, possibly with a partial last batch) to a legacy message set for Fetch
 * v0-v3. Control batches are dropped (old clients cannot read them) and so are record headers, as in Kafka.
 * Each v2 batch becomes its own run of messages so offsets stay absolute.
 */
export function recordBatchesToLegacyMessageSet(records: Buffer, options: DownConvertOptions): Buffer {
  const parts: Buffer[] = [];
  for (const slice of scanFetchedRecords(records).batches) {
    const entry = records.subarray(slice.offset, slice.offset + slice.size);
    if (slice.magic < 2) {
      const legacy = readLegacyMessageSet(entry);
      const timestampType = legacy[0]?.timestampType ?? 'CreateTime';
      parts.push(encodeLegacyMessageSet(legacy, { magic: options.magic, compression: options.compression, timestampType }));
      continue;
    }
    const batch = decodeRecordBatch(entry);
    if (batch.control || batch.records.length === 0) continue;
    parts.push(
      encodeLegacyMessageSet(
        batch.records.map((r) => ({ offset: r.offset, key: r.key, value: r.value, timestamp: r.timestamp })),
        { magic: options.magic, compression: options.compression, timestampType: batch.timestampType },
      ),
    );
  }
  return Buffer.concat(parts);
}
