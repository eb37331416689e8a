// The request frame pool's reference counts: a buffer is handed out again only once every holder (the request, the
// tail cache's views, fetch responses holding those views) gave its reference back, and the tail cache takes and
// returns its references as batches come and go.
import { FramePool, frameSizeClass } from '../../../storage/frame-pool';
import { PartitionTailCache, TailCacheBudget, type CachedBatch } from '../../../storage/tail-cache';
import { ReadBufferLease, ReadBufferPool } from '../../../storage/read-buffers';

const KB = 1024;
const MB = 1024 * KB;

/** Whether two buffers share their memory (a reused pooled buffer does). */
const sameMemory = (a: Buffer, b: Buffer): boolean => a.buffer === b.buffer;

describe('FramePool', () => {
  it('sizes classes in quarters of a doubling, from 16 KiB up', () => {
    expect(frameSizeClass(1)).toBe(16 * KB);
    expect(frameSizeClass(16 * KB)).toBe(16 * KB);
    expect(frameSizeClass(16 * KB + 1)).toBe(20 * KB);
    expect(frameSizeClass(MB)).toBe(MB);
    expect(frameSizeClass(MB + 1)).toBe(MB + 256 * KB);
    expect(frameSizeClass(1_000_000)).toBe(MB);
  });

  it('hands out a frame of exactly the size asked, pooled from 16 KiB on', () => {
    const pool = new FramePool(8 * MB);
    const small = pool.take(10 * KB);
    expect(small.length).toBe(10 * KB);
    expect(pool.pooled(small)).toBe(false);
    const large = pool.take(1_000_000);
    expect(large.length).toBe(1_000_000);
    expect(large.buffer.byteLength).toBe(MB);
    expect(pool.pooled(large)).toBe(true);
    expect(pool.allocations).toBe(1);
  });

  it('reuses a buffer once its only reference is released, never while it is held', () => {
    const pool = new FramePool(8 * MB);
    const a = pool.take(900 * KB);
    const b = pool.take(900 * KB);
    expect(sameMemory(a, b)).toBe(false);
    pool.release(a);
    expect(pool.idleBytes).toBe(1024 * KB);
    const c = pool.take(1000 * KB);
    expect(sameMemory(c, a)).toBe(true);
    expect(pool.idleBytes).toBe(0);
    expect(pool.allocations).toBe(2);
  });

  it('counts references: the buffer comes back only after the last holder released it', () => {
    const pool = new FramePool(8 * MB);
    const frame = pool.take(100 * KB);
    const view = frame.subarray(100, 50 * KB);
    expect(pool.retain(view)).toBe(true);
    expect(pool.retain(view)).toBe(true);
    pool.release(frame);
    pool.release(view);
    expect(pool.idleBytes).toBe(0);
    expect(sameMemory(pool.take(100 * KB), frame)).toBe(false);
    pool.release(view);
    expect(pool.idleBytes).toBe(frameSizeClass(100 * KB));
    expect(sameMemory(pool.take(100 * KB), frame)).toBe(true);
  });

  it('ignores buffers it did not make, and refuses to count a view of an idle buffer or a second release', () => {
    const pool = new FramePool(8 * MB);
    const plain = Buffer.allocUnsafe(100 * KB);
    expect(pool.retain(plain)).toBe(false);
    pool.release(plain);
    expect(pool.idleBytes).toBe(0);
    const frame = pool.take(100 * KB);
    pool.release(frame);
    expect(() => pool.retain(frame)).toThrow(/idle/);
    expect(() => pool.release(frame)).toThrow(/released more often/);
  });

  it('keeps no more idle bytes than its cap; a buffer beyond it is forgotten, and dropIdle forgets them all', () => {
    const pool = new FramePool(2 * MB);
    const frames = [pool.take(MB), pool.take(MB), pool.take(MB)];
    for (const f of frames) pool.release(f);
    expect(pool.idleBytes).toBe(2 * MB);
    // The third was left to the collector: a stale view of it is no longer counted as pooled.
    expect(pool.pooled(frames[2])).toBe(false);
    expect(pool.retain(frames[2])).toBe(false);
    expect(pool.dropIdle()).toBe(2 * MB);
    expect(pool.idleBytes).toBe(0);
    const again = pool.take(MB);
    expect(frames.some((f) => sameMemory(f, again))).toBe(false);
  });

  it('at its cap, a frame coming back pushes out idle ones of another size, which are forgotten', () => {
    const pool = new FramePool(2 * MB);
    const big = pool.take(2 * MB);
    const small = pool.take(MB);
    pool.release(big);
    expect(pool.idleBytes).toBe(2 * MB);
    pool.release(small);
    expect(pool.idleBytes).toBe(MB);
    // The 2 MiB buffer was dropped for the 1 MiB one just used: a stale view of it counts for nothing.
    expect(pool.retain(big)).toBe(false);
    expect(sameMemory(pool.take(MB), small)).toBe(true);
  });

  it('pools nothing with a budget of 0 or above its largest class', () => {
    expect(new FramePool(0).pooled(new FramePool(0).take(MB))).toBe(false);
    const pool = new FramePool(64 * MB, 4 * MB);
    expect(pool.pooled(pool.take(4 * MB + 1))).toBe(false);
  });
});

