// One segment: a `.log` file of whole batches starting at `baseOffset`, with its sparse `.index` and `.timeindex`.
// The active (last) segment keeps its indexes in memory and writes the index files when it closes or flushes;
// closed segments load theirs lazily through the shared IndexCache. File handles come from the shared FdPool.
import * as fs from 'fs';
import { promises as fsp } from 'fs';
import type { Logger } from './logger';
import { writeFileAtomic, isNotFound, fsyncDir, fsyncIfPresent } from './atomic-file';
import { FdPool, readAt, readAtSync, SegmentFile } from './fd-pool';
import { StorageWriteError } from './errors';
import { segmentPaths, SegmentPaths, DELETED_SUFFIX } from './file-names';
import { IndexCache, IndexHolder } from './index-cache';
import { OffsetIndex, OFFSET_INDEX_ENTRY_SIZE } from './offset-index';
import { TimeIndex, TIME_INDEX_ENTRY_SIZE } from './time-index';
import { maxIndexEntries } from './sparse-index';
import { ReadBufferSource } from './read-buffers';
import { BatchHeaderAt, findBatch, scanSegmentFile, ScannedBatch, ScanOutcome } from './batch-scan';
import type { WriteFaults } from './write-faults';

export interface SegmentResources {
  fdPool: FdPool;
  indexCache: IndexCache;
  logger: Logger;
  /** Injected write failures (src/faults); absent or unset in normal running. */
  writeFaults?: WriteFaults;
}

export interface IndexLimits {
  indexIntervalBytes: number;
  segmentIndexBytes: number;
}

/** Relative offsets are INT32 in the index files, so no segment may span more offsets than that. */
export const MAX_RELATIVE_OFFSET = 2147483647n;

interface Indexes {
  offsets: OffsetIndex;
  times: TimeIndex;
}

export class LogSegment implements IndexHolder {
  readonly paths: SegmentPaths;
  /** Bytes of intact, fully written batches; readers never look past it. */
  size: number;
  /** One past the last offset stored here (baseOffset when empty). Exact for the active segment only. */
  nextOffset: bigint;
  maxTimestamp = -1n;
  offsetOfMaxTimestamp = -1n;
  /** Max timestamp of the first batch, which segment.ms measures age from (Kafka's rolling-based timestamp). */
  rollingTimestamp: bigint | null = null;
  readonly createdAtMs: number;
  private bytesSinceLastIndexEntry = 0;
  private indexes: Indexes | null = null;
  private loading: Promise<Indexes> | null = null;
  private active: boolean;
  private deleted = false;
  /** An empty segment made by deferred(): its `.log` file does not exist until the first append. */
  private fileMissing = false;
  /**
   * Written by this process (created here, or a cleaned copy made here): its bytes are in the page cache unless the
   * machine ran short of memory, so reads copy them synchronously instead of paying a thread-pool round trip.
   */
  private writtenThisRun = false;

  private constructor(
    readonly dir: string,
    readonly baseOffset: bigint,
    size: number,
    private limits: IndexLimits,
    private readonly res: SegmentResources,
    active: boolean,
    createdAtMs: number,
  ) {
    this.paths = segmentPaths(dir, baseOffset);
    this.size = size;
    this.nextOffset = baseOffset;
    this.active = active;
    this.createdAtMs = createdAtMs;
  }

  /** Creates an empty active segment on disk. */
  static async create(dir: string, baseOffset: bigint, limits: IndexLimits, res: SegmentResources): Promise<LogSegment> {
    const seg = new LogSegment(dir, baseOffset, 0, limits, res, true, Date.now());
    seg.writtenThisRun = true;
    await fsp.writeFile(seg.paths.log, Buffer.alloc(0), { flag: 'w' });
    seg.indexes = seg.emptyIndexes();
    return seg;
  }

  /**
   * An empty active segment whose `.log` file may not exist yet: a new partition's is made in the background by the
   * log manager, and the first append opens it or, coming first, creates it (appendFdNow). Nothing reads the file
   * before that (the segment is empty), and a directory left without any segment loads as an empty log.
   */
  static deferred(dir: string, baseOffset: bigint, limits: IndexLimits, res: SegmentResources): LogSegment {
    const seg = new LogSegment(dir, baseOffset, 0, limits, res, true, Date.now());
    seg.indexes = seg.emptyIndexes();
    seg.fileMissing = true;
    seg.writtenThisRun = true;
    return seg;
  }

