// Just enough record decoding to answer timestamp queries at record precision: walks the records of a v2 batch
// reading only each record's length, timestamp delta and offset delta. A compressed batch is inflated first, as
// Kafka's FileRecords.searchForTimestamp and RecordBatch.offsetOfMaxTimestamp iterate its records: ListOffsets by
// timestamp is rare enough to pay for that, and the answer is the record, not the batch. LogAppendTime batches
// need no walk: every record's timestamp is the batch's maxTimestamp.
import { withPlainRecords } from '../codecs/records/batch-recompress';
import {
  BATCH_HEADER,
  ATTR_TIMESTAMP_LOG_APPEND,
  batchAttributes,
  batchBaseOffset,
  batchBaseTimestamp,
  batchCompression,
  batchMaxTimestamp,
  batchRecordsCount,
  batchSize,
  Compression,
} from '../codecs/records/batch-header';

export interface OffsetAndTimestamp {
  offset: bigint;
  timestamp: bigint;
}

interface Cursor {
  at: number;
}

/** Zig-zag varlong as records encode their fields; throws on a value running past `end`. */
function readZigZag(buf: Buffer, cur: Cursor, end: number): bigint {
  let raw = 0n;
  let shift = 0n;
  for (;;) {
    if (cur.at >= end || shift > 63n) throw new RangeError('malformed varint in record');
    const byte = buf[cur.at++];
    raw |= BigInt(byte & 0x7f) << shift;
    if ((byte & 0x80) === 0) break;
    shift += 7n;
  }
  return (raw >> 1n) ^ -(raw & 1n);
}

function recordTimestampsAreExact(batch: Buffer): boolean {
  return (batchAttributes(batch) & ATTR_TIMESTAMP_LOG_APPEND) === 0;
}

/** The batch with its records readable in place: compressed ones are inflated (a corrupt one throws). */
function readable(batch: Buffer): Buffer {
  return batchCompression(batch) === Compression.None ? batch : withPlainRecords(batch);
}

/** Calls `visit` with each record's offset and timestamp until it returns true; returns that record. */
function walkRecords(batch: Buffer, visit: (r: OffsetAndTimestamp) => boolean): OffsetAndTimestamp | null {
  const end = batchSize(batch);
  const base = batchBaseOffset(batch);
  const baseTs = batchBaseTimestamp(batch);
  const count = batchRecordsCount(batch);
  const cur: Cursor = { at: BATCH_HEADER.size };
  for (let i = 0; i < count && cur.at < end; i++) {
    const length = Number(readZigZag(batch, cur, end));
    const bodyStart = cur.at;
    cur.at++; // record attributes, unused
    const timestamp = baseTs + readZigZag(batch, cur, end);
    const offset = base + readZigZag(batch, cur, end);
    const rec = { offset, timestamp };
    if (visit(rec)) return rec;
    cur.at = bodyStart + length;
  }
  return null;
}

/** First record at or after `minOffset` whose timestamp is at least `target`, or null if the batch has none. */
export function firstRecordAtOrAfter(batch: Buffer, target: bigint, minOffset: bigint): OffsetAndTimestamp | null {
  const maxTs = batchMaxTimestamp(batch);
  if (maxTs < target) return null;
  if (recordTimestampsAreExact(batch)) {
    try {
      return walkRecords(readable(batch), (r) => r.offset >= minOffset && r.timestamp >= target);
    } catch {
      // Unreadable records: fall through to the batch-level answer.
    }
  }
  const base = batchBaseOffset(batch);
  return { offset: base > minOffset ? base : minOffset, timestamp: maxTs };
}

/** The record carrying the batch's max timestamp (the first such record). */
export function recordWithMaxTimestamp(batch: Buffer): OffsetAndTimestamp {
  const maxTs = batchMaxTimestamp(batch);
  if (recordTimestampsAreExact(batch)) {
    try {
      const hit = walkRecords(readable(batch), (r) => r.timestamp === maxTs);
      if (hit !== null) return hit;
    } catch {
      // Unreadable records: fall through to the batch-level answer.
    }
  }
  return { offset: batchBaseOffset(batch), timestamp: maxTs };
}