describe('the tail cache and fetch leases with pooled frames', () => {
  /** A pooled "request frame" holding one 100 KB batch at offset `base`, as storage receives it. */
  function frameBatch(pool: FramePool, base: bigint): { frame: Buffer; batch: CachedBatch } {
    const frame = pool.take(110 * KB);
    frame.fill(Number(base % 251n));
    return { frame, batch: { baseOffset: base, lastOffset: base, bytes: frame.subarray(1000, 101_000) } };
  }

  it('holds a reference per cached view until eviction, so the request can give its own back at once', () => {
    const pool = new FramePool(8 * MB);
    const budget = new TailCacheBudget(64 * MB, 250 * KB, pool);
    const tail = new PartitionTailCache(budget);
    const first = frameBatch(pool, 0n);
    // A consumer reads the partition's end, so the cache keeps what is appended for it.
    tail.readerAtEnd();
    tail.add([first.batch]);
    pool.release(first.frame);
    expect(pool.idleBytes).toBe(0);
    const second = frameBatch(pool, 1n);
    expect(sameMemory(second.frame, first.frame)).toBe(false);
    tail.readerAtEnd();
    tail.add([second.batch]);
    pool.release(second.frame);
    // A third 100 KB batch goes past the partition's 250 KB: the oldest is evicted and its frame comes back.
    const third = frameBatch(pool, 2n);
    tail.readerAtEnd();
    tail.add([third.batch]);
    pool.release(third.frame);
    expect(tail.firstOffset).toBe(1n);
    expect(pool.idleBytes).toBe(frameSizeClass(110 * KB));
    expect(sameMemory(pool.take(110 * KB), first.frame)).toBe(true);
  });

  it('gives back every reference when the cache is cleared (heap trim, partition removed, too large a batch)', () => {
    const pool = new FramePool(8 * MB);
    const budget = new TailCacheBudget(64 * MB, MB, pool);
    const tail = new PartitionTailCache(budget);
    const frames = [0n, 1n, 2n].map((o) => frameBatch(pool, o));
    tail.readerAtEnd();
    tail.add(frames.map((f) => f.batch));
    for (const f of frames) pool.release(f.frame);
    expect(pool.idleBytes).toBe(0);
    budget.releaseAll();
    expect(pool.idleBytes).toBe(3 * frameSizeClass(110 * KB));
  });

  it('a lease holding views keeps their frame from reuse after eviction, until the response is released', () => {
    const pool = new FramePool(8 * MB);
    const budget = new TailCacheBudget(64 * MB, 150 * KB, pool);
    const tail = new PartitionTailCache(budget);
    const first = frameBatch(pool, 0n);
    tail.readerAtEnd();
    tail.add([first.batch]);
    pool.release(first.frame);
    const lease = new ReadBufferLease(new ReadBufferPool(MB, MB));
    const views = tail.read(0n, MB, 10n, true) ?? [];
    expect(views).toHaveLength(1);
    // What LogReader does with a fetch's lease (storage/log-reads.ts `pinned`).
    for (const v of views) if (pool.retain(v)) lease.hold(() => pool.release(v));
    expect(lease.holdCount).toBe(1);
    const second = frameBatch(pool, 1n);
    tail.add([second.batch]);
    pool.release(second.frame);
    // The first batch was evicted, yet its frame is still the lease's: a new request gets new memory.
    expect(tail.firstOffset).toBe(1n);
    expect(pool.idleBytes).toBe(0);
    const third = pool.take(110 * KB);
    expect(sameMemory(third, first.frame)).toBe(false);
    third.fill(0xff);
    expect(views[0].every((b) => b === 0)).toBe(true);
    lease.releaseAll();
    expect(lease.holdCount).toBe(0);
    expect(sameMemory(pool.take(110 * KB), first.frame)).toBe(true);
  });
});
