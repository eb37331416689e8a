// Log compaction end to end with kafkajs 2.2.4: updates to a compacted topic with small segments and a fast
// cleaner are read back by a consumer group, which sees the newest value of every key and, in the cleaned part of
// the log, no superseded one. The internal offsets topic is compacted too.
import { EachMessagePayload } from 'kafkajs';
import { kafkaClient } from '../helpers/kafkajs';
import { brokerPerSuite } from '../helpers/broker';
import { waitFor } from '../helpers/wait';
import { batchLastOffset, batchRecordsCount } from '../../codecs/records/batch-header';

jest.setTimeout(60000);

describe('compacted topics with kafkajs', () => {
  const eddy = brokerPerSuite({ dataDirPrefix: 'eddy-compaction-it-', overrides: { 'log.cleaner.backoff.ms': '100' } });

  test('a consumer group reads back only the latest value per key from the cleaned log', async () => {
    const kafka = kafkaClient(eddy.bootstrap, 'compaction-it');
    const admin = kafka.admin();
    const producer = kafka.producer();
    await admin.connect();
    await producer.connect();
    const topic = 'compacted-updates';
    await admin.createTopics({
      topics: [
        {
          topic,
          numPartitions: 1,
          configEntries: [
            { name: 'cleanup.policy', value: 'compact' },
            { name: 'segment.bytes', value: '1024' },
            { name: 'min.cleanable.dirty.ratio', value: '0.01' },
          ],
        },
      ],
    });
    const keys = 10;
    const rounds = 30;
    for (let round = 0; round < rounds; round++) {
      await producer.send({
        topic,
        messages: Array.from({ length: keys }, (_, k) => ({ key: `key-${k}`, value: `round-${round}-of-key-${k}` })),
      });
    }
    const log = eddy.broker.logs.partition(topic, 0);
    if (log === undefined) throw new Error('partition missing');
    const produced = keys * rounds;
    expect(log.logEndOffset).toBe(BigInt(produced));
    await waitFor('the cleaner to compact the closed segments', () => log.cleanerCheckpoint >= log.activeBaseOffset && log.cleanerCheckpoint > 0n);

    const consumed: Array<{ offset: bigint; key: string; value: string }> = [];
    const consumer = kafka.consumer({ groupId: 'compaction-readers', maxWaitTimeInMs: 200 });
    await consumer.connect();
    await consumer.subscribe({ topic, fromBeginning: true });
    await consumer.run({
      eachMessage: async ({ message }: EachMessagePayload) => {
        consumed.push({ offset: BigInt(message.offset), key: message.key?.toString() ?? '', value: message.value?.toString() ?? '' });
      },
    });
    await waitFor('the consumer to reach the log end', () => consumed.length > 0 && consumed[consumed.length - 1].offset === BigInt(produced - 1));
    await consumer.disconnect();

    expect(consumed.length).toBeLessThan(produced);
    const latest = new Map<string, string>();
    for (const m of consumed) latest.set(m.key, m.value);
    for (let k = 0; k < keys; k++) expect(latest.get(`key-${k}`)).toBe(`round-${rounds - 1}-of-key-${k}`);
    const cleaned = consumed.filter((m) => m.offset < log.cleanerCheckpoint);
    expect(new Set(cleaned.map((m) => m.key)).size).toBe(cleaned.length);
    // Offsets are preserved: each value is the one produced at that offset.
    for (const m of consumed) {
      const round = Math.floor(Number(m.offset) / keys);
      expect(m.value).toBe(`round-${round}-of-key-${Number(m.offset) % keys}`);
    }
    // The group's offsets live in the compacted internal topic.
    const offsetsTopic = eddy.broker.logs.topic('__consumer_offsets');
    expect(offsetsTopic?.configs['cleanup.policy']).toBe('compact');
    await producer.disconnect();
    await admin.disconnect();
  });

  test('committed offsets survive compaction of __consumer_offsets and a restart', async () => {
    const kafka = kafkaClient(eddy.bootstrap, 'compaction-offsets');
    const admin = kafka.admin();
    await admin.connect();
    const topic = 'offsets-target';
    await admin.createTopics({ topics: [{ topic, numPartitions: 1 }] });
    const groupId = 'compaction-committer';
    const consumer = kafka.consumer({ groupId, maxWaitTimeInMs: 100 });
    await consumer.connect();
    await consumer.subscribe({ topic, fromBeginning: true });
    await consumer.run({ autoCommit: false, eachMessage: async () => undefined });
    // The group's first commit creates the offsets topic; then its segments become tiny so commits roll them.
    await waitFor('the offsets topic', () => eddy.broker.logs.topic('__consumer_offsets') !== undefined);
    const current = eddy.broker.logs.topic('__consumer_offsets');
    if (current === undefined) throw new Error('offsets topic missing');
    await eddy.broker.logs.alterTopicConfigs('__consumer_offsets', { ...current.configs, 'segment.bytes': '512', 'min.cleanable.dirty.ratio': '0.01' });
    const commits = 40;
    for (let i = 1; i <= commits; i++) await consumer.commitOffsets([{ topic, partition: 0, offset: String(i) }]);
    await consumer.disconnect();
    const logs = Array.from({ length: current.partitions }, (_, p) => eddy.broker.logs.partition('__consumer_offsets', p));
    const busy = logs.find((l) => l !== undefined && l.logEndOffset >= BigInt(commits));
    if (busy === undefined) throw new Error('no offsets partition holds the commits');
    await waitFor('the offsets partition to be cleaned', () => busy.cleanerCheckpoint > 0n && busy.cleanerCheckpoint >= busy.activeBaseOffset);
    const survivors = await countRecords(busy);
    expect(survivors).toBeLessThan(commits);
    await admin.disconnect();

    await eddy.restart();
    const again = kafkaClient(eddy.bootstrap, 'compaction-offsets-2').admin();
    await again.connect();
    const fetched = await again.fetchOffsets({ groupId, topics: [topic] });
    expect(fetched[0].partitions).toEqual([expect.objectContaining({ partition: 0, offset: String(commits) })]);
    await again.disconnect();
  });
});

async function countRecords(log: {
  logStartOffset: bigint;
  logEndOffset: bigint;
  read: (o: bigint, m: number, opts: { minOneBatch: boolean }) => Promise<{ batches: Buffer[] }>;
}): Promise<number> {
  let count = 0;
  let offset = log.logStartOffset;
  while (offset < log.logEndOffset) {
    const { batches } = await log.read(offset, 1 << 20, { minOneBatch: true });
    if (batches.length === 0) break;
    for (const b of batches) {
      count += batchRecordsCount(b);
      offset = batchLastOffset(b) + 1n;
    }
  }
  return count;
}
