import { codecUnavailableReason, compress, decompress } from '../../../codecs/records/compression';
import { Compression } from '../../../codecs/records/batch-header';
import { decodeRecordBatch, encodeRecordBatch } from '../../../codecs/records/record-batch';
import { RecordErrorCode, RecordFormatError } from '../../../codecs/records/record-errors';
import { CodecUnavailableError } from '../../../codecs/records/optional-codecs';

const CODECS: Array<[string, Compression]> = [
  ['gzip', Compression.Gzip],
  ['snappy', Compression.Snappy],
  ['lz4', Compression.Lz4],
  ['zstd', Compression.Zstd],
];

function samples(): Buffer[] {
  const repetitive = Buffer.from('kafka '.repeat(50_000));
  const random = Buffer.alloc(200_000);
  let seed = 12345;
  for (let i = 0; i < random.length; i++) {
    seed = (seed * 1103515245 + 12345) & 0x7fffffff;
    random[i] = seed >>> 16;
  }
  return [Buffer.alloc(0), Buffer.from('x'), Buffer.from('hello hello hello hello'), repetitive, random];
}

describe.each(CODECS)('%s codec', (name, codec) => {
  const missing = codecUnavailableReason(codec);
  const maybe = missing === null ? it : it.skip;
  if (missing !== null) {
    it(`is skipped: ${missing}`, () => {
      expect(() => decompress(codec, Buffer.from('x'))).toThrow(/unavailable: install/);
    });
  }

  maybe('round-trips buffers of several sizes and shapes', () => {
    for (const data of samples()) {
      const restored = decompress(codec, compress(codec, data));
      expect(restored.length).toBe(data.length);
      expect(restored.equals(data)).toBe(true);
    }
  });

  maybe('writes repetitive data in a tenth of its size or less (no stored-only frames)', () => {
    const repetitive = Buffer.from('kafka '.repeat(50_000));
    expect(compress(codec, repetitive).length).toBeLessThan(repetitive.length / 10);
  });

  maybe('round-trips a compressed record batch', () => {
    const records = Array.from({ length: 500 }, (_, i) => ({
      key: i % 3 === 0 ? null : Buffer.from(`k${i}`),
      value: Buffer.from(`value number ${i} `.repeat(i % 7)),
      headers: [{ key: 'n', value: Buffer.from(String(i)) }],
      timestamp: 1_700_000_000_000n + BigInt(i),
    }));
    const buf = encodeRecordBatch({ baseOffset: 10n, compression: codec, records });
    const batch = decodeRecordBatch(buf);
    expect(batch.compression).toBe(codec);
    const summary = (offset: bigint, ts: bigint, key: Buffer | null, value: Buffer | null, h: string): string =>
      `${offset}|${ts}|${key?.toString('hex')}|${value?.toString('hex')}|${h}`;
    const headerText = (hs: Array<{ key: string; value: Buffer | null }>): string => hs.map((x) => `${x.key}=${x.value?.toString()}`).join(',');
    expect(batch.records.map((r) => summary(r.offset, r.timestamp, r.key, r.value, headerText(r.headers)))).toEqual(
      records.map((r, i) => summary(10n + BigInt(i), r.timestamp, r.key, r.value, headerText(r.headers))),
    );
  });

  maybe('stops at the output limit instead of allocating what the data announces', () => {
    const zeros = Buffer.alloc(1_000_000);
    const packed = compress(codec, zeros);
    expect(decompress(codec, packed, zeros.length).length).toBe(zeros.length);
    let code: number | undefined;
    try {
      decompress(codec, packed, 100_000);
    } catch (err) {
      if (err instanceof RecordFormatError) code = err.code;
    }
    expect(code).toBe(RecordErrorCode.CORRUPT_MESSAGE);
  });

  maybe('reports garbage input as corruption', () => {
    let code: number | undefined;
    try {
      decompress(codec, Buffer.from('definitely not compressed data at all'));
    } catch (err) {
      if (err instanceof RecordFormatError) code = err.code;
    }
    expect(code).toBe(RecordErrorCode.CORRUPT_MESSAGE);
    void name;
  });
});

describe('compression framing details', () => {
  const snappyMissing = codecUnavailableReason(Compression.Snappy);
  (snappyMissing === null ? it : it.skip)('snappy writes the xerial header and still reads raw snappy', () => {
    const data = Buffer.from('abcabcabcabcabc'.repeat(5000));
    const framed = compress(Compression.Snappy, data);
    expect(framed.subarray(0, 8)).toEqual(Buffer.from([0x82, 0x53, 0x4e, 0x41, 0x50, 0x50, 0x59, 0x00]));
    expect(framed.readInt32BE(8)).toBe(1);
    // A raw snappy block is what follows the first chunk length; decode a single-chunk payload raw.
    const small = Buffer.from('raw snappy payload raw snappy payload');
    const smallFramed = compress(Compression.Snappy, small);
    const raw = smallFramed.subarray(20, 20 + smallFramed.readInt32BE(16));
    expect(decompress(Compression.Snappy, raw)).toEqual(small);
  });

  const lz4Missing = codecUnavailableReason(Compression.Lz4);
  (lz4Missing === null ? it : it.skip)('lz4 writes an LZ4 frame with independent 64 KiB blocks', () => {
    const framed = compress(Compression.Lz4, Buffer.alloc(200_000, 7));
    expect(framed.readUInt32LE(0)).toBe(0x184d2204);
    expect(framed[4]).toBe(0x60);
    expect(framed[5]).toBe(0x40);
    expect(framed.readUInt32LE(framed.length - 4)).toBe(0);
  });

  it('names the package to install when a codec part is missing, the encoders included', () => {
    expect(new CodecUnavailableError('zstdEncoder', 'not found').message).toBe('codec zstd unavailable: install @toondepauw/node-zstd (not found)');
    expect(new CodecUnavailableError('lz4Encoder', 'not found').message).toBe('codec lz4 unavailable: install lz4-napi (not found)');
    expect(new CodecUnavailableError('zstd', 'not found').code).toBe(RecordErrorCode.UNSUPPORTED_COMPRESSION_TYPE);
  });

  it('gzip needs no optional package', () => {
    expect(codecUnavailableReason(Compression.Gzip)).toBeNull();
    expect(codecUnavailableReason(Compression.None)).toBeNull();
  });

  it('rejects unknown codec ids', () => {
    expect(() => compress(5 as Compression, Buffer.from('x'))).toThrow(RecordFormatError);
  });
});
