// Eddy as users run it: `node bin/eddy.js start` as a child process. Restarts keep data, SIGTERM shuts down
// cleanly (the next start skips recovery), and acknowledged records survive kill -9.
import { Kafka, logLevel } from 'kafkajs';
import { startChild, tempDataDir, removeDir, ChildBroker } from '../helpers/broker';

jest.setTimeout(60000);

const dirs: string[] = [];
const children: ChildBroker[] = [];

afterEach(async () => {
  for (const c of children.splice(0)) await c.kill();
  for (const d of dirs.splice(0)) removeDir(d);
});

async function start(dataDir: string): Promise<ChildBroker> {
  const child = await startChild(dataDir);
  children.push(child);
  return child;
}

function client(bootstrap: string): Kafka {
  return new Kafka({ clientId: 'process-test', brokers: [bootstrap], logLevel: logLevel.NOTHING, retry: { retries: 3 } });
}

test('data, topic ids and the cluster id survive a clean restart; SIGTERM exits 0', async () => {
  const dataDir = tempDataDir();
  dirs.push(dataDir);
  const first = await start(dataDir);
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

  const second = await start(dataDir);
  const admin2 = client(second.bootstrap).admin();
  await admin2.connect();
  try {
    const after = await admin2.fetchTopicMetadata({ topics: ['durable'] });
    expect(after.topics[0].partitions).toHaveLength(2);
    expect(await admin2.fetchTopicOffsets('durable')).toEqual(offsetsBefore);
    expect((await admin2.describeCluster()).clusterId).toBe(clusterBefore.clusterId);
    expect(before.topics[0].name).toBe('durable');
    // A clean shutdown means no recovery scan on the next start.
    expect(second.logLines.some((l) => /recover/i.test(l) && /truncat/i.test(l))).toBe(false);
  } finally {
    await admin2.disconnect();
  }
});

test('acknowledged records survive kill -9', async () => {
  const dataDir = tempDataDir();
  dirs.push(dataDir);
  const first = await start(dataDir);
  const kafka = client(first.bootstrap);
  const admin = kafka.admin();
  await admin.connect();
  await admin.createTopics({ topics: [{ topic: 'crashy' }] });
  await admin.disconnect();
  const producer = kafka.producer();
  await producer.connect();
  let acknowledged = 0;
  for (let i = 0; i < 20; i++) {
    await producer.send({ topic: 'crashy', acks: 1, messages: Array.from({ length: 25 }, (_, j) => ({ value: `m${i}-${j}` })) });
    acknowledged += 25;
  }
  await first.kill();
  await producer.disconnect().catch(() => undefined);

  const second = await start(dataDir);
  const admin2 = client(second.bootstrap).admin();
  await admin2.connect();
  try {
    const offsets = await admin2.fetchTopicOffsets('crashy');
    expect(Number(offsets[0].high)).toBeGreaterThanOrEqual(acknowledged);
  } finally {
    await admin2.disconnect();
  }
});

test('EDDY_CFG_* variables set broker configs, and unrelated EDDY_ variables are ignored', async () => {
  const dataDir = tempDataDir();
  dirs.push(dataDir);
  const env = { ...process.env, EDDY_CFG_NUM_PARTITIONS: '3', EDDY_SOMETHING_ELSE: 'x' };
  const child = await startChild(dataDir, [], 0, 15000, env);
  children.push(child);
  const admin = client(child.bootstrap).admin();
  await admin.connect();
  try {
    await admin.createTopics({ topics: [{ topic: 'defaults' }] });
    const meta = await admin.fetchTopicMetadata({ topics: ['defaults'] });
    expect(meta.topics[0].partitions).toHaveLength(3);
  } finally {
    await admin.disconnect();
  }
});

test('--help documents the options', async () => {
  const { execFileSync } = await import('child_process');
  const { EDDY_BIN } = await import('../helpers/broker');
  const out = execFileSync(process.execPath, [EDDY_BIN, 'start', '--help']).toString();
  for (const flag of ['--port', '--host', '--listeners', '--advertised-listeners', '--data-dir', '--log-level', '--config']) {
    expect(out).toContain(flag);
  }
});
