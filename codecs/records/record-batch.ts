// RecordBatch v2 encoding and decoding of the records inside a batch. The broker's hot paths never call this
// (they use batch-header.ts); it serves tests, tools, compaction and legacy conversion.
import { BATCH_HEADER, BATCH_LOG_OVERHEAD, Compression, ATTR_CONTROL, ATTR_TRANSACTIONAL, updateBatchCrc } from './batch-header';
import { varintSize, varlongSize, writeVarint, writeVarlong } from '../primitives/varint';

export interface RecordHeader {
  key: string;
  value: Buffer | null;
}

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
  records: RecordInput[];
}

function encodedRecordBody(record: RecordInput, offsetDelta: number, timestampDelta: bigint): Buffer {
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

/** Encodes an uncompressed RecordBatch v2 with a correct CRC. */
export function encodeRecordBatch(input: BatchInput): Buffer {
  const baseTimestamp = input.baseTimestamp ?? input.records[0]?.timestamp ?? BigInt(Date.now());
  let maxTimestamp = baseTimestamp;
  const bodies = input.records.map((r, i) => {
    const ts = r.timestamp ?? baseTimestamp;
    if (ts > maxTimestamp) maxTimestamp = ts;
    return encodedRecordBody(r, i, ts - baseTimestamp);
  });
  const recordsSize = bodies.reduce((n, b) => n + b.length, 0);
  const total = BATCH_HEADER.size + recordsSize;
  const buf = Buffer.alloc(total);
  buf.writeBigInt64BE(input.baseOffset ?? 0n, BATCH_HEADER.baseOffset);
  buf.writeInt32BE(total - BATCH_LOG_OVERHEAD, BATCH_HEADER.batchLength);
  buf.writeInt32BE(input.partitionLeaderEpoch ?? -1, BATCH_HEADER.partitionLeaderEpoch);
  buf.writeInt8(2, BATCH_HEADER.magic);
  let attributes: number = Compression.None;
  if (input.transactional) attributes |= ATTR_TRANSACTIONAL;
  if (input.control) attributes |= ATTR_CONTROL;
  buf.writeInt16BE(attributes, BATCH_HEADER.attributes);
  buf.writeInt32BE(Math.max(0, input.records.length - 1), BATCH_HEADER.lastOffsetDelta);
  buf.writeBigInt64BE(baseTimestamp, BATCH_HEADER.baseTimestamp);
  buf.writeBigInt64BE(maxTimestamp, BATCH_HEADER.maxTimestamp);
  buf.writeBigInt64BE(input.producerId ?? -1n, BATCH_HEADER.producerId);
  buf.writeInt16BE(input.producerEpoch ?? -1, BATCH_HEADER.producerEpoch);
  buf.writeInt32BE(input.baseSequence ?? -1, BATCH_HEADER.baseSequence);
  buf.writeInt32BE(input.records.length, BATCH_HEADER.recordsCount);
  let at = BATCH_HEADER.size;
  for (const b of bodies) {
    b.copy(buf, at);
    at += b.length;
  }
  updateBatchCrc(buf);
  return buf;
}
