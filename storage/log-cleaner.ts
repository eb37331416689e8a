// The log cleaner (Kafka's LogCleaner): compacts partitions whose cleanup.policy includes compact. A pass picks
// the partitions whose dirty ratio reached min.cleanable.dirty.ratio (or that max.compaction.lag.ms makes
// overdue), dirtiest first, and for each builds the key → newest offset map over the dirty closed segments, then
// rewrites the closed segments from the log start up to the end of that map, group by group, swapping each
// cleaned group in atomically. The active segment is never touched, so appends and reads carry on meanwhile.
import type { Logger } from './logger';
import {
  BATCH_HEADER,
  BATCH_MIN_SIZE,
  batchIsControl,
  batchIsTransactional,
  batchLastOffset,
  batchProducerId,
  batchSize,
} from '../codecs/records/batch-header';
import { decodeRecordBatch } from '../codecs/records/record-batch';
import { CleanerOffsetMap } from './cleaner-offset-map';
import { CleaningPlan, groupSegments, planCleaning } from './cleaner-plan';
import { CleanerTxnTracker } from './cleaner-txns';
import { filterBatch, markerKind, ProducerTail } from './compaction-filter';
import type { PartitionLog } from './partition-log';
import { MAX_RELATIVE_OFFSET, LogSegment } from './segment';

const READ_CHUNK_BYTES = 1 << 20;

export interface CleanerOptions {
  logger: Logger;
  /** Memory for one partition's key map (Kafka's log.cleaner.dedupe.buffer.size); a pass stops at a segment boundary when full. */
  offsetMapBytes: number;
  /** Bytes of closed segments one pass may rewrite, over all partitions; the rest waits for the next pass. */
  maxBytesPerPass: number;
}

export interface CleaningStats {
  readonly topic: string;
  readonly partition: number;
  readonly segmentsBefore: number;
  readonly segmentsAfter: number;
  readonly bytesBefore: number;
  readonly bytesAfter: number;
  readonly recordsRemoved: number;
  readonly firstDirtyOffset: bigint;
  readonly cleanedUpTo: bigint;
}

/** One cleaner pass over `logs`: the dirtiest cleanable partitions first, within the pass's byte budget. */
export async function runCleanerPass(logs: readonly PartitionLog[], nowMs: number, opts: CleanerOptions): Promise<CleaningStats[]> {
  const candidates: Array<{ log: PartitionLog; plan: CleaningPlan }> = [];
  for (const log of logs) {
    if (log.isClosed || !log.config.cleanupPolicy.compact) continue;
    try {
      const plan = await planFor(log, nowMs);
      if (plan.cleanable) candidates.push({ log, plan });
    } catch (err) {
      opts.logger.warn({ topic: log.topic, partition: log.partition, err }, 'could not assess partition for cleaning');
    }
  }
  candidates.sort((a, b) => (b.plan.overdue ? 2 : 0) + b.plan.dirtyRatio - ((a.plan.overdue ? 2 : 0) + a.plan.dirtyRatio));
  const done: CleaningStats[] = [];
  let budget = opts.maxBytesPerPass;
  for (const { log } of candidates) {
    if (budget <= 0) break;
    try {
      const stats = await cleanPartition(log, nowMs, opts);
      if (stats === null) continue;
      budget -= stats.bytesBefore;
      done.push(stats);
    } catch (err) {
      if (!log.isClosed) opts.logger.error({ topic: log.topic, partition: log.partition, err }, 'log cleaning failed');
    }
  }
  return done;
}

async function planFor(log: PartitionLog, nowMs: number): Promise<CleaningPlan> {
  const cfg = log.config;
  return planCleaning(await log.closedSegmentFacts(), log.activeBaseOffset, log.cleanerCheckpoint, log.logStartOffset, log.lastStableOffset, cfg, nowMs);
}

