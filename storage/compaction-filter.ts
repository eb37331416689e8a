// What compaction keeps of one stored batch, Kafka's LogCleaner rules for v2 batches: the newest record per key
// (by the offset map), tombstones until the batch's delete horizon, no records of aborted transactions, markers
// until they are no longer needed (and their horizon passed), and always at least an empty header for the last
// batch of a live producer so its sequence and epoch survive. Pure: bytes in, bytes out.
import {
  ATTR_DELETE_HORIZON,
  batchAttributes,
  batchBaseTimestamp,
  batchIsControl,
  batchIsTransactional,
  batchLastOffset,
  batchProducerEpoch,
  batchProducerId,
  batchRecordsCount,
} from '../codecs/records/batch-header';
import { rebuildBatch } from '../codecs/records/batch-rebuild';
import { ControlRecordType, decodeControlRecordType } from '../codecs/records/control-batch';
import { decodeRecordBatch, DecodedRecord } from '../codecs/records/record-batch';
import { CleanerOffsetMap } from './cleaner-offset-map';
import { CleanerTxnTracker } from './cleaner-txns';

/** A live producer's newest batch: its last data offset, or null when only a marker of `epoch` is known. */
export interface ProducerTail {
  readonly lastDataOffset: bigint | null;
  readonly epoch: number;
}

export interface FilterContext {
  readonly map: CleanerOffsetMap;
  readonly txns: CleanerTxnTracker;
  readonly producers: ReadonlyMap<bigint, ProducerTail>;
  readonly nowMs: number;
  readonly deleteRetentionMs: number;
}

export interface FilteredBatch {
  /** The batch to write (the original bytes when unchanged), or null when it goes entirely. */
  readonly bytes: Buffer | null;
  readonly recordsBefore: number;
  readonly recordsAfter: number;
}

export function filterBatch(batch: Buffer, ctx: FilterContext): FilteredBatch {
  const control = batchIsControl(batch);
  const producerId = batchProducerId(batch);
  const lastOffset = batchLastOffset(batch);
  const recordsBefore = batchRecordsCount(batch);
  const horizon = (batchAttributes(batch) & ATTR_DELETE_HORIZON) !== 0 ? batchBaseTimestamp(batch) : null;
  const decoded = control ? decodeRecordBatch(batch, { verifyCrc: false }) : null;
  const canDiscard = control
    ? ctx.txns.onControlBatch(producerId, lastOffset, markerKind(decoded?.records[0]?.key ?? null))
    : ctx.txns.onDataBatch(producerId, batchIsTransactional(batch), lastOffset);
  const discardRecords = control ? canDiscard && horizon !== null && horizon <= BigInt(ctx.nowMs) : canDiscard;
  const keepEmpty = producerId >= 0n && isProducersLastBatch(ctx.producers.get(producerId), lastOffset, control, batchProducerEpoch(batch));

  const full = discardRecords ? null : (decoded ?? decodeRecordBatch(batch, { verifyCrc: false }));
  let retained: DecodedRecord[] = [];
  if (full !== null) retained = control ? full.records : full.records.filter((r) => shouldRetainRecord(r, horizon, ctx));

  if (full !== null && retained.length > 0) {
    const hasTombstone = !control && retained.some((r) => r.value === null);
    const needsHorizon = horizon === null && (hasTombstone || (control && canDiscard));
    if (retained.length === full.records.length && !needsHorizon) return { bytes: batch, recordsBefore, recordsAfter: recordsBefore };
    const newHorizon = needsHorizon ? BigInt(ctx.nowMs) + BigInt(ctx.deleteRetentionMs) : horizon;
    return { bytes: rebuildBatch(full, retained, newHorizon), recordsBefore, recordsAfter: retained.length };
  }
  if (keepEmpty) {
    const header = full ?? decodeRecordBatch(batch, { verifyCrc: false });
    return { bytes: rebuildBatch(header, [], null), recordsBefore, recordsAfter: 0 };
  }
  return { bytes: null, recordsBefore, recordsAfter: 0 };
}

export function markerKind(key: Buffer | null): 'ABORT' | 'COMMIT' | 'OTHER' {
  try {
    const type = decodeControlRecordType(key);
    if (type === ControlRecordType.ABORT) return 'ABORT';
    if (type === ControlRecordType.COMMIT) return 'COMMIT';
  } catch {
    // An unreadable control record is kept as it is, like any control type the cleaner does not know.
  }
  return 'OTHER';
}

function isProducersLastBatch(tail: ProducerTail | undefined, lastOffset: bigint, control: boolean, epoch: number): boolean {
  if (tail === undefined) return false;
  if (tail.lastDataOffset !== null) return tail.lastDataOffset === lastOffset;
  return control && tail.epoch === epoch;
}

function shouldRetainRecord(record: DecodedRecord, horizon: bigint | null, ctx: FilterContext): boolean {
  // Past what the map covers nothing is known to supersede the record.
  if (record.offset > ctx.map.latestOffset) return true;
  // Keyless records have no place in a compacted log (produce refuses them); they are dropped like Kafka does.
  if (record.key === null) return false;
  const newest = ctx.map.get(record.key);
  if (newest !== undefined && record.offset < newest) return false;
  if (record.value !== null) return true;
  return horizon === null || BigInt(ctx.nowMs) < horizon;
}
