// The log of one partition, as the broker sees it (Kafka's UnifiedLog): one API over the parts that do the work.
// The state is a LocalLog (local-log.ts) that log-loader.ts builds; appends go through the append pipeline
// (append-pipeline.ts, planned by append-planner.ts), fsyncs follow the flush policy (flush-policy.ts), reads are
// log-reads.ts, and rolls, retention, DeleteRecords, compaction swaps and closing are segment-changes.ts.
import { LogClosedError } from './errors';
import { CleanedSegmentWriter } from './cleaned-segment';
import { SegmentFacts } from './cleaner-plan';
import { LogConfig } from './log-config';
import { LogSegment } from './segment';
import { ProducerEntry } from './producer-state';
import { AbortedTxn } from './txn-index';
import type { WrittenFiles } from './durable-barrier';
import { LocalLog } from './local-log';
import { emptyLocalLog, loadLocalLog, LoadOptions } from './log-loader';
import { AppendOptions, AppendResult } from './append-planner';
import { AppendPipeline } from './append-pipeline';
import { FlushPolicy } from './flush-policy';
import { LogReader, ReadOptions, ReadResult } from './log-reads';
import { SegmentChanges } from './segment-changes';

export type { AppendOptions, AppendResult } from './append-planner';
export type { ReadOptions, ReadResult } from './log-reads';

export class PartitionLog {
  readonly topic: string;
  readonly partition: number;
  readonly dir: string;
  private readonly flusher: FlushPolicy;
  private readonly changes: SegmentChanges;
  private readonly appends: AppendPipeline;
  private readonly reader: LogReader;

  private constructor(private readonly local: LocalLog) {
    this.topic = local.topic;
    this.partition = local.partition;
    this.dir = local.dir;
    this.flusher = new FlushPolicy(local, () => this.appends.inFlight);
    this.changes = new SegmentChanges(local, (op) => this.appends.paused(op));
    this.appends = new AppendPipeline(local, this.flusher, this.changes);
    this.reader = new LogReader(local);
  }

  /**
   * Opens (or creates) the partition directory. After an unclean shutdown the active segment is re-validated
   * batch by batch and cut after the last intact batch; missing or corrupt indexes are rebuilt.
   */
  static async load(opts: LoadOptions & { clean: boolean }): Promise<PartitionLog> {
    return new PartitionLog(await loadLocalLog(opts));
  }

  /**
   * A new partition in a directory the caller has just created, empty: nothing to read or recover, so no I/O at
   * all. The segment file appears with the first append (LogSegment.deferred).
   */
  static createEmpty(opts: LoadOptions): PartitionLog {
    return new PartitionLog(emptyLocalLog(opts));
  }

  // ---- state --------------------------------------------------------------------------------------------------

  get logStartOffset(): bigint {
    return this.local.startOffset;
  }

  get logEndOffset(): bigint {
    return this.local.logEndOffset;
  }

  /** Single node: every written batch is committed, so the high watermark is the log end. */
  get highWatermark(): bigint {
    return this.local.highWatermark;
  }

  /** The first offset of the oldest open transaction, or the high watermark when none is open. */
  get lastStableOffset(): bigint {
    const firstUnstable = this.local.producers.firstUnstableOffset();
    const hw = this.highWatermark;
    return firstUnstable !== null && firstUnstable < hw ? firstUnstable : hw;
  }

  /** Aborted transactions a READ_COMMITTED reader of [fetchOffset, upperBound) must know about. */
  abortedTransactions(fetchOffset: bigint, upperBound: bigint): AbortedTxn[] {
    return this.local.aborted.collect(fetchOffset, upperBound);
  }

  /** The producers this partition knows (DescribeProducers). */
  producerStates(): ProducerEntry[] {
    return this.local.producers.activeProducers();
  }

  /** What this partition knows of one producer (the produce path's KIP-890 checks). */
  producerState(producerId: bigint): ProducerEntry | undefined {
    return this.local.producers.entry(producerId);
  }

  /** Forgets producers idle past producer.id.expiration.ms (the expiry timer, producer-state-expiry.ts). */
  expireProducers(nowMs: number): number {
    return this.local.producers.removeExpired(nowMs, this.local.deps.producerIdExpirationMs);
  }

  /** Open transactions on this partition, oldest first. */
  openTransactions(): Array<{ producerId: bigint; firstOffset: bigint }> {
    return this.local.producers.ongoingTransactions();
  }

  get config(): LogConfig {
    return this.local.cfg;
  }

