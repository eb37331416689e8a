// Batches read together lie back to back in one buffer (a disk read, or one append group in the tail cache).
// Sending them as one view instead of one per batch saves a socket write and a chunk per batch; small batches
// would otherwise each be copied into the response's scratch space.

/** Merges runs of views that continue one another in the same memory into single views; order is kept. */
export function joinAdjacentViews(views: readonly Buffer[]): Buffer[] {
  const out: Buffer[] = [];
  let current: Buffer | undefined;
  for (const view of views) {
    if (current !== undefined && current.buffer === view.buffer && current.byteOffset + current.length === view.byteOffset) {
      current = Buffer.from(current.buffer, current.byteOffset, current.length + view.length);
      continue;
    }
    if (current !== undefined) out.push(current);
    current = view;
  }
  if (current !== undefined) out.push(current);
  return out;
}