  /**
   * A segment found on disk; nothing beyond its size is read until it is used. The stat is synchronous: a few
   * microseconds against a thread-pool round trip, for each segment of partitions loaded by the thousand.
   */
  static async existing(dir: string, baseOffset: bigint, limits: IndexLimits, res: SegmentResources): Promise<LogSegment> {
    const paths = segmentPaths(dir, baseOffset);
    const stat = fs.statSync(paths.log);
    return new LogSegment(dir, baseOffset, stat.size, limits, res, false, stat.mtimeMs);
  }

  /** A cleaned segment just swapped in under its final name; its indexes load from its files when first used. */
  static cleaned(dir: string, baseOffset: bigint, size: number, limits: IndexLimits, res: SegmentResources): LogSegment {
    const seg = new LogSegment(dir, baseOffset, size, limits, res, false, Date.now());
    seg.writtenThisRun = true;
    return seg;
  }

  get isActive(): boolean {
    return this.active;
  }

  get indexBytes(): number {
    const ix = this.indexes;
    return ix === null ? 0 : ix.offsets.sizeInBytes + ix.times.sizeInBytes;
  }

  /** Whether the offset index has an entry, i.e. the segment outgrew index.interval.bytes (closing decides on it). */
  get hasOffsetIndexEntries(): boolean {
    const ix = this.indexes;
    return ix !== null && ix.offsets.last() !== null;
  }

  unloadIndexes(): void {
    if (!this.active) this.indexes = null;
  }

  // ---- state from disk --------------------------------------------------------------------------------------

  /**
   * Scans the whole log file and rebuilds both indexes and the segment's state from it. With `truncate`, cuts the
   * file after the last intact batch (recovery); otherwise stops there without touching the file.
   */
  /** `writeIndexes: false` keeps the rebuilt indexes in memory only (a clean start of a segment closed without them). */
  async rebuild(opts: { verify: boolean; truncate: boolean; writeIndexes?: boolean }): Promise<ScanOutcome & { cutBytes: number }> {
    const fileSize = fs.statSync(this.paths.log).size;
    const ix = this.emptyIndexes();
    this.resetState();
    const outcome = await this.res.fdPool.use(this.paths.log, (h) =>
      scanSegmentFile(h, fileSize, this.baseOffset, opts.verify, (b) => this.indexBatch(ix, b, 0)),
    );
    let cutBytes = 0;
    if (outcome.problem !== null && opts.truncate) {
      cutBytes = fileSize - outcome.validBytes;
      await this.res.fdPool.use(this.paths.log, (h) => h.truncate(outcome.validBytes));
    }
    this.size = outcome.validBytes;
    this.installIndexes(ix);
    if (opts.writeIndexes !== false) await this.writeIndexFiles(false);
    return { ...outcome, cutBytes };
  }

  /**
   * Makes this the active segment after a clean shutdown: trusts the index files when they pass the sanity check
   * and finds the end by walking headers from the last index entry. Returns false when a full rebuild is needed.
   */
  async openAsActive(): Promise<boolean> {
    // An empty segment needs no index files (none are written until it holds data).
    const ix = this.size === 0 ? this.emptyIndexes() : await this.readIndexFiles();
    if (ix === null) return false;
    this.resetState();
    const lastEntry = ix.offsets.last();
    const lastTime = ix.times.last();
    if (lastTime !== null) {
      this.maxTimestamp = lastTime.timestamp;
      this.offsetOfMaxTimestamp = lastTime.offset;
    }
    const from = lastEntry?.position ?? 0;
    const walk = await this.res.fdPool.use(this.paths.log, async (h) => {
      const head = this.size > 0 ? await findBatch(h, 0, this.size, () => true) : null;
      let tail: BatchHeaderAt | null = null;
      await findBatch(h, from, this.size, (b) => {
        tail = b;
        if (b.maxTimestamp > this.maxTimestamp) {
          this.maxTimestamp = b.maxTimestamp;
          this.offsetOfMaxTimestamp = b.lastOffset;
        }
        return false;
      });
      return { head, tail: tail as BatchHeaderAt | null };
    });
    const end = walk.tail === null ? from : walk.tail.position + walk.tail.size;
    if (end !== this.size) return false;
    if (walk.tail !== null) this.nextOffset = walk.tail.lastOffset + 1n;
    this.rollingTimestamp = walk.head?.maxTimestamp ?? null;
    this.bytesSinceLastIndexEntry = this.size - from;
    this.active = true;
    this.res.indexCache.forget(this);
    this.indexes = ix;
    return true;
  }

