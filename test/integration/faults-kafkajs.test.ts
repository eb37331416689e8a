// Fault injection seen by a real client (kafkajs) on an in-process broker: each action has the effect a client
// would meet on a misbehaving Kafka, and the client's own recovery gets it through.
import { Kafka, logLevel, type Consumer } from 'kafkajs';
import { brokerPerSuite } from '../helpers/broker';
import type { Broker } from '../../src/broker';
import { RawClient, withRawClient } from '../helpers/raw-client';
import { fetchPartition, values } from '../helpers/txn-requests';
import { waitFor } from '../helpers/wait';
import { ProduceRequestCodec } from '../../codecs/generated/ProduceRequest';
import { ProduceResponseCodec } from '../../codecs/generated/ProduceResponse';
import { MetadataRequestCodec } from '../../codecs/generated/MetadataRequest';
import { MetadataResponseCodec } from '../../codecs/generated/MetadataResponse';
import { encodeRecordBatch } from '../../codecs/records/record-batch';

const KAFKA_STORAGE_ERROR = 56;

jest.setTimeout(60000);

const eddy = brokerPerSuite();
let broker: Broker;
let bootstrap: string;

beforeAll(() => {
  ({ broker, bootstrap } = eddy);
});

afterEach(() => {
  broker.faults.clear();
  broker.faults.stopTracking();
  broker.faults.clearRequests();
});

const kafkaFor = (clientId: string): Kafka =>
  new Kafka({ clientId, brokers: [bootstrap], logLevel: logLevel.NOTHING, retry: { initialRetryTime: 20, retries: 8 } });

async function createTopic(topic: string): Promise<void> {
  const admin = kafkaFor('admin').admin();
  await admin.connect();
  await admin.createTopics({ topics: [{ topic, numPartitions: 1 }] });
  await admin.disconnect();
}

const storedValues = async (topic: string): Promise<string[]> => values((await withRawClient(broker.port, (c) => fetchPartition(c, topic, 0, 0))).batches);

test('kafkajs retries through a NOT_LEADER_OR_FOLLOWER burst on Produce and delivers every message once', async () => {
  const topic = 'faults-not-leader';
  await createTopic(topic);
  broker.faults.add({ id: 'burst', match: { api: 'Produce', topic }, action: { type: 'error', error: 'NOT_LEADER_OR_FOLLOWER' }, times: 3 });
  broker.faults.startTracking();
  const producer = kafkaFor('burst-producer').producer();
  await producer.connect();
  for (let i = 0; i < 5; i++) await producer.send({ topic, messages: [{ value: `m-${i}` }] });
  await producer.disconnect();
  expect(await storedValues(topic)).toEqual(['m-0', 'm-1', 'm-2', 'm-3', 'm-4']);
  expect(broker.faults.list()).toEqual([expect.objectContaining({ id: 'burst', fired: 3 })]);
  const produces = broker.faults.requests({ clientId: 'burst-producer', api: 'Produce' });
  expect(produces.map((r) => r.fault?.action ?? 'ok')).toEqual(['error', 'error', 'error', 'ok', 'ok', 'ok', 'ok', 'ok']);
  expect(produces[0]).toEqual(expect.objectContaining({ api: 'Produce', apiKey: 0, topics: [{ topic, partitions: [0] }] }));
  // The client refreshed its metadata after each refusal, as it would after a leader moved.
  expect(broker.faults.requests({ clientId: 'burst-producer', api: 'Metadata' }).length).toBeGreaterThanOrEqual(2);
});

