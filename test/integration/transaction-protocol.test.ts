// The transaction APIs at the protocol level, with the error codes Kafka answers: InitProducerId checks and
// KIP-360 recovery, AddPartitionsToTxn (v1 and batched v4 verify-only), EndTxn state errors, and the admin views
// (DescribeTransactions, ListTransactions, DescribeProducers), and the answers the differential suite aligned with
// Kafka: InitProducerId over an open transaction, transactional records without an id, unverified TxnOffsetCommit.
import { startInProcess, removeDir } from '../helpers/broker';
import type { Broker } from '../../src/broker/broker';
import { RawClient } from '../helpers/raw-client';
import { fetchPartition, initProducerId, produce, producerBatch } from '../helpers/txn-requests';
import { ErrorCode } from '../../codecs/protocol/errors';
import { AddPartitionsToTxnRequestCodec } from '../../codecs/generated/AddPartitionsToTxnRequest';
import { AddPartitionsToTxnResponseCodec } from '../../codecs/generated/AddPartitionsToTxnResponse';
import { EndTxnRequestCodec } from '../../codecs/generated/EndTxnRequest';
import { EndTxnResponseCodec } from '../../codecs/generated/EndTxnResponse';
import { DescribeTransactionsRequestCodec } from '../../codecs/generated/DescribeTransactionsRequest';
import { DescribeTransactionsResponseCodec } from '../../codecs/generated/DescribeTransactionsResponse';
import { ListTransactionsRequestCodec } from '../../codecs/generated/ListTransactionsRequest';
import { ListTransactionsResponseCodec } from '../../codecs/generated/ListTransactionsResponse';
import { DescribeProducersRequestCodec } from '../../codecs/generated/DescribeProducersRequest';
import { DescribeProducersResponseCodec } from '../../codecs/generated/DescribeProducersResponse';
import { TxnOffsetCommitRequestCodec } from '../../codecs/generated/TxnOffsetCommitRequest';
import { TxnOffsetCommitResponseCodec } from '../../codecs/generated/TxnOffsetCommitResponse';

jest.setTimeout(30000);

let broker: Broker;
let dataDir: string;
let client: RawClient;

beforeAll(async () => {
  ({ broker, dataDir } = await startInProcess(undefined, { 'transaction.state.log.num.partitions': '3', 'transaction.max.timeout.ms': '60000' }));
  await broker.logs.createTopic('tp', 2);
  client = await RawClient.connect(broker.port);
});

afterAll(async () => {
  client?.close();
  await broker?.stop();
  removeDir(dataDir);
});

async function addPartitions(txnId: string, producerId: bigint, producerEpoch: number, topics: Array<{ name: string; partitions: number[] }>, version = 1) {
  const res = await client.request(AddPartitionsToTxnRequestCodec, AddPartitionsToTxnResponseCodec, version, {
    v3AndBelowTransactionalId: txnId,
    v3AndBelowProducerId: producerId,
    v3AndBelowProducerEpoch: producerEpoch,
    v3AndBelowTopics: topics,
  });
  return res.resultsByTopicV3AndBelow.flatMap((t) => t.resultsByPartition.map((p) => [t.name, p.partitionIndex, p.partitionErrorCode]));
}

async function endTxn(txnId: string, producerId: bigint, producerEpoch: number, committed: boolean, version = 1): Promise<number> {
  const res = await client.request(EndTxnRequestCodec, EndTxnResponseCodec, version, { transactionalId: txnId, producerId, producerEpoch, committed });
  return res.errorCode;
}

