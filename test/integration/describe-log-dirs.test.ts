// DescribeLogDirs over a real socket: partition sizes match the segment files on disk, before and after a clean
// restart, and answering does not load partitions a clean start left unloaded.
import * as fs from 'fs';
import * as path from 'path';
import { Kafka, logLevel } from 'kafkajs';
import { startInProcess, removeDir, tempDataDir } from '../helpers/broker';
import { RawClient } from '../helpers/raw-client';
import type { Broker } from '../../src/broker/broker';
import { DescribeLogDirsRequestCodec } from '../../codecs/generated/DescribeLogDirsRequest';
import { DescribeLogDirsResponse, DescribeLogDirsResponseCodec } from '../../codecs/generated/DescribeLogDirsResponse';

const TOPIC = 'log-dir-sizes';
let dataDir = '';
let broker: Broker | undefined;

afterEach(async () => {
  await broker?.stop();
  broker = undefined;
});

afterAll(() => removeDir(dataDir));

async function describeLogDirs(port: number, topics: Array<{ topic: string; partitions: number[] }> | null): Promise<DescribeLogDirsResponse> {
  const client = await RawClient.connect(port);
  try {
    return await client.request(DescribeLogDirsRequestCodec, DescribeLogDirsResponseCodec, 4, { topics });
  } finally {
    client.close();
  }
}

function sizesOf(res: DescribeLogDirsResponse, topic: string): Map<number, bigint> {
  const entry = res.results[0].topics.find((t) => t.name === topic);
  return new Map((entry?.partitions ?? []).map((p) => [p.partitionIndex, p.partitionSize]));
}

function bytesOnDisk(partition: number): bigint {
  const dir = path.join(dataDir, `${TOPIC}-${partition}`);
  if (!fs.existsSync(dir)) return 0n;
  return fs
    .readdirSync(dir)
    .filter((name) => name.endsWith('.log'))
    .reduce((sum, name) => sum + BigInt(fs.statSync(path.join(dir, name)).size), 0n);
}

test('reports each partition by the bytes of its segment files, without loading partitions after a clean restart', async () => {
  dataDir = tempDataDir();
  broker = (await startInProcess(dataDir)).broker;
  const kafka = new Kafka({ brokers: [`127.0.0.1:${broker.port}`], logLevel: logLevel.NOTHING });
  const admin = kafka.admin();
  const producer = kafka.producer();
  await admin.connect();
  await producer.connect();
  try {
    await admin.createTopics({ topics: [{ topic: TOPIC, numPartitions: 3 }] });
    await producer.send({
      topic: TOPIC,
      messages: [
        { value: 'a'.repeat(500), partition: 0 },
        { value: 'b', partition: 0 },
      ],
    });
    await producer.send({ topic: TOPIC, messages: [{ value: 'c'.repeat(2000), partition: 1 }] });
  } finally {
    await producer.disconnect();
    await admin.disconnect();
  }

  const live = await describeLogDirs(broker.port, null);
  expect(live.errorCode).toBe(0);
  expect(live.results).toHaveLength(1);
  expect(live.results[0].logDir).toBe(path.resolve(dataDir));
  expect(live.results[0].totalBytes).toBeGreaterThan(0n);
  const liveSizes = sizesOf(live, TOPIC);
  expect([...liveSizes.keys()].sort()).toEqual([0, 1, 2]);
  expect(liveSizes.get(0)).toBe(bytesOnDisk(0));
  expect(liveSizes.get(1)).toBe(bytesOnDisk(1));
  expect(liveSizes.get(1)).toBeGreaterThan(2000n);
  expect(liveSizes.get(2)).toBe(0n);

  await broker.stop();
  broker = (await startInProcess(dataDir)).broker;
  const unloadedBefore = broker.logs.unloadedPartitionCount();
  expect(unloadedBefore).toBeGreaterThanOrEqual(3);
  const restarted = await describeLogDirs(broker.port, null);
  expect(sizesOf(restarted, TOPIC)).toEqual(liveSizes);
  expect(broker.logs.unloadedPartitionCount()).toBe(unloadedBefore);

  // Named partitions: only existing ones are reported, an unknown topic is left out (as Kafka does).
  const named = await describeLogDirs(broker.port, [
    { topic: TOPIC, partitions: [1, 7] },
    { topic: 'no-such-topic', partitions: [0] },
  ]);
  expect(named.results[0].topics.map((t) => t.name)).toEqual([TOPIC]);
  expect(sizesOf(named, TOPIC)).toEqual(new Map([[1, liveSizes.get(1)]]));
});