  /** Takes the active role after a recovery rebuild: indexes stay in memory, outside the shared budget. */
  activate(): void {
    this.active = true;
    this.res.indexCache.forget(this);
    if (this.indexes === null) this.indexes = this.emptyIndexes();
  }

  // ---- appends (active segment only) --------------------------------------------------------------------------

  fullIndexes(): boolean {
    const ix = this.indexes;
    return ix !== null && (ix.offsets.isFull() || ix.times.isFull());
  }

  /**
   * Runs `write` with the append descriptor, opening the file first if the pool closed it. The file stays pinned
   * open for the call: with more partitions than descriptors, an unpinned open could be closed again by other
   * partitions' opens before its user got to write, over and over.
   */
  async withAppendFd<T>(write: (fd: number) => T): Promise<T> {
    if (this.fileMissing) return this.createWith(write);
    return this.res.fdPool.use(this.paths.log, async (h) => write(h.fd));
  }

  /**
   * A first append whose synchronous open failed (appendFdNow): the pool's open creates the file, making the
   * directory first if it is missing, and reports what went wrong if it fails again.
   */
  private async createWith<T>(write: (fd: number) => T): Promise<T> {
    let opened = false;
    const firstWrite = async (h: SegmentFile): Promise<T> => {
      opened = true;
      this.fileMissing = false;
      return write(h.fd);
    };
    try {
      return await this.res.fdPool.use(this.paths.log, firstWrite, true);
    } catch (err) {
      if (opened || !isNotFound(err)) throw err;
      fs.mkdirSync(this.dir, { recursive: true });
      return this.res.fdPool.use(this.paths.log, firstWrite, true);
    }
  }

  /**
   * The append descriptor without waiting: the pool's if the file is open, else opened now, synchronously (an open
   * of an existing file costs microseconds). A first append opens the file the log manager made when the partition
   * was created. Null when there is no file to open (this append came before the background made it) or the open
   * failed: the waiting path (withAppendFd) then creates it in the thread pool, since a creation can hold the disk's
   * journal for a millisecond, or reports the error.
   */
  appendFdNow(): number | null {
    const pool = this.res.fdPool;
    const fd = pool.openFd(this.paths.log) ?? pool.openNow(this.paths.log);
    if (fd !== null) this.fileMissing = false;
    return fd;
  }

  /** True until the first append opened or made the `.log` file of a segment made by deferred(). */
  get awaitsFirstFile(): boolean {
    return this.fileMissing;
  }

  /**
   * Writes `buffers` (`bytes` in all: whole batches, positions in `batches` relative to the first buffer) at the end
   * of the file in one system call, then indexes them. A failed write is cut back to the previous size, so the file
   * never keeps a partial run, and surfaces as StorageWriteError; the segment's state is unchanged then.
   */
  appendSync(fd: number, buffers: readonly Buffer[], bytes: number, batches: readonly ScannedBatch[]): void {
    const at = this.size;
    try {
      this.res.fdPool.writeAllSync(fd, buffers, at);
    } catch (err) {
      this.cutBackAfterFailedWrite(fd, at);
      throw new StorageWriteError(`write to ${this.paths.log} at ${at} failed: ${(err as Error).message}`, err);
    }
    const ix = this.requireActiveIndexes();
    for (const b of batches) this.indexBatch(ix, b, at);
    this.size = at + bytes;
  }

  private cutBackAfterFailedWrite(fd: number, size: number): void {
    try {
      fs.ftruncateSync(fd, size);
    } catch (err) {
      // The bytes past `size` are never read (readers stop at `size`) and recovery cuts them after a crash; the next
      // successful append overwrites them, so this is logged, not fatal.
      this.res.logger.error({ file: this.paths.log, size, err }, 'could not cut back a failed write');
    }
  }

  async fsync(): Promise<void> {
    if (this.fileMissing) return;
    await this.res.fdPool.use(this.paths.log, (h) => h.sync());
  }

  /** The segment stops being active: its final time-index entry is written and the index files persisted. */
  async seal(): Promise<void> {
    const ix = this.requireActiveIndexes();
    ix.times.maybeAppend(this.maxTimestamp, this.offsetOfMaxTimestamp, true);
    this.active = false;
    await this.writeIndexFiles(false);
    this.res.indexCache.touch(this);
  }