test('InitProducerId validates the timeout and the id, and bumps the epoch on every call', async () => {
  expect((await initProducerId(client, { transactionalId: 'ip', timeoutMs: 0 })).errorCode).toBe(ErrorCode.INVALID_TRANSACTION_TIMEOUT);
  expect((await initProducerId(client, { transactionalId: 'ip', timeoutMs: 60001 })).errorCode).toBe(ErrorCode.INVALID_TRANSACTION_TIMEOUT);
  expect((await initProducerId(client, { transactionalId: '', timeoutMs: 1000 })).errorCode).toBe(ErrorCode.INVALID_REQUEST);
  const first = await initProducerId(client, { transactionalId: 'ip', timeoutMs: 1000 });
  expect(first).toMatchObject({ errorCode: 0, producerEpoch: 0 });
  const second = await initProducerId(client, { transactionalId: 'ip', timeoutMs: 1000 });
  expect(second).toEqual({ errorCode: 0, producerId: first.producerId, producerEpoch: 1 });
  // KIP-360: naming the current epoch bumps it; naming a stale one is fenced (INVALID_PRODUCER_EPOCH below v4).
  const bumped = await initProducerId(client, { transactionalId: 'ip', timeoutMs: 1000, producerId: first.producerId, producerEpoch: 1 });
  expect(bumped).toEqual({ errorCode: 0, producerId: first.producerId, producerEpoch: 2 });
  // A retry of that bump (its answer lost) gets the same answer.
  expect(await initProducerId(client, { transactionalId: 'ip', timeoutMs: 1000, producerId: first.producerId, producerEpoch: 1 })).toEqual(bumped);
  expect((await initProducerId(client, { transactionalId: 'ip', timeoutMs: 1000, producerId: first.producerId, producerEpoch: 0 })).errorCode).toBe(
    ErrorCode.PRODUCER_FENCED,
  );
  expect((await initProducerId(client, { transactionalId: 'ip', timeoutMs: 1000, producerId: first.producerId, producerEpoch: 0, version: 3 })).errorCode).toBe(
    ErrorCode.INVALID_PRODUCER_EPOCH,
  );
});

