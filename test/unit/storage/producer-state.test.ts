// Producer state rules (Kafka's ProducerAppendInfo), its snapshot file format and the aborted-transaction index.
import { crc32c } from '../../../codecs/records/crc';
import {
  applyBatch,
  checkBatch,
  decrementSequence,
  incrementSequence,
  ProducerBatchInfo,
  ProducerEntry,
  ProducerStateManager,
} from '../../../storage/producer-state';
import { decodeSnapshot, encodeSnapshot } from '../../../storage/producer-snapshot';
import { AbortedTxnList, encodeAbortedTxn, parseTxnIndex, TXN_INDEX_ENTRY_SIZE } from '../../../storage/txn-index';

const INT32_MAX = 2147483647;

function data(seq: number, opts: Partial<ProducerBatchInfo> = {}): ProducerBatchInfo {
  return {
    producerId: 7n,
    producerEpoch: 0,
    baseSequence: seq,
    lastOffsetDelta: 1,
    maxTimestamp: 1000n,
    transactional: false,
    control: false,
    marker: null,
    ...opts,
  };
}

function marker(commit: boolean, epoch = 0, coordinatorEpoch = 0): ProducerBatchInfo {
  return { ...data(-1, { producerEpoch: epoch, lastOffsetDelta: 0, transactional: true }), control: true, marker: { commit, coordinatorEpoch } };
}

/** Appends through a stage as PartitionLog does, at contiguous offsets. */
function appendAll(m: ProducerStateManager, infos: ProducerBatchInfo[], startOffset: bigint): Array<string> {
  const stage = m.stage();
  let next = startOffset;
  const verdicts = infos.map((info) => {
    const v = stage.check(info, 'client');
    if (v.kind === 'append') {
      stage.record(info, next, next + BigInt(info.lastOffsetDelta));
      next += BigInt(info.lastOffsetDelta) + 1n;
      return 'append';
    }
    return v.kind === 'duplicate' ? `duplicate@${v.batch.firstOffset}` : v.reason;
  });
  m.commit(stage, next);
  return verdicts;
}

describe('sequence arithmetic', () => {
  test('wraps past INT32_MAX to 0 both ways', () => {
    expect(incrementSequence(5, 3)).toBe(8);
    expect(incrementSequence(INT32_MAX, 1)).toBe(0);
    expect(incrementSequence(INT32_MAX - 1, 3)).toBe(1);
    expect(decrementSequence(1, 3)).toBe(INT32_MAX - 1);
    expect(decrementSequence(8, 3)).toBe(5);
  });
});

