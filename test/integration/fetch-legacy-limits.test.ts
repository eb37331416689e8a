// Fetch v0-2 byte limits are hard, as in Kafka (FetchParams.hardMaxBytesLimit, versions 2 and below): no batch is
// returned past partition_max_bytes, not even the first one, where v3 and later return a first batch that is too
// large whole so a consumer always progresses. Kafka 4 no longer serves these versions; Kafka 3.9 is the reference.
import { brokerPerSuite } from '../helpers/broker';
import { RawClient } from '../helpers/raw-client';
import { FetchRequestCodec } from '../../codecs/generated/FetchRequest';
import { FetchResponseCodec, type FetchResponse } from '../../codecs/generated/FetchResponse';
import { encodeRecordBatch } from '../../codecs/records/record-batch';
import { readLegacyMessageSet } from '../../codecs/records/legacy-message-set';

jest.setTimeout(20000);

const TOPIC = 'legacy-limits';
const VALUE = 'x'.repeat(200);
const suite = brokerPerSuite();
let client: RawClient;
/** Size of each stored batch (two records of VALUE). */
let batchBytes = 0;

beforeAll(async () => {
  await suite.broker.logs.createTopic(TOPIC, 2, {});
  for (const partition of [0, 1]) {
    const log = suite.broker.logs.partition(TOPIC, partition);
    if (log === undefined) throw new Error('no partition');
    for (let i = 0; i < 2; i++) {
      const batch = encodeRecordBatch({ records: [0, 1].map(() => ({ key: null, value: Buffer.from(VALUE) })) });
      batchBytes = batch.length;
      await log.append(batch);
    }
  }
  client = await RawClient.connect(suite.broker.port);
});

afterAll(() => client?.close());

function fetchAt(version: number, partitionMaxBytes: number, partitions: readonly number[] = [0]): Promise<FetchResponse> {
  return client.request(FetchRequestCodec, FetchResponseCodec, version, {
    replicaId: -1,
    maxWaitMs: 0,
    minBytes: 0,
    maxBytes: 1 << 20,
    topics: [{ topic: TOPIC, partitions: partitions.map((partition) => ({ partition, fetchOffset: 0n, partitionMaxBytes })) }],
  });
}

/** Offsets of the legacy messages each partition of the answer carries. */
function offsetsOf(res: FetchResponse): bigint[][] {
  return res.responses[0].partitions.map((p) => readLegacyMessageSet(p.records ?? Buffer.alloc(0)).map((m) => m.offset));
}

test.each([0, 1, 2])('Fetch v%i returns nothing when the first batch is larger than partition_max_bytes', async (version) => {
  const res = await fetchAt(version, batchBytes - 1, [0, 1]);
  expect(res.responses[0].partitions.map((p) => [p.errorCode, p.highWatermark, p.records?.length])).toEqual([
    [0, 4n, 0],
    [0, 4n, 0],
  ]);
});

test.each([0, 1, 2])('Fetch v%i returns only the batches that fit whole', async (version) => {
  expect(offsetsOf(await fetchAt(version, batchBytes + batchBytes / 2))).toEqual([[0n, 1n]]);
  expect(offsetsOf(await fetchAt(version, 2 * batchBytes))).toEqual([[0n, 1n, 2n, 3n]]);
});

test('Fetch v3 returns a first batch larger than partition_max_bytes whole, as v4 and later do', async () => {
  expect(offsetsOf(await fetchAt(3, 1, [0, 1]))).toEqual([[0n, 1n], []]);
});
