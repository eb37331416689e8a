// Client quotas end to end (issue 18, item 4): quotas set with AlterClientQuotas and read back with
// DescribeClientQuotas (kafkajs has no quota admin calls, so a raw client speaks them), a kafkajs producer held to
// its producer_byte_rate, a raw client that sees throttle_time_ms in its answers and its next request left unread
// for that long, a fetch capped and then throttled by consumer_byte_rate, a fetch throttled by request_percentage,
// and the quotas still there after a restart.
// The quota windows are shortened (3 windows of 1 s) so a burst is throttled after 2 s worth of bytes, not 10 s.
import { brokerPerSuite } from '../helpers/broker';
import { RawClient } from '../helpers/raw-client';
import { kafkaClient, createTopics } from '../helpers/kafkajs';
import { Reader } from '../../codecs/primitives/reader';
import type { MessageCodec } from '../../codecs/primitives/message-codec';
import { responseHeaderVersion } from '../../codecs/protocol/headers';
import { encodeRecordBatch } from '../../codecs/records/record-batch';
import { AlterClientQuotasRequestCodec, type AlterClientQuotasRequestInit } from '../../codecs/generated/AlterClientQuotasRequest';
import { AlterClientQuotasResponseCodec } from '../../codecs/generated/AlterClientQuotasResponse';
import { DescribeClientQuotasRequestCodec } from '../../codecs/generated/DescribeClientQuotasRequest';
import { DescribeClientQuotasResponseCodec, type DescribeClientQuotasResponse } from '../../codecs/generated/DescribeClientQuotasResponse';
import { ProduceRequestCodec } from '../../codecs/generated/ProduceRequest';
import { ProduceResponseCodec } from '../../codecs/generated/ProduceResponse';
import { FetchRequestCodec } from '../../codecs/generated/FetchRequest';
import { FetchResponseCodec, type FetchResponse } from '../../codecs/generated/FetchResponse';
import { CreateTopicsRequestCodec } from '../../codecs/generated/CreateTopicsRequest';
import { CreateTopicsResponseCodec } from '../../codecs/generated/CreateTopicsResponse';
import { DeleteTopicsRequestCodec } from '../../codecs/generated/DeleteTopicsRequest';
import { DeleteTopicsResponseCodec } from '../../codecs/generated/DeleteTopicsResponse';
import { CreatePartitionsRequestCodec } from '../../codecs/generated/CreatePartitionsRequest';
import { CreatePartitionsResponseCodec } from '../../codecs/generated/CreatePartitionsResponse';
import { ZERO_UUID } from '../../codecs/protocol/uuid';

jest.setTimeout(90_000);

const QUOTA = 1 << 20;
const suite = brokerPerSuite({ overrides: { 'quota.window.num': '3', 'quota.window.size.seconds': '1' } });

/** One request sent with `clientId`, its answer and how long it took to come. */
async function exchange<Init, Res>(
  client: RawClient,
  codecs: { request: MessageCodec<unknown, Init>; response: MessageCodec<Res, unknown> },
  version: number,
  body: Init,
  clientId: string,
): Promise<{ response: Res; ms: number }> {
  const started = Date.now();
  client.send(codecs.request, version, body, clientId);
  const frame = await client.nextFrame(20_000);
  if (frame === null) throw new Error('connection closed by broker');
  const reader = new Reader(frame);
  reader.readInt32();
  if (responseHeaderVersion(codecs.request.apiKey, version) >= 1) reader.readTaggedFields();
  return { response: codecs.response.decode(reader, version), ms: Date.now() - started };
}

