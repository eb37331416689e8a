// What the consumer group suites share: a broker per test file (with kafkajs clients, or with one raw connection),
// kafkajs group members that record their assignments and what they consumed, and the small checks built on them.
import { Admin, Consumer, EachMessagePayload, Kafka, logLevel, Producer } from 'kafkajs';
import type { Broker } from '../../src/broker';
import { brokerPerSuite } from './broker';
import { connectAdminAndProducer } from './kafkajs';
import { waitFor } from './wait';
import { RawClient } from './raw-client';

export const GROUP_BROKER_OVERRIDES: Readonly<Record<string, string>> = {
  // Lets the raw "dead member" use a short session, so its expiry is quick to observe.
  'group.min.session.timeout.ms': '1000',
  'offsets.topic.num.partitions': '10',
};

/** Consumer settings that make kafkajs notice rebalances quickly (it heartbeats between fetch long-polls). */
const FAST_CONSUMER = { sessionTimeout: 6000, rebalanceTimeout: 10000, heartbeatInterval: 200, maxWaitTimeInMs: 200 };

/** Every version a request codec supports, for test.each. */
export function versions(codec: { readonly minVersion: number; readonly maxVersion: number }): number[] {
  return Array.from({ length: codec.maxVersion - codec.minVersion + 1 }, (_, i) => codec.minVersion + i);
}

/** Sends `count` keyed records `${prefix}-${i}` and returns their keys. */
export async function produceKeyed(producer: Producer, topic: string, prefix: string, count: number): Promise<string[]> {
  const keys = Array.from({ length: count }, (_, i) => `${prefix}-${i}`);
  await producer.send({ topic, messages: keys.map((k) => ({ key: k, value: `value of ${k}` })) });
  return keys;
}

export function expectExactlyOnce(consumed: string[], produced: string[]): void {
  expect(consumed.length).toBe(produced.length);
  expect(new Set(consumed).size).toBe(produced.length);
  expect([...consumed].sort()).toEqual([...produced].sort());
}

export interface TrackedConsumer {
  readonly name: string;
  readonly consumer: Consumer;
  /** Latest assignment from GROUP_JOIN: partitions of the test topic. */
  assigned: number[];
  joins: number;
  readonly consumed: Array<{ partition: number; offset: string; key: string }>;
}

