import { decodeRecordBatch, decodeRecordBatches, encodeRecordBatch, RecordInput } from '../../../codecs/records/record-batch';
import { varintSize, writeVarint } from '../../../codecs/primitives/varint';
import { updateBatchCrc } from '../../../codecs/records/batch-header';
import { batchMaxTimestamp, Compression, isBatchCrcValid, setBatchLogAppendTime } from '../../../codecs/records/batch-header';
import { RecordErrorCode } from '../../../codecs/records/record-errors';
import { recordErrorCodeOf } from './record-error-code';

const T0 = 1_700_000_000_000n;

describe('RecordBatch v2 encode/decode', () => {
  it('round-trips keys, null keys and values, and headers', () => {
    const records: RecordInput[] = [
      { key: Buffer.from('k1'), value: Buffer.from('v1'), timestamp: T0 },
      { key: null, value: Buffer.from('no key'), timestamp: T0 + 5n },
      { key: Buffer.from('tombstone'), value: null, timestamp: T0 + 7n },
      {
        key: Buffer.alloc(0),
        value: Buffer.alloc(0),
        headers: [
          { key: 'h1', value: Buffer.from('x') },
          { key: 'h1', value: null },
          { key: 'ünïcode', value: Buffer.from([0, 1, 2]) },
        ],
        timestamp: T0 + 2n,
      },
    ];
    const buf = encodeRecordBatch({
      baseOffset: 100n,
      partitionLeaderEpoch: 7,
      producerId: 42n,
      producerEpoch: 3,
      baseSequence: 10,
      records,
    });
    const batch = decodeRecordBatch(buf);
    expect(batch.magic).toBe(2);
    expect(batch.sizeInBytes).toBe(buf.length);
    expect(batch.baseOffset).toBe(100n);
    expect(batch.lastOffset).toBe(103n);
    expect(batch.partitionLeaderEpoch).toBe(7);
    expect(batch.producerId).toBe(42n);
    expect(batch.producerEpoch).toBe(3);
    expect(batch.baseSequence).toBe(10);
    expect(batch.recordsCount).toBe(4);
    expect(batch.maxTimestamp).toBe(T0 + 7n);
    expect(batch.timestampType).toBe('CreateTime');
    expect(batch.compression).toBe(Compression.None);
    expect(batch.records.map((r) => r.offset)).toEqual([100n, 101n, 102n, 103n]);
    expect(batch.records.map((r) => r.timestamp)).toEqual([T0, T0 + 5n, T0 + 7n, T0 + 2n]);
    expect(batch.records[0].key?.toString()).toBe('k1');
    expect(batch.records[1].key).toBeNull();
    expect(batch.records[2].value).toBeNull();
    expect(batch.records[3].key).toEqual(Buffer.alloc(0));
    expect(batch.records[3].headers).toEqual(records[3].headers);
  });

  it('handles negative and very large timestamp deltas', () => {
    const base = 1_000n;
    const records: RecordInput[] = [
      { value: Buffer.from('a'), timestamp: base },
      { value: Buffer.from('b'), timestamp: base - 999n },
      { value: Buffer.from('c'), timestamp: base + (1n << 40n) },
      { value: Buffer.from('d'), timestamp: base - (1n << 45n) },
    ];
    const batch = decodeRecordBatch(encodeRecordBatch({ records }));
    expect(batch.baseTimestamp).toBe(base);
    expect(batch.records.map((r) => r.timestamp)).toEqual(records.map((r) => r.timestamp));
    expect(batch.maxTimestamp).toBe(base + (1n << 40n));
  });

  it('sets maxTimestamp to the largest record timestamp even below an explicit base', () => {
    const buf = encodeRecordBatch({ baseTimestamp: T0, records: [{ value: null, timestamp: T0 - 10n }] });
    expect(batchMaxTimestamp(buf)).toBe(T0 - 10n);
  });

  it('round-trips many records', () => {
    const records = Array.from({ length: 2000 }, (_, i) => ({
      key: Buffer.from(`key-${i}`),
      value: Buffer.alloc(i % 300, i & 0xff),
      timestamp: T0 + BigInt(i * 3),
    }));
    const batch = decodeRecordBatch(encodeRecordBatch({ baseOffset: 5n, records }));
    const summary = (offset: bigint, key: Buffer | null | undefined, value: Buffer | null): string => `${offset}|${key?.toString()}|${value?.toString('hex')}`;
    expect(batch.records.map((r) => summary(r.offset, r.key, r.value))).toEqual(records.map((r, i) => summary(5n + BigInt(i), r.key, r.value)));
  });

  it('gives every record the batch maxTimestamp under LogAppendTime', () => {
    const buf = encodeRecordBatch({
      records: [
        { value: Buffer.from('a'), timestamp: T0 },
        { value: Buffer.from('b'), timestamp: T0 + 1n },
      ],
    });
    setBatchLogAppendTime(buf, 9_999n);
    const batch = decodeRecordBatch(buf);
    expect(batch.timestampType).toBe('LogAppendTime');
    expect(batch.records.map((r) => r.timestamp)).toEqual([9_999n, 9_999n]);
  });

  it('encodes and decodes an empty batch', () => {
    const batch = decodeRecordBatch(encodeRecordBatch({ baseTimestamp: T0, records: [] }));
    expect(batch.records).toEqual([]);
    expect(batch.sizeInBytes).toBe(61);
  });

  it('rejects a flipped byte, a truncated batch and a wrong magic', () => {
    const buf = encodeRecordBatch({ records: [{ value: Buffer.from('hello') }] });
    const flipped = Buffer.from(buf);
    flipped[buf.length - 2] ^= 0x01;
    expect(isBatchCrcValid(flipped)).toBe(false);
    expect(recordErrorCodeOf(() => decodeRecordBatch(flipped))).toBe(RecordErrorCode.CORRUPT_MESSAGE);
    expect(recordErrorCodeOf(() => decodeRecordBatch(buf.subarray(0, buf.length - 1)))).toBe(RecordErrorCode.CORRUPT_MESSAGE);
    const magic1 = Buffer.from(buf);
    magic1.writeInt8(1, 16);
    expect(recordErrorCodeOf(() => decodeRecordBatch(magic1))).toBe(RecordErrorCode.CORRUPT_MESSAGE);
  });

  it('rejects a record count that does not match the records section', () => {
    const buf = encodeRecordBatch({ records: [{ value: Buffer.from('a') }, { value: Buffer.from('b') }] });
    const fewer = Buffer.from(buf);
    fewer.writeInt32BE(1, 57);
    expect(recordErrorCodeOf(() => decodeRecordBatch(fewer, { verifyCrc: false }))).toBe(RecordErrorCode.INVALID_RECORD);
    const more = Buffer.from(buf);
    more.writeInt32BE(3, 57);
    expect(recordErrorCodeOf(() => decodeRecordBatch(more, { verifyCrc: false }))).toBe(RecordErrorCode.INVALID_RECORD);
  });

  it('decodes several fetched batches and skips a partial last one', () => {
    const a = encodeRecordBatch({ baseOffset: 0n, records: [{ value: Buffer.from('a') }] });
    const b = encodeRecordBatch({ baseOffset: 1n, records: [{ value: Buffer.from('b') }, { value: Buffer.from('c') }] });
    const decoded = decodeRecordBatches(Buffer.concat([a, b, b.subarray(0, 40)]));
    expect(decoded.truncatedBytes).toBe(40);
    expect(decoded.batches.flatMap((x) => x.records.map((r) => [r.offset, r.value?.toString()]))).toEqual([
      [0n, 'a'],
      [1n, 'b'],
      [2n, 'c'],
    ]);
  });

  it('rejects malformed header sections as INVALID_RECORD', () => {
    // One record whose body is: attributes, ts delta 0, offset delta 0, null key, null value, then `tail`.
    const withTail = (tail: Buffer): Buffer => {
      const body = Buffer.concat([Buffer.from([0, 0, 0, 1, 1]), tail]);
      const prefix = Buffer.alloc(varintSize(body.length));
      writeVarint(prefix, 0, body.length);
      const base = encodeRecordBatch({ baseTimestamp: T0, records: [] });
      const buf = Buffer.concat([base, prefix, body]);
      buf.writeInt32BE(buf.length - 12, 8);
      buf.writeInt32BE(1, 57);
      updateBatchCrc(buf);
      return buf;
    };
    const negativeCount = Buffer.alloc(1);
    writeVarint(negativeCount, 0, -2);
    expect(recordErrorCodeOf(() => decodeRecordBatch(withTail(negativeCount)))).toBe(RecordErrorCode.INVALID_RECORD);
    const nullHeaderKey = Buffer.from([2, 1, 1]); // one header, key length -1, value length -1
    expect(recordErrorCodeOf(() => decodeRecordBatch(withTail(nullHeaderKey)))).toBe(RecordErrorCode.INVALID_RECORD);
    const fine = Buffer.from([2, 2, 0x68, 1]); // one header "h" with a null value
    expect(decodeRecordBatch(withTail(fine)).records[0].headers).toEqual([{ key: 'h', value: null }]);
  });
});
