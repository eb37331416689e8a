// Reading a partition's files offline for `eddy log dump`, with the readers storage/ and codecs/records use: the
// segment's record batches (header fields, CRC check, records decompressed, transaction markers), the offset and
// time indexes' entries, the aborted-transaction index and producer-state snapshots. Nothing here needs a broker.
import * as fs from 'fs';
import * as path from 'path';
import { BATCH_HEADER, BATCH_LOG_OVERHEAD, isBatchCrcValid } from '../../codecs/records/batch-header';
import { COMPRESSION_NAMES } from '../../codecs/records/compression';
import { decodeTransactionMarker, type TransactionMarker } from '../../codecs/records/control-batch';
import { decodeRecordBatch, type DecodedBatch } from '../../codecs/records/record-batch';
import { INDEX_SUFFIX, LOG_SUFFIX, parseSegmentFileName, TIME_INDEX_SUFFIX, TXN_INDEX_SUFFIX } from '../../storage/file-names';
import { OFFSET_INDEX_ENTRY_SIZE } from '../../storage/offset-index';
import { decodeSnapshot, SNAPSHOT_SUFFIX } from '../../storage/producer-snapshot';
import { TIME_INDEX_ENTRY_SIZE } from '../../storage/time-index';
import { parseTxnIndex, type AbortedTxn } from '../../storage/txn-index';
import { UsageError } from './tool-io';

export interface DumpedRecord {
  readonly offset: bigint;
  readonly timestamp: bigint;
  readonly keySize: number;
  readonly valueSize: number;
  readonly sequence: number;
  readonly headers: { key: string; value: string | null }[];
  readonly key: string | null;
  readonly value: string | null;
  /** For a transaction marker (a control record). */
  readonly marker?: TransactionMarker;
}

export interface DumpedBatch {
  readonly position: number;
  readonly baseOffset: bigint;
  readonly lastOffset: bigint;
  readonly count: number;
  readonly baseSequence: number;
  readonly lastSequence: number;
  readonly producerId: bigint;
  readonly producerEpoch: number;
  readonly partitionLeaderEpoch: number;
  readonly isTransactional: boolean;
  readonly isControl: boolean;
  readonly timestampType: string;
  readonly maxTimestamp: bigint;
  readonly size: number;
  readonly magic: number;
  readonly compression: string;
  readonly crc: number;
  readonly isValid: boolean;
  readonly records?: DumpedRecord[];
}

export type DumpedFile =
  | { readonly file: string; readonly kind: 'log'; readonly batches: DumpedBatch[]; readonly invalidBytes: number; readonly error: string | null }
  | { readonly file: string; readonly kind: 'index'; readonly entries: { offset: bigint; position: number }[] }
  | { readonly file: string; readonly kind: 'timeindex'; readonly entries: { timestamp: bigint; offset: bigint }[] }
  | { readonly file: string; readonly kind: 'txnindex'; readonly entries: AbortedTxn[] }
  | { readonly file: string; readonly kind: 'snapshot'; readonly producers: DumpedProducer[] };

export interface DumpedProducer {
  readonly producerId: bigint;
  readonly producerEpoch: number;
  readonly coordinatorEpoch: number;
  readonly currentTxnFirstOffset: bigint | null;
  readonly lastTimestamp: bigint;
  readonly firstSequence: number;
  readonly lastSequence: number;
  readonly lastOffset: bigint;
  readonly offsetDelta: number;
}

const KINDS: readonly (readonly [string, DumpedFile['kind']])[] = [
  [LOG_SUFFIX, 'log'],
  [INDEX_SUFFIX, 'index'],
  [TIME_INDEX_SUFFIX, 'timeindex'],
  [TXN_INDEX_SUFFIX, 'txnindex'],
  [SNAPSHOT_SUFFIX, 'snapshot'],
];

function kindOf(file: string): DumpedFile['kind'] | null {
  const name = path.basename(file);
  const found = KINDS.find(([suffix]) => parseSegmentFileName(name, suffix) !== null);
  return found === undefined ? null : found[1];
}

