// Cross-checks against kafkajs 2.2.4's own protocol encoders/decoders: what kafkajs writes we must read, and what
// we write kafkajs must read, field for field.

import {
  ApiVersionsResponseCodec,
  FetchRequestCodec,
  FetchResponseCodec,
  MetadataRequestCodec,
  MetadataResponseCodec,
  ProduceRequestCodec,
  ProduceResponseCodec,
} from '../../../codecs/generated';
import { decodeRequestHeader } from '../../../codecs/protocol/headers';
import { Reader } from '../../../codecs/primitives/reader';
import { Writer } from '../../../codecs/primitives/writer';
import { encodeRecordBatch } from '../../../codecs/records/record-batch';

interface KafkajsEncoder {
  buffer: Buffer;
}
interface KafkajsRequest {
  apiKey: number;
  apiVersion: number;
  encode(): Promise<KafkajsEncoder>;
}
type RequestFactory = (args: Record<string, unknown>) => KafkajsRequest;
type FrameFactory = (args: { correlationId: number; clientId: string; request: KafkajsRequest }) => Promise<KafkajsEncoder>;
interface ResponseModule {
  decode(raw: Buffer): Promise<Record<string, unknown>>;
}

function load<T>(modulePath: string): T {
  // kafkajs ships plain CommonJS without types; the shape is declared by the caller.
  return require(modulePath) as T;
}

const kjs = (p: string): string => `kafkajs/src/protocol/${p}`;

async function bodyOf(request: KafkajsRequest): Promise<Reader> {
  return new Reader((await request.encode()).buffer);
}

function encoded(fn: (w: Writer) => void): Buffer {
  const w = new Writer();
  fn(w);
  return w.toBuffer();
}

describe('kafkajs requests decode with our codecs', () => {
  test('full Produce v3 frame: size, header v1, body with a real record batch', async () => {
    const produce = load<RequestFactory>(kjs('requests/produce/v3/request'));
    const frame = load<FrameFactory>(kjs('request'));
    const request = produce({
      acks: -1,
      timeout: 30000,
      topicData: [{ topic: 'orders', partitions: [{ partition: 2, messages: [{ key: 'k', value: 'v', timestamp: 1000 }] }] }],
    });
    const bytes = (await frame({ correlationId: 11, clientId: 'kjs', request })).buffer;
    const r = new Reader(bytes);
    expect(r.readInt32()).toBe(bytes.length - 4);
    expect(decodeRequestHeader(r)).toEqual({ apiKey: 0, apiVersion: 3, correlationId: 11, clientId: 'kjs' });
    const body = ProduceRequestCodec.decode(r, 3);
    expect(r.remaining).toBe(0);
    expect(body.transactionalId).toBeNull();
    expect(body.acks).toBe(-1);
    expect(body.timeoutMs).toBe(30000);
    expect(body.topicData).toHaveLength(1);
    expect(body.topicData[0].name).toBe('orders');
    const partition = body.topicData[0].partitionData[0];
    expect(partition.index).toBe(2);
    const records = partition.records;
    expect(records).not.toBeNull();
    if (records === null) return;
    expect(records.readInt8(16)).toBe(2); // magic
    expect(records.readInt32BE(8) + 12).toBe(records.length); // batchLength covers the whole batch
  });

  test('Fetch v4 request', async () => {
    const fetch = load<RequestFactory>(kjs('requests/fetch/v4/request'));
    const request = fetch({
      replicaId: -1,
      maxWaitTime: 500,
      minBytes: 1,
      maxBytes: 1048576,
      isolationLevel: 1,
      topics: [{ topic: 'a', partitions: [{ partition: 0, fetchOffset: '123456789012', maxBytes: 65536 }] }],
    });
    const r = await bodyOf(request);
    const body = FetchRequestCodec.decode(r, 4);
    expect(r.remaining).toBe(0);
    expect(body).toMatchObject({ replicaId: -1, maxWaitMs: 500, minBytes: 1, maxBytes: 1048576, isolationLevel: 1 });
    expect(body.topics[0].topic).toBe('a');
    expect(body.topics[0].partitions[0]).toMatchObject({ partition: 0, fetchOffset: 123456789012n, partitionMaxBytes: 65536 });
  });

  test('Metadata v1 request, including the null "all topics" form', async () => {
    const metadata = load<RequestFactory>(kjs('requests/metadata/v1/request'));
    const some = MetadataRequestCodec.decode(await bodyOf(metadata({ topics: ['x', 'yy'] })), 1);
    expect(some.topics?.map((t) => t.name)).toEqual(['x', 'yy']);
    // kafkajs writes an empty topic list as the null array (-1), which Metadata v1 reads as "all topics"
    const all = MetadataRequestCodec.decode(await bodyOf(metadata({ topics: [] })), 1);
    expect(all.topics).toBeNull();
  });

  test('bytes we encode equal kafkajs bytes for the same Metadata v1 request', async () => {
    const metadata = load<RequestFactory>(kjs('requests/metadata/v1/request'));
    const theirs = (await metadata({ topics: ['x', 'yy'] }).encode()).buffer;
    const ours = encoded((w) => MetadataRequestCodec.encode({ topics: [{ name: 'x' }, { name: 'yy' }] }, w, 1));
    expect(ours.equals(theirs)).toBe(true);
  });
});

