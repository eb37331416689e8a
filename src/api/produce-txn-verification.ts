// KIP-890 at the partition leader, as Kafka's ReplicaManager and AddPartitionsToTxnManager do it for a
// transactional batch: a partition with the producer's transaction already open on it needs no check; otherwise
// Produce v12+ (transaction protocol 2) adds the partition to the transaction itself, and older versions ask the
// coordinator whether the client added it (AddPartitionsToTxn). The coordinator's errors are translated into the
// codes each produce version's clients understand. TxnOffsetCommit uses the same translation.
import { ErrorCode } from '../../codecs/protocol/errors';
import type { ProducerEntry } from '../../storage';
import { TV_2 } from '../transactions/transaction-transitions';
import type { BrokerServices } from './services';

/**
 * Kafka's TransactionSupportedOperation: `legacy` clients know only INVALID_TXN_STATE, `abortable` ones
 * TRANSACTION_ABORTABLE (KIP-890 part 1), and `add` requests add their partition to the transaction (part 2).
 */
export type TransactionOperation = 'legacy' | 'abortable' | 'add';

/** Produce v12+ adds, v11 understands TRANSACTION_ABORTABLE (produceRequestVersionToTransactionSupportedOperation). */
export function produceOperation(apiVersion: number): TransactionOperation {
  return apiVersion > 11 ? 'add' : apiVersion > 10 ? 'abortable' : 'legacy';
}

/** TxnOffsetCommit v5 adds, v4 understands TRANSACTION_ABORTABLE. */
export function txnOffsetCommitOperation(apiVersion: number): TransactionOperation {
  return apiVersion > 4 ? 'add' : apiVersion > 3 ? 'abortable' : 'legacy';
}

export interface TransactionalWrite {
  readonly transactionalId: string;
  readonly producerId: bigint;
  readonly producerEpoch: number;
  /** The first batch's base sequence (TxnOffsetCommit has none: -1). */
  readonly baseSequence: number;
  readonly topic: string;
  readonly partition: number;
}

export interface WriteRefusal {
  readonly errorCode: number;
  readonly errorMessage: string | null;
  /** Refused by the partition's own checks, which Kafka answers with the log start offset. */
  readonly withLogStartOffset?: boolean;
}

/** The coordinator's answer as the write's client gets it (null: the write may go ahead). */
export function translateVerification(code: number, operation: TransactionOperation): WriteRefusal | null {
  if (code === ErrorCode.NONE) return null;
  if (code === ErrorCode.PRODUCER_FENCED) return { errorCode: ErrorCode.INVALID_PRODUCER_EPOCH, errorMessage: null };
  const translated = code === ErrorCode.TRANSACTION_ABORTABLE && operation === 'legacy' ? ErrorCode.INVALID_TXN_STATE : code;
  if (translated === ErrorCode.INVALID_TXN_STATE) return { errorCode: translated, errorMessage: 'Partition was not added to the transaction' };
  // A retriable error older clients may not retry: Kafka picks one they do, which needs no metadata refresh.
  if (translated === ErrorCode.CONCURRENT_TRANSACTIONS && operation !== 'add') {
    return {
      errorCode: ErrorCode.NOT_ENOUGH_REPLICAS,
      errorMessage: 'Unable to verify the partition has been added to the transaction. Underlying error: CONCURRENT_TRANSACTIONS',
    };
  }
  return { errorCode: translated, errorMessage: null };
}

/** Adds (protocol 2) or verifies the partition with the coordinator, translated for the client. */
export function checkWithCoordinator(
  services: BrokerServices,
  write: TransactionalWrite,
  operation: TransactionOperation,
): WriteRefusal | null | Promise<WriteRefusal | null> {
  const partitions = [{ topic: write.topic, partitions: [write.partition] }];
  if (operation === 'add') {
    return services.transactions
      .addPartitions(write.transactionalId, write.producerId, write.producerEpoch, partitions, TV_2)
      .then((code) => translateVerification(code, operation));
  }
  const [verdict] = services.transactions.verifyPartitions(write.transactionalId, write.producerId, write.producerEpoch, partitions);
  return translateVerification(verdict.errorCode, operation);
}

/**
 * Kafka's ProducerAppendInfo under protocol 2: a producer whose transaction starts on a partition that holds no
 * batch of it must start at sequence 0 (nothing could have come before), else OUT_OF_ORDER_SEQUENCE_NUMBER.
 */
function firstSequenceRefusal(known: ProducerEntry | undefined, write: TransactionalWrite): WriteRefusal | null {
  const noBatches = known === undefined || known.batches.length === 0;
  if (!noBatches || write.baseSequence === 0) return null;
  return { errorCode: ErrorCode.OUT_OF_ORDER_SEQUENCE_NUMBER, errorMessage: null, withLogStartOffset: true };
}

/**
 * The whole check for one partition's transactional batch (Kafka's maybeStartTransactionVerification first): an
 * epoch older than the partition's is refused at once, and a transaction already open here needs no coordinator.
 */
export function verifyTransactionalWrite(
  services: BrokerServices,
  known: ProducerEntry | undefined,
  write: TransactionalWrite,
  operation: TransactionOperation,
): WriteRefusal | null | Promise<WriteRefusal | null> {
  if (known !== undefined && write.producerEpoch < known.producerEpoch) return { errorCode: ErrorCode.INVALID_PRODUCER_EPOCH, errorMessage: null };
  if (known !== undefined && known.currentTxnFirstOffset !== null && known.producerEpoch === write.producerEpoch) return null;
  const verdict = checkWithCoordinator(services, write, operation);
  if (operation !== 'add') return verdict;
  return Promise.resolve(verdict).then((refusal) => refusal ?? firstSequenceRefusal(known, write));
}
