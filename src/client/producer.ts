// The tools' producer: records are gathered per partition into record batches of up to a byte budget, each batch
// is encoded with codecs/records (compressed as asked) and sent to the partition's leader as soon as it is full;
// several requests stay in flight at once (answers come back in order per connection, so a partition's batches
// stay in order), which is what makes 100k lines quick. No retries and no idempotence: a failure stops the run.
import { Compression } from '../../codecs/records/batch-header';
import { encodeRecordBatch, type RecordInput } from '../../codecs/records/record-batch';
import { Apis } from './apis';
import { checkErrorCode } from './errors';
import type { KafkaClient } from './kafka-client';
import { partitionOf, type TopicLayout } from './topics';

export interface ProducerOptions {
  /** -1 (all in-sync replicas), 1 (the leader) or 0 (no answer). */
  readonly acks: -1 | 0 | 1;
  readonly compression: Compression;
  /** Records are sealed into a batch once their encoded size would pass this many bytes. */
  readonly batchBytes: number;
  readonly timeoutMs: number;
  /** Requests awaiting an answer at once. */
  readonly maxInFlight?: number;
}

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
  private failure: Error | null = null;
  readonly summaries = new Map<number, PartitionSummary>();
  batches = 0;

  constructor(
    private readonly client: KafkaClient,
    private readonly layout: TopicLayout,
    private readonly options: ProducerOptions,
  ) {}

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
    const encoded = encodeRecordBatch({ records: batch.records, compression: this.options.compression });
    this.batches++;
    const sent = this.send(partition, encoded, batch.records.length).catch((err: unknown) => {
      this.failure ??= err instanceof Error ? err : new Error(String(err));
    });
    this.inFlight.add(sent);
    void sent.finally(() => this.inFlight.delete(sent));
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
