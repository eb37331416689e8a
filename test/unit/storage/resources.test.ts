import { batchBaseOffset } from '../../../codecs/records/batch-header';
import { FdPool, readAt } from '../../../storage/fd-pool';
import { PartitionTailCache, TailCacheBudget } from '../../../storage/tail-cache';
import { OffsetIndex } from '../../../storage/offset-index';
import { TimeIndex } from '../../../storage/time-index';
import { selectSegmentsToDelete, RetentionVictim } from '../../../storage/retention';
import { addWhileRead, batch, loadedLog, removeDir, tempDir, withManager } from './helpers';
import * as fs from 'fs';
import * as path from 'path';

function cached(base: number, size: number): { baseOffset: bigint; lastOffset: bigint; bytes: Buffer } {
  return { baseOffset: BigInt(base), lastOffset: BigInt(base), bytes: Buffer.alloc(size, base) };
}

describe('tail cache', () => {
  it('serves only when it reaches back to the fetch offset, within its per-partition bound', () => {
    const budget = new TailCacheBudget(1000, 300);
    const tail = new PartitionTailCache(budget);
    for (let i = 0; i < 4; i++) addWhileRead(tail, [cached(i, 100)]);
    expect(tail.bytes).toBe(300);
    expect(tail.firstOffset).toBe(1n);
    expect(tail.read(0n, 1000, 10n, false)).toBeNull();
    expect(tail.read(1n, 250, 10n, false)?.map((b) => b[0])).toEqual([1, 2]);
    expect(tail.read(2n, 10, 10n, true)?.map((b) => b[0])).toEqual([2]);
    expect(tail.read(2n, 10, 10n, false)).toEqual([]);
    expect(tail.read(1n, 1000, 3n, false)?.map((b) => b[0])).toEqual([1, 2]);
  });

  it('bounds all partitions together, taking from the least recently appended first', () => {
    const budget = new TailCacheBudget(500, 400);
    const a = new PartitionTailCache(budget);
    const b = new PartitionTailCache(budget);
    addWhileRead(a, [cached(0, 200), cached(1, 200)]);
    addWhileRead(b, [cached(0, 200), cached(1, 200)]);
    expect(budget.bytes).toBeLessThanOrEqual(500);
    expect(a.bytes).toBe(0);
    expect(b.bytes).toBe(400);
    addWhileRead(b, [cached(2, 200)]);
    expect(budget.bytes).toBeLessThanOrEqual(500);
    expect(b.firstOffset).toBe(1n);
  });

  it('counts the whole buffer a kept view lies in, once however many views of it are kept', () => {
    const budget = new TailCacheBudget(4000, 1000);
    const a = new PartitionTailCache(budget);
    const b = new PartitionTailCache(budget);
    // Two partitions' batches in one 1000-byte request frame, like a produce request for two partitions.
    const frame = Buffer.alloc(1000, 7);
    addWhileRead(a, [{ baseOffset: 0n, lastOffset: 0n, bytes: frame.subarray(0, 100) }]);
    addWhileRead(b, [{ baseOffset: 0n, lastOffset: 0n, bytes: frame.subarray(100, 300) }]);
    expect([budget.bytes, budget.heldBytes]).toEqual([300, 1000]);
    a.dropOldest();
    budget.charge(a, -100);
    expect([budget.bytes, budget.heldBytes]).toEqual([200, 1000]);
    b.dropOldest();
    budget.charge(b, -200);
    expect([budget.bytes, budget.heldBytes]).toEqual([0, 0]);
  });

  it('evicts by the memory views keep alive, not by their batches alone', () => {
    const budget = new TailCacheBudget(4000, 1000);
    const tail = new PartitionTailCache(budget);
    // Each 100-byte batch is a view of its own 1000-byte request frame: ten of them would pin 10,000 bytes.
    for (let i = 0; i < 10; i++) addWhileRead(tail, [{ baseOffset: BigInt(i), lastOffset: BigInt(i), bytes: Buffer.alloc(1000, i).subarray(0, 100) }]);
    expect(budget.heldBytes).toBeLessThanOrEqual(4000);
    expect(tail.firstOffset).toBe(6n);
    expect(tail.read(6n, 10_000, 10n, false)?.map((v) => v[0])).toEqual([6, 7, 8, 9]);
  });

  it('drops everything older than a batch too large to cache, keeping the tail contiguous', () => {
    const tail = new PartitionTailCache(new TailCacheBudget(1000, 300));
    for (const [base, size] of [
      [0, 100],
      [1, 400],
      [2, 100],
    ])
      addWhileRead(tail, [cached(base, size)]);
    expect(tail.firstOffset).toBe(2n);
    expect(tail.read(1n, 1000, 10n, false)).toBeNull();
  });
});

