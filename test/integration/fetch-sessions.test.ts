// Incremental fetch sessions (KIP-227) over a raw socket, as the Java client and librdkafka use them: a full fetch
// with epoch 0 opens a session, incremental fetches name only what changed and are answered with only what
// changed, forgotten partitions leave the session, epochs are checked, sessions outlive connections, and the cache
// is bounded by max.incremental.fetch.session.cache.slots split over Kafka's 8 shards.
import { brokersPerTest } from '../helpers/broker';
import type { Broker } from '../../src/broker/broker';
import { RawClient } from '../helpers/raw-client';
import { FetchRequestCodec, type FetchRequestFetchTopicInit, type FetchRequestForgottenTopicInit } from '../../codecs/generated/FetchRequest';
import { FetchResponseCodec, type FetchResponse } from '../../codecs/generated/FetchResponse';
import { encodeRecordBatch } from '../../codecs/records/record-batch';
import { ErrorCode } from '../../codecs/protocol/errors';

jest.setTimeout(30000);

const TOPIC = 'sessions';
const PARTITIONS = 4;
const MB = 1 << 20;
const brokers = brokersPerTest();

interface SessionFetch {
  readonly version?: number;
  readonly sessionId: number;
  readonly epoch: number;
  readonly topics?: readonly FetchRequestFetchTopicInit[];
  readonly forgotten?: readonly FetchRequestForgottenTopicInit[];
}

function fetchOf(client: RawClient, f: SessionFetch): Promise<FetchResponse> {
  return client.request(FetchRequestCodec, FetchResponseCodec, f.version ?? 12, {
    replicaId: -1,
    maxWaitMs: 0,
    minBytes: 0,
    maxBytes: 16 * MB,
    isolationLevel: 0,
    sessionId: f.sessionId,
    sessionEpoch: f.epoch,
    topics: f.topics ?? [],
    forgottenTopicsData: f.forgotten ?? [],
  });
}

function partitionsAt(offsets: readonly bigint[], topic = TOPIC): FetchRequestFetchTopicInit {
  return { topic, partitions: offsets.map((fetchOffset, partition) => ({ partition, fetchOffset, partitionMaxBytes: MB })) };
}

function one(partition: number, fetchOffset: bigint, topic = TOPIC): FetchRequestFetchTopicInit {
  return { topic, partitions: [{ partition, fetchOffset, partitionMaxBytes: MB }] };
}

/** "topic:partition" of every partition an answer names, in order. */
function named(res: FetchResponse): string[] {
  return res.responses.flatMap((t) => t.partitions.map((p) => `${t.topic}:${p.partitionIndex}`));
}

async function startWith(overrides: Record<string, string> = {}): Promise<{ broker: Broker; client: RawClient }> {
  const { broker } = await brokers.inProcess(brokers.dataDir(), overrides);
  await broker.logs.createTopic(TOPIC, PARTITIONS, {});
  const client = await RawClient.connect(broker.port);
  return { broker, client };
}

async function append(broker: Broker, partition: number, count = 2, topic = TOPIC): Promise<void> {
  const log = broker.logs.partition(topic, partition);
  if (log === undefined) throw new Error('no such partition');
  await log.append(encodeRecordBatch({ records: Array.from({ length: count }, (_, i) => ({ key: null, value: Buffer.from(`v${i}`) })) }));
}

test('a full fetch with epoch 0 opens a session; incremental fetches answer only the partitions that changed', async () => {
  const { broker, client } = await startWith();
  await append(broker, 2);
  const full = await fetchOf(client, { sessionId: 0, epoch: 0, topics: [partitionsAt([0n, 0n, 0n, 0n])] });
  expect(full.errorCode).toBe(0);
  expect(full.sessionId).toBeGreaterThan(0);
  expect(named(full)).toEqual(['sessions:0', 'sessions:1', 'sessions:2', 'sessions:3']);
  expect(full.responses[0].partitions[2].records?.length).toBeGreaterThan(0);

  // The client moves partition 2 on: only it is named; nothing changed, so the answer is empty.
  const quiet = await fetchOf(client, { sessionId: full.sessionId, epoch: 1, topics: [one(2, 2n)] });
  expect(quiet).toMatchObject({ errorCode: 0, sessionId: full.sessionId, responses: [] });

  await append(broker, 1, 3);
  const changed = await fetchOf(client, { sessionId: full.sessionId, epoch: 2 });
  expect(named(changed)).toEqual(['sessions:1']);
  expect(changed.responses[0].partitions[0]).toMatchObject({ highWatermark: 3n, errorCode: 0 });
  expect(changed.responses[0].partitions[0].records?.length).toBeGreaterThan(0);

  // The session remembered offset 0 for partition 1: without an update it would read the same records again.
  const again = await fetchOf(client, { sessionId: full.sessionId, epoch: 3, topics: [one(1, 3n)] });
  expect(again.responses).toEqual([]);
  client.close();
});

