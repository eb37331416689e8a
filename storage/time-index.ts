// Sparse time index of one segment, Kafka's `.timeindex` layout: 12-byte entries of (timestamp INT64, offset
// relative to the segment's base INT32). Timestamps strictly grow: an entry is added only when the segment's
// maximum timestamp has grown since the previous one, so the last entry carries the segment's max timestamp.

export const TIME_INDEX_ENTRY_SIZE = 12;

export interface TimestampOffset {
  timestamp: bigint;
  offset: bigint;
}

export class TimeIndex {
  private data: Buffer;
  private count = 0;

  constructor(
    readonly baseOffset: bigint,
    readonly maxEntries: number,
  ) {
    this.data = Buffer.allocUnsafe(TIME_INDEX_ENTRY_SIZE * Math.min(64, Math.max(1, maxEntries)));
  }

  get entries(): number {
    return this.count;
  }

  get sizeInBytes(): number {
    return this.count * TIME_INDEX_ENTRY_SIZE;
  }

  isFull(): boolean {
    return this.count >= this.maxEntries;
  }

  /** `force` lets the closing entry in even when the index is full, as Kafka does when a segment rolls. */
  maybeAppend(timestamp: bigint, offset: bigint, force = false): void {
    if (timestamp < 0n) return;
    if (this.isFull() && !force) return;
    const last = this.last();
    if (last !== null && (timestamp <= last.timestamp || offset < last.offset)) return;
    this.ensureCapacity(this.count + 1);
    const at = this.count * TIME_INDEX_ENTRY_SIZE;
    this.data.writeBigInt64BE(timestamp, at);
    this.data.writeInt32BE(Number(offset - this.baseOffset), at + 8);
    this.count++;
  }

  last(): TimestampOffset | null {
    return this.count === 0 ? null : this.entryAt(this.count - 1);
  }

  entryAt(i: number): TimestampOffset {
    const at = i * TIME_INDEX_ENTRY_SIZE;
    return { timestamp: this.data.readBigInt64BE(at), offset: this.baseOffset + BigInt(this.data.readInt32BE(at + 8)) };
  }

  /**
   * The last entry whose timestamp is strictly below `target`: every batch up to its offset is older than the
   * target, so a forward scan may start there. Null means scan from the segment start.
   */
  lookupBefore(target: bigint): TimestampOffset | null {
    let lo = 0;
    let hi = this.count - 1;
    let found = -1;
    while (lo <= hi) {
      const mid = (lo + hi) >>> 1;
      if (this.entryAt(mid).timestamp < target) {
        found = mid;
        lo = mid + 1;
      } else {
        hi = mid - 1;
      }
    }
    return found < 0 ? null : this.entryAt(found);
  }

  toBuffer(): Buffer {
    return Buffer.from(this.data.subarray(0, this.sizeInBytes));
  }

  /** Loads a `.timeindex` file; null when it is not a whole number of entries or not monotonic (rebuild it). */
  static parse(baseOffset: bigint, bytes: Buffer, maxEntries: number): TimeIndex | null {
    if (bytes.length % TIME_INDEX_ENTRY_SIZE !== 0) return null;
    const n = bytes.length / TIME_INDEX_ENTRY_SIZE;
    const index = new TimeIndex(baseOffset, Math.max(maxEntries, n));
    index.data = Buffer.from(bytes);
    index.count = n;
    let prevTs = -1n;
    let prevRel = -1;
    for (let i = 0; i < n; i++) {
      const ts = index.data.readBigInt64BE(i * TIME_INDEX_ENTRY_SIZE);
      const rel = index.data.readInt32BE(i * TIME_INDEX_ENTRY_SIZE + 8);
      if (ts <= prevTs || rel < prevRel || rel < 0) return null;
      prevTs = ts;
      prevRel = rel;
    }
    return index;
  }

  private ensureCapacity(entries: number): void {
    const needed = entries * TIME_INDEX_ENTRY_SIZE;
    if (needed <= this.data.length) return;
    const grown = Buffer.allocUnsafe(Math.max(needed, this.data.length * 2));
    this.data.copy(grown, 0, 0, this.sizeInBytes);
    this.data = grown;
  }
}