describe('checkBatch and applyBatch', () => {
  test('an unknown producer may start at any sequence; then sequences must follow', () => {
    const m = new ProducerStateManager();
    expect(appendAll(m, [data(10), data(12), data(15)], 0n)).toEqual(['append', 'append', 'OUT_OF_ORDER_SEQUENCE']);
    expect(m.entry(7n)?.batches.map((b) => [b.firstSeq, b.lastSeq])).toEqual([
      [10, 11],
      [12, 13],
    ]);
  });

  test('retries of the last five batches are duplicates, older ones are out of order', () => {
    const m = new ProducerStateManager();
    appendAll(
      m,
      [0, 2, 4, 6, 8, 10].map((s) => data(s)),
      0n,
    );
    expect(m.entry(7n)?.batches).toHaveLength(5);
    expect(appendAll(m, [data(2), data(10), data(0)], 12n)).toEqual(['duplicate@2', 'duplicate@10', 'OUT_OF_ORDER_SEQUENCE']);
  });

  test('a same-range batch under a different epoch is not a duplicate', () => {
    const m = new ProducerStateManager();
    appendAll(m, [data(0)], 0n);
    expect(appendAll(m, [data(0, { producerEpoch: 1 })], 2n)).toEqual(['append']);
  });

  test('a new epoch must restart at 0; an older epoch is refused', () => {
    const m = new ProducerStateManager();
    appendAll(m, [data(0), data(2)], 0n);
    expect(appendAll(m, [data(4, { producerEpoch: 1 })], 4n)).toEqual(['OUT_OF_ORDER_SEQUENCE']);
    expect(appendAll(m, [data(0, { producerEpoch: 1 }), data(4)], 4n)).toEqual(['append', 'INVALID_PRODUCER_EPOCH']);
  });

  test('the stage sees earlier appends of the same group and leaves the manager untouched until commit', () => {
    const m = new ProducerStateManager();
    const stage = m.stage();
    expect(stage.check(data(0), 'client').kind).toBe('append');
    stage.record(data(0), 0n, 1n);
    expect(stage.check(data(2), 'client').kind).toBe('append');
    expect(stage.check(data(0), 'client').kind).toBe('duplicate');
    expect(m.entry(7n)).toBeUndefined();
    m.commit(stage, 2n);
    expect(m.entry(7n)?.batches).toHaveLength(1);
    expect(m.mapEndOffset).toBe(2n);
  });

  test('coordinator writes skip sequence checks but not epoch checks', () => {
    const entry: ProducerEntry = { producerId: 7n, producerEpoch: 3, batches: [], coordinatorEpoch: -1, currentTxnFirstOffset: null, lastTimestamp: -1n };
    expect(checkBatch(entry, data(-1, { producerEpoch: 3 }), 'coordinator').kind).toBe('append');
    expect(checkBatch(entry, data(-1, { producerEpoch: 2 }), 'coordinator')).toMatchObject({ kind: 'reject', reason: 'INVALID_PRODUCER_EPOCH' });
  });

  test('transactions: the first transactional batch opens one, the marker closes it and reports it', () => {
    const m = new ProducerStateManager();
    const stage = m.stage();
    stage.record(data(0, { transactional: true }), 5n, 6n);
    stage.record(data(2, { transactional: true }), 9n, 10n);
    m.commit(stage, 11n);
    expect(m.firstUnstableOffset()).toBe(5n);
    expect(m.ongoingTransactions()).toEqual([{ producerId: 7n, firstOffset: 5n }]);
    // A plain write while the transaction is open is refused.
    expect(checkBatch(m.entry(7n), data(4), 'client')).toMatchObject({ kind: 'reject', reason: 'INVALID_TXN_STATE' });
    const done = m.replay(marker(false), 11n, 11n);
    expect(done).toEqual({ producerId: 7n, firstOffset: 5n, lastOffset: 11n, aborted: true });
    expect(m.firstUnstableOffset()).toBeNull();
    // Sequences continue in the same epoch after the marker.
    expect(checkBatch(m.entry(7n), data(4), 'client').kind).toBe('append');
  });

  test('markers: an older epoch or coordinator epoch is fenced', () => {
    const entry: ProducerEntry = { producerId: 7n, producerEpoch: 2, batches: [], coordinatorEpoch: 4, currentTxnFirstOffset: 0n, lastTimestamp: -1n };
    expect(checkBatch(entry, marker(true, 1, 4), 'coordinator')).toMatchObject({ reason: 'INVALID_PRODUCER_EPOCH' });
    expect(checkBatch(entry, marker(true, 2, 3), 'coordinator')).toMatchObject({ reason: 'TRANSACTION_COORDINATOR_FENCED' });
    expect(checkBatch(entry, marker(true, 3, 4), 'coordinator').kind).toBe('append');
    const bumped = { ...entry, batches: [{ firstSeq: 0, lastSeq: 1, firstOffset: 0n, lastOffset: 1n, timestamp: 0n }] };
    expect(applyBatch(bumped, marker(false, 3, 4), 9n, 9n)).toMatchObject({ aborted: true, firstOffset: 0n });
    // A fencing marker's new epoch clears the cached batches: the next producer instance starts at 0.
    expect(bumped.producerEpoch).toBe(3);
    expect(bumped.batches).toEqual([]);
  });

  test('idle producers expire, unless a transaction is open', () => {
    const m = new ProducerStateManager();
    m.replay(data(0, { producerId: 1n, maxTimestamp: 1000n }), 0n, 1n);
    m.replay(data(0, { producerId: 2n, maxTimestamp: 1000n, transactional: true }), 2n, 3n);
    m.replay(data(0, { producerId: 3n, maxTimestamp: 50_000n }), 4n, 5n);
    expect(m.removeExpired(60_000, 10_000)).toBe(1);
    expect(
      m
        .activeProducers()
        .map((e) => e.producerId)
        .sort(),
    ).toEqual([2n, 3n]);
  });
});

