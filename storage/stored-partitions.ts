// Partitions a clean shutdown left on disk, loaded on first use: after a clean start LogManager.open reads none of
// them, a request naming one waits for its load (16 at a time), and the retention pass loads the rest. A load
// that fails is logged and tried again by the next caller.
import type { Logger } from './logger';
import { PartitionLog } from './partition-log';
import { partitionKey } from './dir-checkpoints';
import { TopicMetadata } from './topic-catalog';

/** Loads (of stored partitions, and at an unclean open) run at most this many at a time. */
export const LOAD_CONCURRENCY = 16;

/** What the lazy loads need of the log manager. */
export interface StoredPartitionsHost {
  readonly logger: Logger;
  isClosed(): boolean;
  /** The topic's partition slots (undefined = not loaded), or undefined when the topic is gone. */
  partitionList(topic: string): PartitionLog[] | undefined;
  topic(name: string): TopicMetadata | undefined;
  load(topic: TopicMetadata, partition: number): Promise<PartitionLog>;
}

export class StoredPartitions {
  /**
   * After a clean shutdown, per topic: its partitions below this number are on disk and loaded on first use
   * (load), so a start with 10,000 partitions reads none of them up front.
   */
  private readonly stored = new Map<string, { below: number; unloaded: number }>();
  /** Loads of stored partitions under way, by partitionKey. */
  private readonly loading = new Map<string, Promise<void>>();
  private loadsRunning = 0;
  private readonly loadQueue: Array<() => void> = [];

  constructor(private readonly host: StoredPartitionsHost) {}

  /** At open after a clean shutdown: the topic's `count` partitions are on disk, none loaded. */
  add(topic: string, count: number): void {
    this.stored.set(topic, { below: count, unloaded: count });
  }

  /** The topic is deleted: its stored partitions are no more. */
  forget(topic: string): void {
    this.stored.delete(topic);
  }

  /** Partitions of `topic` below this are stored (loaded or not); undefined when none are. */
  storedBelow(topic: string): number | undefined {
    return this.stored.get(topic)?.below;
  }

  /** Topics with partitions not loaded yet, with how many are stored. */
  topics(): Array<[string, number]> {
    return [...this.stored].map(([topic, { below }]) => [topic, below]);
  }

  /** False once every partition stored at a clean start is loaded: request handlers then skip loadPartitions. */
  get any(): boolean {
    return this.stored.size > 0;
  }

  /** How many partitions stored on disk are not loaded yet (tests and the bench look at it). */
  unloadedCount(): number {
    let count = 0;
    for (const { unloaded } of this.stored.values()) count += unloaded;
    return count;
  }

  /**
   * Loads those of `partitions` of `topic` that are stored on disk and not loaded yet; null when there are none,
   * so the common case costs no promise. A load that fails is logged and leaves the partition unloaded (the next
   * call tries again).
   */
  load(topic: string, partitions: Iterable<number>): Promise<void> | null {
    const storedBelow = this.stored.get(topic)?.below;
    const list = this.host.partitionList(topic);
    if (storedBelow === undefined || list === undefined) return null;
    let loads: Array<Promise<void>> | null = null;
    for (const p of partitions) {
      if (!Number.isInteger(p) || p < 0 || p >= storedBelow || list[p] !== undefined) continue;
      (loads ??= []).push(this.loadStored(topic, p));
    }
    return loads === null ? null : Promise.all(loads).then(() => undefined);
  }

  private loadStored(topic: string, partition: number): Promise<void> {
    const key = partitionKey(topic, partition);
    const running = this.loading.get(key);
    if (running !== undefined) return running;
    const list = this.host.partitionList(topic);
    const meta = this.host.topic(topic);
    if (list === undefined || meta === undefined || this.host.isClosed()) return Promise.resolve();
    const load = this.withLoadSlot(() => this.host.load(meta, partition))
      .then(
        async (log) => {
          // Deleted (or the manager closed) while loading: nothing may keep files open.
          if (this.host.isClosed() || this.host.partitionList(topic) !== list) {
            await log.closeForDeletion();
            return;
          }
          list[partition] = log;
          const stored = this.stored.get(topic);
          if (stored !== undefined && --stored.unloaded === 0) this.stored.delete(topic);
        },
        (err: unknown) => this.host.logger.error({ topic, partition, err }, 'loading partition failed'),
      )
      .finally(() => this.loading.delete(key));
    this.loading.set(key, load);
    return load;
  }

  /** Loads run at most LOAD_CONCURRENCY at a time, so a request naming 10,000 partitions queues them. */
  private async withLoadSlot<T>(op: () => Promise<T>): Promise<T> {
    if (this.loadsRunning >= LOAD_CONCURRENCY) await new Promise<void>((resolve) => this.loadQueue.push(resolve));
    this.loadsRunning++;
    try {
      return await op();
    } finally {
      this.loadsRunning--;
      this.loadQueue.shift()?.();
    }
  }

  /** Resolves once no load of a partition of `topic` is under way. */
  async loadsOf(topic: string): Promise<void> {
    const prefix = `${topic} `;
    const mine = [...this.loading].filter(([key]) => key.startsWith(prefix) && /^\d+$/.test(key.slice(prefix.length)));
    await Promise.all(mine.map(([, load]) => load));
  }

  /** Resolves once no load is under way (close). */
  async settled(): Promise<void> {
    await Promise.all([...this.loading.values()]);
  }
}
