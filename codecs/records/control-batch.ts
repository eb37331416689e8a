// Transaction markers: the one-record control batches the transaction coordinator writes to end a transaction on a
// partition. Key = INT16 version 0 + INT16 type (ControlRecordTypeSchema); value = INT16 version 0 + INT32
// coordinator epoch (EndTxnMarker).
import { decodeRecordBatch, encodeRecordBatch, DecodedBatch } from './record-batch';
import { invalidRecord } from './record-errors';

export const ControlRecordType = {
  ABORT: 0,
  COMMIT: 1,
} as const;

export type TransactionMarkerType = 'ABORT' | 'COMMIT';

const CONTROL_KEY_VERSION = 0;
const MARKER_VALUE_VERSION = 0;
const CONTROL_KEY_SIZE = 4;
const MARKER_VALUE_SIZE = 6;

export interface TransactionMarkerInput {
  type: TransactionMarkerType;
  producerId: bigint;
  producerEpoch: number;
  coordinatorEpoch: number;
  /** when the marker was written (ms); defaults to now */
  timestamp?: bigint;
  baseOffset?: bigint;
  partitionLeaderEpoch?: number;
}

export interface TransactionMarker {
  type: TransactionMarkerType;
  coordinatorEpoch: number;
}

export interface DecodedTransactionMarkerBatch extends TransactionMarker {
  producerId: bigint;
  producerEpoch: number;
  baseOffset: bigint;
  timestamp: bigint;
}

export function encodeControlRecordKey(type: number): Buffer {
  const key = Buffer.alloc(CONTROL_KEY_SIZE);
  key.writeInt16BE(CONTROL_KEY_VERSION, 0);
  key.writeInt16BE(type, 2);
  return key;
}

export function encodeTransactionMarkerValue(coordinatorEpoch: number): Buffer {
  const value = Buffer.alloc(MARKER_VALUE_SIZE);
  value.writeInt16BE(MARKER_VALUE_VERSION, 0);
  value.writeInt32BE(coordinatorEpoch, 2);
  return value;
}

/** Control record type from a control record key (types 2+ are KRaft's own records). */
export function decodeControlRecordType(key: Buffer | null): number {
  if (key === null || key.length < CONTROL_KEY_SIZE) throw invalidRecord('control record key must hold version and type');
  const version = key.readInt16BE(0);
  // Kafka reads newer key versions by their version-0 prefix, so only a negative version is rejected.
  if (version < 0) throw invalidRecord(`invalid control record key version ${version}`);
  return key.readInt16BE(2);
}

export function decodeTransactionMarker(key: Buffer | null, value: Buffer | null): TransactionMarker {
  const typeId = decodeControlRecordType(key);
  const type = markerTypeName(typeId);
  if (value === null || value.length < MARKER_VALUE_SIZE) throw invalidRecord('transaction marker value too short');
  const version = value.readInt16BE(0);
  if (version < 0) throw invalidRecord(`invalid transaction marker version ${version}`);
  return { type, coordinatorEpoch: value.readInt32BE(2) };
}

function markerTypeName(typeId: number): TransactionMarkerType {
  if (typeId === ControlRecordType.ABORT) return 'ABORT';
  if (typeId === ControlRecordType.COMMIT) return 'COMMIT';
  throw invalidRecord(`control record type ${typeId} is not a transaction marker`);
}

export function encodeTransactionMarkerBatch(input: TransactionMarkerInput): Buffer {
  const timestamp = input.timestamp ?? BigInt(Date.now());
  return encodeRecordBatch({
    baseOffset: input.baseOffset ?? 0n,
    partitionLeaderEpoch: input.partitionLeaderEpoch,
    baseTimestamp: timestamp,
    producerId: input.producerId,
    producerEpoch: input.producerEpoch,
    baseSequence: -1,
    transactional: true,
    control: true,
    records: [
      {
        key: encodeControlRecordKey(ControlRecordType[input.type]),
        value: encodeTransactionMarkerValue(input.coordinatorEpoch),
        timestamp,
      },
    ],
  });
}

export function decodeTransactionMarkerBatch(buf: Buffer): DecodedTransactionMarkerBatch {
  const batch: DecodedBatch = decodeRecordBatch(buf);
  if (!batch.control) throw invalidRecord('batch is not a control batch');
  if (batch.records.length !== 1) throw invalidRecord(`control batch holds ${batch.records.length} records, expected 1`);
  const record = batch.records[0];
  return {
    ...decodeTransactionMarker(record.key, record.value),
    producerId: batch.producerId,
    producerEpoch: batch.producerEpoch,
    baseOffset: batch.baseOffset,
    timestamp: record.timestamp,
  };
}
