// The log of one partition: an ordered list of segments, the last one active. Appends are queued and written in
// groups (one write call per group and segment), reads find the segment by binary search and the position through
// the sparse index, and the newest batches are served from the tail cache.
import * as fs from 'fs';
import { promises as fsp } from 'fs';
import * as path from 'path';
import type { Logger } from './logger';
import {
  BATCH_HEADER,
  BATCH_LOG_OVERHEAD,
  BATCH_MIN_SIZE,
  batchLastOffset,
  batchLastOffsetDelta,
  batchMagic,
  batchMaxTimestamp,
  batchPartitionLeaderEpoch,
  batchRecordsCount,
  batchSize,
  setBatchBaseOffset,
  setBatchLogAppendTime,
  setBatchPartitionLeaderEpoch,
} from '../codecs/records/batch-header';
import { formatCheckpoint, isNotFound, readCheckpointFile, writeFileAtomic } from './atomic-file';
import { ScannedBatch } from './batch-scan';
import { CorruptRecordError, LogClosedError, RecordBatchTooLargeError, OffsetOutOfRangeError, ProducerStateError, StorageWriteError } from './errors';
import {
  CLEANED_SUFFIX,
  CLEANER_CHECKPOINT_FILE,
  DELETED_SUFFIX,
  LEADER_EPOCH_CHECKPOINT_FILE,
  SWAP_SUFFIX,
  INDEX_SUFFIX,
  LOG_START_OFFSET_CHECKPOINT_FILE,
  LOG_SUFFIX,
  TEMP_SUFFIX,
  TIME_INDEX_SUFFIX,
  parseSegmentFileName,
  segmentPaths,
} from './file-names';
import { CleanedSegmentWriter, promoteSwap, recoverInterruptedCleaning } from './cleaned-segment';
import { SegmentFacts } from './cleaner-plan';
import { LeaderEpochCache } from './leader-epoch-cache';
import { LogConfig } from './log-config';
import { OFFSET_INDEX_ENTRY_SIZE } from './offset-index';
import { TIME_INDEX_ENTRY_SIZE } from './time-index';
import { firstRecordAtOrAfter, recordWithMaxTimestamp } from './record-scan';
import { selectSegmentsToDelete, RetentionVictim } from './retention';
import { IndexLimits, LogSegment, MAX_RELATIVE_OFFSET, SegmentResources } from './segment';
import { PartitionTailCache, TailCacheBudget } from './tail-cache';
import { freshReadBuffers, ReadBufferSource } from './read-buffers';
import { ReadHints } from './read-hints';
import { producerBatchInfo } from './producer-batch-info';
import { deleteSnapshot, listSnapshots, snapshotFileName, writeSnapshot } from './producer-snapshot';
import { AppendOrigin, CompletedTxn, ProducerEntry, ProducerStateManager, ProducerStateStage } from './producer-state';
import { loadTransactionState } from './producer-state-loader';
import { AbortedTxn, AbortedTxnList, appendTxnIndexFile } from './txn-index';
import { LogStartOffsets } from './dir-checkpoints';
import type { WrittenFiles } from './durable-barrier';
import { currentAppendTurn } from './append-turn';

/** Kafka's producer.id.expiration.ms default: producers idle for a day are forgotten. */
export const DEFAULT_PRODUCER_ID_EXPIRATION_MS = 86400000;
/** setTimeout's largest delay; a longer flush.ms (the default is "never") is left to the retention pass. */
const MAX_TIMER_DELAY_MS = 2147483647;
/** Snapshots kept per partition; older ones only slow nothing down but take space. */
const SNAPSHOTS_KEPT = 2;

export interface AppendResult {
  baseOffset: bigint;
  lastOffset: bigint;
  /** -1n unless the topic stamps LogAppendTime. */
  logAppendTime: bigint;
  logStartOffset: bigint;
  /** A producer retried a batch already in the log: nothing was written, the offsets are the original's. */
  duplicate: boolean;
}

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

export interface PartitionLogDeps {
  resources: SegmentResources;
  tailBudget: TailCacheBudget;
  /** producer.id.expiration.ms, applied when producer state is snapshotted (roll, close). */
  producerIdExpirationMs: number;
  /** The data directory's log start offsets (one checkpoint file for all partitions). */
  startOffsets: LogStartOffsets;
}

/**
 * One disk read never allocates more than this (besides a single larger first batch): a client asking for 2 GiB
 * gets what fits here and fetches again, as Kafka may also return less than asked.
 */
const MAX_DISK_READ_BYTES = 16 * 1024 * 1024;

export interface AppendOptions {
  leaderEpoch?: number;
  origin?: AppendOrigin;
}

/** One append as the write path sees it. */
interface AppendRequest {
  records: Buffer;
  leaderEpoch: number;
  origin: AppendOrigin;
}

interface PendingAppend extends AppendRequest {
  resolve: (r: AppendResult) => void;
  reject: (e: unknown) => void;
}

/** A batch laid out for writing: also what the tail cache keeps (`bytes` is a view of the caller's buffer). */
interface PlacedBatch extends ScannedBatch {
  bytes: Buffer;
  records: number;
}

/** One append with its offsets patched in, ready to join a run. Batch positions are relative to its buffer. */
interface PlacedAppend {
  request: number;
  records: Buffer;
  bytes: number;
  leaderEpoch: number;
  /** -1n unless the topic stamps LogAppendTime. */
  logAppendTime: bigint;
  baseOffset: bigint;
  lastOffset: bigint;
  maxTimestamp: bigint;
  batches: PlacedBatch[];
}

interface ScreenedGroup {
  /** Null when no batch of the group carries a producer id. */
  stage: ProducerStateStage | null;
  /** Per append: its answer when it is not to be written (duplicate or refused), else null. */
  outcomes: Array<AppendResult | Error | null>;
  completed: readonly CompletedTxn[];
}

const NO_COMPLETED_TXNS: readonly CompletedTxn[] = Object.freeze([]);

/** Consecutive appends going to the active segment in one write call. */
class AppendRun {
  readonly appends: PlacedAppend[] = [];
  readonly buffers: Buffer[] = [];
  readonly batches: PlacedBatch[] = [];
  bytes = 0;

  add(append: PlacedAppend): void {
    for (const b of append.batches) {
      b.position += this.bytes;
      this.batches.push(b);
    }
    this.appends.push(append);
    this.buffers.push(append.records);
    this.bytes += append.bytes;
  }
}

export class PartitionLog {
  private segments: LogSegment[];
  private startOffset: bigint;
  private cfg: LogConfig;
  private readonly tail: PartitionTailCache;
  private readonly listeners = new Set<() => void>();
  /** Where sequential readers continue: a consumer's next fetch starts where its last read ended. */
  private readonly readHints = new ReadHints();
  private pending: PendingAppend[] = [];
  private draining: Promise<void> | null = null;
  /** The turn (append-turn.ts) of the last appendNow write; later appends of that turn are grouped instead. */
  private lastImmediateTurn = -1;
  /** Appends in the last group written: more than one means appends arrive concurrently, and group commit pays. */
  private lastGroupSize = 0;
  private closed = false;
  private unflushedMessages = 0;
  private lastFlushMs = Date.now();
  private flushTimer: NodeJS.Timeout | null = null;
  private checkpointWrites: Promise<void> = Promise.resolve();
  private readonly deleteTimers = new Map<NodeJS.Timeout, string[]>();
  private readonly backgroundSyncs = new Set<Promise<void>>();
  /** Rolled segments whose background flush failed; close flushes them again before a clean shutdown. */
  private readonly unflushedSegments = new Set<LogSegment>();
  /** Whether anything was appended since load; an untouched partition has nothing to persist at shutdown. */
  private appendedSinceLoad = false;
  /**
   * Loaded by crash recovery, whose writes (cut tails, rebuilt index files, restored .txnindex entries) were not
   * fsynced: a clean shutdown must make them durable before its marker says no recovery is needed.
   */
  private recoveredAtLoad = false;
  private writeCalls = 0;
  private fsyncs = 0;
  private readonly logger: Logger;
  private readonly producers: ProducerStateManager;
  private readonly aborted: AbortedTxnList;
  private latestSnapshot: bigint | null;
  /** Start of the dirty section for compaction (Kafka's cleaner checkpoint). */
  private cleanerCheckpointOffset: bigint;
  /** Serialises changes to the closed segments: retention, DeleteRecords and compaction swaps. */
  private segmentChanges: Promise<unknown> = Promise.resolve();
  /** Set while compaction swaps segments; reads failing on a retired segment wait for it and try again. */
  private swapping: Promise<void> | null = null;

