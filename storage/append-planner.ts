// The one plan for writing a group of appends, used by both write paths of the append pipeline (the synchronous
// appendNow and the queued append): check the framing, screen producer ids, give each append its offsets (patched
// into its own buffer, no copy) and cut the group into runs at the points where the active segment must roll.
// Everything here is synchronous and allocates only what the write needs; the pipeline decides what to await.
import {
  BATCH_HEADER,
  BATCH_LOG_OVERHEAD,
  BATCH_MIN_SIZE,
  batchLastOffsetDelta,
  batchMagic,
  batchMaxTimestamp,
  batchRecordsCount,
  batchSize,
  setBatchBaseOffset,
  setBatchLogAppendTime,
  setBatchPartitionLeaderEpoch,
} from '../codecs/records/batch-header';
import { ScannedBatch } from './batch-scan';
import { CorruptRecordError, ProducerStateError, RecordBatchTooLargeError } from './errors';
import { LogConfig } from './log-config';
import { LogSegment, MAX_RELATIVE_OFFSET } from './segment';
import { producerBatchInfo } from './producer-batch-info';
import { AppendOrigin, CompletedTxn, ProducerStateManager, ProducerStateStage } from './producer-state';
import { readInt64BE } from '../codecs/primitives/int64';

export interface AppendResult {
  baseOffset: bigint;
  lastOffset: bigint;
  /** -1n unless the topic stamps LogAppendTime. */
  logAppendTime: bigint;
  logStartOffset: bigint;
  /** A producer retried a batch already in the log: nothing was written, the offsets are the original's. */
  duplicate: boolean;
}

export interface AppendOptions {
  leaderEpoch?: number;
  origin?: AppendOrigin;
}

/** One append as the write path sees it. */
export interface AppendRequest {
  records: Buffer;
  leaderEpoch: number;
  origin: AppendOrigin;
}

/** An append's answer: its result, the error refusing it, or null while it is still to be written. */
export type AppendOutcome = AppendResult | Error | null;

/** A batch laid out for writing: also what the tail cache keeps (`bytes` is a view of the caller's buffer). */
export interface PlacedBatch extends ScannedBatch {
  bytes: Buffer;
  records: number;
}

/** One append with its offsets patched in, ready to join a run. Batch positions are relative to its buffer. */
export interface PlacedAppend {
  request: number;
  records: Buffer;
  bytes: number;
  leaderEpoch: number;
  baseOffset: bigint;
  lastOffset: bigint;
  maxTimestamp: bigint;
  batches: PlacedBatch[];
}

export interface ScreenedGroup {
  /** Null when no batch of the group carries a producer id. */
  stage: ProducerStateStage | null;
  /** Per append: its answer when it is not to be written (duplicate or refused), else null. */
  outcomes: AppendOutcome[];
  completed: readonly CompletedTxn[];
}

export const NO_COMPLETED_TXNS: readonly CompletedTxn[] = Object.freeze([]);

/**
 * A group being written: its screening, and the current run of consecutive appends that go to the active segment
 * in one write call. `fill` adds appends to the run until one needs a new segment; after the roll `startRun`
 * begins the next run with it. Kafka's rule holds: an append never straddles segments.
 */
export class GroupPlan implements ScreenedGroup {
  readonly stage: ProducerStateStage | null;
  readonly outcomes: AppendOutcome[];
  readonly completed: readonly CompletedTxn[];
  /** Requests written so far, in order. */
  readonly written: number[] = [];
  appends: PlacedAppend[] = [];
  buffers: Buffer[] = [];
  batches: PlacedBatch[] = [];
  /** Bytes and records of the current run. */
  bytes = 0;
  messages = 0;
  private nextRequest = 0;
  private nextOffset: bigint;

  constructor(
    private readonly group: readonly AppendRequest[],
    screened: ScreenedGroup,
    /** The log end when the group was planned: where its first append goes. */
    readonly firstOffset: bigint,
    /** -1n unless the topic stamps LogAppendTime. */
    readonly logAppendTime: bigint,
  ) {
    this.stage = screened.stage;
    this.outcomes = screened.outcomes;
    this.completed = screened.completed;
    this.nextOffset = firstOffset;
  }

