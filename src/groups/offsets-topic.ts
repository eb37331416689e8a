// __consumer_offsets: where the coordinator persists committed offsets and classic group metadata. Each group
// lives on one partition (Kafka's hash rule); a group's records for one operation go in one batch so they land
// together. At start the whole topic is read back to rebuild the coordinator's state.
import { encodeRecordBatch } from '../../codecs/records/record-batch';
import { decodeRecordBatch } from '../../codecs/records/record-batch';
import { batchSize, batchLastOffset, BATCH_LOG_OVERHEAD } from '../../codecs/records/batch-header';
import { offsetsPartitionFor } from './java-hash';
import { CoordinatorRecord, decodeCoordinatorRecord } from './coordinator-records';
import type { Logger } from '../logger';

export const OFFSETS_TOPIC = '__consumer_offsets';

/** Kafka's settings for the offsets topic: compacted, 100 MiB segments. */
export const OFFSETS_TOPIC_CONFIGS: Readonly<Record<string, string>> = {
  'cleanup.policy': 'compact',
  'segment.bytes': '104857600',
  'compression.type': 'producer',
};

/** The slice of a partition log the coordinator needs (storage's PartitionLog satisfies it). */
export interface CoordinatorPartitionLog {
  readonly logStartOffset: bigint;
  readonly logEndOffset: bigint;
  append(records: Buffer): Promise<unknown>;
  read(fetchOffset: bigint, maxBytes: number, opts?: { minOneBatch?: boolean }): Promise<{ readonly batches: readonly Buffer[] }>;
}

/** The slice of the log manager the coordinator needs (storage's LogManager satisfies it). */
export interface CoordinatorStorage {
  topic(name: string): { readonly partitions: number } | undefined;
  createTopic(name: string, partitions: number, configs?: Record<string, string>): Promise<unknown>;
  partition(topic: string, partition: number): CoordinatorPartitionLog | undefined;
}

export interface CoordinatorRecordWrite {
  readonly key: Buffer;
  readonly value: Buffer | null;
}

const REPLAY_READ_BYTES = 1024 * 1024;

export class OffsetsTopic {
  private creating: Promise<void> | null = null;

  constructor(
    private readonly storage: CoordinatorStorage,
    private readonly configuredPartitions: number,
    private readonly logger: Logger,
  ) {}

  /** An existing topic keeps the partition count it was created with, whatever the config now says. */
  get numPartitions(): number {
    return this.storage.topic(OFFSETS_TOPIC)?.partitions ?? this.configuredPartitions;
  }

  partitionFor(groupId: string): number {
    return offsetsPartitionFor(groupId, this.numPartitions);
  }

  get exists(): boolean {
    return this.storage.topic(OFFSETS_TOPIC) !== undefined;
  }

  /** Creates the topic on first use; concurrent callers share one creation. */
  ensureCreated(): Promise<void> {
    if (this.exists) return Promise.resolve();
    if (!this.creating) {
      this.creating = (async () => {
        const started = Date.now();
        await this.storage.createTopic(OFFSETS_TOPIC, this.configuredPartitions, { ...OFFSETS_TOPIC_CONFIGS });
        this.logger.info(
          { topic: OFFSETS_TOPIC, partitions: this.configuredPartitions, ms: Date.now() - started },
          'created the offsets topic',
        );
      })().finally(() => {
        this.creating = null;
      });
    }
    return this.creating;
  }

  /** Appends one group's records as one batch; resolves once storage has them. */
  async append(groupId: string, records: readonly CoordinatorRecordWrite[]): Promise<void> {
    if (records.length === 0) return;
    await this.ensureCreated();
    const partition = this.partitionFor(groupId);
    const log = this.storage.partition(OFFSETS_TOPIC, partition);
    if (!log) throw new Error(`${OFFSETS_TOPIC}-${partition} is missing`);
    const batch = encodeRecordBatch({ records: records.map((r) => ({ key: r.key, value: r.value })) });
    await log.append(batch);
  }

  /** Reads every partition from its start and hands each record to `visit` in log order. */
  async replay(visit: (record: CoordinatorRecord) => void): Promise<{ records: number; skipped: number }> {
    let records = 0;
    let skipped = 0;
    if (!this.exists) return { records, skipped };
    for (let p = 0; p < this.numPartitions; p++) {
      const log = this.storage.partition(OFFSETS_TOPIC, p);
      if (!log) continue;
      let offset = log.logStartOffset;
      while (offset < log.logEndOffset) {
        const result = await log.read(offset, REPLAY_READ_BYTES, { minOneBatch: true });
        let next = offset;
        for (const chunk of result.batches) {
          for (let at = 0; at + BATCH_LOG_OVERHEAD <= chunk.length; ) {
            const size = batchSize(chunk, at);
            const batch = chunk.subarray(at, at + size);
            at += size;
            next = batchLastOffset(batch) + 1n;
            const counted = this.replayBatch(batch, p, visit);
            records += counted.records;
            skipped += counted.skipped;
          }
        }
        if (next <= offset) break;
        offset = next;
      }
    }
    return { records, skipped };
  }

  private replayBatch(
    batch: Buffer,
    partition: number,
    visit: (record: CoordinatorRecord) => void,
  ): { records: number; skipped: number } {
    let records = 0;
    let skipped = 0;
    try {
      const decoded = decodeRecordBatch(batch);
      if (decoded.control) return { records, skipped };
      for (const r of decoded.records) {
        if (r.key === null) {
          skipped++;
          continue;
        }
        visit(decodeCoordinatorRecord(r.key, r.value));
        records++;
      }
    } catch (err) {
      this.logger.warn({ topic: OFFSETS_TOPIC, partition, err: (err as Error).message }, 'skipping unreadable offsets batch');
      skipped++;
    }
    return { records, skipped };
  }
}
