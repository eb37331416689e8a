// When a partition's log is fsynced: Kafka's flush.messages and flush.ms (default never), counted per partition.
// Appends only count messages and ask whether a flush is due; a timer covers flush.ms for partitions that go quiet.
// Rolled segments are flushed by the roll itself and the rest at close, so nothing here runs by default.
import { StorageWriteError } from './errors';
import { LocalLog } from './local-log';
import { AppendOutcome } from './append-planner';

/** setTimeout's largest delay; a longer flush.ms (the default is "never") is left to the retention pass. */
const MAX_TIMER_DELAY_MS = 2147483647;

export class FlushPolicy {
  private unflushedMessages = 0;
  private lastFlushMs = Date.now();
  private timer: NodeJS.Timeout | null = null;
  private fsyncs = 0;

  constructor(
    private readonly log: LocalLog,
    /** The append group being written, if any: a timed flush waits for it, as it checks the policy itself. */
    private readonly appendsInFlight: () => Promise<void> | null,
  ) {}

  /** fsync calls made by flush.messages / flush.ms so far. */
  get count(): number {
    return this.fsyncs;
  }

  /** Counts messages a write put in the file. */
  written(messages: number): void {
    this.unflushedMessages += messages;
  }

  /** Whether flush.messages or flush.ms is reached once `messages` more are written. */
  dueAfter(messages: number, now: number): boolean {
    return this.unflushedMessages + messages >= this.log.cfg.flushMessages || now - this.lastFlushMs >= this.log.cfg.flushMs;
  }

  /**
   * After a group that wrote something: true when flush.messages or flush.ms is reached (the caller flushes),
   * else the flush.ms timer is armed and false returned.
   */
  dueAfterGroup(writtenAppends: number): boolean {
    if (writtenAppends === 0) return false;
    if (this.due(Date.now())) return true;
    this.arm();
    return false;
  }

  /**
   * Flushes after a group past the policy. A failed fsync fails the group's written appends: their bytes are in
   * the file but may not survive a crash.
   */
  async flushGroup(outcomes: AppendOutcome[], written: readonly number[]): Promise<void> {
    try {
      await this.flush();
    } catch (err) {
      const failure = new StorageWriteError(`fsync of ${this.log.activeSegment.paths.log} failed: ${(err as Error).message}`, err);
      this.log.logger.error({ dir: this.log.dir, err }, 'flush failed');
      for (const r of written) outcomes[r] = failure;
    }
  }

  /** fsyncs the active segment (flush.messages / flush.ms, clean shutdown). */
  async flush(): Promise<void> {
    this.fsyncs++;
    this.unflushedMessages = 0;
    this.lastFlushMs = Date.now();
    this.cancel();
    await this.log.activeSegment.fsync();
  }

  /** Periodic check for flush.ms when no appends arrive to trigger it. */
  async flushIfDue(now: number): Promise<void> {
    if (this.log.closed || this.appendsInFlight() !== null) return;
    if (this.due(now)) await this.flush();
  }

  /**
   * Kafka's log flusher checks every log's time since its last flush; here a log with unflushed messages and a
   * finite flush.ms sets one timer for when that time is up, so quiet partitions are flushed on time too.
   */
  arm(): void {
    const flushMs = this.log.cfg.flushMs;
    if (this.timer !== null || this.log.closed || this.unflushedMessages === 0 || flushMs > MAX_TIMER_DELAY_MS) return;
    const delay = Math.max(1, flushMs - (Date.now() - this.lastFlushMs));
    const timer = setTimeout(() => {
      if (this.timer === timer) this.timer = null;
      this.onTimer();
    }, delay);
    timer.unref();
    this.timer = timer;
  }

  cancel(): void {
    if (this.timer === null) return;
    clearTimeout(this.timer);
    this.timer = null;
  }

  private due(now: number): boolean {
    return this.unflushedMessages > 0 && this.dueAfter(0, now);
  }

  private onTimer(): void {
    if (this.log.closed) return;
    const inFlight = this.appendsInFlight();
    if (inFlight !== null) {
      // The group being written checks flush.ms itself when it ends; re-arm in case it ended just before.
      void inFlight.then(() => this.arm());
      return;
    }
    const now = Date.now();
    if (!this.due(now)) {
      // Timers run on the event loop's cached clock, which can lag Date.now(): a timer may fire a few ms before
      // flush.ms is up by the wall clock. Wait out the rest instead of dropping the flush.
      this.arm();
      return;
    }
    this.flushIfDue(now).catch((err: unknown) => this.log.logger.error({ dir: this.log.dir, err }, 'timed flush failed'));
  }
}
