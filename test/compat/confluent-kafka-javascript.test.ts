// @confluentinc/kafka-javascript (librdkafka built from source) against Eddy, through both of its APIs: the
// KafkaJS-style promise API (admin, 10,000 keyed records with headers through a group, resume after restart, every
// codec, idempotence, and a KIP-848 `group.protocol=consumer` consumer) and the node-rdkafka-style callback API
// (AdminClient, Producer with delivery reports, KafkaConsumer with synchronous commits).
import { compatPackageProblem, describeClient, requireCompat } from './support/compat-clients';
import { startEddyProcess, RunningEddy } from './support/eddy';
import { expectStoredCodec } from './support/stored-batches';
import { bufferToString, ConsumedRecord, consumedMessage, ExpectedRecord, expectedRecords, verifyConsumed, waitUntil } from './support/keyed-records';
import { kafkaClient, withAdmin } from '../helpers/kafkajs';

jest.setTimeout(180000);

const PACKAGE = '@confluentinc/kafka-javascript';

// ---- The surface of the KafkaJS-style API these tests use.
type HeaderValue = Buffer | string | (Buffer | string)[] | undefined;

interface KjsMessage {
  key: Buffer | null;
  value: Buffer | null;
  offset: string;
  headers?: Record<string, HeaderValue>;
}

interface KjsProducer {
  connect(): Promise<void>;
  send(record: { topic: string; messages: { key: string; value: string; headers: Record<string, string> }[] }): Promise<{ errorCode: number }[]>;
  disconnect(): Promise<void>;
}

interface KjsConsumer {
  connect(): Promise<void>;
  subscribe(options: { topics: string[] }): Promise<void>;
  run(options: { eachMessage: (payload: { partition: number; message: KjsMessage }) => Promise<void> }): Promise<void>;
  disconnect(): Promise<void>;
}

interface KjsAdmin {
  connect(): Promise<void>;
  createTopics(options: { topics: { topic: string; numPartitions: number }[] }): Promise<boolean>;
  listTopics(): Promise<string[]>;
  /** Unlike kafkajs, an array of topics (it runs librdkafka's DescribeTopics). */
  fetchTopicMetadata(options: { topics: string[] }): Promise<{ name: string; partitions: { partitionId: number; leader: number }[] }[]>;
  fetchOffsets(options: { groupId: string; topics: string[] }): Promise<{ partitions: { offset: string }[] }[]>;
  disconnect(): Promise<void>;
}

interface KjsKafka {
  producer(config: { kafkaJS: Record<string, unknown> } & Record<string, unknown>): KjsProducer;
  consumer(config: { kafkaJS: Record<string, unknown> } & Record<string, unknown>): KjsConsumer;
  admin(config?: { kafkaJS: Record<string, unknown> }): KjsAdmin;
}

// ---- The surface of the node-rdkafka-style API these tests use.
interface RdMessage {
  partition: number;
  offset: number;
  topic: string;
  key?: Buffer | string | null;
  value: Buffer | null;
  headers?: Record<string, Buffer | string>[];
}

interface RdClientEvents {
  once(event: 'ready', listener: () => void): void;
  once(event: 'event.error', listener: (err: Error) => void): void;
}

interface RdProducer extends RdClientEvents {
  connect(): void;
  setPollInterval(ms: number): void;
  on(event: 'delivery-report', listener: (err: Error | null, report: { partition: number; offset: number }) => void): void;
  produce(topic: string, partition: null, value: Buffer, key: string, timestamp: null, opaque: null, headers: Record<string, string>[]): void;
  flush(timeoutMs: number, cb: (err: Error | null) => void): void;
  disconnect(cb: () => void): void;
}

interface RdConsumer extends RdClientEvents {
  connect(): void;
  subscribe(topics: string[]): void;
  consume(): void;
  on(event: 'data', listener: (message: RdMessage) => void): void;
  commitMessageSync(message: { topic: string; partition: number; offset: number }): void;
  committed(timeoutMs: number, cb: (err: Error | null, partitions: { partition: number; offset: number }[]) => void): void;
  disconnect(cb: () => void): void;
}

