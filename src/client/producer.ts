// The tools' producer: records are gathered per partition into record batches of up to a byte budget, each batch
// is encoded with codecs/records (compressed as asked) and sent to the partition's leader as soon as it is full;
// requests for different partitions stay in flight at once, which is what makes 100k lines quick, while a
// partition's batches go one after the other, so that a retry cannot reorder them. A batch that fails with a
// retriable error (NOT_LEADER_OR_FOLLOWER, a dropped connection, ...) is sent again after the topic's metadata is read
// again, as Kafka's producer does, until the client's timeout has passed. Without idempotence a retry after a lost
// answer may write the batch twice (as Kafka's producer with enable.idempotence=false); with it (InitProducerId, then
// a producer id, epoch and sequence in every batch) the broker recognises the resent batch and keeps one copy.
import { Compression } from '../../codecs/records/batch-header';
import { encodeRecordBatch, type RecordInput } from '../../codecs/records/record-batch';
import { Apis } from './apis';
import { checkErrorCode, isRetriableFailure } from './errors';
import type { KafkaClient } from './kafka-client';
import { partitionOf, topicLayout, type TopicLayout } from './topics';

export interface ProducerOptions {
  /** -1 (all in-sync replicas), 1 (the leader) or 0 (no answer). */
  readonly acks: -1 | 0 | 1;
  readonly compression: Compression;
  /** Records are sealed into a batch once their encoded size would pass this many bytes. */
  readonly batchBytes: number;
  readonly timeoutMs: number;
  /** Requests awaiting an answer at once. */
  readonly maxInFlight?: number;
  /** Idempotent writes (needs acks -1): a producer id from InitProducerId and a sequence number per batch. */
  readonly idempotent?: boolean;
}

/** The producer id and epoch an idempotent producer writes with. */
interface ProducerIdentity {
  readonly producerId: bigint;
  readonly producerEpoch: number;
}

/** Kafka's DuplicateSequenceException: the broker already has this batch (a retry after a lost answer). */
const DUPLICATE_SEQUENCE_NUMBER = 46;
const RETRY_BACKOFF_MS = 100;

export interface PartitionSummary {
  readonly partition: number;
  records: number;
  /** Offsets the broker gave the first and last record (null with acks=0). */
  firstOffset: bigint | null;
  lastOffset: bigint | null;
}

interface OpenBatch {
  records: RecordInput[];
  bytes: number;
}

/** Bytes a record adds to a batch, near enough for sealing batches (varints counted at their widest). */
function recordBytes(record: RecordInput): number {
  let bytes = 21 + (record.key?.length ?? 0) + (record.value?.length ?? 0);
  for (const h of record.headers ?? []) bytes += 10 + Buffer.byteLength(h.key) + (h.value?.length ?? 0);
  return bytes;
}

export class TopicProducer {
  private readonly open = new Map<number, OpenBatch>();
  private readonly inFlight = new Set<Promise<void>>();
  /** Each partition's last send: the next one waits for it, so a partition's batches are written in order. */
  private readonly chains = new Map<number, Promise<void>>();
  private readonly sequences = new Map<number, number>();
  private identity: ProducerIdentity | null = null;
  private failure: Error | null = null;
  readonly summaries = new Map<number, PartitionSummary>();
  batches = 0;

  constructor(
    private readonly client: KafkaClient,
    private layout: TopicLayout,
    private readonly options: ProducerOptions,
  ) {}

  /** For an idempotent producer: asks for its producer id (InitProducerId without a transactional id). */
  async init(): Promise<void> {
    if (this.options.idempotent !== true || this.identity !== null) return;
    const answer = await this.client.withRetries(async () => {
      const res = await this.client.send(Apis.InitProducerId, () => ({
        transactionalId: null,
        transactionTimeoutMs: 60000,
        producerId: -1n,
        producerEpoch: -1,
      }));
      checkErrorCode(res.errorCode, 'InitProducerId for an idempotent producer');
      return res;
    });
    this.identity = { producerId: answer.producerId, producerEpoch: answer.producerEpoch };
  }

