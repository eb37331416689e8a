// Cross-checks our record codecs against kafkajs 2.2.4's own encoders and decoders (its internal protocol modules),
// in both directions, so a mismatch with a real client shows up here rather than on the wire.
import { decodeRecordBatch, encodeRecordBatch } from '../../../codecs/records/record-batch';
import { Compression, isBatchCrcValid, setBatchLogAppendTime } from '../../../codecs/records/batch-header';
import { encodeTransactionMarkerBatch } from '../../../codecs/records/control-batch';
import {
  encodeLegacyMessageSet,
  legacyMessageSetToRecordBatch,
  readLegacyMessageSet,
  recordBatchesToLegacyMessageSet,
} from '../../../codecs/records/legacy-message-set';

interface KjsEncoder {
  buffer: Buffer;
  size(): number;
}
interface KjsRecordInput {
  offsetDelta: number;
  timestampDelta: number;
  key: Buffer | null;
  value: Buffer | null;
  headers?: Record<string, Buffer>;
}
interface KjsBatchInput {
  compression?: number;
  firstOffset?: string;
  firstTimestamp: number;
  maxTimestamp: number;
  partitionLeaderEpoch?: number;
  lastOffsetDelta: number;
  transactional?: boolean;
  producerId?: string;
  producerEpoch?: number;
  firstSequence?: number;
  records: KjsEncoder[];
}
interface KjsDecodedRecord {
  offset: string;
  timestamp: string;
  key: Buffer | null;
  value: Buffer | null;
  headers: Record<string, Buffer | Buffer[]>;
  isControlRecord: boolean;
}
interface KjsDecodedBatch {
  firstOffset: string;
  producerId: string;
  producerEpoch: number;
  inTransaction: boolean;
  isControlBatch: boolean;
  timestampType: number;
  records: KjsDecodedRecord[];
}
interface KjsLegacyMessage {
  offset: string;
  magicByte: number;
  timestamp?: string;
  key: Buffer | null;
  value: Buffer | null;
}
interface KjsLegacyEntry {
  key?: Buffer | null;
  value: Buffer | null;
  timestamp?: number;
  compression?: number;
}

const Decoder = require('kafkajs/src/protocol/decoder') as new (buffer: Buffer) => unknown;
const kjsRecord = require('kafkajs/src/protocol/recordBatch/record/v0') as (r: KjsRecordInput) => KjsEncoder;
const { RecordBatch: kjsRecordBatch } = require('kafkajs/src/protocol/recordBatch/v0') as {
  RecordBatch: (b: KjsBatchInput) => Promise<KjsEncoder>;
};
const kjsDecodeBatch = require('kafkajs/src/protocol/recordBatch/v0/decoder') as (d: unknown) => Promise<KjsDecodedBatch>;
const kjsMessageSet = require('kafkajs/src/protocol/messageSet') as (o: {
  messageVersion: number;
  compression?: number;
  entries: KjsLegacyEntry[];
}) => KjsEncoder;
const kjsDecodeMessageSet = require('kafkajs/src/protocol/messageSet/decoder') as (d: unknown, size: number) => Promise<KjsLegacyMessage[]>;
const kjsGzip = require('kafkajs/src/protocol/message/compression/gzip') as { compress(e: KjsEncoder): Promise<Buffer> };

const T0 = 1_700_000_000_000;

async function kafkajsBatch(compression: number): Promise<Buffer> {
  const records = [
    kjsRecord({ offsetDelta: 0, timestampDelta: 0, key: Buffer.from('key-0'), value: Buffer.from('value-0') }),
    kjsRecord({ offsetDelta: 1, timestampDelta: -250, key: null, value: Buffer.from('value-1'), headers: { trace: Buffer.from('abc') } }),
    kjsRecord({ offsetDelta: 2, timestampDelta: 90_000_000_000, key: Buffer.from('key-2'), value: null }),
    kjsRecord({
      offsetDelta: 3,
      timestampDelta: 7,
      key: Buffer.from(''),
      value: Buffer.alloc(3000, 0x61),
      headers: { a: Buffer.from('1'), b: Buffer.from('2') },
    }),
  ];
  const encoder = await kjsRecordBatch({
    compression,
    firstOffset: '500',
    firstTimestamp: T0,
    maxTimestamp: T0 + 90_000_000_000,
    partitionLeaderEpoch: 3,
    lastOffsetDelta: 3,
    transactional: true,
    producerId: '4242',
    producerEpoch: 2,
    firstSequence: 17,
    records,
  });
  return encoder.buffer;
}

