// The pure decisions of the transaction coordinator, against Kafka 4.3.1's TransactionCoordinator: the protocol-2
// EndTxn table (retry, current epoch, each completed state, an exhausted epoch's new producer id), protocol 1's
// stricter one, and the states a commit, abort and completion leave.
import { ErrorCode } from '../../../codecs/protocol/errors';
import { newTransactionMetadata, type TransactionMetadata, type TxnState } from '../../../src/transactions/transaction-metadata';
import {
  decideEndTxnV1,
  decideEndTxnV2,
  incrementEpoch,
  prepareComplete,
  prepareEnd,
  TV_2,
  TV_CLIENT_LEGACY,
} from '../../../src/transactions/transaction-transitions';

const PID = 100n;

function metadata(state: TxnState, producerEpoch: number, extra: Partial<TransactionMetadata> = {}): TransactionMetadata {
  return { ...newTransactionMetadata('t', PID, 60000, 0n), state, producerEpoch, ...extra };
}

const end = (commit: boolean, noPartitionAdded: boolean) => ({ kind: 'end', commit, noPartitionAdded });
const refused = (errorCode: number) => ({ kind: 'answer', errorCode, producerId: -1n, producerEpoch: -1 });

describe('EndTxn under transaction protocol 2', () => {
  // Kafka's table: Retry is the epoch before the current one, Current the current one.
  test.each([
    ['Empty', 'abort', 'retry', refused(ErrorCode.PRODUCER_FENCED)],
    ['Empty', 'abort', 'current', end(false, true)],
    ['Empty', 'commit', 'retry', refused(ErrorCode.PRODUCER_FENCED)],
    ['Empty', 'commit', 'current', refused(ErrorCode.INVALID_TXN_STATE)],
    ['CompleteAbort', 'abort', 'retry', { kind: 'answer', errorCode: 0, producerId: PID, producerEpoch: 5 }],
    ['CompleteAbort', 'abort', 'current', end(false, true)],
    ['CompleteAbort', 'commit', 'retry', refused(ErrorCode.INVALID_TXN_STATE)],
    ['CompleteAbort', 'commit', 'current', refused(ErrorCode.INVALID_TXN_STATE)],
    ['CompleteCommit', 'abort', 'retry', refused(ErrorCode.INVALID_TXN_STATE)],
    ['CompleteCommit', 'abort', 'current', end(false, true)],
    ['CompleteCommit', 'commit', 'retry', { kind: 'answer', errorCode: 0, producerId: PID, producerEpoch: 5 }],
    ['CompleteCommit', 'commit', 'current', refused(ErrorCode.INVALID_TXN_STATE)],
    ['Ongoing', 'commit', 'current', end(true, false)],
    ['Ongoing', 'commit', 'retry', refused(ErrorCode.PRODUCER_FENCED)],
    ['PrepareCommit', 'commit', 'retry', refused(ErrorCode.CONCURRENT_TRANSACTIONS)],
    ['PrepareCommit', 'commit', 'current', refused(ErrorCode.PRODUCER_FENCED)],
  ] as const)('%s, %s with the %s epoch', (state, decision, epoch, expected) => {
    const m = metadata(state, 5);
    expect(decideEndTxnV2(m, { producerId: PID, producerEpoch: epoch === 'retry' ? 4 : 5, commit: decision === 'commit' })).toEqual(expected);
  });

  test('an unknown id or another producer id is INVALID_PRODUCER_ID_MAPPING; a retry across an exhausted epoch is answered', () => {
    expect(decideEndTxnV2(undefined, { producerId: PID, producerEpoch: 0, commit: true })).toEqual(refused(ErrorCode.INVALID_PRODUCER_ID_MAPPING));
    expect(decideEndTxnV2(metadata('Ongoing', 0), { producerId: PID + 1n, producerEpoch: 0, commit: true })).toEqual(
      refused(ErrorCode.INVALID_PRODUCER_ID_MAPPING),
    );
    const rotated = metadata('CompleteCommit', 0, { producerId: 200n, previousProducerId: PID });
    expect(decideEndTxnV2(rotated, { producerId: PID, producerEpoch: 32766, commit: true })).toEqual({
      kind: 'answer',
      errorCode: 0,
      producerId: 200n,
      producerEpoch: 0,
    });
  });
});

