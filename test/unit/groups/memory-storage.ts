// An in-memory stand-in for storage's LogManager, just wide enough for the group coordinator: topics, appends
// that assign offsets, and reads from an offset. Lets coordinator tests run without files.
import { setBatchBaseOffset, batchLastOffsetDelta, batchSize } from '../../../codecs/records/batch-header';
import type { CoordinatorPartitionLog, CoordinatorStorage } from '../../../src/groups/offsets-topic';

export class MemoryPartitionLog implements CoordinatorPartitionLog {
  readonly batches: Buffer[] = [];
  logStartOffset = 0n;
  logEndOffset = 0n;
  /** When set, appends reject with this error (to test failure paths). */
  failWith: Error | null = null;

  async append(records: Buffer): Promise<unknown> {
    if (this.failWith) throw this.failWith;
    const copy = Buffer.from(records);
    setBatchBaseOffset(copy, this.logEndOffset);
    this.batches.push(copy);
    this.logEndOffset += BigInt(batchLastOffsetDelta(copy) + 1);
    return { baseOffset: this.logEndOffset };
  }

  async read(fetchOffset: bigint, maxBytes: number): Promise<{ batches: Buffer[] }> {
    const out: Buffer[] = [];
    let bytes = 0;
    let offset = 0n;
    for (const b of this.batches) {
      const last = offset + BigInt(batchLastOffsetDelta(b));
      if (last >= fetchOffset && (out.length === 0 || bytes + batchSize(b) <= maxBytes)) {
        out.push(b);
        bytes += batchSize(b);
      }
      offset = last + 1n;
    }
    return { batches: out };
  }
}

export class MemoryStorage implements CoordinatorStorage {
  readonly topics = new Map<string, MemoryPartitionLog[]>();
  createCalls = 0;

  topic(name: string): { partitions: number } | undefined {
    const logs = this.topics.get(name);
    return logs ? { partitions: logs.length } : undefined;
  }

  async createTopic(name: string, partitions: number): Promise<unknown> {
    this.createCalls++;
    if (this.topics.has(name)) throw new Error(`topic ${name} exists`);
    this.topics.set(
      name,
      Array.from({ length: partitions }, () => new MemoryPartitionLog()),
    );
    return {};
  }

  partition(topic: string, partition: number): MemoryPartitionLog | undefined {
    return this.topics.get(topic)?.[partition];
  }

  async loadedPartition(topic: string, partition: number): Promise<MemoryPartitionLog | undefined> {
    return this.partition(topic, partition);
  }

  /** Every batch written to the topic, across partitions. */
  allBatches(topic: string): Buffer[] {
    return (this.topics.get(topic) ?? []).flatMap((p) => p.batches);
  }
}