test('a moved log start offset is answered without records; an unknown partition is named in every answer', async () => {
  const { broker, client } = await startWith();
  await append(broker, 0, 4);
  const full = await fetchOf(client, {
    sessionId: 0,
    epoch: 0,
    topics: [{ topic: TOPIC, partitions: [0, 7].map((partition) => ({ partition, fetchOffset: 4n, partitionMaxBytes: MB })) }],
  });
  expect(named(full)).toEqual(['sessions:0', 'sessions:7']);
  const unknownOnly = await fetchOf(client, { sessionId: full.sessionId, epoch: 1 });
  expect(named(unknownOnly)).toEqual(['sessions:7']);
  expect(unknownOnly.responses[0].partitions[0].errorCode).toBe(ErrorCode.UNKNOWN_TOPIC_OR_PARTITION);

  await broker.logs.partition(TOPIC, 0)?.deleteRecordsBefore(2n);
  const moved = await fetchOf(client, { sessionId: full.sessionId, epoch: 2 });
  expect(named(moved)).toEqual(['sessions:0', 'sessions:7']);
  expect(moved.responses[0].partitions[0]).toMatchObject({ logStartOffset: 2n, highWatermark: 4n });
  expect(moved.responses[0].partitions[0].records?.length ?? 0).toBe(0);
  client.close();
});

test('partitions are added by naming them and removed by forgetting them; forgetting the last closes the session', async () => {
  const { broker, client } = await startWith();
  const full = await fetchOf(client, { sessionId: 0, epoch: 0, topics: [one(0, 0n)] });
  const id = full.sessionId;
  await append(broker, 3);
  const added = await fetchOf(client, { sessionId: id, epoch: 1, topics: [one(3, 0n)] });
  expect(named(added)).toEqual(['sessions:3']);

  await append(broker, 0);
  const forgotten = await fetchOf(client, { sessionId: id, epoch: 2, forgotten: [{ topic: TOPIC, partitions: [3] }] });
  expect(named(forgotten)).toEqual(['sessions:0']);
  await append(broker, 3);
  expect((await fetchOf(client, { sessionId: id, epoch: 3, topics: [one(0, 2n)] })).responses).toEqual([]);

  const emptied = await fetchOf(client, { sessionId: id, epoch: 4, forgotten: [{ topic: TOPIC, partitions: [0] }] });
  expect(emptied).toMatchObject({ errorCode: 0, sessionId: 0, responses: [] });
  expect(await fetchOf(client, { sessionId: id, epoch: 5 })).toMatchObject({ errorCode: ErrorCode.FETCH_SESSION_ID_NOT_FOUND, sessionId: 0 });
  client.close();
});

test('epochs are checked: a wrong epoch, an unknown session and a change of topic naming are refused', async () => {
  const { client } = await startWith();
  const full = await fetchOf(client, { sessionId: 0, epoch: 0, topics: [one(0, 0n)] });
  const id = full.sessionId;
  expect(await fetchOf(client, { sessionId: id, epoch: 2 })).toMatchObject({ errorCode: ErrorCode.INVALID_FETCH_SESSION_EPOCH, sessionId: 0, responses: [] });
  // A refused request does not move the session on: epoch 1 is still the one expected.
  expect(await fetchOf(client, { sessionId: id, epoch: 1 })).toMatchObject({ errorCode: 0, sessionId: id });
  expect(await fetchOf(client, { sessionId: id, epoch: 1 })).toMatchObject({ errorCode: ErrorCode.INVALID_FETCH_SESSION_EPOCH });
  expect(await fetchOf(client, { sessionId: id + 1, epoch: 1 })).toMatchObject({ errorCode: ErrorCode.FETCH_SESSION_ID_NOT_FOUND, sessionId: 0 });
  // Opened by name (v12): a v13 request, which names topics by id, may not use it.
  expect(await fetchOf(client, { version: 13, sessionId: id, epoch: 2 })).toMatchObject({ errorCode: ErrorCode.FETCH_SESSION_TOPIC_ID_ERROR, sessionId: 0 });
  client.close();
});

