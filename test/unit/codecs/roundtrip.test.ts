import { Reader } from '../../../codecs/primitives/reader';
import { Writer } from '../../../codecs/primitives/writer';
import { allCodecs, allMessageDefs, AnyCodec, codecByName, expectContains, messageSample, Variant } from './spec-fixtures';

function encode(codec: AnyCodec, value: unknown, version: number): Buffer {
  const w = new Writer();
  codec.encode(value as never, w, version);
  return w.toBuffer();
}

function versions(codec: AnyCodec): number[] {
  const out: number[] = [];
  for (let v = codec.minVersion; v <= codec.maxVersion; v++) out.push(v);
  return out;
}

describe('every generated codec round-trips its defaults at every version', () => {
  const codecs = allCodecs();
  test('the index exposes all codecs', () => {
    expect(codecs.length).toBeGreaterThan(200);
  });
  test.each(codecs.map((c) => [c.name, c] as const))('%s', (_name, codec) => {
    for (const v of versions(codec)) {
      const first = encode(codec, {}, v);
      const reader = new Reader(first);
      const decoded = codec.decode(reader, v);
      expect(reader.offset).toBe(first.length);
      const second = encode(codec, decoded, v);
      expect(second.equals(first)).toBe(true);
    }
  });
});

describe('every message round-trips sample values at every version', () => {
  const defs = allMessageDefs();
  const variants: Variant[] = ['values', 'nulls', 'chunks'];
  test.each(defs.map((d) => [d.name, d] as const))('%s', (_name, def) => {
    const codec = codecByName(def.name);
    for (const v of versions(codec)) {
      for (const variant of variants) {
        const sample = messageSample(def, v, variant);
        const first = encode(codec, sample, v);
        const reader = new Reader(first);
        const decoded = codec.decode(reader, v);
        expect(reader.offset).toBe(first.length);
        try {
          expectContains(decoded, sample);
        } catch (e) {
          throw new Error(`${def.name} v${v} ${variant}: ${(e as Error).message}`, { cause: e });
        }
        expect(encode(codec, decoded, v).equals(first)).toBe(true);
      }
    }
  });
});
