// Timestamp lookups inside one stored batch answer the record, as Kafka's FileRecords.searchForTimestamp and
// RecordBatch.offsetOfMaxTimestamp do, also when the batch is compressed (they iterate its records).
import { ATTR_TIMESTAMP_LOG_APPEND, BATCH_HEADER, Compression, setBatchBaseOffset, setBatchLogAppendTime } from '../../../codecs/records/batch-header';
import { encodeRecordBatch } from '../../../codecs/records/record-batch';
import { firstRecordAtOrAfter, recordWithMaxTimestamp } from '../../../storage/record-scan';

const BASE = 1_700_000_000_000n;
const BASE_OFFSET = 100n;

/** Ten records at BASE, BASE+1000 ... BASE+9000, except that offset 6 (the batch's maximum) is BASE+20000. */
function stored(compression: Compression, peak = false): Buffer {
  const records = Array.from({ length: 10 }, (_, i) => ({
    key: Buffer.from(`k${i}`),
    value: Buffer.from(`value-${i}`),
    timestamp: peak && i === 6 ? BASE + 20_000n : BASE + BigInt(i) * 1000n,
  }));
  const batch = encodeRecordBatch({ compression, records });
  setBatchBaseOffset(batch, BASE_OFFSET);
  return batch;
}

describe.each([
  ['uncompressed', Compression.None],
  ['gzip', Compression.Gzip],
  ['snappy', Compression.Snappy],
  ['lz4', Compression.Lz4],
  ['zstd', Compression.Zstd],
])('record-scan of a %s batch', (_label, codec) => {
  test('the first record at or after a timestamp inside the batch', () => {
    expect(firstRecordAtOrAfter(stored(codec), BASE + 7500n, 0n)).toEqual({ offset: BASE_OFFSET + 8n, timestamp: BASE + 8000n });
    expect(firstRecordAtOrAfter(stored(codec), BASE - 1n, 0n)).toEqual({ offset: BASE_OFFSET, timestamp: BASE });
    expect(firstRecordAtOrAfter(stored(codec), BASE + 9001n, 0n)).toBeNull();
  });

  test('records below the log start offset are passed over', () => {
    expect(firstRecordAtOrAfter(stored(codec), BASE + 1000n, BASE_OFFSET + 4n)).toEqual({ offset: BASE_OFFSET + 4n, timestamp: BASE + 4000n });
  });

  test('the record carrying the maximum timestamp', () => {
    expect(recordWithMaxTimestamp(stored(codec, true))).toEqual({ offset: BASE_OFFSET + 6n, timestamp: BASE + 20_000n });
  });
});

test('a LogAppendTime batch answers its first record with the append time, compressed or not', () => {
  for (const codec of [Compression.None, Compression.Gzip]) {
    const batch = stored(codec);
    setBatchLogAppendTime(batch, BASE + 50_000n);
    expect(batch.readInt16BE(BATCH_HEADER.attributes) & ATTR_TIMESTAMP_LOG_APPEND).not.toBe(0);
    expect(firstRecordAtOrAfter(batch, BASE + 7500n, 0n)).toEqual({ offset: BASE_OFFSET, timestamp: BASE + 50_000n });
    expect(recordWithMaxTimestamp(batch)).toEqual({ offset: BASE_OFFSET, timestamp: BASE + 50_000n });
  }
});

test('an unreadable compressed batch falls back to the batch-level answer', () => {
  const batch = stored(Compression.Gzip);
  batch.fill(0, batch.length - 8);
  expect(firstRecordAtOrAfter(batch, BASE + 7500n, 0n)).toEqual({ offset: BASE_OFFSET, timestamp: BASE + 9000n });
});
