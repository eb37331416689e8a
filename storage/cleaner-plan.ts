// Whether a compacted log is worth cleaning now, and which part: Kafka's LogCleanerManager rules. Pure: the
// partition log gathers the facts, this decides.

export interface SegmentFacts {
  readonly baseOffset: bigint;
  /** Base offset of the next segment (or the log end for the last): everything here is below it. */
  readonly nextBaseOffset: bigint;
  readonly size: number;
  /** Largest record timestamp in the segment (file mtime when it has none). */
  readonly largestTimestamp: bigint;
  /** Timestamp of the segment's first batch (-1 when unknown), what max.compaction.lag.ms measures from. */
  readonly firstBatchTimestamp: bigint;
}

export interface CleaningSettings {
  readonly minCleanableDirtyRatio: number;
  readonly minCompactionLagMs: number;
  readonly maxCompactionLagMs: number;
}

export interface CleaningPlan {
  /** Where the dirty (never cleaned) section starts. */
  readonly firstDirtyOffset: bigint;
  /** Segment boundary the cleaning stops at: the active segment, an open transaction or min.compaction.lag.ms. */
  readonly firstUncleanableOffset: bigint;
  readonly cleanBytes: number;
  readonly dirtyBytes: number;
  readonly dirtyRatio: number;
  /** Whether max.compaction.lag.ms forces cleaning whatever the ratio. */
  readonly overdue: boolean;
  readonly cleanable: boolean;
}

/**
 * `closed` lists the closed segments oldest first (never the active one). The cleaner checkpoint is clamped to the
 * log start; everything from the first segment after `lastStableOffset`, or too young for min.compaction.lag.ms,
 * stays uncleaned.
 */
export function planCleaning(
  closed: readonly SegmentFacts[],
  activeBaseOffset: bigint,
  checkpoint: bigint,
  logStartOffset: bigint,
  lastStableOffset: bigint,
  settings: CleaningSettings,
  nowMs: number,
): CleaningPlan {
  const firstDirtyOffset = checkpoint < logStartOffset ? logStartOffset : checkpoint;
  let uncleanable = activeBaseOffset;
  if (lastStableOffset < uncleanable) uncleanable = lastStableOffset;
  const lagHorizon = BigInt(nowMs) - BigInt(settings.minCompactionLagMs);
  for (const seg of closed) {
    if (seg.nextBaseOffset <= firstDirtyOffset) continue;
    if (settings.minCompactionLagMs > 0 && seg.largestTimestamp > lagHorizon) {
      if (seg.baseOffset < uncleanable) uncleanable = seg.baseOffset;
      break;
    }
  }
  // Cleaning works on whole segments: stop at the last boundary not past the uncleanable offset.
  let firstUncleanableOffset = firstDirtyOffset;
  let cleanBytes = 0;
  let dirtyBytes = 0;
  let firstDirty: SegmentFacts | null = null;
  for (const seg of closed) {
    if (seg.nextBaseOffset <= firstDirtyOffset) {
      if (seg.nextBaseOffset > logStartOffset) cleanBytes += seg.size;
      continue;
    }
    if (seg.nextBaseOffset > uncleanable) break;
    firstDirty ??= seg;
    dirtyBytes += seg.size;
    firstUncleanableOffset = seg.nextBaseOffset;
  }
  const total = cleanBytes + dirtyBytes;
  const dirtyRatio = total === 0 ? 0 : dirtyBytes / total;
  const overdue =
    firstDirty !== null &&
    firstDirty.firstBatchTimestamp >= 0n &&
    settings.maxCompactionLagMs < Number.MAX_SAFE_INTEGER &&
    BigInt(nowMs) - firstDirty.firstBatchTimestamp > BigInt(settings.maxCompactionLagMs);
  const cleanable = dirtyBytes > 0 && (overdue || dirtyRatio >= settings.minCleanableDirtyRatio);
  return { firstDirtyOffset, firstUncleanableOffset, cleanBytes, dirtyBytes, dirtyRatio, overdue, cleanable };
}

/**
 * Kafka's groupSegmentsBySize: consecutive segments become one cleaned segment while their original sizes fit
 * segment.bytes and their offsets fit the index's INT32 relative offsets.
 */
export function groupSegments<T extends { baseOffset: bigint; nextBaseOffset: bigint; size: number }>(
  segments: readonly T[],
  maxBytes: number,
  maxOffsetSpan: bigint,
): T[][] {
  const groups: T[][] = [];
  let current: T[] = [];
  let bytes = 0;
  for (const seg of segments) {
    const fits = current.length > 0 && bytes + seg.size <= maxBytes && seg.nextBaseOffset - 1n - current[0].baseOffset <= maxOffsetSpan;
    if (current.length > 0 && !fits) {
      groups.push(current);
      current = [];
      bytes = 0;
    }
    current.push(seg);
    bytes += seg.size;
  }
  if (current.length > 0) groups.push(current);
  return groups;
}