describe('snapshot files', () => {
  const entries: ProducerEntry[] = [
    {
      producerId: 42n,
      producerEpoch: 3,
      batches: [
        { firstSeq: 0, lastSeq: 4, firstOffset: 10n, lastOffset: 14n, timestamp: 111n },
        { firstSeq: INT32_MAX - 1, lastSeq: 1, firstOffset: 20n, lastOffset: 23n, timestamp: 222n },
      ],
      coordinatorEpoch: 5,
      currentTxnFirstOffset: 20n,
      lastTimestamp: 222n,
    },
    { producerId: 43n, producerEpoch: 0, batches: [], coordinatorEpoch: -1, currentTxnFirstOffset: null, lastTimestamp: -1n },
  ];

  test("round-trips each producer's last batch in Kafka's layout", () => {
    const buf = encodeSnapshot(entries);
    expect(buf.length).toBe(10 + 2 * 46);
    expect(buf.readInt16BE(0)).toBe(1);
    expect(buf.readUInt32BE(2)).toBe(crc32c(buf.subarray(6)));
    const back = decodeSnapshot(buf);
    expect(back[0]).toEqual({ ...entries[0], batches: [entries[0].batches[1]] });
    expect(back[1]).toEqual(entries[1]);
  });

  test('damage is detected', () => {
    const buf = encodeSnapshot(entries);
    buf[20] ^= 1;
    expect(() => decodeSnapshot(buf)).toThrow(/CRC/);
    expect(() => decodeSnapshot(encodeSnapshot(entries).subarray(0, 30))).toThrow();
    const v2 = encodeSnapshot(entries);
    v2.writeInt16BE(2, 0);
    expect(() => decodeSnapshot(v2)).toThrow(/version/);
  });
});

describe('aborted transaction index', () => {
  test("entries are 34 bytes in Kafka's layout and a torn tail is ignored", () => {
    const e = { producerId: 9n, firstOffset: 3n, lastOffset: 8n, lastStableOffset: 9n };
    const buf = encodeAbortedTxn(e);
    expect(buf.length).toBe(TXN_INDEX_ENTRY_SIZE);
    expect(buf.readInt16BE(0)).toBe(0);
    expect(parseTxnIndex(Buffer.concat([buf, buf.subarray(0, 10)]))).toEqual([e]);
  });

  test('collect returns the transactions overlapping [fetchOffset, upperBound)', () => {
    const list = new AbortedTxnList();
    list.add({ producerId: 1n, firstOffset: 0n, lastOffset: 5n, lastStableOffset: 6n });
    list.add({ producerId: 3n, firstOffset: 20n, lastOffset: 30n, lastStableOffset: 31n });
    list.add({ producerId: 2n, firstOffset: 4n, lastOffset: 12n, lastStableOffset: 13n });
    expect(list.all().map((e) => e.producerId)).toEqual([1n, 2n, 3n]);
    expect(list.collect(6n, 20n).map((e) => e.producerId)).toEqual([2n]);
    expect(list.collect(0n, 100n).map((e) => e.producerId)).toEqual([1n, 2n, 3n]);
    expect(list.collect(31n, 100n)).toEqual([]);
    list.dropBefore(10n);
    expect(list.all().map((e) => e.producerId)).toEqual([2n, 3n]);
  });
});
