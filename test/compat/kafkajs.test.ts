// kafkajs 2.2.4 against Eddy: admin, 10,000 keyed records with headers through a consumer group, committed offsets
// surviving a consumer restart, every compression codec (snappy, lz4 and zstd through npm codec plugins), and the
// idempotent producer. The codec plugins come from test/compat/node_modules.
import { CompressionCodecs, CompressionTypes, Kafka, logLevel } from 'kafkajs';
import { compatPackageProblem, describeClient, requireCompat } from './support/compat-clients';
import { startEddy, RunningEddy } from './support/eddy';
import { expectStoredCodec } from './support/stored-batches';
import { bufferToString, ConsumedRecord, consumedMessage, ExpectedRecord, expectedRecords, verifyConsumed, waitUntil } from './support/keyed-records';

jest.setTimeout(120000);

/** The shape kafkajs expects from a codec plugin. */
interface KafkajsCodec {
  compress(encoder: { buffer: Buffer }): Promise<Buffer>;
  decompress(buffer: Buffer): Promise<Buffer>;
}
type CodecFactory = () => KafkajsCodec;

function isFunction(v: unknown): v is (...args: unknown[]) => unknown {
  return typeof v === 'function';
}

/** kafkajs-snappy exports the factory itself. */
function snappyCodec(): CodecFactory {
  const mod = requireCompat('kafkajs-snappy');
  if (!isFunction(mod)) throw new Error('kafkajs-snappy: unexpected export');
  return mod as CodecFactory;
}

/** kafkajs-lz4 exports a class whose instances carry the factory as `codec`. */
function lz4Codec(): CodecFactory {
  const mod = requireCompat('kafkajs-lz4');
  if (!isFunction(mod)) throw new Error('kafkajs-lz4: unexpected export');
  const instance: unknown = new (mod as unknown as new () => unknown)();
  const codec = (instance as { codec?: unknown }).codec;
  if (!isFunction(codec)) throw new Error('kafkajs-lz4: no codec factory');
  return codec as CodecFactory;
}

interface ZstdNapi {
  compress(data: Buffer): Buffer;
  decompress(data: Buffer): Buffer;
}

/**
 * No published kafkajs zstd plugin installs on Node 20 (@kafkajs/zstd's native cppzst does not compile against
 * Node 20's headers; @sensejs/kafkajs-zstd-support ships a broken CommonJS build), so the codec kafkajs asks for is
 * built here on zstd-napi, which compiles the reference zstd library.
 */
function zstdCodec(): CodecFactory {
  const mod = requireCompat('zstd-napi') as Partial<ZstdNapi>;
  const { compress, decompress } = mod;
  if (!isFunction(compress) || !isFunction(decompress)) throw new Error('zstd-napi: unexpected export');
  const zstd = mod as ZstdNapi;
  return () => ({
    compress: async (encoder) => zstd.compress(encoder.buffer),
    decompress: async (buffer) => zstd.decompress(buffer),
  });
}

const PLUGINS = ['kafkajs-snappy', 'kafkajs-lz4', 'zstd-napi'];