test('AddPartitionsToTxn: unknown ids, stale epochs, unknown partitions; EndTxn state errors', async () => {
  const { producerId, producerEpoch } = await initProducerId(client, { transactionalId: 'ap', timeoutMs: 30000 });
  expect(await addPartitions('nobody', producerId, producerEpoch, [{ name: 'tp', partitions: [0] }])).toEqual([
    ['tp', 0, ErrorCode.INVALID_PRODUCER_ID_MAPPING],
  ]);
  expect(await addPartitions('ap', producerId + 1n, producerEpoch, [{ name: 'tp', partitions: [0] }])).toEqual([
    ['tp', 0, ErrorCode.INVALID_PRODUCER_ID_MAPPING],
  ]);
  expect(await addPartitions('ap', producerId, producerEpoch + 1, [{ name: 'tp', partitions: [0] }])).toEqual([['tp', 0, ErrorCode.INVALID_PRODUCER_EPOCH]]);
  expect(await addPartitions('ap', producerId, producerEpoch + 1, [{ name: 'tp', partitions: [0] }], 2)).toEqual([['tp', 0, ErrorCode.PRODUCER_FENCED]]);
  expect(
    await addPartitions('ap', producerId, producerEpoch, [
      { name: 'tp', partitions: [0, 7] },
      { name: 'nope', partitions: [0] },
    ]),
  ).toEqual([
    ['tp', 0, ErrorCode.OPERATION_NOT_ATTEMPTED],
    ['tp', 7, ErrorCode.UNKNOWN_TOPIC_OR_PARTITION],
    ['nope', 0, ErrorCode.UNKNOWN_TOPIC_OR_PARTITION],
  ]);
  // Nothing to end yet.
  expect(await endTxn('ap', producerId, producerEpoch, true)).toBe(ErrorCode.INVALID_TXN_STATE);
  expect(await addPartitions('ap', producerId, producerEpoch, [{ name: 'tp', partitions: [0, 1] }])).toEqual([
    ['tp', 0, 0],
    ['tp', 1, 0],
  ]);
  // v4 (broker-to-broker verification): which partitions are in the open transaction.
  const verify = await client.request(AddPartitionsToTxnRequestCodec, AddPartitionsToTxnResponseCodec, 4, {
    transactions: [
      { transactionalId: 'ap', producerId, producerEpoch, verifyOnly: true, topics: [{ name: 'tp', partitions: [1] }] },
      { transactionalId: 'nobody', producerId, producerEpoch, verifyOnly: true, topics: [{ name: 'tp', partitions: [0] }] },
    ],
  });
  expect(verify.errorCode).toBe(0);
  expect(verify.resultsByTransaction.map((r) => [r.transactionalId, r.topicResults[0].resultsByPartition[0].partitionErrorCode])).toEqual([
    ['ap', 0],
    ['nobody', ErrorCode.INVALID_PRODUCER_ID_MAPPING],
  ]);
  await produce(client, 'tp', 1, producerBatch({ producerId, producerEpoch, baseSequence: 0, count: 2, transactional: true }), 'ap');

  // The admin views while the transaction is open.
  const described = await client.request(DescribeTransactionsRequestCodec, DescribeTransactionsResponseCodec, 0, { transactionalIds: ['ap', 'nobody'] });
  expect(described.transactionStates[0]).toMatchObject({
    errorCode: 0,
    transactionalId: 'ap',
    transactionState: 'Ongoing',
    transactionTimeoutMs: 30000,
    producerId,
    producerEpoch,
    topics: [{ topic: 'tp', partitions: [0, 1] }],
  });
  expect(described.transactionStates[0].transactionStartTimeMs > 0n).toBe(true);
  expect(described.transactionStates[1]).toMatchObject({ errorCode: ErrorCode.TRANSACTIONAL_ID_NOT_FOUND, transactionalId: 'nobody' });
  const listed = await client.request(ListTransactionsRequestCodec, ListTransactionsResponseCodec, 2, {
    stateFilters: ['Ongoing', 'Bogus'],
    producerIdFilters: [],
    durationFilter: -1n,
    transactionalIdPattern: 'a.*',
  });
  expect(listed.unknownStateFilters).toEqual(['Bogus']);
  expect(listed.transactionStates).toEqual([{ transactionalId: 'ap', producerId, transactionState: 'Ongoing' }]);
  const producers = await client.request(DescribeProducersRequestCodec, DescribeProducersResponseCodec, 0, {
    topics: [{ name: 'tp', partitionIndexes: [1, 9] }],
  });
  expect(producers.topics[0].partitions[0].activeProducers).toEqual([
    expect.objectContaining({ producerId, producerEpoch, lastSequence: 1, currentTxnStartOffset: 0n, coordinatorEpoch: -1 }),
  ]);
  expect(producers.topics[0].partitions[1].errorCode).toBe(ErrorCode.UNKNOWN_TOPIC_OR_PARTITION);

  expect(await endTxn('ap', producerId, producerEpoch + 1, true)).toBe(ErrorCode.INVALID_PRODUCER_EPOCH);
  expect(await endTxn('ap', producerId, producerEpoch, true)).toBe(0);
  // Retrying the same decision is fine; the opposite one is not.
  expect(await endTxn('ap', producerId, producerEpoch, true)).toBe(0);
  expect(await endTxn('ap', producerId, producerEpoch, false)).toBe(ErrorCode.INVALID_TXN_STATE);
  // Markers went to both partitions, including the one nothing was written to.
  for (const p of [0, 1]) {
    const fetched = await fetchPartition(client, 'tp', p, 1);
    expect(fetched.batches.filter((b) => b.control).map((b) => b.records[0].key?.readInt16BE(2))).toEqual([1]);
  }
  const after = await client.request(DescribeProducersRequestCodec, DescribeProducersResponseCodec, 0, { topics: [{ name: 'tp', partitionIndexes: [1] }] });
  expect(after.topics[0].partitions[0].activeProducers[0]).toMatchObject({ currentTxnStartOffset: -1n, coordinatorEpoch: 0 });
  const listedAfter = await client.request(ListTransactionsRequestCodec, ListTransactionsResponseCodec, 0, {
    stateFilters: ['CompleteCommit'],
    producerIdFilters: [producerId],
  });
  expect(listedAfter.transactionStates.map((t) => t.transactionalId)).toEqual(['ap']);
});

test('a plain write from a producer with an open transaction is refused with INVALID_TXN_STATE', async () => {
  const { producerId, producerEpoch } = await initProducerId(client, { transactionalId: 'mixed', timeoutMs: 30000 });
  await addPartitions('mixed', producerId, producerEpoch, [{ name: 'tp', partitions: [0] }]);
  expect((await produce(client, 'tp', 0, producerBatch({ producerId, producerEpoch, baseSequence: 0, transactional: true }), 'mixed')).errorCode).toBe(0);
  expect((await produce(client, 'tp', 0, producerBatch({ producerId, producerEpoch, baseSequence: 1 }))).errorCode).toBe(ErrorCode.INVALID_TXN_STATE);
  expect(await endTxn('mixed', producerId, producerEpoch, false)).toBe(0);
});

