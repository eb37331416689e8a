// Sparse time index of one segment, Kafka's `.timeindex` layout: 12-byte entries of (timestamp INT64, offset
// relative to the segment's base INT32). Timestamps strictly grow: an entry is added only when the segment's
// maximum timestamp has grown since the previous one, so the last entry carries the segment's max timestamp.
import { SparseIndex } from './sparse-index';

export interface TimestampOffset {
  timestamp: bigint;
  offset: bigint;
}

export const TIME_INDEX_ENTRY_SIZE = 12;

export class TimeIndex extends SparseIndex<TimestampOffset> {
  constructor(baseOffset: bigint, maxEntries: number) {
    super(baseOffset, maxEntries, TIME_INDEX_ENTRY_SIZE);
  }

  /** `force` lets the closing entry in even when the index is full, as Kafka does when a segment rolls. */
  maybeAppend(timestamp: bigint, offset: bigint, force = false): void {
    if (timestamp < 0n) return;
    if (this.isFull() && !force) return;
    const last = this.last();
    if (last !== null && (timestamp <= last.timestamp || offset < last.offset)) return;
    const at = this.nextSlot();
    this.data.writeBigInt64BE(timestamp, at);
    this.data.writeInt32BE(Number(offset - this.baseOffset), at + 8);
    this.count++;
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
    const found = this.lastBefore(target);
    return found < 0 ? null : this.entryAt(found);
  }

  protected isBefore(i: number, target: bigint): boolean {
    return this.data.readBigInt64BE(i * TIME_INDEX_ENTRY_SIZE) < target;
  }

  /** Loads a `.timeindex` file; null when it is not a whole number of entries or not monotonic (rebuild it). */
  static parse(baseOffset: bigint, bytes: Buffer, maxEntries: number): TimeIndex | null {
    const index = new TimeIndex(baseOffset, Math.max(maxEntries, Math.floor(bytes.length / TIME_INDEX_ENTRY_SIZE)));
    let prevTs = -1n;
    let prevRel = -1;
    const wellFormed = (at: number): boolean => {
      const ts = bytes.readBigInt64BE(at);
      const rel = bytes.readInt32BE(at + 8);
      if (ts <= prevTs || rel < prevRel || rel < 0) return false;
      prevTs = ts;
      prevRel = rel;
      return true;
    };
    return index.adopt(bytes, wellFormed) ? index : null;
  }
}