interface RdAdmin {
  createTopic(topic: { topic: string; num_partitions: number; replication_factor: number }, cb: (err: Error | null) => void): void;
  disconnect(): void;
}

interface ConfluentModule {
  KafkaJS: { Kafka: new (config: { kafkaJS: Record<string, unknown> }) => KjsKafka; CompressionTypes: Record<string, string> };
  Producer: new (config: Record<string, unknown>) => RdProducer;
  KafkaConsumer: new (config: Record<string, unknown>, topicConfig: Record<string, unknown>) => RdConsumer;
  AdminClient: { create(config: Record<string, unknown>): RdAdmin };
  librdkafkaVersion: string;
}

function loadConfluent(): ConfluentModule {
  const mod = requireCompat(PACKAGE) as Partial<ConfluentModule>;
  if (mod.KafkaJS === undefined || typeof mod.Producer !== 'function' || typeof mod.KafkaConsumer !== 'function') {
    throw new Error(`${PACKAGE}: unexpected exports`);
  }
  return mod as ConfluentModule;
}

function headerText(v: HeaderValue): string {
  if (v === undefined) return '';
  if (Array.isArray(v)) return v.map((x) => x.toString()).join(',');
  return v.toString();
}

function ready(client: RdClientEvents, connect: () => void): Promise<void> {
  return new Promise((resolve, reject) => {
    client.once('ready', () => resolve());
    client.once('event.error', reject);
    connect();
  });
}

