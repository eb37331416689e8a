import { encodeRecordBatch } from '../../../codecs/records/record-batch';
import { scanFetchedRecords, scanProducedRecords } from '../../../codecs/records/batch-iterator';
import { RecordErrorCode } from '../../../codecs/records/record-errors';
import { recordErrorCodeOf } from './record-error-code';

function batchOf(n: number, baseOffset: bigint): Buffer {
  return encodeRecordBatch({
    baseOffset,
    baseTimestamp: 1_700_000_000_000n,
    records: Array.from({ length: n }, (_, i) => ({ value: Buffer.from(`v${i}`) })),
  });
}

function legacyEntry(offset: bigint, magic: 0 | 1): Buffer {
  // offset, size, crc, magic, attributes, [timestamp], key -1, value "x"
  const body = Buffer.alloc(4 + 1 + 1 + (magic === 1 ? 8 : 0) + 4 + 4 + 1);
  let at = 4;
  body.writeInt8(magic, at++);
  body.writeInt8(0, at++);
  if (magic === 1) at = body.writeBigInt64BE(5n, at);
  at = body.writeInt32BE(-1, at);
  at = body.writeInt32BE(1, at);
  body.write('x', at);
  const head = Buffer.alloc(12);
  head.writeBigInt64BE(offset, 0);
  head.writeInt32BE(body.length, 8);
  return Buffer.concat([head, body]);
}

describe('batch iterator', () => {
  it('returns no batches for empty records', () => {
    expect(scanFetchedRecords(Buffer.alloc(0))).toEqual({ batches: [], truncatedBytes: 0 });
    expect(scanProducedRecords(Buffer.alloc(0))).toEqual([]);
  });

  it('splits concatenated v2 batches', () => {
    const a = batchOf(3, 0n);
    const b = batchOf(1, 3n);
    const c = batchOf(10, 4n);
    const scan = scanFetchedRecords(Buffer.concat([a, b, c]));
    expect(scan.truncatedBytes).toBe(0);
    expect(scan.batches).toEqual([
      { offset: 0, size: a.length, magic: 2 },
      { offset: a.length, size: b.length, magic: 2 },
      { offset: a.length + b.length, size: c.length, magic: 2 },
    ]);
  });

  it('splits legacy entries of magic 0 and 1 with the same prefix', () => {
    const e0 = legacyEntry(0n, 0);
    const e1 = legacyEntry(1n, 1);
    const batches = scanProducedRecords(Buffer.concat([e0, e1]));
    expect(batches.map((b) => [b.size, b.magic])).toEqual([
      [e0.length, 0],
      [e1.length, 1],
    ]);
  });

  it.each([1, 11, 12, 16, 17, 40])('reports a partial tail of %i bytes on the fetch side', (cut) => {
    const a = batchOf(2, 0n);
    const b = batchOf(5, 2n);
    const data = Buffer.concat([a, b.subarray(0, cut)]);
    const scan = scanFetchedRecords(data);
    expect(scan.batches).toHaveLength(1);
    expect(scan.truncatedBytes).toBe(cut);
    expect(recordErrorCodeOf(() => scanProducedRecords(data))).toBe(RecordErrorCode.CORRUPT_MESSAGE);
  });

  it('rejects impossible lengths and magic values as corruption', () => {
    const a = batchOf(1, 0n);
    const shortLength = Buffer.from(a);
    shortLength.writeInt32BE(13, 8);
    expect(recordErrorCodeOf(() => scanFetchedRecords(shortLength))).toBe(RecordErrorCode.CORRUPT_MESSAGE);
    const badMagic = Buffer.from(a);
    badMagic.writeInt8(3, 16);
    expect(recordErrorCodeOf(() => scanFetchedRecords(badMagic))).toBe(RecordErrorCode.CORRUPT_MESSAGE);
  });
});
