// A new partition's directory and first segment file exist by the time CreateTopics or CreatePartitions is
// answered (as Kafka serves a partition once its log exists), so a producer's first batch to each only opens a file;
// with timeoutMs 0 the answer does not wait, and the files still appear.
import * as fs from 'fs';
import * as path from 'path';
import { Kafka, logLevel } from 'kafkajs';
import { startInProcess, removeDir, tempDataDir } from '../helpers/broker';
import type { Broker } from '../../src/broker/broker';

const FIRST_SEGMENT = '00000000000000000000.log';
let dataDir = '';
let broker: Broker | undefined;

beforeEach(() => {
  dataDir = tempDataDir();
});

afterEach(async () => {
  await broker?.stop();
  broker = undefined;
  removeDir(dataDir);
});

function firstSegmentSizes(topic: string, partitions: number): (number | null)[] {
  return Array.from({ length: partitions }, (_, p) => {
    const file = path.join(dataDir, `${topic}-${p}`, FIRST_SEGMENT);
    return fs.existsSync(file) ? fs.statSync(file).size : null;
  });
}

describe('partition files at creation', () => {
  it('answers CreateTopics and CreatePartitions once every new partition has its empty first segment', async () => {
    const started = await startInProcess(dataDir);
    broker = started.broker;
    const kafka = new Kafka({ clientId: 'partition-files', brokers: [started.bootstrap], logLevel: logLevel.NOTHING });
    const admin = kafka.admin();
    await admin.connect();
    try {
      expect(await admin.createTopics({ topics: [{ topic: 'wide', numPartitions: 300 }], timeout: 30_000 })).toBe(true);
      expect(firstSegmentSizes('wide', 300)).toEqual(new Array(300).fill(0));
      await admin.createPartitions({ topicPartitions: [{ topic: 'wide', count: 700 }], timeout: 30_000 });
      expect(firstSegmentSizes('wide', 700)).toEqual(new Array(700).fill(0));
      const producer = kafka.producer();
      await producer.connect();
      try {
        const messages = Array.from({ length: 700 }, (_, p) => ({ value: `v${p}`, partition: p }));
        await producer.send({ topic: 'wide', acks: -1, messages });
      } finally {
        await producer.disconnect();
      }
      expect(firstSegmentSizes('wide', 700).every((size) => size !== null && size > 0)).toBe(true);
      const offsets = await admin.fetchTopicOffsets('wide');
      expect(offsets.filter((o) => o.high === '1')).toHaveLength(700);
    } finally {
      await admin.disconnect();
    }
  });

  it('answers at once with timeoutMs 0 and makes the files in the background', async () => {
    const started = await startInProcess(dataDir);
    broker = started.broker;
    const kafka = new Kafka({ clientId: 'partition-files', brokers: [started.bootstrap], logLevel: logLevel.NOTHING });
    const admin = kafka.admin();
    await admin.connect();
    try {
      expect(await admin.createTopics({ topics: [{ topic: 'eager', numPartitions: 3000 }], timeout: 0, waitForLeaders: false })).toBe(true);
      // The answer came before the background could make 3,000 directories and files.
      expect(firstSegmentSizes('eager', 3000).includes(null)).toBe(true);
      await broker.logs.directoriesCreated('eager');
      expect(firstSegmentSizes('eager', 3000)).toEqual(new Array(3000).fill(0));
    } finally {
      await admin.disconnect();
    }
  });
});