describe('cross-check with kafkajs 2.2.4', () => {
  it.each([
    ['uncompressed', 0],
    ['gzip', 1],
  ])('decodes a kafkajs %s RecordBatch', async (_name, compression) => {
    const buf = await kafkajsBatch(compression);
    expect(isBatchCrcValid(buf)).toBe(true);
    const batch = decodeRecordBatch(buf);
    expect(batch.compression).toBe(compression);
    expect(batch.baseOffset).toBe(500n);
    expect(batch.partitionLeaderEpoch).toBe(3);
    expect(batch.producerId).toBe(4242n);
    expect(batch.producerEpoch).toBe(2);
    expect(batch.baseSequence).toBe(17);
    expect(batch.transactional).toBe(true);
    const base = BigInt(T0);
    expect(batch.records.map((r) => [r.offset, r.timestamp, r.key?.toString() ?? null])).toEqual([
      [500n, base, 'key-0'],
      [501n, base - 250n, null],
      [502n, base + 90_000_000_000n, 'key-2'],
      [503n, base + 7n, ''],
    ]);
    expect(batch.records[1].headers).toEqual([{ key: 'trace', value: Buffer.from('abc') }]);
    expect(batch.records[2].value).toBeNull();
    expect(batch.records[3].value?.equals(Buffer.alloc(3000, 0x61))).toBe(true);
    expect(batch.records[3].headers.map((h) => h.key)).toEqual(['a', 'b']);
  });

  it.each([
    ['uncompressed', Compression.None],
    ['gzip', Compression.Gzip],
  ])('kafkajs decodes our %s RecordBatch', async (_name, compression) => {
    const base = BigInt(T0);
    const buf = encodeRecordBatch({
      baseOffset: 1000n,
      producerId: 99n,
      producerEpoch: 4,
      baseSequence: 0,
      compression,
      records: [
        { key: Buffer.from('k'), value: Buffer.from('v'), timestamp: base, headers: [{ key: 'h', value: Buffer.from('x') }] },
        { key: null, value: null, timestamp: base - 5n },
        { key: Buffer.from('big'), value: Buffer.alloc(10_000, 1), timestamp: base + (1n << 36n) },
      ],
    });
    const decoded = await kjsDecodeBatch(new Decoder(buf));
    expect(decoded.firstOffset).toBe('1000');
    expect(decoded.producerId).toBe('99');
    expect(decoded.producerEpoch).toBe(4);
    expect(decoded.records.map((r) => [r.offset, r.timestamp, r.key?.toString() ?? null])).toEqual([
      ['1000', String(base), 'k'],
      ['1001', String(base - 5n), null],
      ['1002', String(base + (1n << 36n)), 'big'],
    ]);
    expect(decoded.records[0].headers).toEqual({ h: Buffer.from('x') });
    expect(decoded.records[1].value).toBeNull();
    expect(decoded.records[2].value?.equals(Buffer.alloc(10_000, 1))).toBe(true);
  });

  it('kafkajs reads LogAppendTime from our stamped batch', async () => {
    const buf = encodeRecordBatch({
      records: [
        { value: Buffer.from('a'), timestamp: 5n },
        { value: Buffer.from('b'), timestamp: 6n },
      ],
    });
    setBatchLogAppendTime(buf, 123_456n);
    const decoded = await kjsDecodeBatch(new Decoder(buf));
    expect(decoded.timestampType).toBe(1);
    expect(decoded.records.map((r) => r.timestamp)).toEqual(['123456', '123456']);
  });

  it('kafkajs sees our transaction marker as a control batch', async () => {
    const buf = encodeTransactionMarkerBatch({ type: 'ABORT', producerId: 77n, producerEpoch: 1, coordinatorEpoch: 3, timestamp: 10n });
    const decoded = await kjsDecodeBatch(new Decoder(buf));
    expect(decoded.isControlBatch).toBe(true);
    expect(decoded.inTransaction).toBe(true);
    expect(decoded.producerId).toBe('77');
    expect(decoded.records[0].key).toEqual(Buffer.from([0, 0, 0, 0]));
    expect(decoded.records[0].isControlRecord).toBe(true);
  });

  it.each([0, 1])('reads a kafkajs uncompressed magic %i message set', (version) => {
    const set = kjsMessageSet({
      messageVersion: version,
      compression: 0,
      entries: [
        { key: Buffer.from('a'), value: Buffer.from('1'), timestamp: T0 },
        { key: null, value: Buffer.from('2'), timestamp: T0 + 1 },
      ],
    }).buffer;
    const messages = readLegacyMessageSet(set);
    expect(messages.map((m) => [m.magic, m.timestamp, m.key?.toString() ?? null, m.value?.toString()])).toEqual([
      [version, version === 1 ? BigInt(T0) : -1n, 'a', '1'],
      [version, version === 1 ? BigInt(T0 + 1) : -1n, null, '2'],
    ]);
    const batch = decodeRecordBatch(legacyMessageSetToRecordBatch(set));
    expect(batch.records.map((r) => [r.offset, r.value?.toString()])).toEqual([
      [0n, '1'],
      [1n, '2'],
    ]);
  });

  it('converts a gzip-wrapped message set built the way kafkajs Produce v2 builds it', async () => {
    const entries = [
      { key: Buffer.from('x'), value: Buffer.from('first'), timestamp: T0 },
      { key: Buffer.from('y'), value: Buffer.from('second'), timestamp: T0 + 3 },
      { key: null, value: Buffer.from('third'), timestamp: T0 + 4 },
    ];
    const inner = kjsMessageSet({ messageVersion: 1, compression: 1, entries });
    const wrapper = kjsMessageSet({
      messageVersion: 1,
      entries: [{ compression: 1, timestamp: T0, value: await kjsGzip.compress(inner) }],
    }).buffer;
    const batch = decodeRecordBatch(legacyMessageSetToRecordBatch(wrapper));
    expect(batch.records.map((r) => [r.offset, r.timestamp, r.key?.toString() ?? null, r.value?.toString()])).toEqual([
      [0n, BigInt(T0), 'x', 'first'],
      [1n, BigInt(T0 + 3), 'y', 'second'],
      [2n, BigInt(T0 + 4), null, 'third'],
    ]);
  });

  it.each([0, 1] as const)('kafkajs decodes our down-converted magic %i message set (plain and gzip)', async (magic) => {
    const batches = Buffer.concat([
      encodeRecordBatch({ baseOffset: 20n, records: [{ key: Buffer.from('a'), value: Buffer.from('1'), timestamp: 1000n }] }),
      encodeRecordBatch({
        baseOffset: 21n,
        records: [
          { value: Buffer.from('2'), timestamp: 1001n },
          { value: null, timestamp: 1002n },
        ],
      }),
    ]);
    for (const compression of [Compression.None, Compression.Gzip]) {
      const legacy = recordBatchesToLegacyMessageSet(batches, { magic, compression });
      const messages = await kjsDecodeMessageSet(new Decoder(legacy), legacy.length);
      expect(messages.map((m) => [m.offset, m.magicByte, m.key?.toString() ?? null, m.value?.toString() ?? null])).toEqual([
        ['20', magic, 'a', '1'],
        ['21', magic, null, '2'],
        ['22', magic, null, null],
      ]);
      if (magic === 1) expect(messages.map((m) => m.timestamp)).toEqual(['1000', '1001', '1002']);
    }
  });

  it('our legacy encoder and kafkajs agree byte for byte on uncompressed magic 1 sets', () => {
    const kjs = kjsMessageSet({
      messageVersion: 1,
      compression: 0,
      entries: [{ key: Buffer.from('k'), value: Buffer.from('v'), timestamp: T0 }],
    }).buffer;
    const ours = encodeLegacyMessageSet([{ offset: -1n, key: Buffer.from('k'), value: Buffer.from('v'), timestamp: BigInt(T0) }], {
      magic: 1,
    });
    expect(ours.equals(kjs)).toBe(true);
  });
});