/** The files to dump: the path itself, or the segment files of a partition directory (of each, for a data dir). */
export function filesToDump(target: string): string[] {
  let stat: fs.Stats;
  try {
    stat = fs.statSync(target);
  } catch {
    throw new UsageError(`no such file or directory: ${target}`);
  }
  if (!stat.isDirectory()) {
    if (kindOf(target) === null)
      throw new UsageError(`${target} is not a segment (.log), .index, .timeindex, .txnindex or .snapshot file named by its base offset`);
    return [target];
  }
  const entries = fs.readdirSync(target, { withFileTypes: true }).sort((a, b) => a.name.localeCompare(b.name));
  const own = entries
    .filter((e) => e.isFile() && kindOf(e.name) !== null)
    .map((e) => path.join(target, e.name))
    .sort(bySegmentThenKind);
  const nested = entries.filter((e) => e.isDirectory()).flatMap((e) => filesToDump(path.join(target, e.name)));
  return [...own, ...nested];
}

/** A segment's files together, the log first, in offset order (names alone would put .index before .log). */
function bySegmentThenKind(a: string, b: string): number {
  const offsetA = baseOffsetOf(a);
  const offsetB = baseOffsetOf(b);
  if (offsetA !== offsetB) return offsetA < offsetB ? -1 : 1;
  const rank = (file: string): number => KINDS.findIndex(([, kind]) => kind === kindOf(file));
  return rank(a) - rank(b);
}

export function dumpFile(file: string, withRecords: boolean): DumpedFile {
  const bytes = fs.readFileSync(file);
  switch (kindOf(file)) {
    case 'log':
      return { file, kind: 'log', ...dumpBatches(bytes, withRecords) };
    case 'index':
      return { file, kind: 'index', entries: indexEntries(file, bytes) };
    case 'timeindex':
      return { file, kind: 'timeindex', entries: timeIndexEntries(file, bytes) };
    case 'txnindex':
      return { file, kind: 'txnindex', entries: parseTxnIndex(bytes) };
    case 'snapshot':
      return { file, kind: 'snapshot', producers: snapshotProducers(bytes) };
    default:
      throw new UsageError(`${file} is not a file log dump reads`);
  }
}

function baseOffsetOf(file: string): bigint {
  const name = path.basename(file);
  for (const [suffix] of KINDS) {
    const base = parseSegmentFileName(name, suffix);
    if (base !== null) return base;
  }
  return 0n;
}

/**
 * The entries of a sparse index file, up to the first unused slot: Kafka preallocates index files with zeros, so an
 * all-zero entry after the first ends the list. `read` decodes the entry at a byte position.
 */
function sparseEntries<Entry>(bytes: Buffer, entrySize: number, read: (at: number) => Entry): Entry[] {
  const out: Entry[] = [];
  const unused = Buffer.alloc(entrySize);
  for (let at = 0; at + entrySize <= bytes.length; at += entrySize) {
    if (at > 0 && bytes.subarray(at, at + entrySize).equals(unused)) break;
    out.push(read(at));
  }
  return out;
}

function indexEntries(file: string, bytes: Buffer): { offset: bigint; position: number }[] {
  const base = baseOffsetOf(file);
  return sparseEntries(bytes, OFFSET_INDEX_ENTRY_SIZE, (at) => ({ offset: base + BigInt(bytes.readInt32BE(at)), position: bytes.readInt32BE(at + 4) }));
}

function timeIndexEntries(file: string, bytes: Buffer): { timestamp: bigint; offset: bigint }[] {
  const base = baseOffsetOf(file);
  return sparseEntries(bytes, TIME_INDEX_ENTRY_SIZE, (at) => ({ timestamp: bytes.readBigInt64BE(at), offset: base + BigInt(bytes.readInt32BE(at + 8)) }));
}

