// The broker's core APIs driven by kafkajs 2.2.4 over real sockets: admin, producer, and reading back through
// the protocol (kcat and group consumers are covered in their own suites).
import { Kafka, logLevel, Admin, Producer, CompressionTypes } from 'kafkajs';
import { brokerPerSuite } from '../helpers/broker';
import { connectAdminAndProducer } from '../helpers/kafkajs';
import { RawClient } from '../helpers/raw-client';
import { FetchRequestCodec } from '../../codecs/generated/FetchRequest';
import { FetchResponseCodec } from '../../codecs/generated/FetchResponse';
import { decodeRecordBatch } from '../../codecs/records/record-batch';
import { scanFetchedRecords } from '../../codecs/records/batch-iterator';

jest.setTimeout(60000);

let kafka: Kafka;
let admin: Admin;
let producer: Producer;
const eddy = brokerPerSuite({
  beforeStop: async () => {
    await producer?.disconnect();
    await admin?.disconnect();
  },
});

beforeAll(async () => {
  kafka = new Kafka({ clientId: 'core-test', brokers: [eddy.bootstrap], logLevel: logLevel.NOTHING });
  ({ admin, producer } = await connectAdminAndProducer(kafka));
});

interface FetchedRecord {
  partition: number;
  offset: bigint;
  key: string | null;
  value: string | null;
  headers: Record<string, string>;
  timestamp: bigint;
}

/** Reads a whole partition back with raw Fetch v11 requests and decodes every record. */
async function readPartition(topic: string, partition: number, until: bigint): Promise<FetchedRecord[]> {
  const client = await RawClient.connect(eddy.broker.port);
  const out: FetchedRecord[] = [];
  let offset = 0n;
  try {
    while (offset < until) {
      const res = await client.request(FetchRequestCodec, FetchResponseCodec, 11, {
        replicaId: -1,
        maxWaitMs: 100,
        minBytes: 1,
        maxBytes: 1 << 20,
        isolationLevel: 0,
        sessionId: 0,
        sessionEpoch: -1,
        topics: [{ topic, partitions: [{ partition, fetchOffset: offset, partitionMaxBytes: 1 << 20 }] }],
      });
      const p = res.responses[0].partitions[0];
      expect(p.errorCode).toBe(0);
      const records = p.records ?? Buffer.alloc(0);
      for (const slice of scanFetchedRecords(records).batches) {
        const batch = decodeRecordBatch(records.subarray(slice.offset, slice.offset + slice.size));
        for (const r of batch.records) {
          if (r.offset < offset) continue;
          const headers: Record<string, string> = {};
          for (const h of r.headers) headers[h.key] = h.value?.toString() ?? '';
          out.push({
            partition,
            offset: r.offset,
            key: r.key?.toString() ?? null,
            value: r.value?.toString() ?? null,
            headers,
            timestamp: r.timestamp,
          });
          offset = r.offset + 1n;
        }
      }
    }
  } finally {
    client.close();
  }
  return out;
}

test('admin creates, lists, describes and deletes topics with Kafka error codes', async () => {
  expect(await admin.createTopics({ topics: [{ topic: 'orders', numPartitions: 3 }] })).toBe(true);
  expect(await admin.createTopics({ topics: [{ topic: 'orders', numPartitions: 3 }] })).toBe(false);
  expect(await admin.listTopics()).toContain('orders');
  const meta = await admin.fetchTopicMetadata({ topics: ['orders'] });
  expect(meta.topics[0].partitions.map((p) => p.partitionId).sort()).toEqual([0, 1, 2]);
  expect(meta.topics[0].partitions[0].leader).toBe(eddy.broker.identity.nodeId);

  await expect(admin.createTopics({ topics: [{ topic: 'rf3', replicationFactor: 3 }] })).rejects.toMatchObject({
    errors: [expect.objectContaining({ type: 'INVALID_REPLICATION_FACTOR' })],
  });
  await expect(admin.createTopics({ topics: [{ topic: 'bad/name' }] })).rejects.toMatchObject({
    errors: [expect.objectContaining({ type: 'INVALID_TOPIC_EXCEPTION' })],
  });
  await expect(admin.createTopics({ topics: [{ topic: 'badcfg', configEntries: [{ name: 'no.such.config', value: '1' }] }] })).rejects.toMatchObject({
    errors: [expect.objectContaining({ type: 'INVALID_CONFIG' })],
  });

  await admin.createPartitions({ topicPartitions: [{ topic: 'orders', count: 4 }] });
  const grown = await admin.fetchTopicMetadata({ topics: ['orders'] });
  expect(grown.topics[0].partitions).toHaveLength(4);

  await admin.createTopics({ topics: [{ topic: 'doomed' }] });
  await admin.deleteTopics({ topics: ['doomed'] });
  expect(await admin.listTopics()).not.toContain('doomed');
});

