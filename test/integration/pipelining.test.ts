// Responses on one connection under pipelining: a client that sends many requests without waiting gets every
// response in request order, each framed by its exact size, whether the response left as one buffer (a produce
// acknowledgement) or as a vectored write of header and record batches (a fetch carrying batches of 1 KB and more).
import * as net from 'net';
import { startInProcess, removeDir } from '../helpers/broker';
import type { Broker } from '../../src/broker/broker';
import { RawClient } from '../helpers/raw-client';
import { Reader } from '../../codecs/primitives/reader';
import { FetchRequestCodec } from '../../codecs/generated/FetchRequest';
import { FetchResponseCodec } from '../../codecs/generated/FetchResponse';
import { ProduceRequestCodec } from '../../codecs/generated/ProduceRequest';
import { ProduceResponseCodec } from '../../codecs/generated/ProduceResponse';
import { ApiVersionsRequestCodec } from '../../codecs/generated/ApiVersionsRequest';
import { ApiVersionsResponseCodec } from '../../codecs/generated/ApiVersionsResponse';
import { decodeRecordBatches, encodeRecordBatch } from '../../codecs/records/record-batch';

jest.setTimeout(30000);

const TOPIC = 'pipelined';
const PRODUCE_VERSION = 9;
const FETCH_VERSION = 12;
const EMPTY_TOPIC = 'pipelined-empty';

let broker: Broker;
let dataDir: string;

beforeAll(async () => {
  ({ broker, dataDir } = await startInProcess());
  await broker.logs.createTopic(TOPIC, 1, {});
  await broker.logs.createTopic(EMPTY_TOPIC, 1, {});
});

afterAll(async () => {
  await broker.stop();
  removeDir(dataDir);
});

function valueOf(i: number): Buffer {
  return Buffer.from(`record-${i}-`.padEnd(1500, String.fromCharCode(97 + (i % 26))));
}

function produceBody(i: number): Parameters<typeof ProduceRequestCodec.encode>[0] {
  return {
    transactionalId: null,
    acks: -1,
    timeoutMs: 1000,
    topicData: [{ name: TOPIC, partitionData: [{ index: 0, records: encodeRecordBatch({ records: [{ value: valueOf(i) }] }) }] }],
  };
}

function fetchBody(fetchOffset: bigint, topic = TOPIC, maxWaitMs = 0): Parameters<typeof FetchRequestCodec.encode>[0] {
  return {
    replicaId: -1,
    maxWaitMs,
    minBytes: 0,
    maxBytes: 1 << 20,
    isolationLevel: 0,
    sessionId: 0,
    sessionEpoch: -1,
    topics: [{ topic, partitions: [{ partition: 0, fetchOffset, partitionMaxBytes: 1 << 20 }] }],
  };
}

/** Reads one response frame: its correlation id, then the body decoded to the frame's last byte. */
function decodeFrame<T>(frame: Buffer, decode: (r: Reader) => T, flexibleHeader: boolean): { correlationId: number; body: T } {
  const r = new Reader(frame);
  const correlationId = r.readInt32();
  if (flexibleHeader) r.readTaggedFields();
  const body = decode(r);
  expect(r.remaining).toBe(0);
  return { correlationId, body };
}

