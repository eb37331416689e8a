// Disk reads of PartitionLog: recycled buffers, sequential read hints, oversized first batches.
import { PartitionLog } from '../../../storage';
import { ReadBufferLease, ReadBufferPool } from '../../../storage/read-buffers';
import { batch, describeBatches, loadedLog, openManager, freshDataDirs } from './helpers';

describe('PartitionLog disk reads', () => {
  const data = freshDataDirs({ closeFailures: 'fail' });

  async function diskLog(configs: Record<string, string> = {}): Promise<PartitionLog> {
    data.manager = await openManager(data.dir, { tailCacheBytes: 0 });
    await data.manager.createTopic('t', 1, configs);
    return loadedLog(data.manager, 't');
  }

  /** Reads the whole log the way a consumer does: each read starts after the last batch of the previous one. */
  async function readSequentially(log: PartitionLog, maxBytes: number): Promise<Array<[bigint, bigint]>> {
    const seen: Array<[bigint, bigint]> = [];
    let offset = 0n;
    while (offset < log.logEndOffset) {
      const r = await log.read(offset, maxBytes, { minOneBatch: true });
      const infos = describeBatches(r.batches);
      expect(infos.length).toBeGreaterThan(0);
      for (const i of infos) seen.push([i.baseOffset, i.lastOffset]);
      offset = infos[infos.length - 1].lastOffset + 1n;
    }
    return seen;
  }

  it('reads into the buffers of the source given, as views of them', async () => {
    const log = await diskLog();
    for (let i = 0; i < 4; i++) await log.append(batch(3, `b${i}`));
    const pool = new ReadBufferPool(1 << 24, 1 << 24);
    const lease = new ReadBufferLease(pool);
    const r = await log.read(0n, 1 << 20, { buffers: lease });
    expect(describeBatches(r.batches).map((b) => b.baseOffset)).toEqual([0n, 3n, 6n, 9n]);
    expect(lease.heldCount).toBeGreaterThan(0);
    const first = r.batches[0];
    expect(first.includes(Buffer.from('b0-2'))).toBe(true);
    // Every batch lies in memory the lease took: back to back in one buffer.
    for (const b of r.batches) expect(b.buffer).toBe(first.buffer);
    lease.releaseAll();
    expect(pool.idleBytes).toBeGreaterThan(0);
  });

  it('returns the same batches whether a read starts from a hint or from the index', async () => {
    const log = await diskLog({ 'segment.bytes': '4096', 'index.interval.bytes': '200' });
    for (let i = 0; i < 60; i++) await log.append(batch(1 + (i % 4), `s${i}`, undefined, 40));
    expect(log.segmentCount()).toBeGreaterThan(2);
    const sizes = describeBatches((await log.read(0n, 1 << 20)).batches);
    const small = sizes[0].size * 3 + 5;
    const expected: Array<[bigint, bigint]> = [];
    let next = 0n;
    // Cold reads, each through the index (offsets no read ended at).
    while (next < log.logEndOffset) {
      const r = await log.read(next, 1, { minOneBatch: true });
      const [b] = describeBatches(r.batches);
      expected.push([b.baseOffset, b.lastOffset]);
      next = b.lastOffset + 1n;
    }
    expect(await readSequentially(log, small)).toEqual(expected);
    expect(await readSequentially(log, 1 << 20)).toEqual(expected);
  });

  it('returns a first batch larger than the read whole only with minOneBatch, also after a hint', async () => {
    const log = await diskLog();
    await log.append(batch(2, 'small'));
    await log.append(batch(50, 'large', undefined, 100));
    const first = await log.read(0n, 1 << 20);
    const [smallInfo, largeInfo] = describeBatches(first.batches);
    // The first read ended at offset 2, leaving a hint there; the large batch no longer fits.
    await log.read(0n, smallInfo.size);
    const none = await log.read(2n, 200);
    expect(none.batches).toEqual([]);
    await log.read(0n, smallInfo.size);
    const whole = await log.read(2n, 200, { minOneBatch: true });
    expect(describeBatches(whole.batches)).toEqual([largeInfo]);
    expect(whole.batches[0].includes(Buffer.from('large-49'))).toBe(true);
  });

  it('stops at maxOffset after a hint as well', async () => {
    const log = await diskLog();
    for (let i = 0; i < 5; i++) await log.append(batch(2, `m${i}`));
    await log.read(0n, 1, { minOneBatch: true });
    const bounded = await log.read(2n, 1 << 20, { maxOffset: 6n });
    expect(describeBatches(bounded.batches).map((b) => b.baseOffset)).toEqual([2n, 4n]);
  });
});

describe('PartitionLog tail-cache reads of pooled request frames', () => {
  const data = freshDataDirs({ closeFailures: 'fail' });

  it('a lease holds a reference to each frame it reads views of; a read without one gets copies', async () => {
    data.manager = await openManager(data.dir);
    await data.manager.createTopic('t', 1, {});
    const log = await loadedLog(data.manager, 't');
    const frames = data.manager.frames;
    // A 20 KB batch: above the size the tail cache copies into slabs, so it keeps a view of the frame.
    const bytes = batch(10, 'pooled', undefined, 2000);
    const frame = frames.take(bytes.length + 100);
    bytes.copy(frame, 100);
    // A consumer waits at the partition's end, so the tail cache keeps the batch (a view of the frame) for it.
    log.readerCaughtUp();
    const appended = await log.append(frame.subarray(100, 100 + bytes.length));
    expect(appended.baseOffset).toBe(0n);
    // The request is done with its frame (the connection gives its reference back after the answer).
    frames.release(frame);
    expect(frames.idleBytes).toBe(0);

    const lease = new ReadBufferLease(new ReadBufferPool(1 << 20, 1 << 20));
    const held = await log.read(0n, 1 << 20, { buffers: lease });
    expect(held.batches).toHaveLength(1);
    expect(held.batches[0].buffer).toBe(frame.buffer);
    expect(lease.holdCount).toBe(1);

    const copied = await log.read(0n, 1 << 20);
    expect(copied.batches[0].buffer).not.toBe(frame.buffer);
    expect(copied.batches[0].equals(held.batches[0])).toBe(true);

    // Evicted from the cache, the frame stays the lease's until its response is released.
    data.manager.dropTailCaches();
    expect(frames.idleBytes).toBe(0);
    lease.releaseAll();
    expect(frames.idleBytes).toBe(frame.buffer.byteLength);
  });
});
