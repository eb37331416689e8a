// Access to a RecordBatch v2 header in place, without decoding the records. The broker's produce and fetch paths
// and the storage engine use only these functions, so batches stay as bytes from socket to disk to socket.
import { crc32c } from './crc';
import { readInt64BE, writeInt64BE } from '../primitives/int64';

export const BATCH_HEADER = {
  baseOffset: 0,
  batchLength: 8,
  partitionLeaderEpoch: 12,
  magic: 16,
  crc: 17,
  attributes: 21,
  lastOffsetDelta: 23,
  baseTimestamp: 27,
  maxTimestamp: 35,
  producerId: 43,
  producerEpoch: 51,
  baseSequence: 53,
  recordsCount: 57,
  size: 61,
} as const;

/** Bytes before batchLength's coverage starts: baseOffset (8) + batchLength (4). */
export const BATCH_LOG_OVERHEAD = 12;
/** Smallest valid v2 batch: the fixed header with no records. */
export const BATCH_MIN_SIZE = BATCH_HEADER.size;

export const enum Compression {
  None = 0,
  Gzip = 1,
  Snappy = 2,
  Lz4 = 3,
  Zstd = 4,
}

export const ATTR_COMPRESSION_MASK = 0x07;
export const ATTR_TIMESTAMP_LOG_APPEND = 0x08;
export const ATTR_TRANSACTIONAL = 0x10;
export const ATTR_CONTROL = 0x20;
export const ATTR_DELETE_HORIZON = 0x40;

// One reader per field width; each exported accessor below binds a header offset. The accessors take the batch's
// start (`at`) so callers can walk a buffer of several batches without slicing it.
type HeaderRead<T> = (buf: Buffer, at?: number) => T;
const int8Field =
  (field: number): HeaderRead<number> =>
  (buf, at = 0) =>
    buf.readInt8(at + field);
const int16Field =
  (field: number): HeaderRead<number> =>
  (buf, at = 0) =>
    buf.readInt16BE(at + field);
const int32Field =
  (field: number): HeaderRead<number> =>
  (buf, at = 0) =>
    buf.readInt32BE(at + field);
const uint32Field =
  (field: number): HeaderRead<number> =>
  (buf, at = 0) =>
    buf.readUInt32BE(at + field);
const int64Field =
  (field: number): HeaderRead<bigint> =>
  (buf, at = 0) =>
    readInt64BE(buf, at + field);

export const batchBaseOffset = int64Field(BATCH_HEADER.baseOffset);
export const batchLength = int32Field(BATCH_HEADER.batchLength);
/** Total bytes of the batch starting at `at`, header included. */
export function batchSize(buf: Buffer, at = 0): number {
  return batchLength(buf, at) + BATCH_LOG_OVERHEAD;
}
export const batchPartitionLeaderEpoch = int32Field(BATCH_HEADER.partitionLeaderEpoch);
export const batchMagic = int8Field(BATCH_HEADER.magic);
export const batchCrc = uint32Field(BATCH_HEADER.crc);
export const batchAttributes = int16Field(BATCH_HEADER.attributes);
export function batchCompression(buf: Buffer, at = 0): Compression {
  return batchAttributes(buf, at) & ATTR_COMPRESSION_MASK;
}
export function batchIsTransactional(buf: Buffer, at = 0): boolean {
  return (batchAttributes(buf, at) & ATTR_TRANSACTIONAL) !== 0;
}
export function batchIsControl(buf: Buffer, at = 0): boolean {
  return (batchAttributes(buf, at) & ATTR_CONTROL) !== 0;
}
export const batchLastOffsetDelta = int32Field(BATCH_HEADER.lastOffsetDelta);
export function batchLastOffset(buf: Buffer, at = 0): bigint {
  return batchBaseOffset(buf, at) + BigInt(batchLastOffsetDelta(buf, at));
}
export const batchBaseTimestamp = int64Field(BATCH_HEADER.baseTimestamp);
export const batchMaxTimestamp = int64Field(BATCH_HEADER.maxTimestamp);
export const batchProducerId = int64Field(BATCH_HEADER.producerId);
export const batchProducerEpoch = int16Field(BATCH_HEADER.producerEpoch);
export const batchBaseSequence = int32Field(BATCH_HEADER.baseSequence);
export const batchRecordsCount = int32Field(BATCH_HEADER.recordsCount);

export function setBatchBaseOffset(buf: Buffer, offset: bigint, at = 0): void {
  writeInt64BE(buf, offset, at + BATCH_HEADER.baseOffset);
}
/** partitionLeaderEpoch is outside the CRC's range, so patching it needs no CRC update. */
export function setBatchPartitionLeaderEpoch(buf: Buffer, epoch: number, at = 0): void {
  buf.writeInt32BE(epoch, at + BATCH_HEADER.partitionLeaderEpoch);
}

/** CRC-32C over attributes..end of batch, as stored in the header's crc field. */
export function computeBatchCrc(buf: Buffer, at = 0): number {
  const end = at + batchSize(buf, at);
  return crc32c(buf.subarray(at + BATCH_HEADER.attributes, end));
}
export function isBatchCrcValid(buf: Buffer, at = 0): boolean {
  return computeBatchCrc(buf, at) === batchCrc(buf, at);
}
export function updateBatchCrc(buf: Buffer, at = 0): void {
  buf.writeUInt32BE(computeBatchCrc(buf, at), at + BATCH_HEADER.crc);
}

/**
 * Stamps LogAppendTime the way Kafka does: the timestamp-type bit and maxTimestamp change, the records stay
 * untouched (readers take every record's timestamp from maxTimestamp), and the CRC is recomputed.
 */
export function setBatchLogAppendTime(buf: Buffer, timestamp: bigint, at = 0): void {
  const attrs = batchAttributes(buf, at);
  buf.writeInt16BE(attrs | ATTR_TIMESTAMP_LOG_APPEND, at + BATCH_HEADER.attributes);
  writeInt64BE(buf, timestamp, at + BATCH_HEADER.maxTimestamp);
  updateBatchCrc(buf, at);
}