  /** Adds a record; waits while too many requests are in flight. Throws the first failure of an earlier send. */
  async add(partition: number, record: RecordInput): Promise<void> {
    this.throwIfFailed();
    const size = recordBytes(record);
    let batch = this.open.get(partition);
    if (batch !== undefined && batch.bytes + size > this.options.batchBytes) {
      await this.seal(partition, batch);
      batch = undefined;
    }
    if (batch === undefined) {
      batch = { records: [], bytes: 0 };
      this.open.set(partition, batch);
    }
    batch.records.push(record);
    batch.bytes += size;
  }

  /** Sends what is left and waits for every answer. */
  async flush(): Promise<void> {
    for (const [partition, batch] of [...this.open]) await this.seal(partition, batch);
    await Promise.all(this.inFlight);
    this.throwIfFailed();
  }

  private throwIfFailed(): void {
    if (this.failure !== null) throw this.failure;
  }

  private async seal(partition: number, batch: OpenBatch): Promise<void> {
    this.open.delete(partition);
    while (this.inFlight.size >= (this.options.maxInFlight ?? 5)) await Promise.race(this.inFlight);
    this.throwIfFailed();
    const encoded = encodeRecordBatch({
      records: batch.records,
      compression: this.options.compression,
      ...this.sequenceFields(partition, batch.records.length),
    });
    this.batches++;
    const previous = this.chains.get(partition) ?? Promise.resolve();
    const sent = previous
      .then(() => this.throwIfFailed())
      .then(() => this.sendWithRetries(partition, encoded, batch.records.length))
      .catch((err: unknown) => {
        this.failure ??= err instanceof Error ? err : new Error(String(err));
      });
    this.chains.set(partition, sent);
    this.inFlight.add(sent);
    void sent.finally(() => {
      this.inFlight.delete(sent);
      if (this.chains.get(partition) === sent) this.chains.delete(partition);
    });
  }

  /** The producer id, epoch and the partition's next sequence for an idempotent batch; nothing otherwise. */
  private sequenceFields(partition: number, count: number): { producerId?: bigint; producerEpoch?: number; baseSequence?: number } {
    if (this.identity === null) return {};
    const baseSequence = this.sequences.get(partition) ?? 0;
    this.sequences.set(partition, (baseSequence + count) % 0x80000000);
    return { ...this.identity, baseSequence };
  }

  private async sendWithRetries(partition: number, batch: Buffer, count: number): Promise<void> {
    const started = Date.now();
    for (;;) {
      try {
        return await this.send(partition, batch, count);
      } catch (err) {
        if (this.options.acks === 0 || !isRetriableFailure(err) || Date.now() - started > this.client.timeout) throw err;
        await new Promise((resolve) => setTimeout(resolve, RETRY_BACKOFF_MS));
        this.layout = await topicLayout(this.client, this.layout.name).catch((refresh: unknown) => {
          if (!isRetriableFailure(refresh)) throw refresh;
          return this.layout;
        });
      }
    }
  }

  private async send(partition: number, batch: Buffer, count: number): Promise<void> {
    const { leader } = partitionOf(this.layout, partition);
    const { name, topicId } = this.layout;
    const body = (): {
      acks: number;
      timeoutMs: number;
      topicData: { name: string; topicId: string; partitionData: { index: number; records: Buffer }[] }[];
    } => ({
      acks: this.options.acks,
      timeoutMs: this.options.timeoutMs,
      topicData: [{ name, topicId, partitionData: [{ index: partition, records: batch }] }],
    });
    const summary = this.summaryOf(partition);
    if (this.options.acks === 0) {
      await this.client.sendOneWay(Apis.Produce, body, leader);
      summary.records += count;
      return;
    }
    const answer = await this.client.send(Apis.Produce, body, leader);
    for (const topic of answer.responses) {
      for (const p of topic.partitionResponses) {
        const detail = p.recordErrors.map((e) => e.batchIndexErrorMessage).find((m) => m) ?? p.errorMessage;
        if (p.errorCode === DUPLICATE_SEQUENCE_NUMBER) continue;
        checkErrorCode(p.errorCode, `partition ${p.index} of topic '${name}'`, detail);
        summary.firstOffset ??= p.baseOffset;
        summary.lastOffset = p.baseOffset + BigInt(count - 1);
      }
    }
    summary.records += count;
  }

  private summaryOf(partition: number): PartitionSummary {
    let summary = this.summaries.get(partition);
    if (summary === undefined) {
      summary = { partition, records: 0, firstOffset: null, lastOffset: null };
      this.summaries.set(partition, summary);
    }
    return summary;
  }
}