test('pipelined produce and fetch requests are answered in order, each frame sized exactly', async () => {
  const c = await RawClient.connect(broker.port);
  try {
    const sent: Array<{ kind: 'produce' | 'fetch'; correlationId: number; index: number }> = [];
    const ROUNDS = 40;
    for (let i = 0; i < ROUNDS; i++) {
      sent.push({ kind: 'produce', index: i, correlationId: c.send(ProduceRequestCodec, PRODUCE_VERSION, produceBody(i)) });
      // Each fetch reads every record produced so far: the responses grow and go out as vectored writes.
      sent.push({ kind: 'fetch', index: i, correlationId: c.send(FetchRequestCodec, FETCH_VERSION, fetchBody(0n)) });
    }
    for (const s of sent) {
      const frame = await c.nextFrame();
      if (frame === null) throw new Error('connection closed by broker');
      if (s.kind === 'produce') {
        const { correlationId, body } = decodeFrame(frame, (r) => ProduceResponseCodec.decode(r, PRODUCE_VERSION), true);
        expect(correlationId).toBe(s.correlationId);
        const p = body.responses[0].partitionResponses[0];
        expect(p.errorCode).toBe(0);
        expect(p.baseOffset).toBe(BigInt(s.index));
      } else {
        const { correlationId, body } = decodeFrame(frame, (r) => FetchResponseCodec.decode(r, FETCH_VERSION), true);
        expect(correlationId).toBe(s.correlationId);
        const records = body.responses[0].partitions[0].records;
        const batches = decodeRecordBatches(Buffer.isBuffer(records) ? records : Buffer.concat(records ?? []));
        const values = batches.batches.flatMap((b) => b.records.map((r) => r.value?.toString()));
        expect(values).toEqual(Array.from({ length: s.index + 1 }, (_, i) => valueOf(i).toString()));
      }
    }
  } finally {
    c.close();
  }
});

test('a request answered at once waits behind a long-polling fetch sent before it on the same connection', async () => {
  const c = await RawClient.connect(broker.port);
  try {
    const fetchId = c.send(FetchRequestCodec, FETCH_VERSION, { ...fetchBody(0n, EMPTY_TOPIC, 300), minBytes: 1 });
    const versionsId = c.send(ApiVersionsRequestCodec, 3, { clientSoftwareName: 'raw-test', clientSoftwareVersion: '1' });
    const first = await c.nextFrame();
    const second = await c.nextFrame();
    if (first === null || second === null) throw new Error('connection closed by broker');
    const fetched = decodeFrame(first, (r) => FetchResponseCodec.decode(r, FETCH_VERSION), true);
    expect(fetched.correlationId).toBe(fetchId);
    expect(fetched.body.responses[0].partitions[0].errorCode).toBe(0);
    const versions = decodeFrame(second, (r) => ApiVersionsResponseCodec.decode(r, 3), false);
    expect(versions.correlationId).toBe(versionsId);
    expect(versions.body.errorCode).toBe(0);
  } finally {
    c.close();
  }
});

test('an append that wakes a waiting fetch answers the fetch before acknowledging the produce', async () => {
  const topic = 'woken-first';
  await broker.logs.createTopic(topic, 1, {});
  const consumer = await RawClient.connect(broker.port);
  const producer = await RawClient.connect(broker.port);
  // Broker-side writes in the order the broker made them, tagged with the correlation id each frame carries.
  const written: number[] = [];
  const write = net.Socket.prototype.write;
  const spy = jest.spyOn(net.Socket.prototype, 'write').mockImplementation(function (this: net.Socket, ...args: Parameters<typeof write>) {
    const chunk = args[0];
    if (this.localPort === broker.port && Buffer.isBuffer(chunk) && chunk.length >= 8) written.push(chunk.readInt32BE(4));
    return write.apply(this, args);
  });
  const produceTo = (value: string): number =>
    producer.send(ProduceRequestCodec, PRODUCE_VERSION, {
      ...produceBody(0),
      topicData: [{ name: topic, partitionData: [{ index: 0, records: encodeRecordBatch({ records: [{ value: Buffer.from(value) }] }) }] }],
    });
  try {
    // A first record opens the segment file: the append measured below takes the path of a running partition.
    produceTo('first');
    expect(await producer.nextFrame()).not.toBeNull();
    // Both clients number their requests from 1: only the writes from here on are compared.
    written.length = 0;
    const fetchId = consumer.send(FetchRequestCodec, FETCH_VERSION, { ...fetchBody(1n, topic, 10000), minBytes: 1 });
    // Let the fetch reach the broker and start waiting.
    await new Promise((r) => setTimeout(r, 200));
    const produceId = produceTo('wake');
    expect(await producer.nextFrame()).not.toBeNull();
    expect(await consumer.nextFrame()).not.toBeNull();
    expect(written.filter((id) => id === fetchId || id === produceId)).toEqual([fetchId, produceId]);
  } finally {
    spy.mockRestore();
    consumer.close();
    producer.close();
  }
});
