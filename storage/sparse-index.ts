// What Kafka's two sparse segment indexes share: fixed-size entries kept in one growable buffer (the file's exact
// bytes, written whole when the segment closes or is flushed), a bound on the entry count, a binary search for the
// last entry before a target, and loading a file's content. offset-index.ts and time-index.ts define the entries.

export abstract class SparseIndex<Entry> {
  protected data: Buffer;
  protected count = 0;

  constructor(
    readonly baseOffset: bigint,
    readonly maxEntries: number,
    private readonly entrySize: number,
  ) {
    this.data = Buffer.allocUnsafe(entrySize * Math.min(64, Math.max(1, maxEntries)));
  }

  get entries(): number {
    return this.count;
  }

  get sizeInBytes(): number {
    return this.count * this.entrySize;
  }

  isFull(): boolean {
    return this.count >= this.maxEntries;
  }

  last(): Entry | null {
    return this.count === 0 ? null : this.entryAt(this.count - 1);
  }

  abstract entryAt(i: number): Entry;

  toBuffer(): Buffer {
    return Buffer.from(this.data.subarray(0, this.sizeInBytes));
  }

  /** Whether entry `i` lies before `target` (the entries for which this holds form a prefix). */
  protected abstract isBefore(i: number, target: bigint): boolean;

  /** Index of the last entry before `target` (binary search), or -1 when there is none. */
  protected lastBefore(target: bigint): number {
    let lo = 0;
    let hi = this.count - 1;
    let found = -1;
    while (lo <= hi) {
      const mid = (lo + hi) >>> 1;
      if (this.isBefore(mid, target)) {
        found = mid;
        lo = mid + 1;
      } else {
        hi = mid - 1;
      }
    }
    return found;
  }

  /** Makes room for one more entry and returns its byte position; the caller writes it, then counts it. */
  protected nextSlot(): number {
    const needed = (this.count + 1) * this.entrySize;
    if (needed > this.data.length) {
      const grown = Buffer.allocUnsafe(Math.max(needed, this.data.length * 2));
      this.data.copy(grown, 0, 0, this.sizeInBytes);
      this.data = grown;
    }
    return this.count * this.entrySize;
  }

  /**
   * Takes a file's content as the entries (a copy) if it is a whole number of them and `wellFormed` accepts each
   * entry's position in the buffer; returns whether it did.
   */
  protected adopt(bytes: Buffer, wellFormed: (at: number) => boolean): boolean {
    if (bytes.length % this.entrySize !== 0) return false;
    const n = bytes.length / this.entrySize;
    for (let i = 0; i < n; i++) if (!wellFormed(i * this.entrySize)) return false;
    this.data = Buffer.from(bytes);
    this.count = n;
    return true;
  }
}

/** How many entries a sparse index of `entrySize`-byte entries may hold within segment.index.bytes. */
export function maxIndexEntries(segmentIndexBytes: number, entrySize: number): number {
  return Math.max(1, Math.floor(segmentIndexBytes / entrySize));
}
