// The decisions of Kafka's TransactionCoordinator and TransactionMetadata as pure functions of one transactional
// id's state: what an EndTxn does under transaction protocol 1 and 2 (KIP-890 part 2 bumps the epoch at every
// commit or abort, and moves to a new producer id when the epoch runs out), and the state a commit, abort or
// completion leaves. The coordinator (transaction-coordinator.ts) adds the locking, the log writes and the markers.
import { ErrorCode } from '../../codecs/protocol/errors';
import type { TransactionMetadata } from './transaction-metadata';

/** Short.MAX_VALUE: the epoch only a fencing abort may reach. */
export const MAX_EPOCH = 32767;
/** Kafka's isEpochExhausted: from here on the next bump needs a new producer id. */
export const EXHAUSTED_EPOCH = MAX_EPOCH - 1;

/**
 * transaction.version as a request carries it: Kafka derives it from the request's version (EndTxn v5,
 * Produce v12, TxnOffsetCommit v5 and the brokers' AddPartitionsToTxn v4+ are protocol 2), never from the client's
 * word. Coordinator-initiated aborts run at the finalized level, 2.
 */
export const TV_CLIENT_LEGACY = 0;
export const TV_2 = 2;
export type TransactionVersion = typeof TV_CLIENT_LEGACY | typeof TV_2;

export function supportsEpochBump(tv: number): boolean {
  return tv >= TV_2;
}

export function isEpochExhausted(epoch: number): boolean {
  return epoch >= EXHAUSTED_EPOCH;
}

/** What an EndTxn should do: answer at once (a retry, an error), or end the transaction with a commit or abort. */
export type EndTxnDecision =
  | { readonly kind: 'answer'; readonly errorCode: number; readonly producerId: bigint; readonly producerEpoch: number }
  | { readonly kind: 'end'; readonly commit: boolean; readonly noPartitionAdded: boolean };

export interface EndTxnRequestFacts {
  readonly producerId: bigint;
  readonly producerEpoch: number;
  readonly commit: boolean;
}

function refuse(errorCode: number): EndTxnDecision {
  return { kind: 'answer', errorCode, producerId: -1n, producerEpoch: -1 };
}

function end(commit: boolean, noPartitionAdded: boolean): EndTxnDecision {
  return { kind: 'end', commit, noPartitionAdded };
}

/** Kafka's endTransactionWithTV1 for a client: the epoch must match, and a repeated decision answers NONE. */
export function decideEndTxnV1(m: TransactionMetadata | undefined, req: EndTxnRequestFacts): EndTxnDecision {
  if (m === undefined || m.producerId !== req.producerId) return refuse(ErrorCode.INVALID_PRODUCER_ID_MAPPING);
  if (m.producerEpoch !== req.producerEpoch) return refuse(ErrorCode.PRODUCER_FENCED);
  const none: EndTxnDecision = { kind: 'answer', errorCode: ErrorCode.NONE, producerId: -1n, producerEpoch: -1 };
  switch (m.state) {
    case 'Ongoing':
      return end(req.commit, false);
    case 'CompleteCommit':
      return req.commit ? none : refuse(ErrorCode.INVALID_TXN_STATE);
    case 'CompleteAbort':
      return req.commit ? refuse(ErrorCode.INVALID_TXN_STATE) : none;
    case 'PrepareCommit':
      return refuse(req.commit ? ErrorCode.CONCURRENT_TRANSACTIONS : ErrorCode.INVALID_TXN_STATE);
    case 'PrepareAbort':
      return refuse(req.commit ? ErrorCode.INVALID_TXN_STATE : ErrorCode.CONCURRENT_TRANSACTIONS);
    default:
      return refuse(ErrorCode.INVALID_TXN_STATE);
  }
}

/**
 * Kafka's endTransaction for transaction protocol 2. The epoch of a completed transaction is one past the one the
 * client used, so a retry of an EndTxn whose answer was lost carries the epoch before the bump (or, across an
 * exhausted epoch, the previous producer id at 32766); an abort with nothing added is allowed (it still bumps).
 */
