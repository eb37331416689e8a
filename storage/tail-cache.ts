// Newest batches of each partition kept in memory, so consumers tailing a partition are served without touching
// the disk. Each partition's tail is contiguous up to its log end; eviction drops its oldest batches. A shared
// budget bounds the total: when exceeded, the partitions appended to least recently give back their batches first.
// Small batches are copied into slabs (tail-slab.ts), larger ones kept as the views they arrived as: a view of a
// pooled request frame (frame-pool.ts) holds a reference to it until evicted, so the frame is not reused meanwhile.
// A view keeps its whole request frame alive, not just its batch (a 1 MiB request carrying eight partitions' batches,
// of which one partition is read, pins 1 MiB for a 128 KiB batch), so the shared budget counts the memory behind the
// views, each buffer once, rather than the batches' bytes.
//
// A partition caches only while it has a reader: one that read from it (from disk, from the cache, or at its end)
// before more than the partition's budget was appended since. A partition nobody reads caches nothing: those
// batches would serve nobody, and keeping them costs more than their bytes: they are views that pin whole produce
// requests (pooled frames the pool cannot reuse, or before the pool, memory V8 frees only in full collections and
// that sits between the C heap's freed chunks, which glibc then cannot give back: a 1 GB produce with no consumer
// left RSS 60 MB above the same run with the cache off, for as long as the broker ran).
import type { FramePool } from './frame-pool';
import { firstEndingAtOrAfter } from './offset-search';
import { TailSlab } from './tail-slab';

export interface CachedBatch {
  baseOffset: bigint;
  lastOffset: bigint;
  bytes: Buffer;
}

/** Fills the slots of evicted batches until the array is compacted, so their bytes can be garbage collected. */
const EVICTED: CachedBatch = Object.freeze({ baseOffset: -1n, lastOffset: -1n, bytes: Buffer.alloc(0) });

/** The largest slab. A partition's slabs start small and double, so thousands of partitions holding a record each hold little. */
const SLAB_MAX_BYTES = 64 * 1024;
const SLAB_MIN_BYTES = 1024;
/** A slab is at most this share of the partition's budget, so eviction (a slab at a time) stays fine-grained. */
const SLABS_PER_PARTITION_BUDGET = 16;
/** Batches up to this share of a slab are copied into one; larger ones are cached as they are. */
const BATCHES_PER_SLAB = 8;

/** A cached batch as it arrived, or a slab of copied small ones. */
type TailEntry = CachedBatch | TailSlab;

export class TailCacheBudget {
  /** Partitions holding batches, least recently appended first, each with the insertion count when it was put last. */
  private readonly tails = new Map<PartitionTailCache, number>();
  private insertions = 0;
  /** Bytes the partitions hold by their own count: slabs, and the batches of the views they keep. */
  private total = 0;
  /** Of `total`, the batches of kept views. */
  private viewBytes = 0;
  /** The buffers behind kept views, each with how many views of it are kept, and their bytes summed. */
  private readonly pinned = new Map<ArrayBufferLike, number>();
  private pinnedBytes = 0;

  constructor(
    /** For the newest batches of all partitions together. */
    readonly maxTotalBytes: number,
    /** For one partition's; a larger batch is not cached at all. */
    readonly maxPartitionBytes: number,
    /** Where request frames come from: cached views of them hold a reference each. */
    readonly frames: FramePool | null = null,
  ) {}

  /** Bytes of the cached batches themselves. */
  get bytes(): number {
    return this.total;
  }

  /** Memory the cache keeps alive: its slabs, and every buffer a kept view lies in, whole. What the budget bounds. */
  get heldBytes(): number {
    return this.total - this.viewBytes + this.pinnedBytes;
  }

  /** Records a change of `delta` bytes in `tail` and evicts elsewhere (least recently appended first) if over. */
  charge(tail: PartitionTailCache, delta: number): void {
    this.total += delta;
    if (tail.bytes === 0) this.tails.delete(tail);
    else this.markAppended(tail);
    if (this.heldBytes <= this.maxTotalBytes) return;
    for (const victim of this.tails.keys()) {
      if (this.heldBytes <= this.maxTotalBytes) break;
      if (victim === tail) continue;
      this.total -= victim.clear();
      this.tails.delete(victim);
    }
    while (this.heldBytes > this.maxTotalBytes && tail.bytes > 0) this.total -= tail.dropOldest();
    if (tail.bytes === 0) this.tails.delete(tail);
  }

  /** A partition keeps a view: the buffer it lies in now counts whole, once however many views of it are kept. */
  pin(view: Buffer): void {
    this.frames?.retain(view);
    this.viewBytes += view.length;
    const memory = view.buffer;
    const views = this.pinned.get(memory) ?? 0;
    if (views === 0) this.pinnedBytes += memory.byteLength;
    this.pinned.set(memory, views + 1);
  }

  /** A kept view is dropped; the buffer stops counting with its last view. */
  unpin(view: Buffer): void {
    this.frames?.release(view);
    this.viewBytes -= view.length;
    const memory = view.buffer;
    const views = this.pinned.get(memory) ?? 0;
    if (views > 1) {
      this.pinned.set(memory, views - 1);
      return;
    }
    this.pinned.delete(memory);
    this.pinnedBytes -= memory.byteLength;
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

  /**
   * Moves `tail` to the back of the order, but only once it has fallen into the older half: every delete + set on
   * this long-lived Map allocates a new hash table in V8's old generation, at one append per Produce request.
   * A partition appended to since then is still in the newer half, which eviction reaches last.
   */
  private markAppended(tail: PartitionTailCache): void {
    const inserted = this.tails.get(tail);
    if (inserted !== undefined) {
      if (this.insertions - inserted <= this.tails.size >> 1) return;
      this.tails.delete(tail);
    }
    this.tails.set(tail, ++this.insertions);
  }
}

export class PartitionTailCache {
  private batches: TailEntry[] = [];
  private head = 0;
  private size = 0;
  /** The largest slab this partition's budget allows; 0: too small a budget for slabs, every batch is kept as is. */
  private readonly slabMaxBytes: number;
  /** The size of the last slab started (0 after a clear): the next one doubles it. */
  private lastSlabBytes = 0;
  /**
   * Bytes appended since a reader last read; past the partition's budget the partition counts as unread and nothing
   * is cached. Infinite until a first reader comes: a partition nobody reads caches nothing.
   */
  private appendedSinceRead = Number.POSITIVE_INFINITY;

