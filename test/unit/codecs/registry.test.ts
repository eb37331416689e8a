// The API registry and the types the generator emits, reached through the generated index as handlers reach them.
import * as generated from '../../../codecs/generated';
import { Reader } from '../../../codecs/primitives/reader';
import { Writer } from '../../../codecs/primitives/writer';

const { API_REGISTRY, OffsetCommitKeyCodec, ProduceRequestCodec } = generated;

describe('API_REGISTRY', () => {
  test('Produce is widened to the 3.9 versions and dispatchable untyped', () => {
    const produce = API_REGISTRY.get(0);
    expect(produce).toMatchObject({ apiKey: 0, name: 'Produce', minVersion: 0, maxVersion: 13, flexibleMinVersion: 9 });
    expect(produce?.listeners).toEqual(['broker']);
    const w = new Writer();
    ProduceRequestCodec.encode({ acks: 1, timeoutMs: 5 }, w, 7);
    const decoded = API_REGISTRY.get(0)!.request.decode(new Reader(w.toBuffer()), 7);
    expect(decoded).toMatchObject({ acks: 1, timeoutMs: 5 });
  });
  test('version ranges, flags and listeners come from the specs', () => {
    expect(API_REGISTRY.get(18)).toMatchObject({ name: 'ApiVersions', minVersion: 0, maxVersion: 4, flexibleMinVersion: 3 });
    expect(API_REGISTRY.get(18)?.listeners).toEqual(expect.arrayContaining(['broker', 'controller']));
    expect(API_REGISTRY.get(22)?.latestVersionUnstable).toBe(true);
    expect(API_REGISTRY.get(0)?.latestVersionUnstable).toBe(false);
    expect(API_REGISTRY.get(17)?.flexibleMinVersion).toBeNull();
    expect(API_REGISTRY.get(1)?.minVersion).toBe(0);
    expect(API_REGISTRY.get(74)?.name).toBe('ListConfigResources');
  });
  test('removed APIs are absent and share-group early-access v0 is not widened', () => {
    for (const key of [4, 5, 6, 7]) expect(API_REGISTRY.has(key)).toBe(false);
    for (const key of [76, 77, 78, 79]) expect(API_REGISTRY.get(key)?.minVersion).toBe(1);
  });
  test('request and response codecs agree on version ranges', () => {
    for (const spec of API_REGISTRY.values()) {
      expect([spec.request.minVersion, spec.request.maxVersion]).toEqual([spec.minVersion, spec.maxVersion]);
      expect([spec.response.minVersion, spec.response.maxVersion]).toEqual([spec.minVersion, spec.maxVersion]);
      expect(spec.request.kind).toBe('request');
      expect(spec.response.kind).toBe('response');
    }
  });
  test('coordinator records carry their record type as apiKey', () => {
    expect(OffsetCommitKeyCodec).toMatchObject({ apiKey: 1, kind: 'coordinator-key', minVersion: 0, maxVersion: 0 });
  });
});

describe('type contract', () => {
  test('decoded values are assignable to their Init types', () => {
    // These assignments are the check: they fail to compile if the generated types drift apart.
    const assignProduce = (x: generated.ProduceRequest): generated.ProduceRequestInit => x;
    const assignFetch = (x: generated.FetchResponse): generated.FetchResponseInit => x;
    const assignMember = (x: generated.ConsumerGroupMemberMetadataValue): generated.ConsumerGroupMemberMetadataValueInit => x;
    const decoded = ProduceRequestCodec.decode(new Reader(encodeEmpty()), 9);
    expect(assignProduce(decoded)).toBe(decoded);
    expect(typeof assignFetch).toBe('function');
    expect(typeof assignMember).toBe('function');
  });
});

function encodeEmpty(): Buffer {
  const w = new Writer();
  ProduceRequestCodec.encode({}, w, 9);
  return w.toBuffer();
}
