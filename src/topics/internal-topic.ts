// What the coordinators' internal topics (__consumer_offsets, __transaction_state) share: each key (a group or a
// transactional id) lives on one partition by Kafka's hash rule, the topic is created compacted on first use, and
// at start every partition is read back batch by batch to rebuild the coordinator's state.
import { batchLastOffset, batchSize, BATCH_LOG_OVERHEAD } from '../../codecs/records/batch-header';
import type { AppendOrigin } from '../../storage';
import { offsetsPartitionFor } from './java-hash';
import type { Logger } from '../logger';

/** The slice of a partition log a coordinator needs (storage's PartitionLog satisfies it). */
export interface CoordinatorPartitionLog {
  readonly logStartOffset: bigint;
  readonly logEndOffset: bigint;
  append(records: Buffer, opts?: { origin?: AppendOrigin }): Promise<unknown>;
  read(fetchOffset: bigint, maxBytes: number, opts?: { minOneBatch?: boolean }): Promise<{ readonly batches: readonly Buffer[] }>;
}

/** The slice of the log manager a coordinator needs (storage's LogManager satisfies it). */
export interface CoordinatorStorage {
  topic(name: string): { readonly partitions: number } | undefined;
  createTopic(name: string, partitions: number, configs?: Record<string, string>): Promise<unknown>;
  /** The partition's log, loaded first if storage has not loaded it since a clean start. */
  loadedPartition(topic: string, partition: number): Promise<CoordinatorPartitionLog | undefined>;
}

const REPLAY_READ_BYTES = 1024 * 1024;

export class InternalTopic {
  private creating: Promise<void> | null = null;

  constructor(
    private readonly storage: CoordinatorStorage,
    readonly name: string,
    private readonly configs: Readonly<Record<string, string>>,
    private readonly configuredPartitions: number,
    private readonly logger: Logger,
  ) {}

  /** An existing topic keeps the partition count it was created with, whatever the config now says. */
  get numPartitions(): number {
    return this.storage.topic(this.name)?.partitions ?? this.configuredPartitions;
  }

  get exists(): boolean {
    return this.storage.topic(this.name) !== undefined;
  }

  partitionFor(key: string): number {
    return offsetsPartitionFor(key, this.numPartitions);
  }

  /** Creates the topic on first use; concurrent callers share one creation. */
  ensureCreated(): Promise<void> {
    if (this.exists) return Promise.resolve();
    if (!this.creating) {
      this.creating = (async () => {
        const started = Date.now();
        await this.storage.createTopic(this.name, this.configuredPartitions, { ...this.configs });
        this.logger.info({ topic: this.name, partitions: this.configuredPartitions, ms: Date.now() - started }, 'created internal topic');
      })().finally(() => {
        this.creating = null;
      });
    }
    return this.creating;
  }

  /** Appends one batch to the partition that owns `key`, creating the topic first if needed. */
  async append(key: string, batch: Buffer, origin?: AppendOrigin): Promise<void> {
    await this.ensureCreated();
    const partition = this.partitionFor(key);
    const log = await this.storage.loadedPartition(this.name, partition);
    if (!log) throw new Error(`${this.name}-${partition} is missing`);
    await log.append(batch, origin === undefined ? undefined : { origin });
  }

  /** Hands every batch of every partition, in log order per partition, to `visit`. */
  async replayBatches(visit: (batch: Buffer, partition: number) => void): Promise<void> {
    if (!this.exists) return;
    for (let p = 0; p < this.numPartitions; p++) {
      const log = await this.storage.loadedPartition(this.name, p);
      if (!log) continue;
      let offset = log.logStartOffset;
      while (offset < log.logEndOffset) {
        const result = await log.read(offset, REPLAY_READ_BYTES, { minOneBatch: true });
        let next = offset;
        for (const chunk of result.batches) {
          for (let at = 0; at + BATCH_LOG_OVERHEAD <= chunk.length;) {
            const size = batchSize(chunk, at);
            const batch = chunk.subarray(at, at + size);
            at += size;
            next = batchLastOffset(batch) + 1n;
            visit(batch, p);
          }
        }
        if (next <= offset) break;
        offset = next;
      }
    }
  }
}

/** What the offsets topic and the transaction log share on top of their internal topic: where a key lives, creation. */
export abstract class CoordinatorTopic {
  protected readonly topic: InternalTopic;

  constructor(
    storage: CoordinatorStorage,
    name: string,
    configs: Readonly<Record<string, string>>,
    configuredPartitions: number,
    protected readonly logger: Logger,
  ) {
    this.topic = new InternalTopic(storage, name, configs, configuredPartitions, logger);
  }

  get numPartitions(): number {
    return this.topic.numPartitions;
  }

  /** The partition that owns `key` (a group id or a transactional id). */
  partitionFor(key: string): number {
    return this.topic.partitionFor(key);
  }

  get exists(): boolean {
    return this.topic.exists;
  }

  ensureCreated(): Promise<void> {
    return this.topic.ensureCreated();
  }
}
