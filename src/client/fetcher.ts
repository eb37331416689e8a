// The tools' consumer side: Fetch rounds for a topic's partitions from given positions, one request per leader
// per round, without a fetch session (every request is a full one). Batches are decoded with codecs/records;
// control batches move the position but yield no records, and with read_committed the records of aborted
// transactions are dropped using the aborted-transaction list the broker sends, as Kafka's consumer does. A
// partition whose leader moved or is briefly unavailable (NOT_LEADER_OR_FOLLOWER and the other retriable errors, or
// a dropped connection) is skipped for that round and the topic's metadata read again before the next, as Kafka's
// consumer does, until the client's timeout has gone by without a successful fetch of it.
import type { FetchResponsePartitionData } from '../../codecs/generated/FetchResponse';
import { decodeTransactionMarker } from '../../codecs/records/control-batch';
import { decodeRecordBatches, type DecodedBatch, type RecordHeader, type TimestampType } from '../../codecs/records/record-batch';
import { Apis } from './apis';
import { checkErrorCode, isRetriableFailure, isRetriablePartitionError, KafkaResponseError } from './errors';
import type { KafkaClient } from './kafka-client';
import { byLeader, partitionOf, topicLayout, type TopicLayout } from './topics';

export interface ConsumedRecord {
  readonly partition: number;
  readonly offset: bigint;
  readonly timestamp: bigint;
  readonly timestampType: TimestampType;
  readonly key: Buffer | null;
  readonly value: Buffer | null;
  readonly headers: readonly RecordHeader[];
}

export interface FetchOptions {
  /** 0 read_uncommitted, 1 read_committed. */
  readonly isolationLevel: number;
  /** How long the broker may hold a Fetch that has nothing to return. */
  readonly maxWaitMs: number;
  readonly partitionMaxBytes?: number;
}

const FETCH_MAX_BYTES = 50 * 1024 * 1024;
const PARTITION_MAX_BYTES = 1024 * 1024;

export class TopicFetcher {
  private readonly positions: Map<number, bigint>;
  /** The first retriable failure since the last round without one, and when it happened. */
  private failing: { readonly error: unknown; readonly sinceMs: number } | null = null;
  private roundFailed = false;

  constructor(
    private readonly client: KafkaClient,
    private layout: TopicLayout,
    start: ReadonlyMap<number, bigint>,
    private readonly options: FetchOptions,
  ) {
    this.positions = new Map(start);
  }

  position(partition: number): bigint {
    return this.positions.get(partition) ?? 0n;
  }

  /** Reads `partition` from `offset` on (a partition newly assigned by a group). */
  seek(partition: number, offset: bigint): void {
    this.positions.set(partition, offset);
  }

  /** One Fetch round over `partitions` (default: all being read); records in partition, then offset order. */
  async poll(partitions: readonly number[] = [...this.positions.keys()]): Promise<ConsumedRecord[]> {
    if (this.failing !== null) await this.recover();
    this.roundFailed = false;
    const led = byLeader(
      this.layout,
      partitions.map((p) => partitionOf(this.layout, p)),
    );
    const rounds = await Promise.all(
      [...led].map(([leader, list]) =>
        this.fetchFrom(
          leader,
          list.map((p) => p.partition),
        ).catch((err: unknown) => this.retriable(err)),
      ),
    );
    if (!this.roundFailed) this.failing = null;
    return rounds.flat();
  }

  /** Notes a failure worth retrying (the round goes on without that leader's partitions); throws any other. */
  private retriable(err: unknown): ConsumedRecord[] {
    if (!isRetriableFailure(err)) throw err;
    this.failing ??= { error: err, sinceMs: Date.now() };
    this.roundFailed = true;
    return [];
  }

  /** Waits a little and reads the topic's leaders again; gives up with the first error once the timeout is spent. */
  private async recover(): Promise<void> {
    const failing = this.failing as { readonly error: unknown; readonly sinceMs: number };
    if (Date.now() - failing.sinceMs > this.client.timeout) throw failing.error;
    await new Promise((resolve) => setTimeout(resolve, 100));
    try {
      this.layout = await topicLayout(this.client, this.layout.name);
    } catch (err) {
      if (!isRetriableFailure(err)) throw err;
    }
  }