  constructor(private readonly budget: TailCacheBudget) {
    const slabMax = Math.min(SLAB_MAX_BYTES, Math.floor(budget.maxPartitionBytes / SLABS_PER_PARTITION_BUDGET));
    this.slabMaxBytes = slabMax >= SLAB_MIN_BYTES ? slabMax : 0;
  }

  get bytes(): number {
    return this.size;
  }

  /** Offset of the oldest cached batch, or null when nothing is cached. */
  get firstOffset(): bigint | null {
    return this.head < this.batches.length ? this.batches[this.head].baseOffset : null;
  }

  /**
   * A reader read from the partition (from disk, or found nothing new at its end): batches appended from now on are
   * cached for it. Reads served from the cache count by themselves.
   */
  readerAtEnd(): void {
    this.appendedSinceRead = 0;
  }

  add(batches: readonly CachedBatch[]): void {
    for (const b of batches) this.appendedSinceRead += b.bytes.length;
    if (this.appendedSinceRead > this.budget.maxPartitionBytes) {
      // Nobody reads the partition any more; what the cache holds goes too (the tail stays contiguous).
      if (this.size > 0) this.budget.charge(this, -this.clear());
      return;
    }
    let delta = 0;
    for (const b of batches) {
      if (b.bytes.length > this.budget.maxPartitionBytes) {
        // Too big to cache; the tail must stay contiguous, so everything older goes too.
        delta -= this.clear();
        continue;
      }
      const held = b.bytes.length * BATCHES_PER_SLAB <= this.slabMaxBytes ? this.copyIntoSlab(b) : this.keep(b);
      this.size += held;
      delta += held;
    }
    while (this.size > this.budget.maxPartitionBytes) delta -= this.dropOldest();
    this.budget.charge(this, delta);
  }

  /** Keeps a batch as the view it arrived as; returns the bytes it holds. */
  private keep(b: CachedBatch): number {
    this.budget.pin(b.bytes);
    this.batches.push(b);
    return b.bytes.length;
  }

  /** Copies a small batch into the newest slab, or a new one; returns the bytes the cache holds more. */
  private copyIntoSlab(b: CachedBatch): number {
    const newest = this.head < this.batches.length ? this.batches[this.batches.length - 1] : undefined;
    if (newest instanceof TailSlab && newest.accepts(b.baseOffset, b.bytes)) return newest.append(b.lastOffset, b.bytes);
    const capacity = this.nextSlabBytes(b.bytes.length);
    const slab = new TailSlab(capacity, b.baseOffset);
    this.batches.push(slab);
    slab.append(b.lastOffset, b.bytes);
    return slab.heldBytes;
  }

  /** Double the last slab, at least room for several batches like this one, at most the partition's slab size. */
  private nextSlabBytes(batchBytes: number): number {
    let bytes = Math.max(SLAB_MIN_BYTES, this.lastSlabBytes * 2);
    while (bytes < batchBytes * BATCHES_PER_SLAB) bytes *= 2;
    this.lastSlabBytes = Math.min(bytes, this.slabMaxBytes);
    return this.lastSlabBytes;
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
      if (b instanceof TailSlab) {
        const read = b.readInto(out, fetchOffset, bytes, maxBytes, maxOffset, minOneBatch);
        bytes = read.bytes;
        if (!read.more) break;
        continue;
      }
      if (b.lastOffset >= maxOffset) break;
      if (bytes + b.bytes.length > maxBytes && !(minOneBatch && out.length === 0)) break;
      out.push(b.bytes);
      bytes += b.bytes.length;
    }
    this.appendedSinceRead = 0;
    return out;
  }

  dropOldest(): number {
    if (this.head >= this.batches.length) return 0;
    const oldest = this.batches[this.head];
    const freed = oldest instanceof TailSlab ? oldest.heldBytes : oldest.bytes.length;
    if (!(oldest instanceof TailSlab)) this.budget.unpin(oldest.bytes);
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

  /**
   * Drops cached batches ending below `offset` (compaction rewrote them on disk); charges the budget. A slab
   * holding any of them goes whole, later batches with it: the tail stays contiguous, and the log has them.
   */
  dropEndingBefore(offset: bigint): void {
    let freed = 0;
    while (this.head < this.batches.length && this.batches[this.head].baseOffset < offset) {
      const oldest = this.batches[this.head];
      if (!(oldest instanceof TailSlab) && oldest.lastOffset >= offset) break;
      freed += this.dropOldest();
    }
    if (freed > 0) this.budget.charge(this, -freed);
  }

  /** Empties the cache and returns the bytes freed; does not charge the budget (callers do). */
  clear(): number {
    for (let i = this.head; i < this.batches.length; i++) {
      const entry = this.batches[i];
      if (!(entry instanceof TailSlab)) this.budget.unpin(entry.bytes);
    }
    const freed = this.size;
    this.batches = [];
    this.head = 0;
    this.size = 0;
    this.lastSlabBytes = 0;
    return freed;
  }
}
