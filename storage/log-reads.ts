// Reads of one partition's log: the tail cache first, else the segment holding the offset (binary search), its
// position through the sparse index or where the reader's previous read ended, then one read of up to maxBytes,
// cut to whole batches. Also the lookups by timestamp (ListOffsets).
import { BATCH_HEADER, BATCH_MIN_SIZE, batchLastOffset, batchLastOffsetDelta, batchSize } from '../codecs/records/batch-header';
import { OffsetOutOfRangeError } from './errors';
import { LogSegment } from './segment';
import { freshReadBuffers, ReadBufferSource } from './read-buffers';
import { ReadHints } from './read-hints';
import { firstRecordAtOrAfter, recordWithMaxTimestamp } from './record-scan';
import { LocalLog } from './local-log';
import { floorSegmentIndex } from './offset-search';

export interface ReadResult {
  batches: Buffer[];
  bytes: number;
  highWatermark: bigint;
  logStartOffset: bigint;
}

export interface ReadOptions {
  /** Offsets at or above this are not returned (the high watermark, or the last stable offset). */
  maxOffset?: bigint;
  /** Return the first batch even when it is larger than `maxBytes`, so a consumer can always progress. */
  minOneBatch?: boolean;
  /** Where disk reads get their buffers; the batches returned are views of them. */
  buffers?: ReadBufferSource;
}

interface DiskRead {
  fetchOffset: bigint;
  maxBytes: number;
  maxOffset: bigint;
  minOneBatch: boolean;
  buffers: ReadBufferSource;
}

/** Where a disk read starts: a batch found through the index (size known) or a read hint (position only). */
interface BatchStart {
  position: number;
  size?: number;
  lastOffset?: bigint;
}

/**
 * One disk read never allocates more than this (besides a single larger first batch): a client asking for 2 GiB
 * gets what fits here and fetches again, as Kafka may also return less than asked.
 */
const MAX_DISK_READ_BYTES = 16 * 1024 * 1024;

export class LogReader {
  /** Where sequential readers continue: a consumer's next fetch starts where its last read ended. */
  private readonly hints = new ReadHints();

  constructor(private readonly log: LocalLog) {}

  /**
   * Whole batches from the one holding `fetchOffset` on, at most `maxBytes` (one larger first batch with
   * `minOneBatch`), none reaching `maxOffset`. Disk reads land in buffers from `buffers` (fresh ones by default).
   */
  read(fetchOffset: bigint, maxBytes: number, opts: ReadOptions = {}): Promise<ReadResult> {
    try {
      const now = this.readNow(fetchOffset, maxBytes, opts);
      if (now !== null) return Promise.resolve(now);
    } catch (err) {
      return Promise.reject(err);
    }
    return this.readDisk(fetchOffset, maxBytes, opts);
  }

  /**
   * The same read when it needs no disk (nothing new, or batches the tail cache holds), without a promise: a
   * consumer keeping up reads this way at the produce rate. Null when the batches must come from disk; throws
   * OffsetOutOfRangeError as `read` rejects with it.
   */
  readNow(fetchOffset: bigint, maxBytes: number, opts: ReadOptions = {}): ReadResult | null {
    const highWatermark = this.log.highWatermark;
    const logStartOffset = this.log.startOffset;
    const logEnd = this.log.logEndOffset;
    if (fetchOffset < logStartOffset || fetchOffset > logEnd) {
      throw new OffsetOutOfRangeError(`Offset ${fetchOffset} is out of range for ${this.log.name} [${logStartOffset}, ${logEnd}]`);
    }
    const maxOffset = opts.maxOffset === undefined || opts.maxOffset > highWatermark ? highWatermark : opts.maxOffset;
    if (fetchOffset >= maxOffset) {
      this.log.tail.readerAtEnd();
      return readResult([], highWatermark, logStartOffset);
    }
    const cached = this.log.tail.read(fetchOffset, maxBytes, maxOffset, opts.minOneBatch ?? false);
    return cached === null ? null : readResult(this.pinned(cached, opts.buffers), highWatermark, logStartOffset);
  }