export function decideEndTxnV2(m: TransactionMetadata | undefined, req: EndTxnRequestFacts): EndTxnDecision {
  if (m === undefined) return refuse(ErrorCode.INVALID_PRODUCER_ID_MAPPING);
  const retryOnOverflow = m.previousProducerId === req.producerId && req.producerEpoch === EXHAUSTED_EPOCH && m.producerEpoch === 0;
  const retryOnEpochBump = m.producerEpoch === req.producerEpoch + 1;
  const current = req.producerEpoch === m.producerEpoch;
  const completed = m.state === 'CompleteCommit' || m.state === 'CompleteAbort';
  const preparing = m.state === 'PrepareCommit' || m.state === 'PrepareAbort';
  const validEpoch = completed ? retryOnEpochBump || retryOnOverflow || current : preparing ? retryOnEpochBump : current;
  const isRetry = retryOnEpochBump || retryOnOverflow;
  if (m.producerId !== req.producerId && !retryOnOverflow) return refuse(ErrorCode.INVALID_PRODUCER_ID_MAPPING);
  if (!validEpoch) return refuse(ErrorCode.PRODUCER_FENCED);
  const repeated: EndTxnDecision = { kind: 'answer', errorCode: ErrorCode.NONE, producerId: m.producerId, producerEpoch: m.producerEpoch };
  switch (m.state) {
    case 'Ongoing':
      return end(req.commit, false);
    case 'CompleteCommit':
      if (req.commit) return isRetry ? repeated : refuse(ErrorCode.INVALID_TXN_STATE);
      return isRetry ? refuse(ErrorCode.INVALID_TXN_STATE) : end(false, true);
    case 'CompleteAbort':
      if (req.commit) return refuse(ErrorCode.INVALID_TXN_STATE);
      return isRetry ? repeated : end(false, true);
    case 'PrepareCommit':
      return refuse(req.commit ? ErrorCode.CONCURRENT_TRANSACTIONS : ErrorCode.INVALID_TXN_STATE);
    case 'PrepareAbort':
      return refuse(req.commit ? ErrorCode.INVALID_TXN_STATE : ErrorCode.CONCURRENT_TRANSACTIONS);
    case 'Empty':
      return req.commit ? refuse(ErrorCode.INVALID_TXN_STATE) : end(false, true);
    default:
      return refuse(ErrorCode.INVALID_TXN_STATE);
  }
}

/**
 * Kafka's prepareAbortOrCommit: under protocol 2 the epoch goes up by one (the markers carry the new epoch, which
 * fences every write of the ended transaction), except for an abort already at Short.MAX_VALUE.
 * `nextProducerId` is the id to move to when the epoch is exhausted, else -1.
 */
export function prepareEnd(
  m: TransactionMetadata,
  commit: boolean,
  tv: TransactionVersion,
  nextProducerId: bigint,
  now: bigint,
  noPartitionAdded: boolean,
): TransactionMetadata {
  const bump = supportsEpochBump(tv);
  const stuckAtMax = m.producerEpoch === MAX_EPOCH && !commit;
  return {
    ...m,
    state: commit ? 'PrepareCommit' : 'PrepareAbort',
    producerEpoch: bump && !stuckAtMax ? m.producerEpoch + 1 : m.producerEpoch,
    lastProducerEpoch: bump ? m.producerEpoch : m.lastProducerEpoch,
    nextProducerId,
    startTimestamp: noPartitionAdded ? now : m.startTimestamp,
    lastUpdateTimestamp: now,
    clientTransactionVersion: tv,
  };
}

/** Kafka's prepareComplete: protocol 2 moves to the next producer id at epoch 0 when one was chosen. */
export function prepareComplete(prepared: TransactionMetadata, now: bigint): TransactionMetadata {
  const rotate = supportsEpochBump(prepared.clientTransactionVersion) && prepared.nextProducerId !== -1n;
  return {
    ...prepared,
    state: prepared.state === 'PrepareCommit' ? 'CompleteCommit' : 'CompleteAbort',
    producerId: rotate ? prepared.nextProducerId : prepared.producerId,
    producerEpoch: rotate ? 0 : prepared.producerEpoch,
    previousProducerId: rotate ? prepared.producerId : prepared.previousProducerId,
    nextProducerId: -1n,
    partitions: new Map(),
    lastUpdateTimestamp: now,
  };
}

/** A new epoch for InitProducerId (Kafka's prepareIncrementProducerEpoch), or the error it answers. */
export function incrementEpoch(
  m: TransactionMetadata,
  expectedEpoch: number | null,
  timeoutMs: number,
  now: bigint,
): TransactionMetadata | { readonly errorCode: number } {
  let producerEpoch: number;
  let lastProducerEpoch: number;
  if (expectedEpoch === null) {
    // A producer that names no epoch is a new instance: nobody may retry into the old epoch any more.
    producerEpoch = m.producerEpoch + 1;
    lastProducerEpoch = -1;
  } else if (m.producerEpoch === -1 || expectedEpoch === m.producerEpoch) {
    producerEpoch = m.producerEpoch + 1;
    lastProducerEpoch = m.producerEpoch;
  } else if (expectedEpoch === m.lastProducerEpoch) {
    // A retry of a bump whose answer was lost gets what the first attempt got.
    producerEpoch = m.producerEpoch;
    lastProducerEpoch = m.lastProducerEpoch;
  } else {
    return { errorCode: ErrorCode.PRODUCER_FENCED };
  }
  return { ...m, producerEpoch, lastProducerEpoch, timeoutMs, state: 'Empty', partitions: new Map(), startTimestamp: -1n, lastUpdateTimestamp: now };
}

/** InitProducerId once the epoch is exhausted: a new producer id at epoch 0 (Kafka's prepareProducerIdRotation). */
export function rotateProducerId(m: TransactionMetadata, newProducerId: bigint, recordLastEpoch: boolean, timeoutMs: number, now: bigint): TransactionMetadata {
  return {
    ...m,
    previousProducerId: m.producerId,
    producerId: newProducerId,
    producerEpoch: 0,
    lastProducerEpoch: recordLastEpoch ? m.producerEpoch : -1,
    timeoutMs,
    state: 'Empty',
    partitions: new Map(),
    startTimestamp: -1n,
    lastUpdateTimestamp: now,
  };
}
