import {
  ATTR_DELETE_HORIZON,
  Compression,
  batchAttributes,
  batchBaseTimestamp,
  batchCompression,
  batchLastOffset,
  batchProducerId,
  batchRecordsCount,
} from '../../../codecs/records/batch-header';
import { encodeTransactionMarkerBatch } from '../../../codecs/records/control-batch';
import { decodeRecordBatch, encodeRecordBatch } from '../../../codecs/records/record-batch';
import { CleanerOffsetMap } from '../../../storage/cleaner-offset-map';
import { groupSegments, planCleaning, SegmentFacts } from '../../../storage/cleaner-plan';
import { CleanerTxnTracker } from '../../../storage/cleaner-txns';
import { filterBatch, FilterContext, ProducerTail } from '../../../storage/compaction-filter';

const SETTINGS = { minCleanableDirtyRatio: 0.5, minCompactionLagMs: 0, maxCompactionLagMs: Number.MAX_SAFE_INTEGER };
const NOW = 1_700_000_100_000;

function seg(base: number, next: number, size: number, ts = NOW - 10_000, first = ts): SegmentFacts {
  return { baseOffset: BigInt(base), nextBaseOffset: BigInt(next), size, largestTimestamp: BigInt(ts), firstBatchTimestamp: BigInt(first) };
}

describe('planCleaning', () => {
  const closed = [seg(0, 10, 100), seg(10, 20, 100), seg(20, 30, 100), seg(30, 40, 100)];

  it('measures the dirty ratio from the checkpoint up to the active segment', () => {
    const plan = planCleaning(closed, 40n, 20n, 0n, 45n, SETTINGS, NOW);
    expect(plan).toMatchObject({ firstDirtyOffset: 20n, firstUncleanableOffset: 40n, cleanBytes: 200, dirtyBytes: 200, dirtyRatio: 0.5, cleanable: true });
    expect(planCleaning(closed, 40n, 30n, 0n, 45n, SETTINGS, NOW).cleanable).toBe(false);
  });

  it('stops before an open transaction and before segments younger than min.compaction.lag.ms', () => {
    expect(planCleaning(closed, 40n, 0n, 0n, 25n, SETTINGS, NOW).firstUncleanableOffset).toBe(20n);
    const young = [seg(0, 10, 100), seg(10, 20, 100, NOW - 10), seg(20, 30, 100)];
    const plan = planCleaning(young, 30n, 0n, 0n, 30n, { ...SETTINGS, minCompactionLagMs: 1000 }, NOW);
    expect(plan.firstUncleanableOffset).toBe(10n);
  });

  it('cleans an overdue log whatever its ratio (max.compaction.lag.ms)', () => {
    const settings = { ...SETTINGS, minCleanableDirtyRatio: 0.9, maxCompactionLagMs: 5000 };
    expect(planCleaning(closed, 40n, 30n, 0n, 45n, settings, NOW)).toMatchObject({ overdue: true, cleanable: true });
    expect(planCleaning(closed, 40n, 30n, 0n, 45n, { ...settings, maxCompactionLagMs: 60_000 }, NOW).cleanable).toBe(false);
  });

  it('clamps the checkpoint to the log start', () => {
    expect(planCleaning(closed, 40n, 0n, 20n, 45n, SETTINGS, NOW)).toMatchObject({ firstDirtyOffset: 20n, cleanBytes: 0, dirtyBytes: 200 });
  });
});

describe('groupSegments', () => {
  it('joins consecutive segments while their sizes fit segment.bytes', () => {
    const groups = groupSegments([seg(0, 10, 60), seg(10, 20, 30), seg(20, 30, 50), seg(30, 40, 100)], 100, 2147483647n);
    expect(groups.map((g) => g.map((s) => s.baseOffset))).toEqual([[0n, 10n], [20n], [30n]]);
  });
});

function kvBatch(
  base: bigint,
  pairs: Array<[string, string | null]>,
  opts: { compression?: Compression; producerId?: bigint; transactional?: boolean } = {},
): Buffer {
  return encodeRecordBatch({
    baseOffset: base,
    baseTimestamp: 1_700_000_000_000n,
    compression: opts.compression,
    producerId: opts.producerId,
    producerEpoch: opts.producerId === undefined ? undefined : 0,
    baseSequence: opts.producerId === undefined ? undefined : 0,
    transactional: opts.transactional,
    records: pairs.map(([k, v]) => ({ key: Buffer.from(k), value: v === null ? null : Buffer.from(v) })),
  });
}

