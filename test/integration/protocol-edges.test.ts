// The network front end under bad and unusual input, over real sockets: KIP-511 ApiVersions fallback, unknown
// APIs and versions, malformed and oversized frames, health-check style connect/close, and fetch long-polling.
import * as net from 'net';
import { Kafka, logLevel } from 'kafkajs';
import { startInProcess, removeDir } from '../helpers/broker';
import type { Broker } from '../../src/broker';
import { RawClient, withRawClient } from '../helpers/raw-client';
import { Reader } from '../../codecs/primitives/reader';
import { ApiVersionsRequestCodec } from '../../codecs/generated/ApiVersionsRequest';
import { ApiVersionsResponse, ApiVersionsResponseCodec } from '../../codecs/generated/ApiVersionsResponse';
import { MetadataRequestCodec } from '../../codecs/generated/MetadataRequest';
import { MetadataResponseCodec } from '../../codecs/generated/MetadataResponse';
import { FetchRequestCodec } from '../../codecs/generated/FetchRequest';
import { FetchResponseCodec } from '../../codecs/generated/FetchResponse';
import { ProduceRequestCodec } from '../../codecs/generated/ProduceRequest';
import { ProduceResponseCodec } from '../../codecs/generated/ProduceResponse';
import { encodeRecordBatch } from '../../codecs/records/record-batch';

jest.setTimeout(30000);

let broker: Broker;
let dataDir: string;

beforeAll(async () => {
  const started = await startInProcess(undefined, { 'socket.request.max.bytes': String(1024 * 1024) });
  broker = started.broker;
  dataDir = started.dataDir;
});

afterAll(async () => {
  await broker?.stop();
  removeDir(dataDir);
});

async function metadataStillWorks(): Promise<void> {
  await withRawClient(broker.port, async (c) => {
    const res = await c.request(MetadataRequestCodec, MetadataResponseCodec, 9, { topics: [] });
    expect(res.brokers[0].nodeId).toBe(broker.identity.nodeId);
  });
}

/** ApiVersions v3, which carries the client software name and version (KIP-511). */
function apiVersionsV3(c: RawClient, clientSoftwareName: string): Promise<ApiVersionsResponse> {
  return c.request(ApiVersionsRequestCodec, ApiVersionsResponseCodec, 3, { clientSoftwareName, clientSoftwareVersion: '1.0' });
}

test('ApiVersions lists every registered API and answers versions it does not know with the KIP-511 fallback', async () => {
  await withRawClient(broker.port, async (c) => {
    const res = await apiVersionsV3(c, 'eddy-test');
    expect(res.errorCode).toBe(0);
    const keys = res.apiKeys.map((k) => k.apiKey);
    expect(keys).toEqual(expect.arrayContaining([0, 1, 2, 3, 18, 19, 20]));
  });
  const future = await RawClient.connect(broker.port);
  try {
    // A version beyond ours gets response header v0, a v0 body, UNSUPPORTED_VERSION and our ApiVersions range.
    // Hand-built ApiVersions v99 request: header v2 (api key, version, correlation, client id, no tags).
    const header = Buffer.from([0, 18, 0, 99, 0, 0, 0, 7, 0, 1, 0x61, 0]);
    future.sendRaw(Buffer.concat([header, Buffer.from([0x02, 0x61, 0x02, 0x31, 0x00])]));
    const frame = await future.nextFrame();
    expect(frame).not.toBeNull();
    const r = new Reader(frame as Buffer);
    expect(r.readInt32()).toBe(7);
    const body = ApiVersionsResponseCodec.decode(r, 0);
    expect(body.errorCode).toBe(35);
    expect(body.apiKeys.find((k) => k.apiKey === 18)).toMatchObject({ minVersion: 0, maxVersion: 4 });
  } finally {
    future.close();
  }
});

test('ApiVersions v3 with an invalid client software name gets INVALID_REQUEST', async () => {
  await withRawClient(broker.port, async (c) => {
    const res = await apiVersionsV3(c, '-bad name-');
    expect(res.errorCode).toBe(42);
    expect(res.apiKeys).toEqual([]);
  });
});

test('an unknown API key closes only that connection', async () => {
  const c = await RawClient.connect(broker.port);
  c.sendRaw(Buffer.from([0x03, 0xe7, 0, 0, 0, 0, 0, 1, 0, 0]));
  expect(await c.waitClosed()).toBe(true);
  await metadataStillWorks();
});

test('an unsupported version of a known API closes the connection', async () => {
  const c = await RawClient.connect(broker.port);
  c.sendRaw(Buffer.from([0, 3, 0, 99, 0, 0, 0, 1, 0, 0]));
  expect(await c.waitClosed()).toBe(true);
  await metadataStillWorks();
});

test('a truncated request body closes the connection without disturbing others', async () => {
  const other = await RawClient.connect(broker.port);
  const c = await RawClient.connect(broker.port);
  // Metadata v1 header, then an array count of 5 topics with no bytes behind it.
  c.sendRaw(Buffer.from([0, 3, 0, 1, 0, 0, 0, 1, 0, 0, 0, 0, 0, 5]));
  expect(await c.waitClosed()).toBe(true);
  const res = await other.request(MetadataRequestCodec, MetadataResponseCodec, 1, { topics: null });
  expect(res.brokers).toHaveLength(1);
  other.close();
});