describeClient(
  'kafkajs 2.2.4',
  PLUGINS.map((p) => compatPackageProblem(p)),
  () => {
    let eddy: RunningEddy;
    let kafka: Kafka;

    beforeAll(async () => {
      CompressionCodecs[CompressionTypes.Snappy] = snappyCodec();
      CompressionCodecs[CompressionTypes.LZ4] = lz4Codec();
      CompressionCodecs[CompressionTypes.ZSTD] = zstdCodec();
      eddy = await startEddy();
      kafka = new Kafka({ clientId: 'compat-kafkajs', brokers: [eddy.bootstrap], logLevel: logLevel.NOTHING });
    });

    afterAll(async () => {
      await eddy?.stop();
    });

    async function createTopic(topic: string, numPartitions: number): Promise<void> {
      const admin = kafka.admin();
      await admin.connect();
      try {
        expect(await admin.createTopics({ topics: [{ topic, numPartitions }], waitForLeaders: true })).toBe(true);
      } finally {
        await admin.disconnect();
      }
    }

    async function produce(
      topic: string,
      records: readonly ExpectedRecord[],
      options: { compression?: CompressionTypes; idempotent?: boolean } = {},
    ): Promise<void> {
      const producer = kafka.producer({ idempotent: options.idempotent ?? false, allowAutoTopicCreation: false });
      await producer.connect();
      try {
        for (let i = 0; i < records.length; i += 1000) {
          const chunk = records.slice(i, i + 1000);
          const result = await producer.send({
            topic,
            compression: options.compression,
            messages: chunk.map((r) => ({ key: r.key, value: r.value, headers: { ...r.headers } })),
          });
          for (const meta of result) expect(meta.errorCode).toBe(0);
        }
      } finally {
        await producer.disconnect();
      }
    }

    /** Consumes with a group until `count` records arrived, then leaves the group (committing what it read). */
    async function consumeWithGroup(topic: string, groupId: string, count: number): Promise<ConsumedRecord[]> {
      // A short fetch wait only makes leaving the group quicker: kafkajs lets the fetch in flight finish first.
      const consumer = kafka.consumer({ groupId, allowAutoTopicCreation: false, maxWaitTimeInMs: 500 });
      const out: ConsumedRecord[] = [];
      await consumer.connect();
      try {
        await consumer.subscribe({ topic, fromBeginning: true });
        await consumer.run({
          eachMessage: async ({ partition, message }) => {
            const headers: Record<string, string> = {};
            for (const [k, v] of Object.entries(message.headers ?? {})) {
              headers[k] = Array.isArray(v) ? v.map((x) => x.toString()).join(',') : (bufferToString(v) ?? '');
            }
            out.push(consumedMessage(partition, message, headers));
          },
        });
        await waitUntil(
          () => out.length >= count,
          60000,
          () => `${out.length} of ${count} records from ${topic}`,
        );
      } finally {
        await consumer.disconnect();
      }
      return out;
    }

    test('admin: create a 3-partition topic, list it, read its metadata and the cluster', async () => {
      await createTopic('kafkajs-admin', 3);
      const admin = kafka.admin();
      await admin.connect();
      try {
        expect(await admin.listTopics()).toContain('kafkajs-admin');
        const meta = await admin.fetchTopicMetadata({ topics: ['kafkajs-admin'] });
        expect(meta.topics[0].partitions.map((p) => p.partitionId).sort()).toEqual([0, 1, 2]);
        const cluster = await admin.describeCluster();
        expect(cluster.brokers).toEqual([{ nodeId: eddy.nodeId, host: '127.0.0.1', port: eddy.port }]);
        expect(cluster.controller).toBe(eddy.nodeId);
      } finally {
        await admin.disconnect();
      }
    });

    test('10,000 keyed records with headers come back through a consumer group, in order per partition', async () => {
      await createTopic('kafkajs-keyed', 3);
      const records = expectedRecords(10000, 'kafkajs');
      await produce('kafkajs-keyed', records);
      const consumed = await consumeWithGroup('kafkajs-keyed', 'kafkajs-keyed-group', records.length);
      const check = verifyConsumed(records, consumed);
      expect(check.partitionsSeen).toBe(3);
    });

    test('committed offsets survive a consumer restart: the next consumer resumes where the first stopped', async () => {
      await createTopic('kafkajs-resume', 3);
      const records = expectedRecords(500, 'kafkajs');
      const first = records.slice(0, 300);
      const second = records.slice(300);
      await produce('kafkajs-resume', first);
      verifyConsumed(first, await consumeWithGroup('kafkajs-resume', 'kafkajs-resume-group', first.length));

      const admin = kafka.admin();
      await admin.connect();
      try {
        const committed = await admin.fetchOffsets({ groupId: 'kafkajs-resume-group', topics: ['kafkajs-resume'] });
        const total = committed[0].partitions.reduce((sum, p) => sum + Number(p.offset), 0);
        expect(total).toBe(first.length);
      } finally {
        await admin.disconnect();
      }

      await produce('kafkajs-resume', second);
      const resumed = await consumeWithGroup('kafkajs-resume', 'kafkajs-resume-group', second.length);
      verifyConsumed(second, resumed);
    });

    test.each([
      ['gzip', CompressionTypes.GZIP],
      ['snappy', CompressionTypes.Snappy],
      ['lz4', CompressionTypes.LZ4],
      ['zstd', CompressionTypes.ZSTD],
    ])('%s-compressed batches round-trip', async (name, compression) => {
      const topic = `kafkajs-${name}`;
      await createTopic(topic, 3);
      const records = expectedRecords(2000, `kafkajs-${name}`);
      await produce(topic, records, { compression });
      verifyConsumed(records, await consumeWithGroup(topic, `${topic}-group`, records.length));
      await expectStoredCodec(eddy.port, topic, name);
    });

    test('idempotent producer', async () => {
      await createTopic('kafkajs-idempotent', 3);
      const records = expectedRecords(3000, 'kafkajs-idempotent');
      await produce('kafkajs-idempotent', records, { idempotent: true });
      verifyConsumed(records, await consumeWithGroup('kafkajs-idempotent', 'kafkajs-idempotent-group', records.length));
    });
  },
);
