// Online migration of a live group between the classic and the consumer (KIP-848) protocols, rolled one member at a
// time as an operator upgrading clients would: kafkajs members (classic protocol) are joined by a librdkafka member
// with group.protocol=consumer, which upgrades the group; the classic member leaves; a classic member joins the
// consumer group; the KIP-848 member leaves, which downgrades it to a classic group. Records keep flowing through
// every step and each must be consumed exactly once across the whole migration. The Java client does the same as an
// application rolled twice would (GroupMigrationRun.java): two classic consumers restarted one by one with
// group.protocol=consumer, then one by one with the classic protocol again.
import type { Consumer, Kafka } from 'kafkajs';
import { compatPackageProblem, describeClient, requireCompat } from './support/compat-clients';
import { startEddyProcess, RunningEddy } from './support/eddy';
import { waitUntil } from './support/keyed-records';
import { createTopics, kafkaClient } from '../helpers/kafkajs';
import { javaModuleProblem, runJava } from './support/java';

jest.setTimeout(180_000);

const PACKAGE = '@confluentinc/kafka-javascript';
const TOPIC = 'migrate';
const GROUP = 'migrate-group';

interface KjsConsumer {
  connect(): Promise<void>;
  subscribe(options: { topics: string[] }): Promise<void>;
  run(options: { eachMessage: (payload: { message: { key: Buffer | null } }) => Promise<void> }): Promise<void>;
  disconnect(): Promise<void>;
}

interface ConfluentModule {
  KafkaJS: { Kafka: new (config: { kafkaJS: Record<string, unknown> }) => { consumer(config: Record<string, unknown>): KjsConsumer } };
}

describeClient(PACKAGE, [compatPackageProblem(PACKAGE)], () => {
  let eddy: RunningEddy;
  let kafka: Kafka;
  const seen = new Map<string, string[]>();
  let produced = 0;

  beforeAll(async () => {
    eddy = await startEddyProcess();
    kafka = kafkaClient(eddy.bootstrap, 'migration-test');
    expect(await createTopics(kafka, [{ topic: TOPIC, numPartitions: 4 }])).toBe(true);
  });

  afterAll(async () => {
    await eddy?.stop();
  });

  async function produce(count: number): Promise<void> {
    const producer = kafka.producer();
    await producer.connect();
    const messages = Array.from({ length: count }, (_, i) => ({ key: `r-${produced + i}`, value: `v-${produced + i}` }));
    await producer.send({ topic: TOPIC, messages });
    await producer.disconnect();
    produced += count;
  }

  /** Keeps records flowing (a batch every 200 ms) until the group has got where a step wants it. */
  async function produceUntil(done: () => boolean, describe: () => string): Promise<void> {
    const deadline = Date.now() + 60_000;
    while (!done()) {
      if (Date.now() > deadline) throw new Error(`timed out after 60000 ms: ${describe()}`);
      await produce(40);
      await new Promise((r) => setTimeout(r, 200));
    }
  }

  const record = (who: string) => (key: Buffer | null) => {
    const k = key?.toString() ?? '';
    seen.set(k, [...(seen.get(k) ?? []), who]);
  };
  const consumedBy = (who: string): number => [...seen.values()].filter((owners) => owners.includes(who)).length;
  const allSeen = (): Promise<void> =>
    waitUntil(
      () => seen.size >= produced,
      60_000,
      () => `${seen.size} of ${produced} records consumed`,
    );

  async function classicMember(who: string): Promise<Consumer> {
    const consumer = kafka.consumer({ groupId: GROUP, sessionTimeout: 10_000, rebalanceTimeout: 10_000, heartbeatInterval: 300 });
    await consumer.connect();
    await consumer.subscribe({ topic: TOPIC, fromBeginning: true });
    const onRecord = record(who);
    await consumer.run({ autoCommitThreshold: 1, eachMessage: async ({ message }) => onRecord(message.key) });
    return consumer;
  }

  async function consumerProtocolMember(who: string): Promise<KjsConsumer> {
    const confluent = requireCompat(PACKAGE) as ConfluentModule;
    const client = new confluent.KafkaJS.Kafka({ kafkaJS: { brokers: [eddy.bootstrap], logLevel: 0 } });
    const consumer = client.consumer({ kafkaJS: { groupId: GROUP, fromBeginning: true }, 'group.protocol': 'consumer' });
    await consumer.connect();
    await consumer.subscribe({ topics: [TOPIC] });
    const onRecord = record(who);
    await consumer.run({ eachMessage: async ({ message }) => onRecord(message.key) });
    return consumer;
  }

  test('a group moves from classic to consumer and back, one member at a time, consuming every record once', async () => {
    await produce(200);
    const classicA = await classicMember('classic-a');
    await allSeen();

    // A KIP-848 member joins the live classic group: Eddy upgrades it, and the classic member gives up partitions.
    const modernB = await consumerProtocolMember('modern-b');
    await produceUntil(
      () => consumedBy('modern-b') > 0 && consumedBy('classic-a') > 200,
      () => `classic-a ${consumedBy('classic-a')}, modern-b ${consumedBy('modern-b')} records`,
    );
    await allSeen();

    // The classic member leaves; the KIP-848 member takes everything.
    await classicA.disconnect();
    await produce(200);
    await allSeen();

    // A classic member joins the consumer group, then the last KIP-848 member leaves: Eddy downgrades the group.
    const classicC = await classicMember('classic-c');
    await produceUntil(
      () => consumedBy('classic-c') > 0,
      () => `classic-c has consumed nothing (modern-b ${consumedBy('modern-b')} records)`,
    );
    await allSeen();
    await modernB.disconnect();
    await produce(200);
    await allSeen();
    const described = await kafka.admin().describeGroups([GROUP]);
    await classicC.disconnect();

    expect(described.groups[0].protocolType).toBe('consumer');
    const duplicated = [...seen].filter(([, owners]) => owners.length > 1).map(([key, owners]) => `${key}: ${owners.join(', ')}`);
    expect({ produced, consumed: seen.size, duplicated }).toEqual({ produced, consumed: produced, duplicated: [] });
  });
});

