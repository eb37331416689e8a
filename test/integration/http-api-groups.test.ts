// The console's JSON API over real sockets, groups part: a kafkajs group's consumers, assignments and lags as
// REST v3 shows them (compared with kafkajs's admin), offset resets refused while the group has members and then
// applied (a kafkajs consumer resumes where the reset put it), group deletion with Kafka's rules; and Eddy's
// overview, topic statistics, transactions and producers.
import type { Consumer, Kafka } from 'kafkajs';
import { kafkaClient, withAdmin } from '../helpers/kafkajs';
import { waitFor } from '../helpers/wait';
import { apiSuite } from './http-api-harness';

jest.setTimeout(90000);

const api = apiSuite({ 'group.initial.rebalance.delay.ms': '0', 'offsets.topic.num.partitions': '3' });
const kafka = (): Kafka => kafkaClient(api.suite.bootstrap, 'http-api-groups');

type Resource = Record<string, unknown>;
interface Listed<T = Resource> {
  kind: string;
  data: T[];
}
interface ErrorBody {
  error_code: number;
  message: string;
}

async function produce(topic: string, partitions: number, perPartition: number): Promise<void> {
  const producer = kafka().producer();
  await producer.connect();
  const messages = [];
  for (let p = 0; p < partitions; p++)
    for (let i = 0; i < perPartition; i++) messages.push({ partition: p, key: `k${i}`, value: `p${p}-${i}`, timestamp: String(1_650_000_000_000 + i * 1000) });
  await producer.send({ topic, messages });
  await producer.disconnect();
}

/** A kafkajs consumer of the group that records what it reads; resolves once it has read `until` records. */
async function consume(groupId: string, topic: string, until: number): Promise<{ consumer: Consumer; seen: Array<{ partition: number; offset: number }> }> {
  const consumer = kafka().consumer({ groupId, maxWaitTimeInMs: 100, heartbeatInterval: 200, sessionTimeout: 6000 });
  const seen: Array<{ partition: number; offset: number }> = [];
  await consumer.connect();
  await consumer.subscribe({ topic, fromBeginning: true });
  await consumer.run({ autoCommitInterval: 50, eachMessage: async ({ partition, message }) => void seen.push({ partition, offset: Number(message.offset) }) });
  await waitFor(`${until} records read by ${groupId}`, () => seen.length >= until);
  return { consumer, seen };
}