describeClient(PACKAGE, [compatPackageProblem(PACKAGE)], () => {
  let eddy: RunningEddy;
  let confluent: ConfluentModule;

  beforeAll(async () => {
    confluent = loadConfluent();
    eddy = await startEddyProcess();
  });

  afterAll(async () => {
    await eddy?.stop();
  });

  describe('KafkaJS-style API', () => {
    let kafka: KjsKafka;

    beforeAll(() => {
      kafka = new confluent.KafkaJS.Kafka({ kafkaJS: { brokers: [eddy.bootstrap], logLevel: 0 } });
    });

    const withKjsAdmin = <T>(body: (admin: KjsAdmin) => Promise<T>): Promise<T> => withAdmin(kafka, body);

    async function createTopic(topic: string): Promise<void> {
      await withKjsAdmin(async (admin) => {
        expect(await admin.createTopics({ topics: [{ topic, numPartitions: 3 }] })).toBe(true);
      });
    }

    async function produce(topic: string, records: readonly ExpectedRecord[], options: Record<string, unknown> = {}): Promise<void> {
      const producer = kafka.producer({ kafkaJS: { allowAutoTopicCreation: false, ...options } });
      await producer.connect();
      try {
        for (let i = 0; i < records.length; i += 1000) {
          const result = await producer.send({
            topic,
            messages: records.slice(i, i + 1000).map((r) => ({ key: r.key, value: r.value, headers: { ...r.headers } })),
          });
          for (const meta of result) expect(meta.errorCode).toBe(0);
        }
      } finally {
        await producer.disconnect();
      }
    }

    async function consume(
      topic: string,
      groupId: string,
      count: number,
      extraConfig: Record<string, unknown> = {},
      timeoutMs = 60000,
      kafkaJSExtra: Record<string, unknown> = {},
    ): Promise<ConsumedRecord[]> {
      const consumer = kafka.consumer({ kafkaJS: { groupId, fromBeginning: true, ...kafkaJSExtra }, ...extraConfig });
      const out: ConsumedRecord[] = [];
      await consumer.connect();
      try {
        await consumer.subscribe({ topics: [topic] });
        await consumer.run({
          eachMessage: async ({ partition, message }) => {
            const headers: Record<string, string> = {};
            for (const [k, v] of Object.entries(message.headers ?? {})) headers[k] = headerText(v);
            out.push(consumedMessage(partition, message, headers));
          },
        });
        await waitUntil(
          () => out.length >= count,
          timeoutMs,
          () => `${out.length} of ${count} records from ${topic}`,
        );
      } finally {
        await consumer.disconnect();
      }
      return out;
    }

    test('admin creates a 3-partition topic, lists it and reads its metadata', async () => {
      await createTopic('ckjs-admin');
      await withKjsAdmin(async (admin) => {
        expect(await admin.listTopics()).toContain('ckjs-admin');
        const meta = await admin.fetchTopicMetadata({ topics: ['ckjs-admin'] });
        expect(meta.map((t) => t.name)).toEqual(['ckjs-admin']);
        expect(meta[0].partitions.map((p) => p.partitionId).sort()).toEqual([0, 1, 2]);
        expect(meta[0].partitions.every((p) => p.leader === eddy.nodeId)).toBe(true);
      });
    });

    test('10,000 keyed records with headers come back through a consumer group, in order per partition', async () => {
      await createTopic('ckjs-keyed');
      const records = expectedRecords(10000, 'ckjs');
      await produce('ckjs-keyed', records);
      expect(verifyConsumed(records, await consume('ckjs-keyed', 'ckjs-keyed-group', records.length)).partitionsSeen).toBe(3);
    });

    test('committed offsets survive a consumer restart: the next consumer resumes where the first stopped', async () => {
      await createTopic('ckjs-resume');
      const first = expectedRecords(300, 'ckjs');
      const second = expectedRecords(200, 'ckjs', { first: 300 });
      await produce('ckjs-resume', first);
      verifyConsumed(first, await consume('ckjs-resume', 'ckjs-resume-group', first.length));
      await withKjsAdmin(async (admin) => {
        const committed = await admin.fetchOffsets({ groupId: 'ckjs-resume-group', topics: ['ckjs-resume'] });
        expect(committed[0].partitions.reduce((sum, p) => sum + Number(p.offset), 0)).toBe(first.length);
      });
      await produce('ckjs-resume', second);
      verifyConsumed(second, await consume('ckjs-resume', 'ckjs-resume-group', second.length));
    });

    test.each(['gzip', 'snappy', 'lz4', 'zstd'])('%s-compressed batches round-trip', async (codec) => {
      const topic = `ckjs-${codec}`;
      await createTopic(topic);
      const records = expectedRecords(2000, `ckjs-${codec}`);
      await produce(topic, records, { compression: codec });
      verifyConsumed(records, await consume(topic, `${topic}-group`, records.length));
      await expectStoredCodec(eddy.port, topic, codec);
    });

    test('idempotent producer', async () => {
      await createTopic('ckjs-idempotent');
      const records = expectedRecords(2000, 'ckjs-idempotent');
      await produce('ckjs-idempotent', records, { idempotent: true });
      verifyConsumed(records, await consume('ckjs-idempotent', 'ckjs-idempotent-group', records.length));
    });

    test('KIP-848 consumer (group.protocol=consumer) reads through the new group protocol', async () => {
      await createTopic('ckjs-kip848');
      const records = expectedRecords(500, 'ckjs-kip848');
      await produce('ckjs-kip848', records);
      // librdkafka's group debug log says why a KIP-848 member gets nowhere; it goes into the failure message.
      const groupLog: string[] = [];
      const keep = (message: unknown): void => {
        if (typeof message === 'string' && /not supported|error|fail/i.test(message)) groupLog.push(message);
      };
      const logger = { setLogLevel: () => undefined, namespace: () => logger, info: keep, warn: keep, error: keep, debug: keep };
      let consumed: ConsumedRecord[];
      try {
        consumed = await consume('ckjs-kip848', 'ckjs-kip848-group', records.length, { 'group.protocol': 'consumer', debug: 'cgrp' }, 20000, { logger });
      } catch (err) {
        throw new Error(`${(err as Error).message}\nlibrdkafka said:\n  ${[...new Set(groupLog)].slice(0, 5).join('\n  ')}`, { cause: err });
      }
      verifyConsumed(records, consumed);
    });
  });

  describe('node-rdkafka-style API', () => {
    function config(): Record<string, unknown> {
      return { 'metadata.broker.list': eddy.bootstrap, 'client.id': 'compat-rdkafka-style' };
    }

    function createTopic(topic: string): Promise<void> {
      const admin = confluent.AdminClient.create(config());
      return new Promise<void>((resolve, reject) => {
        admin.createTopic({ topic, num_partitions: 3, replication_factor: 1 }, (err) => (err ? reject(err) : resolve()));
      }).finally(() => admin.disconnect());
    }

    async function produce(topic: string, records: readonly ExpectedRecord[]): Promise<number> {
      const producer = new confluent.Producer({ ...config(), dr_cb: true, 'linger.ms': 5 });
      await ready(producer, () => producer.connect());
      let delivered = 0;
      const failures: string[] = [];
      producer.on('delivery-report', (err) => {
        if (err) failures.push(err.message);
        else delivered += 1;
      });
      producer.setPollInterval(20);
      for (const r of records) {
        const headers = Object.entries(r.headers).map(([k, v]) => ({ [k]: v }));
        producer.produce(topic, null, Buffer.from(r.value), r.key, null, null, headers);
      }
      await new Promise<void>((resolve, reject) => producer.flush(30000, (err) => (err ? reject(err) : resolve())));
      await waitUntil(
        () => delivered + failures.length >= records.length,
        30000,
        () => `${delivered} delivery reports`,
      );
      await new Promise<void>((resolve) => producer.disconnect(() => resolve()));
      expect(failures).toEqual([]);
      return delivered;
    }

    async function consume(topic: string, groupId: string, count: number): Promise<{ records: ConsumedRecord[]; committed: number }> {
      const consumer = new confluent.KafkaConsumer({ ...config(), 'group.id': groupId, 'enable.auto.commit': false }, { 'auto.offset.reset': 'earliest' });
      await ready(consumer, () => consumer.connect());
      const records: ConsumedRecord[] = [];
      const last = new Map<number, RdMessage>();
      consumer.on('data', (m) => {
        if (records.length >= count) return;
        const headers: Record<string, string> = {};
        for (const h of m.headers ?? []) for (const [k, v] of Object.entries(h)) headers[k] = v.toString();
        records.push({
          partition: m.partition,
          offset: String(m.offset),
          key: bufferToString(m.key),
          value: bufferToString(m.value),
          headers,
        });
        last.set(m.partition, m);
      });
      consumer.subscribe([topic]);
      consumer.consume();
      try {
        await waitUntil(
          () => records.length >= count,
          60000,
          () => `${records.length} of ${count} records from ${topic}`,
        );
        for (const m of last.values()) consumer.commitMessageSync(m);
        const committed = await new Promise<{ partition: number; offset: number }[]>((resolve, reject) =>
          consumer.committed(10000, (err, parts) => (err ? reject(err) : resolve(parts))),
        );
        return { records, committed: committed.reduce((sum, p) => sum + Math.max(p.offset, 0), 0) };
      } finally {
        await new Promise<void>((resolve) => consumer.disconnect(() => resolve()));
      }
    }

    test('Producer with delivery reports and KafkaConsumer with synchronous commits: 10,000 keyed records', async () => {
      await createTopic('rdkafka-keyed');
      const records = expectedRecords(10000, 'rdkafka-style');
      expect(await produce('rdkafka-keyed', records)).toBe(records.length);
      const { records: consumed, committed } = await consume('rdkafka-keyed', 'rdkafka-keyed-group', records.length);
      expect(verifyConsumed(records, consumed).partitionsSeen).toBe(3);
      expect(committed).toBe(records.length);
    });

    /**
     * A consumer whose committed offset lies outside the log: librdkafka must read Fetch's OFFSET_OUT_OF_RANGE
     * (which it cannot when the partition's records are null: it drops the whole answer) and apply
     * auto.offset.reset. Returns the offset of the first record it reads.
     */
    async function firstOffsetAfterReset(topic: string, committed: string, reset: 'earliest' | 'latest', then?: () => Promise<void>): Promise<number> {
      const groupId = `${topic}-group`;
      await withAdmin(kafkaClient(eddy.bootstrap, 'ckjs-reset-admin'), (admin) =>
        admin.setOffsets({ groupId, topic, partitions: [0, 1, 2].map((partition) => ({ partition, offset: committed })) }),
      );
      const consumer = new confluent.KafkaConsumer({ ...config(), 'group.id': groupId, 'enable.auto.commit': false }, { 'auto.offset.reset': reset });
      await ready(consumer, () => consumer.connect());
      const offsets: number[] = [];
      consumer.on('data', (m) => offsets.push(m.offset));
      consumer.subscribe([topic]);
      consumer.consume();
      try {
        await then?.();
        await waitUntil(
          () => offsets.length > 0,
          20000,
          () => `no record from ${topic} after committing offset ${committed} (auto.offset.reset=${reset})`,
        );
        return Math.min(...offsets);
      } finally {
        // librdkafka 2.15 sometimes never finishes closing a consumer stopped right after its first records: it
        // closes its broker socket with a Fetch in flight, then its broker handle loops "terminating in state INIT:
        // 4 refcnts, 0 waitresps" (a reference it never drops, nothing owed by the broker). Bounded so the test
        // checks the reset rather than hanging on the client's bug.
        await new Promise<void>((resolve) => {
          const bound = setTimeout(resolve, 10000);
          consumer.disconnect(() => {
            clearTimeout(bound);
            resolve();
          });
        });
      }
    }

    test('a committed offset past the end gets OFFSET_OUT_OF_RANGE and auto.offset.reset=earliest reads from the start', async () => {
      await createTopic('rdkafka-past-end');
      await produce('rdkafka-past-end', expectedRecords(30, 'rdkafka-past-end'));
      expect(await firstOffsetAfterReset('rdkafka-past-end', '1000', 'earliest')).toBe(0);
    });

    test('a committed offset past the end with auto.offset.reset=latest reads what is produced next', async () => {
      await createTopic('rdkafka-past-end-latest');
      const first = expectedRecords(30, 'rdkafka-latest');
      await produce('rdkafka-past-end-latest', first);
      // Records produced before the consumer has joined and reset would be skipped by "latest": produce a few rounds.
      const produceMore = async (): Promise<void> => {
        for (let round = 1; round <= 3; round++) {
          await new Promise((resolve) => setTimeout(resolve, 2000));
          await produce('rdkafka-past-end-latest', expectedRecords(30, 'rdkafka-latest', { first: 30 * round }));
        }
      };
      expect(await firstOffsetAfterReset('rdkafka-past-end-latest', '1000', 'latest', produceMore)).toBeGreaterThan(0);
    });

    test('a committed offset below the log start after DeleteRecords resets to the new log start', async () => {
      const topic = 'rdkafka-deleted';
      await createTopic(topic);
      await produce(topic, expectedRecords(60, 'rdkafka-deleted'));
      await withAdmin(kafkaClient(eddy.bootstrap, 'ckjs-delete-admin'), async (admin) => {
        const ends = await admin.fetchTopicOffsets(topic);
        // Keyed records spread unevenly: a partition with 5 records or fewer is emptied instead.
        const partitions = ends.map((e) => ({ partition: e.partition, offset: String(Math.min(5, Number(e.high))) }));
        expect(ends.some((e) => Number(e.high) > 5)).toBe(true);
        await admin.deleteTopicRecords({ topic, partitions });
      });
      expect(await firstOffsetAfterReset(topic, '1', 'earliest')).toBe(5);
    });

    test('a restarted KafkaConsumer resumes from the committed offsets', async () => {
      await createTopic('rdkafka-resume');
      const first = expectedRecords(300, 'rdkafka-style');
      const second = expectedRecords(200, 'rdkafka-style', { first: 300 });
      await produce('rdkafka-resume', first);
      const before = await consume('rdkafka-resume', 'rdkafka-resume-group', first.length);
      verifyConsumed(first, before.records);
      expect(before.committed).toBe(first.length);
      await produce('rdkafka-resume', second);
      const after = await consume('rdkafka-resume', 'rdkafka-resume-group', second.length);
      verifyConsumed(second, after.records);
      expect(after.committed).toBe(first.length + second.length);
    });
  });
});
