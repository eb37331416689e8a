// RecordBatch v2 encoding and decoding of the records inside a batch. The broker's hot paths never call this
// (they use batch-header.ts); it serves tests, tools, compaction and legacy conversion.
import {
  ATTR_COMPRESSION_MASK,
  ATTR_CONTROL,
  ATTR_DELETE_HORIZON,
  ATTR_TIMESTAMP_LOG_APPEND,
  ATTR_TRANSACTIONAL,
  BATCH_HEADER,
  BATCH_LOG_OVERHEAD,
  Compression,
  batchSize,
  computeBatchCrc,
  updateBatchCrc,
} from './batch-header';
import { varintSize, varlongSize, writeVarint, writeVarlong } from '../primitives/varint';
import { scanFetchedRecords } from './batch-iterator';
import { compress, decompress } from './compression';
import { corrupt, invalidRecord } from './record-errors';
import { readRecord, RecordHeader } from './record-reader';

export type { RecordHeader } from './record-reader';

export interface RecordInput {
  key?: Buffer | null;
  value: Buffer | null;
  headers?: RecordHeader[];
  /** milliseconds since the epoch; defaults to the batch's base timestamp */
  timestamp?: bigint;
}

export interface BatchInput {
  baseOffset?: bigint;
  partitionLeaderEpoch?: number;
  baseTimestamp?: bigint;
  producerId?: bigint;
  producerEpoch?: number;
  baseSequence?: number;
  transactional?: boolean;
  control?: boolean;
  /** codec for the records section; none when absent */
  compression?: Compression;
  records: RecordInput[];
}

export type TimestampType = 'CreateTime' | 'LogAppendTime';

export interface DecodedRecord {
  offset: bigint;
  /** absolute; for LogAppendTime batches the batch's maxTimestamp, as Kafka's readers report it */
  timestamp: bigint;
  offsetDelta: number;
  timestampDelta: bigint;
  attributes: number;
  key: Buffer | null;
  value: Buffer | null;
  headers: RecordHeader[];
}

export interface DecodedBatch {
  baseOffset: bigint;
  batchLength: number;
  /** whole batch size in bytes, including the offset+length prefix */
  sizeInBytes: number;
  partitionLeaderEpoch: number;
  magic: number;
  crc: number;
  attributes: number;
  compression: Compression;
  timestampType: TimestampType;
  transactional: boolean;
  control: boolean;
  hasDeleteHorizon: boolean;
  lastOffsetDelta: number;
  lastOffset: bigint;
  baseTimestamp: bigint;
  maxTimestamp: bigint;
  producerId: bigint;
  producerEpoch: number;
  baseSequence: number;
  recordsCount: number;
  records: DecodedRecord[];
}

export interface DecodeOptions {
  /** check the CRC-32C and throw CORRUPT_MESSAGE on mismatch (default true, like Kafka's check.crcs) */
  verifyCrc?: boolean;
  /** ceiling for a compressed batch's decompressed records (default DEFAULT_MAX_DECOMPRESSED_BYTES) */
  maxDecompressedBytes?: number;
}

/** One record in its v2 wire form (length-prefixed), with the deltas the caller computed. */
export function encodedRecordBody(record: RecordInput, offsetDelta: number, timestampDelta: bigint): Buffer {
  const key = record.key ?? null;
  const headers = record.headers ?? [];
  let size = 1 + varlongSize(timestampDelta) + varintSize(offsetDelta);
  size += varintSize(key ? key.length : -1) + (key ? key.length : 0);
  size += varintSize(record.value ? record.value.length : -1) + (record.value ? record.value.length : 0);
  size += varintSize(headers.length);
  const headerKeys = headers.map((h) => Buffer.from(h.key, 'utf8'));
  headers.forEach((h, i) => {
    size += varintSize(headerKeys[i].length) + headerKeys[i].length;
    size += varintSize(h.value ? h.value.length : -1) + (h.value ? h.value.length : 0);
  });
  const out = Buffer.allocUnsafe(varintSize(size) + size);
  let at = writeVarint(out, 0, size);
  out[at++] = 0;
  at = writeVarlong(out, at, timestampDelta);
  at = writeVarint(out, at, offsetDelta);
  at = writeBytesField(out, at, key);
  at = writeBytesField(out, at, record.value);
  at = writeVarint(out, at, headers.length);
  headers.forEach((h, i) => {
    at = writeBytesField(out, at, headerKeys[i]);
    at = writeBytesField(out, at, h.value);
  });
  return out;
}

