// Changes to a partition's segment list (Kafka's LocalLog/UnifiedLog roll and delete paths): rolling a new active
// segment (with its producer snapshot and background flush), retention and DeleteRecords moving the log start,
// compaction swapping cleaned segments in, the delayed unlink of retired files, and closing. Changes to the closed
// segments run one at a time; a roll for retention waits for the append group in progress (pauseAppends).
import * as path from 'path';
import { BATCH_HEADER, batchMaxTimestamp } from '../codecs/records/batch-header';
import { formatCheckpoint, writeFileAtomic } from './atomic-file';
import { OffsetOutOfRangeError } from './errors';
import { CLEANER_CHECKPOINT_FILE, segmentPaths } from './file-names';
import { CleanedSegmentWriter, promoteSwap } from './cleaned-segment';
import { SegmentFacts } from './cleaner-plan';
import { selectSegmentsToDelete, RetentionVictim } from './retention';
import { LogSegment } from './segment';
import { deleteSnapshot, listSnapshots, snapshotFileName, writeSnapshot } from './producer-snapshot';
import { AbortedTxn } from './txn-index';
import type { WrittenFiles } from './durable-barrier';
import { LocalLog, unlinkAll } from './local-log';

/** Snapshots kept per partition; older ones only slow nothing down but take space. */
const SNAPSHOTS_KEPT = 2;

/** Runs `op` with no append group in progress; appends queued meanwhile are written after it. */
export type PauseAppends = <T>(op: () => Promise<T>) => Promise<T>;

export class SegmentChanges {
  /** Serialises changes to the closed segments: retention, DeleteRecords and compaction swaps. */
  private segmentChanges: Promise<unknown> = Promise.resolve();
  private checkpointWrites: Promise<void> = Promise.resolve();
  private readonly deleteTimers = new Map<NodeJS.Timeout, string[]>();
  private readonly backgroundSyncs = new Set<Promise<void>>();
  /** Rolled segments whose background flush failed; close flushes them again before a clean shutdown. */
  private readonly unflushedSegments = new Set<LogSegment>();

  constructor(
    private readonly log: LocalLog,
    private readonly pauseAppends: PauseAppends,
  ) {}

  async roll(baseOffset: bigint): Promise<void> {
    const old = this.log.activeSegment;
    await old.seal();
    await this.takeSnapshot();
    const fresh = await LogSegment.create(this.log.dir, baseOffset, this.log.indexLimits, this.log.deps.resources);
    this.log.segments = [...this.log.segments, fresh];
    this.log.logger.info({ dir: this.log.dir, baseOffset: baseOffset.toString(), previousSize: old.size }, 'rolled new log segment');
    // Kafka flushes a segment (log and indexes) once it is rolled; doing it off the append path keeps produce
    // latency flat. A failure is retried at close, which must not mark a clean shutdown without it.
    const sync = old
      .flushAll()
      .catch((err: unknown) => {
        this.unflushedSegments.add(old);
        this.log.logger.warn({ file: old.paths.log, err }, 'flush of rolled segment failed');
      })
      .finally(() => this.backgroundSyncs.delete(sync));
    this.backgroundSyncs.add(sync);
  }

  /**
   * Writes the producer state as of the offset it reflects (Kafka snapshots at every roll and at shutdown), so a
   * restart reads only the batches after it. Not fsynced: a damaged snapshot fails its CRC and an older one or the
   * log is used instead.
   */
  private async takeSnapshot(fsync = true): Promise<void> {
    this.log.producers.removeExpired(Date.now(), this.log.deps.producerIdExpirationMs);
    const offset = this.log.producers.mapEndOffset;
    if (this.log.latestSnapshot === offset) return;
    await writeSnapshot(this.log.dir, offset, this.log.producers.activeProducers(), fsync);
    this.log.latestSnapshot = offset;
    const all = await listSnapshots(this.log.dir);
    for (const old of all.slice(0, Math.max(0, all.length - SNAPSHOTS_KEPT))) await deleteSnapshot(this.log.dir, old);
  }

  // ---- compaction (driven by log-cleaner.ts) -------------------------------------------------------------------

  /** The closed segments, oldest first (the active segment is never cleaned). */
  closedSegments(): readonly LogSegment[] {
    return this.log.segments.slice(0, -1);
  }

