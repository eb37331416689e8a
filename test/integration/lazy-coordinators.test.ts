// Coordinators whose internal topic does not exist are built on first use; once their topic exists, the next
// start reloads them before listening. Group offsets and transactional ids behave the same either way.
import { Kafka, logLevel } from 'kafkajs';
import { Broker } from '../../src/broker/broker';
import { GroupCoordinator } from '../../src/groups/group-coordinator';
import { groupCoordinatorConfig } from '../../src/groups/group-config';
import { BrokerConfig } from '../../src/config/broker-config';
import { silentLogger } from '../../src/logger';
import { TransactionCoordinator } from '../../src/transactions/transaction-coordinator';
import { startInProcess, tempDataDir, removeDir } from '../helpers/broker';

jest.setTimeout(60000);

const dirs: string[] = [];
const brokers: Broker[] = [];
afterEach(async () => {
  for (const b of brokers.splice(0)) await b.stop();
  for (const d of dirs.splice(0)) removeDir(d);
});

async function start(dataDir: string): Promise<{ broker: Broker; bootstrap: string }> {
  const started = await startInProcess(dataDir, { 'offsets.topic.num.partitions': '3', 'transaction.state.log.num.partitions': '3' });
  brokers.push(started.broker);
  return started;
}

function kafka(bootstrap: string): Kafka {
  return new Kafka({ clientId: 'lazy-coordinators', brokers: [bootstrap], logLevel: logLevel.NOTHING, retry: { retries: 3 } });
}

test('a fresh broker builds neither coordinator until a request needs it', async () => {
  const dataDir = tempDataDir();
  dirs.push(dataDir);
  const { broker, bootstrap } = await start(dataDir);
  expect(broker.coordinators.started).toEqual({ groups: false, transactions: false });
  const admin = kafka(bootstrap).admin();
  await admin.connect();
  await admin.createTopics({ topics: [{ topic: 'plain', numPartitions: 1 }] });
  await admin.disconnect();
  expect(broker.coordinators.started).toEqual({ groups: false, transactions: false });
  expect(broker.groups.partitionFor('g')).toBeGreaterThanOrEqual(0);
  expect(broker.coordinators.started).toEqual({ groups: true, transactions: false });
});

test('offsets committed to a lazily built coordinator are reloaded at the next start, before it listens', async () => {
  const dataDir = tempDataDir();
  dirs.push(dataDir);
  const first = await start(dataDir);
  const admin = kafka(first.bootstrap).admin();
  await admin.connect();
  await admin.createTopics({ topics: [{ topic: 'orders', numPartitions: 1 }] });
  await admin.disconnect();
  const producer = kafka(first.bootstrap).producer({ transactionalId: 'tx-1', idempotent: true, maxInFlightRequests: 1 });
  await producer.connect();
  const txn = await producer.transaction();
  await txn.send({ topic: 'orders', messages: [{ value: 'a' }, { value: 'b' }] });
  await txn.sendOffsets({ consumerGroupId: 'billing', topics: [{ topic: 'orders', partitions: [{ partition: 0, offset: '2' }] }] });
  await txn.commit();
  await producer.disconnect();
  expect(first.broker.coordinators.started).toEqual({ groups: true, transactions: true });
  await first.broker.stop();
  brokers.splice(brokers.indexOf(first.broker), 1);

  const second = await start(dataDir);
  expect(second.broker.coordinators.started).toEqual({ groups: true, transactions: true });
  expect(second.broker.transactions.describe('tx-1')).toBeDefined();
  const admin2 = kafka(second.bootstrap).admin();
  await admin2.connect();
  try {
    const offsets = await admin2.fetchOffsets({ groupId: 'billing', topics: ['orders'] });
    expect(offsets[0].partitions).toEqual([expect.objectContaining({ partition: 0, offset: '2' })]);
  } finally {
    await admin2.disconnect();
  }
});

test('the synchronous factories refuse a data dir whose internal topic exists (its state must be reloaded)', async () => {
  const dataDir = tempDataDir();
  dirs.push(dataDir);
  const { broker } = await start(dataDir);
  await broker.groups.ensureOffsetsTopic();
  const config = new BrokerConfig({ 'log.dirs': dataDir });
  expect(() =>
    GroupCoordinator.startWithoutState({ storage: broker.logs, config: groupCoordinatorConfig(config), logger: silentLogger() }),
  ).toThrow(/must be reloaded/);
  await broker.logs.createTopic('__transaction_state', 1);
  expect(() =>
    TransactionCoordinator.startWithoutState({
      storage: broker.logs,
      producerIds: {} as never,
      config: { numPartitions: 1, maxTimeoutMs: 1000, abortCheckIntervalMs: 1000, idExpirationMs: 1000 },
      logger: silentLogger(),
    }),
  ).toThrow(/must be reloaded/);
});
