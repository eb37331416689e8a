// Byte-exact checks against encodings worked out by hand from the wire rules in SOURCE.md.

import {
  ApiVersionsRequestCodec,
  ApiVersionsResponseCodec,
  DescribeTopicPartitionsRequestCodec,
  FetchRequestCodec,
  MetadataRequestCodec,
  ProduceRequestCodec,
  RequestHeaderCodec,
} from '../../../codecs/generated';
import { UnsupportedVersionError } from '../../../codecs/primitives/message-codec';
import { ProtocolDecodeError, Reader } from '../../../codecs/primitives/reader';
import { ProtocolEncodeError, Writer } from '../../../codecs/primitives/writer';

function encodeHex(fn: (w: Writer) => void): string {
  const w = new Writer();
  fn(w);
  return w.toBuffer().toString('hex');
}

describe('golden encodings', () => {
  test('ApiVersions v3 request with header v2', () => {
    const bytes = encodeHex((w) => {
      RequestHeaderCodec.encode({ requestApiKey: 18, requestApiVersion: 3, correlationId: 1, clientId: 'ab' }, w, 2);
      ApiVersionsRequestCodec.encode({ clientSoftwareName: 'eddy', clientSoftwareVersion: '1.0' }, w, 3);
    });
    const header = '0012' + '0003' + '00000001' + '0002' + '6162' + '00';
    const body = '05' + '65646479' + '04' + '312e30' + '00';
    expect(bytes).toBe(header + body);
    const r = new Reader(Buffer.from(body, 'hex'));
    expect(ApiVersionsRequestCodec.decode(r, 3)).toEqual({ clientSoftwareName: 'eddy', clientSoftwareVersion: '1.0' });
  });

  test('Metadata v1 request: nullable topic array', () => {
    expect(encodeHex((w) => MetadataRequestCodec.encode({ topics: [{ name: 't' }] }, w, 1))).toBe('00000001' + '0001' + '74');
    expect(encodeHex((w) => MetadataRequestCodec.encode({ topics: null }, w, 1))).toBe('ffffffff');
    // v0 has no null marker: null there is an error, an empty list means "all topics"
    expect(() => MetadataRequestCodec.encode({ topics: null }, new Writer(), 0)).toThrow(ProtocolEncodeError);
    expect(MetadataRequestCodec.decode(new Reader(Buffer.from('ffffffff', 'hex')), 1).topics).toBeNull();
    expect(() => MetadataRequestCodec.decode(new Reader(Buffer.from('ffffffff', 'hex')), 0)).toThrow(ProtocolDecodeError);
  });

  test('Metadata v9 request: compact array, struct tagged sections', () => {
    const bytes = encodeHex((w) =>
      MetadataRequestCodec.encode({ topics: [{ name: 'ab' }], allowAutoTopicCreation: true, includeTopicAuthorizedOperations: false }, w, 9),
    );
    expect(bytes).toBe('02' + '03' + '6162' + '00' + '01' + '00' + '00' + '00');
  });

  test('Produce v3 header and body', () => {
    const records = Buffer.from([0xaa, 0xbb, 0xcc]);
    const bytes = encodeHex((w) => {
      RequestHeaderCodec.encode({ requestApiKey: 0, requestApiVersion: 3, correlationId: 7, clientId: null }, w, 1);
      ProduceRequestCodec.encode(
        { transactionalId: null, acks: -1, timeoutMs: 1000, topicData: [{ name: 't', partitionData: [{ index: 0, records }] }] },
        w,
        3,
      );
    });
    const header = '0000' + '0003' + '00000007' + 'ffff';
    const body = 'ffff' + 'ffff' + '000003e8' + '00000001' + '0001' + '74' + '00000001' + '00000000' + '00000003' + 'aabbcc';
    expect(bytes).toBe(header + body);
  });

  test('ApiVersions v3 response: tagged fields are written in tag order, only when non-default', () => {
    const bytes = encodeHex((w) =>
      ApiVersionsResponseCodec.encode(
        { errorCode: 0, apiKeys: [{ apiKey: 18, minVersion: 0, maxVersion: 4 }], throttleTimeMs: 0, zkMigrationReady: true, finalizedFeaturesEpoch: 5n },
        w,
        3,
      ),
    );
    const apiKeys = '02' + '0012' + '0000' + '0004' + '00';
    const tags = '02' + '01' + '08' + '0000000000000005' + '03' + '01' + '01';
    expect(bytes).toBe('0000' + apiKeys + '00000000' + tags);
    const decoded = ApiVersionsResponseCodec.decode(new Reader(Buffer.from(bytes, 'hex')), 3);
    expect(decoded.finalizedFeaturesEpoch).toBe(5n);
    expect(decoded.zkMigrationReady).toBe(true);
    expect(decoded.supportedFeatures).toEqual([]);
    // defaults produce an empty tagged section
    expect(encodeHex((w) => ApiVersionsResponseCodec.encode({}, w, 3))).toBe('0000' + '01' + '00000000' + '00');
  });

  test('nullable struct: INT8 marker', () => {
    const base = { topics: [], responsePartitionLimit: 10 };
    expect(encodeHex((w) => DescribeTopicPartitionsRequestCodec.encode({ ...base, cursor: null }, w, 0))).toBe('01' + '0000000a' + 'ff' + '00');
    const withCursor = encodeHex((w) => DescribeTopicPartitionsRequestCodec.encode({ ...base, cursor: { topicName: 'a', partitionIndex: 2 } }, w, 0));
    expect(withCursor).toBe('01' + '0000000a' + '01' + '0261' + '00000002' + '00' + '00');
    const decoded = DescribeTopicPartitionsRequestCodec.decode(new Reader(Buffer.from(withCursor, 'hex')), 0);
    expect(decoded.cursor).toEqual({ topicName: 'a', partitionIndex: 2 });
  });
});

