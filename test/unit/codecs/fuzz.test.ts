// Hostile input for every generated codec at every version: valid sample messages (built by spec-fixtures from the
// generator's own model) are damaged by seeded random mutations and decoded. A decode must either succeed or throw
// ProtocolDecodeError; it must finish promptly and never ask for a Buffer larger than its input.
// Replay a failure with FUZZ_SEED=<seed printed in the failure> npx jest dist/test/unit/codecs/fuzz.test.js
import { ProtocolDecodeError, Reader } from '../../../codecs/primitives/reader';
import { Writer } from '../../../codecs/primitives/writer';
import { decodeRequestHeader, encodeRequestHeader } from '../../../codecs/protocol/headers';
import { fuzzSeed, mutate, mutateOnce, Prng } from '../../helpers/fuzz';
import { decodeHostile, HostileRules, Outcome } from './hostile-input';
import { allMessageDefs, AnyCodec, codecByName, messageSample, Variant } from './spec-fixtures';

const SEED = fuzzSeed(0x5eed_c0de);
/** Mutations per (message, version); with ~700 pairs plus the truncation sweep this gives ~40,000 cases. */
const MUTATIONS_PER_VERSION = 30;
/** A decode of a few hundred bytes takes microseconds; a second means a hang. */
const RULES: HostileRules = { rejection: ProtocolDecodeError, seed: SEED, maxMsPerCase: 1000 };

function encode(codec: AnyCodec, value: unknown, version: number): Buffer {
  const w = new Writer();
  codec.encode(value as never, w, version);
  return w.toBuffer();
}

/** A codec decode may never allocate more than its input: every Buffer it returns is a view of that input. */
function decodeCodecHostile(what: string, bytes: Buffer, decode: (r: Reader) => unknown, outcome: Outcome): void {
  decodeHostile(what, bytes, bytes.length, () => decode(new Reader(bytes)), RULES, outcome);
}

describe('every codec at every version survives mutated input', () => {
  const defs = allMessageDefs();
  const variants: Variant[] = ['values', 'nulls', 'chunks'];
  const total: Outcome = { decoded: 0, rejected: 0 };

  test.each(defs.map((d, i) => [d.name, d, i] as const))('%s', (_name, def, index) => {
    const codec = codecByName(def.name);
    // One stream per message keeps a case reproducible even when jest runs a single test.
    const rng = new Prng((SEED ^ Math.imul(index + 1, 0x9e3779b1)) >>> 0);
    for (let v = codec.minVersion; v <= codec.maxVersion; v++) {
      const samples = variants.map((variant) => encode(codec, messageSample(def, v, variant), v));
      samples.push(encode(codec, {}, v));
      for (let i = 0; i < MUTATIONS_PER_VERSION; i++) {
        const { bytes, steps } = mutate(rng.pick(samples), rng);
        decodeCodecHostile(`${def.name} v${v} ${steps.join('+')}`, bytes, (r) => codec.decode(r, v), total);
      }
      // Every truncation point of one sample: each prefix is a frame that ends in the middle of some field.
      const full = samples[0];
      for (let cut = 0; cut < full.length; cut += Math.max(1, Math.floor(full.length / 24))) {
        decodeCodecHostile(`${def.name} v${v} cut@${cut}`, full.subarray(0, cut), (r) => codec.decode(r, v), total);
      }
    }
  });

  afterAll(() => {
    // Sanity on the mutators themselves: a fuzz run where nothing decodes or nothing fails tests nothing.
    if (defs.length > 0) {
      expect(total.decoded).toBeGreaterThan(1000);
      expect(total.rejected).toBeGreaterThan(1000);
      expect(total.decoded + total.rejected).toBeGreaterThan(20000);
    }
  });
});

