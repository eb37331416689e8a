// A __transaction_state value written by a newer broker may carry tagged fields Eddy does not know. Kafka 4.3.1
// drops them when it rewrites the record (TransactionLog.valueToBytes builds a fresh TransactionLogValue from its
// TransactionMetadata); Eddy keeps them on the transactional id's state, so every later write still carries them.
import {
  decodeTransactionLogRecord,
  newTransactionMetadata,
  transactionLogKey,
  transactionLogValue,
  type TransactionMetadata,
} from '../../../src/transactions/transaction-metadata';
import { incrementEpoch, prepareComplete, prepareEnd, TV_2 } from '../../../src/transactions/transaction-transitions';

const NEWER_FIELDS = [
  { tag: 7, data: Buffer.from('0102', 'hex') },
  { tag: 40, data: Buffer.from('newer broker') },
];

function reload(value: Buffer): TransactionMetadata {
  const record = decodeTransactionLogRecord(transactionLogKey('t'), value);
  if (record.kind !== 'metadata') throw new Error(`expected metadata, got ${record.kind}`);
  return record.metadata;
}

describe('unknown tagged fields of __transaction_state values', () => {
  test('survive a reload and every transition written after it', () => {
    const stored = transactionLogValue({ ...newTransactionMetadata('t', 5n, 60_000, 1000n), unknownTaggedFields: NEWER_FIELDS });
    const loaded = reload(stored);
    expect(loaded.unknownTaggedFields).toEqual(NEWER_FIELDS);

    const bumped = incrementEpoch(loaded, null, 60_000, 2000n);
    if ('errorCode' in bumped) throw new Error(`refused: ${bumped.errorCode}`);
    const ongoing: TransactionMetadata = { ...bumped, state: 'Ongoing', partitions: new Map([['topic', new Set([0])]]) };
    const completed = prepareComplete(prepareEnd(ongoing, true, TV_2, -1n, 3000n, false), 3000n);
    for (const m of [bumped, ongoing, completed]) expect(reload(transactionLogValue(m)).unknownTaggedFields).toEqual(NEWER_FIELDS);
    expect(reload(transactionLogValue(completed))).toMatchObject({ state: 'CompleteCommit', producerEpoch: 1 });
  });

  test('a value without them reloads without them', () => {
    expect(reload(transactionLogValue(newTransactionMetadata('t', 5n, 60_000, 1000n))).unknownTaggedFields).toBeUndefined();
  });
});