describe('version semantics', () => {
  test('versions outside the range are rejected', () => {
    expect(() => ProduceRequestCodec.encode({}, new Writer(), 14)).toThrow(UnsupportedVersionError);
    expect(() => ProduceRequestCodec.decode(new Reader(Buffer.alloc(64)), -1)).toThrow(UnsupportedVersionError);
  });
  test('widened versions from the 3.9 spec are available', () => {
    expect(ProduceRequestCodec.minVersion).toBe(0);
    expect(FetchRequestCodec.minVersion).toBe(0);
    expect(RequestHeaderCodec.minVersion).toBe(0);
  });
  test('a non-default value for a non-ignorable field missing in the version throws', () => {
    expect(() => ProduceRequestCodec.encode({ transactionalId: 'tx' }, new Writer(), 2)).toThrow(UnsupportedVersionError);
    expect(() => ProduceRequestCodec.encode({ transactionalId: null }, new Writer(), 2)).not.toThrow();
    expect(() => MetadataRequestCodec.encode({ topics: [], allowAutoTopicCreation: false }, new Writer(), 3)).toThrow(UnsupportedVersionError);
    expect(() => MetadataRequestCodec.encode({ topics: [], allowAutoTopicCreation: true }, new Writer(), 3)).not.toThrow();
  });
  test('ignorable fields are dropped silently', () => {
    const with4 = encodeHex((w) => FetchRequestCodec.encode({ isolationLevel: 1, maxWaitMs: 5 }, w, 3));
    const without = encodeHex((w) => FetchRequestCodec.encode({ maxWaitMs: 5 }, w, 3));
    expect(with4).toBe(without);
  });
  test('absent fields decode to their defaults', () => {
    const bytes = Buffer.from(
      encodeHex((w) => FetchRequestCodec.encode({ maxWaitMs: 5 }, w, 3)),
      'hex',
    );
    const decoded = FetchRequestCodec.decode(new Reader(bytes), 3);
    expect(decoded.isolationLevel).toBe(0);
    expect(decoded.sessionEpoch).toBe(-1);
    expect(decoded.replicaId).toBe(-1);
    expect(decoded.clusterId).toBeNull();
    expect(decoded.maxWaitMs).toBe(5);
  });
  test('unknown tagged fields at top level and inside nested structs are kept, as Kafka keeps _unknownTaggedFields', () => {
    // Metadata v9 request with an unknown tag 9 inside the topic struct and tag 7 at the top level
    const hex = '02' + '03' + '6162' + '01' + '09' + '02' + 'beef' + '01' + '00' + '00' + '01' + '07' + '03' + '010203';
    const r = new Reader(Buffer.from(hex, 'hex'));
    const decoded = MetadataRequestCodec.decode(r, 9);
    expect(decoded.topics).toEqual([
      { name: 'ab', topicId: '00000000-0000-0000-0000-000000000000', unknownTaggedFields: [{ tag: 9, data: Buffer.from('beef', 'hex') }] },
    ]);
    expect(decoded.allowAutoTopicCreation).toBe(true);
    expect(decoded.unknownTaggedFields).toEqual([{ tag: 7, data: Buffer.from('010203', 'hex') }]);
    expect(r.remaining).toBe(0);
  });
  test('truncated message bodies throw ProtocolDecodeError', () => {
    const full = Buffer.from(
      encodeHex((w) => ProduceRequestCodec.encode({ acks: 1, topicData: [{ name: 'x', partitionData: [{ index: 1, records: Buffer.alloc(20) }] }] }, w, 9)),
      'hex',
    );
    for (let cut = 0; cut < full.length; cut++) {
      expect(() => ProduceRequestCodec.decode(new Reader(full.subarray(0, cut)), 9)).toThrow(ProtocolDecodeError);
    }
  });
  test('records given as several chunks are written uncopied with one length prefix', () => {
    const big = Buffer.alloc(4096, 1);
    const tail = Buffer.from([2, 3]);
    const w = new Writer();
    ProduceRequestCodec.encode({ topicData: [{ name: 'x', partitionData: [{ index: 0, records: [big, tail] }] }] }, w, 9);
    expect(w.toChunks()).toContain(big);
    const decoded = ProduceRequestCodec.decode(new Reader(w.toBuffer()), 9);
    expect(decoded.topicData[0].partitionData[0].records?.equals(Buffer.concat([big, tail]))).toBe(true);
  });
});