  /** What the cleaning plan needs to know of each closed segment. */
  async closedSegmentFacts(): Promise<Array<SegmentFacts & { segment: LogSegment }>> {
    const segs = this.log.segments;
    const facts: Array<SegmentFacts & { segment: LogSegment }> = [];
    const dirtyFrom = this.log.cleanerCheckpointOffset > this.log.startOffset ? this.log.cleanerCheckpointOffset : this.log.startOffset;
    let firstDirtySeen = false;
    for (let i = 0; i < segs.length - 1; i++) {
      const seg = segs[i];
      let { timestamp } = await seg.largestTimestamp();
      if (timestamp < 0n) timestamp = BigInt(Math.floor(await seg.lastModifiedMs()));
      // Only the first dirty segment's first batch matters (max.compaction.lag.ms); one header read, not one per segment.
      let first = -1n;
      if (!firstDirtySeen && segs[i + 1].baseOffset > dirtyFrom) {
        firstDirtySeen = true;
        if (seg.size >= BATCH_HEADER.size) first = batchMaxTimestamp(await seg.readBytes(0, BATCH_HEADER.size));
      }
      facts.push({
        segment: seg,
        baseOffset: seg.baseOffset,
        nextBaseOffset: segs[i + 1].baseOffset,
        size: seg.size,
        largestTimestamp: timestamp,
        firstBatchTimestamp: first,
      });
    }
    return facts;
  }

  /** A writer for the cleaned replacement of segments starting at `baseOffset`. */
  cleanedSegmentWriter(baseOffset: bigint): CleanedSegmentWriter {
    return new CleanedSegmentWriter(this.log.dir, baseOffset, this.log.indexLimits);
  }

  /**
   * Swaps a finished cleaned segment (its files at `.swap`) in for `group`, consecutive closed segments. Returns
   * false, discarding the cleaned files, when the group changed meanwhile (retention, deletion, close).
   */
  installCleaned(group: readonly LogSegment[], cleaned: CleanedSegmentWriter, retainedAborts: readonly AbortedTxn[]): Promise<boolean> {
    return this.changeSegments(async () => {
      const at = this.log.segments.indexOf(group[0]);
      const intact =
        !this.log.closed && at >= 0 && at + group.length < this.log.segments.length && group.every((g, i) => this.log.segments[at + i] === g && !g.isDeleted);
      if (!intact) {
        await cleaned.discard();
        return false;
      }
      const end = this.log.segments[at + group.length].baseOffset;
      let done!: () => void;
      this.log.swapping = new Promise<void>((resolve) => {
        done = resolve;
      });
      try {
        const fresh = LogSegment.cleaned(this.log.dir, cleaned.baseOffset, cleaned.size, this.log.indexLimits, this.log.deps.resources);
        const retired: string[] = [];
        for (const old of group) retired.push(...(await old.markDeleted()));
        await promoteSwap(segmentPaths(this.log.dir, cleaned.baseOffset));
        this.log.segments = [...this.log.segments.slice(0, at), fresh, ...this.log.segments.slice(at + group.length)];
        this.log.aborted.replaceRange(group[0].baseOffset, end, retainedAborts);
        this.log.tail.dropEndingBefore(end);
        this.scheduleUnlink(retired);
      } finally {
        this.log.swapping = null;
        done();
      }
      return true;
    });
  }

  /** The dirty section now starts at `offset`; persisted so a restart does not clean the log again. */
  async setCleanerCheckpoint(offset: bigint): Promise<void> {
    this.log.cleanerCheckpointOffset = offset;
    const content = formatCheckpoint([[this.log.topic, String(this.log.partition), offset.toString()]]);
    await writeFileAtomic(path.join(this.log.dir, CLEANER_CHECKPOINT_FILE), content);
  }

  // ---- deletion and retention ----------------------------------------------------------------------------------

  /** DeleteRecords: moves the log start offset up to `offset` (-1 = high watermark) and drops whole segments. */
  async deleteRecordsBefore(offset: bigint): Promise<bigint> {
    const target = offset === -1n ? this.log.highWatermark : offset;
    if (target < 0n || target > this.log.highWatermark) {
      throw new OffsetOutOfRangeError(`Cannot delete records before ${offset} in ${this.log.name}: high watermark is ${this.log.highWatermark}`);
    }
    if (target > this.log.startOffset) {
      this.log.startOffset = target;
      this.log.epochs.truncateFromStart(target);
      this.log.aborted.dropBefore(target);
      await this.persistLogStartOffset();
      await this.deleteSegments(
        selectSegmentsToDelete(
          await this.retentionView(),
          this.log.sizeInBytes(),
          { ...this.log.cfg, cleanupPolicy: { delete: false } },
          this.log.startOffset,
          Date.now(),
        ),
      );
    }
    return this.log.startOffset;
  }

