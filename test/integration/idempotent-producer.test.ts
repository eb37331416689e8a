// Idempotent producers: kafkajs with idempotence on at every in-flight depth writes each message exactly once,
// and raw requests check the broker's answers to retried, out-of-order and stale-epoch batches, including after a
// restart (producer state rebuilt from its snapshot).
import { Kafka, logLevel } from 'kafkajs';
import { startInProcess, removeDir, tempDataDir } from '../helpers/broker';
import type { Broker } from '../../src/broker';
import { RawClient, withRawClient } from '../helpers/raw-client';
import { fetchPartition, initProducerId, produce, producerBatch, values } from '../helpers/txn-requests';
import { ErrorCode } from '../../codecs/protocol/errors';
import { LossyProxy } from '../helpers/lossy-proxy';

jest.setTimeout(60000);

let broker: Broker;
let dataDir: string;
let bootstrap: string;

beforeAll(async () => {
  dataDir = tempDataDir();
  ({ broker, bootstrap } = await startInProcess(dataDir));
});

afterAll(async () => {
  await broker?.stop();
  removeDir(dataDir);
});

const withClient = <T>(fn: (c: RawClient) => Promise<T>): Promise<T> => withRawClient(broker.port, fn);

test.each([1, 5])('kafkajs idempotent producer with %i requests in flight writes every message once, in order', async (inFlight) => {
  const topic = `idem-${inFlight}`;
  const kafka = new Kafka({ clientId: 'idem', brokers: [bootstrap], logLevel: logLevel.NOTHING });
  const admin = kafka.admin();
  await admin.connect();
  await admin.createTopics({ topics: [{ topic, numPartitions: 1 }] });
  await admin.disconnect();
  const producer = kafka.producer({ idempotent: true, maxInFlightRequests: inFlight, retry: { retries: 5 } });
  await producer.connect();
  const sends = [];
  for (let i = 0; i < 40; i++) sends.push(producer.send({ topic, messages: [{ value: `m-${i}` }, { value: `n-${i}` }] }));
  await Promise.all(sends);
  await producer.disconnect();

  const fetched = await withClient((c) => fetchPartition(c, topic, 0, 0));
  const got = values(fetched.batches);
  expect(got).toHaveLength(80);
  expect(new Set(got).size).toBe(80);
  // One producer id, sequences contiguous from 0 across the batches.
  const pids = new Set(fetched.batches.map((b) => b.producerId));
  expect(pids.size).toBe(1);
  expect([...pids][0] >= 0n).toBe(true);
  let expectedSeq = 0;
  for (const b of fetched.batches) {
    expect(b.baseSequence).toBe(expectedSeq);
    expectedSeq += b.recordsCount;
  }
});

test('InitProducerId without a transactional id hands out distinct ids at epoch 0', async () => {
  await withClient(async (c) => {
    const a = await initProducerId(c);
    const b = await initProducerId(c, { version: 0 });
    expect(a).toMatchObject({ errorCode: 0, producerEpoch: 0 });
    expect(b).toMatchObject({ errorCode: 0, producerEpoch: 0 });
    expect(b.producerId).not.toBe(a.producerId);
  });
});

test('a retried batch gets its original offset; gaps, stale epochs and non-zero first sequences of a new epoch are refused', async () => {
  await broker.logs.createTopic('raw-idem-2', 1);
  const topic = 'raw-idem-2';
  await withClient(async (c) => {
    const { producerId } = await initProducerId(c);
    const first = await produce(c, topic, 0, producerBatch({ producerId, producerEpoch: 0, baseSequence: 0, count: 3 }));
    expect(first).toMatchObject({ errorCode: 0, baseOffset: 0n });
    const second = await produce(c, topic, 0, producerBatch({ producerId, producerEpoch: 0, baseSequence: 3, count: 2 }));
    expect(second).toMatchObject({ errorCode: 0, baseOffset: 3n });
    // Retries of both batches (still in the last five) are answered, not written.
    expect(await produce(c, topic, 0, producerBatch({ producerId, producerEpoch: 0, baseSequence: 0, count: 3 }))).toMatchObject({
      errorCode: 0,
      baseOffset: 0n,
    });
    expect(await produce(c, topic, 0, producerBatch({ producerId, producerEpoch: 0, baseSequence: 3, count: 2 }))).toMatchObject({
      errorCode: 0,
      baseOffset: 3n,
    });
    // A gap.
    const gap = await produce(c, topic, 0, producerBatch({ producerId, producerEpoch: 0, baseSequence: 7 }));
    expect(gap.errorCode).toBe(ErrorCode.OUT_OF_ORDER_SEQUENCE_NUMBER);
    // A new epoch must start at sequence 0.
    const badBump = await produce(c, topic, 0, producerBatch({ producerId, producerEpoch: 1, baseSequence: 5 }));
    expect(badBump.errorCode).toBe(ErrorCode.OUT_OF_ORDER_SEQUENCE_NUMBER);
    expect(await produce(c, topic, 0, producerBatch({ producerId, producerEpoch: 1, baseSequence: 0 }))).toMatchObject({ errorCode: 0, baseOffset: 5n });
    // The old epoch is now stale.
    const stale = await produce(c, topic, 0, producerBatch({ producerId, producerEpoch: 0, baseSequence: 5 }));
    expect(stale.errorCode).toBe(ErrorCode.INVALID_PRODUCER_EPOCH);
    // An unknown producer may start at any sequence (its state may have expired), as in Kafka.
    const other = await initProducerId(c);
    expect(await produce(c, topic, 0, producerBatch({ producerId: other.producerId, producerEpoch: 0, baseSequence: 42 }))).toMatchObject({
      errorCode: 0,
      baseOffset: 6n,
    });
    const fetched = await fetchPartition(c, topic, 0, 0);
    expect(values(fetched.batches)).toEqual(['v-0', 'v-1', 'v-2', 'v-3', 'v-4', 'v-0', 'v-42']);
  });
});