  /**
   * Places the next appends into the current run, judging each against `segment` (the active one) with the run's
   * bytes still to be written. Returns null once every append is placed, or the append that must start a new
   * segment (placed, not in the run).
   */
  fill(segment: LogSegment, config: LogConfig): PlacedAppend | null {
    const group = this.group;
    while (this.nextRequest < group.length) {
      const r = this.nextRequest++;
      if (this.outcomes[r] !== null) continue;
      const placed = placeAppend(group[r], r, this.nextOffset, this.logAppendTime);
      this.nextOffset = placed.lastOffset + 1n;
      if (shouldRoll(segment, config, placed, this.bytes)) return placed;
      this.add(placed);
    }
    return null;
  }

  /** After a roll: the next run starts with the append that needed it. */
  startRun(first: PlacedAppend): void {
    this.appends = [];
    this.buffers = [];
    this.batches = [];
    this.bytes = 0;
    this.messages = 0;
    this.add(first);
  }

  /** Fails every append not answered yet (a failed write fails the rest of the group; earlier writes stand). */
  failRemaining(failure: Error): void {
    const outcomes = this.outcomes;
    for (let r = 0; r < outcomes.length; r++) if (outcomes[r] === null) outcomes[r] = failure;
  }

  /** The requests written so far, for screening again what actually reached the log. */
  writtenRequests(): AppendRequest[] {
    return this.written.map((r) => this.group[r]);
  }

  private add(append: PlacedAppend): void {
    for (const b of append.batches) {
      b.position += this.bytes;
      this.batches.push(b);
      this.messages += b.records;
    }
    this.appends.push(append);
    this.buffers.push(append.records);
    this.bytes += append.bytes;
  }
}

/**
 * Rejects payloads whose batch framing would corrupt the log, and appends larger than a segment (Kafka checks that
 * in the log too); the broker validates everything else before.
 */
export function checkAppendable(records: Buffer, segmentBytes: number): void {
  if (records.length > segmentBytes) throw new RecordBatchTooLargeError(records.length, segmentBytes);
  if (records.length === 0) throw new CorruptRecordError('empty record set');
  let pos = 0;
  while (pos < records.length) {
    if (records.length - pos < BATCH_MIN_SIZE) throw new CorruptRecordError(`truncated batch header at byte ${pos}`);
    const size = batchSize(records, pos);
    if (size < BATCH_MIN_SIZE || pos + size > records.length)
      throw new CorruptRecordError(`batch at byte ${pos} has invalid length ${size - BATCH_LOG_OVERHEAD}`);
    if (batchMagic(records, pos) !== 2) throw new CorruptRecordError(`batch at byte ${pos} has magic ${batchMagic(records, pos)}, only v2 is stored`);
    if (batchLastOffsetDelta(records, pos) < 0) throw new CorruptRecordError(`batch at byte ${pos} has a negative last offset delta`);
    pos += size;
  }
}

/**
 * Kafka's roll rules, checked per append with its whole size: size, age since the first batch (by timestamps),
 * full index, or offsets beyond INT32. `pendingBytes` are bytes of the current run not yet written.
 */
export function shouldRoll(seg: LogSegment, config: LogConfig, append: PlacedAppend, pendingBytes: number): boolean {
  const size = seg.size + pendingBytes;
  if (size === 0) return false;
  if (size + append.bytes > config.segmentBytes) return true;
  if (seg.fullIndexes()) return true;
  if (append.lastOffset - seg.baseOffset > MAX_RELATIVE_OFFSET) return true;
  const first = seg.rollingTimestamp;
  const waited = first !== null && first >= 0n ? Number(append.maxTimestamp - first) : Date.now() - seg.createdAtMs;
  return waited > config.segmentMs;
}

/**
 * Kafka's analyzeAndValidateProducerState, in queue order: a retried batch is answered from the producer's
 * cached batches, an invalid one is refused, the rest are staged at the offsets they will get (from
 * `firstOffset` on). Groups without producer ids skip all of it.
 */
