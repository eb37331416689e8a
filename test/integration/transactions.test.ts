// Transactional producers driven by kafkajs: committed and aborted transactions, what READ_COMMITTED and
// READ_UNCOMMITTED readers see (raw Fetch and kafkajs consumers), the last stable offset while a transaction is
// open, fencing of an older producer instance, and the background abort of a transaction past its timeout.
import { Kafka, logLevel, Producer } from 'kafkajs';
import { startInProcess, removeDir, tempDataDir } from '../helpers/broker';
import type { Broker } from '../../src/broker/broker';
import { RawClient } from '../helpers/raw-client';
import { fetchPartition, values } from '../helpers/txn-requests';
import { ListOffsetsRequestCodec } from '../../codecs/generated/ListOffsetsRequest';
import { ListOffsetsResponseCodec } from '../../codecs/generated/ListOffsetsResponse';
import { OffsetFetchRequestCodec } from '../../codecs/generated/OffsetFetchRequest';
import { OffsetFetchResponseCodec } from '../../codecs/generated/OffsetFetchResponse';
import { ErrorCode } from '../../codecs/protocol/errors';

jest.setTimeout(60000);

let broker: Broker;
let dataDir: string;
let kafka: Kafka;
const producers: Producer[] = [];

beforeAll(async () => {
  dataDir = tempDataDir();
  const started = await startInProcess(dataDir, {
    'transaction.abort.timed.out.transaction.cleanup.interval.ms': '200',
    'transaction.state.log.num.partitions': '5',
    'offsets.topic.num.partitions': '5',
  });
  broker = started.broker;
  kafka = new Kafka({ clientId: 'txn-test', brokers: [started.bootstrap], logLevel: logLevel.NOTHING });
});

afterAll(async () => {
  for (const p of producers) await p.disconnect().catch(() => undefined);
  await broker?.stop();
  removeDir(dataDir);
});

async function createTopic(topic: string, numPartitions = 1): Promise<void> {
  await broker.logs.createTopic(topic, numPartitions);
}

async function txnProducer(transactionalId: string, transactionTimeout = 30000): Promise<Producer> {
  const p = kafka.producer({ transactionalId, idempotent: true, maxInFlightRequests: 1, transactionTimeout, retry: { retries: 2 } });
  producers.push(p);
  await p.connect();
  return p;
}

async function withClient<T>(fn: (c: RawClient) => Promise<T>): Promise<T> {
  const client = await RawClient.connect(broker.port);
  try {
    return await fn(client);
  } finally {
    client.close();
  }
}

async function latestOffset(topic: string, isolationLevel: 0 | 1): Promise<bigint> {
  return withClient(async (c) => {
    const res = await c.request(ListOffsetsRequestCodec, ListOffsetsResponseCodec, 5, {
      replicaId: -1,
      isolationLevel,
      topics: [{ name: topic, partitions: [{ partitionIndex: 0, timestamp: -1n, currentLeaderEpoch: -1 }] }],
    });
    return res.topics[0].partitions[0].offset;
  });
}

/** What a READ_COMMITTED client keeps: data batches minus those of aborted transactions. */
function committedValues(fetched: Awaited<ReturnType<typeof fetchPartition>>): string[] {
  const pending = [...(fetched.abortedTransactions ?? [])].sort((a, b) => (a.firstOffset < b.firstOffset ? -1 : 1));
  const abortedPids = new Set<bigint>();
  const out: string[] = [];
  for (const b of fetched.batches) {
    while (pending.length > 0 && pending[0].firstOffset <= b.lastOffset) abortedPids.add((pending.shift() as { producerId: bigint }).producerId);
    if (b.control) {
      abortedPids.delete(b.producerId);
      continue;
    }
    if (b.transactional && abortedPids.has(b.producerId)) continue;
    out.push(...b.records.map((r) => r.value?.toString() ?? ''));
  }
  return out;
}

