// What the consumer group suites share: a broker per test file (with kafkajs clients, or with one raw connection),
// kafkajs group members that record their assignments and what they consumed, and the small checks built on them.
import { Admin, Consumer, EachMessagePayload, Kafka, logLevel, Producer } from 'kafkajs';
import type { Broker } from '../../src/broker';
import { removeDir, startInProcess, tempDataDir } from './broker';
import { RawClient } from './raw-client';

export const GROUP_BROKER_OVERRIDES: Readonly<Record<string, string>> = {
  // Lets the raw "dead member" use a short session, so its expiry is quick to observe.
  'group.min.session.timeout.ms': '1000',
  'offsets.topic.num.partitions': '10',
};

/** Consumer settings that make kafkajs notice rebalances quickly (it heartbeats between fetch long-polls). */
const FAST_CONSUMER = { sessionTimeout: 6000, rebalanceTimeout: 10000, heartbeatInterval: 200, maxWaitTimeInMs: 200 };

export async function waitFor(what: string, check: () => boolean | Promise<boolean>, timeoutMs = 20000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

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
  let broker: Broker | undefined;
  let dataDir = '';
  let kafka: Kafka | undefined;
  let admin: Admin | undefined;
  let producer: Producer | undefined;
  let harnesses: GroupHarness[] = [];
  let topicSeq = 0;
  const started = <T>(value: T | undefined, what: string): T => {
    if (value === undefined) throw new Error(`${what} is not started`);
    return value;
  };
  const stopHarnesses = async (): Promise<void> => {
    for (const h of harnesses) await h.stopAll();
    harnesses = [];
  };
  const startBroker = async (): Promise<void> => {
    const running = await startInProcess(dataDir, GROUP_BROKER_OVERRIDES);
    broker = running.broker;
    kafka = new Kafka({ clientId: 'groups-test', brokers: [running.bootstrap], logLevel: logLevel.NOTHING });
    admin = kafka.admin();
    await admin.connect();
    producer = kafka.producer({ allowAutoTopicCreation: false });
    await producer.connect();
  };
  const stopBroker = async (): Promise<void> => {
    await stopHarnesses();
    await producer?.disconnect();
    await admin?.disconnect();
    await broker?.stop();
  };

  beforeAll(async () => {
    dataDir = tempDataDir(dataDirPrefix);
    await startBroker();
  });
  afterEach(stopHarnesses);
  afterAll(async () => {
    await stopBroker();
    removeDir(dataDir);
  });

  const suite: KafkajsGroupsSuite = {
    get broker() {
      return started(broker, 'the broker');
    },
    get admin() {
      return started(admin, 'the admin client');
    },
    get producer() {
      return started(producer, 'the producer');
    },
    newTopic: async (partitions = 6) => {
      const topic = `groups-topic-${++topicSeq}`;
      await suite.admin.createTopics({ topics: [{ topic, numPartitions: partitions }] });
      return topic;
    },
    harness: (groupId, topic) => {
      const h = new GroupHarness(started(kafka, 'the kafkajs client'), groupId, topic);
      harnesses.push(h);
      return h;
    },
    restart: async () => {
      await stopBroker();
      await startBroker();
    },
  };
  return suite;
}

/** A broker with one topic and a raw connection to it, for suites that speak the group APIs byte by byte. */
export interface RawGroupsSuite {
  readonly broker: Broker;
  readonly raw: RawClient;
  readonly topicId: string;
}

/** Registers the hooks that start one in-process broker for the file, create `topic` and connect a raw client. */
export function rawGroupsSuite(dataDirPrefix: string, topic: { name: string; partitions: number }): RawGroupsSuite {
  let broker: Broker | undefined;
  let raw: RawClient | undefined;
  let dataDir = '';
  let topicId = '';

  beforeAll(async () => {
    dataDir = tempDataDir(dataDirPrefix);
    broker = (await startInProcess(dataDir, GROUP_BROKER_OVERRIDES)).broker;
    topicId = (await broker.topics.create({ name: topic.name, numPartitions: topic.partitions, replicationFactor: 1, configs: {} })).topicId;
    raw = await RawClient.connect(broker.port);
  });
  afterAll(async () => {
    raw?.close();
    await broker?.stop();
    removeDir(dataDir);
  });

  return {
    get broker() {
      if (!broker) throw new Error('the broker is not started');
      return broker;
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
