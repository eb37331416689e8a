// A topic whose compression.type names a codec stores every batch with that codec, whatever the producer sent, as
// Kafka's LogValidator rebuilds them. The stored batch's codec bits are read over a raw Fetch; the records must
// come back the same (keys, values, headers, timestamps) through kafkajs and through librdkafka (kcat).
import { CompressionCodecs, CompressionTypes, Kafka } from 'kafkajs';
import { FetchRequestCodec } from '../../codecs/generated/FetchRequest';
import { FetchResponseCodec } from '../../codecs/generated/FetchResponse';
import { Compression } from '../../codecs/records/batch-header';
import { scanFetchedRecords } from '../../codecs/records/batch-iterator';
import { compress, decompress } from '../../codecs/records/compression';
import { DecodedBatch, decodeRecordBatch } from '../../codecs/records/record-batch';
import { brokerPerSuite } from '../helpers/broker';
import { sessionlessFetch } from '../helpers/fetch-requests';
import { createTopics, kafkaClient } from '../helpers/kafkajs';
import { RawClient } from '../helpers/raw-client';
import { hasCommand, KCAT, run } from '../helpers/tools';

jest.setTimeout(60000);

const CODECS: Record<string, Compression> = {
  gzip: Compression.Gzip,
  snappy: Compression.Snappy,
  lz4: Compression.Lz4,
  zstd: Compression.Zstd,
  uncompressed: Compression.None,
};
const BASE_TIMESTAMP = 1_700_000_000_000;

/** kafkajs reads snappy, lz4 and zstd only through plugins; these use Eddy's codecs (kcat checks them independently). */
function registerCodec(type: CompressionTypes.Snappy | CompressionTypes.LZ4 | CompressionTypes.ZSTD, codec: Compression): void {
  CompressionCodecs[type] = () => ({
    compress: (encoder: { buffer: Buffer }) => Promise.resolve(compress(codec, encoder.buffer)),
    decompress: (buffer: Buffer) => Promise.resolve(decompress(codec, buffer)),
  });
}

const suite = brokerPerSuite({ dataDirPrefix: 'eddy-recompress-' });
let kafka: Kafka;

beforeAll(() => {
  registerCodec(CompressionTypes.Snappy, Compression.Snappy);
  registerCodec(CompressionTypes.LZ4, Compression.Lz4);
  registerCodec(CompressionTypes.ZSTD, Compression.Zstd);
  kafka = kafkaClient(suite.bootstrap, 'recompression');
});

function message(i: number): { key: string; value: string; headers: Record<string, string>; timestamp: string } {
  return { key: `key-${i}`, value: `value ${i} `.repeat(20), headers: { n: String(i) }, timestamp: String(BASE_TIMESTAMP + i * 1000) };
}

/**
 * Every batch of the topic's partition 0, fetched to its high watermark. A fetch returns one segment's batches, and
 * a batch whose timestamp is more than segment.ms after the segment's first starts a new segment (as in Kafka):
 * the commit marker, stamped now, follows records stamped in 2023.
 */
async function storedBatches(topic: string): Promise<DecodedBatch[]> {
  const client = await RawClient.connect(suite.broker.port);
  try {
    const out: DecodedBatch[] = [];
    for (let fetchOffset = 0n; ;) {
      const partitions = [{ partition: 0, fetchOffset, partitionMaxBytes: 1 << 20 }];
      const res = await client.request(FetchRequestCodec, FetchResponseCodec, 11, sessionlessFetch([{ topic, partitions }]));
      const partition = res.responses[0].partitions[0];
      const records = partition.records ?? Buffer.alloc(0);
      const batches = scanFetchedRecords(records).batches.map((s) => decodeRecordBatch(records.subarray(s.offset, s.offset + s.size)));
      if (batches.length === 0) return out;
      out.push(...batches);
      const last = batches[batches.length - 1];
      fetchOffset = last.baseOffset + BigInt(last.lastOffsetDelta) + 1n;
      if (fetchOffset >= partition.highWatermark) return out;
    }
  } finally {
    client.close();
  }
}

async function consumeWithKafkajs(topic: string, count: number): Promise<Array<{ key: string; value: string; n: string; timestamp: string }>> {
  const consumer = kafka.consumer({ groupId: `g-${topic}` });
  const seen: Array<{ key: string; value: string; n: string; timestamp: string }> = [];
  await consumer.connect();
  try {
    await consumer.subscribe({ topic, fromBeginning: true });
    await new Promise<void>((resolve, reject) => {
      consumer
        .run({
          eachMessage: async ({ message: m }) => {
            seen.push({ key: String(m.key), value: String(m.value), n: String(m.headers?.n), timestamp: m.timestamp });
            if (seen.length === count) resolve();
          },
        })
        .catch(reject);
    });
  } finally {
    await consumer.disconnect();
  }
  return seen;
}