  /** `read` once the tail cache could not answer: the batches come from the segment files. */
  private async readDisk(fetchOffset: bigint, maxBytes: number, opts: ReadOptions): Promise<ReadResult> {
    const highWatermark = this.log.highWatermark;
    const logStartOffset = this.log.startOffset;
    const maxOffset = opts.maxOffset === undefined || opts.maxOffset > highWatermark ? highWatermark : opts.maxOffset;
    const minOneBatch = opts.minOneBatch ?? false;
    const request: DiskRead = { fetchOffset, maxBytes, maxOffset, minOneBatch, buffers: opts.buffers ?? freshReadBuffers };
    const batches = await this.readFromDisk(request);
    // A reader catching up from disk: what is appended meanwhile is cached for when it gets there.
    this.log.tail.readerAtEnd();
    return readResult(batches, highWatermark, logStartOffset);
  }

  /**
   * Makes the tail cache's views of pooled request frames safe to keep: each holds a reference to its frame until
   * the reader's buffers are released, or is copied when the reader cannot say when that is. Without this an
   * eviction during the response's write could hand the frame to a new request while the socket still sends it.
   */
  private pinned(views: Buffer[], buffers: ReadBufferSource | undefined): Buffer[] {
    const frames = this.log.deps.tailBudget.frames;
    if (frames === null) return views;
    for (let i = 0; i < views.length; i++) {
      const view = views[i];
      if (!frames.retain(view)) continue;
      if (buffers?.hold !== undefined) {
        buffers.hold(() => frames.release(view));
        continue;
      }
      views[i] = Buffer.from(view);
      frames.release(view);
    }
    return views;
  }

  private async readFromDisk(request: DiskRead): Promise<Buffer[]> {
    for (let attempt = 0; ; attempt++) {
      if (this.log.swapping !== null) await this.log.swapping;
      const segments = this.log.segments;
      try {
        return await this.readSegments(segments, request);
      } catch (err) {
        // A compaction swap retired the segment under the read: the same offsets are in the cleaned one.
        const swapped = segments !== this.log.segments || this.log.swapping !== null;
        if (!swapped || attempt >= 3 || request.fetchOffset < this.log.startOffset) throw err;
      }
    }
  }

  private async readSegments(segments: readonly LogSegment[], request: DiskRead): Promise<Buffer[]> {
    const { fetchOffset } = request;
    for (let i = floorSegmentIndex(segments, fetchOffset); i >= 0 && i < segments.length; i++) {
      const seg = segments[i];
      try {
        const hinted = this.hints.take(fetchOffset, seg);
        const start = hinted ?? (await seg.locateOffset(fetchOffset, seg.size));
        if (start === null) continue;
        const batches = await this.readBatchesAt(seg, start, request);
        const last = batches.length > 0 ? batches[batches.length - 1] : undefined;
        if (last !== undefined) {
          const end = start.position + batches.reduce((n, b) => n + b.length, 0);
          this.hints.remember(batchLastOffset(last) + 1n, seg, end);
        }
        return batches;
      } catch (err) {
        if (seg.isDeleted) throw new OffsetOutOfRangeError(`Offset ${fetchOffset} was deleted from ${this.log.name}`);
        throw err;
      }
    }
    return [];
  }

