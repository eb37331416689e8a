// Old protocol versions that pre-0.11 clients and pinned-version tools send: Produce v2 with a legacy message
// set (converted to a v2 batch on arrival) and Fetch v0-v3 (down-converted to message format v0/v1 on the way out).
import { startInProcess, removeDir } from '../helpers/broker';
import type { Broker } from '../../src/broker/broker';
import { RawClient } from '../helpers/raw-client';
import { CreateTopicsRequestCodec } from '../../codecs/generated/CreateTopicsRequest';
import { CreateTopicsResponseCodec } from '../../codecs/generated/CreateTopicsResponse';
import { ProduceRequestCodec } from '../../codecs/generated/ProduceRequest';
import { ProduceResponseCodec } from '../../codecs/generated/ProduceResponse';
import { FetchRequestCodec } from '../../codecs/generated/FetchRequest';
import { FetchResponseCodec } from '../../codecs/generated/FetchResponse';
import { encodeLegacyMessageSet, readLegacyMessageSet } from '../../codecs/records/legacy-message-set';
import { encodeRecordBatch } from '../../codecs/records/record-batch';

jest.setTimeout(20000);

let broker: Broker;
let dataDir: string;
let client: RawClient;

beforeAll(async () => {
  ({ broker, dataDir } = await startInProcess());
  client = await RawClient.connect(broker.port);
  const created = await client.request(CreateTopicsRequestCodec, CreateTopicsResponseCodec, 2, {
    topics: [{ name: 'legacy', numPartitions: 1, replicationFactor: 1 }],
    timeoutMs: 1000,
  });
  expect(created.topics[0].errorCode).toBe(0);
});

afterAll(async () => {
  client?.close();
  await broker?.stop();
  removeDir(dataDir);
});

function fetchBody(offset: bigint) {
  return {
    replicaId: -1,
    maxWaitMs: 50,
    minBytes: 1,
    maxBytes: 1 << 20,
    topics: [{ topic: 'legacy', partitions: [{ partition: 0, fetchOffset: offset, partitionMaxBytes: 1 << 20 }] }],
  };
}

test('Produce v2 with a magic 1 message set is stored and read back by Fetch v2 as magic 1', async () => {
  const set = encodeLegacyMessageSet(
    [
      { offset: 0n, key: Buffer.from('k1'), value: Buffer.from('v1'), timestamp: 1700000000000n },
      { offset: 1n, key: null, value: Buffer.from('v2'), timestamp: 1700000000001n },
    ],
    { magic: 1, timestampType: 'CreateTime' },
  );
  const produced = await client.request(ProduceRequestCodec, ProduceResponseCodec, 2, {
    acks: 1,
    timeoutMs: 1000,
    topicData: [{ name: 'legacy', partitionData: [{ index: 0, records: set }] }],
  });
  expect(produced.responses[0].partitionResponses[0]).toMatchObject({ errorCode: 0, baseOffset: 0n });

  const fetched = await client.request(FetchRequestCodec, FetchResponseCodec, 2, fetchBody(0n));
  const p = fetched.responses[0].partitions[0];
  expect(p.errorCode).toBe(0);
  expect(p.highWatermark).toBe(2n);
  const messages = readLegacyMessageSet(p.records ?? Buffer.alloc(0));
  expect(messages.map((m) => [m.offset, m.magic, m.key?.toString() ?? null, m.value?.toString()])).toEqual([
    [0n, 1, 'k1', 'v1'],
    [1n, 1, null, 'v2'],
  ]);
  expect(messages[1].timestamp).toBe(1700000000001n);
});

test('Fetch v0 down-converts v2 batches (from a modern producer) to magic 0', async () => {
  const batch = encodeRecordBatch({
    records: [{ key: Buffer.from('modern'), value: Buffer.from('record'), headers: [{ key: 'h', value: Buffer.from('x') }] }],
  });
  const produced = await client.request(ProduceRequestCodec, ProduceResponseCodec, 7, {
    transactionalId: null,
    acks: 1,
    timeoutMs: 1000,
    topicData: [{ name: 'legacy', partitionData: [{ index: 0, records: batch }] }],
  });
  expect(produced.responses[0].partitionResponses[0].errorCode).toBe(0);
  const fetched = await client.request(FetchRequestCodec, FetchResponseCodec, 0, fetchBody(2n));
  const messages = readLegacyMessageSet(fetched.responses[0].partitions[0].records ?? Buffer.alloc(0));
  expect(messages).toHaveLength(1);
  expect(messages[0]).toMatchObject({ offset: 2n, magic: 0 });
  expect(messages[0].value?.toString()).toBe('record');
});
