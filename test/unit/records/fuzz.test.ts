// Hostile input for the record formats: valid v2 batches (every codec, control batches), legacy message sets and
// compressed payloads are damaged by seeded random mutations. Every reader must return or throw RecordFormatError,
// finish promptly and keep its allocations within the input (or, when decompressing, within the output limit).
// Mutated v2 batches and legacy entries also get their CRC recomputed, so the damage reaches the record parsers
// instead of stopping at the checksum. Replay with FUZZ_SEED=<seed> npx jest dist/test/unit/records/fuzz.test.js
import { BATCH_HEADER, batchSize, Compression, updateBatchCrc } from '../../../codecs/records/batch-header';
import { scanFetchedRecords, scanProducedRecords } from '../../../codecs/records/batch-iterator';
import { compress, decompress } from '../../../codecs/records/compression';
import { decodeTransactionMarkerBatch, encodeTransactionMarkerBatch } from '../../../codecs/records/control-batch';
import { crc32 } from '../../../codecs/records/crc';
import { encodeLegacyMessageSet, LegacyMagic, readLegacyMessageSet, recordBatchesToLegacyMessageSet } from '../../../codecs/records/legacy-message-set';
import { validateProducedRecords } from '../../../codecs/records/produce-validation';
import { decodeRecordBatch, decodeRecordBatches, encodeRecordBatch, RecordInput } from '../../../codecs/records/record-batch';
import { RecordFormatError } from '../../../codecs/records/record-errors';
import { decompressZstd } from '../../../codecs/records/zstd-frame';
import { fuzzSeed, mutate, Prng } from '../../helpers/fuzz';
import { decodeHostile, HostileRules, Outcome } from '../codecs/hostile-input';
import { interopSample, ZSTD_CLI_LEVEL19_B64, LZ4_CLI_LINKED_BLOCKS_B64 } from './fixtures/compressed-frames';

const SEED = fuzzSeed(0x7ec0_4d5);
/** Output ceiling handed to every decompressing reader in this file. */
const LIMIT = 1 << 20;
const RULES: HostileRules = { rejection: RecordFormatError, seed: SEED, maxMsPerCase: 2000 };
const CODECS = [Compression.None, Compression.Gzip, Compression.Snappy, Compression.Lz4, Compression.Zstd] as const;

/** Runs `read` on `input`; fails the test on any exception but RecordFormatError, a hang or an oversized allocation. */
function hostile(what: string, input: Buffer, allowedAlloc: number, read: () => unknown, tally: Outcome): void {
  decodeHostile(what, input, allowedAlloc, read, RULES, tally);
}

function sampleRecords(rng: Prng, count: number): RecordInput[] {
  return Array.from({ length: count }, (_, i) => ({
    key: i % 3 === 0 ? null : Buffer.from(`key-${i}`),
    value: i % 5 === 4 ? null : rng.bytes(rng.int(40)),
    headers:
      i % 2 === 0
        ? [
            { key: `h${i}`, value: Buffer.from('v') },
            { key: 'n', value: null },
          ]
        : [],
    timestamp: 1_700_000_000_000n + BigInt(i * 13),
  }));
}

function sampleBatches(rng: Prng): Buffer[] {
  const batches = CODECS.map((compression) =>
    encodeRecordBatch({ compression, producerId: 7n, producerEpoch: 1, baseSequence: 0, records: sampleRecords(rng, 6) }),
  );
  batches.push(encodeTransactionMarkerBatch({ type: 'COMMIT', producerId: 9n, producerEpoch: 2, coordinatorEpoch: 3 }));
  batches.push(encodeRecordBatch({ records: [{ value: Buffer.from('single') }] }));
  return batches;
}

function sampleLegacySets(rng: Prng): Buffer[] {
  const sets: Buffer[] = [];
  for (const magic of [0, 1] as LegacyMagic[]) {
    for (const compression of [Compression.None, Compression.Gzip, Compression.Snappy, Compression.Lz4]) {
      const messages = sampleRecords(rng, 4).map((r, i) => ({
        offset: BigInt(i),
        key: r.key ?? null,
        value: r.value,
        timestamp: r.timestamp,
      }));
      sets.push(encodeLegacyMessageSet(messages, { magic, compression }));
    }
  }
  return sets;
}