  /**
   * Persists the active segment's indexes including a closing time entry, e.g. at clean shutdown; with `fsync`
   * the files (and the directory entries of their renames) are on disk when this resolves.
   */
  async persistIndexes(closing: boolean, fsync = false): Promise<void> {
    const ix = this.indexes;
    if (ix === null) return;
    if (closing) ix.times.maybeAppend(this.maxTimestamp, this.offsetOfMaxTimestamp, true);
    await this.writeIndexFiles(fsync);
  }

  /**
   * Kafka's segment flush: the log, then the offset, time and transaction index files, so a segment rolled or
   * closed cleanly is wholly on disk. Index files not written yet (an empty segment) are skipped.
   */
  async flushAll(): Promise<void> {
    await this.fsync();
    for (const file of [this.paths.index, this.paths.timeIndex, this.paths.txnIndex]) await fsyncIfPresent(file);
  }

  /**
   * flushAll for a segment whose offset and time indexes were just written with fsync (persistIndexes): the log and
   * the transaction index. At shutdown with thousands of partitions every fsync saved counts.
   */
  async flushLogAndTxnIndex(): Promise<void> {
    await this.fsync();
    await fsyncIfPresent(this.paths.txnIndex);
  }

  // ---- reads --------------------------------------------------------------------------------------------------

  /** The first batch whose last offset is at or after `offset`, looking no further than `limit` bytes. */
  async locateOffset(offset: bigint, limit: number): Promise<BatchHeaderAt | null> {
    const ix = await this.loadedIndexes();
    const start = ix.offsets.lookup(offset).position;
    return this.res.fdPool.use(this.paths.log, (h) => findBatch(h, start, limit, (b) => b.lastOffset >= offset));
  }

  /** The first batch whose max timestamp is at or after `timestamp`. */
  async locateTimestamp(timestamp: bigint, limit: number, notBefore = 0): Promise<BatchHeaderAt | null> {
    const ix = await this.loadedIndexes();
    const entry = ix.times.lookupBefore(timestamp);
    const start = Math.max(notBefore, entry === null ? 0 : ix.offsets.lookup(entry.offset).position);
    return this.res.fdPool.use(this.paths.log, (h) => findBatch(h, start, limit, (b) => b.maxTimestamp >= timestamp));
  }

  /** `into` supplies the buffer (recycled ones for fetches); the result is a view of it. */
  async readBytes(position: number, length: number, into?: ReadBufferSource): Promise<Buffer> {
    const read = this.writtenThisRun ? readAtSync : readAt;
    const bytes = await this.res.fdPool.use(this.paths.log, async (h) => read(h, position, length, into));
    // Retired meanwhile (retention, or compaction swapping a cleaned file in at this path): the bytes may be the
    // new file's, so they must not be used.
    if (this.deleted) throw new Error(`segment ${this.paths.log} was retired during the read`);
    return bytes;
  }

  /** Largest timestamp in the segment and the last offset of the batch holding it (from the time index). */
  async largestTimestamp(): Promise<{ timestamp: bigint; offset: bigint }> {
    if (this.active || this.maxTimestamp >= 0n) return { timestamp: this.maxTimestamp, offset: this.offsetOfMaxTimestamp };
    const last = (await this.loadedIndexes()).times.last();
    if (last !== null) {
      this.maxTimestamp = last.timestamp;
      this.offsetOfMaxTimestamp = last.offset;
    }
    return { timestamp: this.maxTimestamp, offset: this.offsetOfMaxTimestamp };
  }

  /** Last-modified time of the log file, Kafka's fallback age for segments without timestamps. */
  async lastModifiedMs(): Promise<number> {
    try {
      return (await fsp.stat(this.paths.log)).mtimeMs;
    } catch {
      return this.createdAtMs;
    }
  }

  // ---- removal ------------------------------------------------------------------------------------------------

  /** Renames the files to `*.deleted` (the caller unlinks them later) and releases the handle and indexes. */
  async markDeleted(): Promise<string[]> {
    this.deleted = true;
    this.active = false;
    this.res.indexCache.forget(this);
    this.indexes = null;
    await this.res.fdPool.evict(this.paths.log);
    const renamed: string[] = [];
    for (const file of [this.paths.log, this.paths.index, this.paths.timeIndex, this.paths.txnIndex]) {
      try {
        await fsp.rename(file, file + DELETED_SUFFIX);
        renamed.push(file + DELETED_SUFFIX);
      } catch (err) {
        if (!isNotFound(err)) throw err;
      }
    }
    return renamed;
  }