function writeBytesField(out: Buffer, at: number, bytes: Buffer | null): number {
  if (bytes === null) return writeVarint(out, at, -1);
  at = writeVarint(out, at, bytes.length);
  bytes.copy(out, at);
  return at + bytes.length;
}

/** Encodes a RecordBatch v2 with a correct CRC; the records are compressed when `input.compression` says so. */
export function encodeRecordBatch(input: BatchInput): Buffer {
  const baseTimestamp = input.baseTimestamp ?? input.records[0]?.timestamp ?? BigInt(Date.now());
  let maxTimestamp: bigint | null = null;
  const bodies = input.records.map((r, i) => {
    const ts = r.timestamp ?? baseTimestamp;
    if (maxTimestamp === null || ts > maxTimestamp) maxTimestamp = ts;
    return encodedRecordBody(r, i, ts - baseTimestamp);
  });
  const codec = input.compression ?? Compression.None;
  const plainRecords = Buffer.concat(bodies);
  const recordsSection = codec === Compression.None ? plainRecords : compress(codec, plainRecords);
  const total = BATCH_HEADER.size + recordsSection.length;
  const buf = Buffer.alloc(total);
  buf.writeBigInt64BE(input.baseOffset ?? 0n, BATCH_HEADER.baseOffset);
  buf.writeInt32BE(total - BATCH_LOG_OVERHEAD, BATCH_HEADER.batchLength);
  buf.writeInt32BE(input.partitionLeaderEpoch ?? -1, BATCH_HEADER.partitionLeaderEpoch);
  buf.writeInt8(2, BATCH_HEADER.magic);
  let attributes: number = codec & ATTR_COMPRESSION_MASK;
  if (input.transactional) attributes |= ATTR_TRANSACTIONAL;
  if (input.control) attributes |= ATTR_CONTROL;
  buf.writeInt16BE(attributes, BATCH_HEADER.attributes);
  buf.writeInt32BE(Math.max(0, input.records.length - 1), BATCH_HEADER.lastOffsetDelta);
  buf.writeBigInt64BE(baseTimestamp, BATCH_HEADER.baseTimestamp);
  buf.writeBigInt64BE(maxTimestamp ?? baseTimestamp, BATCH_HEADER.maxTimestamp);
  buf.writeBigInt64BE(input.producerId ?? -1n, BATCH_HEADER.producerId);
  buf.writeInt16BE(input.producerEpoch ?? -1, BATCH_HEADER.producerEpoch);
  buf.writeInt32BE(input.baseSequence ?? -1, BATCH_HEADER.baseSequence);
  buf.writeInt32BE(input.records.length, BATCH_HEADER.recordsCount);
  recordsSection.copy(buf, BATCH_HEADER.size);
  updateBatchCrc(buf);
  return buf;
}

/**
 * Decodes the v2 batch at the start of `buf` (bytes after the batch are ignored): header fields plus every record
 * with absolute offset and timestamp. Compressed batches are decompressed.
 */
