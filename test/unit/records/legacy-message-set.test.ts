import {
  encodeLegacyMessageSet,
  legacyMessageSetToRecordBatch,
  readLegacyMessageSet,
  recordBatchesToLegacyMessageSet,
  NO_TIMESTAMP,
} from '../../../codecs/records/legacy-message-set';
import { decodeRecordBatch, encodeRecordBatch } from '../../../codecs/records/record-batch';
import { encodeTransactionMarkerBatch } from '../../../codecs/records/control-batch';
import { Compression, setBatchLogAppendTime } from '../../../codecs/records/batch-header';
import { crc32 } from '../../../codecs/records/crc';
import { RecordErrorCode } from '../../../codecs/records/record-errors';
import { recordErrorCodeOf } from './record-error-code';

/** Builds one entry by hand from the wire layout, independent of the encoder under test. */
function handMessage(offset: bigint, magic: 0 | 1, attributes: number, timestamp: bigint | null, key: Buffer | null, value: Buffer | null): Buffer {
  const fields: Buffer[] = [Buffer.from([magic, attributes])];
  if (magic === 1) {
    const ts = Buffer.alloc(8);
    ts.writeBigInt64BE(timestamp ?? -1n);
    fields.push(ts);
  }
  for (const f of [key, value]) {
    const len = Buffer.alloc(4);
    len.writeInt32BE(f === null ? -1 : f.length);
    fields.push(len);
    if (f) fields.push(f);
  }
  const body = Buffer.concat(fields);
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(body));
  const head = Buffer.alloc(12);
  head.writeBigInt64BE(offset);
  head.writeInt32BE(body.length + 4, 8);
  return Buffer.concat([head, crc, body]);
}

