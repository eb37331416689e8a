// Consumers read a partition sequentially: each fetch starts at the offset right after the last batch the previous
// one returned. Remembering where that read ended saves the next one its index lookup and header walk (one extra
// disk read per partition per fetch). Segments are append-only and replaced, never rewritten, in place, so a
// position stays valid for as long as its segment object is the one the log holds.

/** Segment identity is all a hint needs; positions beyond the segment's intact bytes are never used. */
export interface HintedSegment {
  readonly size: number;
  readonly isDeleted: boolean;
}

interface Hint {
  segment: HintedSegment;
  position: number;
}

/** A few readers per partition at once is the common case; more just fall back to the index. */
const MAX_HINTS = 8;

export class ReadHints {
  private readonly byOffset = new Map<bigint, Hint>();

  get size(): number {
    return this.byOffset.size;
  }

  /** Notes that the batch holding `offset` starts at `position` of `segment`. */
  remember(offset: bigint, segment: HintedSegment, position: number): void {
    this.byOffset.delete(offset);
    this.byOffset.set(offset, { segment, position });
    if (this.byOffset.size > MAX_HINTS) {
      const oldest = this.byOffset.keys().next();
      if (oldest.done !== true) this.byOffset.delete(oldest.value);
    }
  }

  /** The start of the batch holding `offset` in `segment`, if a read ended there; the hint is used up. */
  take(offset: bigint, segment: HintedSegment): { position: number } | null {
    const hint = this.byOffset.get(offset);
    if (hint === undefined) return null;
    this.byOffset.delete(offset);
    if (hint.segment !== segment || segment.isDeleted || hint.position >= segment.size) return null;
    return { position: hint.position };
  }

  clear(): void {
    this.byOffset.clear();
  }
}