  /** Applies new settings; segment sizes, index intervals and retention take effect from the next append/check. */
  setConfig(config: LogConfig): void {
    this.local.cfg = config;
    this.local.activeSegment.updateLimits(this.local.indexLimits);
    this.flusher.cancel();
    this.flusher.arm();
  }

  sizeInBytes(): number {
    return this.local.sizeInBytes();
  }

  /** Segment write calls made so far; with group commit, far fewer than appends under concurrency. */
  get writeCallCount(): number {
    return this.local.writeCalls;
  }

  /** fsync calls made by flush.messages / flush.ms so far. */
  get flushCount(): number {
    return this.flusher.count;
  }

  segmentCount(): number {
    return this.local.segments.length;
  }

  segmentBaseOffsets(): bigint[] {
    return this.local.segments.map((s) => s.baseOffset);
  }

  /** Calls `listener` after every append group; returns the function that unsubscribes it. */
  onAppend(listener: () => void): () => void {
    return this.appends.onAppend(listener);
  }

  // ---- appends ------------------------------------------------------------------------------------------------

  /**
   * Queues `records` (whole v2 batches). Batches carrying a producer id are checked against the producer state
   * inside the append queue, so concurrent appends of one producer are judged in order: a retried batch resolves
   * with its original offsets (`duplicate`), an invalid one rejects with ProducerStateError and is not written.
   * An append larger than segment.bytes rejects with RecordBatchTooLargeError, bad framing with
   * CorruptRecordError, a failed write with StorageWriteError (nothing of that append is in the log).
   *
   * The log takes ownership of `records`: it patches base offsets, leader epoch and LogAppendTime into the buffer
   * in place, writes it without a copy and keeps it (or views of it) in the tail cache for readers. Callers must
   * not change or reuse the buffer afterwards, nor hand one buffer to two partitions. A view of a request frame
   * qualifies, as the network layer never reuses frame memory.
   */
  append(records: Buffer, opts: AppendOptions = {}): Promise<AppendResult> {
    return this.appends.append(records, opts);
  }

  /**
   * append() without the queue, for callers that can use an answer at once (the produce handler): in the common
   * case the records are written before this returns, with no promise and no trip through the microtask queue.
   * Returns null, having written nothing, when that cannot be done; the caller then uses append() with the same
   * buffer. That is so while appends are queued or being written (their order comes first), for every append of
   * this partition after the first in the same turn, and while the last group written held several appends: those
   * are queued and written together in one call (group commit), which costs less than a write call each. It is
   * also so whenever the write needs an await: a roll, a flush or a completed transaction is due, or the file must
   * be opened. Same ownership of `records` as append(); throws what append() would reject with, a failed
   * write included (StorageWriteError, nothing of it in the log).
   */
  appendNow(records: Buffer, opts: AppendOptions = {}): AppendResult | null {
    return this.appends.appendNow(records, opts);
  }

  // ---- flushing -----------------------------------------------------------------------------------------------

  /** fsyncs the active segment (flush.messages / flush.ms, clean shutdown). */
  flush(): Promise<void> {
    return this.flusher.flush();
  }

  /** Periodic check for flush.ms when no appends arrive to trigger it. */
  flushIfDue(now: number): Promise<void> {
    return this.flusher.flushIfDue(now);
  }

  // ---- reads --------------------------------------------------------------------------------------------------

  /**
   * Whole batches from the one holding `fetchOffset` on, at most `maxBytes` (one larger first batch with
   * `minOneBatch`), none reaching `maxOffset`. Disk reads land in buffers from `buffers` (fresh ones by default).
   */
  read(fetchOffset: bigint, maxBytes: number, opts: ReadOptions = {}): Promise<ReadResult> {
    return this.reader.read(fetchOffset, maxBytes, opts);
  }

  /** `read` without a promise when no disk read is needed (see LogReads.readNow); null when one is. */
  readNow(fetchOffset: bigint, maxBytes: number, opts: ReadOptions = {}): ReadResult | null {
    return this.reader.readNow(fetchOffset, maxBytes, opts);
  }

  /**
   * A reader is caught up with this partition and was answered without a read (a fetch at the high watermark): the
   * batches appended next are kept in the tail cache for it, as after a read that found nothing new.
   */
  readerCaughtUp(): void {
    this.local.tail.readerAtEnd();
  }

