// __transaction_state: where the transaction coordinator persists every state change of every transactional id.
// Each id lives on one partition (the same hash rule as groups); the topic is created on first use and read back
// whole at start.
import { encodeRecordBatch, decodeRecordBatch } from '../../codecs/records/record-batch';
import { batchLastOffset, batchSize, BATCH_LOG_OVERHEAD } from '../../codecs/records/batch-header';
import { offsetsPartitionFor } from '../groups/java-hash';
import type { CoordinatorStorage } from '../groups/offsets-topic';
import type { Logger } from '../logger';
import { decodeTransactionLogRecord, TransactionLogRecord, transactionLogKey, transactionLogValue, TransactionMetadata } from './transaction-metadata';

export const TRANSACTION_STATE_TOPIC = '__transaction_state';

/** Kafka's settings for the transaction log: compacted, 100 MiB segments, no compression change. */
export const TRANSACTION_STATE_TOPIC_CONFIGS: Readonly<Record<string, string>> = {
  'cleanup.policy': 'compact',
  'segment.bytes': '104857600',
  'compression.type': 'uncompressed',
  'min.insync.replicas': '1',
  'unclean.leader.election.enable': 'false',
};

const REPLAY_READ_BYTES = 1024 * 1024;

export class TransactionLog {
  private creating: Promise<void> | null = null;

  constructor(
    private readonly storage: CoordinatorStorage,
    private readonly configuredPartitions: number,
    private readonly logger: Logger,
  ) {}

  get numPartitions(): number {
    return this.storage.topic(TRANSACTION_STATE_TOPIC)?.partitions ?? this.configuredPartitions;
  }

  partitionFor(transactionalId: string): number {
    return offsetsPartitionFor(transactionalId, this.numPartitions);
  }

  ensureCreated(): Promise<void> {
    if (this.storage.topic(TRANSACTION_STATE_TOPIC) !== undefined) return Promise.resolve();
    if (this.creating === null) {
      this.creating = (async () => {
        await this.storage.createTopic(TRANSACTION_STATE_TOPIC, this.configuredPartitions, { ...TRANSACTION_STATE_TOPIC_CONFIGS });
        this.logger.info({ topic: TRANSACTION_STATE_TOPIC, partitions: this.configuredPartitions }, 'created the transaction state topic');
      })().finally(() => {
        this.creating = null;
      });
    }
    return this.creating;
  }

  async write(m: TransactionMetadata): Promise<void> {
    await this.append(m.transactionalId, transactionLogValue(m));
  }

  async remove(transactionalId: string): Promise<void> {
    await this.append(transactionalId, null);
  }

  private async append(transactionalId: string, value: Buffer | null): Promise<void> {
    await this.ensureCreated();
    const partition = this.partitionFor(transactionalId);
    const log = this.storage.partition(TRANSACTION_STATE_TOPIC, partition);
    if (!log) throw new Error(`${TRANSACTION_STATE_TOPIC}-${partition} is missing`);
    await log.append(encodeRecordBatch({ records: [{ key: transactionLogKey(transactionalId), value }] }));
  }

  /** Every record of every partition, in log order per partition. */
  async replay(visit: (record: TransactionLogRecord) => void): Promise<number> {
    if (this.storage.topic(TRANSACTION_STATE_TOPIC) === undefined) return 0;
    let count = 0;
    for (let p = 0; p < this.numPartitions; p++) {
      const log = this.storage.partition(TRANSACTION_STATE_TOPIC, p);
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
            count += this.replayBatch(batch, p, visit);
          }
        }
        if (next <= offset) break;
        offset = next;
      }
    }
    return count;
  }

  private replayBatch(batch: Buffer, partition: number, visit: (record: TransactionLogRecord) => void): number {
    try {
      const decoded = decodeRecordBatch(batch);
      if (decoded.control) return 0;
      let n = 0;
      for (const r of decoded.records) {
        if (r.key === null) continue;
        visit(decodeTransactionLogRecord(r.key, r.value));
        n++;
      }
      return n;
    } catch (err) {
      this.logger.warn({ topic: TRANSACTION_STATE_TOPIC, partition, err: (err as Error).message }, 'skipping unreadable transaction log batch');
      return 0;
    }
  }
}
