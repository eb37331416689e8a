// The state one partition's log consists of, shared by the parts that work on it (Kafka's LocalLog): the segment
// list with its active segment, the log start offset, the config, the caches and the producer and transaction
// state. The loader builds it; the append pipeline, flush policy, reads and segment changes each act on it, and
// PartitionLog puts them together behind one API.
import { promises as fsp } from 'fs';
import type { Logger } from './logger';
import { LeaderEpochCache } from './leader-epoch-cache';
import { LogConfig } from './log-config';
import { IndexLimits, LogSegment, SegmentResources } from './segment';
import { PartitionTailCache, TailCacheBudget } from './tail-cache';
import { ProducerStateManager } from './producer-state';
import { AbortedTxnList } from './txn-index';
import { LogStartOffsets } from './dir-checkpoints';

/** Kafka's producer.id.expiration.ms default: producers idle for a day are forgotten. */
export const DEFAULT_PRODUCER_ID_EXPIRATION_MS = 86400000;

export interface PartitionLogDeps {
  resources: SegmentResources;
  tailBudget: TailCacheBudget;
  /** producer.id.expiration.ms, applied when producer state is snapshotted (roll, close). */
  producerIdExpirationMs: number;
  /** The data directory's log start offsets (one checkpoint file for all partitions). */
  startOffsets: LogStartOffsets;
}

/** Producer and transaction state as loaded (or empty for a new partition). */
export interface TransactionState {
  producers: ProducerStateManager;
  aborted: AbortedTxnList;
  /** Offset of the newest producer snapshot on disk, null when there is none. */
  latestSnapshot: bigint | null;
}

export class LocalLog {
  readonly tail: PartitionTailCache;
  readonly logger: Logger;
  readonly producers: ProducerStateManager;
  readonly aborted: AbortedTxnList;
  latestSnapshot: bigint | null;
  /** Start of the dirty section for compaction (Kafka's cleaner checkpoint). */
  cleanerCheckpointOffset: bigint;
  closed = false;
  /** Whether anything was appended since load; an untouched partition has nothing to persist at shutdown. */
  appendedSinceLoad = false;
  /**
   * Loaded by crash recovery, whose writes (cut tails, rebuilt index files, restored .txnindex entries) were not
   * fsynced: a clean shutdown must make them durable before its marker says no recovery is needed.
   */
  recoveredAtLoad = false;
  /** Segment write calls made so far; with group commit, far fewer than appends under concurrency. */
  writeCalls = 0;
  /** Set while compaction swaps segments; reads failing on a retired segment wait for it and try again. */
  swapping: Promise<void> | null = null;

  constructor(
    readonly topic: string,
    readonly partition: number,
    readonly dir: string,
    /** Oldest first; the last is the active segment. Replaced, never changed in place (readers hold the old list). */
    public segments: LogSegment[],
    public startOffset: bigint,
    public cfg: LogConfig,
    readonly epochs: LeaderEpochCache,
    readonly deps: PartitionLogDeps,
    txns: TransactionState,
    cleanerCheckpoint: bigint,
  ) {
    this.tail = new PartitionTailCache(deps.tailBudget);
    this.logger = deps.resources.logger;
    this.producers = txns.producers;
    this.aborted = txns.aborted;
    this.latestSnapshot = txns.latestSnapshot;
    this.cleanerCheckpointOffset = cleanerCheckpoint;
  }

  /** `topic-partition`, as error messages name a partition. */
  get name(): string {
    return `${this.topic}-${this.partition}`;
  }

  get activeSegment(): LogSegment {
    return this.segments[this.segments.length - 1];
  }

  get logEndOffset(): bigint {
    return this.activeSegment.nextOffset;
  }

  /** Single node: every written batch is committed, so the high watermark is the log end. */
  get highWatermark(): bigint {
    return this.logEndOffset;
  }

  get indexLimits(): IndexLimits {
    return indexLimits(this.cfg);
  }

  sizeInBytes(): number {
    let total = 0;
    for (const s of this.segments) total += s.size;
    return total;
  }
}

export function indexLimits(config: LogConfig): IndexLimits {
  return { indexIntervalBytes: config.indexIntervalBytes, segmentIndexBytes: config.segmentIndexBytes };
}

export async function unlinkAll(files: readonly string[]): Promise<void> {
  for (const f of files) await fsp.rm(f, { force: true });
}