test('transactional writes are verified: a partition outside the transaction, or a zombie after a timeout abort, is refused', async () => {
  const { producerId, producerEpoch } = await initProducerId(client, { transactionalId: 'verify', timeoutMs: 30000 });
  await addPartitions('verify', producerId, producerEpoch, [{ name: 'tp', partitions: [0] }]);
  const batch = (seq: number) => producerBatch({ producerId, producerEpoch, baseSequence: seq, transactional: true });
  const before = await fetchPartition(client, 'tp', 1, 1);
  const outside = await produce(client, 'tp', 1, batch(0), 'verify');
  expect(outside.errorCode).toBe(ErrorCode.INVALID_TXN_STATE);
  expect((await produce(client, 'tp', 0, batch(0), 'verify')).errorCode).toBe(0);

  // The coordinator aborts the transaction on timeout and bumps the epoch; the old instance then tries to open
  // a transaction on another partition, which would hold its last stable offset back forever.
  const meta = broker.transactions.describe('verify');
  if (meta === undefined) throw new Error('unknown');
  meta.startTimestamp = BigInt(Date.now() - 60000);
  await broker.transactions.abortTimedOut();
  expect(broker.transactions.describe('verify')).toMatchObject({ state: 'CompleteAbort', producerEpoch: producerEpoch + 1 });
  expect((await produce(client, 'tp', 1, batch(1), 'verify')).errorCode).toBe(ErrorCode.INVALID_PRODUCER_EPOCH);
  const after = await fetchPartition(client, 'tp', 1, 1);
  expect(after.highWatermark).toBe(before.highWatermark);
  expect(after.lastStableOffset).toBe(after.highWatermark);
});

test('InitProducerId over an open transaction aborts it and answers CONCURRENT_TRANSACTIONS; the retry gets the next epoch', async () => {
  const first = await initProducerId(client, { transactionalId: 'reinit', timeoutMs: 30000 });
  await addPartitions('reinit', first.producerId, first.producerEpoch, [{ name: 'tp', partitions: [1] }]);
  expect((await produce(client, 'tp', 1, producerBatch({ ...first, baseSequence: 0, transactional: true }), 'reinit')).errorCode).toBe(0);
  expect((await initProducerId(client, { transactionalId: 'reinit', timeoutMs: 30000 })).errorCode).toBe(ErrorCode.CONCURRENT_TRANSACTIONS);
  expect(broker.transactions.describe('reinit')).toMatchObject({ state: 'CompleteAbort', producerEpoch: first.producerEpoch + 1 });
  expect(await initProducerId(client, { transactionalId: 'reinit', timeoutMs: 30000 })).toEqual({
    errorCode: 0,
    producerId: first.producerId,
    producerEpoch: first.producerEpoch + 2,
  });
});

test('transactional records in a Produce without a transactional id are refused as Kafka authorises them', async () => {
  const { producerId, producerEpoch } = await initProducerId(client);
  const refused = await produce(client, 'tp', 0, producerBatch({ producerId, producerEpoch, baseSequence: 0, transactional: true }));
  expect(refused).toMatchObject({ errorCode: ErrorCode.TRANSACTIONAL_ID_AUTHORIZATION_FAILED, baseOffset: -1n });
});

test('TxnOffsetCommit for a group AddOffsetsToTxn did not add is refused with INVALID_TXN_STATE (KIP-890 verification)', async () => {
  const { producerId, producerEpoch } = await initProducerId(client, { transactionalId: 'unadded-offsets', timeoutMs: 30000 });
  await addPartitions('unadded-offsets', producerId, producerEpoch, [{ name: 'tp', partitions: [0] }]);
  const res = await client.request(TxnOffsetCommitRequestCodec, TxnOffsetCommitResponseCodec, 3, {
    transactionalId: 'unadded-offsets',
    groupId: 'unadded-offsets-group',
    producerId,
    producerEpoch,
    generationId: -1,
    memberId: '',
    groupInstanceId: null,
    topics: [{ name: 'tp', partitions: [{ partitionIndex: 0, committedOffset: 1n, committedLeaderEpoch: -1, committedMetadata: '' }] }],
  });
  expect(res.topics[0].partitions[0].errorCode).toBe(ErrorCode.INVALID_TXN_STATE);
  expect(await endTxn('unadded-offsets', producerId, producerEpoch, false)).toBe(0);
});