/** Cleans one partition if its plan says so; null when there was nothing to do (or the log changed meanwhile). */
export async function cleanPartition(log: PartitionLog, nowMs: number, opts: CleanerOptions): Promise<CleaningStats | null> {
  const facts = await log.closedSegmentFacts();
  const cfg = log.config;
  const plan = planCleaning(facts, log.activeBaseOffset, log.cleanerCheckpoint, log.logStartOffset, log.lastStableOffset, cfg, nowMs);
  if (!plan.cleanable) return null;

  const dirty = facts.filter((f) => f.baseOffset >= plan.firstDirtyOffset && f.nextBaseOffset <= plan.firstUncleanableOffset);
  const map = new CleanerOffsetMap(opts.offsetMapBytes);
  const mapTxns = new CleanerTxnTracker(log.abortedTransactions(plan.firstDirtyOffset, plan.firstUncleanableOffset));
  let end = plan.firstDirtyOffset;
  for (const f of dirty) {
    if (map.full && end > plan.firstDirtyOffset) break;
    await forEachBatch(f.segment, (batch) => addToMap(map, mapTxns, batch));
    end = f.nextBaseOffset;
  }
  if (end <= plan.firstDirtyOffset) return null;

  const toClean = facts.filter((f) => f.nextBaseOffset <= end && f.nextBaseOffset > log.logStartOffset);
  const producers = producerTails(log);
  let bytesAfter = 0;
  let recordsRemoved = 0;
  let segmentsAfter = 0;
  for (const group of groupSegments(toClean, cfg.segmentBytes, MAX_RELATIVE_OFFSET)) {
    const groupStart = group[0].baseOffset;
    const groupEnd = group[group.length - 1].nextBaseOffset;
    const txns = new CleanerTxnTracker(log.abortedTransactions(groupStart, groupEnd));
    const writer = log.cleanedSegmentWriter(groupStart);
    const ctx = { map, txns, producers, nowMs, deleteRetentionMs: cfg.deleteRetentionMs };
    try {
      await writer.open();
      for (const f of group) {
        await forEachBatch(f.segment, async (batch) => {
          const out = filterBatch(batch, ctx);
          recordsRemoved += out.recordsBefore - out.recordsAfter;
          if (out.bytes !== null) await writer.append(out.bytes);
        });
      }
      await writer.finish(txns.retainedAborts);
    } catch (err) {
      await writer.discard();
      throw err;
    }
    if (
      !(await log.installCleaned(
        group.map((f) => f.segment),
        writer,
        txns.retainedAborts,
      ))
    )
      return null;
    bytesAfter += writer.size;
    segmentsAfter++;
  }
  await log.setCleanerCheckpoint(end);
  const stats: CleaningStats = {
    topic: log.topic,
    partition: log.partition,
    segmentsBefore: toClean.length,
    segmentsAfter,
    bytesBefore: toClean.reduce((n, f) => n + f.size, 0),
    bytesAfter,
    recordsRemoved,
    firstDirtyOffset: plan.firstDirtyOffset,
    cleanedUpTo: end,
  };
  opts.logger.info(
    {
      topic: stats.topic,
      partition: stats.partition,
      segments: `${stats.segmentsBefore} -> ${stats.segmentsAfter}`,
      bytesBefore: stats.bytesBefore,
      bytesAfter: stats.bytesAfter,
      recordsRemoved,
      dirtyRatio: Number(plan.dirtyRatio.toFixed(3)),
      cleanedUpTo: end.toString(),
    },
    'cleaned log',
  );
  return stats;
}

/** Records of aborted transactions and control batches never enter the map: they supersede nothing. */
function addToMap(map: CleanerOffsetMap, txns: CleanerTxnTracker, batch: Buffer): void {
  const producerId = batchProducerId(batch);
  const lastOffset = batchLastOffset(batch);
  if (batchIsControl(batch)) {
    const decoded = decodeRecordBatch(batch, { verifyCrc: false });
    txns.onControlBatch(producerId, lastOffset, markerKind(decoded.records[0]?.key ?? null));
    return;
  }
  if (txns.onDataBatch(producerId, batchIsTransactional(batch), lastOffset)) return;
  for (const r of decodeRecordBatch(batch, { verifyCrc: false }).records) if (r.key !== null) map.put(r.key, r.offset);
}

/** Kafka keeps the last batch of every producer it still tracks, so sequence checks go on after cleaning. */
function producerTails(log: PartitionLog): Map<bigint, ProducerTail> {
  const tails = new Map<bigint, ProducerTail>();
  for (const p of log.producerStates()) {
    const last = p.batches[p.batches.length - 1];
    tails.set(p.producerId, { lastDataOffset: last === undefined ? null : last.lastOffset, epoch: p.producerEpoch });
  }
  return tails;
}

/** Every whole batch of a closed segment, in order, read in chunks. */
async function forEachBatch(seg: LogSegment, fn: (batch: Buffer) => void | Promise<void>): Promise<void> {
  const size = seg.size;
  let pos = 0;
  while (pos + BATCH_HEADER.size <= size) {
    let chunk = await seg.readBytes(pos, Math.min(READ_CHUNK_BYTES, size - pos));
    const first = batchSize(chunk, 0);
    if (first < BATCH_MIN_SIZE) return;
    if (first > chunk.length) {
      if (pos + first > size) return;
      chunk = await seg.readBytes(pos, first);
    }
    let at = 0;
    while (at + BATCH_HEADER.size <= chunk.length) {
      const len = batchSize(chunk, at);
      if (len < BATCH_MIN_SIZE || at + len > chunk.length) break;
      await fn(chunk.subarray(at, at + len));
      at += len;
    }
    pos += at;
  }
}
