// What the transaction coordinator keeps per transactional id, and its form in __transaction_state: key = INT16
// record type 0 + TransactionLogKey v0, value = INT16 version + TransactionLogValue (null value = tombstone).
import { Reader } from '../../codecs/primitives/reader';
import { Writer } from '../../codecs/primitives/writer';
import { TransactionLogKeyCodec } from '../../codecs/generated/internal/TransactionLogKey';
import { TransactionLogValueCodec } from '../../codecs/generated/internal/TransactionLogValue';
import type { RawTaggedField } from '../../codecs/primitives/raw-tagged-fields';

/** Kafka's TransactionState ids, as stored in TransactionStatus. */
export const TXN_STATE_IDS = {
  Empty: 0,
  Ongoing: 1,
  PrepareCommit: 2,
  PrepareAbort: 3,
  CompleteCommit: 4,
  CompleteAbort: 5,
  Dead: 6,
  PrepareEpochFence: 7,
} as const;

export type TxnState = keyof typeof TXN_STATE_IDS;

const STATE_BY_ID: ReadonlyMap<number, TxnState> = new Map((Object.entries(TXN_STATE_IDS) as Array<[TxnState, number]>).map(([name, id]) => [id, name]));

export function txnStateFromId(id: number): TxnState {
  const state = STATE_BY_ID.get(id);
  if (state === undefined) throw new Error(`unknown transaction state id ${id}`);
  return state;
}

export interface TransactionMetadata {
  readonly transactionalId: string;
  producerId: bigint;
  /** The id before the last epoch exhaustion, for KIP-360 retries. */
  previousProducerId: bigint;
  /**
   * Transaction protocol 2: the id a commit or abort that exhausts the epoch moves to, chosen when it is prepared
   * (so a restart between Prepare and Complete finishes with the same id); -1 otherwise.
   */
  nextProducerId: bigint;
  producerEpoch: number;
  lastProducerEpoch: number;
  timeoutMs: number;
  state: TxnState;
  /** topic -> partitions of the open (or ending) transaction */
  partitions: Map<string, Set<number>>;
  startTimestamp: bigint;
  lastUpdateTimestamp: bigint;
  /** The transaction protocol the client used for the last transition (0 or 2): 2 bumps the epoch at each end. */
  clientTransactionVersion: number;
  /**
   * Tagged fields of the stored value that Eddy does not know (written by a newer broker), written back with every
   * later state of this transactional id. Kafka drops them when it rewrites the record; Eddy keeps them.
   */
  unknownTaggedFields?: readonly RawTaggedField[];
}

export function newTransactionMetadata(transactionalId: string, producerId: bigint, timeoutMs: number, now: bigint): TransactionMetadata {
  return {
    transactionalId,
    producerId,
    previousProducerId: -1n,
    nextProducerId: -1n,
    producerEpoch: -1,
    lastProducerEpoch: -1,
    timeoutMs,
    state: 'Empty',
    partitions: new Map(),
    startTimestamp: -1n,
    lastUpdateTimestamp: now,
    clientTransactionVersion: 0,
  };
}

export function partitionCount(m: TransactionMetadata): number {
  let n = 0;
  for (const parts of m.partitions.values()) n += parts.size;
  return n;
}

export function hasPartition(m: TransactionMetadata, topic: string, partition: number): boolean {
  return m.partitions.get(topic)?.has(partition) ?? false;
}

const RECORD_TYPE = 0;
const KEY_VERSION = 0;
/**
 * Kafka writes version 1 (flexible, with the previous/next producer ids and the client's transaction version as
 * tagged fields) once transaction.version is 1 or more, as it is finalized in a 4.x cluster and advertised by Eddy.
 */
const VALUE_VERSION = 1;

export function transactionLogKey(transactionalId: string): Buffer {
  const w = new Writer();
  w.writeInt16(RECORD_TYPE);
  TransactionLogKeyCodec.encode({ transactionalId }, w, KEY_VERSION);
  return w.toBuffer();
}

export function transactionLogValue(m: TransactionMetadata): Buffer {
  const w = new Writer();
  w.writeInt16(VALUE_VERSION);
  TransactionLogValueCodec.encode(
    {
      producerId: m.producerId,
      previousProducerId: m.previousProducerId,
      nextProducerId: m.nextProducerId,
      producerEpoch: m.producerEpoch,
      transactionTimeoutMs: m.timeoutMs,
      transactionStatus: TXN_STATE_IDS[m.state],
      transactionPartitions: [...m.partitions.entries()].map(([topic, parts]) => ({ topic, partitionIds: [...parts].sort((a, b) => a - b) })),
      transactionLastUpdateTimestampMs: m.lastUpdateTimestamp,
      transactionStartTimestampMs: m.startTimestamp,
      clientTransactionVersion: m.clientTransactionVersion,
      unknownTaggedFields: m.unknownTaggedFields,
    },
    w,
    VALUE_VERSION,
  );
  return w.toBuffer();
}

export type TransactionLogRecord =
  | { readonly kind: 'metadata'; readonly metadata: TransactionMetadata }
  | { readonly kind: 'tombstone'; readonly transactionalId: string }
  | { readonly kind: 'unknown' };

export function decodeTransactionLogRecord(key: Buffer, value: Buffer | null): TransactionLogRecord {
  const kr = new Reader(key);
  if (kr.readInt16() !== RECORD_TYPE) return { kind: 'unknown' };
  const { transactionalId } = TransactionLogKeyCodec.decode(kr, KEY_VERSION);
  if (value === null) return { kind: 'tombstone', transactionalId };
  const vr = new Reader(value);
  const version = Math.min(vr.readInt16(), TransactionLogValueCodec.maxVersion);
  const v = TransactionLogValueCodec.decode(vr, version);
  const partitions = new Map<string, Set<number>>();
  for (const t of v.transactionPartitions ?? []) partitions.set(t.topic, new Set(t.partitionIds));
  return {
    kind: 'metadata',
    metadata: {
      transactionalId,
      producerId: v.producerId,
      previousProducerId: v.previousProducerId,
      nextProducerId: v.nextProducerId,
      producerEpoch: v.producerEpoch,
      lastProducerEpoch: -1,
      timeoutMs: v.transactionTimeoutMs,
      state: txnStateFromId(v.transactionStatus),
      partitions,
      startTimestamp: v.transactionStartTimestampMs,
      lastUpdateTimestamp: v.transactionLastUpdateTimestampMs,
      clientTransactionVersion: v.clientTransactionVersion,
      ...(v.unknownTaggedFields === undefined ? {} : { unknownTaggedFields: v.unknownTaggedFields }),
    },
  };
}