test('pipelined requests of one producer are judged in queue order, retries included', async () => {
  const topic = 'raw-idem-pipelined';
  await broker.logs.createTopic(topic, 1);
  await withClient(async (c) => {
    const { producerId } = await initProducerId(c);
    const batches = [0, 1, 2, 3].map((i) => producerBatch({ producerId, producerEpoch: 0, baseSequence: i * 2, count: 2 }));
    // Eight requests on the wire before any answer: the four batches, then each one again.
    const results = await Promise.all([...batches, ...batches].map((b) => produce(c, topic, 0, b)));
    expect(results.map((r) => r.errorCode)).toEqual([0, 0, 0, 0, 0, 0, 0, 0]);
    expect(results.map((r) => r.baseOffset)).toEqual([0n, 2n, 4n, 6n, 0n, 2n, 4n, 6n]);
    const fetched = await fetchPartition(c, topic, 0, 0);
    expect(values(fetched.batches)).toEqual(['v-0', 'v-1', 'v-2', 'v-3', 'v-4', 'v-5', 'v-6', 'v-7']);
  });
});

test('producer state survives a restart: a retry after it is still recognised', async () => {
  const topic = 'idem-restart';
  await broker.logs.createTopic(topic, 1);
  let producerId = -1n;
  await withClient(async (c) => {
    ({ producerId } = await initProducerId(c));
    await produce(c, topic, 0, producerBatch({ producerId, producerEpoch: 0, baseSequence: 0, count: 2 }));
    await produce(c, topic, 0, producerBatch({ producerId, producerEpoch: 0, baseSequence: 2, count: 2 }));
  });
  await broker.stop();
  ({ broker, bootstrap } = await startInProcess(dataDir));
  await withClient(async (c) => {
    expect(await produce(c, topic, 0, producerBatch({ producerId, producerEpoch: 0, baseSequence: 2, count: 2 }))).toMatchObject({
      errorCode: 0,
      baseOffset: 2n,
    });
    expect((await produce(c, topic, 0, producerBatch({ producerId, producerEpoch: 0, baseSequence: 9 }))).errorCode).toBe(
      ErrorCode.OUT_OF_ORDER_SEQUENCE_NUMBER,
    );
    expect(await produce(c, topic, 0, producerBatch({ producerId, producerEpoch: 0, baseSequence: 4 }))).toMatchObject({ errorCode: 0, baseOffset: 4n });
    // Producer ids keep growing across restarts.
    expect((await initProducerId(c)).producerId > producerId).toBe(true);
  });
});

test.each([1, 5])('lost Produce responses: kafkajs (max %i in flight) retries and the broker keeps one copy', async (inFlight) => {
  const proxy = await LossyProxy.start();
  const dir = tempDataDir();
  const behind = await startInProcess(dir, { 'advertised.listeners': `PLAINTEXT://127.0.0.1:${proxy.port}` });
  proxy.setTarget(behind.broker.port);
  const topic = `lossy-${inFlight}`;
  try {
    await behind.broker.logs.createTopic(topic, 1);
    const kafka = new Kafka({
      clientId: 'lossy',
      brokers: [`127.0.0.1:${proxy.port}`],
      logLevel: logLevel.NOTHING,
      retry: { retries: 10, initialRetryTime: 50 },
    });
    const producer = kafka.producer({ idempotent: true, maxInFlightRequests: inFlight });
    await producer.connect();
    for (let round = 0; round < 4; round++) {
      proxy.dropProduceResponses(1);
      // One send at a time: kafkajs rolls a failed request's sequence back and hands it to whichever send takes
      // the broker lock next, so concurrent sends plus a lost answer make a *different* batch look like the
      // retry (Kafka answers it as a duplicate too). Sequential sends retry the same batch, as intended.
      for (let i = 0; i < 5; i++) await producer.send({ topic, messages: [{ value: `r${round}-${i}` }] });
    }
    await producer.disconnect();
    expect(proxy.dropped).toBe(4);
    const client = await RawClient.connect(behind.broker.port);
    try {
      const got = values((await fetchPartition(client, topic, 0, 0)).batches);
      expect([...got].sort()).toEqual([0, 1, 2, 3].flatMap((r) => [0, 1, 2, 3, 4].map((i) => `r${r}-${i}`)).sort());
    } finally {
      client.close();
    }
  } finally {
    await behind.broker.stop();
    await proxy.close();
    removeDir(dir);
  }
});