describe('consumer groups', () => {
  const topic = 'groups-topic';
  const group = 'rest-group';
  let running: Consumer | undefined;

  beforeAll(async () => {
    await api.call('POST', `${api.cluster}/topics`, { topic_name: topic, partitions_count: 2 });
    await produce(topic, 2, 10);
  });
  afterAll(async () => {
    await running?.disconnect();
  });

  test('a live group: its consumers, their assignments and lags, as kafkajs sees them', async () => {
    running = (await consume(group, topic, 20)).consumer;
    const base = `${api.cluster}/consumer-groups/${group}`;
    await waitFor(
      'offsets committed',
      async () => (await api.get<Resource>(`${base}/lag-summary`)).body.total_lag === 0 && (await api.get<Listed>(`${base}/lags`)).body.data.length === 2,
    );
    const listed = await api.get<Listed>(`${api.cluster}/consumer-groups`);
    const described = await api.get<Resource>(base);
    expect(listed.body.data).toContainEqual(described.body);
    expect(described.body).toEqual(
      expect.objectContaining({ kind: 'KafkaConsumerGroup', consumer_group_id: group, state: 'STABLE', is_simple: false, type: 'CLASSIC' }),
    );
    const kafkaView = await withAdmin(kafka(), (admin) => admin.describeGroups([group]));
    const member = kafkaView.groups[0].members[0];
    expect(described.body.partition_assignor).toBe(kafkaView.groups[0].protocol);
    const consumers = await api.get<Listed>(`${base}/consumers`);
    expect(consumers.body.data).toEqual([
      expect.objectContaining({ kind: 'KafkaConsumer', consumer_id: member.memberId, client_id: member.clientId, instance_id: null }),
    ]);
    const assignments = await api.get<Listed>(`${base}/consumers/${encodeURIComponent(member.memberId)}/assignments`);
    expect(assignments.body.data.map((a) => [a.topic_name, a.partition_id])).toEqual([
      [topic, 0],
      [topic, 1],
    ]);
    const lags = await api.get<Listed>(`${base}/lags`);
    const committed = await withAdmin(kafka(), (admin) => admin.fetchOffsets({ groupId: group, topics: [topic] }));
    expect(lags.body.data.map((l) => [l.partition_id, l.current_offset, l.log_end_offset, l.lag, l.consumer_id])).toEqual(
      committed[0].partitions.sort((a, b) => a.partition - b.partition).map((p) => [p.partition, Number(p.offset), 10, 0, member.memberId]),
    );
    const one = await api.get<Resource>(`${base}/lags/${topic}/1`);
    expect(one.body).toEqual(lags.body.data[1]);
    expect((await api.get<ErrorBody>(`${base}/consumers/nobody`)).status).toBe(404);
  });

  test('reset and delete are refused while the group has members, as Kafka refuses them', async () => {
    const reset = await api.call<ErrorBody>('POST', `/api/consumer-groups/${group}/reset-offsets`, { strategy: 'earliest' });
    expect(reset.status).toBe(400);
    expect(reset.body).toEqual({
      error_code: 40002,
      message: `Assignments can only be reset if the group '${group}' is inactive, but the current state is Stable.`,
    });
    const deleted = await api.call<ErrorBody>('DELETE', `/api/consumer-groups/${group}`);
    expect(deleted.body).toEqual({ error_code: 40002, message: `The group ${group} is not empty.` });
    // Kafka's AdminClient gets the same refusal (NON_EMPTY_GROUP).
    await expect(withAdmin(kafka(), (admin) => admin.deleteGroups([group]))).rejects.toThrow();
  });

  test('once empty: reset to an offset, a kafkajs consumer resumes there; lag follows the reset', async () => {
    await running?.disconnect();
    running = undefined;
    await waitFor('the group to empty', async () => (await api.get<Resource>(`${api.cluster}/consumer-groups/${group}`)).body.state === 'EMPTY');
    const dry = await api.call<Resource>('POST', `/api/consumer-groups/${group}/reset-offsets`, { strategy: 'earliest', dry_run: true });
    expect(dry.body.offsets).toEqual(
      expect.arrayContaining([
        { topic_name: topic, partition_id: 0, previous_offset: 10, offset: 0 },
        { topic_name: topic, partition_id: 1, previous_offset: 10, offset: 0 },
      ]),
    );
    const reset = await api.call<Resource>('POST', `/api/consumer-groups/${group}/reset-offsets`, {
      strategy: 'offset',
      offset: 4,
      topics: [{ topic_name: topic, partitions: [0] }],
    });
    expect(reset.status).toBe(200);
    expect(reset.body.offsets).toEqual([{ topic_name: topic, partition_id: 0, previous_offset: 10, offset: 4 }]);
    const lag = await api.get<Resource>(`${api.cluster}/consumer-groups/${group}/lags/${topic}/0`);
    expect(lag.body).toEqual(expect.objectContaining({ current_offset: 4, lag: 6, consumer_id: '' }));
    const summary = await api.get<Resource>(`${api.cluster}/consumer-groups/${group}/lag-summary`);
    expect(summary.body).toEqual(expect.objectContaining({ total_lag: 6, max_lag: 6, max_lag_topic_name: topic, max_lag_partition_id: 0 }));
    const resumed = await consume(group, topic, 6);
    await new Promise((r) => setTimeout(r, 300));
    await resumed.consumer.disconnect();
    expect(resumed.seen.map((s) => [s.partition, s.offset])).toEqual([4, 5, 6, 7, 8, 9].map((o) => [0, o]));
  });

  test('reset by timestamp and to the latest; an offset beyond the log is clamped, as kafka-consumer-groups does', async () => {
    const byTime = await api.call<Resource>('POST', `/api/consumer-groups/${group}/reset-offsets`, {
      strategy: 'timestamp',
      timestamp: 1_650_000_000_000 + 7_500,
    });
    expect(byTime.body.offsets).toEqual(
      expect.arrayContaining([expect.objectContaining({ partition_id: 0, offset: 8 }), expect.objectContaining({ partition_id: 1, offset: 8 })]),
    );
    const committed = await withAdmin(kafka(), (admin) => admin.fetchOffsets({ groupId: group, topics: [topic] }));
    expect(committed[0].partitions.map((p) => p.offset).sort()).toEqual(['8', '8']);
    const clamped = await api.call<Resource>('POST', `/api/consumer-groups/${group}/reset-offsets`, { strategy: 'offset', offset: 1000 });
    expect(clamped.body.offsets).toEqual(expect.arrayContaining([expect.objectContaining({ partition_id: 0, offset: 10 })]));
    const latest = await api.call<Resource>('POST', `/api/consumer-groups/${group}/reset-offsets`, { strategy: 'latest' });
    expect((latest.body.offsets as Resource[]).every((o) => o.offset === 10)).toBe(true);
  });

  test('a new group can be given offsets; bad reset requests are refused', async () => {
    const fresh = await api.call<Resource>('POST', `/api/consumer-groups/fresh-group/reset-offsets`, { strategy: 'earliest', topics: [{ topic_name: topic }] });
    expect(fresh.status).toBe(200);
    expect((await api.get<Resource>(`${api.cluster}/consumer-groups/fresh-group`)).body).toEqual(expect.objectContaining({ state: 'EMPTY', is_simple: true }));
    const refused = async (groupId: string, body: unknown): Promise<ErrorBody & { status: number }> => {
      const res = await api.call<ErrorBody>('POST', `/api/consumer-groups/${groupId}/reset-offsets`, body);
      return { status: res.status, ...res.body };
    };
    expect(await refused('never-committed', { strategy: 'earliest' })).toEqual({
      status: 400,
      error_code: 400,
      message: 'Group never-committed has no committed offsets: name the topics to reset',
    });
    expect(await refused(group, { strategy: 'sideways' })).toEqual(expect.objectContaining({ status: 400, error_code: 400 }));
    expect(await refused(group, { strategy: 'offset' })).toEqual({ status: 400, error_code: 400, message: 'strategy offset needs an offset' });
    expect(await refused(group, { strategy: 'offset', offset: -3 })).toEqual(expect.objectContaining({ status: 400 }));
    expect(await refused(group, { strategy: 'earliest', topics: [{ topic_name: 'nope' }] })).toEqual(
      expect.objectContaining({ status: 404, error_code: 40403 }),
    );
    expect(await refused(group, { strategy: 'earliest', topics: [{ topic_name: topic, partitions: [9] }] })).toEqual(
      expect.objectContaining({ status: 404, error_code: 40403 }),
    );
  });

  test('delete: an empty group goes with its offsets; an unknown one is 404', async () => {
    expect((await api.call('DELETE', `/api/consumer-groups/${group}`)).status).toBe(204);
    expect((await api.get<ErrorBody>(`${api.cluster}/consumer-groups/${group}`)).body).toEqual({ error_code: 404, message: `Group ${group} not found.` });
    const kafkaGroups = await withAdmin(kafka(), (admin) => admin.listGroups());
    expect(kafkaGroups.groups.map((g) => g.groupId)).not.toContain(group);
    expect((await api.call<ErrorBody>('DELETE', `/api/consumer-groups/${group}`)).body).toEqual({ error_code: 404, message: `Group ${group} not found.` });
  });
});

