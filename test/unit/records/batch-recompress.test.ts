// Produce's rebuild of batches whose codec is not the topic's compression.type (Kafka's LogValidator
// buildRecordsAndAssignOffsets): header fields kept, codec bits replaced, records unchanged, the per-record checks
// Kafka makes on that path, and the topic's compression level reaching the compressor.
import { BATCH_HEADER, Compression } from '../../../codecs/records/batch-header';
import { compressionTargetOf, needsRecompression } from '../../../codecs/records/batch-recompress';
import { ProduceValidationOptions, validateProducedRecords, ValidatedBatch } from '../../../codecs/records/produce-validation';
import { decodeRecordBatch, encodeRecordBatch, RecordInput } from '../../../codecs/records/record-batch';
import { RecordErrorCode } from '../../../codecs/records/record-errors';
import { encodeLegacyMessageSet } from '../../../codecs/records/legacy-message-set';

const NOW = 1_700_000_000_000n;
const LEVELS = { gzip: -1, lz4: 9, zstd: 3 };

const OPTS: ProduceValidationOptions = { apiVersion: 9, maxMessageBytes: 1 << 20, timestampType: 'CreateTime', nowMs: NOW };

function records(n: number): RecordInput[] {
  return Array.from({ length: n }, (_, i) => ({
    key: Buffer.from(`k${i}`),
    value: Buffer.from(`value ${i} `.repeat(30)),
    headers: [{ key: 'h', value: Buffer.from(String(i)) }],
    timestamp: NOW - 100n + BigInt(i),
  }));
}

function only(result: ReturnType<typeof validateProducedRecords>): ValidatedBatch {
  if (!result.ok) throw new Error(`rejected: ${result.errorMessage}`);
  expect(result.batches).toHaveLength(1);
  return result.batches[0];
}

describe('compressionTargetOf', () => {
  test("'producer' keeps every codec; a codec name is a target with its level", () => {
    expect(compressionTargetOf('producer', LEVELS)).toBeNull();
    expect(compressionTargetOf('uncompressed', LEVELS)).toEqual({ codec: Compression.None });
    expect(compressionTargetOf('zstd', { ...LEVELS, zstd: 7 })).toEqual({ codec: Compression.Zstd, level: 7 });
    expect(compressionTargetOf('gzip', { ...LEVELS, gzip: 1 })).toEqual({ codec: Compression.Gzip, level: 1 });
    expect(needsRecompression(Compression.Gzip, null)).toBe(false);
    expect(needsRecompression(Compression.Gzip, { codec: Compression.Gzip })).toBe(false);
    expect(needsRecompression(Compression.None, { codec: Compression.Gzip })).toBe(true);
  });
});

