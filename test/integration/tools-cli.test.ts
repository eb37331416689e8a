// The `eddy` tools end to end against a running Eddy: each command through `node bin/eddy.js`, round trips with
// kafkajs in both directions, a group reset that a kafkajs consumer then starts from, the --json shapes scripts
// rely on, and bad input (unknown topic, malformed offset, unreachable broker) as one line and an exit code.
import * as net from 'net';
import { CompressionTypes, type Kafka } from 'kafkajs';
import { brokerPerSuite } from '../helpers/broker';
import { eddy } from '../helpers/eddy-tools';
import { createTopics, kafkaClient, withAdmin } from '../helpers/kafkajs';
import { waitFor } from '../helpers/wait';

jest.setTimeout(180_000);

const suite = brokerPerSuite({ dataDirPrefix: 'eddy-tools-cli-' });
const b = (): string[] => ['-b', suite.bootstrap];
let kafka: Kafka;
beforeAll(() => {
  kafka = kafkaClient(suite.bootstrap, 'tools-test');
});

interface ListedTopic {
  name: string;
  partitions: number;
  internal: boolean;
}

test('topic create, list, describe, alter-config and delete, with Kafka error names on failure', async () => {
  const created = await eddy(['topic', 'create', 'tools-admin', '-p', '3', '-c', 'retention.ms=60000', '--json', ...b()]);
  expect(created.code).toBe(0);
  expect(created.json()).toEqual({ topic: 'tools-admin', created: true, topicId: expect.any(String), partitions: 3, replicationFactor: 1 });

  const again = await eddy(['topic', 'create', 'tools-admin', ...b()]);
  expect(again.code).toBe(1);
  expect(again.stderr).toMatch(/^eddy topic create: TOPIC_ALREADY_EXISTS: topic 'tools-admin'/);
  expect((await eddy(['topic', 'create', 'tools-admin', '--if-not-exists', ...b()])).stdout).toBe('Topic tools-admin already exists.\n');

  expect((await eddy(['topic', 'alter-config', 'tools-admin', '-c', 'cleanup.policy=compact', '--delete-config', 'retention.ms', ...b()])).code).toBe(0);
  const listed = (await eddy(['topic', 'list', '--json', ...b()])).json<ListedTopic[]>();
  expect(listed).toContainEqual({ name: 'tools-admin', topicId: expect.any(String), partitions: 3, internal: false });

  const described = await eddy(['topic', 'describe', 'tools-admin', '--json', ...b()]);
  expect(described.json()).toEqual([
    {
      name: 'tools-admin',
      topicId: expect.any(String),
      internal: false,
      partitions: [0, 1, 2].map((partition) => ({ partition, leader: 1, leaderEpoch: 0, replicas: [1], isr: [1] })),
      configs: { 'cleanup.policy': 'compact' },
    },
  ]);
  const text = await eddy(['topic', 'describe', 'tools-admin', ...b()]);
  expect(text.stdout).toMatch(/^Topic: tools-admin\tTopicId: \S+\tPartitionCount: 3\tReplicationFactor: 1\tConfigs: cleanup.policy=compact\n/);
  expect(text.stdout).toContain('\tTopic: tools-admin\tPartition: 2\tLeader: 1\tReplicas: 1\tIsr: 1\n');

  expect((await eddy(['topic', 'delete', 'tools-admin', ...b()])).stdout).toBe('Deleted topic tools-admin.\n');
  const gone = await eddy(['topic', 'describe', 'tools-admin', ...b()]);
  expect([gone.code, gone.stdout, gone.stderr]).toEqual([1, '', "eddy topic describe: UNKNOWN_TOPIC_OR_PARTITION: topic 'tools-admin'\n"]);
});

