// The bench's null sink must look like a real single-node cluster to clients: produce acknowledged at running
// offsets, fetch answering with CRC-valid batches at the requested offsets, list-offsets, metadata from names,
// producer ids for idempotent producers.
import type { Server, AddressInfo } from 'net';
import { startNullSink, partitionCountFromName } from '../../../bench/null-sink/server';
import { RawClient, withRawClient } from '../../helpers/raw-client';
import { longPollFetch } from '../../helpers/fetch-requests';
import { ApiVersionsRequestCodec } from '../../../codecs/generated/ApiVersionsRequest';
import { ApiVersionsResponseCodec } from '../../../codecs/generated/ApiVersionsResponse';
import { MetadataRequestCodec } from '../../../codecs/generated/MetadataRequest';
import { MetadataResponseCodec } from '../../../codecs/generated/MetadataResponse';
import { ProduceRequestCodec } from '../../../codecs/generated/ProduceRequest';
import { ProduceResponseCodec } from '../../../codecs/generated/ProduceResponse';
import { FetchRequestCodec } from '../../../codecs/generated/FetchRequest';
import { FetchResponseCodec } from '../../../codecs/generated/FetchResponse';
import { ListOffsetsRequestCodec } from '../../../codecs/generated/ListOffsetsRequest';
import { ListOffsetsResponseCodec } from '../../../codecs/generated/ListOffsetsResponse';
import { FindCoordinatorRequestCodec } from '../../../codecs/generated/FindCoordinatorRequest';
import { FindCoordinatorResponseCodec } from '../../../codecs/generated/FindCoordinatorResponse';
import { InitProducerIdRequestCodec } from '../../../codecs/generated/InitProducerIdRequest';
import { InitProducerIdResponseCodec } from '../../../codecs/generated/InitProducerIdResponse';
import { encodeRecordBatch, decodeRecordBatches } from '../../../codecs/records/record-batch';

let server: Server;
let client: RawClient;

beforeAll(async () => {
  server = await startNullSink('127.0.0.1', 0);
  client = await RawClient.connect((server.address() as AddressInfo).port);
});

afterAll(async () => {
  client.close();
  await new Promise<void>((resolve) => server.close(() => resolve()));
});

function batchOf(values: string[]): Buffer {
  return encodeRecordBatch({ records: values.map((v) => ({ value: Buffer.from(v) })) });
}

async function produce(topic: string, partition: number, values: string[]): Promise<bigint> {
  const res = await client.request(ProduceRequestCodec, ProduceResponseCodec, 9, {
    acks: 1,
    timeoutMs: 1000,
    topicData: [{ name: topic, partitionData: [{ index: partition, records: batchOf(values) }] }],
  });
  const p = res.responses[0].partitionResponses[0];
  expect(p.errorCode).toBe(0);
  return p.baseOffset;
}

