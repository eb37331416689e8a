// The append path of one partition: a queue of appends written in groups (one write call per group and segment),
// and appendNow, which writes a lone append at once when nothing needs an await. Both paths follow the same plan
// (append-planner.ts); they differ only in what they may wait for: the queued path rolls segments, opens files,
// records completed transactions and flushes, where appendNow declines and leaves the append to the queue.
import { AppendListeners } from './append-listeners';
import { LogClosedError, StorageWriteError } from './errors';
import { AbortedTxn, appendTxnIndexFile } from './txn-index';
import { currentAppendTurn } from './append-turn';
import { CompletedTxn } from './producer-state';
import { AppendOptions, AppendOutcome, AppendRequest, AppendResult, checkAppendable, GroupPlan, NO_COMPLETED_TXNS, screenProducers } from './append-planner';
import { FlushPolicy } from './flush-policy';
import { LocalLog } from './local-log';
import { floorSegmentIndex } from './offset-search';
import { SegmentChanges } from './segment-changes';

interface PendingAppend extends AppendRequest {
  resolve: (r: AppendResult) => void;
  reject: (e: unknown) => void;
}

export class AppendPipeline {
  private pending: PendingAppend[] = [];
  private draining: Promise<void> | null = null;
  /** The turn (append-turn.ts) of the last appendNow write; later appends of that turn are grouped instead. */
  private lastImmediateTurn = -1;
  /** Appends in the last group written: more than one means appends arrive concurrently, and group commit pays. */
  private lastGroupSize = 0;
  private readonly listeners = new AppendListeners();

  constructor(
    private readonly log: LocalLog,
    private readonly flusher: FlushPolicy,
    private readonly changes: SegmentChanges,
  ) {}

  /** The group being written (or the pause of appends), null when the pipeline is idle. */
  get inFlight(): Promise<void> | null {
    return this.draining;
  }

  /** See PartitionLog.append. */
  append(records: Buffer, opts: AppendOptions): Promise<AppendResult> {
    const log = this.log;
    if (log.closed) return Promise.reject(new LogClosedError(`${log.name} is closed`));
    try {
      checkAppendable(records, log.cfg.segmentBytes);
    } catch (err) {
      return Promise.reject(err);
    }
    return new Promise<AppendResult>((resolve, reject) => {
      this.pending.push({ records, leaderEpoch: opts.leaderEpoch ?? 0, origin: opts.origin ?? 'client', resolve, reject });
      if (this.draining === null) this.draining = this.drain();
    });
  }

  /** See PartitionLog.appendNow. */
  appendNow(records: Buffer, opts: AppendOptions): AppendResult | null {
    const log = this.log;
    if (log.closed) throw new LogClosedError(`${log.name} is closed`);
    if (this.pending.length > 0 || this.draining !== null || this.lastGroupSize > 1) return null;
    const turn = currentAppendTurn();
    if (turn === this.lastImmediateTurn) return null;
    checkAppendable(records, log.cfg.segmentBytes);
    const outcomes = this.writeGroupNow([{ records, leaderEpoch: opts.leaderEpoch ?? 0, origin: opts.origin ?? 'client' }]);
    if (outcomes === null) return null;
    this.lastImmediateTurn = turn;
    this.lastGroupSize = 1;
    this.notifyAppend();
    const outcome = outcomes[0];
    if (outcome instanceof Error) throw outcome;
    return outcome;
  }

  onAppend(listener: () => void): () => void {
    return this.listeners.add(listener);
  }

  clearListeners(): void {
    this.listeners.clear();
  }

  /** Resolves once queued appends are written (close: the log is marked closed first, so none are added). */
  async idle(): Promise<void> {
    while (this.draining !== null) await this.draining;
  }

  /** Rejects every queued append with `reason` and waits for the group being written. */
  async abandon(reason: Error): Promise<void> {
    const queued = this.pending;
    this.pending = [];
    for (const p of queued) p.reject(reason);
    while (this.draining !== null) await this.draining.catch(() => undefined);
  }

  /** Runs `op` with no append group in progress; appends queued meanwhile are written after it. */
  async paused<T>(op: () => Promise<T>): Promise<T> {
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
    let outcomes: AppendOutcome[];
    try {
      outcomes = await this.writeGroupWaiting(group);
    } catch (err) {
      this.log.logger.error({ dir: this.log.dir, err }, 'append failed');
      for (const p of group) p.reject(err);
      return;
    }
    this.settle(group, outcomes);
  }

  private settle(group: readonly PendingAppend[], outcomes: readonly AppendOutcome[]): void {
    for (let i = 0; i < group.length; i++) {
      const o = outcomes[i] as AppendResult | Error;
      if (o instanceof Error) group[i].reject(o);
      else group[i].resolve(o);
    }
    this.notifyAppend();
  }

  private plan(group: readonly AppendRequest[]): GroupPlan {
    const log = this.log;
    const firstOffset = log.logEndOffset;
    const screened = screenProducers(log.producers, group, firstOffset, log.startOffset);
    const logAppendTime = log.cfg.timestampType === 'LogAppendTime' ? BigInt(Date.now()) : -1n;
    return new GroupPlan(group, screened, firstOffset, logAppendTime);
  }