test('eddy produce -> kafkajs: keys by murmur2, headers, gzip, 20k lines in batches; every codec back through eddy consume', async () => {
  await createTopics(kafka, [{ topic: 'tools-in', numPartitions: 3 }]);
  const lines = Array.from({ length: 20000 }, (_, i) => `key-${i % 50}|value-${i}`);
  const produced = await eddy(['produce', 'tools-in', '-K', '|', '-H', 'source=eddy', '-z', 'gzip', '--json', ...b()], lines.join('\n') + '\n');
  expect(produced.code).toBe(0);
  const summary = produced.json<{ records: number; batches: number; partitions: { partition: number; records: number }[] }>();
  expect(summary.records).toBe(20000);
  expect(summary.partitions.reduce((n, p) => n + p.records, 0)).toBe(20000);

  const seen: { partition: number; key: string; value: string; source: string }[] = [];
  const consumer = kafka.consumer({ groupId: 'tools-in-reader' });
  await consumer.connect();
  await consumer.subscribe({ topic: 'tools-in', fromBeginning: true });
  await consumer.run({
    eachMessage: async ({ partition, message }) => {
      seen.push({ partition, key: String(message.key), value: String(message.value), source: String(message.headers?.source) });
    },
  });
  try {
    await waitFor('kafkajs reads the 20000 records', () => seen.length >= 20000, 60000);
  } finally {
    await consumer.disconnect();
  }
  expect(seen.length).toBe(20000);
  // kafkajs's default partitioner is Java's murmur2: a producer of the same keys would have chosen these partitions.
  const partitionOfKey = new Map<string, number>();
  for (const r of seen) {
    expect(partitionOfKey.get(r.key) ?? r.partition).toBe(r.partition);
    partitionOfKey.set(r.key, r.partition);
    expect(r.source).toBe('eddy');
  }
  const order = seen.filter((r) => r.key === 'key-7').map((r) => Number(r.value.slice('value-'.length)));
  expect(order).toEqual([...order].sort((x, y) => x - y));

  // kafkajs reads gzip only without plugins: the other codecs come back through eddy consume.
  for (const codec of ['none', 'snappy', 'lz4', 'zstd']) {
    const one = await eddy(['produce', 'tools-in', '-p', '0', '-z', codec, ...b()], `${codec}-line\n`);
    expect([codec, one.code, one.stderr]).toEqual([codec, 0, '']);
  }
  const tail = await eddy(['consume', 'tools-in', '-p', '0', '--json', ...b(), '-o', String(summary.partitions.find((p) => p.partition === 0)?.records)]);
  expect(
    tail.stdout
      .trim()
      .split('\n')
      .map((line) => (JSON.parse(line) as { value: string }).value),
  ).toEqual(['none-line', 'snappy-line', 'lz4-line', 'zstd-line']);
});

test('kafkajs -> eddy consume: JSON shape, offsets, --max, hex and keys, timestamps, and exit at the end', async () => {
  await createTopics(kafka, [{ topic: 'tools-out', numPartitions: 2 }]);
  const producer = kafka.producer();
  await producer.connect();
  const base = 1_700_000_000_000;
  // Uncompressed: the --timestamp lookup below then reads a plain batch (compressed ones are inflated for it, as on
  // Kafka, and covered by storage's record-scan tests).
  await producer.send({
    topic: 'tools-out',
    messages: Array.from({ length: 10 }, (_, i) => ({
      partition: 0,
      key: `k${i}`,
      value: `v${i}`,
      timestamp: String(base + i * 1000),
      headers: { n: String(i) },
    })),
  });
  await producer.send({ topic: 'tools-out', compression: CompressionTypes.GZIP, messages: [{ partition: 1, key: null, value: 'only' }] });
  await producer.disconnect();

  const all = await eddy(['consume', 'tools-out', '--json', ...b()]);
  expect(all.code).toBe(0);
  const records = all.stdout
    .trim()
    .split('\n')
    .map((line) => JSON.parse(line) as Record<string, unknown>);
  expect(records).toHaveLength(11);
  expect(records[0]).toEqual({
    topic: 'tools-out',
    partition: 0,
    offset: 0,
    timestamp: base,
    timestampType: 'CreateTime',
    key: 'k0',
    value: 'v0',
    headers: [{ key: 'n', value: '0' }],
  });
  expect(records[10]).toMatchObject({ partition: 1, offset: 0, key: null, value: 'only' });

  const some = await eddy(['consume', 'tools-out', '-p', '0', '-o', '3', '-n', '2', '--format', 'hex', '--print-key', '--key-separator', '=', ...b()]);
  expect(some.stdout).toBe(
    `${Buffer.from('k3').toString('hex')}=${Buffer.from('v3').toString('hex')}\n${Buffer.from('k4').toString('hex')}=${Buffer.from('v4').toString('hex')}\n`,
  );
  const fromTime = await eddy(['consume', 'tools-out', '-p', '0', '--timestamp', new Date(base + 7500).toISOString(), ...b()]);
  expect(fromTime.stdout).toBe('v8\nv9\n');
  const latest = await eddy(['consume', 'tools-out', '-o', 'latest', ...b()]);
  expect([latest.code, latest.stdout]).toEqual([0, '']);
});

