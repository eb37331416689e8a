// Kafka's on-disk naming: one directory per partition, segment files named by their 20-digit base offset.
import * as path from 'path';

export const LOG_SUFFIX = '.log';
export const INDEX_SUFFIX = '.index';
export const TIME_INDEX_SUFFIX = '.timeindex';
export const TXN_INDEX_SUFFIX = '.txnindex';
export const DELETED_SUFFIX = '.deleted';
export const TEMP_SUFFIX = '.tmp';
/** Compaction writes a cleaned segment under `<file>.cleaned`, renames it to `<file>.swap`, then into place. */
export const CLEANED_SUFFIX = '.cleaned';
export const SWAP_SUFFIX = '.swap';
/** Per partition: where the cleaner's dirty section starts ("<topic> <partition> <offset>" checkpoint format). */
export const CLEANER_CHECKPOINT_FILE = 'cleaner-offset-checkpoint';
export const CLEAN_SHUTDOWN_FILE = '.kafka_cleanshutdown';
export const CATALOG_FILE = '__eddy_topics.json';
export const LEADER_EPOCH_CHECKPOINT_FILE = 'leader-epoch-checkpoint';
export const LOG_START_OFFSET_CHECKPOINT_FILE = 'log-start-offset-checkpoint';
/** Kafka renames a deleted partition's directory to `<topic>-<partition>.<id>-delete` before removing it. */
export const DELETE_DIR_SUFFIX = '-delete';

export function partitionDirName(topic: string, partition: number): string {
  return `${topic}-${partition}`;
}

export function segmentFileStem(baseOffset: bigint): string {
  return baseOffset.toString().padStart(20, '0');
}

export interface SegmentPaths {
  log: string;
  index: string;
  timeIndex: string;
  /** Aborted transactions whose markers are in this segment (producer-state/txn-index.ts). */
  txnIndex: string;
}

export function segmentPaths(dir: string, baseOffset: bigint): SegmentPaths {
  const stem = path.join(dir, segmentFileStem(baseOffset));
  return { log: stem + LOG_SUFFIX, index: stem + INDEX_SUFFIX, timeIndex: stem + TIME_INDEX_SUFFIX, txnIndex: stem + TXN_INDEX_SUFFIX };
}

/** Base offset of a `<20 digits>.<suffix>` file name, or null if the name is not a segment file of that kind. */
export function parseSegmentFileName(fileName: string, suffix: string): bigint | null {
  if (!fileName.endsWith(suffix)) return null;
  const stem = fileName.slice(0, fileName.length - suffix.length);
  return /^\d{20}$/.test(stem) ? BigInt(stem) : null;
}
