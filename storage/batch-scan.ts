// Walks the batches of a segment file through their headers only. Recovery uses the validating form (size,
// magic, CRC, offset order) to find where intact data ends; reads and index rebuilds use the same walk.
import {
  BATCH_HEADER,
  BATCH_LOG_OVERHEAD,
  BATCH_MIN_SIZE,
  batchBaseOffset,
  batchLastOffsetDelta,
  batchMagic,
  batchMaxTimestamp,
  batchSize,
  isBatchCrcValid,
} from '../codecs/records/batch-header';
import { readAt, SegmentFile } from './fd-pool';

const SCAN_CHUNK_BYTES = 1 << 20;

export interface ScannedBatch {
  position: number;
  size: number;
  baseOffset: bigint;
  lastOffset: bigint;
  maxTimestamp: bigint;
}

export interface ScanOutcome {
  /** Bytes from the file start that hold intact batches; everything after is to be cut. */
  validBytes: number;
  /** Why the scan stopped before the end of the file, or null when the whole file is intact. */
  problem: string | null;
}

/**
 * Reads the file batch by batch from position 0 to `fileSize`, calling `onBatch` for each intact batch.
 * With `verify`, checks magic and CRC as well as framing; offsets must start at or above `minBaseOffset` and grow.
 */
export async function scanSegmentFile(
  handle: SegmentFile,
  fileSize: number,
  minBaseOffset: bigint,
  verify: boolean,
  onBatch: (batch: ScannedBatch) => void,
): Promise<ScanOutcome> {
  let chunk: Buffer = Buffer.alloc(0);
  let chunkStart = 0;
  let pos = 0;
  let nextMin = minBaseOffset;
  while (pos < fileSize) {
    const remaining = fileSize - pos;
    if (remaining < BATCH_LOG_OVERHEAD) return { validBytes: pos, problem: `${remaining} trailing bytes, too few for a batch header` };
    if (pos + BATCH_HEADER.size > chunkStart + chunk.length) {
      chunkStart = pos;
      chunk = await readAt(handle, pos, Math.min(SCAN_CHUNK_BYTES, remaining));
    }
    let at = pos - chunkStart;
    if (chunk.length - at < BATCH_LOG_OVERHEAD) return { validBytes: pos, problem: 'file shorter than its reported size' };
    const size = batchSize(chunk, at);
    if (size < BATCH_MIN_SIZE) return { validBytes: pos, problem: `batch length ${size - BATCH_LOG_OVERHEAD} below the minimum` };
    if (size > remaining) return { validBytes: pos, problem: `torn batch: ${size} bytes announced, ${remaining} present` };
    if (at + size > chunk.length) {
      chunkStart = pos;
      chunk = await readAt(handle, pos, Math.min(Math.max(SCAN_CHUNK_BYTES, size), remaining));
      at = 0;
      if (chunk.length < size) return { validBytes: pos, problem: 'file shorter than its reported size' };
    }
    if (verify) {
      const magic = batchMagic(chunk, at);
      if (magic !== 2) return { validBytes: pos, problem: `unsupported magic ${magic}` };
      if (!isBatchCrcValid(chunk, at)) return { validBytes: pos, problem: 'CRC mismatch' };
    }
    const baseOffset = batchBaseOffset(chunk, at);
    const delta = batchLastOffsetDelta(chunk, at);
    if (baseOffset < nextMin || delta < 0) {
      return { validBytes: pos, problem: `offset ${baseOffset} out of order (expected at least ${nextMin})` };
    }
    const lastOffset = baseOffset + BigInt(delta);
    onBatch({ position: pos, size, baseOffset, lastOffset, maxTimestamp: batchMaxTimestamp(chunk, at) });
    nextMin = lastOffset + 1n;
    pos += size;
  }
  return { validBytes: pos, problem: null };
}

export interface BatchHeaderAt {
  position: number;
  size: number;
  baseOffset: bigint;
  lastOffset: bigint;
  maxTimestamp: bigint;
}

const HEADER_SCAN_BLOCK = 16 * 1024;

/**
 * Walks headers from `from` until `limit`, returning the first batch `accept` says yes to, or null.
 * Reads in small blocks so a scan over a few index intervals costs one or two reads.
 */
export async function findBatch(handle: SegmentFile, from: number, limit: number, accept: (header: BatchHeaderAt) => boolean): Promise<BatchHeaderAt | null> {
  let block: Buffer = Buffer.alloc(0);
  let blockStart = from;
  let pos = from;
  while (pos + BATCH_HEADER.size <= limit) {
    if (pos + BATCH_HEADER.size > blockStart + block.length) {
      blockStart = pos;
      block = await readAt(handle, pos, Math.min(HEADER_SCAN_BLOCK, limit - pos));
      if (block.length < BATCH_HEADER.size) return null;
    }
    const at = pos - blockStart;
    const size = batchSize(block, at);
    if (size < BATCH_MIN_SIZE) return null;
    const baseOffset = batchBaseOffset(block, at);
    const header: BatchHeaderAt = {
      position: pos,
      size,
      baseOffset,
      lastOffset: baseOffset + BigInt(batchLastOffsetDelta(block, at)),
      maxTimestamp: batchMaxTimestamp(block, at),
    };
    if (accept(header)) return header;
    pos += size;
  }
  return null;
}
