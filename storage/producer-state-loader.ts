// Rebuilds a partition's producer state and aborted-transaction list when the log opens: the newest usable
// snapshot, then the batches after it read back through their headers (markers are tiny and read whole). Index
// entries and snapshots beyond the recovered log end are dropped; aborts found in the replay but missing from the
// `.txnindex` (a crash between the marker write and the index write) are added back.
import * as path from 'path';
import type { Logger } from './logger';
import {
  ATTR_CONTROL,
  BATCH_HEADER,
  BATCH_MIN_SIZE,
  batchAttributes,
  batchBaseOffset,
  batchLastOffsetDelta,
  batchProducerId,
  batchSize,
} from '../codecs/records/batch-header';
import { producerBatchInfo } from './producer-batch-info';
import { deleteSnapshot, listSnapshots, readSnapshot, snapshotOffsets } from './producer-snapshot';
import { ProducerStateManager } from './producer-state';
import type { LogSegment } from './segment';
import { AbortedTxnList, appendTxnIndexFile, readTxnIndexFile, writeTxnIndexFile } from './txn-index';

const REPLAY_CHUNK_BYTES = 1 << 20;

export interface TransactionState {
  readonly producers: ProducerStateManager;
  readonly aborted: AbortedTxnList;
  /** Offset of the newest snapshot file on disk, or null. */
  readonly latestSnapshot: bigint | null;
}

export async function loadTransactionState(opts: {
  dir: string;
  segments: readonly LogSegment[];
  logEnd: bigint;
  clean: boolean;
  logger: Logger;
  /** The directory's file names, when the caller listed them: files not among them are not looked for. */
  present?: ReadonlySet<string>;
}): Promise<TransactionState> {
  const { dir, segments, logEnd, logger, present } = opts;
  const aborted = await loadAbortedTxns(segments, logEnd, present);
  let snapshots = present === undefined ? await listSnapshots(dir) : snapshotOffsets(present);
  for (const stale of snapshots.filter((o) => o > logEnd)) await deleteSnapshot(dir, stale);
  snapshots = snapshots.filter((o) => o <= logEnd);

  const producers = new ProducerStateManager();
  let from: bigint | null = null;
  while (snapshots.length > 0 && from === null) {
    const offset = snapshots[snapshots.length - 1];
    try {
      for (const e of await readSnapshot(dir, offset)) producers.restore(e);
      from = offset;
    } catch (err) {
      logger.warn({ dir, offset: offset.toString(), err: (err as Error).message }, 'unusable producer snapshot; trying an older one');
      await deleteSnapshot(dir, offset);
      snapshots.pop();
    }
  }
  if (from === null) {
    // Without any snapshot a clean log was written before producer state existed; like Kafka on upgrade, only
    // the active segment is read. After a crash the whole log is read.
    from = opts.clean ? segments[segments.length - 1].baseOffset : segments[0].baseOffset;
  }
  producers.setEndOffset(from);
  let replayed = 0;
  if (from < logEnd) {
    for (const seg of segments) {
      const next = segments[segments.indexOf(seg) + 1];
      if (next !== undefined && next.baseOffset <= from) continue;
      replayed += await replaySegment(seg, from, async (buf, at) => {
        const base = batchBaseOffset(buf, at);
        const last = base + BigInt(batchLastOffsetDelta(buf, at));
        if (batchProducerId(buf, at) < 0n) {
          producers.setEndOffset(last + 1n);
          return;
        }
        const completed = producers.replay(producerBatchInfo(buf, at), base, last);
        if (completed !== null && completed.aborted && !aborted.has(completed.lastOffset)) {
          const entry = {
            producerId: completed.producerId,
            firstOffset: completed.firstOffset,
            lastOffset: completed.lastOffset,
            lastStableOffset: producers.firstUnstableOffset() ?? completed.lastOffset + 1n,
          };
          aborted.add(entry);
          await appendTxnIndexFile(seg.paths.txnIndex, entry);
        }
      });
    }
  }
  producers.setEndOffset(logEnd);
  if (replayed > 0) logger.debug({ dir, from: from.toString(), batches: replayed }, 'rebuilt producer state from the log');
  return { producers, aborted, latestSnapshot: snapshots.length > 0 ? snapshots[snapshots.length - 1] : null };
}

async function loadAbortedTxns(segments: readonly LogSegment[], logEnd: bigint, present: ReadonlySet<string> | undefined): Promise<AbortedTxnList> {
  const list = new AbortedTxnList();
  for (const seg of segments) {
    if (present !== undefined && !present.has(path.basename(seg.paths.txnIndex))) continue;
    const entries = await readTxnIndexFile(seg.paths.txnIndex);
    const kept = entries.filter((e) => e.lastOffset < logEnd);
    if (kept.length !== entries.length) await writeTxnIndexFile(seg.paths.txnIndex, kept);
    for (const e of kept) list.add(e);
  }
  return list;
}

/** Calls `onBatch` for every batch of `seg` ending at or after `from`; returns how many. */
async function replaySegment(seg: LogSegment, from: bigint, onBatch: (buf: Buffer, at: number) => Promise<void>): Promise<number> {
  if (seg.size === 0) return 0;
  const first = await seg.locateOffset(from, seg.size);
  if (first === null) return 0;
  let pos = first.position;
  let count = 0;
  while (pos + BATCH_HEADER.size <= seg.size) {
    const chunk = await seg.readBytes(pos, Math.min(REPLAY_CHUNK_BYTES, seg.size - pos));
    let at = 0;
    while (at + BATCH_HEADER.size <= chunk.length) {
      const size = batchSize(chunk, at);
      if (size < BATCH_MIN_SIZE) return count;
      const isControl = (batchAttributes(chunk, at) & ATTR_CONTROL) !== 0;
      if (isControl && at + size > chunk.length) break;
      await onBatch(chunk, at);
      count++;
      at += size;
    }
    if (at === 0) return count;
    pos += at;
  }
  return count;
}
