import { encodeRecordBatch, BatchInput, RecordInput } from '../../../codecs/records/record-batch';
import { BATCH_HEADER, Compression, updateBatchCrc } from '../../../codecs/records/batch-header';
import { ProduceValidationOptions, ProduceValidationResult, validateProducedRecords } from '../../../codecs/records/produce-validation';
import { RecordErrorCode } from '../../../codecs/records/record-errors';
import { encodeLegacyMessageSet } from '../../../codecs/records/legacy-message-set';
import { decodeRecordBatch } from '../../../codecs/records/record-batch';
import { encodeTransactionMarkerBatch } from '../../../codecs/records/control-batch';

const NOW = 1_700_000_000_000n;
const HOUR = 3_600_000n;

const OPTS: ProduceValidationOptions = {
  apiVersion: 9,
  maxMessageBytes: 1_048_588,
  timestampType: 'CreateTime',
  timestampBeforeMaxMs: HOUR,
  timestampAfterMaxMs: HOUR,
  nowMs: NOW,
};

function batch(records: RecordInput[], extra: Partial<BatchInput> = {}): Buffer {
  return encodeRecordBatch({ baseTimestamp: records[0]?.timestamp ?? NOW, records, ...extra });
}

function simple(n = 3, extra: Partial<BatchInput> = {}): Buffer {
  return batch(
    Array.from({ length: n }, (_, i) => ({ key: Buffer.from(`k${i}`), value: Buffer.from(`v${i}`), timestamp: NOW + BigInt(i) })),
    extra,
  );
}

function errorOf(result: ProduceValidationResult): number {
  return result.ok ? RecordErrorCode.NONE : result.errorCode;
}

function patched(buf: Buffer, patch: (b: Buffer) => void, fixCrc = true): Buffer {
  const copy = Buffer.from(buf);
  patch(copy);
  if (fixCrc) updateBatchCrc(copy);
  return copy;
}