test('describe and alter topic configs', async () => {
  await admin.createTopics({
    topics: [{ topic: 'configured', configEntries: [{ name: 'retention.ms', value: '3600000' }] }],
  });
  const described = await admin.describeConfigs({
    includeSynonyms: false,
    resources: [{ type: 2, name: 'configured' }],
  });
  const entries = described.resources[0].configEntries;
  expect(entries.find((e) => e.configName === 'retention.ms')?.configValue).toBe('3600000');
  expect(entries.find((e) => e.configName === 'cleanup.policy')?.configValue).toBe('delete');
  await admin.alterConfigs({
    validateOnly: false,
    resources: [{ type: 2, name: 'configured', configEntries: [{ name: 'cleanup.policy', value: 'compact' }] }],
  });
  const after = await admin.describeConfigs({ includeSynonyms: false, resources: [{ type: 2, name: 'configured' }] });
  expect(after.resources[0].configEntries.find((e) => e.configName === 'cleanup.policy')?.configValue).toBe('compact');
  const brokerCfg = await admin.describeConfigs({
    includeSynonyms: false,
    resources: [{ type: 4, name: String(eddy.broker.identity.nodeId) }],
  });
  expect(brokerCfg.resources[0].configEntries.find((e) => e.configName === 'num.partitions')?.configValue).toBe('1');
});

test('produces thousands of keyed records with headers and reads them back in order', async () => {
  await admin.createTopics({ topics: [{ topic: 'events', numPartitions: 3 }] });
  const total = 3000;
  const sent: Array<{ key: string; value: string; partition: number; headers: Record<string, string> }> = [];
  for (let batch = 0; batch < 30; batch++) {
    const messages = Array.from({ length: total / 30 }, (_, i) => {
      const n = batch * (total / 30) + i;
      const m = { key: `key-${n % 50}`, value: `value-${n}`, partition: n % 3, headers: { seq: String(n), src: 'test' } };
      sent.push(m);
      return m;
    });
    const acks = await producer.send({ topic: 'events', messages, acks: -1 });
    expect(acks.every((a) => a.errorCode === 0)).toBe(true);
  }
  const offsets = await admin.fetchTopicOffsets('events');
  expect(offsets.map((o) => Number(o.high)).reduce((a, b) => a + b, 0)).toBe(total);
  for (let p = 0; p < 3; p++) {
    const high = BigInt(offsets.find((o) => o.partition === p)?.high ?? '0');
    const records = await readPartition('events', p, high);
    const expected = sent.filter((m) => m.partition === p);
    expect(records).toHaveLength(expected.length);
    records.forEach((r, i) => {
      expect(r.offset).toBe(BigInt(i));
      expect(r.key).toBe(expected[i].key);
      expect(r.value).toBe(expected[i].value);
      expect(r.headers).toEqual(expected[i].headers);
    });
  }
});

test('compressed batches (gzip) are stored and served as sent', async () => {
  await admin.createTopics({ topics: [{ topic: 'zipped' }] });
  const messages = Array.from({ length: 200 }, (_, i) => ({ key: `k${i}`, value: 'x'.repeat(100) + i }));
  await producer.send({ topic: 'zipped', messages, compression: CompressionTypes.GZIP });
  const records = await readPartition('zipped', 0, 200n);
  expect(records.map((r) => r.value)).toEqual(messages.map((m) => m.value));
});

test('fetchTopicOffsetsByTimestamp finds offsets by time', async () => {
  await admin.createTopics({ topics: [{ topic: 'timed' }] });
  const t0 = Date.now() - 10000;
  for (let i = 0; i < 5; i++) {
    await producer.send({ topic: 'timed', messages: [{ value: `v${i}`, timestamp: String(t0 + i * 1000) }] });
  }
  const [found] = await admin.fetchTopicOffsetsByTimestamp('timed', t0 + 2500);
  expect(found.offset).toBe('3');
  const [none] = await admin.fetchTopicOffsetsByTimestamp('timed', Date.now() + 60000);
  expect(none.offset).toBe('5'); // kafkajs maps "no such offset" (-1) to the high watermark
});

test('producing to an unknown topic fails with UNKNOWN_TOPIC_OR_PARTITION when auto-create is off in the request', async () => {
  const strict = kafka.producer({ allowAutoTopicCreation: false, retry: { retries: 0 } });
  await strict.connect();
  try {
    await expect(strict.send({ topic: 'never-created', messages: [{ value: 'x' }] })).rejects.toThrow(
      /does not host this topic-partition|UNKNOWN_TOPIC_OR_PARTITION|not exist/i,
    );
  } finally {
    await strict.disconnect();
  }
});

test('metadata auto-creates topics with num.partitions', async () => {
  const autoProducer = kafka.producer({ allowAutoTopicCreation: true });
  await autoProducer.connect();
  try {
    await autoProducer.send({ topic: 'auto-made', messages: [{ value: 'hello' }] });
  } finally {
    await autoProducer.disconnect();
  }
  const meta = await admin.fetchTopicMetadata({ topics: ['auto-made'] });
  expect(meta.topics[0].partitions).toHaveLength(1);
});