  private constructor(
    readonly topic: string,
    readonly partition: number,
    readonly dir: string,
    segments: LogSegment[],
    startOffset: bigint,
    config: LogConfig,
    private readonly epochs: LeaderEpochCache,
    private readonly deps: PartitionLogDeps,
    txns: { producers: ProducerStateManager; aborted: AbortedTxnList; latestSnapshot: bigint | null },
    cleanerCheckpoint: bigint,
  ) {
    this.cleanerCheckpointOffset = cleanerCheckpoint;
    this.producers = txns.producers;
    this.aborted = txns.aborted;
    this.latestSnapshot = txns.latestSnapshot;
    this.segments = segments;
    this.startOffset = startOffset;
    this.cfg = config;
    this.tail = new PartitionTailCache(deps.tailBudget);
    this.logger = deps.resources.logger;
  }

  /**
   * Opens (or creates) the partition directory. After an unclean shutdown the active segment is re-validated
   * batch by batch and cut after the last intact batch; missing or corrupt indexes are rebuilt.
   */
  static async load(opts: {
    dir: string;
    topic: string;
    partition: number;
    config: LogConfig;
    clean: boolean;
    deps: PartitionLogDeps;
  }): Promise<PartitionLog> {
    const { dir, config, deps } = opts;
    const logger = deps.resources.logger;
    // One listing tells which files exist, so loading probes none that do not: with 10,000 partitions loaded on
    // first use, every thread-pool round trip saved per partition counts.
    let names = listPartitionDir(dir);
    if (names.some(isCleaningLeftover)) {
      await recoverInterruptedCleaning(dir, logger);
      names = listPartitionDir(dir);
    }
    const present = await cleanDirectory(dir, names, logger);
    const bases = segmentBases(present);
    const limits = indexLimits(config);
    const legacyStart = present.has(LOG_START_OFFSET_CHECKPOINT_FILE) ? await readLegacyLogStartOffset(dir, logger) : null;
    const checkpointStart = maxOffset(deps.startOffsets.get(opts.topic, opts.partition), legacyStart);
    const segments: LogSegment[] = [];
    for (const base of bases) segments.push(await LogSegment.existing(dir, base, limits, deps.resources));
    if (segments.length === 0) {
      segments.push(LogSegment.deferred(dir, checkpointStart ?? 0n, limits, deps.resources));
    } else {
      await recoverSegments(segments, opts.clean, present, logger);
    }
    const active = segments[segments.length - 1];
    const logEnd = active.nextOffset;
    let start = checkpointStart ?? segments[0].baseOffset;
    if (start < segments[0].baseOffset) start = segments[0].baseOffset;
    if (start > logEnd) start = logEnd;
    const epochs = present.has(LEADER_EPOCH_CHECKPOINT_FILE) ? await LeaderEpochCache.load(dir, logger) : LeaderEpochCache.empty(dir, logger);
    epochs.truncateFromEnd(logEnd);
    if (epochs.latestEpoch < 0 && logEnd > start) await restoreFirstEpoch(epochs, segments, start);
    const txns = await loadTransactionState({ dir, segments, logEnd, clean: opts.clean, logger, present });
    const storedCleanerCheckpoint = present.has(CLEANER_CHECKPOINT_FILE) ? await readPartitionCheckpoint(path.join(dir, CLEANER_CHECKPOINT_FILE), logger) : null;
    let cleanerCheckpoint = storedCleanerCheckpoint ?? start;
    // Past the recovered log end (a crash cut the tail) the checkpoint would hide new data from the cleaner.
    if (cleanerCheckpoint > logEnd) cleanerCheckpoint = start;
    // Entries from the old per-partition checkpoint file move into the data directory's one.
    if (start > segments[0].baseOffset) deps.startOffsets.set(opts.topic, opts.partition, start);
    const log = new PartitionLog(opts.topic, opts.partition, dir, segments, start, config, epochs, deps, txns, cleanerCheckpoint);
    log.recoveredAtLoad = !opts.clean && bases.length > 0;
    logger.debug({ dir, logStartOffset: start, logEndOffset: logEnd, segments: segments.length }, 'partition loaded');
    return log;
  }

  /**
   * A new partition in a directory the caller has just created, empty: nothing to read or recover, so no I/O at
   * all. The segment file appears with the first append (LogSegment.deferred).
   */
  static createEmpty(opts: { dir: string; topic: string; partition: number; config: LogConfig; deps: PartitionLogDeps }): PartitionLog {
    const { dir, config, deps } = opts;
    const segment = LogSegment.deferred(dir, 0n, indexLimits(config), deps.resources);
    const epochs = LeaderEpochCache.empty(dir, deps.resources.logger);
    const txns = { producers: new ProducerStateManager(), aborted: new AbortedTxnList(), latestSnapshot: null };
    return new PartitionLog(opts.topic, opts.partition, dir, [segment], 0n, config, epochs, deps, txns, 0n);
  }

  // ---- state --------------------------------------------------------------------------------------------------

  get logStartOffset(): bigint {
    return this.startOffset;
  }

  get logEndOffset(): bigint {
    return this.activeSegment.nextOffset;
  }

  /** Single node: every written batch is committed, so the high watermark is the log end. */
  get highWatermark(): bigint {
    return this.logEndOffset;
  }

  /** The first offset of the oldest open transaction, or the high watermark when none is open. */
  get lastStableOffset(): bigint {
    const firstUnstable = this.producers.firstUnstableOffset();
    const hw = this.highWatermark;
    return firstUnstable !== null && firstUnstable < hw ? firstUnstable : hw;
  }

  /** Aborted transactions a READ_COMMITTED reader of [fetchOffset, upperBound) must know about. */
  abortedTransactions(fetchOffset: bigint, upperBound: bigint): AbortedTxn[] {
    return this.aborted.collect(fetchOffset, upperBound);
  }

  /** The producers this partition knows (DescribeProducers). */
  producerStates(): ProducerEntry[] {
    return this.producers.activeProducers();
  }

  /** Open transactions on this partition, oldest first. */
  openTransactions(): Array<{ producerId: bigint; firstOffset: bigint }> {
    return this.producers.ongoingTransactions();
  }

  get config(): LogConfig {
    return this.cfg;
  }

  /** Applies new settings; segment sizes, index intervals and retention take effect from the next append/check. */
  setConfig(config: LogConfig): void {
    this.cfg = config;
    this.activeSegment.updateLimits(indexLimits(config));
    this.cancelFlushTimer();
    this.armFlushTimer();
  }

  sizeInBytes(): number {
    let total = 0;
    for (const s of this.segments) total += s.size;
    return total;
  }

  /** Segment write calls made so far; with group commit, far fewer than appends under concurrency. */
  get writeCallCount(): number {
    return this.writeCalls;
  }

