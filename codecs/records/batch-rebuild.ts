// Rewrites a stored v2 batch with fewer records (log compaction). Kafka keeps a filtered batch's base offset, last
// offset, producer fields and sequence, so offsets and idempotent state read the same after cleaning; only the
// records section, the record count, the timestamps and (KIP-534) the delete horizon change.
import { ATTR_COMPRESSION_MASK, ATTR_DELETE_HORIZON, BATCH_HEADER, BATCH_LOG_OVERHEAD, Compression, updateBatchCrc } from './batch-header';
import { compress } from './compression';
import { DecodedBatch, DecodedRecord, encodedRecordBody } from './record-batch';

/** Header fields a rebuilt batch takes from its original. */
export type BatchOrigin = Pick<
  DecodedBatch,
  | 'baseOffset'
  | 'partitionLeaderEpoch'
  | 'attributes'
  | 'compression'
  | 'timestampType'
  | 'lastOffsetDelta'
  | 'maxTimestamp'
  | 'producerId'
  | 'producerEpoch'
  | 'baseSequence'
>;

/**
 * Encodes `origin`'s header around `records` (a subset of its records, in order). With a delete horizon the
 * batch's base timestamp holds the horizon (attribute bit 6) and record timestamps are stored relative to it;
 * otherwise relative to the first retained record. An empty `records` gives Kafka's empty header-only batch.
 */
export function rebuildBatch(origin: BatchOrigin, records: readonly DecodedRecord[], deleteHorizonMs: bigint | null): Buffer {
  const logAppendTime = origin.timestampType === 'LogAppendTime';
  let baseTimestamp: bigint;
  if (deleteHorizonMs !== null) baseTimestamp = deleteHorizonMs;
  else if (records.length > 0 && !logAppendTime) baseTimestamp = records[0].timestamp;
  else baseTimestamp = origin.maxTimestamp;
  let maxTimestamp = logAppendTime || records.length === 0 ? origin.maxTimestamp : records[0].timestamp;
  const bodies = records.map((r) => {
    // LogAppendTime records keep their stored deltas: readers take the timestamp from the header anyway.
    const ts = logAppendTime ? baseTimestamp + r.timestampDelta : r.timestamp;
    if (!logAppendTime && ts > maxTimestamp) maxTimestamp = ts;
    return encodedRecordBody({ key: r.key, value: r.value, headers: r.headers }, Number(r.offset - origin.baseOffset), ts - baseTimestamp);
  });
  const plain = Buffer.concat(bodies);
  const section = origin.compression === Compression.None || records.length === 0 ? plain : compress(origin.compression, plain);
  const total = BATCH_HEADER.size + section.length;
  const buf = Buffer.alloc(total);
  buf.writeBigInt64BE(origin.baseOffset, BATCH_HEADER.baseOffset);
  buf.writeInt32BE(total - BATCH_LOG_OVERHEAD, BATCH_HEADER.batchLength);
  buf.writeInt32BE(origin.partitionLeaderEpoch, BATCH_HEADER.partitionLeaderEpoch);
  buf.writeInt8(2, BATCH_HEADER.magic);
  let attributes = origin.attributes & ~ATTR_DELETE_HORIZON;
  // Kafka writes an emptied batch's header uncompressed.
  if (records.length === 0) attributes &= ~ATTR_COMPRESSION_MASK;
  if (deleteHorizonMs !== null) attributes |= ATTR_DELETE_HORIZON;
  buf.writeInt16BE(attributes, BATCH_HEADER.attributes);
  buf.writeInt32BE(origin.lastOffsetDelta, BATCH_HEADER.lastOffsetDelta);
  buf.writeBigInt64BE(baseTimestamp, BATCH_HEADER.baseTimestamp);
  buf.writeBigInt64BE(maxTimestamp, BATCH_HEADER.maxTimestamp);
  buf.writeBigInt64BE(origin.producerId, BATCH_HEADER.producerId);
  buf.writeInt16BE(origin.producerEpoch, BATCH_HEADER.producerEpoch);
  buf.writeInt32BE(origin.baseSequence, BATCH_HEADER.baseSequence);
  buf.writeInt32BE(records.length, BATCH_HEADER.recordsCount);
  section.copy(buf, BATCH_HEADER.size);
  updateBatchCrc(buf);
  return buf;
}
