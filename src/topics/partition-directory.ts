// Finds the partition logs of topics requests name (TopicService finds the topics). Storage builds a partition
// stored at a clean start on its first use; this directory keeps that behind one call, so a handler only knows
// that an answer may have to wait.
import type { LogManager, PartitionLog, TopicMetadata } from '../../storage';
import type { ReadBufferPool } from '../../storage/read-buffers';

export type MaybeLog = PartitionLog | undefined;

export class PartitionDirectory {
  constructor(private readonly logs: LogManager) {}

  /** The partition's log; a promise only while storage builds it for its first use. */
  log(topic: TopicMetadata | undefined, partition: number): MaybeLog | Promise<MaybeLog> {
    // Checked before the one-element array is built: every Produce of one partition comes through here.
    if (!this.logs.hasUnloadedPartitions) return this.loaded(topic, partition);
    const loading = this.loading(topic, [partition]);
    return loading === null ? this.loaded(topic, partition) : loading.then(() => this.loaded(topic, partition));
  }

  /** The logs of several partitions of one topic, in order; a promise only while storage builds one of them. */
  logsOf(topic: TopicMetadata | undefined, partitions: readonly number[]): MaybeLog[] | Promise<MaybeLog[]> {
    const loading = this.loading(topic, partitions);
    const pick = (): MaybeLog[] => partitions.map((p) => this.loaded(topic, p));
    return loading === null ? pick() : loading.then(pick);
  }

  /**
   * Readies every partition a request names before it is planned (Fetch reads them in one pass); null when there
   * is nothing to wait for, which is every request once the partitions a clean start left on disk have been used.
   */
  prepare(requests: () => Iterable<{ readonly topic: TopicMetadata | undefined; readonly partitions: readonly number[] }>): Promise<void> | null {
    if (!this.logs.hasUnloadedPartitions) return null;
    let waits: Array<Promise<void>> | null = null;
    for (const r of requests()) {
      const loading = this.loading(r.topic, r.partitions);
      if (loading !== null) (waits ??= []).push(loading);
    }
    return waits === null ? null : Promise.all(waits).then(() => undefined);
  }

  /** The partition's log when it is at hand (after `prepare`), without waiting. */
  loaded(topic: TopicMetadata | undefined, partition: number): MaybeLog {
    if (!topic || partition < 0 || partition >= topic.partitions) return undefined;
    return this.logs.partition(topic.name, partition);
  }

  /** Where fetches read from disk into (storage's pool, shared by every fetch). */
  get readBuffers(): ReadBufferPool {
    return this.logs.readBuffers;
  }

  /** Bytes in a partition's segments (DescribeLogDirs); undefined when it does not exist. Loads nothing. */
  sizeInBytes(topic: string, partition: number): Promise<number | undefined> {
    return this.logs.partitionSizeInBytes(topic, partition);
  }

  private loading(topic: TopicMetadata | undefined, partitions: Iterable<number>): Promise<void> | null {
    if (topic === undefined || !this.logs.hasUnloadedPartitions) return null;
    return this.logs.loadPartitions(topic.name, partitions);
  }
}