  /**
   * One retention pass: retention.ms, retention.bytes and log start offset. As in Kafka, a non-empty active
   * segment past retention.ms or retention.bytes is rolled first so that it can be deleted like the others.
   */
  async enforceRetention(now: number = Date.now()): Promise<number> {
    if (this.log.closed) return 0;
    const victims = selectSegmentsToDelete(await this.retentionView(), this.log.sizeInBytes(), this.log.cfg, this.log.startOffset, now);
    const active = victims.find((v) => v.active);
    if (active !== undefined && !(await this.rollForRetention(active))) victims.pop();
    await this.deleteSegments(victims);
    return victims.length;
  }

  /** Rolls the active segment chosen by retention, unless appends moved on meanwhile; true if it rolled. */
  private rollForRetention(victim: RetentionVictim): Promise<boolean> {
    return this.pauseAppends(async () => {
      const seg = this.log.activeSegment;
      if (this.log.closed || seg.baseOffset !== victim.baseOffset || seg.size === 0) return false;
      if (seg.nextOffset !== victim.nextBaseOffset) return false;
      this.log.logger.info({ dir: this.log.dir, baseOffset: seg.baseOffset.toString(), reason: victim.reason }, 'rolling the active segment for retention');
      await this.roll(this.log.logEndOffset);
      return true;
    });
  }

  /** Every segment as retention sees it, oldest first; the active one only when it holds data. */
  private async retentionView(): Promise<RetentionVictim[]> {
    const view: RetentionVictim[] = [];
    const segs = this.log.segments;
    for (let i = 0; i < segs.length; i++) {
      const seg = segs[i];
      const active = i === segs.length - 1;
      if (active && seg.size === 0) break;
      let { timestamp } = await seg.largestTimestamp();
      if (timestamp < 0n) timestamp = BigInt(Math.floor(await seg.lastModifiedMs()));
      const nextBaseOffset = active ? seg.nextOffset : segs[i + 1].baseOffset;
      view.push({ baseOffset: seg.baseOffset, nextBaseOffset, size: seg.size, largestTimestamp: timestamp, reason: '', active });
    }
    return view;
  }

  private deleteSegments(victims: readonly RetentionVictim[]): Promise<void> {
    if (victims.length === 0) return Promise.resolve();
    return this.changeSegments(() => this.deleteSegmentsNow(victims));
  }

  /** Runs `op` after every earlier segment change finished (their failures are theirs). */
  private changeSegments<T>(op: () => Promise<T>): Promise<T> {
    const run = this.segmentChanges.then(op, op);
    this.segmentChanges = run.catch(() => undefined);
    return run;
  }

  private async deleteSegmentsNow(victims: readonly RetentionVictim[]): Promise<void> {
    const doomed = new Set(victims.map((v) => v.baseOffset));
    const going = this.log.segments.filter((s) => doomed.has(s.baseOffset) && s !== this.log.activeSegment);
    if (going.length === 0) return;
    this.log.segments = this.log.segments.filter((s) => !going.includes(s));
    const newStart = this.log.segments[0].baseOffset;
    if (newStart > this.log.startOffset) {
      this.log.startOffset = newStart;
      this.log.epochs.truncateFromStart(newStart);
      this.log.aborted.dropBefore(newStart);
      // The segments below it are gone, so a crash before the checkpoint cannot bring their records back: like
      // Kafka, the checkpoint follows within log.flush.start.offset.checkpoint.interval.ms, unwaited.
      this.log.deps.startOffsets.set(this.log.topic, this.log.partition, newStart);
      this.log.deps.startOffsets.persistSoon();
    }
    for (const seg of going) {
      const reason = victims.find((v) => v.baseOffset === seg.baseOffset)?.reason ?? '';
      const files = await seg.markDeleted();
      this.log.logger.info({ dir: this.log.dir, baseOffset: seg.baseOffset.toString(), size: seg.size, reason }, 'deleting log segment');
      this.scheduleUnlink(files);
    }
  }

  /** Kafka's file.delete.delay.ms: renamed files stay a while so in-flight reads on open handles can finish. */
  private scheduleUnlink(files: string[]): void {
    const timer = setTimeout(() => {
      this.deleteTimers.delete(timer);
      void unlinkAll(files);
    }, this.log.cfg.fileDeleteDelayMs);
    timer.unref();
    this.deleteTimers.set(timer, files);
  }

