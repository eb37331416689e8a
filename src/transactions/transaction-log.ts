// __transaction_state: where the transaction coordinator persists every state change of every transactional id.
// Each id lives on one partition (the same hash rule as groups); the topic is created on first use and read back
// whole at start.
import { encodeRecordBatch, decodeRecordBatch } from '../../codecs/records/record-batch';
import { CoordinatorStorage, CoordinatorTopic } from '../topics/internal-topic';
import type { Logger } from '../logger';
import { decodeTransactionLogRecord, TransactionLogRecord, transactionLogKey, transactionLogValue, TransactionMetadata } from './transaction-metadata';
import { TRANSACTION_STATE_TOPIC } from '../topics/topic-names';
import { DEFAULT_TRANSACTION_STATE_TOPIC_CONFIGS } from '../config/internal-topics';

export { TRANSACTION_STATE_TOPIC };

/** The transaction log's configs with the broker keys at their defaults (see config/internal-topics.ts). */
export const TRANSACTION_STATE_TOPIC_CONFIGS: Readonly<Record<string, string>> = DEFAULT_TRANSACTION_STATE_TOPIC_CONFIGS;

export class TransactionLog extends CoordinatorTopic {
  constructor(storage: CoordinatorStorage, configuredPartitions: number, logger: Logger, topicConfigs = TRANSACTION_STATE_TOPIC_CONFIGS) {
    super(storage, TRANSACTION_STATE_TOPIC, topicConfigs, configuredPartitions, logger);
  }

  async write(m: TransactionMetadata): Promise<void> {
    await this.append(m.transactionalId, transactionLogValue(m));
  }

  async remove(transactionalId: string): Promise<void> {
    await this.append(transactionalId, null);
  }

  private async append(transactionalId: string, value: Buffer | null): Promise<void> {
    await this.topic.append(transactionalId, encodeRecordBatch({ records: [{ key: transactionLogKey(transactionalId), value }] }));
  }

  /** Every record of every partition, in log order per partition. */
  async replay(visit: (record: TransactionLogRecord) => void): Promise<number> {
    let count = 0;
    await this.topic.replayBatches((batch, partition) => {
      count += this.replayBatch(batch, partition, visit);
    });
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