describe('legacy message sets', () => {
  it('reads hand-built magic 0 messages and converts them to a v2 batch', () => {
    const set = Buffer.concat([
      handMessage(0n, 0, 0, null, Buffer.from('k0'), Buffer.from('v0')),
      handMessage(1n, 0, 0, null, null, Buffer.from('v1')),
      handMessage(2n, 0, 0, null, Buffer.from('k2'), null),
    ]);
    const messages = readLegacyMessageSet(set);
    expect(messages.map((m) => [m.offset, m.magic, m.timestamp, m.key?.toString() ?? null, m.value?.toString() ?? null])).toEqual([
      [0n, 0, NO_TIMESTAMP, 'k0', 'v0'],
      [1n, 0, NO_TIMESTAMP, null, 'v1'],
      [2n, 0, NO_TIMESTAMP, 'k2', null],
    ]);
    const batch = decodeRecordBatch(legacyMessageSetToRecordBatch(set, { baseOffset: 40n }));
    expect(batch.records.map((r) => [r.offset, r.timestamp, r.key?.toString() ?? null, r.value?.toString() ?? null])).toEqual([
      [40n, -1n, 'k0', 'v0'],
      [41n, -1n, null, 'v1'],
      [42n, -1n, 'k2', null],
    ]);
  });

  it('reads hand-built magic 1 messages with timestamps', () => {
    const set = Buffer.concat([handMessage(0n, 1, 0, 1000n, null, Buffer.from('a')), handMessage(1n, 1, 0, 900n, null, Buffer.from('b'))]);
    const batch = decodeRecordBatch(legacyMessageSetToRecordBatch(set));
    expect(batch.records.map((r) => r.timestamp)).toEqual([1000n, 900n]);
    expect(batch.maxTimestamp).toBe(1000n);
  });

  it('expands a hand-built gzip wrapper with relative inner offsets (magic 1)', () => {
    const { gzipSync } = require('zlib') as typeof import('zlib');
    const inner = Buffer.concat([
      handMessage(0n, 1, 0, 10n, Buffer.from('x'), Buffer.from('1')),
      handMessage(1n, 1, 0, 20n, Buffer.from('y'), Buffer.from('2')),
      handMessage(2n, 1, 0, 30n, Buffer.from('z'), Buffer.from('3')),
    ]);
    const wrapper = handMessage(102n, 1, Compression.Gzip, 30n, null, gzipSync(inner));
    const messages = readLegacyMessageSet(wrapper);
    expect(messages.map((m) => [m.offset, m.timestamp, m.value?.toString()])).toEqual([
      [100n, 10n, '1'],
      [101n, 20n, '2'],
      [102n, 30n, '3'],
    ]);
    const logAppendWrapper = handMessage(102n, 1, Compression.Gzip | 0x08, 555n, null, gzipSync(inner));
    expect(readLegacyMessageSet(logAppendWrapper).map((m) => m.timestamp)).toEqual([555n, 555n, 555n]);
  });

  it('keeps absolute inner offsets for magic 0 wrappers', () => {
    const { gzipSync } = require('zlib') as typeof import('zlib');
    const inner = Buffer.concat([handMessage(7n, 0, 0, null, null, Buffer.from('a')), handMessage(8n, 0, 0, null, null, Buffer.from('b'))]);
    const wrapper = handMessage(8n, 0, Compression.Gzip, null, null, gzipSync(inner));
    expect(readLegacyMessageSet(wrapper).map((m) => m.offset)).toEqual([7n, 8n]);
  });

  it('detects a bad CRC, a truncated entry, and a v2 batch in a legacy set', () => {
    const msg = handMessage(0n, 1, 0, 5n, null, Buffer.from('hello'));
    const flipped = Buffer.from(msg);
    flipped[msg.length - 1] ^= 0xff;
    expect(recordErrorCodeOf(() => readLegacyMessageSet(flipped))).toBe(RecordErrorCode.CORRUPT_MESSAGE);
    expect(recordErrorCodeOf(() => readLegacyMessageSet(msg.subarray(0, msg.length - 1)))).toBe(RecordErrorCode.CORRUPT_MESSAGE);
    expect(readLegacyMessageSet(Buffer.concat([msg, msg.subarray(0, 15)]), { allowTruncatedTail: true })).toHaveLength(1);
    const v2 = encodeRecordBatch({ records: [{ value: Buffer.from('a') }] });
    expect(recordErrorCodeOf(() => readLegacyMessageSet(Buffer.concat([msg, v2])))).toBe(RecordErrorCode.INVALID_RECORD);
  });

  it('encoder output matches the hand-built layout', () => {
    const ours = encodeLegacyMessageSet(
      [
        { offset: 3n, key: Buffer.from('k'), value: Buffer.from('v'), timestamp: 77n },
        { offset: 4n, value: null, timestamp: 78n },
      ],
      { magic: 1 },
    );
    const hand = Buffer.concat([handMessage(3n, 1, 0, 77n, Buffer.from('k'), Buffer.from('v')), handMessage(4n, 1, 0, 78n, null, null)]);
    expect(ours.equals(hand)).toBe(true);
  });

  it.each([0, 1] as const)('down-converts v2 batches to magic %i, dropping control batches and headers', (magic) => {
    const data = Buffer.concat([
      encodeRecordBatch({
        baseOffset: 10n,
        records: [
          { key: Buffer.from('a'), value: Buffer.from('1'), timestamp: 500n, headers: [{ key: 'h', value: null }] },
          { key: null, value: Buffer.from('2'), timestamp: 501n },
        ],
      }),
      encodeTransactionMarkerBatch({ type: 'COMMIT', producerId: 1n, producerEpoch: 0, coordinatorEpoch: 0, baseOffset: 12n, timestamp: 502n }),
      encodeRecordBatch({ baseOffset: 13n, compression: Compression.Gzip, records: [{ value: Buffer.from('3'), timestamp: 503n }] }),
    ]);
    const partial = encodeRecordBatch({ baseOffset: 14n, records: [{ value: Buffer.from('cut') }] }).subarray(0, 30);
    const legacy = recordBatchesToLegacyMessageSet(Buffer.concat([data, partial]), { magic });
    const messages = readLegacyMessageSet(legacy);
    expect(messages.map((m) => [m.offset, m.magic, m.timestamp, m.key?.toString() ?? null, m.value?.toString()])).toEqual([
      [10n, magic, magic === 1 ? 500n : -1n, 'a', '1'],
      [11n, magic, magic === 1 ? 501n : -1n, null, '2'],
      [13n, magic, magic === 1 ? 503n : -1n, null, '3'],
    ]);
  });

  it('marks LogAppendTime on down-converted magic 1 messages and can compress the result', () => {
    const batch = encodeRecordBatch({ baseOffset: 0n, records: [{ value: Buffer.from('a'), timestamp: 1n }] });
    setBatchLogAppendTime(batch, 999n);
    const legacy = recordBatchesToLegacyMessageSet(batch, { magic: 1, compression: Compression.Gzip });
    const [m] = readLegacyMessageSet(legacy);
    expect(m.timestampType).toBe('LogAppendTime');
    expect(m.timestamp).toBe(999n);
    expect(m.value?.toString()).toBe('a');
  });
});
