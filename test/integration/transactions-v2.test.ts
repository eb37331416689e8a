// Transaction protocol 2 (KIP-890 part 2) over raw sockets, as a Java 4 producer drives it once the broker
// advertises transaction.version 2: EndTxn v5 bumps the epoch and answers the one to continue with, Produce v12 and
// TxnOffsetCommit v5 add their partitions without AddPartitionsToTxn/AddOffsetsToTxn, an exhausted epoch moves to
// a new producer id, and a retried EndTxn whose answer was lost gets the same answer again.
import { startInProcess, removeDir } from '../helpers/broker';
import type { Broker } from '../../src/broker/broker';
import { RawClient } from '../helpers/raw-client';
import { fetchPartition, initProducerId, producerBatch, values } from '../helpers/txn-requests';
import { ErrorCode } from '../../codecs/protocol/errors';
import { ApiVersionsRequestCodec } from '../../codecs/generated/ApiVersionsRequest';
import { ApiVersionsResponseCodec } from '../../codecs/generated/ApiVersionsResponse';
import { DescribeTransactionsRequestCodec } from '../../codecs/generated/DescribeTransactionsRequest';
import { DescribeTransactionsResponseCodec } from '../../codecs/generated/DescribeTransactionsResponse';
import { EndTxnRequestCodec } from '../../codecs/generated/EndTxnRequest';
import { EndTxnResponseCodec } from '../../codecs/generated/EndTxnResponse';
import { OffsetFetchRequestCodec } from '../../codecs/generated/OffsetFetchRequest';
import { OffsetFetchResponseCodec } from '../../codecs/generated/OffsetFetchResponse';
import { ProduceRequestCodec } from '../../codecs/generated/ProduceRequest';
import { ProduceResponseCodec } from '../../codecs/generated/ProduceResponse';
import { TxnOffsetCommitRequestCodec } from '../../codecs/generated/TxnOffsetCommitRequest';
import { TxnOffsetCommitResponseCodec } from '../../codecs/generated/TxnOffsetCommitResponse';

jest.setTimeout(30000);

let broker: Broker;
let dataDir: string;
let client: RawClient;

beforeAll(async () => {
  ({ broker, dataDir } = await startInProcess(undefined, { 'transaction.state.log.num.partitions': '3' }));
  await broker.logs.createTopic('tv2', 2);
  client = await RawClient.connect(broker.port);
});

afterAll(async () => {
  client?.close();
  await broker?.stop();
  removeDir(dataDir);
});

interface Producer {
  readonly producerId: bigint;
  readonly producerEpoch: number;
}

async function produceV12(txnId: string | null, partition: number, p: Producer, baseSequence: number, prefix = 'v') {
  const records = producerBatch({ ...p, baseSequence, count: 2, prefix, transactional: txnId !== null });
  const res = await client.request(ProduceRequestCodec, ProduceResponseCodec, 12, {
    transactionalId: txnId,
    acks: -1,
    timeoutMs: 5000,
    topicData: [{ name: 'tv2', partitionData: [{ index: partition, records }] }],
  });
  return res.responses[0].partitionResponses[0];
}

async function endTxnV5(transactionalId: string, p: Producer, committed: boolean) {
  return client.request(EndTxnRequestCodec, EndTxnResponseCodec, 5, { transactionalId, ...p, committed });
}

async function describe(transactionalId: string) {
  const res = await client.request(DescribeTransactionsRequestCodec, DescribeTransactionsResponseCodec, 0, { transactionalIds: [transactionalId] });
  return res.transactionStates[0];
}

test('ApiVersions advertises transaction.version 2, and v3 leaves out supported ranges starting at 0 (KIP-1022)', async () => {
  const v4 = await client.request(ApiVersionsRequestCodec, ApiVersionsResponseCodec, 4, { clientSoftwareName: 'eddy-test', clientSoftwareVersion: '1' });
  expect(v4.finalizedFeatures).toContainEqual({ name: 'transaction.version', minVersionLevel: 2, maxVersionLevel: 2 });
  expect(v4.supportedFeatures).toContainEqual({ name: 'transaction.version', minVersion: 0, maxVersion: 2 });
  expect(v4.finalizedFeaturesEpoch >= 0n).toBe(true);
  const v3 = await client.request(ApiVersionsRequestCodec, ApiVersionsResponseCodec, 3, { clientSoftwareName: 'eddy-test', clientSoftwareVersion: '1' });
  expect(v3.supportedFeatures.map((f) => f.name)).toEqual(['metadata.version']);
  expect(v3.finalizedFeatures.map((f) => f.name)).toContain('transaction.version');
});