describe('our responses decode with kafkajs', () => {
  test('Metadata v1 response', async () => {
    const body = encoded((w) =>
      MetadataResponseCodec.encode(
        {
          brokers: [{ nodeId: 1, host: 'localhost', port: 9092, rack: null }],
          controllerId: 1,
          topics: [
            {
              errorCode: 0,
              name: 't',
              isInternal: false,
              partitions: [{ errorCode: 0, partitionIndex: 0, leaderId: 1, replicaNodes: [1], isrNodes: [1] }],
            },
          ],
        },
        w,
        1,
      ),
    );
    const decoded = await load<ResponseModule>(kjs('requests/metadata/v1/response')).decode(body);
    expect(decoded).toEqual({
      brokers: [{ nodeId: 1, host: 'localhost', port: 9092, rack: null }],
      controllerId: 1,
      topicMetadata: [
        {
          topicErrorCode: 0,
          topic: 't',
          isInternal: false,
          partitionMetadata: [{ partitionErrorCode: 0, partitionId: 0, leader: 1, replicas: [1], isr: [1] }],
        },
      ],
    });
  });

  test('Produce v3 response', async () => {
    const body = encoded((w) =>
      ProduceResponseCodec.encode(
        {
          responses: [{ name: 'orders', partitionResponses: [{ index: 2, errorCode: 0, baseOffset: 42n, logAppendTimeMs: -1n }] }],
          throttleTimeMs: 7,
        },
        w,
        3,
      ),
    );
    const decoded = await load<ResponseModule>(kjs('requests/produce/v3/response')).decode(body);
    expect(decoded).toEqual({
      topics: [{ topicName: 'orders', partitions: [{ partition: 2, errorCode: 0, baseOffset: '42', logAppendTime: '-1' }] }],
      throttleTime: 7,
    });
  });

  test('ApiVersions v2 response', async () => {
    const body = encoded((w) =>
      ApiVersionsResponseCodec.encode({ errorCode: 0, apiKeys: [{ apiKey: 0, minVersion: 0, maxVersion: 9 }], throttleTimeMs: 3 }, w, 2),
    );
    const decoded = await load<ResponseModule>(kjs('requests/apiVersions/v2/response')).decode(body);
    expect(decoded).toMatchObject({ errorCode: 0, apiVersions: [{ apiKey: 0, minVersion: 0, maxVersion: 9 }] });
  });

  test('Fetch v4 response carrying a record batch', async () => {
    const batch = encodeRecordBatch({
      baseOffset: 5n,
      baseTimestamp: 1000n,
      records: [{ key: Buffer.from('k'), value: Buffer.from('hello') }],
    });
    const body = encoded((w) =>
      FetchResponseCodec.encode(
        {
          throttleTimeMs: 0,
          responses: [
            {
              topic: 't',
              partitions: [{ partitionIndex: 0, errorCode: 0, highWatermark: 6n, lastStableOffset: 6n, abortedTransactions: [], records: batch }],
            },
          ],
        },
        w,
        4,
      ),
    );
    const decoded = await load<ResponseModule>(kjs('requests/fetch/v4/response')).decode(body);
    const responses = decoded['responses'] as Array<{ topicName: string; partitions: Array<Record<string, unknown>> }>;
    expect(responses[0].topicName).toBe('t');
    const partition = responses[0].partitions[0];
    expect(partition).toMatchObject({ partition: 0, errorCode: 0, highWatermark: '6', lastStableOffset: '6' });
    const messages = partition['messages'] as Array<{ offset: string; key: Buffer; value: Buffer }>;
    expect(messages).toHaveLength(1);
    expect(messages[0].offset).toBe('5');
    expect(messages[0].value.toString()).toBe('hello');
  });
});