describe('overview, topic statistics, transactions and producers', () => {
  test('the overview and the topic list with counts, sizes, retention and cleanup policy', async () => {
    await api.call('POST', `${api.cluster}/topics`, {
      topic_name: 'stats-topic',
      partitions_count: 2,
      configs: [{ name: 'cleanup.policy', value: 'compact' }],
    });
    await produce('stats-topic', 2, 5);
    const overview = await api.get<Resource>('/api/overview');
    expect(overview.body).toEqual(
      expect.objectContaining({
        broker_id: 1,
        cluster_id: api.suite.broker.identity.clusterId,
        listeners: [`PLAINTEXT://127.0.0.1:${api.suite.broker.port}`],
        data_dir: api.suite.dataDir,
      }),
    );
    expect(overview.body.data_dir_size_bytes).toBeGreaterThan(0);
    expect(overview.body.topic_count).toBe(api.suite.broker.topics.all().length);
    const topics = await api.get<{ data: Resource[] }>('/api/topics');
    expect(topics.body.data.find((t) => t.topic_name === 'stats-topic')).toEqual(
      expect.objectContaining({
        partitions_count: 2,
        record_count: 10,
        is_internal: false,
        retention_ms: '604800000',
        retention_bytes: '-1',
        cleanup_policy: 'compact',
      }),
    );
    expect((topics.body.data.find((t) => t.topic_name === 'stats-topic')?.size_bytes as number) > 0).toBe(true);
  });

  test('open transactions and the producers of a topic, as DescribeTransactions and DescribeProducers report them', async () => {
    await api.call('POST', `${api.cluster}/topics`, { topic_name: 'txn-topic' });
    const producer = kafka().producer({ transactionalId: 'console-txn', idempotent: true, maxInFlightRequests: 1 });
    await producer.connect();
    const txn = await producer.transaction();
    await txn.send({ topic: 'txn-topic', messages: [{ value: 'pending' }] });
    const open = await api.get<{ data: Resource[] }>('/api/transactions');
    expect(open.body.data).toContainEqual(
      expect.objectContaining({ transactional_id: 'console-txn', state: 'Ongoing', partitions: [{ topic_name: 'txn-topic', partitions: [0] }] }),
    );
    const producers = await api.get<{ data: Resource[] }>('/api/producers?topic=txn-topic');
    expect(producers.body.data).toEqual([expect.objectContaining({ topic_name: 'txn-topic', partition_id: 0, current_txn_start_offset: 0, last_sequence: 0 })]);
    await txn.commit();
    await producer.disconnect();
    const after = await api.get<{ data: Resource[] }>('/api/producers?topic=txn-topic');
    expect(after.body.data[0].current_txn_start_offset).toBe(-1);
    expect((await api.get<ErrorBody>('/api/producers?topic=nope')).body.error_code).toBe(40403);
  });
});