describe('request headers survive mutated frames', () => {
  test('ApiVersions, Metadata, Produce and Fetch headers at flexible and classic versions', () => {
    const rng = new Prng(SEED ^ 0x1234567);
    const outcome: Outcome = { decoded: 0, rejected: 0 };
    const headers = [
      { apiKey: 18, apiVersion: 0 },
      { apiKey: 18, apiVersion: 3 },
      { apiKey: 3, apiVersion: 1 },
      { apiKey: 3, apiVersion: 12 },
      { apiKey: 0, apiVersion: 9 },
      { apiKey: 1, apiVersion: 4 },
      { apiKey: 999, apiVersion: 7 },
    ];
    for (const h of headers) {
      const w = new Writer();
      encodeRequestHeader(w, { ...h, correlationId: 42, clientId: 'fuzz-client' });
      w.writeInt32(7);
      const frame = w.toBuffer();
      for (let i = 0; i < 400; i++) {
        const { bytes, steps } = mutate(frame, rng);
        decodeCodecHostile(`header ${h.apiKey}v${h.apiVersion} ${steps.join('+')}`, bytes, decodeRequestHeader, outcome);
      }
    }
    expect(outcome.decoded).toBeGreaterThan(0);
    expect(outcome.rejected).toBeGreaterThan(0);
  });
});

describe('the reader refuses lengths before allocating', () => {
  const decodeWith = (bytes: number[], read: (r: Reader) => unknown): unknown => read(new Reader(Buffer.from(bytes)));

  test('compact strings, bytes and arrays with inflated varint lengths', () => {
    const huge = [0xff, 0xff, 0xff, 0xff, 0x0f, 0x41, 0x41];
    expect(() => decodeWith(huge, (r) => r.readCompactString())).toThrow(ProtocolDecodeError);
    expect(() => decodeWith(huge, (r) => r.readCompactBytes())).toThrow(ProtocolDecodeError);
    expect(() => decodeWith(huge, (r) => r.readCompactArrayLength())).toThrow(ProtocolDecodeError);
  });

  test('classic strings, bytes and arrays with inflated or negative lengths', () => {
    expect(() => decodeWith([0x7f, 0xff, 0x41], (r) => r.readString())).toThrow(ProtocolDecodeError);
    expect(() => decodeWith([0xff, 0xfe, 0x41], (r) => r.readNullableString())).toThrow(ProtocolDecodeError);
    expect(() => decodeWith([0x7f, 0xff, 0xff, 0xff, 0x41], (r) => r.readBytes())).toThrow(ProtocolDecodeError);
    expect(() => decodeWith([0x80, 0, 0, 0, 0x41], (r) => r.readNullableBytes())).toThrow(ProtocolDecodeError);
    expect(() => decodeWith([0x7f, 0xff, 0xff, 0xff], (r) => r.readArrayLength())).toThrow(ProtocolDecodeError);
    expect(() => decodeWith([0xff, 0xff, 0xff, 0xfe], (r) => r.readArrayLength())).toThrow(ProtocolDecodeError);
  });

  test('varints that never end and tagged fields larger than the frame', () => {
    expect(() => decodeWith([0x80, 0x80, 0x80, 0x80, 0x80, 0x01], (r) => r.readUnsignedVarint())).toThrow(ProtocolDecodeError);
    expect(() => decodeWith([0xff, 0xff], (r) => r.readVarlong())).toThrow(ProtocolDecodeError);
    expect(() => decodeWith([0x01, 0x00, 0xff, 0xff, 0xff, 0xff, 0x0f], (r) => r.readTaggedFields())).toThrow(ProtocolDecodeError);
    // A tag count of 2^32-1 with nothing behind it must fail on the first missing tag, not loop.
    expect(() => decodeWith([0xff, 0xff, 0xff, 0xff, 0x0f], (r) => r.readTaggedFields())).toThrow(ProtocolDecodeError);
  });

  test('a mutation never changes the input buffer', () => {
    const rng = new Prng(SEED);
    const original = Buffer.from('00010203040506070809', 'hex');
    const copy = Buffer.from(original);
    for (let i = 0; i < 200; i++) mutateOnce(original, rng.pick(['bit-flip', 'boundary-byte', 'inflate-int32'] as const), rng);
    expect(original.equals(copy)).toBe(true);
  });
});