test('a session outlives its connection; epoch -1 closes it and epoch 0 with its id replaces it', async () => {
  const { broker, client } = await startWith();
  const full = await fetchOf(client, { sessionId: 0, epoch: 0, topics: [one(0, 0n)] });
  client.close();
  const second = await RawClient.connect(broker.port);
  expect(await fetchOf(second, { sessionId: full.sessionId, epoch: 1 })).toMatchObject({ errorCode: 0, sessionId: full.sessionId });

  const replaced = await fetchOf(second, { sessionId: full.sessionId, epoch: 0, topics: [one(1, 0n)] });
  expect(replaced.sessionId).toBeGreaterThan(0);
  expect(replaced.sessionId).not.toBe(full.sessionId);
  expect(await fetchOf(second, { sessionId: full.sessionId, epoch: 2 })).toMatchObject({ errorCode: ErrorCode.FETCH_SESSION_ID_NOT_FOUND });

  const closed = await fetchOf(second, { sessionId: replaced.sessionId, epoch: -1, topics: [one(1, 0n)] });
  expect(closed).toMatchObject({ errorCode: 0, sessionId: 0 });
  expect(named(closed)).toEqual(['sessions:1']);
  expect(await fetchOf(second, { sessionId: replaced.sessionId, epoch: 1 })).toMatchObject({ errorCode: ErrorCode.FETCH_SESSION_ID_NOT_FOUND });
  second.close();
});

test('v13 sessions name topics by id, including in forgotten topics', async () => {
  const { broker, client } = await startWith();
  const topicId = broker.logs.topic(TOPIC)?.topicId ?? '';
  const byId = (partition: number, fetchOffset: bigint): FetchRequestFetchTopicInit => ({
    topicId,
    partitions: [{ partition, fetchOffset, partitionMaxBytes: MB }],
  });
  const full = await fetchOf(client, { version: 13, sessionId: 0, epoch: 0, topics: [byId(0, 0n), byId(1, 0n)] });
  expect(full.sessionId).toBeGreaterThan(0);
  expect(full.responses.map((t) => t.topicId)).toEqual([topicId]);
  await append(broker, 0);
  await append(broker, 1);
  const afterForget = await fetchOf(client, { version: 13, sessionId: full.sessionId, epoch: 1, forgotten: [{ topicId, partitions: [1] }] });
  expect(afterForget.responses.map((t) => [t.topicId, t.partitions.map((p) => p.partitionIndex)])).toEqual([[topicId, [0]]]);
  expect(await fetchOf(client, { version: 12, sessionId: full.sessionId, epoch: 2 })).toMatchObject({ errorCode: ErrorCode.FETCH_SESSION_TOPIC_ID_ERROR });
  client.close();
});

test('a partition that returned records goes to the back of the session, so the others get the first turn', async () => {
  const { broker, client } = await startWith();
  for (let p = 0; p < PARTITIONS; p++) await append(broker, p);
  const full = await fetchOf(client, { sessionId: 0, epoch: 0, topics: [partitionsAt([2n, 2n, 2n, 2n])] });
  for (const p of [0, 2]) await append(broker, p);
  const first = await fetchOf(client, { sessionId: full.sessionId, epoch: 1 });
  expect(named(first)).toEqual(['sessions:0', 'sessions:2']);
  for (const p of [0, 1, 2]) await append(broker, p);
  // Partitions 0 and 2 went to the back: the session now reads 1, 3, 0, 2.
  const second = await fetchOf(client, { sessionId: full.sessionId, epoch: 2, topics: [one(0, 4n), one(2, 4n)] });
  expect(named(second)).toEqual(['sessions:1', 'sessions:0', 'sessions:2']);
  expect(second.responses.map((t) => t.topic)).toEqual([TOPIC]);
  client.close();
});

describe('max.incremental.fetch.session.cache.slots', () => {
  const openSession = async (client: RawClient): Promise<number> => (await fetchOf(client, { sessionId: 0, epoch: 0, topics: [one(0, 0n)] })).sessionId;

  test('fewer slots than the 8 shards allow no session at all, as in Kafka', async () => {
    const { client } = await startWith({ 'max.incremental.fetch.session.cache.slots': '7' });
    expect(await openSession(client)).toBe(0);
    client.close();
  });

  test('a full cache opens no session until one in the shard next in turn is closed', async () => {
    const { client } = await startWith({ 'max.incremental.fetch.session.cache.slots': '8' });
    const ids: number[] = [];
    for (let i = 0; i < 8; i++) ids.push(await openSession(client));
    expect(ids.every((id) => id > 0)).toBe(true);
    // New sessions go to the 8 shards in turn, one slot each: all are taken by sessions too young to evict.
    expect(await openSession(client)).toBe(0);
    // The next attempt goes to the second shard; closing its session makes room there.
    await fetchOf(client, { sessionId: ids[1], epoch: -1 });
    expect(await openSession(client)).toBeGreaterThan(0);
    client.close();
  });
});