  private async fetchFrom(leader: number, partitions: readonly number[]): Promise<ConsumedRecord[]> {
    const { name, topicId } = this.layout;
    const answer = await this.client.send(
      Apis.Fetch,
      () => ({
        replicaId: -1,
        maxWaitMs: this.options.maxWaitMs,
        minBytes: 1,
        maxBytes: FETCH_MAX_BYTES,
        isolationLevel: this.options.isolationLevel,
        sessionId: 0,
        sessionEpoch: -1,
        topics: [
          {
            topic: name,
            topicId,
            partitions: partitions.map((partition) => ({
              partition,
              currentLeaderEpoch: partitionOf(this.layout, partition).leaderEpoch,
              fetchOffset: this.position(partition),
              logStartOffset: -1n,
              partitionMaxBytes: this.options.partitionMaxBytes ?? PARTITION_MAX_BYTES,
            })),
          },
        ],
      }),
      leader,
    );
    checkErrorCode(answer.errorCode, `fetch from topic '${name}'`);
    const out: ConsumedRecord[] = [];
    for (const topic of answer.responses) {
      for (const p of [...topic.partitions].sort((a, b) => a.partitionIndex - b.partitionIndex)) out.push(...this.take(p));
    }
    return out;
  }

  private take(data: FetchResponsePartitionData): ConsumedRecord[] {
    const partition = data.partitionIndex;
    if (isRetriablePartitionError(data.errorCode)) {
      return this.retriable(
        new KafkaResponseError(data.errorCode, `partition ${partition} of topic '${this.layout.name}' at offset ${this.position(partition)}`),
      );
    }
    checkErrorCode(data.errorCode, `partition ${partition} of topic '${this.layout.name}' at offset ${this.position(partition)}`);
    if (data.records === null || data.records.length === 0) return [];
    const { batches } = decodeRecordBatches(data.records);
    const aborted = new AbortedTransactions(this.options.isolationLevel === 1 ? (data.abortedTransactions ?? []) : []);
    const out: ConsumedRecord[] = [];
    let position = this.position(partition);
    for (const batch of batches) {
      if (batch.lastOffset < position) continue;
      if (aborted.skips(batch)) {
        position = batch.lastOffset + 1n;
        continue;
      }
      if (!batch.control) {
        for (const r of batch.records) {
          if (r.offset < position) continue;
          out.push({ partition, offset: r.offset, timestamp: r.timestamp, timestampType: batch.timestampType, key: r.key, value: r.value, headers: r.headers });
        }
      }
      position = batch.lastOffset + 1n;
    }
    this.positions.set(partition, position);
    return out;
  }
}

/**
 * Kafka's read_committed filter over one fetched partition: a producer's transactional batches are dropped from the
 * first offset of one of its aborted transactions until its ABORT marker.
 */
class AbortedTransactions {
  private readonly pending: { producerId: bigint; firstOffset: bigint }[];
  private readonly abortedProducers = new Set<bigint>();

  constructor(list: readonly { producerId: bigint; firstOffset: bigint }[]) {
    this.pending = [...list].sort((a, b) => (a.firstOffset < b.firstOffset ? -1 : a.firstOffset > b.firstOffset ? 1 : 0));
  }

  /** Whether `batch` is to be skipped; a control batch is skipped too, after it ends its producer's abort. */
  skips(batch: DecodedBatch): boolean {
    while (this.pending.length > 0 && this.pending[0].firstOffset <= batch.lastOffset) {
      this.abortedProducers.add(this.pending[0].producerId);
      this.pending.shift();
    }
    if (!batch.transactional || !this.abortedProducers.has(batch.producerId)) return false;
    if (batch.control && batch.records.length > 0 && decodeTransactionMarker(batch.records[0].key, batch.records[0].value).type === 'ABORT') {
      this.abortedProducers.delete(batch.producerId);
    }
    return true;
  }
}