/** kafkajs members of one group on one topic. */
export class GroupHarness {
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

/** The broker and kafkajs clients of a suite; fields change when the suite restarts the broker. */
export interface KafkajsGroupsSuite {
  readonly broker: Broker;
  readonly admin: Admin;
  readonly producer: Producer;
  /** A new topic (6 partitions unless told) with a name no other test of the suite uses. */
  newTopic(partitions?: number): Promise<string>;
  /** Members of one group, all stopped after the test. */
  harness(groupId: string, topic: string): GroupHarness;
  /** Stops the broker and starts it again on the same data dir, with fresh clients. */
  restart(): Promise<void>;
}

/** Registers the hooks that start one in-process broker for the file and connect kafkajs admin and producer. */
export function kafkajsGroupsSuite(dataDirPrefix: string): KafkajsGroupsSuite {
  let clients: { kafka: Kafka; admin: Admin; producer: Producer } | undefined;
  let harnesses: GroupHarness[] = [];
  let topicSeq = 0;
  const stopHarnesses = async (): Promise<void> => {
    for (const h of harnesses) await h.stopAll();
    harnesses = [];
  };
  const disconnect = async (): Promise<void> => {
    await stopHarnesses();
    await clients?.producer.disconnect();
    await clients?.admin.disconnect();
    clients = undefined;
  };
  const eddy = brokerPerSuite({ overrides: GROUP_BROKER_OVERRIDES, dataDirPrefix, beforeStop: disconnect });
  const connect = async (): Promise<void> => {
    const kafka = new Kafka({ clientId: 'groups-test', brokers: [eddy.bootstrap], logLevel: logLevel.NOTHING });
    clients = { kafka, ...(await connectAdminAndProducer(kafka)) };
  };
  const connected = (): { kafka: Kafka; admin: Admin; producer: Producer } => {
    if (!clients) throw new Error('the kafkajs clients are not connected');
    return clients;
  };

  beforeAll(connect);
  afterEach(stopHarnesses);

  return {
    get broker() {
      return eddy.broker;
    },
    get admin() {
      return connected().admin;
    },
    get producer() {
      return connected().producer;
    },
    newTopic: async (partitions = 6) => {
      const topic = `groups-topic-${++topicSeq}`;
      await connected().admin.createTopics({ topics: [{ topic, numPartitions: partitions }] });
      return topic;
    },
    harness: (groupId, topic) => {
      const h = new GroupHarness(connected().kafka, groupId, topic);
      harnesses.push(h);
      return h;
    },
    restart: async () => {
      await disconnect();
      await eddy.restart();
      await connect();
    },
  };
}

/** A broker with one topic and a raw connection to it, for suites that speak the group APIs byte by byte. */
export interface RawGroupsSuite {
  readonly broker: Broker;
  readonly raw: RawClient;
  readonly topicId: string;
}

/** Registers the hooks that start one in-process broker for the file, create `topic` and connect a raw client. */
export function rawGroupsSuite(dataDirPrefix: string, topic: { name: string; partitions: number }): RawGroupsSuite {
  let raw: RawClient | undefined;
  let topicId = '';
  const eddy = brokerPerSuite({ overrides: GROUP_BROKER_OVERRIDES, dataDirPrefix, beforeStop: async () => raw?.close() });

  beforeAll(async () => {
    topicId = (await eddy.broker.topics.create({ name: topic.name, numPartitions: topic.partitions, replicationFactor: 1, configs: {} })).topicId;
    raw = await RawClient.connect(eddy.broker.port);
  });

  return {
    get broker() {
      return eddy.broker;
    },
    get raw() {
      if (!raw) throw new Error('the raw client is not connected');
      return raw;
    },
    get topicId() {
      return topicId;
    },
  };
}

/** One member joins `groupId` on a 6-partition topic, reads `count` records produced now exactly once (committing them), and leaves. */
export async function consumeOnceAndLeave(s: KafkajsGroupsSuite, groupId: string, topic: string, prefix: string, count: number): Promise<void> {
  const h = s.harness(groupId, topic);
  await h.add(`${prefix}-reader`);
  await waitFor('the member to settle', () => h.settled(6));
  const produced = await produceKeyed(s.producer, topic, prefix, count);
  await waitFor('the records to be consumed', () => h.consumedKeys().length >= count);
  await h.stopAll();
  expectExactlyOnce(h.consumedKeys(), produced);
}

/** `count` records are produced, then a new member of `groupId` reads exactly those: it starts at the committed offsets. */
export async function expectResumeFromCommitted(s: KafkajsGroupsSuite, groupId: string, topic: string, prefix: string, count: number): Promise<void> {
  const produced = await produceKeyed(s.producer, topic, prefix, count);
  const h = s.harness(groupId, topic);
  await h.add(`${prefix}-reader`);
  await waitFor('the new records to be consumed', () => h.consumedKeys().length >= count);
  await new Promise((r) => setTimeout(r, 300));
  expectExactlyOnce(h.consumedKeys(), produced);
}

/** A new 6-partition topic and a group on it whose one kafkajs member owns every partition. */
export async function oneMemberGroup(s: KafkajsGroupsSuite, groupId: string): Promise<{ topic: string; harness: GroupHarness; member: TrackedConsumer }> {
  const topic = await s.newTopic();
  const harness = s.harness(groupId, topic);
  const member = await harness.add('first');
  await waitFor('one member to own everything', () => harness.settled(6));
  return { topic, harness, member };
}
