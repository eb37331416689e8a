// Sparse offset index of one segment, Kafka's `.index` layout: 8-byte entries of (offset relative to the segment's
// base INT32, file position INT32). An entry (o, p) says the batch starting at position p has last offset o.
// Entries live in memory; the file is written whole (atomically) when the segment closes or is flushed.

export const OFFSET_INDEX_ENTRY_SIZE = 8;

export interface OffsetPosition {
  offset: bigint;
  position: number;
}

export class OffsetIndex {
  private data: Buffer;
  private count = 0;

  constructor(
    readonly baseOffset: bigint,
    readonly maxEntries: number,
  ) {
    this.data = Buffer.allocUnsafe(OFFSET_INDEX_ENTRY_SIZE * Math.min(64, Math.max(1, maxEntries)));
  }

  get entries(): number {
    return this.count;
  }

  get sizeInBytes(): number {
    return this.count * OFFSET_INDEX_ENTRY_SIZE;
  }

  isFull(): boolean {
    return this.count >= this.maxEntries;
  }

  /** Adds an entry; entries must grow in both offset and position, others are ignored like Kafka's (no-op). */
  append(offset: bigint, position: number): void {
    if (this.isFull()) return;
    const last = this.last();
    if (last !== null && (offset <= last.offset || position <= last.position)) return;
    this.ensureCapacity(this.count + 1);
    const at = this.count * OFFSET_INDEX_ENTRY_SIZE;
    this.data.writeInt32BE(Number(offset - this.baseOffset), at);
    this.data.writeInt32BE(position, at + 4);
    this.count++;
  }

  last(): OffsetPosition | null {
    return this.count === 0 ? null : this.entryAt(this.count - 1);
  }

  entryAt(i: number): OffsetPosition {
    const at = i * OFFSET_INDEX_ENTRY_SIZE;
    return { offset: this.baseOffset + BigInt(this.data.readInt32BE(at)), position: this.data.readInt32BE(at + 4) };
  }

  /** Position to start a forward scan for `target`: the largest entry at or below it, else the segment start. */
  lookup(target: bigint): OffsetPosition {
    let lo = 0;
    let hi = this.count - 1;
    let found = -1;
    while (lo <= hi) {
      const mid = (lo + hi) >>> 1;
      if (this.entryAt(mid).offset <= target) {
        found = mid;
        lo = mid + 1;
      } else {
        hi = mid - 1;
      }
    }
    return found < 0 ? { offset: this.baseOffset, position: 0 } : this.entryAt(found);
  }

  toBuffer(): Buffer {
    return Buffer.from(this.data.subarray(0, this.sizeInBytes));
  }

  /**
   * Loads a `.index` file's content, checking what Kafka's sanity check checks: whole entries, strictly growing
   * offsets and positions, positions inside the log. Returns null when the file cannot be trusted (rebuild it).
   */
  static parse(baseOffset: bigint, bytes: Buffer, maxEntries: number, logSize: number): OffsetIndex | null {
    if (bytes.length % OFFSET_INDEX_ENTRY_SIZE !== 0) return null;
    const n = bytes.length / OFFSET_INDEX_ENTRY_SIZE;
    const index = new OffsetIndex(baseOffset, Math.max(maxEntries, n));
    index.data = Buffer.from(bytes);
    index.count = n;
    let prevOffset = -1;
    let prevPosition = -1;
    for (let i = 0; i < n; i++) {
      const rel = index.data.readInt32BE(i * OFFSET_INDEX_ENTRY_SIZE);
      const pos = index.data.readInt32BE(i * OFFSET_INDEX_ENTRY_SIZE + 4);
      if (rel <= prevOffset || pos <= prevPosition || rel < 0 || pos < 0 || pos >= logSize) return null;
      prevOffset = rel;
      prevPosition = pos;
    }
    return index;
  }

  private ensureCapacity(entries: number): void {
    const needed = entries * OFFSET_INDEX_ENTRY_SIZE;
    if (needed <= this.data.length) return;
    const grown = Buffer.allocUnsafe(Math.max(needed, this.data.length * 2));
    this.data.copy(grown, 0, 0, this.sizeInBytes);
    this.data = grown;
  }
}