  /** fsync calls made by flush.messages / flush.ms so far. */
  get flushCount(): number {
    return this.fsyncs;
  }

  segmentCount(): number {
    return this.segments.length;
  }

  segmentBaseOffsets(): bigint[] {
    return this.segments.map((s) => s.baseOffset);
  }

  onAppend(listener: () => void): () => void {
    this.listeners.add(listener);
    return () => {
      this.listeners.delete(listener);
    };
  }

  private get activeSegment(): LogSegment {
    return this.segments[this.segments.length - 1];
  }

  // ---- appends ------------------------------------------------------------------------------------------------

  /**
   * Queues `records` (whole v2 batches). Batches carrying a producer id are checked against the producer state
   * inside the append queue, so concurrent appends of one producer are judged in order: a retried batch resolves
   * with its original offsets (`duplicate`), an invalid one rejects with ProducerStateError and is not written.
   * A failed write rejects with StorageWriteError (nothing of that append is in the log).
   *
   * The log takes ownership of `records`: it patches base offsets, leader epoch and LogAppendTime into the buffer
   * in place, writes it without a copy and keeps it (or views of it) in the tail cache for readers. Callers must
   * not change or reuse the buffer afterwards, nor hand one buffer to two partitions. A view of a request frame
   * qualifies, as the network layer never reuses frame memory.
   */
  append(records: Buffer, opts: AppendOptions = {}): Promise<AppendResult> {
    if (this.closed) return Promise.reject(new LogClosedError(`${this.topic}-${this.partition} is closed`));
    try {
      checkAppendable(records, this.cfg.segmentBytes);
    } catch (err) {
      return Promise.reject(err);
    }
    return new Promise<AppendResult>((resolve, reject) => {
      this.pending.push({ records, leaderEpoch: opts.leaderEpoch ?? 0, origin: opts.origin ?? 'client', resolve, reject });
      if (this.draining === null) this.draining = this.drain();
    });
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
    if (this.closed) throw new LogClosedError(`${this.topic}-${this.partition} is closed`);
    if (this.pending.length > 0 || this.draining !== null || this.lastGroupSize > 1) return null;
    const turn = currentAppendTurn();
    if (turn === this.lastImmediateTurn) return null;
    checkAppendable(records, this.cfg.segmentBytes);
    const outcomes = this.writeGroupNow([{ records, leaderEpoch: opts.leaderEpoch ?? 0, origin: opts.origin ?? 'client' }]);
    if (outcomes === null) return null;
    this.lastImmediateTurn = turn;
    this.lastGroupSize = 1;
    this.notifyAppend();
    const outcome = outcomes[0];
    if (outcome instanceof Error) throw outcome;
    return outcome;
  }

  /** Writes queued appends group by group; appends arriving during a write form the next group. */
  private async drain(): Promise<void> {
    try {
      // Appends made in this same turn (the partitions' share of other requests, pipelined produces) join the
      // group, which then costs one write call.
      await Promise.resolve();
      while (this.pending.length > 0) {
        const group = this.pending;
        this.pending = [];
        this.lastGroupSize = group.length;
        const outcomes = this.writeGroupNow(group);
        if (outcomes !== null) this.settle(group, outcomes);
        else await this.writeGroup(group);
      }
    } finally {
      this.draining = null;
    }
  }

  /** Writes one group, settles every append in it and wakes the listeners; never throws. */
  private async writeGroup(group: readonly PendingAppend[]): Promise<void> {
    let outcomes: Array<AppendResult | Error>;
    try {
      outcomes = await this.writeAccepted(group);
    } catch (err) {
      this.logger.error({ dir: this.dir, err }, 'append failed');
      for (const p of group) p.reject(err);
      return;
    }
    this.settle(group, outcomes);
  }

  private settle(group: readonly PendingAppend[], outcomes: ReadonlyArray<AppendResult | Error>): void {
    for (let i = 0; i < group.length; i++) {
      const o = outcomes[i];
      if (o instanceof Error) group[i].reject(o);
      else group[i].resolve(o);
    }
    this.notifyAppend();
  }

  /**
   * The common case without a single await: the whole group fits the active segment, its file is open, no
   * transaction completes and no flush is due. Returns null, having changed nothing but the offsets patched into
   * the buffers (writeGroup patches the same ones again), when any of that does not hold.
   */
  private writeGroupNow(group: readonly AppendRequest[]): Array<AppendResult | Error> | null {
    const firstOffset = this.logEndOffset;
    const screened = this.screenProducers(group, firstOffset);
    if (screened.completed.length > 0) return null;
    const fd = this.activeSegment.appendFdNow();
    if (fd === null) return null;
    const logAppendTime = this.cfg.timestampType === 'LogAppendTime' ? BigInt(Date.now()) : -1n;
    const run = new AppendRun();
    let next = firstOffset;
    let messages = 0;
    for (let r = 0; r < group.length; r++) {
      if (screened.outcomes[r] !== null) continue;
      const placed = placeAppend(group[r], r, next, logAppendTime);
      if (this.shouldRoll(placed, run.bytes)) return null;
      run.add(placed);
      for (const b of placed.batches) messages += b.records;
      next = placed.lastOffset + 1n;
    }
    if (messages > 0 && this.flushDueAfter(messages, Date.now())) return null;
    const outcomes = screened.outcomes;
    const failure = this.writeRunNow(run, fd, outcomes, []);
    if (failure !== null) {
      this.logger.error({ dir: this.dir, err: failure }, 'append failed; the segment was cut back to its last good size');
      for (let r = 0; r < outcomes.length; r++) if (outcomes[r] === null) outcomes[r] = failure;
      return outcomes as Array<AppendResult | Error>;
    }
    if (screened.stage !== null) this.producers.commit(screened.stage, this.logEndOffset);
    if (messages > 0) this.armFlushTimer();
    return outcomes as Array<AppendResult | Error>;
  }

  /**
   * Lays the accepted appends out at their offsets and writes them, one write call per segment touched. Like
   * Kafka, an append never straddles segments: the roll check is made per append with its whole size. A failed
   * write fails the appends of that write and every later one of the group; earlier writes stand.
   */
  private async writeAccepted(group: readonly PendingAppend[]): Promise<Array<AppendResult | Error>> {
    const firstOffset = this.logEndOffset;
    const screened = this.screenProducers(group, firstOffset);
    const outcomes = screened.outcomes;
    const logAppendTime = this.cfg.timestampType === 'LogAppendTime' ? BigInt(Date.now()) : -1n;
    const written: number[] = [];
    let failure: Error | null = null;
    let run = new AppendRun();
    let next = firstOffset;
    for (let r = 0; r < group.length; r++) {
      if (outcomes[r] !== null) continue;
      const placed = placeAppend(group[r], r, next, logAppendTime);
      if (this.shouldRoll(placed, run.bytes)) {
        failure = await this.writeRun(run, outcomes, written);
        if (failure !== null) break;
        try {
          await this.roll(placed.baseOffset);
        } catch (err) {
          failure = new StorageWriteError(`rolling ${this.topic}-${this.partition} at ${placed.baseOffset} failed: ${(err as Error).message}`, err);
          break;
        }
        run = new AppendRun();
      }
      run.add(placed);
      next = placed.lastOffset + 1n;
    }
    if (failure === null) failure = await this.writeRun(run, outcomes, written);
    if (failure !== null) {
      this.logger.error({ dir: this.dir, err: failure }, 'append failed; the segment was cut back to its last good size');
      for (let r = 0; r < outcomes.length; r++) if (outcomes[r] === null) outcomes[r] = failure;
    }
    await this.commitProducerState(group, screened, written, failure !== null, firstOffset);
    await this.flushIfPastPolicy(outcomes, written);
    return outcomes as Array<AppendResult | Error>;
  }