describe('null sink', () => {
  it('reads partition counts from topic names', () => {
    expect(partitionCountFromName('bench.rd.s100.p8')).toBe(8);
    expect(partitionCountFromName('orders')).toBe(1);
    expect(partitionCountFromName('x.p0')).toBe(1);
  });

  it('advertises the APIs it serves', async () => {
    const res = await client.request(ApiVersionsRequestCodec, ApiVersionsResponseCodec, 3, {
      clientSoftwareName: 'test',
      clientSoftwareVersion: '1',
    });
    expect(res.errorCode).toBe(0);
    expect(res.apiKeys.map((k) => k.apiKey)).toEqual([0, 1, 2, 3, 10, 18, 22]);
  });

  // librdkafka <= 2.10 sends lz4 batches uncompressed to a broker that lists neither (librdkafka #4956).
  it('lists Produce from v0 and FindCoordinator v0, as Kafka 4.x does for librdkafka, but serves Produce from v3', async () => {
    const res = await client.request(ApiVersionsRequestCodec, ApiVersionsResponseCodec, 3, { clientSoftwareName: 'test', clientSoftwareVersion: '1' });
    expect(res.apiKeys.find((k) => k.apiKey === 0)).toMatchObject({ minVersion: 0, maxVersion: 9 });
    expect(res.apiKeys.find((k) => k.apiKey === 10)).toMatchObject({ minVersion: 0 });
    const coordinator = await client.request(FindCoordinatorRequestCodec, FindCoordinatorResponseCodec, 0, { key: 'g' });
    expect(coordinator.errorCode).toBe(15); // COORDINATOR_NOT_AVAILABLE: the sink has no groups

    await withRawClient((server.address() as AddressInfo).port, async (legacy) => {
      legacy.send(ProduceRequestCodec, 2, { acks: 1, timeoutMs: 1000, topicData: [{ name: 'v2.p1', partitionData: [{ index: 0, records: batchOf(['x']) }] }] });
      expect(await legacy.waitClosed()).toBe(true);
    });
  });

  it('answers metadata for any topic with the partitions its name carries', async () => {
    const res = await client.request(MetadataRequestCodec, MetadataResponseCodec, 9, { topics: [{ name: 'm.p3' }] });
    expect(res.brokers).toHaveLength(1);
    expect(res.topics[0].name).toBe('m.p3');
    expect(res.topics[0].partitions.map((p) => p.partitionIndex)).toEqual([0, 1, 2]);
  });

  it('acknowledges batches at running offsets per partition', async () => {
    expect(await produce('a.p2', 1, ['x', 'y', 'z'])).toBe(0n);
    expect(await produce('a.p2', 1, ['u', 'v', 'w'])).toBe(3n);
    expect(await produce('a.p2', 0, ['q'])).toBe(0n);
    const res = await client.request(ListOffsetsRequestCodec, ListOffsetsResponseCodec, 4, {
      replicaId: -1,
      topics: [
        {
          name: 'a.p2',
          partitions: [
            { partitionIndex: 1, timestamp: -1n },
            { partitionIndex: 1, timestamp: -2n },
          ],
        },
      ],
    });
    expect(res.topics[0].partitions.map((p) => p.offset)).toEqual([6n, 0n]);
  });

  it('replays the first batch at the fetched offsets, with valid CRCs, up to the end', async () => {
    await produce('f.p1', 0, ['a', 'b']);
    await produce('f.p1', 0, ['c', 'd']);
    const res = await client.request(FetchRequestCodec, FetchResponseCodec, 11, {
      replicaId: -1,
      maxWaitMs: 100,
      minBytes: 1,
      maxBytes: 1 << 20,
      topics: [{ topic: 'f.p1', partitions: [{ partition: 0, fetchOffset: 2n, partitionMaxBytes: 1 << 20 }] }],
    });
    const part = res.responses[0].partitions[0];
    expect(part.highWatermark).toBe(4n);
    expect(part.records).not.toBeNull();
    const decoded = decodeRecordBatches(part.records as Buffer, { verifyCrc: true });
    const offsets = decoded.batches.flatMap((b) => b.records.map((r) => r.offset));
    expect(offsets).toEqual([2n, 3n]);
    expect(decoded.batches[0].records.map((r) => r.value?.toString())).toEqual(['a', 'b']);
  });

  it('holds an empty fetch until data arrives', async () => {
    const other = await RawClient.connect((server.address() as AddressInfo).port);
    try {
      const started = Date.now();
      const pending = longPollFetch(other, 'w.p1', 5000);
      await new Promise((r) => setTimeout(r, 50));
      await produce('w.p1', 0, ['late']);
      const res = await pending;
      expect(Date.now() - started).toBeLessThan(4000);
      expect(res.responses[0].partitions[0].highWatermark).toBe(1n);
    } finally {
      other.close();
    }
  });

  it('hands idempotent producers an id, bumps the epoch of a presented one, refuses transactional ids', async () => {
    const first = await client.request(InitProducerIdRequestCodec, InitProducerIdResponseCodec, 4, { transactionalId: null, transactionTimeoutMs: 60000 });
    const second = await client.request(InitProducerIdRequestCodec, InitProducerIdResponseCodec, 1, { transactionalId: null, transactionTimeoutMs: 60000 });
    expect(first).toMatchObject({ errorCode: 0, producerEpoch: 0 });
    expect(second).toMatchObject({ errorCode: 0, producerEpoch: 0 });
    expect(first.producerId).toBeGreaterThanOrEqual(0n);
    expect(second.producerId).not.toBe(first.producerId);
    const bumped = await client.request(InitProducerIdRequestCodec, InitProducerIdResponseCodec, 4, {
      transactionalId: null,
      transactionTimeoutMs: 60000,
      producerId: first.producerId,
      producerEpoch: 0,
    });
    expect(bumped).toMatchObject({ errorCode: 0, producerId: first.producerId, producerEpoch: 1 });
    const txn = await client.request(InitProducerIdRequestCodec, InitProducerIdResponseCodec, 4, { transactionalId: 'tx', transactionTimeoutMs: 60000 });
    expect(txn.errorCode).toBe(15); // COORDINATOR_NOT_AVAILABLE: the sink has no transaction coordinator

    const records = encodeRecordBatch({ producerId: first.producerId, producerEpoch: 0, baseSequence: 0, records: [{ value: Buffer.from('i') }] });
    const res = await client.request(ProduceRequestCodec, ProduceResponseCodec, 9, {
      acks: -1,
      timeoutMs: 1000,
      topicData: [{ name: 'idem.p1', partitionData: [{ index: 0, records }] }],
    });
    expect(res.responses[0].partitionResponses[0]).toMatchObject({ errorCode: 0, baseOffset: 0n });
  });
});
