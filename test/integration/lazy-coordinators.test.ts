// Coordinators whose internal topic does not exist are built on first use; once their topic exists, the next
// start reloads them before listening. Group offsets and transactional ids behave the same either way.
import { GroupCoordinator } from '../../src/groups/group-coordinator';
import { groupCoordinatorConfig } from '../../src/groups/group-config';
import { BrokerConfig } from '../../src/config/broker-config';
import { silentLogger } from '../../src/logger';
import { TransactionCoordinator } from '../../src/transactions/transaction-coordinator';
import { brokersPerTest } from '../helpers/broker';
import { createTopics, kafkaClient, withAdmin } from '../helpers/kafkajs';

jest.setTimeout(60000);

const brokers = brokersPerTest();
const start = (dataDir: string) => brokers.inProcess(dataDir, { 'offsets.topic.num.partitions': '3', 'transaction.state.log.num.partitions': '3' });
const kafka = (bootstrap: string) => kafkaClient(bootstrap, 'lazy-coordinators');

test('a fresh broker builds neither coordinator until a request needs it', async () => {
  const { broker, bootstrap } = await start(brokers.dataDir());
  expect(broker.coordinators.started).toEqual({ groups: false, transactions: false });
  await createTopics(kafka(bootstrap), [{ topic: 'plain', numPartitions: 1 }]);
  expect(broker.coordinators.started).toEqual({ groups: false, transactions: false });
  expect(broker.groups.partitionFor('g')).toBeGreaterThanOrEqual(0);
  expect(broker.coordinators.started).toEqual({ groups: true, transactions: false });
});

test('offsets committed to a lazily built coordinator are reloaded at the next start, before it listens', async () => {
  const dataDir = brokers.dataDir();
  const first = await start(dataDir);
  await createTopics(kafka(first.bootstrap), [{ topic: 'orders', numPartitions: 1 }]);
  const producer = kafka(first.bootstrap).producer({ transactionalId: 'tx-1', idempotent: true, maxInFlightRequests: 1 });
  await producer.connect();
  const txn = await producer.transaction();
  await txn.send({ topic: 'orders', messages: [{ value: 'a' }, { value: 'b' }] });
  await txn.sendOffsets({ consumerGroupId: 'billing', topics: [{ topic: 'orders', partitions: [{ partition: 0, offset: '2' }] }] });
  await txn.commit();
  await producer.disconnect();
  expect(first.broker.coordinators.started).toEqual({ groups: true, transactions: true });
  await brokers.stop(first.broker);

  const second = await start(dataDir);
  expect(second.broker.coordinators.started).toEqual({ groups: true, transactions: true });
  expect(second.broker.transactions.describe('tx-1')).toBeDefined();
  const offsets = await withAdmin(kafka(second.bootstrap), (admin2) => admin2.fetchOffsets({ groupId: 'billing', topics: ['orders'] }));
  expect(offsets[0].partitions).toEqual([expect.objectContaining({ partition: 0, offset: '2' })]);
});

test('the synchronous factories refuse a data dir whose internal topic exists (its state must be reloaded)', async () => {
  const dataDir = brokers.dataDir();
  const { broker } = await start(dataDir);
  await broker.groups.ensureOffsetsTopic();
  const config = new BrokerConfig({ 'log.dirs': dataDir });
  expect(() => GroupCoordinator.startWithoutState({ storage: broker.logs, config: groupCoordinatorConfig(config), logger: silentLogger() })).toThrow(
    /must be reloaded/,
  );
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
