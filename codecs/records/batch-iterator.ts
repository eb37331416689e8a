// Splits a `records` field into its batches by reading only the offset+length prefix and the magic byte, which sit
// at the same place in RecordBatch v2 and in legacy message-set entries (magic 0/1). Nothing is copied: callers get
// positions into the Buffer they passed.
import { BATCH_HEADER, BATCH_LOG_OVERHEAD } from './batch-header';
import { corrupt } from './record-errors';

/** Smallest legacy v0 message after the size field (crc, magic, attributes, two null lengths); Kafka's lower bound. */
export const MIN_ENTRY_LENGTH = 14;
/** Bytes needed to see the magic byte of the next entry. */
const PREFIX_UP_TO_MAGIC = BATCH_HEADER.magic + 1;
const MAX_MAGIC = 2;

export interface BatchSlice {
  /** position of the batch's first byte (its baseOffset) in the scanned Buffer */
  offset: number;
  /** whole batch size in bytes, the 12-byte offset+length prefix included */
  size: number;
  magic: number;
}

export interface BatchScan {
  batches: BatchSlice[];
  /** bytes at the end that do not make a whole batch; 0 when the data ends on a batch boundary */
  truncatedBytes: number;
}

/**
 * Fetch side: a broker may cut the last batch short (it fills the response up to a byte limit), so a partial tail
 * is reported, not rejected. Impossible sizes or magic values are still corruption.
 */
export function scanFetchedRecords(records: Buffer): BatchScan {
  const batches: BatchSlice[] = [];
  let at = 0;
  while (at < records.length) {
    const size = nextEntrySize(records, at);
    if (size === null || at + size > records.length) break;
    batches.push({ offset: at, size, magic: records.readInt8(at + BATCH_HEADER.magic) });
    at += size;
  }
  return { batches, truncatedBytes: records.length - at };
}

/** Produce side: the client sent the whole data, so a partial tail means the request itself is damaged. */
export function scanProducedRecords(records: Buffer): BatchSlice[] {
  const scan = scanFetchedRecords(records);
  if (scan.truncatedBytes > 0) {
    const start = records.length - scan.truncatedBytes;
    throw corrupt(`truncated record batch: ${scan.truncatedBytes} bytes at position ${start} do not form a whole batch`);
  }
  return scan.batches;
}

/** Size of the entry at `at`, or null when too few bytes remain to know it. */
function nextEntrySize(records: Buffer, at: number): number | null {
  const remaining = records.length - at;
  if (remaining < BATCH_LOG_OVERHEAD) return null;
  const length = records.readInt32BE(at + BATCH_HEADER.batchLength);
  if (length < MIN_ENTRY_LENGTH) {
    throw corrupt(`record batch length ${length} at position ${at} is below the minimum of ${MIN_ENTRY_LENGTH}`);
  }
  if (remaining < PREFIX_UP_TO_MAGIC) return null;
  const magic = records.readInt8(at + BATCH_HEADER.magic);
  if (magic < 0 || magic > MAX_MAGIC) throw corrupt(`invalid magic ${magic} in record batch at position ${at}`);
  return length + BATCH_LOG_OVERHEAD;
}