function snapshotProducers(bytes: Buffer): DumpedProducer[] {
  return decodeSnapshot(bytes).map((entry) => {
    const last = entry.batches.length > 0 ? entry.batches[entry.batches.length - 1] : null;
    return {
      producerId: entry.producerId,
      producerEpoch: entry.producerEpoch,
      coordinatorEpoch: entry.coordinatorEpoch,
      currentTxnFirstOffset: entry.currentTxnFirstOffset,
      lastTimestamp: entry.lastTimestamp,
      firstSequence: last?.firstSeq ?? -1,
      lastSequence: last?.lastSeq ?? -1,
      lastOffset: last?.lastOffset ?? -1n,
      offsetDelta: last === null ? 0 : Number(last.lastOffset - last.firstOffset),
    };
  });
}

/** Sequence numbers wrap at INT32 max, as Kafka's DefaultRecordBatch.incrementSequence does. */
function sequenceAt(baseSequence: number, delta: number): number {
  if (baseSequence < 0) return -1;
  const next = baseSequence + delta;
  return next > 0x7fffffff ? next - 0x80000000 : next;
}

function dumpBatches(bytes: Buffer, withRecords: boolean): { batches: DumpedBatch[]; invalidBytes: number; error: string | null } {
  const batches: DumpedBatch[] = [];
  let at = 0;
  while (at + BATCH_LOG_OVERHEAD <= bytes.length) {
    const size = bytes.readInt32BE(at + BATCH_HEADER.batchLength) + BATCH_LOG_OVERHEAD;
    if (size < BATCH_HEADER.size || at + size > bytes.length) break;
    const view = bytes.subarray(at, at + size);
    const magic = view.readInt8(BATCH_HEADER.magic);
    if (magic !== 2) return { batches, invalidBytes: bytes.length - at, error: `entry at position ${at} has magic ${magic}; only v2 record batches are read` };
    let batch: DecodedBatch;
    try {
      batch = decodeRecordBatch(view, { verifyCrc: false });
    } catch (err) {
      return { batches, invalidBytes: bytes.length - at, error: `batch at position ${at}: ${err instanceof Error ? err.message : String(err)}` };
    }
    batches.push(dumpedBatch(batch, at, isBatchCrcValid(view), withRecords));
    at += size;
  }
  return { batches, invalidBytes: bytes.length - at, error: null };
}

function text(bytes: Buffer | null): string | null {
  return bytes === null ? null : bytes.toString('utf8');
}

function dumpedBatch(batch: DecodedBatch, position: number, isValid: boolean, withRecords: boolean): DumpedBatch {
  const records = batch.records.map((r): DumpedRecord => ({
    offset: r.offset,
    timestamp: r.timestamp,
    keySize: r.key?.length ?? -1,
    valueSize: r.value?.length ?? -1,
    sequence: sequenceAt(batch.baseSequence, r.offsetDelta),
    headers: r.headers.map((h) => ({ key: h.key, value: text(h.value) })),
    key: batch.control ? null : text(r.key),
    value: batch.control ? null : text(r.value),
    marker: batch.control ? markerOf(r.key, r.value) : undefined,
  }));
  return {
    position,
    baseOffset: batch.baseOffset,
    lastOffset: batch.lastOffset,
    count: batch.recordsCount,
    baseSequence: batch.baseSequence,
    lastSequence: sequenceAt(batch.baseSequence, batch.lastOffsetDelta),
    producerId: batch.producerId,
    producerEpoch: batch.producerEpoch,
    partitionLeaderEpoch: batch.partitionLeaderEpoch,
    isTransactional: batch.transactional,
    isControl: batch.control,
    timestampType: batch.timestampType,
    maxTimestamp: batch.maxTimestamp,
    size: batch.sizeInBytes,
    magic: batch.magic,
    compression: COMPRESSION_NAMES[batch.compression],
    crc: batch.crc,
    isValid,
    records: withRecords ? records : undefined,
  };
}

/** A control record's transaction marker; KRaft's other control types are left undescribed. */
function markerOf(key: Buffer | null, value: Buffer | null): TransactionMarker | undefined {
  try {
    return decodeTransactionMarker(key, value);
  } catch {
    return undefined;
  }
}