  /** Resolves once the data directory's checkpoint holds the new start offset durably. */
  private persistLogStartOffset(): Promise<void> {
    this.log.deps.startOffsets.set(this.log.topic, this.log.partition, this.log.startOffset);
    const write = this.log.deps.startOffsets.persist();
    this.checkpointWrites = this.checkpointWrites.catch(() => undefined).then(() => write);
    return write;
  }

  // ---- shutdown -----------------------------------------------------------------------------------------------

  /**
   * Once appends are stopped: writes what a clean start needs (indexes, producer snapshot, epoch history), releases
   * handles and cache, and returns the files written or left dirty. They are not fsynced here: the log manager makes
   * every partition's files durable in one step before it writes the clean-shutdown marker, so a failure here means
   * recovery on the next start. A partition untouched since it was loaded writes nothing.
   */
  async closeCleanly(): Promise<WrittenFiles> {
    const files: string[] = [];
    await this.segmentChanges;
    await Promise.all([...this.backgroundSyncs]);
    let wroteEntries = this.log.recoveredAtLoad;
    const dirty = this.log.recoveredAtLoad ? this.log.segments : this.unflushedSegments;
    for (const seg of dirty) if (!seg.isDeleted) files.push(...segmentFileList(seg));
    this.unflushedSegments.clear();
    const active = this.log.activeSegment;
    // Below index.interval.bytes the offset index is empty: rebuilding it at the next start reads less than the
    // segment's first index entry would have covered, while writing two index files per partition here is what
    // made closing 10,000 just-written partitions slow (file creation is the costly part).
    const smallActive = !active.hasOffsetIndexEntries;
    if (this.log.appendedSinceLoad) {
      if (!smallActive) {
        await active.persistIndexes(true, false);
        wroteEntries = true;
      }
      files.push(...segmentFileList(active));
    }
    // Every batch below the log end went through the producer state (plain batches leave it unchanged), so the
    // snapshot is named after the log end: the next start replays nothing, and a reload without appends matches it.
    if (this.log.logEndOffset > this.log.producers.mapEndOffset) this.log.producers.setEndOffset(this.log.logEndOffset);
    if (this.log.logEndOffset > 0n && this.snapshotNeededAtClose(smallActive)) {
      await this.takeSnapshot(false);
      files.push(path.join(this.log.dir, snapshotFileName(this.log.producers.mapEndOffset)));
      wroteEntries = true;
    }
    await this.checkpointWrites.catch(() => undefined);
    this.log.deps.startOffsets.set(this.log.topic, this.log.partition, this.log.startOffset);
    if (await this.log.epochs.writtenForShutdown()) {
      files.push(this.log.epochs.path);
      wroteEntries = true;
    }
    await this.releaseResources(true);
    return { files, dirs: wroteEntries || this.log.appendedSinceLoad ? [this.log.dir] : [] };
  }

  /**
   * Kafka snapshots producer state at shutdown so the next start reads no batches to rebuild it. With no producer
   * state to keep and none snapshotted before, a small active segment is rebuilt from (cheaply) instead.
   */
  private snapshotNeededAtClose(smallActive: boolean): boolean {
    if (this.log.latestSnapshot === this.log.producers.mapEndOffset) return false;
    return !smallActive || this.log.latestSnapshot !== null || this.log.producers.activeProducers().length > 0;
  }

  /** The partition's directory is about to be removed (appends are stopped): release everything, persist nothing. */
  async closeDiscarding(): Promise<void> {
    await this.segmentChanges;
    await Promise.all([...this.backgroundSyncs]);
    await this.checkpointWrites.catch(() => undefined);
    await this.log.epochs.flushed();
    await this.releaseResources(false);
  }

  private async releaseResources(unlinkNow: boolean): Promise<void> {
    this.log.deps.tailBudget.release(this.log.tail);
    for (const [timer, files] of this.deleteTimers) {
      clearTimeout(timer);
      if (unlinkNow) await unlinkAll(files);
    }
    this.deleteTimers.clear();
    for (const seg of this.log.segments) await seg.release();
  }
}

function segmentFileList(seg: LogSegment): string[] {
  return [seg.paths.log, seg.paths.index, seg.paths.timeIndex, seg.paths.txnIndex];
}