/** Recomputes the CRC of the v2 batch at the start of `buf` when its length field still fits the buffer. */
function withFixedBatchCrc(buf: Buffer): Buffer | null {
  if (buf.length < BATCH_HEADER.size) return null;
  const size = batchSize(buf);
  if (size < BATCH_HEADER.size || size > buf.length) return null;
  const out = Buffer.from(buf);
  updateBatchCrc(out);
  return out;
}

/** Recomputes the CRC-32 of the legacy entry at the start of `buf` when its size field fits the buffer. */
function withFixedLegacyCrc(buf: Buffer): Buffer | null {
  if (buf.length < 17) return null;
  const end = 12 + buf.readInt32BE(8);
  if (end < 17 || end > buf.length) return null;
  const out = Buffer.from(buf);
  out.writeUInt32BE(crc32(out.subarray(16, end)), 12);
  return out;
}

const PRODUCE_VERSIONS = [0, 2, 3, 7, 9, 13];

function readAllWays(label: string, input: Buffer, rng: Prng, tally: Outcome): void {
  // Plain record walks copy at most the input; conversions and decompression are bounded by LIMIT.
  const plain = input.length;
  const inflating = Math.max(LIMIT, input.length) + 64 * 1024;
  const options = { maxDecompressedBytes: LIMIT };
  hostile(`${label} scanFetched`, input, plain, () => scanFetchedRecords(input), tally);
  hostile(`${label} scanProduced`, input, plain, () => scanProducedRecords(input), tally);
  hostile(`${label} decodeBatch`, input, inflating, () => decodeRecordBatch(input, options), tally);
  hostile(`${label} decodeBatch nocrc`, input, inflating, () => decodeRecordBatch(input, { ...options, verifyCrc: false }), tally);
  hostile(`${label} decodeBatches`, input, inflating, () => decodeRecordBatches(input, { ...options, verifyCrc: false }), tally);
  hostile(`${label} marker`, input, inflating, () => decodeTransactionMarkerBatch(input), tally);
  hostile(`${label} legacy`, input, inflating, () => readLegacyMessageSet(input), tally);
  hostile(`${label} legacy tail`, input, inflating, () => readLegacyMessageSet(input, { allowTruncatedTail: true }), tally);
  const apiVersion = rng.pick(PRODUCE_VERSIONS);
  hostile(
    `${label} validate v${apiVersion}`,
    input,
    inflating,
    () =>
      validateProducedRecords(input, {
        apiVersion,
        maxMessageBytes: 1 << 20,
        timestampType: rng.int(2) === 0 ? 'CreateTime' : 'LogAppendTime',
        nowMs: 1_700_000_000_000n,
        timestampBeforeMaxMs: rng.int(2) === 0 ? undefined : 3_600_000,
        compacted: rng.int(2) === 0,
      }),
    tally,
  );
}

/**
 * Mutates `rounds` picks from `inputs` and reads each result every way; when `fixCrc` can repair the checksum, the
 * repaired copy is read too, so the damage reaches the parsers behind the CRC check.
 */
function mutateAndReadAllWays(
  label: string,
  inputs: readonly Buffer[],
  rounds: number,
  fixCrc: (bytes: Buffer) => Buffer | null,
  rng: Prng,
  tally: Outcome,
): void {
  for (let i = 0; i < rounds; i++) {
    const { bytes, steps } = mutate(rng.pick(inputs), rng);
    readAllWays(`${label} ${steps.join('+')}`, bytes, rng, tally);
    const fixed = fixCrc(bytes);
    if (fixed) readAllWays(`${label} crc-fixed ${steps.join('+')}`, fixed, rng, tally);
  }
}