describe('EndTxn under transaction protocol 1', () => {
  test('the epoch must be the current one; a repeated decision answers NONE, nothing to end INVALID_TXN_STATE', () => {
    expect(decideEndTxnV1(metadata('CompleteCommit', 5), { producerId: PID, producerEpoch: 4, commit: true })).toEqual(refused(ErrorCode.PRODUCER_FENCED));
    expect(decideEndTxnV1(metadata('CompleteCommit', 5), { producerId: PID, producerEpoch: 5, commit: true })).toMatchObject({ kind: 'answer', errorCode: 0 });
    expect(decideEndTxnV1(metadata('Empty', 5), { producerId: PID, producerEpoch: 5, commit: false })).toEqual(refused(ErrorCode.INVALID_TXN_STATE));
    expect(decideEndTxnV1(metadata('Ongoing', 5), { producerId: PID, producerEpoch: 5, commit: false })).toEqual(end(false, false));
  });
});

describe('the states a transaction passes through', () => {
  test('protocol 2 bumps the epoch at Prepare; protocol 1 keeps it', () => {
    const ongoing = metadata('Ongoing', 5, { lastProducerEpoch: 3, startTimestamp: 10n });
    expect(prepareEnd(ongoing, true, TV_2, -1n, 20n, false)).toMatchObject({
      state: 'PrepareCommit',
      producerEpoch: 6,
      lastProducerEpoch: 5,
      startTimestamp: 10n,
    });
    expect(prepareEnd(ongoing, true, TV_CLIENT_LEGACY, -1n, 20n, false)).toMatchObject({ producerEpoch: 5, lastProducerEpoch: 3 });
    // An abort with nothing added starts its transaction now.
    expect(prepareEnd(metadata('Empty', 5), false, TV_2, -1n, 20n, true)).toMatchObject({ state: 'PrepareAbort', producerEpoch: 6, startTimestamp: 20n });
    // An abort at Short.MAX_VALUE cannot bump any further.
    expect(prepareEnd(metadata('Ongoing', 32767), false, TV_2, 7n, 20n, false)).toMatchObject({ producerEpoch: 32767 });
  });

  test('completion moves to the next producer id at epoch 0 when one was chosen, keeping the last epoch the client saw', () => {
    const prepared = prepareEnd(metadata('Ongoing', 32766, { partitions: new Map([['t', new Set([0])]]) }), true, TV_2, 200n, 20n, false);
    expect(prepareComplete(prepared, 30n)).toMatchObject({
      state: 'CompleteCommit',
      producerId: 200n,
      producerEpoch: 0,
      previousProducerId: PID,
      lastProducerEpoch: 32766,
      nextProducerId: -1n,
      partitions: new Map(),
    });
  });

  test("InitProducerId's epoch bump: a new instance, a KIP-360 recovery, a retry of a lost answer, a fenced producer", () => {
    const m = metadata('CompleteCommit', 5, { lastProducerEpoch: 4 });
    expect(incrementEpoch(m, null, 1000, 1n)).toMatchObject({ state: 'Empty', producerEpoch: 6, lastProducerEpoch: -1, timeoutMs: 1000 });
    expect(incrementEpoch(m, 5, 1000, 1n)).toMatchObject({ producerEpoch: 6, lastProducerEpoch: 5 });
    expect(incrementEpoch(m, 4, 1000, 1n)).toMatchObject({ producerEpoch: 5, lastProducerEpoch: 4 });
    expect(incrementEpoch(m, 2, 1000, 1n)).toEqual({ errorCode: ErrorCode.PRODUCER_FENCED });
  });
});
