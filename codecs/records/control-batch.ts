// Transaction markers: the one-record control batches the transaction coordinator writes to end a transaction on a
// partition. Key = INT16 version 0 + INT16 type (ControlRecordTypeSchema); value = INT16 version 0 + INT32
// coordinator epoch (EndTxnMarker).
import { BatchInput, decodeRecordBatch, encodeRecordBatch, DecodedBatch } from './record-batch';
import { invalidRecord } from './record-errors';

export const ControlRecordType = {
  ABORT: 0,
  COMMIT: 1,
} as const;

export type TransactionMarkerType = 'ABORT' | 'COMMIT';

/** Layout of the two blobs: an INT16 version, then an INT16 type (key) or an INT32 coordinator epoch (value). */
const CONTROL_KEY = { version: 0, size: 4 } as const;
const MARKER_VALUE = { version: 0, size: 6 } as const;

export interface TransactionMarker {
  type: TransactionMarkerType;
  coordinatorEpoch: number;
}

/** The producer a marker ends a transaction for, named as the batch encoder and decoder name it. */
type MarkerProducer = Pick<DecodedBatch, 'producerId' | 'producerEpoch'>;

export interface TransactionMarkerInput extends TransactionMarker, MarkerProducer, Pick<BatchInput, 'baseOffset' | 'partitionLeaderEpoch'> {
  /** when the marker was written (ms); defaults to now */
  timestamp?: bigint;
}

export interface DecodedTransactionMarkerBatch extends TransactionMarker, MarkerProducer, Pick<DecodedBatch, 'baseOffset'> {
  timestamp: bigint;
}

export function encodeControlRecordKey(type: number): Buffer {
  const key = Buffer.alloc(CONTROL_KEY.size);
  key.writeInt16BE(CONTROL_KEY.version, 0);
  key.writeInt16BE(type, 2);
  return key;
}

export function encodeTransactionMarkerValue(coordinatorEpoch: number): Buffer {
  const value = Buffer.alloc(MARKER_VALUE.size);
  value.writeInt16BE(MARKER_VALUE.version, 0);
  value.writeInt32BE(coordinatorEpoch, 2);
  return value;
}

/** Control record type from a control record key (types 2+ are KRaft's own records). */
export function decodeControlRecordType(key: Buffer | null): number {
  if (key === null || key.length < CONTROL_KEY.size) throw invalidRecord('control record key must hold version and type');
  const version = key.readInt16BE(0);
  // Kafka reads newer key versions by their version-0 prefix, so only a negative version is rejected.
  if (version < 0) throw invalidRecord(`invalid control record key version ${version}`);
  return key.readInt16BE(2);
}

export function decodeTransactionMarker(key: Buffer | null, value: Buffer | null): TransactionMarker {
  const typeId = decodeControlRecordType(key);
  const type = markerTypeName(typeId);
  if (value === null || value.length < MARKER_VALUE.size) throw invalidRecord('transaction marker value too short');
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
