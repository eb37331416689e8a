// Small batches of a partition's tail, copied back to back into one buffer. A producer with linger.ms=0 sends one
// ~100-byte batch per request; cached as views, each would keep its request's memory and four or five heap objects
// alive until evicted, long enough to be promoted, so the old generation filled with them at the request rate and
// full GCs (pauses of 5-20 ms, the p99.9 of end-to-end latency) followed every few seconds. A slab is one buffer
// and two typed arrays for hundreds of batches, and a request's memory dies young.

/** Batch slots a new slab's index starts with; doubled as it fills. */
const FIRST_INDEX_SLOTS = 16;
/** Bytes per batch slot of the index: its last offset (8) and end position (4). */
const INDEX_SLOT_BYTES = 12;

export class TailSlab {
  /** Offset of the first batch; batches follow each other without gaps. */
  readonly baseOffset: bigint;
  /** Last offset of the newest batch. */
  lastOffset: bigint;
  private readonly buf: Buffer;
  private used = 0;
  private count = 0;
  private lasts: BigInt64Array;
  private ends: Int32Array;

  constructor(capacity: number, baseOffset: bigint) {
    // Not from Node's shared pool: an evicted slab must free its memory, not pin a pool chunk.
    this.buf = Buffer.allocUnsafeSlow(capacity);
    this.baseOffset = baseOffset;
    this.lastOffset = baseOffset - 1n;
    this.lasts = new BigInt64Array(FIRST_INDEX_SLOTS);
    this.ends = new Int32Array(FIRST_INDEX_SLOTS);
  }

  /** Memory the slab holds: its buffer and its index. */
  get heldBytes(): number {
    return this.buf.length + this.lasts.length * INDEX_SLOT_BYTES;
  }

  /** Whether `bytes`, starting at `baseOffset`, can go next: it fits and continues the slab's offsets. */
  accepts(baseOffset: bigint, bytes: Buffer): boolean {
    return baseOffset === this.lastOffset + 1n && this.used + bytes.length <= this.buf.length;
  }

  /** Copies a batch in (after `accepts`); returns how many more bytes the slab holds (its index grew). */
  append(lastOffset: bigint, bytes: Buffer): number {
    let grown = 0;
    if (this.count === this.lasts.length) grown = this.growIndex();
    bytes.copy(this.buf, this.used);
    this.used += bytes.length;
    this.lasts[this.count] = lastOffset;
    this.ends[this.count] = this.used;
    this.count++;
    this.lastOffset = lastOffset;
    return grown;
  }

  /**
   * Appends to `out` views of the batches from the one holding `fetchOffset` on, stopping before one reaching
   * `maxOffset` or going past `maxBytes` in all (`bytes` counted already; the first batch of a read always goes
   * with `minOneBatch`). Returns the bytes counted so far and whether the read may continue into the next entry.
   */
  readInto(out: Buffer[], fetchOffset: bigint, bytes: number, maxBytes: number, maxOffset: bigint, minOneBatch: boolean): { bytes: number; more: boolean } {
    for (let i = this.firstEndingAtOrAfter(fetchOffset); i < this.count; i++) {
      if (this.lasts[i] >= maxOffset) return { bytes, more: false };
      const start = i === 0 ? 0 : this.ends[i - 1];
      const length = this.ends[i] - start;
      if (bytes + length > maxBytes && !(minOneBatch && out.length === 0)) return { bytes, more: false };
      out.push(this.buf.subarray(start, start + length));
      bytes += length;
    }
    return { bytes, more: true };
  }

  private firstEndingAtOrAfter(offset: bigint): number {
    let lo = 0;
    let hi = this.count;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (this.lasts[mid] < offset) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }

  private growIndex(): number {
    const slots = this.lasts.length * 2;
    const lasts = new BigInt64Array(slots);
    const ends = new Int32Array(slots);
    lasts.set(this.lasts);
    ends.set(this.ends);
    const grown = (slots - this.lasts.length) * INDEX_SLOT_BYTES;
    this.lasts = lasts;
    this.ends = ends;
    return grown;
  }
}