function context(entries: Array<[string, bigint]>, over: Partial<FilterContext> = {}): FilterContext {
  const map = new CleanerOffsetMap(1 << 20);
  for (const [k, o] of entries) map.put(Buffer.from(k), o);
  return { map, txns: new CleanerTxnTracker([]), producers: new Map<bigint, ProducerTail>(), nowMs: NOW, deleteRetentionMs: 1000, ...over };
}

describe('filterBatch', () => {
  it('returns an unchanged batch as the same bytes', () => {
    const b = kvBatch(5n, [
      ['a', '1'],
      ['b', '2'],
    ]);
    const out = filterBatch(
      b,
      context([
        ['a', 5n],
        ['b', 6n],
      ]),
    );
    expect(out.bytes).toBe(b);
  });

  it('drops superseded records and keeps base and last offsets, codec and record offsets', () => {
    const b = kvBatch(
      10n,
      [
        ['a', '1'],
        ['b', '2'],
        ['c', '3'],
      ],
      { compression: Compression.Gzip },
    );
    const out = filterBatch(
      b,
      context([
        ['a', 20n],
        ['b', 11n],
        ['c', 30n],
      ]),
    );
    expect(out).toMatchObject({ recordsBefore: 3, recordsAfter: 1 });
    const bytes = out.bytes as Buffer;
    expect(batchCompression(bytes)).toBe(Compression.Gzip);
    expect(batchLastOffset(bytes)).toBe(12n);
    const d = decodeRecordBatch(bytes);
    expect(d.baseOffset).toBe(10n);
    expect(d.records.map((r) => [r.offset, r.key?.toString(), r.value?.toString(), r.timestamp])).toEqual([[11n, 'b', '2', 1_700_000_000_000n]]);
  });

  it("drops a wholly superseded batch, but keeps an empty header for a producer's last batch", () => {
    const b = kvBatch(0n, [['a', '1']], { producerId: 9n });
    expect(filterBatch(b, context([['a', 5n]])).bytes).toBeNull();
    const kept = filterBatch(b, context([['a', 5n]], { producers: new Map([[9n, { lastDataOffset: 0n, epoch: 0 }]]) })).bytes as Buffer;
    expect(batchRecordsCount(kept)).toBe(0);
    expect(batchProducerId(kept)).toBe(9n);
    expect(batchLastOffset(kept)).toBe(0n);
  });

  it('stamps a delete horizon on tombstones and drops them once it passed', () => {
    const b = kvBatch(3n, [['a', null]]);
    const stamped = filterBatch(b, context([['a', 3n]])).bytes as Buffer;
    expect(batchAttributes(stamped) & ATTR_DELETE_HORIZON).toBe(ATTR_DELETE_HORIZON);
    expect(batchBaseTimestamp(stamped)).toBe(BigInt(NOW + 1000));
    expect(decodeRecordBatch(stamped).records[0].timestamp).toBe(1_700_000_000_000n);
    expect(filterBatch(stamped, context([['a', 3n]], { nowMs: NOW + 999 })).bytes).toBe(stamped);
    expect(filterBatch(stamped, context([['a', 3n]], { nowMs: NOW + 1000 })).bytes).toBeNull();
  });

  it('removes aborted transactional batches; the marker stays while it still covers removed data', () => {
    const aborted = [{ producerId: 4n, firstOffset: 0n, lastOffset: 2n, lastStableOffset: 3n }];
    const ctx = context([['t', 1n]], { txns: new CleanerTxnTracker(aborted) });
    expect(
      filterBatch(
        kvBatch(
          0n,
          [
            ['t', 'x'],
            ['t', 'y'],
          ],
          { producerId: 4n, transactional: true },
        ),
        ctx,
      ).bytes,
    ).toBeNull();
    const marker = encodeTransactionMarkerBatch({ type: 'ABORT', producerId: 4n, producerEpoch: 0, coordinatorEpoch: 0, baseOffset: 2n });
    expect(filterBatch(marker, ctx).bytes).toBe(marker);
    expect(ctx.txns.retainedAborts).toEqual(aborted);
    // A later pass sees no data of the transaction: the marker gets a horizon, then goes.
    const later = context([], { txns: new CleanerTxnTracker(aborted) });
    const stamped = filterBatch(marker, later).bytes as Buffer;
    expect(batchAttributes(stamped) & ATTR_DELETE_HORIZON).toBe(ATTR_DELETE_HORIZON);
    expect(filterBatch(stamped, context([], { txns: new CleanerTxnTracker(aborted), nowMs: NOW + 5000 })).bytes).toBeNull();
  });
});