describe('tail cache readers', () => {
  it('caches nothing for a partition nobody reads at its end', () => {
    const budget = new TailCacheBudget(1000, 300);
    const tail = new PartitionTailCache(budget);
    tail.add([cached(0, 100)]);
    expect([tail.bytes, budget.bytes, tail.firstOffset]).toEqual([0, 0, null]);
    expect(tail.read(0n, 1000, 10n, false)).toBeNull();
  });

  it('caches for a reader at the end until more than a partition budget was appended without a read', () => {
    const budget = new TailCacheBudget(1000, 300);
    const tail = new PartitionTailCache(budget);
    tail.readerAtEnd();
    tail.add([cached(0, 100)]);
    tail.add([cached(1, 100)]);
    // A read served from the cache counts as a reader keeping up.
    expect(tail.read(1n, 1000, 10n, false)?.map((b) => b[0])).toEqual([1]);
    tail.add([cached(2, 100)]);
    tail.add([cached(3, 100)]);
    tail.add([cached(4, 100)]);
    expect(tail.firstOffset).toBe(2n);
    expect(budget.bytes).toBe(300);
    // 400 bytes since the last read: its reader's next batch is gone, so the rest is given back and nothing kept.
    tail.add([cached(5, 100)]);
    expect([tail.bytes, budget.bytes, tail.firstOffset]).toEqual([0, 0, null]);
    tail.add([cached(6, 100)]);
    expect(tail.bytes).toBe(0);
    tail.readerAtEnd();
    tail.add([cached(7, 100)]);
    expect(tail.read(7n, 1000, 10n, false)?.map((b) => b[0])).toEqual([7]);
  });

  it('starts caching a partition once a reader reads from it, from disk or finding nothing new at its end', () =>
    withManager({}, async (manager) => {
      await manager.createTopic('r', 3);
      const [idle, caughtUp, behind] = await Promise.all([0, 1, 2].map((p) => loadedLog(manager, 'r', p)));
      for (const log of [idle, caughtUp, behind]) for (let i = 0; i < 3; i++) await log.append(batch(1, `a${i}`));
      expect(manager.dropTailCaches()).toBe(0);
      // Partition 1: a reader reads everything from disk; partition 2: a reader gets only the first batch, and the
      // batch appended next is kept for when it gets there.
      expect((await caughtUp.read(0n, 1 << 20)).batches).toHaveLength(3);
      expect((await behind.read(0n, 1, { minOneBatch: true })).batches).toHaveLength(1);
      await caughtUp.append(batch(1, 'b'));
      expect(manager.dropTailCaches()).toBeGreaterThan(0);
      await behind.append(batch(1, 'b'));
      expect((await behind.read(3n, 1 << 20)).batches[0].includes(Buffer.from('b-0'))).toBe(true);
      const behindBytes = manager.dropTailCaches();
      expect(behindBytes).toBeGreaterThan(0);
      // Partition 0: a reader at the end finds nothing new; what is appended next is cached for it.
      expect((await idle.read(3n, 1 << 20)).batches).toHaveLength(0);
      await idle.append(batch(1, 'c'));
      expect(manager.dropTailCaches()).toBe(behindBytes);
      // Dropped caches fill again for the readers still there.
      await idle.append(batch(1, 'd'));
      const read = await idle.read(4n, 1 << 20);
      expect(read.batches).toHaveLength(1);
      expect(read.batches[0].includes(Buffer.from('d-0'))).toBe(true);
      expect(manager.dropTailCaches()).toBeGreaterThan(0);
    }));

  it('caches for a fetch answered at the high watermark without a read', () =>
    withManager({}, async (manager) => {
      await manager.createTopic('w', 1);
      const log = await loadedLog(manager, 'w');
      await log.append(batch(1, 'a'));
      expect(manager.dropTailCaches()).toBe(0);
      log.readerCaughtUp();
      await log.append(batch(1, 'b'));
      const read = await log.read(1n, 1 << 20);
      expect(read.batches[0].includes(Buffer.from('b-0'))).toBe(true);
      expect(manager.dropTailCaches()).toBeGreaterThan(0);
    }));
});