describe('compression.type rebuilds produced batches with the topic codec', () => {
  const cases: Array<[string, CompressionTypes]> = [
    ['zstd', CompressionTypes.None],
    ['lz4', CompressionTypes.None],
    ['gzip', CompressionTypes.None],
    ['snappy', CompressionTypes.GZIP],
    ['uncompressed', CompressionTypes.ZSTD],
  ];

  test.each(cases)('topic %s, producer codec %s', async (topicCodec, producerCodec) => {
    const topic = `recompress-${topicCodec}`;
    await createTopics(kafka, [{ topic, numPartitions: 1, configEntries: [{ name: 'compression.type', value: topicCodec }] }]);
    const producer = kafka.producer({ idempotent: true, allowAutoTopicCreation: false });
    await producer.connect();
    const messages = Array.from({ length: 10 }, (_, i) => message(i));
    try {
      await producer.send({ topic, compression: producerCodec, messages: messages.slice(0, 5) });
      await producer.send({ topic, compression: producerCodec, messages: messages.slice(5) });
    } finally {
      await producer.disconnect();
    }

    const batches = await storedBatches(topic);
    expect(batches.map((b) => b.compression)).toEqual([CODECS[topicCodec], CODECS[topicCodec]]);
    // The producer's id, epoch and sequences carry over, so an idempotent retry is still recognised.
    expect(batches.map((b) => [b.baseOffset, b.baseSequence, b.lastOffsetDelta])).toEqual([
      [0n, 0, 4],
      [5n, 5, 4],
    ]);
    expect(batches[0].producerId).toBeGreaterThanOrEqual(0n);
    expect(batches.map((b) => b.maxTimestamp)).toEqual([BigInt(BASE_TIMESTAMP + 4000), BigInt(BASE_TIMESTAMP + 9000)]);
    const decoded = batches.flatMap((b) => b.records);
    expect(decoded.map((r) => [r.offset, r.key?.toString(), r.value?.toString(), r.timestamp])).toEqual(
      messages.map((m, i) => [BigInt(i), m.key, m.value, BigInt(m.timestamp)]),
    );

    const consumed = await consumeWithKafkajs(topic, messages.length);
    expect(consumed).toEqual(messages.map((m) => ({ key: m.key, value: m.value, n: m.headers.n, timestamp: m.timestamp })));

    if (hasCommand(KCAT)) {
      const res = await run(KCAT, ['-b', suite.bootstrap, '-C', '-t', topic, '-p', '0', '-o', 'beginning', '-e', '-f', '%o|%k|%h|%T|%s\\n'], '', 30000);
      expect(res.code).toBe(0);
      const lines = res.stdout.split('\n').filter((l) => l.length > 0);
      expect(lines).toEqual(messages.map((m, i) => `${i}|${m.key}|n=${m.headers.n}|${m.timestamp}|${m.value}`));
    }
  });

  test("'producer' keeps the producer's codec and bytes", async () => {
    const topic = 'recompress-producer';
    await createTopics(kafka, [{ topic, numPartitions: 1 }]);
    const producer = kafka.producer({ allowAutoTopicCreation: false });
    await producer.connect();
    try {
      await producer.send({ topic, compression: CompressionTypes.GZIP, messages: [message(0)] });
      await producer.send({ topic, compression: CompressionTypes.None, messages: [message(1)] });
    } finally {
      await producer.disconnect();
    }
    expect((await storedBatches(topic)).map((b) => b.compression)).toEqual([Compression.Gzip, Compression.None]);
  });

  test('transactional batches keep their flag when rebuilt', async () => {
    const topic = 'recompress-txn';
    await createTopics(kafka, [{ topic, numPartitions: 1, configEntries: [{ name: 'compression.type', value: 'zstd' }] }]);
    const producer = kafka.producer({ transactionalId: 'recompress-txn', idempotent: true, maxInFlightRequests: 1, allowAutoTopicCreation: false });
    await producer.connect();
    try {
      const txn = await producer.transaction();
      await txn.send({ topic, messages: [message(0), message(1)] });
      await txn.commit();
    } finally {
      await producer.disconnect();
    }
    const [data, marker] = await storedBatches(topic);
    expect(data.compression).toBe(Compression.Zstd);
    expect(data.transactional).toBe(true);
    // Kafka writes its commit marker itself, uncompressed.
    expect(marker.control).toBe(true);
    expect(marker.compression).toBe(Compression.None);
  });
});