describe('record readers survive mutated input', () => {
  const tally: Outcome = { decoded: 0, rejected: 0 };

  test('v2 batches of every codec, control batches and multi-batch data', () => {
    const rng = new Prng(SEED);
    const batches = sampleBatches(rng);
    const inputs = [...batches, Buffer.concat(batches.slice(0, 3))];
    mutateAndReadAllWays('v2', inputs, 1500, withFixedBatchCrc, rng, tally);
  });

  test('legacy message sets (magic 0 and 1, plain and compressed)', () => {
    const rng = new Prng(SEED ^ 0x1e6ac7);
    const sets = sampleLegacySets(rng);
    mutateAndReadAllWays('legacy', sets, 1200, withFixedLegacyCrc, rng, tally);
  });

  test('down-conversion of mutated fetch data', () => {
    const rng = new Prng(SEED ^ 0xd0c0);
    const data = Buffer.concat(sampleBatches(rng).slice(0, 4));
    for (let i = 0; i < 300; i++) {
      const { bytes, steps } = mutate(data, rng);
      const input = withFixedBatchCrc(bytes) ?? bytes;
      const magic = rng.pick([0, 1] as LegacyMagic[]);
      // The default output ceiling applies inside; the samples decompress to a few hundred bytes.
      hostile(`downconvert ${steps.join('+')}`, input, 1 << 20, () => recordBatchesToLegacyMessageSet(input, { magic }), tally);
    }
  });

  test('compressed payloads of every codec, including frames written by the reference tools', () => {
    const rng = new Prng(SEED ^ 0xc0de);
    const plain = Buffer.concat(sampleRecords(rng, 20).map((r) => r.value ?? Buffer.alloc(0)));
    const payloads: Array<[Compression, Buffer]> = [
      [Compression.Gzip, compress(Compression.Gzip, plain)],
      [Compression.Snappy, compress(Compression.Snappy, plain)],
      [Compression.Lz4, compress(Compression.Lz4, plain)],
      [Compression.Zstd, compress(Compression.Zstd, plain)],
      [Compression.Zstd, Buffer.from(ZSTD_CLI_LEVEL19_B64, 'base64')],
      [Compression.Lz4, Buffer.from(LZ4_CLI_LINKED_BLOCKS_B64, 'base64')],
    ];
    // Sanity: the unmutated payloads decode within the limit.
    expect(decompress(Compression.Zstd, payloads[4][1], LIMIT).equals(interopSample())).toBe(true);
    for (let i = 0; i < 2500; i++) {
      const [codec, payload] = rng.pick(payloads);
      const { bytes, steps } = mutate(payload, rng);
      const allowed = LIMIT + 64 * 1024;
      hostile(`codec ${codec} ${steps.join('+')}`, bytes, allowed, () => decompress(codec, bytes, LIMIT), tally);
    }
  });

  afterAll(() => {
    expect(tally.decoded).toBeGreaterThan(500);
    expect(tally.rejected).toBeGreaterThan(10000);
  });
});

describe('zstd frames cannot claim memory through their headers', () => {
  const frame = (descriptor: number, rest: number[]): Buffer => Buffer.from([0x28, 0xb5, 0x2f, 0xfd, descriptor, ...rest]);

  test('a window of almost 2 GiB is refused before the decoder allocates it', () => {
    // exponent 20, mantissa 7: 1 GiB + 7/8 GiB; the decoder library would allocate it all at once.
    const hostileFrame = frame(0x00, [(20 << 3) | 7, 0x01, 0x00, 0x00, 0x41]);
    expect(() => decompressZstd(hostileFrame, LIMIT)).toThrow(RecordFormatError);
    expect(() => decompressZstd(hostileFrame, LIMIT)).toThrow(/window of 2013265920 bytes/);
  });

  test('a declared content size above the limit is refused, in a later frame too', () => {
    const good = compress(Compression.Zstd, Buffer.from('hello'));
    const huge = frame(0x80, [0x00, 0x00, 0x00, 0x40, 0x01, 0x00, 0x00]); // content size 2^30, 4-byte field
    expect(() => decompressZstd(Buffer.concat([good, huge]), LIMIT)).toThrow(/declares/);
  });

  test('legal frames, including ones from the reference encoder and skippable frames, still decode', () => {
    const skippable = Buffer.from([0x50, 0x2a, 0x4d, 0x18, 0x02, 0x00, 0x00, 0x00, 0xaa, 0xbb]);
    const stored = compress(Compression.Zstd, Buffer.from('payload'));
    expect(decompressZstd(Buffer.concat([skippable, stored]), LIMIT).toString()).toBe('payload');
    expect(decompressZstd(Buffer.from(ZSTD_CLI_LEVEL19_B64, 'base64'), LIMIT).equals(interopSample())).toBe(true);
  });
});