  get isDeleted(): boolean {
    return this.deleted;
  }

  async release(): Promise<void> {
    await this.res.fdPool.evict(this.paths.log);
  }

  updateLimits(limits: IndexLimits): void {
    this.limits = limits;
  }

  // ---- internals ----------------------------------------------------------------------------------------------

  private emptyIndexes(): Indexes {
    return {
      offsets: new OffsetIndex(this.baseOffset, maxIndexEntries(this.limits.segmentIndexBytes, OFFSET_INDEX_ENTRY_SIZE)),
      times: new TimeIndex(this.baseOffset, maxIndexEntries(this.limits.segmentIndexBytes, TIME_INDEX_ENTRY_SIZE)),
    };
  }

  private resetState(): void {
    this.nextOffset = this.baseOffset;
    this.maxTimestamp = -1n;
    this.offsetOfMaxTimestamp = -1n;
    this.rollingTimestamp = null;
    this.bytesSinceLastIndexEntry = 0;
  }

  /** Kafka's indexing rule: an entry once more than index.interval.bytes were appended since the previous one. */
  private indexBatch(ix: Indexes, b: ScannedBatch, positionBase: number): void {
    if (this.rollingTimestamp === null) this.rollingTimestamp = b.maxTimestamp;
    if (b.maxTimestamp > this.maxTimestamp) {
      this.maxTimestamp = b.maxTimestamp;
      this.offsetOfMaxTimestamp = b.lastOffset;
    }
    if (this.bytesSinceLastIndexEntry > this.limits.indexIntervalBytes) {
      ix.offsets.append(b.lastOffset, positionBase + b.position);
      ix.times.maybeAppend(this.maxTimestamp, this.offsetOfMaxTimestamp);
      this.bytesSinceLastIndexEntry = 0;
    }
    this.bytesSinceLastIndexEntry += b.size;
    this.nextOffset = b.lastOffset + 1n;
  }

  private installIndexes(ix: Indexes): void {
    this.indexes = ix;
    if (!this.active) this.res.indexCache.touch(this);
  }

  private requireActiveIndexes(): Indexes {
    if (this.indexes === null) throw new Error(`segment ${this.paths.log} has no indexes loaded`);
    return this.indexes;
  }

  private async writeIndexFiles(fsync: boolean): Promise<void> {
    const ix = this.indexes;
    if (ix === null || this.deleted) return;
    await writeFileAtomic(this.paths.index, ix.offsets.toBuffer(), { fsync, fsyncDir: false });
    await writeFileAtomic(this.paths.timeIndex, ix.times.toBuffer(), { fsync, fsyncDir: false });
    if (fsync) await fsyncDir(this.dir);
  }

  private async readIndexFiles(): Promise<Indexes | null> {
    const limits = this.emptyIndexes();
    try {
      const [offsetBytes, timeBytes] = await Promise.all([fsp.readFile(this.paths.index), fsp.readFile(this.paths.timeIndex)]);
      const offsets = OffsetIndex.parse(this.baseOffset, offsetBytes, limits.offsets.maxEntries, this.size);
      const times = TimeIndex.parse(this.baseOffset, timeBytes, limits.times.maxEntries);
      if (offsets === null || times === null) return null;
      return { offsets, times };
    } catch (err) {
      if (isNotFound(err)) return null;
      throw err;
    }
  }

  /** Indexes for a lookup: in memory, or loaded from the files, or rebuilt from the log if those are unusable. */
  private async loadedIndexes(): Promise<Indexes> {
    if (this.indexes !== null) {
      if (!this.active) this.res.indexCache.touch(this);
      return this.indexes;
    }
    if (this.loading === null) {
      this.loading = (async (): Promise<Indexes> => {
        const fromFiles = await this.readIndexFiles();
        if (fromFiles !== null) {
          this.installIndexes(fromFiles);
          return fromFiles;
        }
        this.res.logger.warn({ file: this.paths.index }, 'index files missing or corrupt; rebuilding from the log');
        const keepNext = this.nextOffset;
        const keepSize = this.size;
        await this.rebuild({ verify: false, truncate: false });
        // A closed segment is not cut here; its size and end stay as known by the partition.
        this.size = Math.max(this.size, keepSize);
        if (keepNext > this.nextOffset) this.nextOffset = keepNext;
        return this.requireActiveIndexes();
      })().finally(() => {
        this.loading = null;
      });
    }
    return this.loading;
  }
}