  /** Writes a run of appends to the active segment in one call; records each one's outcome. */
  private async writeRun(run: AppendRun, outcomes: Array<AppendResult | Error | null>, written: number[]): Promise<Error | null> {
    if (run.appends.length === 0) return null;
    const seg = this.activeSegment;
    const fd = seg.appendFdNow();
    if (fd !== null) return this.writeRunNow(run, fd, outcomes, written);
    try {
      return await seg.withAppendFd((opened) => this.writeRunNow(run, opened, outcomes, written));
    } catch (err) {
      return new StorageWriteError(`opening ${seg.paths.log} failed: ${(err as Error).message}`, err);
    }
  }

  /** writeRun once the descriptor is at hand; synchronous. */
  private writeRunNow(run: AppendRun, fd: number, outcomes: Array<AppendResult | Error | null>, written: number[]): Error | null {
    if (run.appends.length === 0) return null;
    try {
      this.activeSegment.appendSync(fd, run.buffers, run.bytes, run.batches);
    } catch (err) {
      return err instanceof StorageWriteError ? err : new StorageWriteError(`append to ${this.activeSegment.paths.log} failed: ${(err as Error).message}`, err);
    }
    const logAppendTime = run.appends[0].logAppendTime;
    this.writeCalls++;
    this.appendedSinceLoad = true;
    this.tail.add(run.batches);
    for (const b of run.batches) this.unflushedMessages += b.records;
    for (const a of run.appends) {
      this.epochs.assign(a.leaderEpoch, a.baseOffset);
      outcomes[a.request] = { baseOffset: a.baseOffset, lastOffset: a.lastOffset, logAppendTime, logStartOffset: this.startOffset, duplicate: false };
      written.push(a.request);
    }
    return null;
  }

  /** Commits the producer state of what reached the log: all of it, or after a failed write only the appends written. */
  private async commitProducerState(
    group: readonly PendingAppend[],
    screened: ScreenedGroup,
    written: readonly number[],
    failed: boolean,
    firstOffset: bigint,
  ): Promise<void> {
    if (screened.stage === null) return;
    // Staging is deterministic, so staging only the written prefix again gives exactly its state.
    const effective = failed ? this.screenProducers(written.map((r) => group[r]), firstOffset) : screened;
    if (effective.stage === null) return;
    this.producers.commit(effective.stage, this.logEndOffset);
    if (effective.completed.length > 0) await this.recordCompletedTxns(effective.completed);
  }

  /**
   * Kafka's analyzeAndValidateProducerState, in queue order: a retried batch is answered from the producer's
   * cached batches, an invalid one is refused, the rest are staged at the offsets they will get (from
   * `firstOffset` on). Groups without producer ids skip all of it.
   */
  private screenProducers(group: readonly AppendRequest[], firstOffset: bigint): ScreenedGroup {
    if (!anyProducerId(group)) return { stage: null, outcomes: new Array<null>(group.length).fill(null), completed: NO_COMPLETED_TXNS };
    const stage = this.producers.stage();
    const completed: CompletedTxn[] = [];
    let next = firstOffset;
    const outcomes = group.map((p): AppendResult | Error | null => {
      let offset = next;
      const staged: CompletedTxn[] = [];
      const multiBatch = batchSize(p.records, 0) < p.records.length;
      const saved = multiBatch ? stage.save() : null;
      const refuse = (outcome: AppendResult | Error): AppendResult | Error => {
        if (saved !== null) stage.restore(saved);
        return outcome;
      };
      for (let pos = 0; pos < p.records.length; pos += batchSize(p.records, pos)) {
        const first = offset;
        const last = first + BigInt(batchLastOffsetDelta(p.records, pos));
        offset = last + 1n;
        if (p.records.readBigInt64BE(pos + BATCH_HEADER.producerId) < 0n) continue;
        const info = producerBatchInfo(p.records, pos);
        const verdict = stage.check(info, p.origin);
        if (verdict.kind === 'duplicate') {
          return refuse({ baseOffset: verdict.batch.firstOffset, lastOffset: verdict.batch.lastOffset, logAppendTime: -1n, logStartOffset: this.startOffset, duplicate: true });
        }
        if (verdict.kind === 'reject') return refuse(new ProducerStateError(verdict.reason, verdict.message));
        const done = stage.record(info, first, last);
        if (done !== null) staged.push(done);
      }
      completed.push(...staged);
      next = offset;
      return null;
    });
    return { stage, outcomes, completed };
  }

  /** Aborted transactions go to the in-memory list and the `.txnindex` of the segment holding the marker. */
  private async recordCompletedTxns(completed: readonly CompletedTxn[]): Promise<void> {
    for (const txn of completed) {
      if (!txn.aborted) continue;
      const entry: AbortedTxn = {
        producerId: txn.producerId,
        firstOffset: txn.firstOffset,
        lastOffset: txn.lastOffset,
        lastStableOffset: this.producers.firstUnstableOffset() ?? txn.lastOffset + 1n,
      };
      this.aborted.add(entry);
      const seg = this.segments[floorSegmentIndex(this.segments, txn.lastOffset)];
      await appendTxnIndexFile(seg.paths.txnIndex, entry);
    }
  }

  /**
   * Kafka's roll rules, checked per append with its whole size: size, age since the first batch (by timestamps),
   * full index, or offsets beyond INT32. `pendingBytes` are bytes of the current run not yet written.
   */
  private shouldRoll(append: PlacedAppend, pendingBytes: number): boolean {
    const config = this.cfg;
    const seg = this.activeSegment;
    const size = seg.size + pendingBytes;
    if (size === 0) return false;
    if (size + append.bytes > config.segmentBytes) return true;
    if (seg.fullIndexes()) return true;
    if (append.lastOffset - seg.baseOffset > MAX_RELATIVE_OFFSET) return true;
    const first = seg.rollingTimestamp;
    const waited = first !== null && first >= 0n ? Number(append.maxTimestamp - first) : Date.now() - seg.createdAtMs;
    return waited > config.segmentMs;
  }

