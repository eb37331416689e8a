// Buffers that disk reads land in. A fetch reads up to max.partition.fetch.bytes per partition; allocating that
// afresh for every read makes 1 GB of consumption 1 GB of external garbage that V8 collects late (its heap looks
// small), so RSS climbed past a gigabyte. Fetches read into recycled buffers instead: a lease collects the buffers
// one response uses and gives them back once the socket has taken the response, so the bytes are reused only
// after nothing can read them any more.
import { IdleBuffers } from './idle-buffers';

/** Where a read gets its buffer from. */
export interface ReadBufferSource {
  /** A buffer of at least `size` bytes; its contents are undefined. */
  take(size: number): Buffer;
  /**
   * Runs `release` once the bytes read through this source are dropped, as for the buffers it gave (views of
   * recycled memory the read returns, such as the tail cache's views of request frames); absent: the source cannot
   * tell when, and the reader copies such views instead.
   */
  hold?(release: () => void): void;
}

/** Plain allocation: the buffer belongs to the caller and to the garbage collector. */
export const freshReadBuffers: ReadBufferSource = {
  take: (size) => Buffer.allocUnsafe(size),
};

/** Smallest pooled size; smaller reads still take one, as a pooled buffer costs nothing once allocated. */
const MIN_CLASS_BYTES = 64 * 1024;

/**
 * Free buffers by power-of-two size class. Idle buffers are kept up to `maxIdleBytes` in total (idle-buffers.ts);
 * beyond that a returned buffer is dropped for the collector, so the pool never holds more than a burst's worth.
 */
export class ReadBufferPool {
  private readonly idle: IdleBuffers<Buffer>;
  private allocated = 0;

  constructor(
    readonly maxIdleBytes: number,
    /** Reads above this are rare (one oversized first batch) and get a plain buffer. */
    readonly maxPooledBytes: number,
  ) {
    this.idle = new IdleBuffers(maxIdleBytes);
  }

  /** A buffer of at least `size` bytes; pooled buffers must come back through `release`, once. */
  acquire(size: number): Buffer {
    const cls = sizeClass(size);
    if (cls > this.maxPooledBytes) return Buffer.allocUnsafe(size);
    const reused = this.idle.take(cls);
    if (reused !== undefined) return reused;
    this.allocated++;
    // Its own ArrayBuffer, never a slice of Node's shared small-buffer pool, so reuse touches nothing else.
    return Buffer.allocUnsafeSlow(cls);
  }

  /** Takes a buffer back for reuse; nothing may read or write it afterwards. */
  release(buf: Buffer): void {
    const cls = buf.length;
    if (cls !== sizeClass(cls) || cls > this.maxPooledBytes || buf.byteOffset !== 0) return;
    this.idle.put(cls, buf);
  }

  /** Bytes held by idle buffers, ready for reuse. */
  get idleBytes(): number {
    return this.idle.bytes;
  }

  /** Buffers created by the pool so far; stays flat while released buffers cover the demand. */
  get allocations(): number {
    return this.allocated;
  }
}

function sizeClass(size: number): number {
  let cls = MIN_CLASS_BYTES;
  while (cls < size) cls *= 2;
  return cls;
}

/**
 * The buffers one response reads into. Everything taken is returned to the pool by `releaseAll`, which the owner
 * calls when no reference to the bytes can remain (the socket wrote the response, or it was never sent).
 */
export class ReadBufferLease implements ReadBufferSource {
  private held: Buffer[] = [];
  private releases: Array<() => void> = [];

  constructor(private readonly pool: ReadBufferPool) {}

  take(size: number): Buffer {
    const buf = this.pool.acquire(size);
    this.held.push(buf);
    return buf;
  }

  hold(release: () => void): void {
    this.releases.push(release);
  }

  /** Number of buffers currently taken and not yet released. */
  get heldCount(): number {
    return this.held.length;
  }

  /** Number of other memory's views held (`hold`) and not yet released. */
  get holdCount(): number {
    return this.releases.length;
  }

  releaseAll(): void {
    const held = this.held;
    this.held = [];
    for (const buf of held) this.pool.release(buf);
    if (this.releases.length === 0) return;
    const releases = this.releases;
    this.releases = [];
    for (const release of releases) release();
  }
}
