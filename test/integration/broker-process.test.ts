// Eddy as users run it: `node bin/eddy.js start` as a child process. Restarts keep data, SIGTERM shuts down
// cleanly (the next start skips recovery), and acknowledged records survive kill -9.
import { brokersPerTest } from '../helpers/broker';
import { createTopics, kafkaClient, withAdmin } from '../helpers/kafkajs';

jest.setTimeout(60000);

const brokers = brokersPerTest();
const client = (bootstrap: string) => kafkaClient(bootstrap, 'process-test');

test('data, topic ids and the cluster id survive a clean restart; SIGTERM exits 0', async () => {
  const dataDir = brokers.dataDir();
  const first = await brokers.child(dataDir);
  const kafka = client(first.bootstrap);
  const admin = kafka.admin();
  await admin.connect();
  await admin.createTopics({ topics: [{ topic: 'durable', numPartitions: 2 }] });
  const producer = kafka.producer();
  await producer.connect();
  for (let i = 0; i < 10; i++) {
    await producer.send({ topic: 'durable', messages: Array.from({ length: 50 }, (_, j) => ({ key: `k${j}`, value: `v${i}-${j}` })) });
  }
  const before = await admin.fetchTopicMetadata({ topics: ['durable'] });
  const offsetsBefore = await admin.fetchTopicOffsets('durable');
  const clusterBefore = await admin.describeCluster();
  await producer.disconnect();
  await admin.disconnect();
  expect(await first.stop()).toBe(0);
  expect(first.logLines.some((l) => l.includes('Eddy broker stopped'))).toBe(true);

  const second = await brokers.child(dataDir);
  await withAdmin(client(second.bootstrap), async (admin2) => {
    const after = await admin2.fetchTopicMetadata({ topics: ['durable'] });
    expect(after.topics[0].partitions).toHaveLength(2);
    expect(await admin2.fetchTopicOffsets('durable')).toEqual(offsetsBefore);
    expect((await admin2.describeCluster()).clusterId).toBe(clusterBefore.clusterId);
  });
  expect(before.topics[0].name).toBe('durable');
  // A clean shutdown means no recovery scan on the next start.
  expect(second.logLines.some((l) => /recover/i.test(l) && /truncat/i.test(l))).toBe(false);
});

test('acknowledged records survive kill -9', async () => {
  const dataDir = brokers.dataDir();
  const first = await brokers.child(dataDir);
  const kafka = client(first.bootstrap);
  await createTopics(kafka, [{ topic: 'crashy' }]);
  const producer = kafka.producer();
  await producer.connect();
  let acknowledged = 0;
  for (let i = 0; i < 20; i++) {
    await producer.send({ topic: 'crashy', acks: 1, messages: Array.from({ length: 25 }, (_, j) => ({ value: `m${i}-${j}` })) });
    acknowledged += 25;
  }
  await first.kill();
  await producer.disconnect().catch(() => undefined);

  const second = await brokers.child(dataDir);
  const offsets = await withAdmin(client(second.bootstrap), (admin2) => admin2.fetchTopicOffsets('crashy'));
  expect(Number(offsets[0].high)).toBeGreaterThanOrEqual(acknowledged);
});

test('EDDY_CFG_* variables set broker configs, and unrelated EDDY_ variables are ignored', async () => {
  const env = { ...process.env, EDDY_CFG_NUM_PARTITIONS: '3', EDDY_SOMETHING_ELSE: 'x' };
  const child = await brokers.child(brokers.dataDir(), [], env);
  const meta = await withAdmin(client(child.bootstrap), async (admin) => {
    await admin.createTopics({ topics: [{ topic: 'defaults' }] });
    return admin.fetchTopicMetadata({ topics: ['defaults'] });
  });
  expect(meta.topics[0].partitions).toHaveLength(3);
});

test('--help documents the options', async () => {
  const { execFileSync } = await import('child_process');
  const { EDDY_BIN } = await import('../helpers/broker');
  const out = execFileSync(process.execPath, [EDDY_BIN, 'start', '--help']).toString();
  for (const flag of ['--port', '--host', '--listeners', '--advertised-listeners', '--data-dir', '--log-level', '--config']) {
    expect(out).toContain(flag);
  }
});
