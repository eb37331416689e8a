import { ReadBufferLease, ReadBufferPool, freshReadBuffers } from '../../../storage/read-buffers';
import { ReadHints } from '../../../storage/read-hints';

const KB = 1024;
const MB = 1024 * KB;

describe('ReadBufferPool', () => {
  it('hands out power-of-two buffers of at least the size asked, from 64 KB up', () => {
    const pool = new ReadBufferPool(8 * MB, 4 * MB);
    expect(pool.acquire(1).length).toBe(64 * KB);
    expect(pool.acquire(64 * KB + 1).length).toBe(128 * KB);
    expect(pool.acquire(MB).length).toBe(MB);
    expect(pool.allocations).toBe(3);
  });

  it('reuses a released buffer instead of allocating, and never hands one out twice', () => {
    const pool = new ReadBufferPool(8 * MB, 4 * MB);
    const a = pool.acquire(100 * KB);
    pool.release(a);
    expect(pool.idleBytes).toBe(128 * KB);
    const b = pool.acquire(120 * KB);
    expect(b).toBe(a);
    expect(pool.idleBytes).toBe(0);
    const c = pool.acquire(120 * KB);
    expect(c).not.toBe(a);
    expect(pool.allocations).toBe(2);
  });

  it('keeps no more idle bytes than its cap and does not pool oversized reads', () => {
    const pool = new ReadBufferPool(MB, 512 * KB);
    const bufs = [pool.acquire(512 * KB), pool.acquire(512 * KB), pool.acquire(512 * KB)];
    for (const b of bufs) pool.release(b);
    expect(pool.idleBytes).toBe(MB);
    const big = pool.acquire(600 * KB);
    expect(big.length).toBe(600 * KB);
    pool.release(big);
    expect(pool.idleBytes).toBe(MB);
  });

  it('makes room for the size in use by dropping idle buffers of other sizes, largest first', () => {
    const pool = new ReadBufferPool(MB, MB);
    const earlier = [pool.acquire(512 * KB), pool.acquire(256 * KB), pool.acquire(256 * KB)];
    for (const b of earlier) pool.release(b);
    expect(pool.idleBytes).toBe(MB);
    // A burst of larger reads is over; reads of 128 KB keep coming and must not allocate each time.
    const small = pool.acquire(128 * KB);
    pool.release(small);
    expect(pool.idleBytes).toBe(512 * KB + 128 * KB);
    const allocations = pool.allocations;
    for (let i = 0; i < 5; i++) pool.release(pool.acquire(100 * KB));
    expect(pool.allocations).toBe(allocations);
    expect(pool.acquire(100 * KB)).toBe(small);
    // The buffers of other sizes left are still handed out.
    expect(pool.acquire(256 * KB)).toBe(earlier[2]);
  });

  it('ignores views and buffers it could not have made', () => {
    const pool = new ReadBufferPool(8 * MB, 4 * MB);
    const a = pool.acquire(64 * KB);
    pool.release(a.subarray(0, 1000));
    pool.release(Buffer.alloc(1000));
    expect(pool.idleBytes).toBe(0);
  });
});

describe('ReadBufferLease', () => {
  it('returns everything it took to the pool once, on releaseAll', () => {
    const pool = new ReadBufferPool(8 * MB, 4 * MB);
    const lease = new ReadBufferLease(pool);
    const a = lease.take(10 * KB);
    const b = lease.take(200 * KB);
    expect(lease.heldCount).toBe(2);
    lease.releaseAll();
    lease.releaseAll();
    expect(lease.heldCount).toBe(0);
    expect(pool.idleBytes).toBe(64 * KB + 256 * KB);
    expect(pool.acquire(64 * KB)).toBe(a);
    expect(pool.acquire(256 * KB)).toBe(b);
    expect(pool.idleBytes).toBe(0);
  });

  it('the default source allocates a plain buffer of exactly the size', () => {
    expect(freshReadBuffers.take(1234).length).toBe(1234);
  });
});

describe('ReadHints', () => {
  const segment = (size: number, isDeleted = false): { size: number; isDeleted: boolean } => ({ size, isDeleted });

  it('answers the offset a read ended at, once, for the same segment only', () => {
    const hints = new ReadHints();
    const seg = segment(1000);
    hints.remember(10n, seg, 400);
    expect(hints.take(10n, segment(1000))).toBeNull();
    hints.remember(10n, seg, 400);
    expect(hints.take(11n, seg)).toBeNull();
    expect(hints.take(10n, seg)).toEqual({ position: 400 });
    expect(hints.take(10n, seg)).toBeNull();
  });

  it('refuses positions at or past the segment end and deleted segments', () => {
    const hints = new ReadHints();
    const seg = segment(400);
    hints.remember(10n, seg, 400);
    expect(hints.take(10n, seg)).toBeNull();
    const gone = segment(1000, true);
    hints.remember(10n, gone, 10);
    expect(hints.take(10n, gone)).toBeNull();
  });

  it('keeps only the most recent few hints', () => {
    const hints = new ReadHints();
    const seg = segment(1 << 20);
    for (let i = 0; i < 20; i++) hints.remember(BigInt(i), seg, i + 1);
    expect(hints.size).toBe(8);
    expect(hints.take(0n, seg)).toBeNull();
    expect(hints.take(19n, seg)).toEqual({ position: 20 });
  });
});
