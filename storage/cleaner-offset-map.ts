// Kafka's cleaner "offset map": for every key in the dirty part of a log, the offset of its newest record. Bounded
// by an estimate of its memory so one pass over a huge dirty section stops at a segment boundary instead.

/** Rough per-entry cost of a JS Map entry with a string key and a bigint value, besides the key bytes. */
const ENTRY_OVERHEAD_BYTES = 96;

export class CleanerOffsetMap {
  private readonly offsets = new Map<string, bigint>();
  private bytes = 0;
  /** Offset of the last record put in, -1 when empty. */
  latestOffset = -1n;

  constructor(readonly maxBytes: number) {}

  get size(): number {
    return this.offsets.size;
  }

  get full(): boolean {
    return this.bytes >= this.maxBytes;
  }

  put(key: Buffer, offset: bigint): void {
    const k = key.toString('latin1');
    if (!this.offsets.has(k)) this.bytes += k.length + ENTRY_OVERHEAD_BYTES;
    this.offsets.set(k, offset);
    if (offset > this.latestOffset) this.latestOffset = offset;
  }

  get(key: Buffer): bigint | undefined {
    return this.offsets.get(key.toString('latin1'));
  }
}