test('a committed and an aborted transaction: READ_COMMITTED sees only the committed one', async () => {
  const topic = 'txn-basic';
  await createTopic(topic);
  const producer = await txnProducer('tx-basic');
  const t1 = await producer.transaction();
  await t1.send({ topic, messages: [{ value: 'c1' }, { value: 'c2' }] });
  await t1.commit();
  const t2 = await producer.transaction();
  await t2.send({ topic, messages: [{ value: 'a1' }] });
  await t2.send({ topic, messages: [{ value: 'a2' }] });
  await t2.abort();
  const t3 = await producer.transaction();
  await t3.send({ topic, messages: [{ value: 'c3' }] });
  await t3.commit();

  await withClient(async (c) => {
    const uncommitted = await fetchPartition(c, topic, 0, 0);
    expect(values(uncommitted.batches)).toEqual(['c1', 'c2', 'a1', 'a2', 'c3']);
    expect(uncommitted.abortedTransactions).toBeNull();
    // Three markers, one per transaction.
    expect(uncommitted.batches.filter((b) => b.control)).toHaveLength(3);
    const committed = await fetchPartition(c, topic, 0, 1);
    expect(committed.lastStableOffset).toBe(committed.highWatermark);
    expect(committed.abortedTransactions).toEqual([{ producerId: uncommitted.batches[0].producerId, firstOffset: 3n }]);
    expect(committedValues(committed)).toEqual(['c1', 'c2', 'c3']);
  });

  const seen = async (readUncommitted: boolean): Promise<string[]> => {
    const consumer = kafka.consumer({ groupId: `g-${readUncommitted}`, readUncommitted, maxWaitTimeInMs: 100 });
    await consumer.connect();
    await consumer.subscribe({ topic, fromBeginning: true });
    const got: string[] = [];
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`consumer saw only ${got.join(',')}`)), 20000);
      void consumer.run({
        eachMessage: async ({ message }) => {
          got.push(message.value?.toString() ?? '');
          if (got.includes('c3')) {
            clearTimeout(timer);
            resolve();
          }
        },
      });
    });
    await consumer.disconnect();
    return got;
  };
  expect(await seen(false)).toEqual(['c1', 'c2', 'c3']);
  expect(await seen(true)).toEqual(['c1', 'c2', 'a1', 'a2', 'c3']);
});

test('an open transaction holds the last stable offset back until it ends', async () => {
  const topic = 'txn-lso';
  await createTopic(topic);
  const plain = kafka.producer();
  producers.push(plain);
  await plain.connect();
  await plain.send({ topic, messages: [{ value: 'before' }] });
  const producer = await txnProducer('tx-lso');
  const txn = await producer.transaction();
  await txn.send({ topic, messages: [{ value: 'pending' }] });
  await plain.send({ topic, messages: [{ value: 'after' }] });

  expect(await latestOffset(topic, 0)).toBe(3n);
  expect(await latestOffset(topic, 1)).toBe(1n);
  await withClient(async (c) => {
    const committed = await fetchPartition(c, topic, 0, 1);
    expect(committed.lastStableOffset).toBe(1n);
    expect(values(committed.batches)).toEqual(['before']);
  });
  await txn.commit();
  expect(await latestOffset(topic, 1)).toBe(4n);
  await withClient(async (c) => {
    expect(committedValues(await fetchPartition(c, topic, 0, 1))).toEqual(['before', 'pending', 'after']);
  });
});

test('a new producer instance with the same transactional id fences the old one and aborts its transaction', async () => {
  const topic = 'txn-fence';
  await createTopic(topic);
  const old = await txnProducer('tx-fence');
  const oldTxn = await old.transaction();
  await oldTxn.send({ topic, messages: [{ value: 'zombie' }] });
  const fresh = await txnProducer('tx-fence');
  // kafkajs initialises the producer id with the first transaction; that fences the old instance.
  const t = await fresh.transaction();
  await expect(oldTxn.send({ topic, messages: [{ value: 'zombie-2' }] })).rejects.toThrow();
  await expect(oldTxn.commit()).rejects.toThrow();
  await t.send({ topic, messages: [{ value: 'fresh' }] });
  await t.commit();
  await withClient(async (c) => {
    const committed = await fetchPartition(c, topic, 0, 1);
    expect(committedValues(committed)).toEqual(['fresh']);
    expect(committed.lastStableOffset).toBe(committed.highWatermark);
  });
});

