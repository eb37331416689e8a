// Kafka's per-data-directory offset checkpoints (`log-start-offset-checkpoint`): one text file for every partition
// of the directory, "<topic> <partition> <offset>" per line after a version and a count line. One file written at
// shutdown (and when a start offset moves) costs one write where a file per partition cost one per partition.
import * as path from 'path';
import { formatCheckpoint, readCheckpointFile, writeFileAtomic } from './atomic-file';
import { LOG_START_OFFSET_CHECKPOINT_FILE } from './file-names';

/** Reads a per-directory offset checkpoint; missing file = empty. Malformed lines are skipped, a malformed file throws. */
export async function readOffsetCheckpoint(file: string): Promise<Map<string, bigint>> {
  const offsets = new Map<string, bigint>();
  const rows = await readCheckpointFile(file);
  for (const row of rows ?? []) {
    if (row.length !== 3 || !/^\d+$/.test(row[1]) || !/^\d+$/.test(row[2])) continue;
    offsets.set(partitionKey(row[0], Number(row[1])), BigInt(row[2]));
  }
  return offsets;
}

export function formatOffsetCheckpoint(offsets: ReadonlyMap<string, bigint>): string {
  const rows: string[][] = [];
  for (const [key, offset] of offsets) {
    const { topic, partition } = parsePartitionKey(key);
    rows.push([topic, String(partition), offset.toString()]);
  }
  return formatCheckpoint(rows);
}

/** Kafka's log.flush.start.offset.checkpoint.interval.ms default. */
export const START_OFFSET_CHECKPOINT_INTERVAL_MS = 60_000;

/** Map key of a partition; topic names never contain a space (checkTopicName), so a space separates safely. */
export function partitionKey(topic: string, partition: number): string {
  return `${topic} ${partition}`;
}

function parsePartitionKey(key: string): { topic: string; partition: number } {
  const at = key.lastIndexOf(' ');
  return { topic: key.slice(0, at), partition: Number(key.slice(at + 1)) };
}

/**
 * The log start offsets of every partition of a data directory, persisted in one checkpoint file. Kafka writes the
 * file every log.flush.start.offset.checkpoint.interval.ms; here a change (DeleteRecords, retention) asks for a
 * write and waits for it, so an acknowledged DeleteRecords never comes back after a crash, and changes arriving
 * while a write is under way share the next one.
 */
export class LogStartOffsets {
  private readonly file: string;
  private writes: Promise<void> = Promise.resolve();
  private changedSinceWrite = false;
  private scheduled: NodeJS.Timeout | null = null;

  constructor(
    dataDir: string,
    private readonly offsets: Map<string, bigint>,
    private readonly onScheduledWriteError: (err: unknown) => void = () => undefined,
  ) {
    this.file = path.join(dataDir, LOG_START_OFFSET_CHECKPOINT_FILE);
  }

  static async load(dataDir: string, onScheduledWriteError?: (err: unknown) => void): Promise<LogStartOffsets> {
    return new LogStartOffsets(dataDir, await readOffsetCheckpoint(path.join(dataDir, LOG_START_OFFSET_CHECKPOINT_FILE)), onScheduledWriteError);
  }

  /**
   * Writes the changes within Kafka's log.flush.start.offset.checkpoint.interval.ms (60 s), for moves that need
   * not wait for the file (retention: the deleted segments cannot come back). Shutdown writes what is left.
   */
  persistSoon(delayMs = START_OFFSET_CHECKPOINT_INTERVAL_MS): void {
    if (this.scheduled !== null) return;
    this.scheduled = setTimeout(() => {
      this.scheduled = null;
      this.persist().catch(this.onScheduledWriteError);
    }, delayMs);
    this.scheduled.unref();
  }

  cancelScheduled(): void {
    if (this.scheduled !== null) clearTimeout(this.scheduled);
    this.scheduled = null;
  }

  get(topic: string, partition: number): bigint | undefined {
    return this.offsets.get(partitionKey(topic, partition));
  }

  /** Records a new start offset without writing it (shutdown writes every change in one go, see persist). */
  set(topic: string, partition: number, offset: bigint): void {
    const key = partitionKey(topic, partition);
    if (this.offsets.get(key) === offset) return;
    this.offsets.set(key, offset);
    this.changedSinceWrite = true;
  }

  /** Forgets the partitions of a topic (deleted, or about to be created afresh); true if any was known. */
  forgetTopic(topic: string, keep: (partition: number) => boolean = () => false): boolean {
    let removed = false;
    const prefix = `${topic} `;
    for (const key of [...this.offsets.keys()]) {
      if (!key.startsWith(prefix) || !/^\d+$/.test(key.slice(prefix.length))) continue;
      if (keep(Number(key.slice(prefix.length)))) continue;
      this.offsets.delete(key);
      removed = true;
    }
    if (removed) this.changedSinceWrite = true;
    return removed;
  }

  /** The topics with an entry. */
  topics(): string[] {
    const names = new Set<string>();
    for (const key of this.offsets.keys()) names.add(parsePartitionKey(key).topic);
    return [...names];
  }

  get hasUnwrittenChanges(): boolean {
    return this.changedSinceWrite;
  }

  /**
   * Writes the file (atomically, durably with `fsync`) if anything changed since the last write. Writes are
   * chained: each caller's write starts after the previous one ended, and finds nothing to do when an earlier one
   * already covered its change, so a burst of changes costs two writes at most.
   */
  persist(fsync = true): Promise<void> {
    const run = this.writes.catch(() => undefined).then(() => (this.changedSinceWrite ? this.writeNow(fsync) : undefined));
    this.writes = run;
    return run;
  }

  /** The checkpoint file's path (shutdown syncs it with everything else). */
  get path(): string {
    return this.file;
  }

  private async writeNow(fsync: boolean): Promise<void> {
    this.changedSinceWrite = false;
    try {
      await writeFileAtomic(this.file, formatOffsetCheckpoint(this.offsets), { fsync });
    } catch (err) {
      this.changedSinceWrite = true;
      throw err;
    }
  }
}