test('a disk-full rule answers KAFKA_STORAGE_ERROR for the partition it names, nothing written, and once cleared appends succeed', async () => {
  const topic = 'faults-disk-full';
  await broker.logs.createTopic(topic, 2);
  const produce = (c: RawClient, value: string): Promise<Array<[number, number]>> =>
    c
      .request(ProduceRequestCodec, ProduceResponseCodec, 9, {
        transactionalId: null,
        acks: -1,
        timeoutMs: 1000,
        topicData: [
          { name: topic, partitionData: [0, 1].map((index) => ({ index, records: encodeRecordBatch({ records: [{ value: Buffer.from(value) }] }) })) },
        ],
      })
      .then((res) => res.responses[0].partitionResponses.map((p): [number, number] => [p.index, p.errorCode]));
  await withRawClient(broker.port, async (c) => {
    broker.faults.add({ id: 'disk-full', match: { topic, partition: 0 }, action: 'storage-error' });
    expect(await produce(c, 'lost')).toEqual([
      [0, KAFKA_STORAGE_ERROR],
      [1, 0],
    ]);
    broker.faults.clear('disk-full');
    expect(await produce(c, 'kept')).toEqual([
      [0, 0],
      [1, 0],
    ]);
  });
  expect(await storedValues(topic)).toEqual(['kept']);
});

test('a consumer rides out a coordinator outage (FindCoordinator and the group requests refused for 3 s) and reads everything', async () => {
  const topic = 'faults-coordinator';
  await createTopic(topic);
  // kafkajs's default retry (300 ms doubling, 5 retries: about 9 s) is what rides out the outage: it also bounds
  // the search for a coordinator, after which the consumer gives up for good.
  const kafka = new Kafka({ clientId: 'outage', brokers: [bootstrap], logLevel: logLevel.NOTHING });
  const producer = kafka.producer();
  await producer.connect();
  const consumer: Consumer = kafka.consumer({
    groupId: 'outage-group',
    heartbeatInterval: 300,
    sessionTimeout: 10000,
    retry: { initialRetryTime: 100, retries: 20 },
  });
  const seen: string[] = [];
  const crashes: unknown[] = [];
  consumer.on(consumer.events.CRASH, (e) => crashes.push(e.payload));
  broker.faults.startTracking();
  await consumer.connect();
  await consumer.subscribe({ topic, fromBeginning: true });
  await consumer.run({ eachMessage: async ({ message }) => void seen.push(String(message.value)) });
  await producer.send({ topic, messages: [{ value: 'before' }] });
  await waitFor('the first message', () => seen.includes('before'));
  broker.faults.add([
    { id: 'find', match: { api: 'FindCoordinator' }, action: { type: 'error', error: 'COORDINATOR_NOT_AVAILABLE' }, window: { forMs: 3000 } },
    { id: 'group', match: { group: 'outage-group' }, action: { type: 'error', error: 'NOT_COORDINATOR' }, window: { forMs: 3000 } },
  ]);
  await producer.send({ topic, messages: [{ value: 'during' }] });
  await new Promise((r) => setTimeout(r, 3000));
  await producer.send({ topic, messages: [{ value: 'after' }] });
  try {
    await waitFor('every message after the outage', () => seen.includes('after'), 30000);
  } catch (err) {
    console.log(
      crashes,
      broker.faults
        .requests({ clientId: 'outage' })
        .map((r) => `${r.seq} ${r.atMs % 100000} ${r.connection} ${r.api} ${r.fault?.action ?? ''}`)
        .join('\n'),
    );
    throw err;
  }
  await consumer.disconnect();
  await producer.disconnect();
  expect([...new Set(seen)]).toEqual(['before', 'during', 'after']);
  const refused = broker.faults.requests({ clientId: 'outage' }).filter((r) => r.fault !== null);
  // The group's coordinator requests (a heartbeat or a commit) were refused, then the search for a new one.
  expect(refused.map((r) => r.api)).toContain('FindCoordinator');
  expect(refused.some((r) => r.api !== 'FindCoordinator')).toBe(true);
});