  /**
   * The common case without a single await: the whole group fits the active segment, its file is open, no
   * transaction completes and no flush is due. Returns null, having changed nothing but the offsets patched into
   * the buffers (the waiting path patches the same ones again), when any of that does not hold.
   */
  private writeGroupNow(group: readonly AppendRequest[]): AppendOutcome[] | null {
    const plan = this.plan(group);
    if (plan.completed.length > 0) return null;
    const seg = this.log.activeSegment;
    const fd = seg.appendFdNow();
    if (fd === null) return null;
    if (plan.fill(seg, this.log.cfg) !== null) return null;
    if (plan.messages > 0 && this.flusher.dueAfter(plan.messages, Date.now())) return null;
    this.finish(plan, this.writeRunNow(plan, fd));
    // No flush was due before the write (checked above); flush.ms is left to the timer.
    if (plan.written.length > 0) this.flusher.arm();
    return plan.outcomes;
  }

  /**
   * The same plan, awaiting what the synchronous path declines: a roll between runs (one write call per segment
   * touched), opening the segment file, recording completed transactions, and a flush the policy calls for.
   */
  private async writeGroupWaiting(group: readonly AppendRequest[]): Promise<AppendOutcome[]> {
    const plan = this.plan(group);
    let failure: Error | null;
    for (;;) {
      const rollAt = plan.fill(this.log.activeSegment, this.log.cfg);
      failure = await this.writeRun(plan);
      if (failure !== null || rollAt === null) break;
      try {
        await this.changes.roll(rollAt.baseOffset);
      } catch (err) {
        failure = new StorageWriteError(`rolling ${this.log.name} at ${rollAt.baseOffset} failed: ${(err as Error).message}`, err);
        break;
      }
      plan.startRun(rollAt);
    }
    const completed = this.finish(plan, failure);
    if (completed.length > 0) await this.recordCompletedTxns(completed);
    if (this.flusher.dueAfterGroup(plan.written.length)) await this.flusher.flushGroup(plan.outcomes, plan.written);
    return plan.outcomes;
  }

  /**
   * After the group's last write: a failure fails the appends not written, and the producer state of what reached
   * the log is committed: all of it, or after a failed write only the appends written. Returns the transactions
   * that completed.
   */
  private finish(plan: GroupPlan, failure: Error | null): readonly CompletedTxn[] {
    if (failure !== null) {
      this.log.logger.error({ dir: this.log.dir, err: failure }, 'append failed; the segment was cut back to its last good size');
      plan.failRemaining(failure);
    }
    if (plan.stage === null) return NO_COMPLETED_TXNS;
    // Staging is deterministic, so staging only the written prefix again gives exactly its state.
    const effective = failure === null ? plan : screenProducers(this.log.producers, plan.writtenRequests(), plan.firstOffset, this.log.startOffset);
    if (effective.stage === null) return NO_COMPLETED_TXNS;
    this.log.producers.commit(effective.stage, this.log.logEndOffset);
    return effective.completed;
  }

  /** Writes the plan's current run to the active segment in one call, opening the file first if need be. */
  private async writeRun(plan: GroupPlan): Promise<Error | null> {
    if (plan.appends.length === 0) return null;
    const seg = this.log.activeSegment;
    const fd = seg.appendFdNow();
    if (fd !== null) return this.writeRunNow(plan, fd);
    try {
      return await seg.withAppendFd((opened) => this.writeRunNow(plan, opened));
    } catch (err) {
      return new StorageWriteError(`opening ${seg.paths.log} failed: ${(err as Error).message}`, err);
    }
  }

  /** writeRun once the descriptor is at hand; synchronous. Records each written append's outcome. */
  private writeRunNow(plan: GroupPlan, fd: number): Error | null {
    if (plan.appends.length === 0) return null;
    const log = this.log;
    const injected = log.deps.resources.writeFaults?.check;
    if (injected != null) {
      const reason = injected(log.topic, log.partition);
      if (reason !== null) return new StorageWriteError(`append to ${log.activeSegment.paths.log} failed: ${reason}`);
    }
    try {
      log.activeSegment.appendSync(fd, plan.buffers, plan.bytes, plan.batches);
    } catch (err) {
      return err instanceof StorageWriteError ? err : new StorageWriteError(`append to ${log.activeSegment.paths.log} failed: ${(err as Error).message}`, err);
    }
    const logAppendTime = plan.logAppendTime;
    log.writeCalls++;
    log.appendedSinceLoad = true;
    log.tail.add(plan.batches);
    this.flusher.written(plan.messages);
    for (const a of plan.appends) {
      log.epochs.assign(a.leaderEpoch, a.baseOffset);
      plan.outcomes[a.request] = { baseOffset: a.baseOffset, lastOffset: a.lastOffset, logAppendTime, logStartOffset: log.startOffset, duplicate: false };
      plan.written.push(a.request);
    }
    return null;
  }

  /** Aborted transactions go to the in-memory list and the `.txnindex` of the segment holding the marker. */
  private async recordCompletedTxns(completed: readonly CompletedTxn[]): Promise<void> {
    const log = this.log;
    for (const txn of completed) {
      if (!txn.aborted) continue;
      const entry: AbortedTxn = {
        producerId: txn.producerId,
        firstOffset: txn.firstOffset,
        lastOffset: txn.lastOffset,
        lastStableOffset: log.producers.firstUnstableOffset() ?? txn.lastOffset + 1n,
      };
      log.aborted.add(entry);
      const seg = log.segments[floorSegmentIndex(log.segments, txn.lastOffset)];
      await appendTxnIndexFile(seg.paths.txnIndex, entry);
    }
  }

  private notifyAppend(): void {
    if (this.listeners.isEmpty) return;
    for (const listener of this.listeners.snapshot()) {
      try {
        listener();
      } catch (err) {
        this.log.logger.warn({ err }, 'append listener threw');
      }
    }
  }
}
