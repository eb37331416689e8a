// The log manager's background work: the retention pass (retention and flush.ms over every partition, every
// log.retention.check.interval.ms) and the log cleaner pass over compacted partitions (log.cleaner.backoff.ms
// after the previous pass ended). Both timers are unref'd: background work never keeps the process alive.
import type { Logger } from './logger';
import { PartitionLog } from './partition-log';
import { CleanerOptions, CleaningStats, runCleanerPass } from './log-cleaner';

/** What the background passes need of the log manager. */
export interface MaintenanceHost {
  readonly logger: Logger;
  isClosed(): boolean;
  /** The partition slots of every topic (undefined = not loaded). */
  partitionLists(): PartitionLog[][];
  /** Topics with stored partitions not loaded yet, with how many are stored. */
  storedTopics(): Array<[string, number]>;
  loadPartitions(topic: string, partitions: Iterable<number>): Promise<void> | null;
  /** Whether the topic's cleanup.policy includes compact. */
  compacts(topic: string): boolean;
}

export class LogMaintenance {
  private retentionTimer: NodeJS.Timeout | null = null;
  private retentionRun: Promise<void> | null = null;
  private cleanerTimer: NodeJS.Timeout | null = null;
  private cleanerRun: Promise<CleaningStats[]> | null = null;

  constructor(
    private readonly host: MaintenanceHost,
    private readonly cleanerOptions: CleanerOptions,
  ) {}

  /** One retention and flush.ms pass over every partition (the timer runs this; tests may call it directly). */
  async runBackgroundTasks(now: number = Date.now()): Promise<void> {
    if (this.retentionRun !== null) return this.retentionRun;
    const host = this.host;
    this.retentionRun = (async () => {
      // Retention applies to every partition, so a pass loads those not used since a clean start, a few at a time.
      for (const [topic, below] of host.storedTopics()) {
        for (let p = 0; p < below && !host.isClosed(); p++) await host.loadPartitions(topic, [p]);
      }
      for (const list of host.partitionLists()) {
        for (const log of list) {
          if (log === undefined || host.isClosed()) continue;
          try {
            await log.enforceRetention(now);
            await log.flushIfDue(now);
          } catch (err) {
            host.logger.error({ topic: log.topic, partition: log.partition, err }, 'retention pass failed');
          }
        }
      }
    })().finally(() => {
      this.retentionRun = null;
    });
    return this.retentionRun;
  }

  startRetentionTimer(intervalMs: number): void {
    this.retentionTimer = setInterval(() => {
      void this.runBackgroundTasks();
    }, intervalMs);
    // Retention must never keep the process alive on its own.
    this.retentionTimer.unref();
  }

  /** One log cleaner pass over the compacted partitions (the cleaner timer runs this; tests may call it directly). */
  async runCleaner(now: number = Date.now()): Promise<CleaningStats[]> {
    if (this.cleanerRun !== null) return this.cleanerRun;
    this.cleanerRun = this.loadCompactedPartitions()
      .then(() => {
        const logs: PartitionLog[] = [];
        for (const list of this.host.partitionLists()) for (const log of list) if (log !== undefined) logs.push(log);
        return runCleanerPass(logs, now, this.cleanerOptions);
      })
      .finally(() => {
        this.cleanerRun = null;
      });
    return this.cleanerRun;
  }

  startCleanerTimer(backoffMs: number): void {
    // A pass starts only once the previous one finished, so a slow pass never piles up behind itself.
    const schedule = (): void => {
      this.cleanerTimer = setTimeout(() => {
        if (this.host.isClosed()) return;
        this.runCleaner()
          .catch((err: unknown) => this.host.logger.error({ err }, 'log cleaner pass failed'))
          .finally(() => {
            if (!this.host.isClosed()) schedule();
          });
      }, backoffMs);
      this.cleanerTimer.unref();
    };
    schedule();
  }

  /** Stops both timers and waits for a cleaner pass under way (close: before the catalog settles). */
  async stopCleaning(): Promise<void> {
    if (this.retentionTimer !== null) clearInterval(this.retentionTimer);
    if (this.cleanerTimer !== null) clearTimeout(this.cleanerTimer);
    if (this.cleanerRun !== null) await this.cleanerRun.catch(() => undefined);
  }

  /** Waits for a retention pass under way (close). */
  async retentionSettled(): Promise<void> {
    if (this.retentionRun !== null) await this.retentionRun;
  }

  /**
   * The cleaner looks at loaded logs only; partitions of compacted topics that a clean start left unloaded are
   * loaded for it (16 at a time, like any load), so they are cleaned even if nobody writes or reads them.
   */
  private async loadCompactedPartitions(): Promise<void> {
    const loads: Array<Promise<void>> = [];
    for (const [topic, below] of this.host.storedTopics()) {
      if (!this.host.compacts(topic)) continue;
      const load = this.host.loadPartitions(
        topic,
        Array.from({ length: below }, (_, p) => p),
      );
      if (load !== null) loads.push(load);
    }
    await Promise.all(loads);
  }
}
