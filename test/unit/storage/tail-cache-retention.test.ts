// Evicted tail-cache batches must become garbage at once: the cache's byte budget is what bounds broker memory.
import * as v8 from 'v8';
import * as vm from 'vm';
import { PartitionTailCache, TailCacheBudget } from '../../../storage/tail-cache';
import { addWhileRead } from './helpers';

v8.setFlagsFromString('--expose-gc');
const gc = vm.runInNewContext('gc') as () => void;

/** Adds one batch per offset, each in its own Buffer, and returns weak references to them. */
function fill(tail: PartitionTailCache, count: number, size: number): WeakRef<Buffer>[] {
  const refs: WeakRef<Buffer>[] = [];
  for (let i = 0; i < count; i++) {
    const bytes = Buffer.alloc(size, i % 256);
    refs.push(new WeakRef(bytes));
    addWhileRead(tail, [{ baseOffset: BigInt(i), lastOffset: BigInt(i), bytes }]);
  }
  return refs;
}

const tick = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

describe('tail cache memory', () => {
  it('lets evicted batches be collected before the array is compacted', async () => {
    // Budget for 4 batches; 20 added, so 16 are evicted, fewer than the 64 that trigger compaction.
    const tail = new PartitionTailCache(new TailCacheBudget(1 << 20, 4 * 1024));
    const refs = fill(tail, 20, 1024);
    await tick();
    gc();
    await tick();
    const alive = refs.map((r) => r.deref() !== undefined);
    expect(alive.slice(0, 16).filter(Boolean)).toHaveLength(0);
    expect(alive.slice(16).every(Boolean)).toBe(true);
    expect(tail.bytes).toBe(4 * 1024);
  });

  it('still serves the batches it keeps after evictions', () => {
    const tail = new PartitionTailCache(new TailCacheBudget(1 << 20, 3 * 100));
    fill(tail, 10, 100);
    expect(tail.firstOffset).toBe(7n);
    const got = tail.read(8n, 1 << 20, 100n, true);
    expect(got?.map((b) => b[0])).toEqual([8, 9]);
    expect(tail.read(6n, 1 << 20, 100n, true)).toBeNull();
  });

  it('gives back the batches of every partition at once, and the budget counts from zero again', async () => {
    const budget = new TailCacheBudget(1 << 20, 8 * 1024);
    const tails = [new PartitionTailCache(budget), new PartitionTailCache(budget)];
    const refs = tails.flatMap((t) => fill(t, 4, 1024));
    expect(budget.bytes).toBe(8 * 1024);
    expect(budget.releaseAll()).toBe(8 * 1024);
    expect(budget.bytes).toBe(0);
    expect(tails.map((t) => [t.bytes, t.firstOffset])).toEqual([
      [0, null],
      [0, null],
    ]);
    expect(tails[0].read(0n, 1 << 20, 100n, true)).toBeNull();
    await tick();
    gc();
    await tick();
    expect(refs.filter((r) => r.deref() !== undefined)).toHaveLength(0);
    // Appends after the release are cached and charged as before.
    fill(tails[1], 2, 1024);
    expect(budget.bytes).toBe(2 * 1024);
    expect(tails[1].read(1n, 1 << 20, 100n, true)?.length).toBe(1);
  });
});