export function decodeRecordBatch(buf: Buffer, options: DecodeOptions = {}): DecodedBatch {
  if (buf.length < BATCH_HEADER.size) throw corrupt(`record batch needs ${BATCH_HEADER.size} bytes, got ${buf.length}`);
  const magic = buf.readInt8(BATCH_HEADER.magic);
  if (magic !== 2) throw corrupt(`record batch magic ${magic} is not 2`);
  const size = batchSize(buf);
  if (size < BATCH_HEADER.size) throw corrupt(`record batch size ${size} is below the ${BATCH_HEADER.size}-byte header`);
  if (size > buf.length) throw corrupt(`record batch of ${size} bytes is truncated to ${buf.length}`);
  const crc = buf.readUInt32BE(BATCH_HEADER.crc);
  if (options.verifyCrc !== false && computeBatchCrc(buf) !== crc) {
    throw corrupt(`record batch CRC mismatch (stored ${crc}, computed ${computeBatchCrc(buf)})`);
  }

  const attributes = buf.readInt16BE(BATCH_HEADER.attributes);
  const compression = (attributes & ATTR_COMPRESSION_MASK) as Compression;
  const timestampType: TimestampType = attributes & ATTR_TIMESTAMP_LOG_APPEND ? 'LogAppendTime' : 'CreateTime';
  const baseOffset = buf.readBigInt64BE(BATCH_HEADER.baseOffset);
  const baseTimestamp = buf.readBigInt64BE(BATCH_HEADER.baseTimestamp);
  const maxTimestamp = buf.readBigInt64BE(BATCH_HEADER.maxTimestamp);
  const lastOffsetDelta = buf.readInt32BE(BATCH_HEADER.lastOffsetDelta);
  const recordsCount = buf.readInt32BE(BATCH_HEADER.recordsCount);
  if (recordsCount < 0) throw invalidRecord(`negative record count ${recordsCount}`);

  const section = buf.subarray(BATCH_HEADER.size, size);
  const plain = compression === Compression.None ? section : decompress(compression, section, options.maxDecompressedBytes);
  const records: DecodedRecord[] = [];
  let at = 0;
  for (let i = 0; i < recordsCount; i++) {
    if (at >= plain.length) throw invalidRecord(`batch declares ${recordsCount} records but holds ${i}`);
    const { value: body, next } = readRecord(plain, at);
    at = next;
    records.push({
      offset: baseOffset + BigInt(body.offsetDelta),
      timestamp: timestampType === 'LogAppendTime' ? maxTimestamp : baseTimestamp + body.timestampDelta,
      ...body,
    });
  }
  if (at !== plain.length) throw invalidRecord(`${plain.length - at} bytes remain after the batch's ${recordsCount} records`);

  return {
    baseOffset,
    batchLength: size - BATCH_LOG_OVERHEAD,
    sizeInBytes: size,
    partitionLeaderEpoch: buf.readInt32BE(BATCH_HEADER.partitionLeaderEpoch),
    magic,
    crc,
    attributes,
    compression,
    timestampType,
    transactional: (attributes & ATTR_TRANSACTIONAL) !== 0,
    control: (attributes & ATTR_CONTROL) !== 0,
    hasDeleteHorizon: (attributes & ATTR_DELETE_HORIZON) !== 0,
    lastOffsetDelta,
    lastOffset: baseOffset + BigInt(lastOffsetDelta),
    baseTimestamp,
    maxTimestamp,
    producerId: buf.readBigInt64BE(BATCH_HEADER.producerId),
    producerEpoch: buf.readInt16BE(BATCH_HEADER.producerEpoch),
    baseSequence: buf.readInt32BE(BATCH_HEADER.baseSequence),
    recordsCount,
    records,
  };
}

export interface DecodedRecords {
  batches: DecodedBatch[];
  /** bytes of a partial last batch that were left undecoded */
  truncatedBytes: number;
}

/**
 * Decodes every v2 batch of a fetched `records` field, ignoring a partial last batch the way a consumer does.
 * Legacy entries (magic 0/1) are refused: read those with readLegacyMessageSet.
 */
export function decodeRecordBatches(records: Buffer, options: DecodeOptions = {}): DecodedRecords {
  const scan = scanFetchedRecords(records);
  const batches = scan.batches.map((slice) => {
    if (slice.magic !== 2) throw corrupt(`entry at position ${slice.offset} has magic ${slice.magic}, not a v2 batch`);
    return decodeRecordBatch(records.subarray(slice.offset, slice.offset + slice.size), options);
  });
  return { batches, truncatedBytes: scan.truncatedBytes };
}
