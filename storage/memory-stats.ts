// What storage's in-memory caches and buffer pools hold, as /metrics reports it (src/http/broker-collectors.ts).

/** A buffer pool's idle bytes and the buffers it created since start (flat while reuse covers the demand). */
export interface BufferPoolStats {
  readonly idleBytes: number;
  readonly allocations: number;
}

export interface StorageMemoryStats {
  /** Memory the tail cache keeps alive: its slabs and the whole buffers its views lie in (what its budget bounds). */
  readonly tailCacheHeldBytes: number;
  readonly requestFrames: BufferPoolStats;
  readonly fetchReads: BufferPoolStats;
}