test('Produce v12 adds its partition; EndTxn v5 bumps the epoch, and the old epoch is fenced', async () => {
  const first = await initProducerId(client, { transactionalId: 'bump', timeoutMs: 30000, version: 5 });
  expect(first.errorCode).toBe(0);
  expect(await produceV12('bump', 0, first, 0, 'one')).toMatchObject({ errorCode: 0, baseOffset: 0n });
  expect(await describe('bump')).toMatchObject({
    transactionState: 'Ongoing',
    producerEpoch: first.producerEpoch,
    topics: [{ topic: 'tv2', partitions: [0] }],
  });

  const ended = await endTxnV5('bump', first, true);
  expect(ended).toMatchObject({ errorCode: 0, producerId: first.producerId, producerEpoch: first.producerEpoch + 1 });
  expect(await describe('bump')).toMatchObject({ transactionState: 'CompleteCommit', producerEpoch: first.producerEpoch + 1, topics: [] });
  // The marker carries the bumped epoch, which fences every write of the transaction it ends.
  const committed = await fetchPartition(client, 'tv2', 0, 1);
  expect(values(committed.batches)).toEqual(['one-0', 'one-1']);
  expect(committed.batches.filter((b) => b.control).map((b) => b.producerEpoch)).toEqual([first.producerEpoch + 1]);

  const second = { producerId: ended.producerId, producerEpoch: ended.producerEpoch };
  expect((await produceV12('bump', 0, first, 2, 'zombie')).errorCode).toBe(ErrorCode.INVALID_PRODUCER_EPOCH);
  expect((await produceV12('bump', 0, second, 0, 'two')).errorCode).toBe(0);
  const aborted = await endTxnV5('bump', second, false);
  expect(aborted).toMatchObject({ errorCode: 0, producerEpoch: second.producerEpoch + 1 });
  const afterAbort = await fetchPartition(client, 'tv2', 0, 1);
  expect(afterAbort.abortedTransactions).toEqual([{ producerId: second.producerId, firstOffset: 3n }]);
  expect(values(afterAbort.batches.filter((b) => b.baseOffset < 3n))).toEqual(['one-0', 'one-1']);
});

test("EndTxn v5 follows Kafka's protocol-2 table: retries, the opposite decision, empty aborts, stale and unknown producers", async () => {
  const p = await initProducerId(client, { transactionalId: 'table', timeoutMs: 30000, version: 5 });
  // Nothing added: a commit is refused, an abort is allowed and bumps the epoch.
  expect(await endTxnV5('table', p, true)).toMatchObject({ errorCode: ErrorCode.INVALID_TXN_STATE, producerId: -1n, producerEpoch: -1 });
  const empty = await endTxnV5('table', p, false);
  expect(empty).toMatchObject({ errorCode: 0, producerId: p.producerId, producerEpoch: p.producerEpoch + 1 });
  // The same abort again: its answer was lost, so it gets the current id and epoch without another bump.
  expect(await endTxnV5('table', p, false)).toMatchObject({ errorCode: 0, producerEpoch: p.producerEpoch + 1 });
  expect(await endTxnV5('table', p, true)).toMatchObject({ errorCode: ErrorCode.INVALID_TXN_STATE });
  expect(await endTxnV5('table', { ...p, producerEpoch: p.producerEpoch - 1 }, false)).toMatchObject({ errorCode: ErrorCode.PRODUCER_FENCED });
  expect(await endTxnV5('table', { ...p, producerId: p.producerId + 100n }, false)).toMatchObject({ errorCode: ErrorCode.INVALID_PRODUCER_ID_MAPPING });
  expect(await endTxnV5('nobody-v2', p, false)).toMatchObject({ errorCode: ErrorCode.INVALID_PRODUCER_ID_MAPPING });
});

