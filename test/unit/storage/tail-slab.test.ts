// Small batches are copied into slabs: the cache serves the same bytes, keeps no request memory alive, and a
// partition holding one record holds about a kilobyte, not a whole slab.
import * as v8 from 'v8';
import * as vm from 'vm';
import { PartitionTailCache, TailCacheBudget } from '../../../storage/tail-cache';
import { addWhileRead } from './helpers';

v8.setFlagsFromString('--expose-gc');
const gc = vm.runInNewContext('gc') as () => void;

const MIB = 1024 * 1024;

/** A batch of `records` offsets from `base`, its bytes all `base % 256` after a 4-byte length marker. */
function batch(base: number, size: number, records = 1): { baseOffset: bigint; lastOffset: bigint; bytes: Buffer } {
  const bytes = Buffer.alloc(size, base % 256);
  bytes.writeInt32BE(size, 0);
  return { baseOffset: BigInt(base), lastOffset: BigInt(base + records - 1), bytes };
}

/** Adds `count` batches of 120 bytes, each in its own Buffer; returns weak references to those buffers. */
function fill(tail: PartitionTailCache, count: number): WeakRef<Buffer>[] {
  const refs: WeakRef<Buffer>[] = [];
  for (let i = 0; i < count; i++) {
    const b = batch(i, 120);
    refs.push(new WeakRef(b.bytes));
    addWhileRead(tail, [b]);
  }
  return refs;
}

const tick = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

/** Each returned buffer's first byte after the marker: which batch it is (base % 256). */
const ids = (got: Buffer[] | null): number[] | undefined => got?.map((b) => b[4]);

describe('tail cache slabs', () => {
  it('serves small batches byte for byte from any offset, within maxBytes and maxOffset', () => {
    const tail = new PartitionTailCache(new TailCacheBudget(64 * MIB, 4 * MIB));
    for (let base = 0; base < 300; base += 3) addWhileRead(tail, [batch(base, 100 + (base % 7), 3)]);
    const all = tail.read(0n, 64 * MIB, 1000n, false);
    expect(all).toHaveLength(100);
    expect(all?.every((b, i) => b.length === 100 + ((i * 3) % 7) && b.readInt32BE(0) === b.length && b[b.length - 1] === (i * 3) % 256)).toBe(true);
    // An offset inside a batch starts at that batch.
    expect(ids(tail.read(151n, 64 * MIB, 1000n, false))?.[0]).toBe(150);
    expect(ids(tail.read(151n, 64 * MIB, 159n, false))).toEqual([150, 153, 156 % 256]);
    expect(ids(tail.read(150n, 250, 1000n, false))).toEqual([150, 153]);
    expect(tail.read(150n, 10, 1000n, false)).toEqual([]);
    expect(ids(tail.read(150n, 10, 1000n, true))).toEqual([150]);
    expect(tail.read(300n, 64 * MIB, 1000n, false)).toBeNull();
  });

  it('keeps no reference to the buffers the batches arrived in', async () => {
    const tail = new PartitionTailCache(new TailCacheBudget(64 * MIB, 4 * MIB));
    const refs = fill(tail, 50);
    // A WeakRef's target stays alive until the job that created it ends.
    await tick();
    gc();
    await tick();
    expect(refs.filter((r) => r.deref() !== undefined)).toHaveLength(0);
    expect(ids(tail.read(0n, 64 * MIB, 50n, false))).toEqual(Array.from({ length: 50 }, (_, i) => i));
  });

  it('holds about a kilobyte for a partition with one small record, and charges what it holds', () => {
    const budget = new TailCacheBudget(64 * MIB, 4 * MIB);
    const tails = Array.from({ length: 100 }, () => new PartitionTailCache(budget));
    tails.forEach((t, i) => addWhileRead(t, [batch(0, 80 + (i % 40))]));
    expect(budget.bytes).toBeGreaterThanOrEqual(100 * 1024);
    expect(budget.bytes).toBeLessThan(100 * 1400);
  });

  it('keeps large batches as they are, and serves a tail mixing both', () => {
    const tail = new PartitionTailCache(new TailCacheBudget(64 * MIB, 4 * MIB));
    const large = batch(2, 200 * 1024);
    addWhileRead(tail, [batch(0, 100), batch(1, 100)]);
    addWhileRead(tail, [large]);
    addWhileRead(tail, [batch(3, 100)]);
    const got = tail.read(0n, 64 * MIB, 10n, false);
    expect(ids(got)).toEqual([0, 1, 2, 3]);
    expect(got?.[2]).toBe(large.bytes);
  });

  it('starts a new slab at a gap in offsets', () => {
    const tail = new PartitionTailCache(new TailCacheBudget(64 * MIB, 4 * MIB));
    addWhileRead(tail, [batch(0, 100), batch(1, 100), batch(5, 100), batch(6, 100)]);
    expect(ids(tail.read(0n, 64 * MIB, 10n, false))).toEqual([0, 1, 5, 6]);
    expect(ids(tail.read(3n, 64 * MIB, 10n, false))).toEqual([5, 6]);
  });

  it('evicts a slab at a time within the partition budget, and drops whole slabs a compaction reached into', () => {
    const budget = new TailCacheBudget(64 * MIB, 1 * MIB);
    const tail = new PartitionTailCache(budget);
    for (let i = 0; i < 40000; i++) addWhileRead(tail, [batch(i, 100)]);
    expect(tail.bytes).toBeLessThanOrEqual(1 * MIB);
    expect(budget.bytes).toBe(tail.bytes);
    const first = tail.firstOffset ?? -1n;
    expect(first).toBeGreaterThan(25000n);
    expect(ids(tail.read(39999n, 64 * MIB, 40000n, false))).toEqual([39999 % 256]);
    expect(tail.read(first, 64 * MIB, first + 1n, false)).toHaveLength(1);
    tail.dropEndingBefore(first + 1n);
    const after = tail.firstOffset ?? -1n;
    expect(after).toBeGreaterThan(first + 1n);
    expect(tail.read(first + 1n, 64 * MIB, 40000n, false)).toBeNull();
    expect(ids(tail.read(after, 64 * MIB, after + 1n, false))).toEqual([Number(after % 256n)]);
  });
});