describe('produce validation with a topic codec', () => {
  const input = { producerId: 42n, producerEpoch: 3, baseSequence: 17, transactional: true, records: records(5) };

  test.each([
    [Compression.None, Compression.Zstd],
    [Compression.None, Compression.Lz4],
    [Compression.Gzip, Compression.Snappy],
    [Compression.Zstd, Compression.None],
  ])('a batch of codec %i is rebuilt as codec %i with its header and records', (source, target) => {
    const sent = encodeRecordBatch({ ...input, compression: source });
    const out = only(validateProducedRecords(sent, { ...OPTS, compression: { codec: target } }));
    expect(out.compression).toBe(target);
    const stored = decodeRecordBatch(out.buffer);
    const original = decodeRecordBatch(sent);
    expect(stored.compression).toBe(target);
    const kept = (b: typeof stored): unknown[] => [
      b.producerId,
      b.producerEpoch,
      b.baseSequence,
      b.transactional,
      b.lastOffsetDelta,
      b.baseTimestamp,
      b.recordsCount,
    ];
    expect(kept(stored)).toEqual(kept(original));
    expect(stored.maxTimestamp).toBe(NOW - 96n);
    expect(stored.records).toEqual(original.records);
  });

  test('a batch already in the topic codec, and any batch under producer, is appended as sent', () => {
    const sent = encodeRecordBatch({ ...input, compression: Compression.Gzip });
    // A view of the request's own bytes, not a copy.
    const sameBytes = (out: Buffer): boolean => out.buffer === sent.buffer && out.byteOffset === sent.byteOffset && out.length === sent.length;
    expect(sameBytes(only(validateProducedRecords(sent, { ...OPTS, compression: { codec: Compression.Gzip } })).buffer)).toBe(true);
    expect(sameBytes(only(validateProducedRecords(sent, { ...OPTS, compression: null })).buffer)).toBe(true);
  });

  test('a converted legacy message set takes the topic codec', () => {
    const legacy = encodeLegacyMessageSet([{ offset: 0n, key: Buffer.from('k'), value: Buffer.from('v'), timestamp: NOW }], { magic: 1 });
    const out = only(validateProducedRecords(legacy, { ...OPTS, apiVersion: 2, compression: { codec: Compression.Lz4 } }));
    expect(decodeRecordBatch(out.buffer).compression).toBe(Compression.Lz4);
    expect(decodeRecordBatch(out.buffer).records.map((r) => r.value?.toString())).toEqual(['v']);
  });

  test("under 'producer' a compressed legacy message set keeps its wrapper's codec; an uncompressed one stays uncompressed", () => {
    const messages = [0, 1].map((i) => ({ offset: BigInt(i), key: Buffer.from(`k${i}`), value: Buffer.from(`v${i}`), timestamp: NOW + BigInt(i) }));
    const gzipped = only(validateProducedRecords(encodeLegacyMessageSet(messages, { magic: 1, compression: Compression.Gzip }), { ...OPTS, apiVersion: 2 }));
    expect(decodeRecordBatch(gzipped.buffer).compression).toBe(Compression.Gzip);
    expect(decodeRecordBatch(gzipped.buffer).records.map((r) => [r.offset, r.value?.toString(), r.timestamp])).toEqual([
      [0n, 'v0', NOW],
      [1n, 'v1', NOW + 1n],
    ]);
    const plain = only(validateProducedRecords(encodeLegacyMessageSet(messages, { magic: 1 }), { ...OPTS, apiVersion: 2 }));
    expect(decodeRecordBatch(plain.buffer).compression).toBe(Compression.None);
    const toLz4 = validateProducedRecords(encodeLegacyMessageSet(messages, { magic: 1, compression: Compression.Gzip }), {
      ...OPTS,
      apiVersion: 2,
      compression: { codec: Compression.Lz4 },
    });
    expect(decodeRecordBatch(only(toLz4).buffer).compression).toBe(Compression.Lz4);
  });

  test('a compressed batch being rebuilt gets the per-record checks: keys on a compacted topic', () => {
    const keyless = encodeRecordBatch({ compression: Compression.Gzip, records: [...records(2), { key: null, value: Buffer.from('x'), timestamp: NOW }] });
    // Kept as sent, Eddy does not decompress it; rebuilt, every record is read, as Kafka reads them.
    expect(validateProducedRecords(keyless, { ...OPTS, compacted: true }).ok).toBe(true);
    const rebuilt = validateProducedRecords(keyless, { ...OPTS, compacted: true, compression: { codec: Compression.Zstd } });
    expect(rebuilt.ok).toBe(false);
    if (!rebuilt.ok) {
      expect(rebuilt.errorCode).toBe(RecordErrorCode.INVALID_RECORD);
      expect(rebuilt.recordErrors.map((e) => e.batchIndex)).toEqual([2]);
    }
  });

  test('a rebuilt batch larger than max.message.bytes is refused', () => {
    const noise = Array.from({ length: 20 }, (_, i) => ({
      key: null,
      value: Buffer.from(Array.from({ length: 200 }, (_, j) => (i * 7919 + j * 104729) % 251)),
      timestamp: NOW,
    }));
    const compressed = encodeRecordBatch({ compression: Compression.Zstd, records: [...records(20), ...noise] });
    const limit = compressed.length + 10;
    const result = validateProducedRecords(compressed, { ...OPTS, maxMessageBytes: limit, compression: { codec: Compression.None } });
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.errorCode).toBe(RecordErrorCode.MESSAGE_TOO_LARGE);
  });

  test('the topic level reaches the compressor: zstd 19 and gzip 9 are no larger than level 1', () => {
    const sent = encodeRecordBatch({ records: records(200) });
    const size = (codec: Compression, level: number): number =>
      only(validateProducedRecords(sent, { ...OPTS, compression: { codec, level } })).buffer.length - BATCH_HEADER.size;
    expect(size(Compression.Zstd, 19)).toBeLessThanOrEqual(size(Compression.Zstd, 1));
    expect(size(Compression.Gzip, 9)).toBeLessThan(size(Compression.Gzip, 1));
  });
});