test('TxnOffsetCommit v5 adds the offsets partition itself; the offsets become visible on commit', async () => {
  const p = await initProducerId(client, { transactionalId: 'offsets-v5', timeoutMs: 30000, version: 5 });
  expect((await produceV12('offsets-v5', 1, p, 0)).errorCode).toBe(0);
  const commit = await client.request(TxnOffsetCommitRequestCodec, TxnOffsetCommitResponseCodec, 5, {
    transactionalId: 'offsets-v5',
    groupId: 'offsets-v5-group',
    ...p,
    generationId: -1,
    memberId: '',
    groupInstanceId: null,
    topics: [{ name: 'tv2', partitions: [{ partitionIndex: 1, committedOffset: 7n, committedLeaderEpoch: -1, committedMetadata: '' }] }],
  });
  expect(commit.topics[0].partitions[0].errorCode).toBe(0);
  expect((await describe('offsets-v5')).topics.map((t) => t.topic).sort()).toEqual(['__consumer_offsets', 'tv2']);
  expect((await endTxnV5('offsets-v5', p, true)).errorCode).toBe(0);
  const fetched = await client.request(OffsetFetchRequestCodec, OffsetFetchResponseCodec, 7, {
    groupId: 'offsets-v5-group',
    topics: [{ name: 'tv2', partitionIndexes: [1] }],
    requireStable: true,
  });
  expect(fetched.topics[0].partitions[0]).toMatchObject({ committedOffset: 7n, errorCode: 0 });
});

test('an exhausted epoch moves to a new producer id at epoch 0; a retry with the old id gets the new one', async () => {
  const p = await initProducerId(client, { transactionalId: 'overflow', timeoutMs: 30000, version: 5 });
  const meta = broker.transactions.describe('overflow');
  if (meta === undefined) throw new Error('unknown');
  meta.producerEpoch = 32766;
  const old = { producerId: p.producerId, producerEpoch: 32766 };
  expect((await produceV12('overflow', 0, old, 0, 'last')).errorCode).toBe(0);
  const ended = await endTxnV5('overflow', old, true);
  expect(ended.errorCode).toBe(0);
  expect(ended.producerEpoch).toBe(0);
  expect(ended.producerId).not.toBe(p.producerId);
  // The markers were written with the old id at Short.MAX_VALUE.
  const markers = (await fetchPartition(client, 'tv2', 0, 1)).batches.filter((b) => b.control && b.producerId === p.producerId);
  expect(markers.map((b) => b.producerEpoch)).toEqual([32767]);
  expect(await endTxnV5('overflow', old, true)).toMatchObject({ errorCode: 0, producerId: ended.producerId, producerEpoch: 0 });
  expect((await produceV12('overflow', 0, ended, 0, 'next')).errorCode).toBe(0);
  expect((await endTxnV5('overflow', ended, true)).producerEpoch).toBe(1);
});

test('a transaction past its timeout is aborted at protocol 2: the epoch goes up by one and the producer is fenced', async () => {
  const p = await initProducerId(client, { transactionalId: 'expired-v2', timeoutMs: 30000, version: 5 });
  expect((await produceV12('expired-v2', 1, p, 0)).errorCode).toBe(0);
  const meta = broker.transactions.describe('expired-v2');
  if (meta === undefined) throw new Error('unknown');
  meta.startTimestamp = BigInt(Date.now() - 60000);
  await broker.transactions.abortTimedOut();
  expect(await describe('expired-v2')).toMatchObject({ transactionState: 'CompleteAbort', producerEpoch: p.producerEpoch + 1 });
  // Kafka's protocol-2 table reads the old epoch as a retry of the abort: a commit is refused, the abort answered.
  expect(await endTxnV5('expired-v2', p, true)).toMatchObject({ errorCode: ErrorCode.INVALID_TXN_STATE });
  expect(await endTxnV5('expired-v2', { ...p, producerEpoch: p.producerEpoch - 1 }, false)).toMatchObject({ errorCode: ErrorCode.PRODUCER_FENCED });
  expect((await produceV12('expired-v2', 1, p, 2)).errorCode).toBe(ErrorCode.INVALID_PRODUCER_EPOCH);
});