export function screenProducers(producers: ProducerStateManager, group: readonly AppendRequest[], firstOffset: bigint, logStartOffset: bigint): ScreenedGroup {
  if (!anyProducerId(group)) return { stage: null, outcomes: new Array<null>(group.length).fill(null), completed: NO_COMPLETED_TXNS };
  const stage = producers.stage();
  const completed: CompletedTxn[] = [];
  let next = firstOffset;
  const outcomes = group.map((p): AppendOutcome => {
    let offset = next;
    // Only transaction markers complete anything: most appends allocate no list.
    let staged: CompletedTxn[] | null = null;
    const multiBatch = batchSize(p.records, 0) < p.records.length;
    const saved = multiBatch ? stage.save() : null;
    const refuse = (outcome: AppendResult | Error): AppendResult | Error => {
      if (saved !== null) stage.restore(saved);
      return outcome;
    };
    for (let pos = 0; pos < p.records.length; pos += batchSize(p.records, pos)) {
      const first = offset;
      const last = first + BigInt(batchLastOffsetDelta(p.records, pos));
      offset = last + 1n;
      if (readInt64BE(p.records, pos + BATCH_HEADER.producerId) < 0n) continue;
      const info = producerBatchInfo(p.records, pos);
      const verdict = stage.check(info, p.origin);
      if (verdict.kind === 'duplicate') {
        return refuse({ baseOffset: verdict.batch.firstOffset, lastOffset: verdict.batch.lastOffset, logAppendTime: -1n, logStartOffset, duplicate: true });
      }
      if (verdict.kind === 'reject') return refuse(new ProducerStateError(verdict.reason, verdict.message));
      const done = stage.record(info, first, last);
      if (done !== null) (staged ??= []).push(done);
    }
    if (staged !== null) completed.push(...staged);
    next = offset;
    return null;
  });
  return { stage, outcomes, completed };
}

function anyProducerId(group: readonly AppendRequest[]): boolean {
  for (let i = 0; i < group.length; i++) if (hasProducerId(group[i].records)) return true;
  return false;
}

/** Whether any batch of `records` carries a producer id (idempotent, transactional or a marker). */
function hasProducerId(records: Buffer): boolean {
  for (let pos = 0; pos < records.length; pos += batchSize(records, pos)) {
    if (readInt64BE(records, pos + BATCH_HEADER.producerId) >= 0n) return true;
  }
  return false;
}

/**
 * Patches base offsets (contiguous from `baseOffset`), the leader epoch and LogAppendTime into the append's own
 * buffer (the log owns it, see PartitionLog.append) and describes its batches.
 */
function placeAppend(p: AppendRequest, request: number, baseOffset: bigint, logAppendTime: bigint): PlacedAppend {
  const buf = p.records;
  const batches: PlacedBatch[] = [];
  let next = baseOffset;
  let maxTimestamp = -1n;
  for (let pos = 0; pos < buf.length;) {
    const size = batchSize(buf, pos);
    setBatchBaseOffset(buf, next, pos);
    setBatchPartitionLeaderEpoch(buf, p.leaderEpoch, pos);
    if (logAppendTime >= 0n) setBatchLogAppendTime(buf, logAppendTime, pos);
    const lastOffset = next + BigInt(batchLastOffsetDelta(buf, pos));
    const batchMax = batchMaxTimestamp(buf, pos);
    if (batchMax > maxTimestamp) maxTimestamp = batchMax;
    const bytes = size === buf.length ? buf : buf.subarray(pos, pos + size);
    batches.push({ position: pos, size, baseOffset: next, lastOffset, maxTimestamp: batchMax, bytes, records: batchRecordsCount(buf, pos) });
    next = lastOffset + 1n;
    pos += size;
  }
  return { request, records: buf, bytes: buf.length, leaderEpoch: p.leaderEpoch, baseOffset, lastOffset: next - 1n, maxTimestamp, batches };
}
