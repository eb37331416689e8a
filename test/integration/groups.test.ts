// Consumer groups end to end with kafkajs 2.2.4: partitions shared out exactly once, rebalances on join, leave
// and silent death, committed offsets across consumer and broker restarts, the admin group APIs, and the
// coordinator's error answers (driven with a raw protocol client, since real clients avoid them).
import { Kafka, logLevel, Admin, Producer, Consumer, EachMessagePayload } from 'kafkajs';
import { startInProcess, removeDir, tempDataDir } from '../helpers/broker';
import { RawClient } from '../helpers/raw-client';
import type { Broker } from '../../src/broker/broker';
import { Writer } from '../../codecs/primitives/writer';
import { JoinGroupRequestCodec } from '../../codecs/generated/JoinGroupRequest';
import { JoinGroupResponseCodec } from '../../codecs/generated/JoinGroupResponse';
import { SyncGroupRequestCodec } from '../../codecs/generated/SyncGroupRequest';
import { SyncGroupResponseCodec } from '../../codecs/generated/SyncGroupResponse';
import { HeartbeatRequestCodec } from '../../codecs/generated/HeartbeatRequest';
import { HeartbeatResponseCodec } from '../../codecs/generated/HeartbeatResponse';
import { LeaveGroupRequestCodec } from '../../codecs/generated/LeaveGroupRequest';
import { LeaveGroupResponseCodec } from '../../codecs/generated/LeaveGroupResponse';
import { OffsetCommitRequestCodec } from '../../codecs/generated/OffsetCommitRequest';
import { OffsetCommitResponseCodec } from '../../codecs/generated/OffsetCommitResponse';
import { OffsetFetchRequestCodec } from '../../codecs/generated/OffsetFetchRequest';
import { OffsetFetchResponseCodec } from '../../codecs/generated/OffsetFetchResponse';
import { OffsetDeleteRequestCodec } from '../../codecs/generated/OffsetDeleteRequest';
import { OffsetDeleteResponseCodec } from '../../codecs/generated/OffsetDeleteResponse';
import { DescribeGroupsRequestCodec } from '../../codecs/generated/DescribeGroupsRequest';
import { DescribeGroupsResponseCodec } from '../../codecs/generated/DescribeGroupsResponse';
import { ListGroupsRequestCodec } from '../../codecs/generated/ListGroupsRequest';
import { ListGroupsResponseCodec } from '../../codecs/generated/ListGroupsResponse';
import { FindCoordinatorRequestCodec } from '../../codecs/generated/FindCoordinatorRequest';
import { FindCoordinatorResponseCodec } from '../../codecs/generated/FindCoordinatorResponse';
import { DeleteGroupsRequestCodec } from '../../codecs/generated/DeleteGroupsRequest';
import { DeleteGroupsResponseCodec } from '../../codecs/generated/DeleteGroupsResponse';
import { ConsumerGroupHeartbeatRequestCodec } from '../../codecs/generated/ConsumerGroupHeartbeatRequest';
import { ConsumerGroupHeartbeatResponseCodec } from '../../codecs/generated/ConsumerGroupHeartbeatResponse';
import { ConsumerGroupDescribeRequestCodec } from '../../codecs/generated/ConsumerGroupDescribeRequest';
import { ConsumerGroupDescribeResponseCodec } from '../../codecs/generated/ConsumerGroupDescribeResponse';
import { ErrorCode } from '../../codecs/protocol/errors';
import { DEBIAN_PYTHON, pythonHasModule, run } from '../helpers/tools';

jest.setTimeout(60000);

const BROKER_OVERRIDES = {
  // Lets the raw "dead member" use a short session, so its expiry is quick to observe.
  'group.min.session.timeout.ms': '1000',
  'offsets.topic.num.partitions': '10',
};

/** Consumer settings that make kafkajs notice rebalances quickly (it heartbeats between fetch long-polls). */
const FAST_CONSUMER = { sessionTimeout: 6000, rebalanceTimeout: 10000, heartbeatInterval: 200, maxWaitTimeInMs: 200 };