const ALTER = { request: AlterClientQuotasRequestCodec, response: AlterClientQuotasResponseCodec };
const DESCRIBE = { request: DescribeClientQuotasRequestCodec, response: DescribeClientQuotasResponseCodec };
const PRODUCE = { request: ProduceRequestCodec, response: ProduceResponseCodec };
const FETCH = { request: FetchRequestCodec, response: FetchResponseCodec };
const CREATE_TOPICS = { request: CreateTopicsRequestCodec, response: CreateTopicsResponseCodec };
const DELETE_TOPICS = { request: DeleteTopicsRequestCodec, response: DeleteTopicsResponseCodec };
const CREATE_PARTITIONS = { request: CreatePartitionsRequestCodec, response: CreatePartitionsResponseCodec };
const THROTTLED = { errorCode: 89, errorMessage: 'The throttling quota has been exceeded.' };

async function alter(entries: AlterClientQuotasRequestInit['entries']): Promise<void> {
  const client = await RawClient.connect(suite.broker.port);
  try {
    const { response } = await exchange(client, ALTER, 1, { entries, validateOnly: false }, 'admin');
    expect(response.entries.map((e) => e.errorCode)).toEqual(entries?.map(() => 0));
  } finally {
    client.close();
  }
}

async function describeAll(): Promise<DescribeClientQuotasResponse> {
  const client = await RawClient.connect(suite.broker.port);
  try {
    return (await exchange(client, DESCRIBE, 1, { components: [], strict: false }, 'admin')).response;
  } finally {
    client.close();
  }
}

function quotaOf(described: DescribeClientQuotasResponse, clientId: string): Record<string, number> {
  const entry = described.entries?.find((e) => e.entity.some((c) => c.entityType === 'client-id' && c.entityName === clientId));
  return Object.fromEntries((entry?.values ?? []).map((v) => [v.key, v.value]));
}

const batchOf = (bytes: number): Buffer => encodeRecordBatch({ records: [{ value: Buffer.alloc(bytes, 1) }] });