interface MigrationPhase {
  readonly phase?: string;
  readonly groupType?: string;
  readonly summary?: boolean;
  readonly produced?: number;
  readonly consumed?: number;
  readonly duplicated?: number;
  readonly error?: string;
}

describeClient('Java client (kafka-clients 4.4.0) online group migration', [javaModuleProblem('clients4')], () => {
  let eddy: RunningEddy;

  beforeAll(async () => {
    eddy = await startEddyProcess();
  });

  afterAll(async () => {
    await eddy?.stop();
  });

  test('two consumers restarted one by one with group.protocol=consumer, then back to classic, lose no record', async () => {
    const run = await runJava('clients4', 'eddy.compat.GroupMigrationRun', [eddy.bootstrap, 'java-migrate', 'java-migrate-group'], { timeoutMs: 170_000 });
    const lines = run.stdout
      .split('\n')
      .filter((l) => l.startsWith('{'))
      .map((l) => JSON.parse(l) as MigrationPhase);
    const failure = lines.find((l) => l.error !== undefined);
    if (run.code !== 0 || failure !== undefined) throw new Error(`${failure?.error ?? `exit ${run.code}`}\n${run.stderr.split('\n').slice(-30).join('\n')}`);
    // The first consumer-protocol member upgrades the group, the last one leaving downgrades it.
    expect(lines.filter((l) => l.phase !== undefined).map((l) => [l.phase, l.groupType])).toEqual([
      ['classic', 'Classic'],
      ['upgraded-a', 'Consumer'],
      ['upgraded-b', 'Consumer'],
      ['downgrading-a', 'Consumer'],
      ['downgraded-b', 'Classic'],
    ]);
    const summary = lines.find((l) => l.summary === true);
    // Every record is consumed; at-least-once allows a record polled but not committed before a restart to be seen
    // again, and only then: never more than what the four restarts could leave uncommitted.
    expect(summary?.consumed).toBe(summary?.produced);
    expect(summary?.duplicated ?? Infinity).toBeLessThanOrEqual(4 * 500);
  });
});
