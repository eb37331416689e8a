// Handlers called directly with a request context over a real broker's services: no socket, real storage. They
// must find partitions a clean restart left on disk (storage builds those on first use behind the partition
// directory) exactly as they find partitions written in this process.
import { encodeRecordBatch } from '../../../codecs/records/record-batch';
import { ErrorCode } from '../../../codecs/protocol/errors';
import { listOffsetsHandler } from '../../../src/api/02-list-offsets';
import { deleteRecordsHandler } from '../../../src/api/21-delete-records';
import { offsetForLeaderEpochHandler } from '../../../src/api/23-offset-for-leader-epoch';
import { describeProducersHandler } from '../../../src/api/61-describe-producers';
import type { ApiHandler, RequestContext } from '../../../src/api/handler';
import type { Broker } from '../../../src/broker/broker';
import { requestScopeFactory } from '../../../src/network/request-scope';
import { silentLogger } from '../../../src/logger';
import { removeDir, startInProcess, tempDataDir } from '../../helpers/broker';

const TOPIC = 'handled';
const EARLIEST = -2n;
const LATEST = -1n;

function contextFor(broker: Broker, apiKey: number, apiVersion: number): RequestContext {
  const stop = new AbortController();
  const scope = requestScopeFactory(broker.services, silentLogger());
  return scope(
    { apiKey, apiVersion, correlationId: 1, clientId: 'unit' },
    { clientAddress: 'test', listenerName: 'PLAINTEXT', closed: new Promise(() => undefined), stopSignal: stop.signal },
  );
}

async function call<Res>(broker: Broker, handler: ApiHandler, version: number, request: unknown): Promise<Res> {
  return (await handler.handle(request, contextFor(broker, handler.apiKey, version))) as Res;
}

/** Three records per partition, in three batches, so offsets 0-2 exist in every partition. */
async function fill(broker: Broker, partitions: number): Promise<void> {
  await broker.topics.create({ name: TOPIC, numPartitions: partitions, replicationFactor: -1, configs: {} });
  for (let p = 0; p < partitions; p++) {
    const log = await broker.services.partitions.log(broker.topics.get(TOPIC), p);
    for (let i = 0; i < 3; i++) await log?.append(encodeRecordBatch({ records: [{ value: Buffer.from(`r${i}`) }] }));
  }
}

interface Offsets {
  topics: Array<{ name: string; partitions: Array<{ partitionIndex: number; errorCode: number; offset: bigint }> }>;
}

function listOffsets(broker: Broker, timestamp: bigint, partitions: number[], topic = TOPIC): Promise<Offsets> {
  return call<Offsets>(broker, listOffsetsHandler, 7, {
    replicaId: -1,
    isolationLevel: 0,
    topics: [{ name: topic, partitions: partitions.map((partitionIndex) => ({ partitionIndex, currentLeaderEpoch: -1, timestamp, maxNumOffsets: 1 })) }],
  });
}

describe('partition handlers over the broker services', () => {
  let dataDir: string;
  let broker: Broker;

  beforeEach(async () => {
    dataDir = tempDataDir();
    broker = (await startInProcess(dataDir)).broker;
    await fill(broker, 2);
  });

  afterEach(async () => {
    await broker.stop();
    removeDir(dataDir);
  });

  async function restart(): Promise<void> {
    await broker.stop();
    broker = (await startInProcess(dataDir)).broker;
    expect(broker.logs.unloadedPartitionCount()).toBe(2);
  }

  test('ListOffsets answers partitions a clean restart left unloaded, and unknown partitions and topics with their codes', async () => {
    await restart();
    const latest = await listOffsets(broker, LATEST, [0, 1, 2]);
    expect(latest.topics[0].partitions.map((p) => [p.partitionIndex, p.errorCode, p.offset])).toEqual([
      [0, ErrorCode.NONE, 3n],
      [1, ErrorCode.NONE, 3n],
      [2, ErrorCode.UNKNOWN_TOPIC_OR_PARTITION, -1n],
    ]);
    const unknown = await listOffsets(broker, EARLIEST, [0], 'no-such-topic');
    expect(unknown.topics[0].partitions[0].errorCode).toBe(ErrorCode.UNKNOWN_TOPIC_OR_PARTITION);
  });

  test('DeleteRecords moves the log start of an unloaded partition, and ListOffsets sees it', async () => {
    await restart();
    const deleted = await call<{ topics: Array<{ partitions: Array<{ lowWatermark: bigint; errorCode: number }> }> }>(broker, deleteRecordsHandler, 2, {
      topics: [
        {
          name: TOPIC,
          partitions: [
            { partitionIndex: 1, offset: 2n },
            { partitionIndex: 0, offset: 9n },
          ],
        },
      ],
      timeoutMs: 1000,
    });
    // In Kafka's order (a Scala HashMap of the topic's partitions), not the request's.
    expect(deleted.topics[0].partitions).toEqual([
      { partitionIndex: 0, lowWatermark: -1n, errorCode: ErrorCode.OFFSET_OUT_OF_RANGE },
      { partitionIndex: 1, lowWatermark: 2n, errorCode: ErrorCode.NONE },
    ]);
    const earliest = await listOffsets(broker, EARLIEST, [0, 1]);
    expect(earliest.topics[0].partitions.map((p) => p.offset)).toEqual([0n, 2n]);
  });

  test('OffsetForLeaderEpoch and DescribeProducers load what they read', async () => {
    await restart();
    const epochs = await call<{ topics: Array<{ partitions: Array<{ errorCode: number; leaderEpoch: number; endOffset: bigint }> }> }>(
      broker,
      offsetForLeaderEpochHandler,
      4,
      {
        replicaId: -1,
        topics: [
          {
            topic: TOPIC,
            partitions: [
              { partition: 0, currentLeaderEpoch: -1, leaderEpoch: 0 },
              { partition: 7, currentLeaderEpoch: -1, leaderEpoch: 0 },
            ],
          },
        ],
      },
    );
    expect(epochs.topics[0].partitions.map((p) => [p.errorCode, p.leaderEpoch, p.endOffset])).toEqual([
      [ErrorCode.NONE, 0, 3n],
      [ErrorCode.UNKNOWN_TOPIC_OR_PARTITION, -1, -1n],
    ]);
    const producers = await call<{ topics: Array<{ partitions: Array<{ errorCode: number; activeProducers: unknown[] }> }> }>(
      broker,
      describeProducersHandler,
      0,
      {
        topics: [{ name: TOPIC, partitionIndexes: [1] }],
      },
    );
    expect(producers.topics[0].partitions[0]).toMatchObject({ errorCode: ErrorCode.NONE, activeProducers: [] });
  });
});
