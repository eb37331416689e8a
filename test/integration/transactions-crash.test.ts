// Crashes in the middle of producer work: a broker killed with SIGKILL while a transaction is open aborts it on
// timeout after the restart (no reader ever sees part of it), idempotent producer state is rebuilt from the log,
// and a transaction whose commit decision was logged before the crash gets its markers at the next start.
import { Producer } from 'kafkajs';
import { brokersPerTest, ChildBroker, startInProcess } from '../helpers/broker';
import { createTopics, kafkaClient } from '../helpers/kafkajs';
import { withRawClient } from '../helpers/raw-client';
import { fetchPartition, initProducerId, produce, producerBatch, values } from '../helpers/txn-requests';
import { TransactionLog } from '../../src/transactions/transaction-log';
import { silentLogger } from '../../src/logger';

jest.setTimeout(60000);

const producers: Producer[] = [];
afterEach(async () => {
  for (const p of producers.splice(0)) await p.disconnect().catch(() => undefined);
});
const brokers = brokersPerTest();

const CONFIG = [
  '--config',
  'transaction.abort.timed.out.transaction.cleanup.interval.ms=200',
  '--config',
  'transaction.state.log.num.partitions=3',
  '--config',
  'num.partitions=2',
];

const start = (dataDir: string): Promise<ChildBroker> => brokers.child(dataDir, CONFIG);
const client = (bootstrap: string) => kafkaClient(bootstrap, 'crash-test');

test('kill -9 with a transaction open: after the restart it is aborted on timeout and never seen committed', async () => {
  const dataDir = brokers.dataDir();
  const first = await start(dataDir);
  const kafka = client(first.bootstrap);
  await createTopics(kafka, [{ topic: 'crash-txn', numPartitions: 2 }]);
  const producer = kafka.producer({ transactionalId: 'tx-crash', maxInFlightRequests: 1, idempotent: true, transactionTimeout: 2000 });
  producers.push(producer);
  await producer.connect();
  const done = await producer.transaction();
  await done.send({ topic: 'crash-txn', messages: [{ value: 'done', partition: 0 }] });
  await done.commit();
  const open = await producer.transaction();
  await open.send({
    topic: 'crash-txn',
    messages: [
      { value: 'partial-0', partition: 0 },
      { value: 'partial-1', partition: 1 },
    ],
  });
  await first.kill();
  await producer.disconnect().catch(() => undefined);

  const second = await start(dataDir);
  // Until the timeout fires the transaction stays open: the last stable offset holds.
  const lso0 = await withRawClient(second.port, (c) => fetchPartition(c, 'crash-txn', 0, 1));
  expect(values(lso0.batches)).toEqual(['done']);
  const deadline = Date.now() + 15000;
  let p0 = lso0;
  while (p0.lastStableOffset < p0.highWatermark && Date.now() < deadline) {
    await new Promise((r) => setTimeout(r, 200));
    p0 = await withRawClient(second.port, (c) => fetchPartition(c, 'crash-txn', 0, 1));
  }
  expect(p0.lastStableOffset).toBe(p0.highWatermark);
  const p1 = await withRawClient(second.port, (c) => fetchPartition(c, 'crash-txn', 1, 1));
  expect(p1.lastStableOffset).toBe(p1.highWatermark);
  // Both partitions got the abort marker; the aborted records are listed for READ_COMMITTED readers.
  for (const p of [p0, p1]) {
    const markers = p.batches.filter((b) => b.control);
    expect(markers.length).toBeGreaterThanOrEqual(1);
    expect(p.abortedTransactions).toHaveLength(1);
  }
  // A kafkajs READ_COMMITTED consumer sees only the committed record.
  const kafka2 = client(second.bootstrap);
  const consumer = kafka2.consumer({ groupId: 'crash-reader', maxWaitTimeInMs: 100 });
  await consumer.connect();
  await consumer.subscribe({ topic: 'crash-txn', fromBeginning: true });
  const seen: string[] = [];
  await consumer.run({ eachMessage: async ({ message }) => void seen.push(message.value?.toString() ?? '') });
  await new Promise((r) => setTimeout(r, 2500));
  await consumer.disconnect();
  expect(seen).toEqual(['done']);
});

test('kill -9: idempotent producer state is rebuilt from the log, retries are still recognised', async () => {
  const dataDir = brokers.dataDir();
  const first = await start(dataDir);
  await createTopics(client(first.bootstrap), [{ topic: 'idem-crash', numPartitions: 1 }]);
  let producerId = -1n;
  await withRawClient(first.port, async (c) => {
    ({ producerId } = await initProducerId(c));
    await produce(c, 'idem-crash', 0, producerBatch({ producerId, producerEpoch: 0, baseSequence: 0, count: 3 }));
    expect((await produce(c, 'idem-crash', 0, producerBatch({ producerId, producerEpoch: 0, baseSequence: 3, count: 3 }))).baseOffset).toBe(3n);
  });
  await first.kill();
  const second = await start(dataDir);
  await withRawClient(second.port, async (c) => {
    expect(await produce(c, 'idem-crash', 0, producerBatch({ producerId, producerEpoch: 0, baseSequence: 3, count: 3 }))).toMatchObject({
      errorCode: 0,
      baseOffset: 3n,
    });
    expect(await produce(c, 'idem-crash', 0, producerBatch({ producerId, producerEpoch: 0, baseSequence: 6 }))).toMatchObject({ errorCode: 0, baseOffset: 6n });
    expect((await initProducerId(c)).producerId).not.toBe(producerId);
  });
});

test('a commit decided before a crash gets its markers at the next start', async () => {
  const dataDir = brokers.dataDir();
  const overrides = { 'transaction.state.log.num.partitions': '3' };
  let started = await startInProcess(dataDir, overrides);
  await started.broker.logs.createTopic('decided', 1);
  const producer = client(started.bootstrap).producer({ transactionalId: 'tx-decided', maxInFlightRequests: 1, idempotent: true });
  producers.push(producer);
  await producer.connect();
  const txn = await producer.transaction();
  await txn.send({ topic: 'decided', messages: [{ value: 'kept' }] });
  // The crash point: PrepareCommit is in the transaction log, no marker written yet.
  const meta = started.broker.transactions.describe('tx-decided');
  if (meta === undefined) throw new Error('transaction unknown');
  await new TransactionLog(started.broker.logs, 3, silentLogger()).write({ ...meta, state: 'PrepareCommit' });
  await producer.disconnect();
  await started.broker.stop();

  started = await startInProcess(dataDir, overrides);
  try {
    expect(started.broker.transactions.describe('tx-decided')?.state).toBe('CompleteCommit');
    await withRawClient(started.broker.port, async (c) => {
      const fetched = await fetchPartition(c, 'decided', 0, 1);
      expect(fetched.lastStableOffset).toBe(fetched.highWatermark);
      expect(values(fetched.batches)).toEqual(['kept']);
      expect(fetched.abortedTransactions).toEqual([]);
      expect(fetched.batches.filter((b) => b.control)).toHaveLength(1);
    });
  } finally {
    await started.broker.stop();
  }
});
