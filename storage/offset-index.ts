// Sparse offset index of one segment, Kafka's `.index` layout: 8-byte entries of (offset relative to the segment's
// base INT32, file position INT32). An entry (o, p) says the batch starting at position p has last offset o.
// Entries live in memory; the file is written whole (atomically) when the segment closes or is flushed.
import { SparseIndex } from './sparse-index';

export const OFFSET_INDEX_ENTRY_SIZE = 8;

export interface OffsetPosition {
  offset: bigint;
  position: number;
}

export class OffsetIndex extends SparseIndex<OffsetPosition> {
  constructor(baseOffset: bigint, maxEntries: number) {
    super(baseOffset, maxEntries, OFFSET_INDEX_ENTRY_SIZE);
  }

  /** Adds an entry; entries must grow in both offset and position, others are ignored like Kafka's (no-op). */
  append(offset: bigint, position: number): void {
    if (this.isFull()) return;
    const last = this.last();
    if (last !== null && (offset <= last.offset || position <= last.position)) return;
    const at = this.nextSlot();
    this.data.writeInt32BE(Number(offset - this.baseOffset), at);
    this.data.writeInt32BE(position, at + 4);
    this.count++;
  }

  entryAt(i: number): OffsetPosition {
    const at = i * OFFSET_INDEX_ENTRY_SIZE;
    return { offset: this.baseOffset + BigInt(this.data.readInt32BE(at)), position: this.data.readInt32BE(at + 4) };
  }

  /** Position to start a forward scan for `target`: the largest entry at or below it, else the segment start. */
  lookup(target: bigint): OffsetPosition {
    const found = this.lastBefore(target);
    return found < 0 ? { offset: this.baseOffset, position: 0 } : this.entryAt(found);
  }

  protected isBefore(i: number, target: bigint): boolean {
    return this.baseOffset + BigInt(this.data.readInt32BE(i * OFFSET_INDEX_ENTRY_SIZE)) <= target;
  }

  /**
   * Loads a `.index` file's content, checking what Kafka's sanity check checks: whole entries, strictly growing
   * offsets and positions, positions inside the log. Returns null when the file cannot be trusted (rebuild it).
   */
  static parse(baseOffset: bigint, bytes: Buffer, maxEntries: number, logSize: number): OffsetIndex | null {
    const index = new OffsetIndex(baseOffset, Math.max(maxEntries, Math.floor(bytes.length / OFFSET_INDEX_ENTRY_SIZE)));
    let prevOffset = -1;
    let prevPosition = -1;
    const wellFormed = (at: number): boolean => {
      const rel = bytes.readInt32BE(at);
      const pos = bytes.readInt32BE(at + 4);
      if (rel <= prevOffset || pos <= prevPosition || rel < 0 || pos < 0 || pos >= logSize) return false;
      prevOffset = rel;
      prevPosition = pos;
      return true;
    };
    return index.adopt(bytes, wellFormed) ? index : null;
  }
}
