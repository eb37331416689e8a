// Newest batches of each partition kept in memory, so consumers tailing a partition are served without touching
// the disk. Each partition's tail is contiguous up to its log end; eviction drops its oldest batches. A shared
// budget bounds the total: when exceeded, the partitions appended to least recently give back their batches first.
import { firstEndingAtOrAfter } from './offset-search';

export interface CachedBatch {
  baseOffset: bigint;
  lastOffset: bigint;
  bytes: Buffer;
}

/** Fills the slots of evicted batches until the array is compacted, so their bytes can be garbage collected. */
const EVICTED: CachedBatch = Object.freeze({ baseOffset: -1n, lastOffset: -1n, bytes: Buffer.alloc(0) });

export class TailCacheBudget {
  private readonly tails = new Map<PartitionTailCache, true>();
  private total = 0;

  constructor(
    /** For the newest batches of all partitions together. */
    readonly maxTotalBytes: number,
    /** For one partition's; a larger batch is not cached at all. */
    readonly maxPartitionBytes: number,
  ) {}

  get bytes(): number {
    return this.total;
  }

  /** Records a change of `delta` bytes in `tail` and evicts elsewhere (least recently appended first) if over. */
  charge(tail: PartitionTailCache, delta: number): void {
    this.total += delta;
    this.tails.delete(tail);
    if (tail.bytes > 0) this.tails.set(tail, true);
    if (this.total <= this.maxTotalBytes) return;
    for (const victim of this.tails.keys()) {
      if (this.total <= this.maxTotalBytes) break;
      if (victim === tail) continue;
      this.total -= victim.clear();
      this.tails.delete(victim);
    }
    while (this.total > this.maxTotalBytes && tail.bytes > 0) this.total -= tail.dropOldest();
    if (tail.bytes === 0) this.tails.delete(tail);
  }

  /** Empties every partition's tail; returns the bytes freed. */
  releaseAll(): number {
    let freed = 0;
    for (const tail of this.tails.keys()) freed += tail.clear();
    this.tails.clear();
    this.total -= freed;
    return freed;
  }

  release(tail: PartitionTailCache): void {
    this.total -= tail.clear();
    this.tails.delete(tail);
  }
}

export class PartitionTailCache {
  private batches: CachedBatch[] = [];
  private head = 0;
  private size = 0;

  constructor(private readonly budget: TailCacheBudget) {}

  get bytes(): number {
    return this.size;
  }

  /** Offset of the oldest cached batch, or null when nothing is cached. */
  get firstOffset(): bigint | null {
    return this.head < this.batches.length ? this.batches[this.head].baseOffset : null;
  }

  add(batches: readonly CachedBatch[]): void {
    let delta = 0;
    for (const b of batches) {
      if (b.bytes.length > this.budget.maxPartitionBytes) {
        // Too big to cache; the tail must stay contiguous, so everything older goes too.
        delta -= this.clear();
        continue;
      }
      this.batches.push(b);
      this.size += b.bytes.length;
      delta += b.bytes.length;
    }
    while (this.size > this.budget.maxPartitionBytes) delta -= this.dropOldest();
    this.budget.charge(this, delta);
  }

  /**
   * Batches from the one holding `fetchOffset` on, bounded like a disk read. Null when the cache does not reach
   * back to `fetchOffset` (the caller reads from disk).
   */
  read(fetchOffset: bigint, maxBytes: number, maxOffset: bigint, minOneBatch: boolean): Buffer[] | null {
    const first = this.firstOffset;
    if (first === null || fetchOffset < first) return null;
    let i = firstEndingAtOrAfter(this.batches, fetchOffset, this.head);
    if (i === this.batches.length) return null;
    const out: Buffer[] = [];
    let bytes = 0;
    for (; i < this.batches.length; i++) {
      const b = this.batches[i];
      if (b.lastOffset >= maxOffset) break;
      if (bytes + b.bytes.length > maxBytes && !(minOneBatch && out.length === 0)) break;
      out.push(b.bytes);
      bytes += b.bytes.length;
    }
    return out;
  }

  dropOldest(): number {
    if (this.head >= this.batches.length) return 0;
    const freed = this.batches[this.head].bytes.length;
    // Without this the array would keep up to 64 evicted batches per partition reachable (hundreds of MB with
    // 1 MB producer batches) until the next compaction, far beyond the cache budget.
    this.batches[this.head] = EVICTED;
    this.head++;
    this.size -= freed;
    // Compact the array now and then instead of shifting on every eviction.
    if (this.head > 64 && this.head * 2 > this.batches.length) {
      this.batches = this.batches.slice(this.head);
      this.head = 0;
    }
    return freed;
  }

  /** Drops cached batches ending below `offset` (compaction rewrote them on disk); charges the budget. */
  dropEndingBefore(offset: bigint): void {
    let freed = 0;
    while (this.head < this.batches.length && this.batches[this.head].lastOffset < offset) freed += this.dropOldest();
    if (freed > 0) this.budget.charge(this, -freed);
  }

  /** Empties the cache and returns the bytes freed; does not charge the budget (callers do). */
  clear(): number {
    const freed = this.size;
    this.batches = [];
    this.head = 0;
    this.size = 0;
    return freed;
  }
}