test('negative and oversized frame sizes close the connection', async () => {
  for (const size of [-5, 2 * 1024 * 1024]) {
    const socket = net.connect({ port: broker.port, host: '127.0.0.1' });
    await new Promise((r) => socket.once('connect', r));
    const b = Buffer.alloc(4);
    b.writeInt32BE(size, 0);
    socket.write(b);
    const closed = await new Promise<boolean>((resolve) => {
      const t = setTimeout(() => resolve(false), 3000);
      socket.once('close', () => {
        clearTimeout(t);
        resolve(true);
      });
    });
    expect(closed).toBe(true);
  }
  await metadataStillWorks();
});

test('health checks that connect and hang up at once never hurt the broker', async () => {
  for (let i = 0; i < 50; i++) {
    const s = net.connect({ port: broker.port, host: '127.0.0.1' });
    await new Promise((r) => s.once('connect', r));
    if (i % 2 === 0) s.destroy();
    else s.end(Buffer.from([0, 0]));
  }
  await metadataStillWorks();
});

test('an idle long-poll fetch returns after max_wait_ms, and a waiting fetch wakes on produce', async () => {
  const kafka = new Kafka({ brokers: [`127.0.0.1:${broker.port}`], logLevel: logLevel.NOTHING });
  const admin = kafka.admin();
  await admin.connect();
  await admin.createTopics({ topics: [{ topic: 'longpoll' }] });
  await admin.disconnect();
  const fetchBody = (maxWaitMs: number) => ({
    replicaId: -1,
    maxWaitMs,
    minBytes: 1,
    maxBytes: 1 << 20,
    isolationLevel: 0,
    sessionId: 0,
    sessionEpoch: -1,
    topics: [{ topic: 'longpoll', partitions: [{ partition: 0, fetchOffset: 0n, partitionMaxBytes: 1 << 20 }] }],
  });
  await withRawClient(broker.port, async (c) => {
    let start = Date.now();
    const idle = await c.request(FetchRequestCodec, FetchResponseCodec, 11, fetchBody(300));
    const idleMs = Date.now() - start;
    expect(idle.responses[0].partitions[0].errorCode).toBe(0);
    expect(idleMs).toBeGreaterThanOrEqual(250);
    expect(idleMs).toBeLessThan(3000);

    start = Date.now();
    const waiting = c.request(FetchRequestCodec, FetchResponseCodec, 11, fetchBody(10000));
    await new Promise((r) => setTimeout(r, 100));
    const producer = await RawClient.connect(broker.port);
    const produced = await producer.request(ProduceRequestCodec, ProduceResponseCodec, 7, {
      transactionalId: null,
      acks: 1,
      timeoutMs: 1000,
      topicData: [{ name: 'longpoll', partitionData: [{ index: 0, records: encodeRecordBatch({ records: [{ value: Buffer.from('wake') }] }) }] }],
    });
    producer.close();
    expect(produced.responses[0].partitionResponses[0].errorCode).toBe(0);
    const woke = await waiting;
    const wokeMs = Date.now() - start;
    expect(woke.responses[0].partitions[0].records?.length ?? 0).toBeGreaterThan(0);
    // Woken by the append, far before the 10 s max wait.
    expect(wokeMs).toBeLessThan(2000);
  });
});

test('produce validation: a corrupted batch gets CORRUPT_MESSAGE and nothing is written', async () => {
  const kafka = new Kafka({ brokers: [`127.0.0.1:${broker.port}`], logLevel: logLevel.NOTHING });
  const admin = kafka.admin();
  await admin.connect();
  await admin.createTopics({ topics: [{ topic: 'validated' }] });
  const batch = encodeRecordBatch({ records: [{ value: Buffer.from('payload') }] });
  batch[batch.length - 2] ^= 0xff;
  const c = await RawClient.connect(broker.port);
  try {
    const res = await c.request(ProduceRequestCodec, ProduceResponseCodec, 7, {
      transactionalId: null,
      acks: -1,
      timeoutMs: 1000,
      topicData: [{ name: 'validated', partitionData: [{ index: 0, records: batch }] }],
    });
    expect(res.responses[0].partitionResponses[0].errorCode).toBe(2);
    const bad = await c.request(ProduceRequestCodec, ProduceResponseCodec, 7, {
      transactionalId: null,
      acks: 5,
      timeoutMs: 1000,
      topicData: [{ name: 'validated', partitionData: [{ index: 0, records: encodeRecordBatch({ records: [{ value: Buffer.from('x') }] }) }] }],
    });
    expect(bad.responses[0].partitionResponses[0].errorCode).toBe(21);
    const offsets = await admin.fetchTopicOffsets('validated');
    expect(offsets[0].high).toBe('0');
  } finally {
    c.close();
    await admin.disconnect();
  }
});

test('a failed produce with acks=0 closes the connection, as Kafka tells a producer that gets no answer', async () => {
  const records = encodeRecordBatch({ records: [{ value: Buffer.from('x') }] });
  const c = await RawClient.connect(broker.port);
  try {
    c.send(ProduceRequestCodec, 7, {
      transactionalId: null,
      acks: 0,
      timeoutMs: 1000,
      topicData: [{ name: 'no-such-topic', partitionData: [{ index: 0, records }] }],
    });
    expect(await c.waitClosed()).toBe(true);
  } finally {
    c.close();
  }
  await metadataStillWorks();
});