test('groups: consume --group commits, describe shows lag and members, reset needs an empty group, kafkajs resumes there, delete', async () => {
  await createTopics(kafka, [{ topic: 'tools-grp', numPartitions: 1 }]);
  expect((await eddy(['produce', 'tools-grp', ...b()], Array.from({ length: 10 }, (_, i) => `m${i}`).join('\n'))).code).toBe(0);
  expect((await eddy(['consume', 'tools-grp', '-g', 'tools-g', '-n', '4', ...b()])).stdout).toBe('m0\nm1\nm2\nm3\n');
  const described = (await eddy(['group', 'describe', 'tools-g', '--json', ...b()])).json<{ state: string; offsets: unknown[] }>();
  expect(described).toMatchObject({ group: 'tools-g', state: 'Empty', members: [] });
  expect(described.offsets).toEqual([{ topic: 'tools-grp', partition: 0, currentOffset: 4, logEndOffset: 10, lag: 6, memberId: null }]);

  // A live kafkajs member makes the group non-empty: Kafka refuses to reset it.
  const member = kafka.consumer({ groupId: 'tools-g' });
  await member.connect();
  await member.subscribe({ topic: 'tools-grp' });
  const got: string[] = [];
  await member.run({ eachMessage: async ({ message }) => void got.push(String(message.value)) });
  await waitFor('the kafkajs member resumes at the committed offset', () => got.length >= 6, 30000);
  expect(got[0]).toBe('m4');
  const live = await eddy(['group', 'describe', 'tools-g', ...b()]);
  expect(live.stdout).toMatch(/Consumer group 'tools-g' is Stable with 1 member\(s\)/);
  expect(live.stdout).toMatch(/tools-g\s+tools-grp\s+0\s+\d+\s+10\s+\d+\s+\S+\s+\S+\s+tools-test/);
  const refused = await eddy(['group', 'reset-offsets', 'tools-g', '--to-earliest', ...b()]);
  expect(refused.code).toBe(1);
  expect(refused.stderr).toMatch(/^eddy group reset-offsets: NON_EMPTY_GROUP: group 'tools-g'.*Stable/);
  await member.disconnect();

  const dry = (await eddy(['group', 'reset-offsets', 'tools-g', '--to-offset', '2', '--dry-run', '--json', ...b()])).json<{
    dryRun: boolean;
    offsets: unknown[];
  }>();
  expect(dry).toEqual({ group: 'tools-g', dryRun: true, offsets: [{ topic: 'tools-grp', partition: 0, previousOffset: 10, newOffset: 2 }] });
  expect((await eddy(['group', 'reset-offsets', 'tools-g', '--topic', 'tools-grp', '--to-offset', '2', ...b()])).code).toBe(0);
  const resumed = kafka.consumer({ groupId: 'tools-g' });
  await resumed.connect();
  await resumed.subscribe({ topic: 'tools-grp' });
  const offsets: string[] = [];
  await resumed.run({ eachMessage: async ({ message }) => void offsets.push(message.offset) });
  await waitFor('kafkajs starts at the reset offset', () => offsets.length >= 8, 30000);
  await resumed.disconnect();
  expect(offsets[0]).toBe('2');

  const listed = (await eddy(['group', 'list', '--json', ...b()])).json<{ group: string; state: string | null }[]>();
  expect(listed).toContainEqual({ group: 'tools-g', type: 'classic', state: 'Empty', protocolType: 'consumer' });
  expect((await eddy(['group', 'delete', 'tools-g', ...b()])).stdout).toBe('Deleted group tools-g.\n');
  const again = await eddy(['group', 'delete', 'tools-g', ...b()]);
  expect([again.code, again.stderr]).toEqual([1, "eddy group delete: GROUP_ID_NOT_FOUND: group 'tools-g'\n"]);
});

test('cluster info names the cluster, its broker and the API versions both sides speak', async () => {
  const info = (await eddy(['cluster', 'info', '--json', ...b()])).json<{ clusterId: string; apiVersions: { name: string; shared: number | null }[] }>();
  const clusterId = await withAdmin(kafka, async (admin) => (await admin.describeCluster()).clusterId);
  expect(info).toMatchObject({ clusterId, controllerId: 1, brokers: [{ nodeId: 1, host: '127.0.0.1', port: suite.broker.port, rack: null }] });
  expect(info.apiVersions.find((a) => a.name === 'Produce')).toEqual({
    apiKey: 0,
    name: 'Produce',
    brokerMin: 0,
    brokerMax: 13,
    eddyMin: 0,
    eddyMax: 13,
    shared: 13,
  });
});

test('bad input: unknown topic, malformed offset, unreachable broker, each a one-line message and its exit code', async () => {
  const unknown = await eddy(['produce', 'no-such-topic', ...b()], 'x\n');
  expect([unknown.code, unknown.stderr]).toEqual([1, "eddy produce: UNKNOWN_TOPIC_OR_PARTITION: topic 'no-such-topic'\n"]);
  const malformed = await eddy(['consume', 'tools-out', '-o', 'soon', ...b()]);
  expect([malformed.code, malformed.stderr]).toEqual([
    2,
    'eddy consume: --offset must be earliest, latest or an offset (a whole number of at least 0), got "soon"\n',
  ]);
  const closedPort = await new Promise<number>((resolve) => {
    const server = net.createServer().listen(0, '127.0.0.1', () => {
      const { port } = server.address() as net.AddressInfo;
      server.close(() => resolve(port));
    });
  });
  const unreachable = await eddy(['topic', 'list', '-b', `127.0.0.1:${closedPort}`]);
  expect([unreachable.code, unreachable.stderr]).toEqual([
    3,
    `eddy topic list: BROKER_UNREACHABLE: cannot reach broker 127.0.0.1:${closedPort}: connection refused (is a broker running there?)\n`,
  ]);
  const badAddress = await eddy(['topic', 'list', '-b', 'nowhere']);
  expect(badAddress.code).toBe(2);
  expect(badAddress.stderr).toMatch(/--bootstrap-server/);
});
