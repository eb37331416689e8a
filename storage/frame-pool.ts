// Buffers that large request frames are assembled in, recycled instead of allocated per request. A fresh 1 MiB
// buffer per Produce request is external memory to V8, and past its soft limit on external memory allocated since
// the last full collection V8 starts incremental marking: a produce flood of 1 MiB requests cost about 9 full
// collections per 500 requests, 10-17% of the broker's main-thread CPU with 1 KB records.
//
// A frame's bytes may outlive its request: storage keeps views of large appended batches in the tail cache
// (tail-cache.ts), and fetches answered from there write views of them to sockets. So each pooled buffer carries a
// reference count: whoever takes it holds one, and whoever keeps a view of it past that holder's lifetime takes
// another (`retain`) and gives it back (`release`) when the view can no longer be read. The buffer returns to the
// pool when the count reaches zero. A holder that cannot be sure when its views die (a failed request, a request
// whose handler may keep its bytes) simply never releases: the buffer is left to the garbage collector, which is
// always safe, as the counts are kept in a WeakMap keyed by the buffer's memory.
import { IdleBuffers } from './idle-buffers';

/** Smallest frame taken from the pool: smaller ones are cheap to allocate and mostly come from Node's shared pool. */
const MIN_POOLED_BYTES = 16 * 1024;
/** Size classes per doubling: a frame wastes at most a quarter of its buffer, and sizes near each other share one. */
const CLASS_STEPS_LOG2 = 2;

export class FramePool {
  /** Idle buffers by size class. */
  private readonly idle: IdleBuffers<ArrayBufferLike>;
  /** References to each pooled buffer given out; 0 while idle. */
  private readonly refs = new WeakMap<ArrayBufferLike, number>();
  /** Forgets an idle buffer the cap drops: a later retain of a stale view finds nothing rather than reused memory. */
  private readonly forget = (memory: ArrayBufferLike): void => {
    this.refs.delete(memory);
  };
  private created = 0;

  constructor(
    /** Bytes of idle buffers kept for reuse; a buffer coming back beyond that is left to the garbage collector. */
    readonly maxIdleBytes: number,
    /** Frames above this (rare: socket.request.max.bytes is 100 MiB) get a plain buffer. */
    readonly maxPooledBytes: number = 16 * 1024 * 1024,
  ) {
    this.idle = new IdleBuffers(maxIdleBytes);
  }

  /**
   * A buffer of exactly `size` bytes, contents undefined. When pooled, the caller holds its one reference and gives
   * it back with `release` once nothing it handed the bytes to can read them, or never (then the collector has it).
   */
  take(size: number): Buffer {
    if (size < MIN_POOLED_BYTES || size > this.maxPooledBytes || this.maxIdleBytes === 0) return Buffer.allocUnsafe(size);
    const cls = frameSizeClass(size);
    const memory = this.idle.take(cls) ?? this.allocate(cls);
    this.refs.set(memory, 1);
    return Buffer.from(memory, 0, size);
  }

  /** True when `view` lies in a pooled buffer in use; the caller then holds a reference and must `release` it. */
  retain(view: Buffer): boolean {
    const memory = view.buffer;
    const count = this.refs.get(memory);
    if (count === undefined) return false;
    if (count === 0) throw new Error('a view of an idle pooled frame buffer was kept: its bytes may already be overwritten');
    this.refs.set(memory, count + 1);
    return true;
  }

  /** Whether `view` lies in a pooled buffer in use (whose bytes are reused once its references are released). */
  pooled(view: Buffer): boolean {
    const count = this.refs.get(view.buffer);
    return count !== undefined && count > 0;
  }

  /** Gives back one reference to the buffer `view` lies in; nothing for a buffer that is not pooled. */
  release(view: Buffer): void {
    const memory = view.buffer;
    const count = this.refs.get(memory);
    if (count === undefined) return;
    if (count <= 0) throw new Error('a pooled frame buffer was released more often than it was taken');
    if (count > 1) {
      this.refs.set(memory, count - 1);
      return;
    }
    this.refs.set(memory, 0);
    if (!this.idle.put(memory.byteLength, memory, this.forget)) this.forget(memory);
  }

  /** Leaves every idle buffer to the garbage collector (an idle broker gives its memory back); returns the bytes. */
  dropIdle(): number {
    return this.idle.dropAll(this.forget);
  }

  /** Bytes held by idle buffers, ready for reuse. */
  get idleBytes(): number {
    return this.idle.bytes;
  }

  /** Buffers created by the pool so far; stays flat while released buffers cover the demand. */
  get allocations(): number {
    return this.created;
  }

  private allocate(cls: number): ArrayBufferLike {
    this.created++;
    // Its own memory, never a slice of Node's shared small-buffer pool, so reusing it touches nothing else.
    return Buffer.allocUnsafeSlow(cls).buffer;
  }
}

/** The size class of a frame: `size` rounded up to a quarter of the power of two below it (16 KiB at least). */
export function frameSizeClass(size: number): number {
  if (size <= MIN_POOLED_BYTES) return MIN_POOLED_BYTES;
  const step = 2 ** (Math.floor(Math.log2(size - 1)) - CLASS_STEPS_LOG2);
  return Math.ceil(size / step) * step;
}
