// Leader epoch history of one partition: (epoch, start offset) pairs, persisted in Kafka's
// `leader-epoch-checkpoint` text format. OffsetForLeaderEpoch answers from it.
import * as path from 'path';
import type { Logger } from './logger';
import { formatCheckpoint, readCheckpointFile, writeFileAtomic } from './atomic-file';
import { LEADER_EPOCH_CHECKPOINT_FILE } from './file-names';

export interface EpochEntry {
  epoch: number;
  startOffset: bigint;
}

export class LeaderEpochCache {
  private entries: EpochEntry[];
  private writes: Promise<void> = Promise.resolve();
  /** The first entry of a history is written lazily: see assign(). */
  private firstEntryUnwritten = false;
  /** Whether this process wrote the file (a shutdown makes it durable then). */
  private written = false;

  private constructor(
    private readonly file: string,
    entries: EpochEntry[],
    private readonly logger: Logger,
  ) {
    this.entries = entries;
  }

  static async load(dir: string, logger: Logger): Promise<LeaderEpochCache> {
    const file = path.join(dir, LEADER_EPOCH_CHECKPOINT_FILE);
    let rows: string[][] | null;
    try {
      rows = await readCheckpointFile(file);
    } catch (err) {
      // The history only serves OffsetForLeaderEpoch answers; starting it afresh is safe.
      logger.warn({ file, err }, 'malformed leader epoch checkpoint; starting a new history');
      rows = null;
    }
    const entries = (rows ?? [])
      .filter((r) => r.length === 2 && /^\d+$/.test(r[0]) && /^\d+$/.test(r[1]))
      .map((r) => ({ epoch: Number(r[0]), startOffset: BigInt(r[1]) }));
    return new LeaderEpochCache(file, entries, logger);
  }

  /** The history of a partition created just now: empty, and nothing on disk yet. */
  static empty(dir: string, logger: Logger): LeaderEpochCache {
    return new LeaderEpochCache(path.join(dir, LEADER_EPOCH_CHECKPOINT_FILE), [], logger);
  }

  get latestEpoch(): number {
    return this.entries.length === 0 ? -1 : this.entries[this.entries.length - 1].epoch;
  }

  list(): readonly EpochEntry[] {
    return this.entries;
  }

  /** Records that `epoch` starts at `startOffset` if it is newer than every known epoch. */
  assign(epoch: number, startOffset: bigint): boolean {
    if (epoch <= this.latestEpoch) return false;
    this.entries.push({ epoch, startOffset });
    // A history's first entry is the epoch of the batch at the log start, which the log itself records: it is
    // written with the next change or at shutdown (flushed()), and a crash before that is repaired when the
    // partition loads (PartitionLog's restoreFirstEpoch). The first append to each of 10,000 new partitions
    // then costs no checkpoint file write each. Later entries are written at once, as Kafka does.
    if (this.entries.length === 1) this.firstEntryUnwritten = true;
    else this.persist();
    return true;
  }

  /**
   * Kafka's end-offset answer: for the latest epoch the log end offset; for an older one the start of the next
   * newer epoch; (-1, -1) when the requested epoch is newer than any known.
   */
  endOffsetFor(epoch: number, logEndOffset: bigint): { epoch: number; endOffset: bigint } {
    if (epoch < 0 || this.entries.length === 0) return { epoch: -1, endOffset: -1n };
    if (epoch === this.latestEpoch) return { epoch, endOffset: logEndOffset };
    const higher = this.entries.find((e) => e.epoch > epoch);
    if (higher === undefined) return { epoch: -1, endOffset: -1n };
    let floor: EpochEntry | undefined;
    for (const e of this.entries) if (e.epoch <= epoch) floor = e;
    return { epoch: floor === undefined ? epoch : floor.epoch, endOffset: higher.startOffset };
  }

  /** Drops epochs starting at or after `endOffset` (the log was cut there). */
  truncateFromEnd(endOffset: bigint): void {
    const kept = this.entries.filter((e) => e.startOffset < endOffset);
    if (kept.length === this.entries.length) return;
    this.entries = kept;
    this.persist();
  }

  /** Keeps history from the new log start: earlier epochs go, the one spanning it starts there. */
  truncateFromStart(startOffset: bigint): void {
    let firstKept = 0;
    for (let i = 0; i < this.entries.length; i++) if (this.entries[i].startOffset <= startOffset) firstKept = i;
    const kept = this.entries.slice(firstKept).map((e, i) => (i === 0 && e.startOffset < startOffset ? { ...e, startOffset } : e));
    const changed = kept.length !== this.entries.length || kept.some((e, i) => e.startOffset !== this.entries[i].startOffset);
    if (!changed) return;
    this.entries = kept;
    this.persist();
  }

  get path(): string {
    return this.file;
  }

  /** Writes a history not yet on disk, then resolves when every checkpoint write so far has landed. */
  flushed(): Promise<void> {
    if (this.firstEntryUnwritten) this.persist();
    return this.writes;
  }

  /**
   * Resolves, once every checkpoint write so far has landed, to whether this process wrote the file. A history
   * whose only entry is still unwritten stays so: the next start restores it from the batch at the log start, as
   * after a crash, which costs one header read on load where writing would cost a file per partition at shutdown.
   */
  async writtenForShutdown(): Promise<boolean> {
    await this.writes;
    return this.written;
  }

  private persist(): void {
    this.firstEntryUnwritten = false;
    this.written = true;
    const content = formatCheckpoint(this.entries.map((e) => [String(e.epoch), e.startOffset.toString()]));
    // Writes are chained so an older snapshot can never overwrite a newer one.
    // Not fsynced, as Kafka stopped doing on the append path (KAFKA-15046): the first append to every partition
    // writes this file, and two fsyncs each made a first write to 10,000 partitions take seconds. A crash can
    // leave the older or no history, which only narrows what OffsetForLeaderEpoch answers (one node: epoch 0).
    this.writes = this.writes
      .then(() => writeFileAtomic(this.file, content, { fsync: false }))
      .catch((err: unknown) => this.logger.error({ file: this.file, err }, 'failed to write leader epoch checkpoint'));
  }
}