describe('validateProducedRecords', () => {
  it('accepts a well-formed batch and reports its header facts', () => {
    const buf = simple(3, { producerId: 7n, producerEpoch: 1, baseSequence: 0, transactional: true });
    const result = validateProducedRecords(buf, OPTS);
    expect(result.ok).toBe(true);
    if (!result.ok) return;
    expect(result.batches).toHaveLength(1);
    const [b] = result.batches;
    expect(b.buffer.equals(buf)).toBe(true);
    expect(b.converted).toBe(false);
    expect(b.recordCount).toBe(3);
    expect(b.maxTimestamp).toBe(NOW + 2n);
    expect(b.producerId).toBe(7n);
    expect(b.baseSequence).toBe(0);
    expect(b.transactional).toBe(true);
  });

  it('flags a flipped byte as CORRUPT_MESSAGE', () => {
    const buf = simple();
    for (const at of [BATCH_HEADER.attributes, BATCH_HEADER.recordsCount + 1, buf.length - 1]) {
      const bad = patched(buf, (b) => (b[at] ^= 0x10), false);
      expect(errorOf(validateProducedRecords(bad, OPTS))).toBe(RecordErrorCode.CORRUPT_MESSAGE);
    }
  });

  it('flags truncated data and impossible lengths as CORRUPT_MESSAGE', () => {
    const buf = simple();
    const v2 = { ...OPTS, apiVersion: 2 };
    expect(errorOf(validateProducedRecords(buf.subarray(0, buf.length - 3), v2))).toBe(RecordErrorCode.CORRUPT_MESSAGE);
    expect(errorOf(validateProducedRecords(buf.subarray(0, 10), v2))).toBe(RecordErrorCode.CORRUPT_MESSAGE);
    const withTail = Buffer.concat([buf, buf.subarray(0, 20)]);
    expect(errorOf(validateProducedRecords(withTail, OPTS))).toBe(RecordErrorCode.CORRUPT_MESSAGE);
    // Kafka's Produce v3+ check sees no whole batch at all before it could notice the truncation.
    expect(errorOf(validateProducedRecords(buf.subarray(0, buf.length - 3), OPTS))).toBe(RecordErrorCode.INVALID_RECORD);
    const tiny = patched(buf, (b) => b.writeInt32BE(5, 8), false);
    expect(errorOf(validateProducedRecords(tiny, OPTS))).toBe(RecordErrorCode.CORRUPT_MESSAGE);
    const underHeader = patched(buf, (b) => b.writeInt32BE(20, 8), false);
    expect(errorOf(validateProducedRecords(underHeader.subarray(0, 32), OPTS))).toBe(RecordErrorCode.CORRUPT_MESSAGE);
  });

  it('rejects magic 0/1 data in Produce v3+ as INVALID_RECORD (Kafka’s ProduceRequest rule) and bad magic as CORRUPT_MESSAGE', () => {
    const legacy = encodeLegacyMessageSet([{ offset: 0n, value: Buffer.from('x'), timestamp: NOW }], { magic: 1 });
    expect(errorOf(validateProducedRecords(legacy, OPTS))).toBe(RecordErrorCode.INVALID_RECORD);
    const magic5 = patched(simple(), (b) => b.writeInt8(5, BATCH_HEADER.magic), false);
    expect(errorOf(validateProducedRecords(magic5, OPTS))).toBe(RecordErrorCode.CORRUPT_MESSAGE);
  });

  it('needs exactly one batch from Produce v3 on', () => {
    expect(errorOf(validateProducedRecords(Buffer.alloc(0), OPTS))).toBe(RecordErrorCode.INVALID_RECORD);
    const two = Buffer.concat([simple(), simple()]);
    expect(errorOf(validateProducedRecords(two, OPTS))).toBe(RecordErrorCode.INVALID_RECORD);
    const old = validateProducedRecords(two, { ...OPTS, apiVersion: 2 });
    expect(old.ok && old.batches.length).toBe(2);
  });

  it('returns MESSAGE_TOO_LARGE above max.message.bytes', () => {
    const buf = simple(50);
    expect(errorOf(validateProducedRecords(buf, { ...OPTS, maxMessageBytes: buf.length }))).toBe(RecordErrorCode.NONE);
    expect(errorOf(validateProducedRecords(buf, { ...OPTS, maxMessageBytes: buf.length - 1 }))).toBe(RecordErrorCode.MESSAGE_TOO_LARGE);
  });

  it('rejects zstd before Produce v7', () => {
    const zstd = patched(simple(), (b) => b.writeInt16BE(Compression.Zstd, BATCH_HEADER.attributes));
    expect(errorOf(validateProducedRecords(zstd, { ...OPTS, apiVersion: 6 }))).toBe(RecordErrorCode.UNSUPPORTED_COMPRESSION_TYPE);
  });

  it('applies Kafka’s batch rules: baseOffset 0, offsets vs count, control batches, sequences', () => {
    expect(errorOf(validateProducedRecords(simple(3, { baseOffset: 5n }), OPTS))).toBe(RecordErrorCode.INVALID_RECORD);
    const badDelta = patched(simple(3), (b) => b.writeInt32BE(1, BATCH_HEADER.lastOffsetDelta));
    expect(errorOf(validateProducedRecords(badDelta, OPTS))).toBe(RecordErrorCode.INVALID_RECORD);
    const marker = encodeTransactionMarkerBatch({ type: 'COMMIT', producerId: 1n, producerEpoch: 0, coordinatorEpoch: 0, timestamp: NOW });
    expect(errorOf(validateProducedRecords(marker, OPTS))).toBe(RecordErrorCode.INVALID_RECORD);
    const noSeq = simple(2, { producerId: 9n, producerEpoch: 0, baseSequence: -1 });
    expect(errorOf(validateProducedRecords(noSeq, OPTS))).toBe(RecordErrorCode.INVALID_RECORD);
  });

  it('rejects a record structure that disagrees with the record count', () => {
    const extra = patched(simple(3), (b) => {
      b.writeInt32BE(1, BATCH_HEADER.recordsCount);
      b.writeInt32BE(0, BATCH_HEADER.lastOffsetDelta);
    });
    expect(errorOf(validateProducedRecords(extra, OPTS))).toBe(RecordErrorCode.INVALID_RECORD);
    const missing = patched(simple(3), (b) => {
      b.writeInt32BE(4, BATCH_HEADER.recordsCount);
      b.writeInt32BE(3, BATCH_HEADER.lastOffsetDelta);
    });
    expect(errorOf(validateProducedRecords(missing, OPTS))).toBe(RecordErrorCode.INVALID_RECORD);
    const badLength = patched(simple(1), (b) => (b[BATCH_HEADER.size] = 0x7e));
    expect(errorOf(validateProducedRecords(badLength, OPTS))).toBe(RecordErrorCode.INVALID_RECORD);
  });

  it('reports out-of-range CreateTime timestamps per record as INVALID_TIMESTAMP', () => {
    const buf = batch([
      { value: Buffer.from('ok'), timestamp: NOW },
      { value: Buffer.from('old'), timestamp: NOW - HOUR - 1n },
      { value: Buffer.from('future'), timestamp: NOW + HOUR + 1n },
      { value: Buffer.from('edge'), timestamp: NOW + HOUR },
    ]);
    const result = validateProducedRecords(buf, OPTS);
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.errorCode).toBe(RecordErrorCode.INVALID_TIMESTAMP);
    expect(result.recordErrors.map((e) => e.batchIndex)).toEqual([1, 2]);
    expect(validateProducedRecords(buf, { ...OPTS, timestampBeforeMaxMs: undefined, timestampAfterMaxMs: undefined }).ok).toBe(true);
    expect(validateProducedRecords(buf, { ...OPTS, timestampType: 'LogAppendTime' }).ok).toBe(true);
  });

  it('finds a lone out-of-range record wherever it sits, and reports the largest timestamp of a clean batch', () => {
    const at = (offender: bigint, index: number): number[] => {
      const records = Array.from({ length: 5 }, (_, i) => ({ value: Buffer.from(`v${i}`), timestamp: i === index ? offender : NOW - BigInt(i) }));
      const result = validateProducedRecords(batch(records, { baseTimestamp: NOW - 10n }), OPTS);
      return result.ok ? [] : result.recordErrors.map((e) => e.batchIndex);
    };
    expect(at(NOW - HOUR - 1n, 0)).toEqual([0]);
    expect(at(NOW - HOUR - 1n, 3)).toEqual([3]);
    expect(at(NOW + HOUR + 1n, 4)).toEqual([4]);
    const clean = validateProducedRecords(batch([NOW - 5n, NOW + 7n, NOW].map((timestamp) => ({ value: null, timestamp }))), OPTS);
    expect(clean.ok && clean.batches[0].maxTimestamp).toBe(NOW + 7n);
  });

  it('skips records without a timestamp (-1) but still judges the others', () => {
    const noTimestamp = batch(
      [-1n, -1n].map((timestamp) => ({ value: Buffer.from('x'), timestamp })),
      { baseTimestamp: -1n },
    );
    const ok = validateProducedRecords(noTimestamp, OPTS);
    expect(ok.ok && ok.batches[0].maxTimestamp).toBe(-1n);
    // A record 5 ms before the epoch sits far outside a one-hour window; -1 next to it must not hide it.
    const mixed = batch(
      [-1n, -5n].map((timestamp) => ({ value: Buffer.from('x'), timestamp })),
      { baseTimestamp: -1n },
    );
    const result = validateProducedRecords(mixed, OPTS);
    expect(errorOf(result)).toBe(RecordErrorCode.INVALID_TIMESTAMP);
    expect(!result.ok && result.recordErrors.map((e) => e.batchIndex)).toEqual([1]);
  });

  it('rejects a client-set LogAppendTime on a LogAppendTime topic', () => {
    const buf = patched(simple(1), (b) => b.writeInt16BE(0x08, BATCH_HEADER.attributes));
    expect(errorOf(validateProducedRecords(buf, { ...OPTS, timestampType: 'LogAppendTime' }))).toBe(RecordErrorCode.INVALID_TIMESTAMP);
  });

  it('requires keys on compacted topics', () => {
    const buf = batch([
      { key: Buffer.from('a'), value: Buffer.from('1'), timestamp: NOW },
      { key: null, value: Buffer.from('2'), timestamp: NOW },
    ]);
    const result = validateProducedRecords(buf, { ...OPTS, compacted: true });
    expect(errorOf(result)).toBe(RecordErrorCode.INVALID_RECORD);
    expect(!result.ok && result.recordErrors).toEqual([{ batchIndex: 1, message: expect.stringContaining('key') }]);
  });

  it('checks compressed batches from the header only', () => {
    const good = batch(
      [
        { value: Buffer.from('a'), timestamp: NOW },
        { value: Buffer.from('b'), timestamp: NOW + 10n },
      ],
      { compression: Compression.Gzip },
    );
    const ok = validateProducedRecords(good, OPTS);
    expect(ok.ok && ok.batches[0].compression).toBe(Compression.Gzip);
    const future = batch([{ value: Buffer.from('a'), timestamp: NOW + 2n * HOUR }], { compression: Compression.Gzip });
    expect(errorOf(validateProducedRecords(future, OPTS))).toBe(RecordErrorCode.INVALID_TIMESTAMP);
  });

  it('converts legacy message sets for Produce v0-v2, checking their CRCs', () => {
    const legacy = encodeLegacyMessageSet(
      [
        { offset: 0n, key: Buffer.from('a'), value: Buffer.from('1'), timestamp: NOW },
        { offset: 1n, key: null, value: Buffer.from('2'), timestamp: NOW + 1n },
      ],
      { magic: 1, compression: Compression.Gzip },
    );
    const result = validateProducedRecords(legacy, { ...OPTS, apiVersion: 2 });
    expect(result.ok).toBe(true);
    if (!result.ok) return;
    const [converted] = result.batches;
    expect(converted.converted).toBe(true);
    expect(converted.maxTimestamp).toBe(NOW + 1n);
    const decoded = decodeRecordBatch(converted.buffer);
    expect(decoded.records.map((r) => [r.offset, r.key?.toString() ?? null, r.value?.toString()])).toEqual([
      [0n, 'a', '1'],
      [1n, null, '2'],
    ]);
    const flipped = Buffer.from(legacy);
    flipped[flipped.length - 1] ^= 1;
    expect(errorOf(validateProducedRecords(flipped, { ...OPTS, apiVersion: 2 }))).toBe(RecordErrorCode.CORRUPT_MESSAGE);
    const stale = encodeLegacyMessageSet([{ offset: 0n, value: Buffer.from('x'), timestamp: NOW - 2n * HOUR }], { magic: 1 });
    expect(errorOf(validateProducedRecords(stale, { ...OPTS, apiVersion: 1 }))).toBe(RecordErrorCode.INVALID_TIMESTAMP);
    const v0 = encodeLegacyMessageSet([{ offset: 0n, value: Buffer.from('x') }], { magic: 0 });
    expect(errorOf(validateProducedRecords(v0, { ...OPTS, apiVersion: 0 }))).toBe(RecordErrorCode.NONE);
  });

  it('rejects mixed magic values in one request', () => {
    const mixed = Buffer.concat([
      encodeLegacyMessageSet([{ offset: 0n, value: Buffer.from('x') }], { magic: 0 }),
      encodeLegacyMessageSet([{ offset: 1n, value: Buffer.from('y'), timestamp: NOW }], { magic: 1 }),
    ]);
    expect(errorOf(validateProducedRecords(mixed, { ...OPTS, apiVersion: 2 }))).toBe(RecordErrorCode.INVALID_RECORD);
  });

  // What the producer is told depends on where Kafka's check sits (the differential suite compares the answers).
  it('says how much Kafka tells for each kind of rejection', () => {
    const detailOf = (records: Buffer): string | null => {
      const result = validateProducedRecords(records, OPTS);
      return result.ok ? null : `${result.errorCode} ${result.detail}`;
    };
    const flippedCrc = patched(simple(), (b) => (b[BATCH_HEADER.crc] ^= 1), false);
    expect(detailOf(flippedCrc)).toBe(`${RecordErrorCode.CORRUPT_MESSAGE} code`);
    expect(detailOf(patched(simple(), (b) => b.writeInt8(3, BATCH_HEADER.magic), false))).toBe(`${RecordErrorCode.CORRUPT_MESSAGE} message`);
    expect(detailOf(patched(simple(3), (b) => b.writeInt32BE(4, BATCH_HEADER.recordsCount)))).toBe(`${RecordErrorCode.INVALID_RECORD} logStart`);
    expect(detailOf(patched(simple(), (b) => b.writeInt16BE(7, BATCH_HEADER.attributes)))).toBe(`${RecordErrorCode.UNKNOWN_SERVER_ERROR} logStart`);
    expect(detailOf(batch([{ value: Buffer.from('late'), timestamp: NOW + 2n * HOUR }]))).toBe(`${RecordErrorCode.INVALID_TIMESTAMP} records`);
  });
});
