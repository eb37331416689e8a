// Writing a cleaned segment beside the live ones and swapping it in, crash-safely like Kafka: every file is
// written as `<name>.cleaned`, renamed to `<name>.swap` once complete (the log last), and renamed into place after
// the replaced segments are retired (again the log last). At open, `.cleaned` files are discarded and a `.log.swap`
// finishes its swap, so a crash at any step leaves either the old segments or the cleaned one.
import { promises as fsp } from 'fs';
import * as path from 'path';
import type { Logger } from './logger';
import { batchLastOffset, batchMaxTimestamp } from '../codecs/records/batch-header';
import { isNotFound } from './atomic-file';
import { scanSegmentFile } from './batch-scan';
import { CLEANED_SUFFIX, LOG_SUFFIX, SegmentPaths, SWAP_SUFFIX, parseSegmentFileName, segmentPaths } from './file-names';
import { OffsetIndex, OFFSET_INDEX_ENTRY_SIZE } from './offset-index';
import { TimeIndex, TIME_INDEX_ENTRY_SIZE } from './time-index';
import { maxIndexEntries } from './sparse-index';
import { AbortedTxn, encodeAbortedTxn } from './txn-index';
import type { IndexLimits } from './segment';

const WRITE_BUFFER_BYTES = 1 << 20;

/** Index files first, the log last: a `.log.swap` present means every other file of the swap is complete. */
export function swapOrder(paths: SegmentPaths): string[] {
  return [paths.index, paths.timeIndex, paths.txnIndex, paths.log];
}

/** Streams retained batches into `<base>.log.cleaned` and builds its indexes with the segment's indexing rule. */
export class CleanedSegmentWriter {
  readonly paths: SegmentPaths;
  private handle: fsp.FileHandle | null = null;
  private buffered: Buffer[] = [];
  private bufferedBytes = 0;
  private position = 0;
  private bytesSinceIndexEntry = 0;
  private maxTimestamp = -1n;
  private offsetOfMaxTimestamp = -1n;
  private readonly offsets: OffsetIndex;
  private readonly times: TimeIndex;

  constructor(
    dir: string,
    readonly baseOffset: bigint,
    private readonly limits: IndexLimits,
  ) {
    this.paths = segmentPaths(dir, baseOffset);
    this.offsets = new OffsetIndex(baseOffset, maxIndexEntries(limits.segmentIndexBytes, OFFSET_INDEX_ENTRY_SIZE));
    this.times = new TimeIndex(baseOffset, maxIndexEntries(limits.segmentIndexBytes, TIME_INDEX_ENTRY_SIZE));
  }

  get size(): number {
    return this.position;
  }

  async open(): Promise<void> {
    this.handle = await fsp.open(this.paths.log + CLEANED_SUFFIX, 'w');
  }

  async append(batch: Buffer): Promise<void> {
    const maxTs = batchMaxTimestamp(batch);
    if (maxTs > this.maxTimestamp) {
      this.maxTimestamp = maxTs;
      this.offsetOfMaxTimestamp = batchLastOffset(batch);
    }
    if (this.bytesSinceIndexEntry > this.limits.indexIntervalBytes) {
      this.offsets.append(batchLastOffset(batch), this.position);
      this.times.maybeAppend(this.maxTimestamp, this.offsetOfMaxTimestamp);
      this.bytesSinceIndexEntry = 0;
    }
    this.bytesSinceIndexEntry += batch.length;
    this.position += batch.length;
    this.buffered.push(batch);
    this.bufferedBytes += batch.length;
    if (this.bufferedBytes >= WRITE_BUFFER_BYTES) await this.flushBuffer();
  }

