// Binary searches over lists ordered by offset (segments, cached batches, aborted transactions): each list keeps
// its own items, the search is written once.

/** Index of the first item (from `from` on) whose last offset is at or after `offset`; the length when none is. */
export function firstEndingAtOrAfter(items: ReadonlyArray<{ readonly lastOffset: bigint }>, offset: bigint, from = 0): number {
  let lo = from;
  let hi = items.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (items[mid].lastOffset < offset) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/** Index of the last item whose base offset is at or below `offset`, or 0 (the segment a read starts in). */
export function floorSegmentIndex(segments: ReadonlyArray<{ readonly baseOffset: bigint }>, offset: bigint): number {
  let lo = 0;
  let hi = segments.length - 1;
  let found = 0;
  while (lo <= hi) {
    const mid = (lo + hi) >>> 1;
    if (segments[mid].baseOffset <= offset) {
      found = mid;
      lo = mid + 1;
    } else {
      hi = mid - 1;
    }
  }
  return found;
}