test('the same seed twice gives the same request and fault trace', async () => {
  const trace = async (topic: string): Promise<string[]> => {
    await createTopic(topic);
    broker.faults.clear();
    broker.faults.clearRequests();
    broker.faults.add({ id: 'coin', match: { api: 'Produce', topic }, action: { type: 'error', error: 'NOT_LEADER_OR_FOLLOWER' }, probability: 0.4, seed: 7 });
    broker.faults.startTracking();
    const producer = kafkaFor(`seeded-${topic}`).producer();
    await producer.connect();
    for (let i = 0; i < 15; i++) await producer.send({ topic, messages: [{ value: `m-${i}` }] });
    await producer.disconnect();
    expect(await storedValues(topic)).toHaveLength(15);
    return broker.faults
      .requests({ api: 'Produce' })
      .map((r) => `${r.api} v${r.apiVersion} ${r.topics.map((t) => t.partitions.join('+')).join()} ${r.fault?.action ?? 'ok'}`);
  };
  const first = await trace('faults-seed-a');
  const second = await trace('faults-seed-b');
  expect(first.filter((line) => line.endsWith('error')).length).toBeGreaterThan(0);
  expect(second).toEqual(first);
});

test('a rule that matches nothing changes nothing', async () => {
  const topic = 'faults-untouched';
  await createTopic(topic);
  broker.faults.add({ id: 'elsewhere', match: { api: 'Produce', topic: 'no-such-topic' }, action: { type: 'drop', when: 'after' } });
  broker.faults.startTracking();
  const producer = kafkaFor('untouched').producer();
  await producer.connect();
  await producer.send({ topic, messages: [{ value: 'a' }, { value: 'b' }] });
  await producer.disconnect();
  expect(await storedValues(topic)).toEqual(['a', 'b']);
  expect(broker.faults.list()).toEqual([expect.objectContaining({ id: 'elsewhere', fired: 0 })]);
  const tracked = broker.faults.requests({ clientId: 'untouched' });
  expect(tracked.length).toBeGreaterThan(0);
  expect(tracked.every((r) => r.fault === null)).toBe(true);
});

test('hold keeps a request until released; delay answers late', async () => {
  const topic = 'faults-hold';
  await createTopic(topic);
  broker.faults.add({ id: 'hold', match: { api: 'Produce', topic }, action: 'hold', times: 'once' });
  const producer = kafkaFor('holder').producer();
  await producer.connect();
  let done = false;
  const sent = producer.send({ topic, messages: [{ value: 'held' }] }).then(() => (done = true));
  await waitFor('the held request', () => broker.faults.list()[0]?.held === 1);
  await new Promise((r) => setTimeout(r, 200));
  expect(done).toBe(false);
  expect(await storedValues(topic)).toEqual([]);
  expect(broker.faults.release('hold')).toBe(1);
  await sent;
  expect(await storedValues(topic)).toEqual(['held']);
  broker.faults.clear();
  broker.faults.add({ match: { api: 'Produce', topic }, action: { type: 'delay', ms: 400 }, times: 'once' });
  const started = Date.now();
  await producer.send({ topic, messages: [{ value: 'late' }] });
  expect(Date.now() - started).toBeGreaterThanOrEqual(390);
  await producer.disconnect();
});

test('throttle answers with throttle_time_ms; drop before closes the connection with nothing done', async () => {
  broker.faults.add({ match: { api: 'Metadata' }, action: { type: 'throttle', ms: 1234 }, times: 'once' });
  const metadata = (c: RawClient) =>
    c.request(MetadataRequestCodec, MetadataResponseCodec, 9, { topics: [], allowAutoTopicCreation: false, includeTopicAuthorizedOperations: false });
  await withRawClient(broker.port, async (c) => {
    expect((await metadata(c)).throttleTimeMs).toBe(1234);
    expect((await metadata(c)).throttleTimeMs).toBe(0);
    broker.faults.add({ match: { api: 'Metadata' }, action: 'drop', times: 'once' });
    await expect(metadata(c)).rejects.toThrow();
  });
});