describe('sparse indexes', () => {
  it('offset index finds the largest entry at or below the target', () => {
    const ix = new OffsetIndex(100n, 10);
    ix.append(110n, 400);
    ix.append(120n, 900);
    ix.append(115n, 1000); // not increasing: ignored
    expect(ix.entries).toBe(2);
    expect(ix.lookup(105n)).toEqual({ offset: 100n, position: 0 });
    expect(ix.lookup(110n)).toEqual({ offset: 110n, position: 400 });
    expect(ix.lookup(119n)).toEqual({ offset: 110n, position: 400 });
    expect(ix.lookup(500n)).toEqual({ offset: 120n, position: 900 });
    const round = OffsetIndex.parse(100n, ix.toBuffer(), 10, 1000);
    expect(round?.lookup(119n)).toEqual({ offset: 110n, position: 400 });
    expect(OffsetIndex.parse(100n, ix.toBuffer(), 10, 900)).toBeNull(); // position beyond the log
    expect(OffsetIndex.parse(100n, ix.toBuffer().subarray(0, 12), 10, 1000)).toBeNull(); // torn entry
  });

  it('time index keeps strictly growing timestamps and looks up strictly below', () => {
    const ix = new TimeIndex(0n, 10);
    ix.maybeAppend(1000n, 5n);
    ix.maybeAppend(1000n, 7n);
    ix.maybeAppend(2000n, 9n);
    expect(ix.entries).toBe(2);
    expect(ix.lookupBefore(1000n)).toBeNull();
    expect(ix.lookupBefore(1001n)).toEqual({ timestamp: 1000n, offset: 5n });
    expect(ix.lookupBefore(5000n)).toEqual({ timestamp: 2000n, offset: 9n });
    expect(TimeIndex.parse(0n, ix.toBuffer(), 10)?.last()).toEqual({ timestamp: 2000n, offset: 9n });
  });
});

describe('retention selection', () => {
  const seg = (base: number, next: number, size: number, ts: number): RetentionVictim => ({
    baseOffset: BigInt(base),
    nextBaseOffset: BigInt(next),
    size,
    largestTimestamp: BigInt(ts),
    reason: '',
  });
  const closed = [seg(0, 10, 100, 1000), seg(10, 20, 100, 5000), seg(20, 30, 100, 2000)];

  it('deletes an expired prefix only, stopping at the first young segment', () => {
    const out = selectSegmentsToDelete(closed, 400, { retentionMs: 3000, retentionBytes: -1, cleanupPolicy: { delete: true } }, 0n, 6000);
    expect(out.map((v) => v.baseOffset)).toEqual([0n]);
  });

  it('deletes oldest segments while the log stays above retention.bytes', () => {
    const out = selectSegmentsToDelete(closed, 400, { retentionMs: -1, retentionBytes: 150, cleanupPolicy: { delete: true } }, 0n, 0);
    expect(out.map((v) => v.baseOffset)).toEqual([0n, 10n]);
  });

  it('deletes segments below the log start offset even without the delete policy', () => {
    const out = selectSegmentsToDelete(closed, 400, { retentionMs: 1, retentionBytes: 1, cleanupPolicy: { delete: false } }, 20n, 1e12);
    expect(out.map((v) => v.baseOffset)).toEqual([0n, 10n]);
  });
});

