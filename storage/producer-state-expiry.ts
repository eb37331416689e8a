// Kafka's PeriodicProducerExpirationCheck: every producer.id.expiration.check.interval.ms, each loaded partition
// forgets the producers idle past producer.id.expiration.ms (unless their transaction is open), so a partition's
// producer state shrinks on a quiet topic too, not only when a segment rolls or the log closes. Partitions a clean
// start left unloaded have nothing in memory to expire; they expire their producers when they load and roll.
import type { Logger } from './logger';
import type { PartitionLog } from './partition-log';

export interface ProducerExpiryOptions {
  /** The loaded partitions, read at each pass. */
  readonly logs: () => Iterable<PartitionLog>;
  readonly logger: Logger;
  /** The clock the idle times are measured against; tests inject theirs. */
  readonly now?: () => number;
}

export class ProducerExpiry {
  private timer: NodeJS.Timeout | null = null;
  private readonly now: () => number;

  constructor(private readonly opts: ProducerExpiryOptions) {
    this.now = opts.now ?? Date.now;
  }

  /** One pass over every loaded partition; returns how many producers were forgotten. */
  expireNow(): number {
    const now = this.now();
    let removed = 0;
    for (const log of this.opts.logs()) removed += log.expireProducers(now);
    if (removed > 0) this.opts.logger.debug({ removed }, 'expired idle producer ids');
    return removed;
  }

  /** Runs a pass every `intervalMs`; the timer is unref'd, so it never keeps the process alive. */
  start(intervalMs: number): void {
    this.stop();
    this.timer = setInterval(() => {
      try {
        this.expireNow();
      } catch (err) {
        this.opts.logger.error({ err }, 'producer id expiration pass failed');
      }
    }, intervalMs);
    this.timer.unref();
  }

  stop(): void {
    if (this.timer !== null) clearInterval(this.timer);
    this.timer = null;
  }
}