test('a transaction past its timeout is aborted in the background and its producer fenced', async () => {
  const topic = 'txn-timeout';
  await createTopic(topic);
  const producer = await txnProducer('tx-timeout', 1000);
  const txn = await producer.transaction();
  await txn.send({ topic, messages: [{ value: 'too-slow' }] });
  expect(await latestOffset(topic, 1)).toBe(0n);
  const deadline = Date.now() + 10000;
  while ((await latestOffset(topic, 1)) === 0n && Date.now() < deadline) await new Promise((r) => setTimeout(r, 100));
  expect(await latestOffset(topic, 1)).toBe(2n);
  await expect(txn.commit()).rejects.toThrow();
  expect(broker.transactions.describe('tx-timeout')?.state).toBe('CompleteAbort');
  await withClient(async (c) => {
    const committed = await fetchPartition(c, topic, 0, 1);
    expect(committedValues(committed)).toEqual([]);
    expect(committed.abortedTransactions).toHaveLength(1);
  });
});

test('consume-transform-produce: offsets sent in a transaction are visible only once it commits', async () => {
  const input = 'ctp-in';
  const output = 'ctp-out';
  const groupId = 'ctp-group';
  await createTopic(input);
  await createTopic(output);
  const plain = kafka.producer();
  producers.push(plain);
  await plain.connect();
  await plain.send({ topic: input, messages: [{ value: 'i0' }, { value: 'i1' }, { value: 'i2' }] });
  const admin = kafka.admin();
  await admin.connect();
  const committedOffset = async (): Promise<string> => (await admin.fetchOffsets({ groupId, topics: [input] }))[0].partitions[0].offset;
  const stableCheck = async (): Promise<number> =>
    withClient(async (c) => {
      const res = await c.request(OffsetFetchRequestCodec, OffsetFetchResponseCodec, 7, {
        groupId,
        topics: [{ name: input, partitionIndexes: [0] }],
        requireStable: true,
      });
      return res.topics[0].partitions[0].errorCode;
    });
  try {
    const producer = await txnProducer('tx-ctp');
    const aborted = await producer.transaction();
    await aborted.send({ topic: output, messages: [{ value: 'o-aborted' }] });
    await aborted.sendOffsets({ consumerGroupId: groupId, topics: [{ topic: input, partitions: [{ partition: 0, offset: '2' }] }] });
    expect(await committedOffset()).toBe('-1');
    expect(await stableCheck()).toBe(ErrorCode.UNSTABLE_OFFSET_COMMIT);
    await aborted.abort();
    expect(await committedOffset()).toBe('-1');
    expect(await stableCheck()).toBe(ErrorCode.NONE);

    const committed = await producer.transaction();
    await committed.send({ topic: output, messages: [{ value: 'o-committed' }] });
    await committed.sendOffsets({ consumerGroupId: groupId, topics: [{ topic: input, partitions: [{ partition: 0, offset: '3' }] }] });
    expect(await committedOffset()).toBe('-1');
    await committed.commit();
    expect(await committedOffset()).toBe('3');
  } finally {
    await admin.disconnect();
  }
  await withClient(async (c) => {
    expect(committedValues(await fetchPartition(c, output, 0, 1))).toEqual(['o-committed']);
  });

  // The committed offset, and the aborted one's absence, survive a restart (replayed from __consumer_offsets).
  await broker.stop();
  const restarted = await startInProcess(dataDir, { 'transaction.state.log.num.partitions': '5', 'offsets.topic.num.partitions': '5' });
  broker = restarted.broker;
  kafka = new Kafka({ clientId: 'txn-test', brokers: [restarted.bootstrap], logLevel: logLevel.NOTHING });
  expect(broker.groups.fetchOffsets(groupId, [{ topic: input, partitions: [0] }]).topics[0].partitions[0].offset).toBe(3n);
});