  /**
   * Reads from the batch at `start` on. With a known first batch (index walk) its size decides the length up front;
   * from a read hint only the position is known, so a first batch larger than the read costs a second read.
   */
  private async readBatchesAt(seg: LogSegment, start: BatchStart, request: DiskRead): Promise<Buffer[]> {
    const { maxBytes, maxOffset, minOneBatch, buffers } = request;
    if (start.lastOffset !== undefined && start.lastOffset >= maxOffset) return [];
    const available = seg.size - start.position;
    let length = Math.min(maxBytes, MAX_DISK_READ_BYTES, available);
    if (start.size !== undefined && length < start.size) {
      if (!minOneBatch) return [];
      length = start.size;
    }
    if (length < BATCH_HEADER.size) {
      if (available < BATCH_HEADER.size || !minOneBatch) return [];
      length = Math.min(available, BATCH_HEADER.size);
    }
    const bytes = await seg.readBytes(start.position, length, buffers);
    const batches = splitBatches(bytes, maxOffset);
    if (batches.length > 0 || !minOneBatch || bytes.length < BATCH_HEADER.size) return batches;
    // Nothing whole fit: the first batch is larger than the read. Read it alone, as Kafka returns one batch anyway.
    const size = batchSize(bytes, 0);
    const lastOffset = bytes.readBigInt64BE(0) + BigInt(batchLastOffsetDelta(bytes, 0));
    if (lastOffset >= maxOffset || size <= bytes.length || size > available) return [];
    return splitBatches(await seg.readBytes(start.position, size, buffers), maxOffset);
  }

  /** First offset whose record timestamp is at least `timestamp` (time index, then a header scan). */
  async offsetForTimestamp(timestamp: bigint): Promise<{ offset: bigint; timestamp: bigint } | null> {
    const segs = this.log.segments;
    for (let i = 0; i < segs.length; i++) {
      const seg = segs[i];
      const end = i + 1 < segs.length ? segs[i + 1].baseOffset : this.log.logEndOffset;
      if (end <= this.log.startOffset || seg.size === 0) continue;
      if ((await seg.largestTimestamp()).timestamp < timestamp) continue;
      let candidate = await seg.locateTimestamp(timestamp, seg.size);
      while (candidate !== null) {
        const batch = await seg.readBytes(candidate.position, candidate.size);
        const hit = firstRecordAtOrAfter(batch, timestamp, this.log.startOffset);
        if (hit !== null) return hit;
        // Only records below the log start reached the timestamp; look further on.
        candidate = await seg.locateTimestamp(timestamp, seg.size, candidate.position + candidate.size);
      }
    }
    return null;
  }

  /** Offset and timestamp of the record with the largest timestamp (ListOffsets MAX_TIMESTAMP). */
  async maxTimestampAndOffset(): Promise<{ offset: bigint; timestamp: bigint } | null> {
    let best: { seg: LogSegment; timestamp: bigint; offset: bigint } | null = null;
    for (const seg of this.log.segments) {
      if (seg.size === 0) continue;
      const largest = await seg.largestTimestamp();
      if (largest.timestamp >= 0n && (best === null || largest.timestamp > best.timestamp)) best = { seg, ...largest };
    }
    if (best === null) return null;
    const located = await best.seg.locateOffset(best.offset, best.seg.size);
    if (located === null) return { offset: best.offset, timestamp: best.timestamp };
    return recordWithMaxTimestamp(await best.seg.readBytes(located.position, located.size));
  }
}

/** Whole batches from a read buffer, stopping at an incomplete one or one reaching `maxOffset`. */
function splitBatches(bytes: Buffer, maxOffset: bigint): Buffer[] {
  const out: Buffer[] = [];
  let at = 0;
  while (at + BATCH_HEADER.size <= bytes.length) {
    const size = batchSize(bytes, at);
    if (size < BATCH_MIN_SIZE || at + size > bytes.length) break;
    const last = bytes.readBigInt64BE(at) + BigInt(batchLastOffsetDelta(bytes, at));
    if (last >= maxOffset) break;
    out.push(bytes.subarray(at, at + size));
    at += size;
  }
  return out;
}

function readResult(batches: Buffer[], highWatermark: bigint, logStartOffset: bigint): ReadResult {
  let bytes = 0;
  for (let i = 0; i < batches.length; i++) bytes += batches[i].length;
  return { batches, bytes, highWatermark, logStartOffset };
}