  private async roll(baseOffset: bigint): Promise<void> {
    const old = this.activeSegment;
    await old.seal();
    await this.takeSnapshot();
    const fresh = await LogSegment.create(this.dir, baseOffset, indexLimits(this.cfg), this.deps.resources);
    this.segments = [...this.segments, fresh];
    this.logger.info({ dir: this.dir, baseOffset: baseOffset.toString(), previousSize: old.size }, 'rolled new log segment');
    // Kafka flushes a segment (log and indexes) once it is rolled; doing it off the append path keeps produce
    // latency flat. A failure is retried at close, which must not mark a clean shutdown without it.
    const sync = old
      .flushAll()
      .catch((err: unknown) => {
        this.unflushedSegments.add(old);
        this.logger.warn({ file: old.paths.log, err }, 'flush of rolled segment failed');
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
    this.producers.removeExpired(Date.now(), this.deps.producerIdExpirationMs);
    const offset = this.producers.mapEndOffset;
    if (this.latestSnapshot === offset) return;
    await writeSnapshot(this.dir, offset, this.producers.activeProducers(), fsync);
    this.latestSnapshot = offset;
    const all = await listSnapshots(this.dir);
    for (const old of all.slice(0, Math.max(0, all.length - SNAPSHOTS_KEPT))) await deleteSnapshot(this.dir, old);
  }

  private flushDue(now: number): boolean {
    return this.unflushedMessages > 0 && this.flushDueAfter(0, now);
  }

  /** Whether flush.messages or flush.ms is reached once `messages` more are written. */
  private flushDueAfter(messages: number, now: number): boolean {
    return this.unflushedMessages + messages >= this.cfg.flushMessages || now - this.lastFlushMs >= this.cfg.flushMs;
  }

  /**
   * After a group: fsync when flush.messages or flush.ms is reached, else make sure the flush.ms timer will. A
   * failed fsync fails the group's appends: their bytes are in the file but may not survive a crash.
   */
  private async flushIfPastPolicy(outcomes: Array<AppendResult | Error | null>, written: readonly number[]): Promise<void> {
    if (written.length === 0) return;
    if (!this.flushDue(Date.now())) {
      this.armFlushTimer();
      return;
    }
    try {
      await this.flush();
    } catch (err) {
      const failure = new StorageWriteError(`fsync of ${this.activeSegment.paths.log} failed: ${(err as Error).message}`, err);
      this.logger.error({ dir: this.dir, err }, 'flush failed');
      for (const r of written) outcomes[r] = failure;
    }
  }

  /** fsyncs the active segment (flush.messages / flush.ms, clean shutdown). */
  async flush(): Promise<void> {
    this.fsyncs++;
    this.unflushedMessages = 0;
    this.lastFlushMs = Date.now();
    this.cancelFlushTimer();
    await this.activeSegment.fsync();
  }

  /** Periodic check for flush.ms when no appends arrive to trigger it. */
  async flushIfDue(now: number): Promise<void> {
    if (this.closed || this.draining !== null) return;
    if (this.flushDue(now)) await this.flush();
  }

  /**
   * Kafka's log flusher checks every log's time since its last flush; here a log with unflushed messages and a
   * finite flush.ms sets one timer for when that time is up, so quiet partitions are flushed on time too.
   */
  private armFlushTimer(): void {
    const flushMs = this.cfg.flushMs;
    if (this.flushTimer !== null || this.closed || this.unflushedMessages === 0 || flushMs > MAX_TIMER_DELAY_MS) return;
    const delay = Math.max(1, flushMs - (Date.now() - this.lastFlushMs));
    const timer = setTimeout(() => {
      if (this.flushTimer === timer) this.flushTimer = null;
      this.flushOnTimer();
    }, delay);
    timer.unref();
    this.flushTimer = timer;
  }

  private flushOnTimer(): void {
    if (this.closed) return;
    if (this.draining !== null) {
      // The group being written checks flush.ms itself when it ends; re-arm in case it ended just before.
      void this.draining.then(() => this.armFlushTimer());
      return;
    }
    const now = Date.now();
    if (!this.flushDue(now)) {
      // Timers run on the event loop's cached clock, which can lag Date.now(): a timer may fire a few ms before
      // flush.ms is up by the wall clock. Wait out the rest instead of dropping the flush.
      this.armFlushTimer();
      return;
    }
    this.flushIfDue(now).catch((err: unknown) => this.logger.error({ dir: this.dir, err }, 'timed flush failed'));
  }

  private cancelFlushTimer(): void {
    if (this.flushTimer === null) return;
    clearTimeout(this.flushTimer);
    this.flushTimer = null;
  }

  private notifyAppend(): void {
    if (this.listeners.size === 0) return;
    for (const listener of [...this.listeners]) {
      try {
        listener();
      } catch (err) {
        this.logger.warn({ err }, 'append listener threw');
      }
    }
  }

  // ---- reads --------------------------------------------------------------------------------------------------

  /**
   * Whole batches from the one holding `fetchOffset` on, at most `maxBytes` (one larger first batch with
   * `minOneBatch`), none reaching `maxOffset`. Disk reads land in buffers from `buffers` (fresh ones by default).
   */
  async read(fetchOffset: bigint, maxBytes: number, opts: ReadOptions = {}): Promise<ReadResult> {
    const highWatermark = this.highWatermark;
    const logStartOffset = this.startOffset;
    const logEnd = this.logEndOffset;
    if (fetchOffset < logStartOffset || fetchOffset > logEnd) {
      throw new OffsetOutOfRangeError(
        `Offset ${fetchOffset} is out of range for ${this.topic}-${this.partition} [${logStartOffset}, ${logEnd}]`,
      );
    }
    const maxOffset = opts.maxOffset === undefined || opts.maxOffset > highWatermark ? highWatermark : opts.maxOffset;
    const minOneBatch = opts.minOneBatch ?? false;
    const result = (batches: Buffer[]): ReadResult => ({
      batches,
      bytes: batches.reduce((n, b) => n + b.length, 0),
      highWatermark,
      logStartOffset,
    });
    if (fetchOffset >= maxOffset) return result([]);
    const cached = this.tail.read(fetchOffset, maxBytes, maxOffset, minOneBatch);
    if (cached !== null) return result(cached);
    const request: DiskRead = { fetchOffset, maxBytes, maxOffset, minOneBatch, buffers: opts.buffers ?? freshReadBuffers };
    return result(await this.readFromDisk(request));
  }

  private async readFromDisk(request: DiskRead): Promise<Buffer[]> {
    for (let attempt = 0; ; attempt++) {
      if (this.swapping !== null) await this.swapping;
      const segments = this.segments;
      try {
        return await this.readSegments(segments, request);
      } catch (err) {
        // A compaction swap retired the segment under the read: the same offsets are in the cleaned one.
        const swapped = segments !== this.segments || this.swapping !== null;
        if (!swapped || attempt >= 3 || request.fetchOffset < this.startOffset) throw err;
      }
    }
  }

  private async readSegments(segments: readonly LogSegment[], request: DiskRead): Promise<Buffer[]> {
    const { fetchOffset } = request;
    for (let i = floorSegmentIndex(segments, fetchOffset); i >= 0 && i < segments.length; i++) {
      const seg = segments[i];
      try {
        const hinted = this.readHints.take(fetchOffset, seg);
        const start = hinted ?? (await seg.locateOffset(fetchOffset, seg.size));
        if (start === null) continue;
        const batches = await this.readBatchesAt(seg, start, request);
        const last = batches.length > 0 ? batches[batches.length - 1] : undefined;
        if (last !== undefined) {
          const end = start.position + batches.reduce((n, b) => n + b.length, 0);
          this.readHints.remember(batchLastOffset(last) + 1n, seg, end);
        }
        return batches;
      } catch (err) {
        if (seg.isDeleted) throw new OffsetOutOfRangeError(`Offset ${fetchOffset} was deleted from ${this.topic}-${this.partition}`);
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
    const segs = this.segments;
    for (let i = 0; i < segs.length; i++) {
      const seg = segs[i];
      const end = i + 1 < segs.length ? segs[i + 1].baseOffset : this.logEndOffset;
      if (end <= this.startOffset || seg.size === 0) continue;
      if ((await seg.largestTimestamp()).timestamp < timestamp) continue;
      let candidate = await seg.locateTimestamp(timestamp, seg.size);
      while (candidate !== null) {
        const batch = await seg.readBytes(candidate.position, candidate.size);
        const hit = firstRecordAtOrAfter(batch, timestamp, this.startOffset);
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
    for (const seg of this.segments) {
      if (seg.size === 0) continue;
      const largest = await seg.largestTimestamp();
      if (largest.timestamp >= 0n && (best === null || largest.timestamp > best.timestamp)) best = { seg, ...largest };
    }
    if (best === null) return null;
    const located = await best.seg.locateOffset(best.offset, best.seg.size);
    if (located === null) return { offset: best.offset, timestamp: best.timestamp };
    return recordWithMaxTimestamp(await best.seg.readBytes(located.position, located.size));
  }

  leaderEpochStartOffset(epoch: number): { epoch: number; endOffset: bigint } {
    if (this.epochs.list().length === 0) {
      // No batch appended yet: the partition is in its first epoch, 0, as its leader has been since creation.
      return epoch === 0 ? { epoch: 0, endOffset: this.logEndOffset } : { epoch: -1, endOffset: -1n };
    }
    return this.epochs.endOffsetFor(epoch, this.logEndOffset);
  }

  // ---- compaction (driven by log-cleaner.ts) -------------------------------------------------------------------

  get isClosed(): boolean {
    return this.closed;
  }

  get cleanerCheckpoint(): bigint {
    return this.cleanerCheckpointOffset;
  }

  get activeBaseOffset(): bigint {
    return this.activeSegment.baseOffset;
  }

  /** The closed segments, oldest first (the active segment is never cleaned). */
  closedSegments(): readonly LogSegment[] {
    return this.segments.slice(0, -1);
  }

  /** What the cleaning plan needs to know of each closed segment. */
  async closedSegmentFacts(): Promise<Array<SegmentFacts & { segment: LogSegment }>> {
    const segs = this.segments;
    const facts: Array<SegmentFacts & { segment: LogSegment }> = [];
    const dirtyFrom = this.cleanerCheckpointOffset > this.startOffset ? this.cleanerCheckpointOffset : this.startOffset;
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
      facts.push({ segment: seg, baseOffset: seg.baseOffset, nextBaseOffset: segs[i + 1].baseOffset, size: seg.size, largestTimestamp: timestamp, firstBatchTimestamp: first });
    }
    return facts;
  }

  /** A writer for the cleaned replacement of segments starting at `baseOffset`. */
  cleanedSegmentWriter(baseOffset: bigint): CleanedSegmentWriter {
    return new CleanedSegmentWriter(this.dir, baseOffset, indexLimits(this.cfg));
  }

  /**
   * Swaps a finished cleaned segment (its files at `.swap`) in for `group`, consecutive closed segments. Returns
   * false, discarding the cleaned files, when the group changed meanwhile (retention, deletion, close).
   */
  installCleaned(group: readonly LogSegment[], cleaned: CleanedSegmentWriter, retainedAborts: readonly AbortedTxn[]): Promise<boolean> {
    return this.changeSegments(async () => {
      const at = this.segments.indexOf(group[0]);
      const intact = !this.closed && at >= 0 && at + group.length < this.segments.length && group.every((g, i) => this.segments[at + i] === g && !g.isDeleted);
      if (!intact) {
        await cleaned.discard();
        return false;
      }
      const end = this.segments[at + group.length].baseOffset;
      let done!: () => void;
      this.swapping = new Promise<void>((resolve) => {
        done = resolve;
      });
      try {
        const fresh = LogSegment.cleaned(this.dir, cleaned.baseOffset, cleaned.size, indexLimits(this.cfg), this.deps.resources);
        const retired: string[] = [];
        for (const old of group) retired.push(...(await old.markDeleted()));
        await promoteSwap(segmentPaths(this.dir, cleaned.baseOffset));
        this.segments = [...this.segments.slice(0, at), fresh, ...this.segments.slice(at + group.length)];
        this.aborted.replaceRange(group[0].baseOffset, end, retainedAborts);
        this.tail.dropEndingBefore(end);
        this.scheduleUnlink(retired);
      } finally {
        this.swapping = null;
        done();
      }
      return true;
    });
  }

  /** The dirty section now starts at `offset`; persisted so a restart does not clean the log again. */
  async setCleanerCheckpoint(offset: bigint): Promise<void> {
    this.cleanerCheckpointOffset = offset;
    const content = formatCheckpoint([[this.topic, String(this.partition), offset.toString()]]);
    await writeFileAtomic(path.join(this.dir, CLEANER_CHECKPOINT_FILE), content);
  }

  // ---- deletion and retention ----------------------------------------------------------------------------------

  /** DeleteRecords: moves the log start offset up to `offset` (-1 = high watermark) and drops whole segments. */
  async deleteRecordsBefore(offset: bigint): Promise<bigint> {
    const target = offset === -1n ? this.highWatermark : offset;
    if (target < 0n || target > this.highWatermark) {
      throw new OffsetOutOfRangeError(`Cannot delete records before ${offset} in ${this.topic}-${this.partition}: high watermark is ${this.highWatermark}`);
    }
    if (target > this.startOffset) {
      this.startOffset = target;
      this.epochs.truncateFromStart(target);
      this.aborted.dropBefore(target);
      await this.persistLogStartOffset();
      await this.deleteSegments(
        selectSegmentsToDelete(await this.retentionView(), this.sizeInBytes(), { ...this.cfg, cleanupPolicy: { delete: false } }, this.startOffset, Date.now()),
      );
    }
    return this.startOffset;
  }

  /**
   * One retention pass: retention.ms, retention.bytes and log start offset. As in Kafka, a non-empty active
   * segment past retention.ms or retention.bytes is rolled first so that it can be deleted like the others.
   */
  async enforceRetention(now: number = Date.now()): Promise<number> {
    if (this.closed) return 0;
    const victims = selectSegmentsToDelete(await this.retentionView(), this.sizeInBytes(), this.cfg, this.startOffset, now);
    const active = victims.find((v) => v.active);
    if (active !== undefined && !(await this.rollForRetention(active))) victims.pop();
    await this.deleteSegments(victims);
    return victims.length;
  }

  /** Rolls the active segment chosen by retention, unless appends moved on meanwhile; true if it rolled. */
  private rollForRetention(victim: RetentionVictim): Promise<boolean> {
    return this.withAppendsPaused(async () => {
      const seg = this.activeSegment;
      if (this.closed || seg.baseOffset !== victim.baseOffset || seg.size === 0) return false;
      if (seg.nextOffset !== victim.nextBaseOffset) return false;
      this.logger.info({ dir: this.dir, baseOffset: seg.baseOffset.toString(), reason: victim.reason }, 'rolling the active segment for retention');
      await this.roll(this.logEndOffset);
      return true;
    });
  }

  /** Runs `op` with no append group in progress; appends queued meanwhile are written after it. */
  private async withAppendsPaused<T>(op: () => Promise<T>): Promise<T> {
    while (this.draining !== null) await this.draining;
    const result = op();
    const paused = result.then(
      () => undefined,
      () => undefined,
    );
    this.draining = paused;
    try {
      return await result;
    } finally {
      if (this.draining === paused) {
        this.draining = null;
        if (this.pending.length > 0) this.draining = this.drain();
      }
    }
  }

  /** Every segment as retention sees it, oldest first; the active one only when it holds data. */
  private async retentionView(): Promise<RetentionVictim[]> {
    const view: RetentionVictim[] = [];
    const segs = this.segments;
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
    const going = this.segments.filter((s) => doomed.has(s.baseOffset) && s !== this.activeSegment);
    if (going.length === 0) return;
    this.segments = this.segments.filter((s) => !going.includes(s));
    const newStart = this.segments[0].baseOffset;
    if (newStart > this.startOffset) {
      this.startOffset = newStart;
      this.epochs.truncateFromStart(newStart);
      this.aborted.dropBefore(newStart);
      // The segments below it are gone, so a crash before the checkpoint cannot bring their records back: like
      // Kafka, the checkpoint follows within log.flush.start.offset.checkpoint.interval.ms, unwaited.
      this.deps.startOffsets.set(this.topic, this.partition, newStart);
      this.deps.startOffsets.persistSoon();
    }
    for (const seg of going) {
      const reason = victims.find((v) => v.baseOffset === seg.baseOffset)?.reason ?? '';
      const files = await seg.markDeleted();
      this.logger.info({ dir: this.dir, baseOffset: seg.baseOffset.toString(), size: seg.size, reason }, 'deleting log segment');
      this.scheduleUnlink(files);
    }
  }

  /** Kafka's file.delete.delay.ms: renamed files stay a while so in-flight reads on open handles can finish. */
  private scheduleUnlink(files: string[]): void {
    const timer = setTimeout(() => {
      this.deleteTimers.delete(timer);
      void unlinkAll(files);
    }, this.cfg.fileDeleteDelayMs);
    timer.unref();
    this.deleteTimers.set(timer, files);
  }

  /** Resolves once the data directory's checkpoint holds the new start offset durably. */
  private persistLogStartOffset(): Promise<void> {
    this.deps.startOffsets.set(this.topic, this.partition, this.startOffset);
    const write = this.deps.startOffsets.persist();
    this.checkpointWrites = this.checkpointWrites.catch(() => undefined).then(() => write);
    return write;
  }

  // ---- shutdown -----------------------------------------------------------------------------------------------

  /**
   * Finishes queued appends, writes what a clean start needs (indexes, producer snapshot, epoch history), releases
   * handles and cache, and returns the files written or left dirty. They are not fsynced here: the log manager makes
   * every partition's files durable in one step before it writes the clean-shutdown marker, so a failure here means
   * recovery on the next start. A partition untouched since it was loaded writes nothing.
   */
  async close(): Promise<WrittenFiles> {
    const files: string[] = [];
    if (this.closed) return { files, dirs: [] };
    this.closed = true;
    this.cancelFlushTimer();
    while (this.draining !== null) await this.draining;
    await this.segmentChanges;
    await Promise.all([...this.backgroundSyncs]);
    let wroteEntries = this.recoveredAtLoad;
    const dirty = this.recoveredAtLoad ? this.segments : this.unflushedSegments;
    for (const seg of dirty) if (!seg.isDeleted) files.push(...segmentFileList(seg));
    this.unflushedSegments.clear();
    const active = this.activeSegment;
    // Below index.interval.bytes the offset index is empty: rebuilding it at the next start reads less than the
    // segment's first index entry would have covered, while writing two index files per partition here is what
    // made closing 10,000 just-written partitions slow (file creation is the costly part).
    const smallActive = !active.hasOffsetIndexEntries;
    if (this.appendedSinceLoad) {
      if (!smallActive) {
        await active.persistIndexes(true, false);
        wroteEntries = true;
      }
      files.push(...segmentFileList(active));
    }
    // Every batch below the log end went through the producer state (plain batches leave it unchanged), so the
    // snapshot is named after the log end: the next start replays nothing, and a reload without appends matches it.
    if (this.logEndOffset > this.producers.mapEndOffset) this.producers.setEndOffset(this.logEndOffset);
    if (this.logEndOffset > 0n && this.snapshotNeededAtClose(smallActive)) {
      await this.takeSnapshot(false);
      files.push(path.join(this.dir, snapshotFileName(this.producers.mapEndOffset)));
      wroteEntries = true;
    }
    await this.checkpointWrites.catch(() => undefined);
    this.deps.startOffsets.set(this.topic, this.partition, this.startOffset);
    if (await this.epochs.writtenForShutdown()) {
      files.push(this.epochs.path);
      wroteEntries = true;
    }
    await this.releaseResources(true);
    return { files, dirs: wroteEntries || this.appendedSinceLoad ? [this.dir] : [] };
  }

  /**
   * Kafka snapshots producer state at shutdown so the next start reads no batches to rebuild it. With no producer
   * state to keep and none snapshotted before, a small active segment is rebuilt from (cheaply) instead.
   */
  private snapshotNeededAtClose(smallActive: boolean): boolean {
    if (this.latestSnapshot === this.producers.mapEndOffset) return false;
    return !smallActive || this.latestSnapshot !== null || this.producers.activeProducers().length > 0;
  }

  /** The partition's directory is about to be removed: stop everything without persisting anything. */
  async closeForDeletion(): Promise<void> {
    this.closed = true;
    this.cancelFlushTimer();
    const queued = this.pending;
    this.pending = [];
    for (const p of queued) p.reject(new LogClosedError(`${this.topic}-${this.partition} was deleted`));
    while (this.draining !== null) await this.draining.catch(() => undefined);
    await this.segmentChanges;
    await Promise.all([...this.backgroundSyncs]);
    await this.checkpointWrites.catch(() => undefined);
    await this.epochs.flushed();
    await this.releaseResources(false);
  }

  private async releaseResources(unlinkNow: boolean): Promise<void> {
    this.listeners.clear();
    this.deps.tailBudget.release(this.tail);
    for (const [timer, files] of this.deleteTimers) {
      clearTimeout(timer);
      if (unlinkNow) await unlinkAll(files);
    }
    this.deleteTimers.clear();
    for (const seg of this.segments) await seg.release();
  }
}

// ---- helpers ----------------------------------------------------------------------------------------------------

function indexLimits(config: LogConfig): IndexLimits {
  return { indexIntervalBytes: config.indexIntervalBytes, segmentIndexBytes: config.segmentIndexBytes };
}

/**
 * Rejects payloads whose batch framing would corrupt the log, and appends larger than a segment (Kafka checks that
 * in the log too); the broker validates everything else before.
 */
function checkAppendable(records: Buffer, segmentBytes: number): void {
  if (records.length > segmentBytes) throw new RecordBatchTooLargeError(records.length, segmentBytes);
  if (records.length === 0) throw new CorruptRecordError('empty record set');
  let pos = 0;
  while (pos < records.length) {
    if (records.length - pos < BATCH_MIN_SIZE) throw new CorruptRecordError(`truncated batch header at byte ${pos}`);
    const size = batchSize(records, pos);
    if (size < BATCH_MIN_SIZE || pos + size > records.length) throw new CorruptRecordError(`batch at byte ${pos} has invalid length ${size - BATCH_LOG_OVERHEAD}`);
    if (batchMagic(records, pos) !== 2) throw new CorruptRecordError(`batch at byte ${pos} has magic ${batchMagic(records, pos)}, only v2 is stored`);
    if (batchLastOffsetDelta(records, pos) < 0) throw new CorruptRecordError(`batch at byte ${pos} has a negative last offset delta`);
    pos += size;
  }
}

function anyProducerId(group: readonly AppendRequest[]): boolean {
  for (let i = 0; i < group.length; i++) if (hasProducerId(group[i].records)) return true;
  return false;
}

/** Whether any batch of `records` carries a producer id (idempotent, transactional or a marker). */
function hasProducerId(records: Buffer): boolean {
  for (let pos = 0; pos < records.length; pos += batchSize(records, pos)) {
    if (records.readBigInt64BE(pos + BATCH_HEADER.producerId) >= 0n) return true;
  }
  return false;
}

/**
 * Patches base offsets (contiguous from `baseOffset`), the leader epoch and LogAppendTime into the append's own
 * buffer (the log owns it, see PartitionLog.append) and describes its batches.
 */
function placeAppend(p: AppendRequest, request: number, baseOffset: bigint, logAppendTime: bigint): PlacedAppend {
  const buf = p.records;
  const batches: PlacedBatch[] = [];
  let next = baseOffset;
  let maxTimestamp = -1n;
  for (let pos = 0; pos < buf.length; ) {
    const size = batchSize(buf, pos);
    setBatchBaseOffset(buf, next, pos);
    setBatchPartitionLeaderEpoch(buf, p.leaderEpoch, pos);
    if (logAppendTime >= 0n) setBatchLogAppendTime(buf, logAppendTime, pos);
    const lastOffset = next + BigInt(batchLastOffsetDelta(buf, pos));
    const batchMax = batchMaxTimestamp(buf, pos);
    if (batchMax > maxTimestamp) maxTimestamp = batchMax;
    const bytes = size === buf.length ? buf : buf.subarray(pos, pos + size);
    batches.push({ position: pos, size, baseOffset: next, lastOffset, maxTimestamp: batchMax, bytes, records: batchRecordsCount(buf, pos) });
    next = lastOffset + 1n;
    pos += size;
  }
  return { request, records: buf, bytes: buf.length, leaderEpoch: p.leaderEpoch, logAppendTime, baseOffset, lastOffset: next - 1n, maxTimestamp, batches };
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

/** Index of the last segment whose base offset is at or below `offset` (binary search), or 0. */
function floorSegmentIndex(segments: readonly LogSegment[], offset: bigint): number {
  let lo = 0;
  let hi = segments.length - 1;
  let found = 0;
  while (lo <= hi) {
    const mid = (lo + hi) >>> 1;
    if (segments[mid].baseOffset <= offset) {
      found = mid;
      lo = mid + 1;
    } else {
      hi = mid - 1;
    }
  }
  return found;
}

/**
 * A history left without entries although the log holds batches (its first entry is written lazily, and a crash
 * came first) starts with the epoch of the batch at the log start, as recovering Kafka reassigns epochs from the
 * batches it reads.
 */
async function restoreFirstEpoch(epochs: LeaderEpochCache, segments: readonly LogSegment[], start: bigint): Promise<void> {
  const seg = segments[floorSegmentIndex(segments, start)];
  const first = await seg.locateOffset(start, seg.size);
  if (first === null) return;
  const epoch = batchPartitionLeaderEpoch(await seg.readBytes(first.position, BATCH_HEADER.size));
  if (epoch >= 0) epochs.assign(epoch, start);
}

async function unlinkAll(files: readonly string[]): Promise<void> {
  for (const f of files) await fsp.rm(f, { force: true });
}

/** The partition directory's file names, creating the directory when it is missing (a crash before makeDirs). */
function listPartitionDir(dir: string): string[] {
  try {
    return fs.readdirSync(dir);
  } catch (err) {
    if (!isNotFound(err)) throw err;
    fs.mkdirSync(dir, { recursive: true });
    return [];
  }
}

function isCleaningLeftover(name: string): boolean {
  return name.endsWith(CLEANED_SUFFIX) || name.endsWith(SWAP_SUFFIX);
}

/** Removes leftovers of interrupted operations (among `names`) and returns the names that remain. */
async function cleanDirectory(dir: string, names: readonly string[], logger: Logger): Promise<Set<string>> {
  const present = new Set<string>();
  const logs = new Set<string>();
  for (const name of names) {
    if (name.endsWith(DELETED_SUFFIX) || name.endsWith(TEMP_SUFFIX)) {
      await fsp.rm(path.join(dir, name), { force: true });
      continue;
    }
    present.add(name);
    if (parseSegmentFileName(name, LOG_SUFFIX) !== null) logs.add(name.slice(0, -LOG_SUFFIX.length));
  }
  for (const name of names) {
    const stem = name.endsWith(INDEX_SUFFIX) ? name.slice(0, -INDEX_SUFFIX.length) : name.endsWith(TIME_INDEX_SUFFIX) ? name.slice(0, -TIME_INDEX_SUFFIX.length) : null;
    if (stem !== null && /^\d{20}$/.test(stem) && !logs.has(stem)) {
      logger.warn({ file: path.join(dir, name) }, 'removing index file without a log segment');
      await fsp.rm(path.join(dir, name), { force: true });
      present.delete(name);
    }
  }
  return present;
}

function segmentBases(names: ReadonlySet<string>): bigint[] {
  const bases: bigint[] = [];
  for (const name of names) {
    const base = parseSegmentFileName(name, LOG_SUFFIX);
    if (base !== null) bases.push(base);
  }
  return bases.sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
}

/** The per-partition checkpoint file earlier versions wrote; the data directory's one replaces it. */
function readLegacyLogStartOffset(dir: string, logger: Logger): Promise<bigint | null> {
  return readPartitionCheckpoint(path.join(dir, LOG_START_OFFSET_CHECKPOINT_FILE), logger);
}

async function readPartitionCheckpoint(file: string, logger: Logger): Promise<bigint | null> {
  try {
    const rows = await readCheckpointFile(file);
    const row = rows?.[0];
    if (row === undefined || row.length !== 3 || !/^\d+$/.test(row[2])) return null;
    return BigInt(row[2]);
  } catch (err) {
    if (!isNotFound(err)) logger.warn({ file, err }, 'unreadable checkpoint file; using the log start');
    return null;
  }
}

/**
 * Brings the segments to a consistent state. Clean shutdown: trust the files, rebuilding only unusable indexes.
 * Otherwise: re-validate the active segment, and every segment whose index files are missing or malformed; a
 * corrupt segment is cut after its last intact batch and every later segment is removed, as offsets after a hole
 * cannot be trusted.
 */
async function recoverSegments(segments: LogSegment[], clean: boolean, present: ReadonlySet<string>, logger: Logger): Promise<void> {
  if (!clean) {
    for (let i = 0; i < segments.length - 1; i++) {
      if (await indexFilesLookSane(segments[i])) continue;
      const outcome = await segments[i].rebuild({ verify: true, truncate: true });
      if (outcome.problem === null) {
        logger.warn({ file: segments[i].paths.log }, 'rebuilt missing or malformed index files');
        continue;
      }
      logger.warn(
        { file: segments[i].paths.log, problem: outcome.problem, validBytes: outcome.validBytes, cutBytes: outcome.cutBytes },
        'corrupt batch in closed segment; truncated it and removing later segments',
      );
      const later = segments.splice(i + 1);
      for (const seg of later) {
        const files = await seg.markDeleted();
        await unlinkAll(files);
      }
      segments[i].activate();
      return;
    }
  }
  const active = segments[segments.length - 1];
  // A clean shutdown leaves no index files for a segment below index.interval.bytes (see close): rebuild at once.
  const indexed = active.size === 0 || (present.has(path.basename(active.paths.index)) && present.has(path.basename(active.paths.timeIndex)));
  if (clean && indexed && (await active.openAsActive())) return;
  // After a clean shutdown the index files are left out only for segments below index.interval.bytes (see close).
  const outcome = await active.rebuild({ verify: true, truncate: true, writeIndexes: !clean });
  active.activate();
  // Index files of a segment outgrowing index.interval.bytes save the next start this rebuild.
  if (clean && active.hasOffsetIndexEntries) await active.persistIndexes(false);
  if (outcome.problem !== null) {
    logger.warn(
      { file: active.paths.log, problem: outcome.problem, validBytes: outcome.validBytes, cutBytes: outcome.cutBytes },
      'truncated torn or corrupt tail of log segment',
    );
  } else {
    logger.debug({ file: active.paths.log, bytes: outcome.validBytes, clean }, 'recovered log segment; all batches intact');
  }
}

async function indexFilesLookSane(seg: LogSegment): Promise<boolean> {
  try {
    const [ix, tix] = await Promise.all([fsp.stat(seg.paths.index), fsp.stat(seg.paths.timeIndex)]);
    return ix.size % OFFSET_INDEX_ENTRY_SIZE === 0 && tix.size % TIME_INDEX_ENTRY_SIZE === 0;
  } catch {
    return false;
  }
}

function segmentFileList(seg: LogSegment): string[] {
  return [seg.paths.log, seg.paths.index, seg.paths.timeIndex, seg.paths.txnIndex];
}

function maxOffset(a: bigint | undefined, b: bigint | null): bigint | null {
  if (a === undefined) return b;
  return b === null || a > b ? a : b;
}