describe('file descriptor pool', () => {
  it('keeps at most maxOpen files open and reopens evicted ones on use', async () => {
    const dir = tempDir();
    try {
      const pool = new FdPool(2);
      const files = [0, 1, 2, 3].map((i) => path.join(dir, `f${i}`));
      files.forEach((f, i) => fs.writeFileSync(f, `content-${i}`));
      for (const f of files) await pool.use(f, async () => undefined);
      expect(pool.openCount).toBe(2);
      const text = await pool.use(files[0], async (h) => (await readAt(h, 0, 9)).toString());
      expect(text).toBe('content-0');
      expect(pool.openCount).toBe(2);
      await pool.closeAll();
      expect(pool.openCount).toBe(0);
    } finally {
      removeDir(dir);
    }
  });

  it('opens existing files for appends synchronously, within maxOpen, never creating or emptying one', async () => {
    const dir = tempDir();
    try {
      const pool = new FdPool(2);
      const files = [0, 1, 2].map((i) => path.join(dir, `f${i}`));
      files.forEach((f, i) => fs.writeFileSync(f, i === 0 ? 'kept' : ''));
      expect(pool.openNow(path.join(dir, 'missing'))).toBeNull();
      expect(fs.existsSync(path.join(dir, 'missing'))).toBe(false);
      const fd0 = pool.openNow(files[0]);
      expect(fd0).not.toBeNull();
      expect(pool.openNow(files[0])).toBe(fd0);
      for (const f of files.slice(1)) expect(pool.openNow(f)).not.toBeNull();
      expect(pool.openCount).toBe(2);
      // files[0] was closed to stay within maxOpen, its content intact.
      expect(pool.openFd(files[0])).toBeNull();
      expect(await pool.use(files[0], async (h) => (await readAt(h, 0, 100)).toString())).toBe('kept');
      // A synchronously opened file serves the pool's other users: reads, truncation, fsync.
      const fd2 = pool.openNow(files[2]) as number;
      fs.writeSync(fd2, Buffer.from('abcdef'), 0, 6, 0);
      expect(await pool.use(files[2], async (h) => (await readAt(h, 2, 10)).toString())).toBe('cdef');
      await pool.use(files[2], async (h) => {
        await h.truncate(3);
        await h.sync();
      });
      expect(fs.readFileSync(files[2], 'utf8')).toBe('abc');
      await pool.closeAll();
      expect(pool.openCount).toBe(0);
    } finally {
      removeDir(dir);
    }
  });

  it('bounds open files across many partitions of a log manager', () =>
    withManager({ maxOpenFiles: 8, tailCacheBytes: 0 }, async (manager) => {
      await manager.createTopic('many', 40);
      for (let p = 0; p < 40; p++) await (await manager.loadedPartition('many', p))?.append(batch(1, `p${p}`));
      for (let p = 0; p < 40; p++) {
        const r = await (await manager.loadedPartition('many', p))?.read(0n, 1 << 20);
        expect(r?.batches.map((b) => batchBaseOffset(b))).toEqual([0n]);
        expect(r?.batches[0].includes(Buffer.from(`p${p}-0`))).toBe(true);
      }
      expect(manager.openFileCount()).toBeLessThanOrEqual(8);
    }));

  it(
    'completes concurrent first appends to more partitions than open files (no open/evict livelock)',
    () =>
      withManager({ maxOpenFiles: 8, tailCacheBytes: 0 }, async (manager) => {
        await manager.createTopic('wide', 60);
        const results = await Promise.all(Array.from({ length: 60 }, (_, p) => manager.partition('wide', p)!.append(batch(1, `w${p}`))));
        expect(results.map((r) => r.baseOffset)).toEqual(Array.from({ length: 60 }, () => 0n));
        for (let p = 0; p < 60; p++) expect((await manager.loadedPartition('wide', p))!.highWatermark).toBe(1n);
        expect(manager.openFileCount()).toBeLessThanOrEqual(8);
      }),
    20_000,
  );
});

describe('closed segment indexes under a tiny index budget', () => {
  it('unloads and reloads indexes while reads stay correct', () =>
    withManager({ indexCacheBytes: 16, tailCacheBytes: 0 }, async (manager) => {
      await manager.createTopic('ix', 1, { 'segment.bytes': '800', 'index.interval.bytes': '80' });
      const log = await loadedLog(manager, 'ix');
      for (let i = 0; i < 60; i++) await log.append(batch(2, `x${i}`, BigInt(1000 * i)));
      expect(log.segmentCount()).toBeGreaterThan(5);
      for (const offset of [117n, 3n, 64n, 0n, 90n, 33n, 118n, 1n]) {
        const r = await log.read(offset, 1, { minOneBatch: true });
        expect(batchBaseOffset(r.batches[0])).toBe(offset - (offset % 2n));
        expect(r.batches[0].includes(Buffer.from(`x${Number(offset / 2n)}-0`))).toBe(true);
      }
      expect(await log.offsetForTimestamp(31_001n)).toEqual({ offset: 63n, timestamp: 31_001n });
    }));
});