async function waitFor(what: string, check: () => boolean | Promise<boolean>, timeoutMs = 20000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

interface TrackedConsumer {
  readonly name: string;
  readonly consumer: Consumer;
  /** Latest assignment from GROUP_JOIN: partitions of the test topic. */
  assigned: number[];
  joins: number;
  readonly consumed: Array<{ partition: number; offset: string; key: string }>;
}

class GroupHarness {
  readonly consumers: TrackedConsumer[] = [];
  private stopped = new Set<TrackedConsumer>();

  constructor(
    private readonly kafka: Kafka,
    private readonly groupId: string,
    private readonly topic: string,
  ) {}

  async add(name: string, opts: { fromBeginning?: boolean; autoCommitInterval?: number } = {}): Promise<TrackedConsumer> {
    const consumer = this.kafka.consumer({ groupId: this.groupId, ...FAST_CONSUMER });
    const tracked: TrackedConsumer = { name, consumer, assigned: [], joins: 0, consumed: [] };
    consumer.on(consumer.events.GROUP_JOIN, (e) => {
      tracked.assigned = [...(e.payload.memberAssignment[this.topic] ?? [])].sort((a, b) => a - b);
      tracked.joins++;
    });
    await consumer.connect();
    await consumer.subscribe({ topic: this.topic, fromBeginning: opts.fromBeginning ?? true });
    await consumer.run({
      autoCommitInterval: opts.autoCommitInterval ?? 100,
      eachMessage: async ({ partition, message }: EachMessagePayload) => {
        tracked.consumed.push({ partition, offset: message.offset, key: message.key?.toString() ?? '' });
      },
    });
    this.consumers.push(tracked);
    return tracked;
  }

  active(): TrackedConsumer[] {
    return this.consumers.filter((c) => !this.stopped.has(c));
  }

  /** True when the active members' assignments are disjoint and together cover every partition. */
  settled(partitions: number): boolean {
    const active = this.active();
    const all = active.flatMap((c) => c.assigned);
    return active.every((c) => c.assigned.length > 0) && all.length === partitions && new Set(all).size === partitions;
  }

  async stop(c: TrackedConsumer): Promise<void> {
    this.stopped.add(c);
    await c.consumer.disconnect();
  }

  async stopAll(): Promise<void> {
    for (const c of this.consumers) {
      if (!this.stopped.has(c)) await this.stop(c);
    }
  }

  consumedKeys(): string[] {
    return this.consumers.flatMap((c) => c.consumed.map((m) => m.key));
  }
}

async function produce(producer: Producer, topic: string, prefix: string, count: number): Promise<string[]> {
  const keys = Array.from({ length: count }, (_, i) => `${prefix}-${i}`);
  await producer.send({ topic, messages: keys.map((k) => ({ key: k, value: `value of ${k}` })) });
  return keys;
}

function expectExactlyOnce(consumed: string[], produced: string[]): void {
  expect(consumed.length).toBe(produced.length);
  expect(new Set(consumed).size).toBe(produced.length);
  expect([...consumed].sort()).toEqual([...produced].sort());
}

/** kafkajs-compatible consumer protocol subscription metadata: INT16 version, topics, user data. */
function subscriptionMetadata(topics: string[]): Buffer {
  const w = new Writer();
  w.writeInt16(0);
  w.writeArrayLength(topics.length);
  for (const t of topics) w.writeString(t);
  w.writeBytes(Buffer.alloc(0));
  return w.toBuffer();
}

describe('consumer groups with kafkajs', () => {
  let broker: Broker;
  let dataDir: string;
  let kafka: Kafka;
  let admin: Admin;
  let producer: Producer;
  let harnesses: GroupHarness[] = [];
  let topicSeq = 0;

  const newTopic = async (partitions = 6): Promise<string> => {
    const topic = `groups-topic-${++topicSeq}`;
    await admin.createTopics({ topics: [{ topic, numPartitions: partitions }] });
    return topic;
  };
  const harness = (groupId: string, topic: string): GroupHarness => {
    const h = new GroupHarness(kafka, groupId, topic);
    harnesses.push(h);
    return h;
  };
  const connectClients = async (bootstrap: string): Promise<void> => {
    kafka = new Kafka({ clientId: 'groups-test', brokers: [bootstrap], logLevel: logLevel.NOTHING });
    admin = kafka.admin();
    await admin.connect();
    producer = kafka.producer({ allowAutoTopicCreation: false });
    await producer.connect();
  };
  const disconnectClients = async (): Promise<void> => {
    for (const h of harnesses) await h.stopAll();
    harnesses = [];
    await producer?.disconnect();
    await admin?.disconnect();
  };

  beforeAll(async () => {
    dataDir = tempDataDir('eddy-groups-');
    const started = await startInProcess(dataDir, BROKER_OVERRIDES);
    broker = started.broker;
    await connectClients(started.bootstrap);
  });

  afterEach(async () => {
    for (const h of harnesses) await h.stopAll();
    harnesses = [];
  });

  afterAll(async () => {
    await disconnectClients();
    await broker?.stop();
    removeDir(dataDir);
  });

  test('two members share a 6-partition topic and consume every record exactly once', async () => {
    const topic = await newTopic();
    const h = harness('two-members', topic);
    const started = Date.now();
    await h.add('a');
    await h.add('b');
    await waitFor('two members to settle', () => h.settled(6));
    const settleMs = Date.now() - started;
    // Reported in the test log: how long a two-member kafkajs group takes to settle on Eddy.
    process.stdout.write(`two-member kafkajs group settled in ${settleMs} ms\n`);
    expect(h.consumers.map((c) => c.assigned.length)).toEqual([3, 3]);

    const produced = await produce(producer, topic, 'two', 120);
    await waitFor('all records consumed', () => h.consumedKeys().length >= produced.length);
    await new Promise((r) => setTimeout(r, 300));
    expectExactlyOnce(h.consumedKeys(), produced);
    for (const c of h.consumers) {
      expect(c.consumed.length).toBeGreaterThan(0);
      expect(c.consumed.every((m) => c.assigned.includes(m.partition))).toBe(true);
    }
  });

  test('three members share a 6-partition topic and consume every record exactly once', async () => {
    const topic = await newTopic();
    const h = harness('three-members', topic);
    await h.add('a');
    await h.add('b');
    await h.add('c');
    await waitFor('three members to settle', () => h.settled(6));
    expect(h.consumers.map((c) => c.assigned.length)).toEqual([2, 2, 2]);

    const produced = await produce(producer, topic, 'three', 90);
    await waitFor('all records consumed', () => h.consumedKeys().length >= produced.length);
    await new Promise((r) => setTimeout(r, 300));
    expectExactlyOnce(h.consumedKeys(), produced);
    expect(h.consumers.every((c) => c.consumed.length > 0)).toBe(true);
  });

  test('the group rebalances when a member joins and when one leaves', async () => {
    const topic = await newTopic();
    const h = harness('join-leave', topic);
    const a = await h.add('a');
    await waitFor('one member to own everything', () => h.settled(6));
    expect(a.assigned).toEqual([0, 1, 2, 3, 4, 5]);
    const first = await produce(producer, topic, 'first', 30);
    await waitFor('first records consumed', () => h.consumedKeys().length >= 30);

    const joinStarted = Date.now();
    const b = await h.add('b');
    await waitFor('split between two members', () => h.settled(6) && b.assigned.length === 3);
    process.stdout.write(`a second kafkajs member joining a stable group settled in ${Date.now() - joinStarted} ms\n`);
    expect(a.assigned.length).toBe(3);
    const second = await produce(producer, topic, 'second', 30);
    await waitFor('second records consumed', () => h.consumedKeys().length >= 60);

    await h.stop(b);
    await waitFor('the remaining member to own everything again', () => a.assigned.length === 6);
    const third = await produce(producer, topic, 'third', 30);
    await waitFor('third records consumed', () => h.consumedKeys().length >= 90);
    await new Promise((r) => setTimeout(r, 300));
    expectExactlyOnce(h.consumedKeys(), [...first, ...second, ...third]);
  });

  test('a member that dies without leaving is expelled after its session timeout', async () => {
    const topic = await newTopic();
    const groupId = 'silent-death';
    const h = harness(groupId, topic);
    const a = await h.add('a');
    await waitFor('one member to own everything', () => h.settled(6));

    // A raw member joins, receives its assignment, then never heartbeats again (as a crashed process would).
    const raw = await RawClient.connect(broker.port);
    try {
      const join = (memberId: string) =>
        raw.request(JoinGroupRequestCodec, JoinGroupResponseCodec, 5, {
          groupId,
          sessionTimeoutMs: 1500,
          rebalanceTimeoutMs: 10000,
          memberId,
          protocolType: 'consumer',
          protocols: [{ name: 'RoundRobinAssigner', metadata: subscriptionMetadata([topic]) }],
        });
      const first = await join('');
      expect(first.errorCode).toBe(ErrorCode.MEMBER_ID_REQUIRED);
      const joined = await join(first.memberId);
      expect(joined.errorCode).toBe(ErrorCode.NONE);
      const synced = await raw.request(SyncGroupRequestCodec, SyncGroupResponseCodec, 3, {
        groupId,
        generationId: joined.generationId,
        memberId: joined.memberId,
        assignments: [],
      });
      expect(synced.errorCode).toBe(ErrorCode.NONE);
      await waitFor('kafkajs member to give up half', () => a.assigned.length === 3);
      expect(broker.groups.group(groupId)?.has(joined.memberId)).toBe(true);

      await waitFor('the silent member to be expelled and kafkajs to own everything', () => a.assigned.length === 6, 15000);
      expect(broker.groups.group(groupId)?.has(joined.memberId)).toBe(false);
      const hb = await raw.request(HeartbeatRequestCodec, HeartbeatResponseCodec, 3, {
        groupId,
        generationId: joined.generationId,
        memberId: joined.memberId,
      });
      expect(hb.errorCode).toBe(ErrorCode.UNKNOWN_MEMBER_ID);
    } finally {
      raw.close();
    }
  });

  test('a restarted consumer resumes from the committed offsets', async () => {
    const topic = await newTopic();
    const groupId = 'resume-after-restart';
    const h1 = harness(groupId, topic);
    await h1.add('first');
    await waitFor('first consumer to settle', () => h1.settled(6));
    const before = await produce(producer, topic, 'before', 40);
    await waitFor('first batch consumed', () => h1.consumedKeys().length >= 40);
    await h1.stopAll();
    expectExactlyOnce(h1.consumedKeys(), before);

    const after = await produce(producer, topic, 'after', 25);
    const h2 = harness(groupId, topic);
    await h2.add('second');
    await waitFor('second consumer to read the new records', () => h2.consumedKeys().length >= 25);
    await new Promise((r) => setTimeout(r, 300));
    expectExactlyOnce(h2.consumedKeys(), after);
  });

  test('admin: describeGroups, listGroups, fetchOffsets, resetOffsets, setOffsets, deleteGroups', async () => {
    const topic = await newTopic();
    const groupId = 'admin-ops';
    const h = harness(groupId, topic);
    const c = await h.add('only');
    await waitFor('consumer to settle', () => h.settled(6));
    await produce(producer, topic, 'adm', 60);
    await waitFor('records consumed', () => h.consumedKeys().length >= 60);
    await waitFor('offsets committed', async () => {
      const fetched = await admin.fetchOffsets({ groupId, topics: [topic] });
      return fetched[0].partitions.reduce((n, p) => n + Number(p.offset), 0) === 60;
    });

    const described = await admin.describeGroups([groupId]);
    expect(described.groups[0]).toMatchObject({ groupId, state: 'Stable', protocolType: 'consumer', protocol: 'RoundRobinAssigner' });
    expect(described.groups[0].members).toHaveLength(1);
    expect(described.groups[0].members[0].memberAssignment.length).toBeGreaterThan(0);

    const listed = await admin.listGroups();
    expect(listed.groups).toEqual(expect.arrayContaining([{ groupId, protocolType: 'consumer' }]));

    // Deleting or resetting a group with members is refused.
    await expect(admin.deleteGroups([groupId])).rejects.toThrow();
    await expect(admin.resetOffsets({ groupId, topic, earliest: true })).rejects.toThrow();

    await h.stop(c);
    await waitFor('group to become empty', async () => (await admin.describeGroups([groupId])).groups[0].state === 'Empty');

    // kafkajs commits the logical offsets -2 (earliest) and -1 (latest), stored as given, as Kafka does.
    await admin.resetOffsets({ groupId, topic, earliest: true });
    let fetched = await admin.fetchOffsets({ groupId, topics: [topic] });
    expect(fetched[0].partitions.map((p) => p.offset)).toEqual(['-2', '-2', '-2', '-2', '-2', '-2']);
    // Explicit offsets are honoured by the next consumer, even one that would otherwise start at the end.
    await admin.setOffsets({ groupId, topic, partitions: [0, 1, 2, 3, 4, 5].map((partition) => ({ partition, offset: '0' })) });
    const again = harness(groupId, topic);
    await again.add('re-reader', { fromBeginning: false });
    await waitFor('everything re-read from the set offsets', () => again.consumedKeys().length >= 60);
    await again.stopAll();
    expect(new Set(again.consumedKeys()).size).toBe(60);
    fetched = await admin.fetchOffsets({ groupId, topics: [topic] });
    expect(fetched[0].partitions.reduce((n, p) => n + Number(p.offset), 0)).toBe(60);

    const deleted = await admin.deleteGroups([groupId]);
    expect(deleted).toEqual([{ groupId, errorCode: 0 }]);
    fetched = await admin.fetchOffsets({ groupId, topics: [topic] });
    expect(fetched[0].partitions.every((p) => p.offset === '-1')).toBe(true);
    expect((await admin.describeGroups([groupId])).groups[0].state).toBe('Dead');
    expect((await admin.listGroups()).groups.map((g) => g.groupId)).not.toContain(groupId);
    await expect(admin.deleteGroups(['never-existed'])).rejects.toThrow();
  });

  test('committed offsets and group generations survive a broker restart', async () => {
    const topic = await newTopic();
    const groupId = 'survives-restart';
    const h = harness(groupId, topic);
    await h.add('before');
    await waitFor('consumer to settle', () => h.settled(6));
    const before = await produce(producer, topic, 'pre', 30);
    await waitFor('records consumed', () => h.consumedKeys().length >= 30);
    await h.stopAll();
    expectExactlyOnce(h.consumedKeys(), before);
    const committed = await admin.fetchOffsets({ groupId, topics: [topic] });
    const generation = broker.groups.group(groupId)?.generationId;
    expect(generation).toBeGreaterThan(0);

    await disconnectClients();
    await broker.stop();
    const restarted = await startInProcess(dataDir, BROKER_OVERRIDES);
    broker = restarted.broker;
    await connectClients(restarted.bootstrap);

    expect(await admin.fetchOffsets({ groupId, topics: [topic] })).toEqual(committed);
    expect(broker.groups.group(groupId)?.generationId).toBe(generation);
    expect(broker.groups.group(groupId)?.state).toBe('Empty');

    const after = await produce(producer, topic, 'post', 20);
    const h2 = harness(groupId, topic);
    await h2.add('after');
    await waitFor('new records consumed after restart', () => h2.consumedKeys().length >= 20);
    await new Promise((r) => setTimeout(r, 300));
    expectExactlyOnce(h2.consumedKeys(), after);
    expect(broker.groups.group(groupId)?.generationId).toBeGreaterThan(generation ?? 0);
  });

  // librdkafka (through confluent-kafka) and kafka-python each run a group consumer that commits synchronously.
  const pythonClients: Array<[string, string, (bootstrap: string, topic: string, group: string) => string]> = [
    [
      'librdkafka (confluent-kafka)',
      'confluent_kafka',
      (bootstrap, topic, group) => `
import time
from confluent_kafka import Consumer
c = Consumer({'bootstrap.servers': '${bootstrap}', 'group.id': '${group}', 'auto.offset.reset': 'earliest', 'enable.auto.commit': False})
c.subscribe(['${topic}'])
n = 0
deadline = time.time() + 20
while n < 30 and time.time() < deadline:
    m = c.poll(0.2)
    if m is None or m.error():
        continue
    n += 1
c.commit(asynchronous=False)
print(n, len(c.assignment()))
c.close()
`,
    ],
    [
      'kafka-python',
      'kafka',
      (bootstrap, topic, group) => `
from kafka import KafkaConsumer
c = KafkaConsumer('${topic}', bootstrap_servers='${bootstrap}', group_id='${group}', auto_offset_reset='earliest', enable_auto_commit=False, consumer_timeout_ms=10000)
n = 0
for m in c:
    n += 1
    if n >= 30:
        break
c.commit()
print(n, len(c.assignment()))
c.close()
`,
    ],
  ];
  for (const [name, module, script] of pythonClients) {
    const testIfModule = pythonHasModule(module) ? test : test.skip;
    testIfModule(`${name} consumes as a group member and commits its offsets`, async () => {
      const topic = await newTopic();
      const groupId = `python-${module}`;
      await produce(producer, topic, module, 30);
      const result = await run(DEBIAN_PYTHON, ['-c', script(`127.0.0.1:${broker.port}`, topic, groupId)], '', 40000);
      expect(result.stdout.trim()).toBe('30 6');
      const committed = await admin.fetchOffsets({ groupId, topics: [topic] });
      expect(committed[0].partitions.reduce((n, p) => n + Number(p.offset), 0)).toBe(30);
      expect((await admin.describeGroups([groupId])).groups[0].state).toBe('Empty');
    });
  }

  describe('error answers', () => {
    let raw: RawClient;
    beforeEach(async () => {
      raw = await RawClient.connect(broker.port);
    });
    afterEach(() => raw.close());

    const joinV5 = (groupId: string, memberId: string, extra: { sessionTimeoutMs?: number; protocolType?: string; protocol?: string } = {}) =>
      raw.request(JoinGroupRequestCodec, JoinGroupResponseCodec, 5, {
        groupId,
        sessionTimeoutMs: extra.sessionTimeoutMs ?? 10000,
        rebalanceTimeoutMs: 10000,
        memberId,
        protocolType: extra.protocolType ?? 'consumer',
        protocols: [{ name: extra.protocol ?? 'range', metadata: subscriptionMetadata(['x']) }],
      });

    test('unknown group and unknown member', async () => {
      const hb = await raw.request(HeartbeatRequestCodec, HeartbeatResponseCodec, 3, { groupId: 'no-such-group', generationId: 1, memberId: 'm' });
      expect(hb.errorCode).toBe(ErrorCode.UNKNOWN_MEMBER_ID);
      const join = await joinV5('no-such-group', 'stale-member-id');
      expect(join.errorCode).toBe(ErrorCode.UNKNOWN_MEMBER_ID);
      const sync = await raw.request(SyncGroupRequestCodec, SyncGroupResponseCodec, 3, { groupId: 'no-such-group', generationId: 1, memberId: 'm', assignments: [] });
      expect(sync.errorCode).toBe(ErrorCode.UNKNOWN_MEMBER_ID);
      const leave = await raw.request(LeaveGroupRequestCodec, LeaveGroupResponseCodec, 3, { groupId: 'no-such-group', members: [{ memberId: 'm' }] });
      expect(leave.errorCode).toBe(ErrorCode.NONE);
      expect(leave.members[0].errorCode).toBe(ErrorCode.UNKNOWN_MEMBER_ID);
      const describe = await raw.request(DescribeGroupsRequestCodec, DescribeGroupsResponseCodec, 6, { groups: ['no-such-group'] });
      expect(describe.groups[0].errorCode).toBe(ErrorCode.GROUP_ID_NOT_FOUND);
      const describeOld = await raw.request(DescribeGroupsRequestCodec, DescribeGroupsResponseCodec, 2, { groups: ['no-such-group'] });
      expect(describeOld.groups[0]).toMatchObject({ errorCode: ErrorCode.NONE, groupState: 'Dead' });
      const del = await raw.request(DeleteGroupsRequestCodec, DeleteGroupsResponseCodec, 1, { groupsNames: ['no-such-group'] });
      expect(del.results[0].errorCode).toBe(ErrorCode.GROUP_ID_NOT_FOUND);
      const offDel = await raw.request(OffsetDeleteRequestCodec, OffsetDeleteResponseCodec, 0, { groupId: 'no-such-group', topics: [] });
      expect(offDel.errorCode).toBe(ErrorCode.GROUP_ID_NOT_FOUND);
    });

    test('wrong generation, unknown member of a live group, bad session timeout, inconsistent protocol', async () => {
      const groupId = 'raw-errors';
      const first = await joinV5(groupId, '');
      expect(first.errorCode).toBe(ErrorCode.MEMBER_ID_REQUIRED);
      expect(first.memberId).toMatch(/^raw-test-[0-9a-f-]{36}$/);
      const joined = await joinV5(groupId, first.memberId);
      expect(joined).toMatchObject({ errorCode: ErrorCode.NONE, generationId: 1, leader: first.memberId, protocolName: 'range' });
      expect(joined.members.map((m) => m.memberId)).toEqual([first.memberId]);

      const wrongGen = await raw.request(SyncGroupRequestCodec, SyncGroupResponseCodec, 3, {
        groupId, generationId: 99, memberId: joined.memberId, assignments: [],
      });
      expect(wrongGen.errorCode).toBe(ErrorCode.ILLEGAL_GENERATION);
      const sync = await raw.request(SyncGroupRequestCodec, SyncGroupResponseCodec, 3, {
        groupId, generationId: 1, memberId: joined.memberId, assignments: [{ memberId: joined.memberId, assignment: Buffer.from('mine') }],
      });
      expect(sync).toMatchObject({ errorCode: ErrorCode.NONE });
      expect(sync.assignment.toString()).toBe('mine');

      const hbGen = await raw.request(HeartbeatRequestCodec, HeartbeatResponseCodec, 3, { groupId, generationId: 0, memberId: joined.memberId });
      expect(hbGen.errorCode).toBe(ErrorCode.ILLEGAL_GENERATION);
      const hbMember = await raw.request(HeartbeatRequestCodec, HeartbeatResponseCodec, 3, { groupId, generationId: 1, memberId: 'someone-else' });
      expect(hbMember.errorCode).toBe(ErrorCode.UNKNOWN_MEMBER_ID);
      const hbOk = await raw.request(HeartbeatRequestCodec, HeartbeatResponseCodec, 3, { groupId, generationId: 1, memberId: joined.memberId });
      expect(hbOk.errorCode).toBe(ErrorCode.NONE);

      const commitGen = await raw.request(OffsetCommitRequestCodec, OffsetCommitResponseCodec, 5, {
        groupId, generationIdOrMemberEpoch: 7, memberId: joined.memberId,
        topics: [{ name: '__consumer_offsets', partitions: [{ partitionIndex: 0, committedOffset: 1n, committedMetadata: null }] }],
      });
      expect(commitGen.topics[0].partitions[0].errorCode).toBe(ErrorCode.ILLEGAL_GENERATION);
      const commitAnon = await raw.request(OffsetCommitRequestCodec, OffsetCommitResponseCodec, 5, {
        groupId, generationIdOrMemberEpoch: -1, memberId: '',
        topics: [{ name: '__consumer_offsets', partitions: [{ partitionIndex: 0, committedOffset: 1n, committedMetadata: null }] }],
      });
      expect(commitAnon.topics[0].partitions[0].errorCode).toBe(ErrorCode.UNKNOWN_MEMBER_ID);
      const commitUnknownTopic = await raw.request(OffsetCommitRequestCodec, OffsetCommitResponseCodec, 5, {
        groupId, generationIdOrMemberEpoch: 1, memberId: joined.memberId,
        topics: [{ name: 'no-such-topic', partitions: [{ partitionIndex: 0, committedOffset: 1n, committedMetadata: null }] }],
      });
      expect(commitUnknownTopic.topics[0].partitions[0].errorCode).toBe(ErrorCode.UNKNOWN_TOPIC_OR_PARTITION);

      const badSession = await joinV5(groupId, '', { sessionTimeoutMs: 10 });
      expect(badSession.errorCode).toBe(ErrorCode.INVALID_SESSION_TIMEOUT);
      const otherType = await joinV5(groupId, '', { protocolType: 'connect' });
      expect(otherType.errorCode).toBe(ErrorCode.INCONSISTENT_GROUP_PROTOCOL);
      const otherProtocol = await joinV5(groupId, '', { protocol: 'roundrobin' });
      expect(otherProtocol.errorCode).toBe(ErrorCode.INCONSISTENT_GROUP_PROTOCOL);

      const offDel = await raw.request(OffsetDeleteRequestCodec, OffsetDeleteResponseCodec, 0, { groupId, topics: [] });
      expect(offDel.errorCode).toBe(ErrorCode.NONE);
      const delLive = await raw.request(DeleteGroupsRequestCodec, DeleteGroupsResponseCodec, 1, { groupsNames: [groupId] });
      expect(delLive.results[0].errorCode).toBe(ErrorCode.NON_EMPTY_GROUP);

      const listed = await raw.request(ListGroupsRequestCodec, ListGroupsResponseCodec, 5, { statesFilter: ['stable'], typesFilter: ['Classic'] });
      expect(listed.groups).toEqual(expect.arrayContaining([{ groupId, protocolType: 'consumer', groupState: 'Stable', groupType: 'classic' }]));
      const listedEmpty = await raw.request(ListGroupsRequestCodec, ListGroupsResponseCodec, 4, { statesFilter: ['Empty'] });
      expect(listedEmpty.groups.map((g) => g.groupId)).not.toContain(groupId);

      const leave = await raw.request(LeaveGroupRequestCodec, LeaveGroupResponseCodec, 1, { groupId, memberId: joined.memberId });
      expect(leave.errorCode).toBe(ErrorCode.NONE);
      const leaveAgain = await raw.request(LeaveGroupRequestCodec, LeaveGroupResponseCodec, 1, { groupId, memberId: joined.memberId });
      expect(leaveAgain.errorCode).toBe(ErrorCode.UNKNOWN_MEMBER_ID);
      expect(broker.groups.group(groupId)?.state).toBe('Empty');
    });

    test('FindCoordinator single and batched keys', async () => {
      const v2 = await raw.request(FindCoordinatorRequestCodec, FindCoordinatorResponseCodec, 2, { key: 'g', keyType: 0 });
      expect(v2).toMatchObject({ errorCode: ErrorCode.NONE, nodeId: broker.identity.nodeId, port: broker.port });
      const v4 = await raw.request(FindCoordinatorRequestCodec, FindCoordinatorResponseCodec, 4, { keyType: 1, coordinatorKeys: ['txn-a', 'txn-b'] });
      expect(v4.coordinators.map((c) => [c.key, c.errorCode, c.port])).toEqual([
        ['txn-a', ErrorCode.NONE, broker.port],
        ['txn-b', ErrorCode.NONE, broker.port],
      ]);
      const badType = await raw.request(FindCoordinatorRequestCodec, FindCoordinatorResponseCodec, 4, { keyType: 7, coordinatorKeys: ['x'] });
      expect(badType.coordinators[0].errorCode).toBe(ErrorCode.INVALID_REQUEST);
    });

    test('OffsetFetch v8 fetches several groups at once; committed metadata round-trips', async () => {
      const topic = await newTopic(2);
      const commit = await raw.request(OffsetCommitRequestCodec, OffsetCommitResponseCodec, 8, {
        groupId: 'simple-a', generationIdOrMemberEpoch: -1, memberId: '',
        topics: [{ name: topic, partitions: [{ partitionIndex: 1, committedOffset: 42n, committedLeaderEpoch: 3, committedMetadata: 'note' }] }],
      });
      expect(commit.topics[0].partitions[0].errorCode).toBe(ErrorCode.NONE);
      const tooLarge = await raw.request(OffsetCommitRequestCodec, OffsetCommitResponseCodec, 8, {
        groupId: 'simple-a', generationIdOrMemberEpoch: -1, memberId: '',
        topics: [{ name: topic, partitions: [{ partitionIndex: 0, committedOffset: 1n, committedMetadata: 'x'.repeat(5000) }] }],
      });
      expect(tooLarge.topics[0].partitions[0].errorCode).toBe(ErrorCode.OFFSET_METADATA_TOO_LARGE);
      const fetched = await raw.request(OffsetFetchRequestCodec, OffsetFetchResponseCodec, 8, {
        groups: [
          { groupId: 'simple-a', topics: null },
          { groupId: 'simple-b', topics: [{ name: topic, partitionIndexes: [0, 1] }] },
        ],
        requireStable: true,
      });
      expect(fetched.groups[0].topics).toEqual([
        {
          name: topic,
          topicId: '00000000-0000-0000-0000-000000000000',
          partitions: [{ partitionIndex: 1, committedOffset: 42n, committedLeaderEpoch: 3, metadata: 'note', errorCode: 0 }],
        },
      ]);
      expect(fetched.groups[1].topics[0].partitions.map((p) => p.committedOffset)).toEqual([-1n, -1n]);

      const deleted = await raw.request(OffsetDeleteRequestCodec, OffsetDeleteResponseCodec, 0, {
        groupId: 'simple-a', topics: [{ name: topic, partitions: [{ partitionIndex: 1 }] }, { name: 'nope', partitions: [{ partitionIndex: 0 }] }],
      });
      expect(deleted.errorCode).toBe(ErrorCode.NONE);
      expect(deleted.topics.map((t) => t.partitions[0].errorCode)).toEqual([ErrorCode.NONE, ErrorCode.UNKNOWN_TOPIC_OR_PARTITION]);
      const after = await raw.request(OffsetFetchRequestCodec, OffsetFetchResponseCodec, 4, { groupId: 'simple-a', topics: [{ name: topic, partitionIndexes: [1] }] });
      expect(after.topics[0].partitions[0].committedOffset).toBe(-1n);
    });
  });
});

describe('every version of the group APIs', () => {
  let broker: Broker;
  let dataDir: string;
  let raw: RawClient;
  let topicId: string;

  beforeAll(async () => {
    dataDir = tempDataDir('eddy-groups-versions-');
    broker = (await startInProcess(dataDir, BROKER_OVERRIDES)).broker;
    topicId = (await broker.topics.create({ name: 'versions', numPartitions: 2, replicationFactor: 1, configs: {} })).topicId;
    raw = await RawClient.connect(broker.port);
  });

  afterAll(async () => {
    raw?.close();
    await broker?.stop();
    removeDir(dataDir);
  });

  const versions = (codec: { minVersion: number; maxVersion: number }): number[] =>
    Array.from({ length: codec.maxVersion - codec.minVersion + 1 }, (_, i) => codec.minVersion + i);

  test.each(versions(JoinGroupRequestCodec))('JoinGroup v%i, SyncGroup, Heartbeat, LeaveGroup round', async (v) => {
    const groupId = `versions-join-${v}`;
    const join = (memberId: string) =>
      raw.request(JoinGroupRequestCodec, JoinGroupResponseCodec, v, {
        groupId,
        sessionTimeoutMs: 10000,
        rebalanceTimeoutMs: 10000,
        memberId,
        protocolType: 'consumer',
        protocols: [{ name: 'range', metadata: subscriptionMetadata(['versions']) }],
      });
    let joined = await join('');
    if (v >= 4) {
      expect(joined.errorCode).toBe(ErrorCode.MEMBER_ID_REQUIRED);
      joined = await join(joined.memberId);
    }
    expect(joined).toMatchObject({ errorCode: ErrorCode.NONE, generationId: 1, protocolName: 'range' });
    expect(joined.leader).toBe(joined.memberId);
    if (v >= 7) expect(joined.protocolType).toBe('consumer');

    const syncVersion = Math.min(v, SyncGroupRequestCodec.maxVersion);
    const synced = await raw.request(SyncGroupRequestCodec, SyncGroupResponseCodec, syncVersion, {
      groupId,
      generationId: joined.generationId,
      memberId: joined.memberId,
      ...(syncVersion >= 5 ? { protocolType: 'consumer', protocolName: 'range' } : {}),
      assignments: [{ memberId: joined.memberId, assignment: Buffer.from([1, 2, 3]) }],
    });
    expect(synced.errorCode).toBe(ErrorCode.NONE);
    expect([...synced.assignment]).toEqual([1, 2, 3]);

    const hbVersion = Math.min(v, HeartbeatRequestCodec.maxVersion);
    const hb = await raw.request(HeartbeatRequestCodec, HeartbeatResponseCodec, hbVersion, { groupId, generationId: 1, memberId: joined.memberId });
    expect(hb.errorCode).toBe(ErrorCode.NONE);

    const leaveVersion = Math.min(v, LeaveGroupRequestCodec.maxVersion);
    const leave = await raw.request(
      LeaveGroupRequestCodec,
      LeaveGroupResponseCodec,
      leaveVersion,
      leaveVersion >= 3 ? { groupId, members: [{ memberId: joined.memberId }] } : { groupId, memberId: joined.memberId },
    );
    expect(leave.errorCode).toBe(ErrorCode.NONE);
    if (leaveVersion >= 3) expect(leave.members).toEqual([{ memberId: joined.memberId, groupInstanceId: null, errorCode: 0 }]);
    expect(broker.groups.group(groupId)?.state).toBe('Empty');
  });

  test('SyncGroup v5 checks the protocol type and name', async () => {
    const groupId = 'versions-sync-5';
    const joined = await raw.request(JoinGroupRequestCodec, JoinGroupResponseCodec, 3, {
      groupId, sessionTimeoutMs: 10000, rebalanceTimeoutMs: 10000, memberId: '', protocolType: 'consumer',
      protocols: [{ name: 'range', metadata: subscriptionMetadata(['versions']) }],
    });
    const wrong = await raw.request(SyncGroupRequestCodec, SyncGroupResponseCodec, 5, {
      groupId, generationId: joined.generationId, memberId: joined.memberId, protocolType: 'consumer', protocolName: 'sticky', assignments: [],
    });
    expect(wrong.errorCode).toBe(ErrorCode.INCONSISTENT_GROUP_PROTOCOL);
    const right = await raw.request(SyncGroupRequestCodec, SyncGroupResponseCodec, 5, {
      groupId, generationId: joined.generationId, memberId: joined.memberId, protocolType: 'consumer', protocolName: 'range', assignments: [],
    });
    expect(right).toMatchObject({ errorCode: ErrorCode.NONE, protocolType: 'consumer', protocolName: 'range' });
  });

  test.each(versions(OffsetCommitRequestCodec))('OffsetCommit v%i and OffsetFetch read it back', async (v) => {
    const groupId = `versions-commit-${v}`;
    const committed = await raw.request(OffsetCommitRequestCodec, OffsetCommitResponseCodec, v, {
      groupId,
      topics: [
        {
          ...(v >= 10 ? { topicId } : { name: 'versions' }),
          partitions: [{ partitionIndex: 1, committedOffset: BigInt(100 + v), committedMetadata: `v${v}` }],
        },
      ],
    });
    expect(committed.topics[0].partitions[0]).toEqual({ partitionIndex: 1, errorCode: ErrorCode.NONE });
    if (v >= 10) expect(committed.topics[0].topicId).toBe(topicId);
    else expect(committed.topics[0].name).toBe('versions');

    const fetchVersion = Math.min(v, OffsetFetchRequestCodec.maxVersion);
    const fetched = await raw.request(
      OffsetFetchRequestCodec,
      OffsetFetchResponseCodec,
      fetchVersion,
      fetchVersion >= 8
        ? { groups: [{ groupId, topics: [{ ...(fetchVersion >= 10 ? { topicId } : { name: 'versions' }), partitionIndexes: [0, 1] }] }] }
        : { groupId, topics: [{ name: 'versions', partitionIndexes: [0, 1] }] },
    );
    const partitions = fetchVersion >= 8 ? fetched.groups[0].topics[0].partitions : fetched.topics[0].partitions;
    expect(partitions.map((p) => [p.partitionIndex, p.committedOffset, p.metadata, p.errorCode])).toEqual([
      [0, -1n, '', ErrorCode.NONE],
      [1, BigInt(100 + v), `v${v}`, ErrorCode.NONE],
    ]);
  });

  test('OffsetCommit v10 and OffsetFetch v10 report unknown topic ids', async () => {
    const unknownId = '11111111-2222-3333-4444-555555555555';
    const committed = await raw.request(OffsetCommitRequestCodec, OffsetCommitResponseCodec, 10, {
      groupId: 'versions-ids', generationIdOrMemberEpoch: -1, memberId: '',
      topics: [{ topicId: unknownId, partitions: [{ partitionIndex: 0, committedOffset: 1n, committedMetadata: null }] }],
    });
    expect(committed.topics[0].partitions[0].errorCode).toBe(ErrorCode.UNKNOWN_TOPIC_ID);
    const fetched = await raw.request(OffsetFetchRequestCodec, OffsetFetchResponseCodec, 10, {
      groups: [{ groupId: 'versions-ids', topics: [{ topicId: unknownId, partitionIndexes: [0] }] }],
    });
    expect(fetched.groups[0].topics[0]).toMatchObject({ topicId: unknownId, partitions: [{ partitionIndex: 0, errorCode: ErrorCode.UNKNOWN_TOPIC_ID }] });
  });

  test.each(versions(FindCoordinatorRequestCodec))('FindCoordinator v%i', async (v) => {
    const body = v >= 4 ? { keyType: 0, coordinatorKeys: ['g'] } : v >= 1 ? { key: 'g', keyType: 0 } : { key: 'g' };
    const res = await raw.request(FindCoordinatorRequestCodec, FindCoordinatorResponseCodec, v, body);
    if (v >= 4) expect(res.coordinators).toEqual([expect.objectContaining({ key: 'g', nodeId: broker.identity.nodeId, port: broker.port, errorCode: 0 })]);
    else expect(res).toMatchObject({ errorCode: 0, nodeId: broker.identity.nodeId, host: '127.0.0.1', port: broker.port });
  });

  test.each(versions(DescribeGroupsRequestCodec))('DescribeGroups v%i', async (v) => {
    await raw.request(OffsetCommitRequestCodec, OffsetCommitResponseCodec, 2, {
      groupId: 'versions-described', generationIdOrMemberEpoch: -1, memberId: '',
      topics: [{ name: 'versions', partitions: [{ partitionIndex: 0, committedOffset: 1n, committedMetadata: null }] }],
    });
    const res = await raw.request(DescribeGroupsRequestCodec, DescribeGroupsResponseCodec, v, { groups: ['versions-described'], includeAuthorizedOperations: v >= 3 });
    expect(res.groups[0]).toMatchObject({ errorCode: 0, groupId: 'versions-described', groupState: 'Empty', protocolType: '', members: [] });
  });

  test.each(versions(ListGroupsRequestCodec))('ListGroups v%i', async (v) => {
    const res = await raw.request(ListGroupsRequestCodec, ListGroupsResponseCodec, v, {});
    expect(res.errorCode).toBe(0);
    expect(res.groups.length).toBeGreaterThan(0);
  });

  test.each(versions(DeleteGroupsRequestCodec))('DeleteGroups v%i', async (v) => {
    const groupId = `versions-delete-${v}`;
    await raw.request(OffsetCommitRequestCodec, OffsetCommitResponseCodec, 2, {
      groupId, generationIdOrMemberEpoch: -1, memberId: '',
      topics: [{ name: 'versions', partitions: [{ partitionIndex: 0, committedOffset: 1n, committedMetadata: null }] }],
    });
    const res = await raw.request(DeleteGroupsRequestCodec, DeleteGroupsResponseCodec, v, { groupsNames: [groupId, `${groupId}-missing`] });
    expect(res.results).toEqual([
      { groupId, errorCode: ErrorCode.NONE },
      { groupId: `${groupId}-missing`, errorCode: ErrorCode.GROUP_ID_NOT_FOUND },
    ]);
  });
});

describe('KIP-848 consumer groups over the wire', () => {
  let broker: Broker;
  let dataDir: string;
  let raw: RawClient;
  let topicId: string;

  beforeAll(async () => {
    dataDir = tempDataDir('eddy-groups-kip848-');
    broker = (await startInProcess(dataDir, BROKER_OVERRIDES)).broker;
    topicId = (await broker.topics.create({ name: 'kip848', numPartitions: 4, replicationFactor: 1, configs: {} })).topicId;
    raw = await RawClient.connect(broker.port);
  });

  afterAll(async () => {
    raw?.close();
    await broker?.stop();
    removeDir(dataDir);
  });

  const heartbeat = (memberId: string, memberEpoch: number, extra: Record<string, unknown> = {}) =>
    raw.request(ConsumerGroupHeartbeatRequestCodec, ConsumerGroupHeartbeatResponseCodec, 1, {
      groupId: 'kip848-group',
      memberId,
      memberEpoch,
      rebalanceTimeoutMs: 30000,
      ...extra,
    });
  const partitionsOf = (r: { assignment: { topicPartitions: Array<{ partitions: number[] }> } | null }) =>
    (r.assignment?.topicPartitions ?? []).flatMap((t) => t.partitions).sort((a, b) => a - b);

  test('two members share partitions, commit with their epochs, and the group shows up as a consumer group', async () => {
    const a = await heartbeat('member-a', 0, { subscribedTopicNames: ['kip848'], topicPartitions: [] });
    expect(a).toMatchObject({ errorCode: 0, memberId: 'member-a', memberEpoch: 1 });
    expect(partitionsOf(a)).toEqual([0, 1, 2, 3]);

    const b = await heartbeat('member-b', 0, { subscribedTopicNames: ['kip848'], topicPartitions: [] });
    expect(b.memberEpoch).toBe(2);
    const aRevoke = await heartbeat('member-a', 1);
    const kept = partitionsOf(aRevoke);
    expect(kept).toHaveLength(2);
    const aDone = await heartbeat('member-a', 1, { topicPartitions: [{ topicId, partitions: kept }] });
    expect(aDone.memberEpoch).toBe(2);
    const bDone = await heartbeat('member-b', 2);
    expect(partitionsOf(bDone)).toEqual([0, 1, 2, 3].filter((p) => !kept.includes(p)));

    const commit = (memberId: string, epoch: number) =>
      raw.request(OffsetCommitRequestCodec, OffsetCommitResponseCodec, 9, {
        groupId: 'kip848-group', generationIdOrMemberEpoch: epoch, memberId,
        topics: [{ name: 'kip848', partitions: [{ partitionIndex: kept[0], committedOffset: 12n, committedMetadata: null }] }],
      });
    expect((await commit('member-a', 2)).topics[0].partitions[0].errorCode).toBe(ErrorCode.NONE);
    expect((await commit('member-a', 1)).topics[0].partitions[0].errorCode).toBe(ErrorCode.STALE_MEMBER_EPOCH);
    const fetched = await raw.request(OffsetFetchRequestCodec, OffsetFetchResponseCodec, 8, {
      groups: [{ groupId: 'kip848-group', topics: [{ name: 'kip848', partitionIndexes: [kept[0]] }] }],
    });
    expect(fetched.groups[0].topics[0].partitions[0].committedOffset).toBe(12n);

    const described = await raw.request(ConsumerGroupDescribeRequestCodec, ConsumerGroupDescribeResponseCodec, 1, { groupIds: ['kip848-group', 'nope'] });
    expect(described.groups[0]).toMatchObject({ errorCode: 0, groupState: 'Stable', groupEpoch: 2, assignmentEpoch: 2, assignorName: 'uniform' });
    expect(described.groups[0].members.map((m) => m.memberId).sort()).toEqual(['member-a', 'member-b']);
    expect(described.groups[0].members[0].assignment.topicPartitions[0].topicName).toBe('kip848');
    expect(described.groups[1].errorCode).toBe(ErrorCode.GROUP_ID_NOT_FOUND);

    const listed = await raw.request(ListGroupsRequestCodec, ListGroupsResponseCodec, 5, { typesFilter: ['consumer'] });
    expect(listed.groups).toEqual([{ groupId: 'kip848-group', protocolType: 'consumer', groupState: 'Stable', groupType: 'consumer' }]);
    const classicView = await raw.request(DescribeGroupsRequestCodec, DescribeGroupsResponseCodec, 6, { groups: ['kip848-group'] });
    expect(classicView.groups[0].errorCode).toBe(ErrorCode.GROUP_ID_NOT_FOUND);
    const classicJoin = await raw.request(JoinGroupRequestCodec, JoinGroupResponseCodec, 5, {
      groupId: 'kip848-group', sessionTimeoutMs: 10000, rebalanceTimeoutMs: 10000, memberId: '', protocolType: 'consumer',
      protocols: [{ name: 'range', metadata: subscriptionMetadata(['kip848']) }],
    });
    expect(classicJoin.errorCode).toBe(ErrorCode.INCONSISTENT_GROUP_PROTOCOL);
    const busy = await raw.request(DeleteGroupsRequestCodec, DeleteGroupsResponseCodec, 2, { groupsNames: ['kip848-group'] });
    expect(busy.results[0].errorCode).toBe(ErrorCode.NON_EMPTY_GROUP);

    expect((await heartbeat('member-a', -1)).errorCode).toBe(ErrorCode.NONE);
    expect((await heartbeat('member-b', -1)).errorCode).toBe(ErrorCode.NONE);
    const deleted = await raw.request(DeleteGroupsRequestCodec, DeleteGroupsResponseCodec, 2, { groupsNames: ['kip848-group'] });
    expect(deleted.results[0].errorCode).toBe(ErrorCode.NONE);
    const after = await raw.request(OffsetFetchRequestCodec, OffsetFetchResponseCodec, 8, {
      groups: [{ groupId: 'kip848-group', topics: [{ name: 'kip848', partitionIndexes: [kept[0]] }] }],
    });
    expect(after.groups[0].topics[0].partitions[0].committedOffset).toBe(-1n);
  });
});