  /** Completes every `.cleaned` file (the log fsynced) and renames them to `.swap`, the log last. */
  async finish(aborted: readonly AbortedTxn[]): Promise<void> {
    await this.flushBuffer();
    const handle = this.requireHandle();
    await handle.sync();
    await handle.close();
    this.handle = null;
    this.times.maybeAppend(this.maxTimestamp, this.offsetOfMaxTimestamp, true);
    await fsp.writeFile(this.paths.index + CLEANED_SUFFIX, this.offsets.toBuffer());
    await fsp.writeFile(this.paths.timeIndex + CLEANED_SUFFIX, this.times.toBuffer());
    // Written even when empty: it must replace the old segment's `.txnindex` at the same name.
    await fsp.writeFile(this.paths.txnIndex + CLEANED_SUFFIX, Buffer.concat(aborted.map(encodeAbortedTxn)));
    for (const file of swapOrder(this.paths)) await fsp.rename(file + CLEANED_SUFFIX, file + SWAP_SUFFIX);
  }

  /** Removes whatever this writer left (cleaning abandoned). */
  async discard(): Promise<void> {
    if (this.handle !== null) await this.handle.close().catch(() => undefined);
    this.handle = null;
    for (const file of swapOrder(this.paths)) {
      await fsp.rm(file + CLEANED_SUFFIX, { force: true });
      await fsp.rm(file + SWAP_SUFFIX, { force: true });
    }
  }

  private async flushBuffer(): Promise<void> {
    if (this.bufferedBytes === 0) return;
    const chunk = Buffer.concat(this.buffered);
    this.buffered = [];
    this.bufferedBytes = 0;
    const handle = this.requireHandle();
    let done = 0;
    while (done < chunk.length) done += (await handle.write(chunk, done, chunk.length - done)).bytesWritten;
  }

  private requireHandle(): fsp.FileHandle {
    if (this.handle === null) throw new Error(`cleaned segment ${this.paths.log} is not open`);
    return this.handle;
  }
}

/** Renames a finished swap into place, the log last. */
export async function promoteSwap(paths: SegmentPaths): Promise<void> {
  for (const file of swapOrder(paths)) {
    try {
      await fsp.rename(file + SWAP_SUFFIX, file);
    } catch (err) {
      // Already renamed before a crash; the live file is the cleaned one.
      if (!isNotFound(err)) throw err;
    }
  }
}

/**
 * At open, before segments are listed: drops `.cleaned` files and swaps without their log, and completes every
 * swap whose `.log.swap` exists by removing the segments it replaced (those inside its offset range).
 */
export async function recoverInterruptedCleaning(dir: string, logger: Logger): Promise<void> {
  const names = await fsp.readdir(dir);
  const logSwaps = new Set<string>();
  for (const name of names) {
    if (name.endsWith(LOG_SUFFIX + SWAP_SUFFIX) && /^\d{20}\.log\.swap$/.test(name)) logSwaps.add(name.slice(0, 20));
  }
  for (const name of names) {
    if (name.endsWith(CLEANED_SUFFIX) || (name.endsWith(SWAP_SUFFIX) && !logSwaps.has(name.slice(0, 20)))) {
      logger.warn({ file: path.join(dir, name) }, 'removing file of an interrupted log cleaning');
      await fsp.rm(path.join(dir, name), { force: true });
    }
  }
  for (const stem of logSwaps) {
    const base = BigInt(stem);
    const paths = segmentPaths(dir, base);
    const last = await lastOffsetOf(paths.log + SWAP_SUFFIX);
    if (last !== null) {
      for (const name of names) {
        const other = parseSegmentFileName(name, LOG_SUFFIX);
        if (other === null || other <= base || other > last) continue;
        const replaced = segmentPaths(dir, other);
        for (const file of [replaced.log, replaced.index, replaced.timeIndex, replaced.txnIndex]) await fsp.rm(file, { force: true });
      }
    }
    await promoteSwap(paths);
    logger.warn({ file: paths.log, lastOffset: last?.toString() ?? null }, 'completed the swap of a cleaned log segment');
  }
}

async function lastOffsetOf(file: string): Promise<bigint | null> {
  const handle = await fsp.open(file, 'r');
  try {
    const { size } = await handle.stat();
    let last: bigint | null = null;
    await scanSegmentFile(handle, size, 0n, false, (b) => {
      last = b.lastOffset;
    });
    return last;
  } finally {
    await handle.close();
  }
}