  /** First offset whose record timestamp is at least `timestamp` (time index, then a header scan). */
  offsetForTimestamp(timestamp: bigint): Promise<{ offset: bigint; timestamp: bigint } | null> {
    return this.reader.offsetForTimestamp(timestamp);
  }

  /** Offset and timestamp of the record with the largest timestamp (ListOffsets MAX_TIMESTAMP). */
  maxTimestampAndOffset(): Promise<{ offset: bigint; timestamp: bigint } | null> {
    return this.reader.maxTimestampAndOffset();
  }

  leaderEpochStartOffset(epoch: number): { epoch: number; endOffset: bigint } {
    const epochs = this.local.epochs;
    if (epochs.list().length === 0) {
      // No batch appended yet: the partition is in its first epoch, 0, as its leader has been since creation.
      return epoch === 0 ? { epoch: 0, endOffset: this.logEndOffset } : { epoch: -1, endOffset: -1n };
    }
    return epochs.endOffsetFor(epoch, this.logEndOffset);
  }

  // ---- compaction (driven by log-cleaner.ts) -------------------------------------------------------------------

  get isClosed(): boolean {
    return this.local.closed;
  }

  get cleanerCheckpoint(): bigint {
    return this.local.cleanerCheckpointOffset;
  }

  get activeBaseOffset(): bigint {
    return this.local.activeSegment.baseOffset;
  }

  /** True until the first append made or opened the first segment's file (the background may still make it). */
  get awaitsFirstFile(): boolean {
    return this.local.segments.length === 1 && this.local.activeSegment.awaitsFirstFile;
  }

  /** The closed segments, oldest first (the active segment is never cleaned). */
  closedSegments(): readonly LogSegment[] {
    return this.changes.closedSegments();
  }

  /** What the cleaning plan needs to know of each closed segment. */
  closedSegmentFacts(): Promise<Array<SegmentFacts & { segment: LogSegment }>> {
    return this.changes.closedSegmentFacts();
  }

  /** A writer for the cleaned replacement of segments starting at `baseOffset`. */
  cleanedSegmentWriter(baseOffset: bigint): CleanedSegmentWriter {
    return this.changes.cleanedSegmentWriter(baseOffset);
  }

  /**
   * Swaps a finished cleaned segment (its files at `.swap`) in for `group`, consecutive closed segments. Returns
   * false, discarding the cleaned files, when the group changed meanwhile (retention, deletion, close).
   */
  installCleaned(group: readonly LogSegment[], cleaned: CleanedSegmentWriter, retainedAborts: readonly AbortedTxn[]): Promise<boolean> {
    return this.changes.installCleaned(group, cleaned, retainedAborts);
  }

  /** The dirty section now starts at `offset`; persisted so a restart does not clean the log again. */
  setCleanerCheckpoint(offset: bigint): Promise<void> {
    return this.changes.setCleanerCheckpoint(offset);
  }

  // ---- deletion and retention ----------------------------------------------------------------------------------

  /** DeleteRecords: moves the log start offset up to `offset` (-1 = high watermark) and drops whole segments. */
  deleteRecordsBefore(offset: bigint): Promise<bigint> {
    return this.changes.deleteRecordsBefore(offset);
  }

  /**
   * One retention pass: retention.ms, retention.bytes and log start offset. As in Kafka, a non-empty active
   * segment past retention.ms or retention.bytes is rolled first so that it can be deleted like the others.
   */
  enforceRetention(now: number = Date.now()): Promise<number> {
    return this.changes.enforceRetention(now);
  }

  // ---- shutdown -----------------------------------------------------------------------------------------------

  /**
   * Finishes queued appends, writes what a clean start needs (indexes, producer snapshot, epoch history), releases
   * handles and cache, and returns the files written or left dirty. They are not fsynced here: the log manager makes
   * every partition's files durable in one step before it writes the clean-shutdown marker, so a failure here means
   * recovery on the next start. A partition untouched since it was loaded writes nothing.
   */
  async close(): Promise<WrittenFiles> {
    if (this.local.closed) return { files: [], dirs: [] };
    this.local.closed = true;
    this.flusher.cancel();
    await this.appends.idle();
    const written = await this.changes.closeCleanly();
    this.appends.clearListeners();
    return written;
  }

  /** The partition's directory is about to be removed: stop everything without persisting anything. */
  async closeForDeletion(): Promise<void> {
    this.local.closed = true;
    this.flusher.cancel();
    await this.appends.abandon(new LogClosedError(`${this.local.name} was deleted`));
    await this.changes.closeDiscarding();
    this.appends.clearListeners();
  }
}
