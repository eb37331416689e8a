// __consumer_offsets: where the coordinator persists committed offsets and classic group metadata. Each group
// lives on one partition (Kafka's hash rule); a group's records for one operation go in one batch so they land
// together. At start the whole topic is read back to rebuild the coordinator's state.
import { encodeRecordBatch, decodeRecordBatch } from '../../codecs/records/record-batch';
import { CoordinatorStorage, CoordinatorTopic } from '../topics/internal-topic';
import { CoordinatorRecord, decodeCoordinatorRecord } from './coordinator-records';
import { decodeTransactionMarkerBatch } from '../../codecs/records/control-batch';
import type { TransactionalReplay } from './transactional-offsets';
import type { Logger } from '../logger';
import { OFFSETS_TOPIC } from '../topics/topic-names';
import { DEFAULT_OFFSETS_TOPIC_CONFIGS } from '../config/internal-topics';

export { OFFSETS_TOPIC };

/** The offsets topic's configs with the broker keys at their defaults (see config/internal-topics.ts). */
export const OFFSETS_TOPIC_CONFIGS: Readonly<Record<string, string>> = DEFAULT_OFFSETS_TOPIC_CONFIGS;

export type { CoordinatorPartitionLog, CoordinatorStorage } from '../topics/internal-topic';

export interface CoordinatorRecordWrite {
  readonly key: Buffer;
  readonly value: Buffer | null;
}

export class OffsetsTopic extends CoordinatorTopic {
  constructor(storage: CoordinatorStorage, configuredPartitions: number, logger: Logger, topicConfigs = OFFSETS_TOPIC_CONFIGS) {
    super(storage, OFFSETS_TOPIC, topicConfigs, configuredPartitions, logger);
  }

  /** Appends one group's records as one batch; resolves once storage has them. */
  async append(groupId: string, records: readonly CoordinatorRecordWrite[]): Promise<void> {
    if (records.length === 0) return;
    await this.topic.append(groupId, encodeRecordBatch({ records: records.map((r) => ({ key: r.key, value: r.value })) }));
  }

  /**
   * Writes transactional offset commits as one batch of the producer. The broker's own write: the partition checks
   * the producer epoch (a fenced producer is refused) but not sequences.
   */
  async appendTransactional(groupId: string, records: readonly CoordinatorRecordWrite[], producerId: bigint, producerEpoch: number): Promise<void> {
    if (records.length === 0) return;
    const batch = encodeRecordBatch({
      producerId,
      producerEpoch,
      baseSequence: -1,
      transactional: true,
      records: records.map((r) => ({ key: r.key, value: r.value })),
    });
    await this.topic.append(groupId, batch, 'coordinator');
  }

  /**
   * Reads every partition from its start and hands each record to `visit` in log order. Records of transactions
   * go to `transactional` instead, with the markers that end them.
   */
  async replay(visit: (record: CoordinatorRecord) => void, transactional?: TransactionalReplay): Promise<{ records: number; skipped: number }> {
    let records = 0;
    let skipped = 0;
    await this.topic.replayBatches((batch, partition) => {
      const counted = this.replayBatch(batch, partition, visit, transactional);
      records += counted.records;
      skipped += counted.skipped;
    });
    return { records, skipped };
  }

  private replayBatch(
    batch: Buffer,
    partition: number,
    visit: (record: CoordinatorRecord) => void,
    transactional?: TransactionalReplay,
  ): { records: number; skipped: number } {
    let records = 0;
    let skipped = 0;
    try {
      const decoded = decodeRecordBatch(batch);
      if (decoded.control) {
        if (decoded.transactional && transactional) {
          const marker = decodeTransactionMarkerBatch(batch);
          transactional.marker(decoded.producerId, marker.type === 'COMMIT');
        }
        return { records, skipped };
      }
      for (const r of decoded.records) {
        if (r.key === null) {
          skipped++;
          continue;
        }
        const record = decodeCoordinatorRecord(r.key, r.value);
        if (decoded.transactional && transactional) transactional.record(decoded.producerId, record);
        else visit(record);
        records++;
      }
    } catch (err) {
      this.logger.warn({ topic: OFFSETS_TOPIC, partition, err: (err as Error).message }, 'skipping unreadable offsets batch');
      skipped++;
    }
    return { records, skipped };
  }
}