describe('client quotas', () => {
  beforeAll(async () => {
    await createTopics(kafkaClient(suite.bootstrap, 'setup'), [
      { topic: 'quota-topic', numPartitions: 1 },
      { topic: 'quota-busy', numPartitions: 1 },
    ]);
    await alter([
      { entity: [{ entityType: 'client-id', entityName: 'kafkajs-held' }], ops: [{ key: 'producer_byte_rate', value: QUOTA, remove: false }] },
      { entity: [{ entityType: 'client-id', entityName: 'raw-held' }], ops: [{ key: 'producer_byte_rate', value: QUOTA, remove: false }] },
      { entity: [{ entityType: 'client-id', entityName: 'raw-reader' }], ops: [{ key: 'consumer_byte_rate', value: QUOTA, remove: false }] },
      { entity: [{ entityType: 'user', entityName: null }], ops: [{ key: 'controller_mutation_rate', value: 5, remove: false }] },
      { entity: [{ entityType: 'client-id', entityName: 'raw-busy' }], ops: [{ key: 'request_percentage', value: 0.01, remove: false }] },
    ]);
  });

  it('reads back what AlterClientQuotas set', async () => {
    const described = await describeAll();
    expect(described.errorCode).toBe(0);
    expect(quotaOf(described, 'kafkajs-held')).toEqual({ producer_byte_rate: QUOTA });
    expect(quotaOf(described, 'raw-reader')).toEqual({ consumer_byte_rate: QUOTA });
    const userDefault = described.entries?.find((e) => e.entity.length === 1 && e.entity[0].entityType === 'user' && e.entity[0].entityName === null);
    expect(userDefault?.values).toEqual([expect.objectContaining({ key: 'controller_mutation_rate', value: 5 })]);
  });

  it('holds a kafkajs producer to its producer_byte_rate', async () => {
    const producer = kafkaClient(suite.bootstrap, 'kafkajs-held').producer();
    await producer.connect();
    try {
      const value = Buffer.alloc(100 * 1024, 7);
      const batches = 60;
      const started = Date.now();
      for (let i = 0; i < batches; i++) await producer.send({ topic: 'quota-topic', messages: [{ value }], acks: 1 });
      const seconds = (Date.now() - started) / 1000;
      const bytes = batches * value.length;
      // The first 2 s worth of bytes pass at once (windows - 1); the rest at the quota, so the whole takes at least
      // (6 MB - 2 MB) / 1 MB/s. Measured over the time plus that allowance, the rate stays within 25 % of the quota.
      expect(seconds).toBeGreaterThan((bytes - 2 * QUOTA) / QUOTA - 1);
      expect(bytes / (seconds + 2)).toBeLessThan(QUOTA * 1.25);
    } finally {
      await producer.disconnect();
    }
  });

  it('answers a produce over the quota with throttle_time_ms and reads nothing more from the client meanwhile', async () => {
    const client = await RawClient.connect(suite.broker.port);
    try {
      const body = {
        transactionalId: null,
        acks: 1,
        timeoutMs: 5000,
        topicData: [{ name: 'quota-topic', partitionData: [{ index: 0, records: batchOf(768 * 1024) }] }],
      };
      const throttles: number[] = [];
      let muted = { ms: 0, after: 0 };
      for (let i = 0; i < 6; i++) {
        const { response, ms } = await exchange(client, PRODUCE, 9, body, 'raw-held');
        expect(response.responses[0].partitionResponses[0].errorCode).toBe(0);
        if (throttles.length > 0 && throttles[throttles.length - 1] > 0 && muted.ms === 0) muted = { ms, after: throttles[throttles.length - 1] };
        throttles.push(response.throttleTimeMs);
      }
      expect(Math.max(...throttles)).toBeGreaterThan(0);
      // The request after a throttled answer waited unread for about the throttle time.
      expect(muted.ms).toBeGreaterThanOrEqual(muted.after - 50);
    } finally {
      client.close();
    }
  });

  it('caps a fetch at the quota window and answers the next one empty with a throttle time', async () => {
    const client = await RawClient.connect(suite.broker.port);
    try {
      const fetchBody = (fetchOffset: bigint): Parameters<typeof FetchRequestCodec.encode>[0] => ({
        replicaId: -1,
        maxWaitMs: 0,
        minBytes: 0,
        maxBytes: 64 << 20,
        isolationLevel: 0,
        topics: [{ topic: 'quota-topic', partitions: [{ partition: 0, fetchOffset, partitionMaxBytes: 64 << 20 }] }],
      });
      const first = await exchange(client, FETCH, 11, fetchBody(0n), 'raw-reader');
      const records = first.response.responses[0].partitions[0].records as Buffer;
      // max_bytes is capped to quota × (windows - 1) × window = 2 MB; the first batch may overrun it, never the rest.
      expect(records.length).toBeGreaterThan(0);
      expect(records.length).toBeLessThan(2 * QUOTA + 800 * 1024);
      expect(first.response.throttleTimeMs).toBe(0);
      let throttled = null;
      for (let i = 0; i < 5 && throttled === null; i++) {
        const next = await exchange(client, FETCH, 11, fetchBody(0n), 'raw-reader');
        if (next.response.throttleTimeMs > 0) throttled = next.response;
      }
      expect(throttled).not.toBeNull();
      expect(throttled?.responses).toEqual([]);
    } finally {
      client.close();
    }
  });

  it('answers a fetch over the request quota empty, with the throttle time, though there is data', async () => {
    const client = await RawClient.connect(suite.broker.port);
    try {
      const body = {
        replicaId: -1,
        maxWaitMs: 0,
        minBytes: 0,
        maxBytes: 1 << 20,
        isolationLevel: 0,
        topics: [{ topic: 'quota-busy', partitions: [{ partition: 0, fetchOffset: 0n, partitionMaxBytes: 1 << 20 }] }],
      };
      const produced = await exchange(
        client,
        PRODUCE,
        9,
        { acks: 1, timeoutMs: 5000, topicData: [{ name: 'quota-busy', partitionData: [{ index: 0, records: batchOf(1024) }] }] },
        'setup',
      );
      expect(produced.response.responses[0].partitionResponses[0].errorCode).toBe(0);
      const answers: FetchResponse[] = [];
      // 0.01 % of a handler's time is 100 µs a second: the first fetch uses it up. Its handler time is recorded
      // after it was answered (with data); a later fetch finds the quota violated and is answered empty.
      for (let i = 0; i < 30 && !answers.slice(1).some((a) => a.throttleTimeMs > 0); i++)
        answers.push((await exchange(client, FETCH, 11, body, 'raw-busy')).response);
      const throttled = answers.slice(1).find((a) => a.throttleTimeMs > 0);
      expect((answers[0].responses[0].partitions[0].records as Buffer).length).toBeGreaterThan(0);
      expect(throttled?.responses).toEqual([]);
    } finally {
      client.close();
    }
  });

  it('holds topic creation and deletion to controller_mutation_rate: strict for new versions, permissive for old', async () => {
    // The default user's 5 partitions/s over 3 windows is a bucket of 10: 6 partitions pass, 40 more pass (tokens
    // remained) and overdraw it by 36, 7.2 s to refill; the next topic is refused until then.
    const topic = (name: string, numPartitions: number) => ({ name, numPartitions, replicationFactor: 1, assignments: [], configs: [] });
    // Each request on its own connection: an answer with a throttle time mutes its connection for that long.
    const clients = await Promise.all([1, 2, 3, 4].map(() => RawClient.connect(suite.broker.port)));
    const [first, second, third, fourth] = clients;
    try {
      const strict = { topics: [topic('mut-a', 6), topic('mut-b', 40), topic('mut-c', 1)], timeoutMs: 5000, validateOnly: false };
      const created = (await exchange(first, CREATE_TOPICS, 7, strict, 'raw-mutator')).response;
      expect(created.topics.map((t) => [t.name, t.errorCode])).toEqual([
        ['mut-a', 0],
        ['mut-b', 0],
        ['mut-c', 89],
      ]);
      expect(created.topics[2]).toMatchObject(THROTTLED);
      expect(created.throttleTimeMs).toBeGreaterThan(0);
      expect(created.throttleTimeMs).toBeLessThanOrEqual(7200);
      const deleteV6 = { topics: [{ name: 'mut-a', topicId: ZERO_UUID }], topicNames: [], timeoutMs: 5000 };
      const refusedDelete = (await exchange(second, DELETE_TOPICS, 6, deleteV6, 'raw-mutator')).response;
      expect(refusedDelete.responses[0]).toMatchObject({ name: 'mut-a', ...THROTTLED });
      expect(refusedDelete.throttleTimeMs).toBeGreaterThan(0);
      const grow = { topics: [{ name: 'mut-a', count: 8, assignments: null }], timeoutMs: 5000, validateOnly: false };
      const refusedGrow = (await exchange(third, CREATE_PARTITIONS, 3, grow, 'raw-mutator')).response;
      expect(refusedGrow.results[0]).toMatchObject({ name: 'mut-a', ...THROTTLED });
      // Versions before strict quotas take the mutation and throttle after it.
      const permissive = { topics: [topic('mut-d', 1)], timeoutMs: 5000, validateOnly: false };
      const oldCreate = (await exchange(fourth, CREATE_TOPICS, 5, permissive, 'raw-mutator')).response;
      expect(oldCreate.topics[0]).toMatchObject({ name: 'mut-d', errorCode: 0 });
      expect(oldCreate.throttleTimeMs).toBeGreaterThan(0);
      expect(suite.broker.topics.get('mut-d')).toBeDefined();
      expect(suite.broker.topics.get('mut-c')).toBeUndefined();
      expect(suite.broker.topics.get('mut-a')?.partitions).toBe(6);
    } finally {
      for (const c of clients) c.close();
    }
  });

  it('keeps the quotas across a restart', async () => {
    await suite.restart();
    expect(quotaOf(await describeAll(), 'kafkajs-held')).toEqual({ producer_byte_rate: QUOTA });
  });
});
