// Reads records of one partition for the console, as a Fetch reads them (through the partition log, whole batches,
// never past the high watermark), decoding each batch with codecs/records (compressed ones decompressed). A read
// stops as soon as it has what was asked or has scanned its bound, so a page never loads more than it shows.
import type { PartitionLog } from '../../../storage';
import { decodeRecordBatch, type DecodedBatch, type DecodedRecord } from '../../../codecs/records/record-batch';

/** Bytes asked of the log per read: a few batches at a time. */
const READ_CHUNK_BYTES = 1024 * 1024;

export interface ScannedRecord {
  readonly batch: DecodedBatch;
  readonly record: DecodedRecord;
}

export interface ScanResult {
  readonly records: ScannedRecord[];
  /** The offset after the last record looked at (the next read starts there). */
  readonly nextOffset: bigint;
  /** Records looked at, matching or not. */
  readonly scanned: number;
}

export interface ScanBounds {
  /** Stop once this many records matched. */
  readonly maxMatches: number;
  /** Stop once this many records were looked at. */
  readonly maxScanned: number;
  /** Never read at or past this offset (at most the high watermark). */
  readonly endOffset?: bigint;
}

/** Records from `from` on that `matches` accepts, within the bounds. */
export async function scanPartition(
  log: PartitionLog,
  from: bigint,
  bounds: ScanBounds,
  matches: (r: DecodedRecord) => boolean = () => true,
): Promise<ScanResult> {
  const end = bounds.endOffset !== undefined && bounds.endOffset < log.highWatermark ? bounds.endOffset : log.highWatermark;
  const records: ScannedRecord[] = [];
  let position = from < log.logStartOffset ? log.logStartOffset : from;
  let scanned = 0;
  while (position < end && records.length < bounds.maxMatches && scanned < bounds.maxScanned) {
    const read = await log.read(position, READ_CHUNK_BYTES, { maxOffset: end, minOneBatch: true });
    if (read.batches.length === 0) break;
    for (const bytes of read.batches) {
      const batch = decodeRecordBatch(bytes, { verifyCrc: false });
      for (const record of batch.records) {
        if (record.offset < position || record.offset >= end) continue;
        if (records.length >= bounds.maxMatches || scanned >= bounds.maxScanned) return { records, nextOffset: position, scanned };
        scanned++;
        position = record.offset + 1n;
        if (matches(record)) records.push({ batch, record });
      }
      // A batch whose records were all removed by compaction still moves the position past it.
      if (batch.lastOffset + 1n > position) position = batch.lastOffset + 1n;
    }
  }
  return { records, nextOffset: position < end ? position : end, scanned };
}

/** The record at `offset`, or undefined when the log has none there (out of range, or compacted away). */
export async function recordAt(log: PartitionLog, offset: bigint): Promise<ScannedRecord | undefined> {
  if (offset < log.logStartOffset || offset >= log.highWatermark) return undefined;
  const found = await scanPartition(log, offset, { maxMatches: 1, maxScanned: 1, endOffset: offset + 1n });
  const first = found.records[0];
  return first !== undefined && first.record.offset === offset ? first : undefined;
}
