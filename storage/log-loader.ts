// Opening a partition (Kafka's LogLoader): list the directory once, finish or drop interrupted cleanings, remove
// leftovers, recover segments after an unclean shutdown (re-validate, cut after the last intact batch, rebuild
// indexes), and restore the log start offset, leader epochs, producer state and cleaner checkpoint.
import * as fs from 'fs';
import { promises as fsp } from 'fs';
import * as path from 'path';
import type { Logger } from './logger';
import { BATCH_HEADER, batchPartitionLeaderEpoch } from '../codecs/records/batch-header';
import { isNotFound, readCheckpointFile } from './atomic-file';
import {
  CLEANED_SUFFIX,
  CLEANER_CHECKPOINT_FILE,
  DELETED_SUFFIX,
  INDEX_SUFFIX,
  LEADER_EPOCH_CHECKPOINT_FILE,
  LOG_START_OFFSET_CHECKPOINT_FILE,
  LOG_SUFFIX,
  SWAP_SUFFIX,
  TEMP_SUFFIX,
  TIME_INDEX_SUFFIX,
  parseSegmentFileName,
} from './file-names';
import { recoverInterruptedCleaning } from './cleaned-segment';
import { LeaderEpochCache } from './leader-epoch-cache';
import { LogConfig } from './log-config';
import { OFFSET_INDEX_ENTRY_SIZE } from './offset-index';
import { TIME_INDEX_ENTRY_SIZE } from './time-index';
import { LogSegment } from './segment';
import { ProducerStateManager } from './producer-state';
import { loadTransactionState } from './producer-state-loader';
import { AbortedTxnList } from './txn-index';
import { indexLimits, LocalLog, PartitionLogDeps, unlinkAll } from './local-log';
import { floorSegmentIndex } from './offset-search';

export interface LoadOptions {
  dir: string;
  topic: string;
  partition: number;
  config: LogConfig;
  deps: PartitionLogDeps;
}

/**
 * Opens (or creates) the partition directory. After an unclean shutdown the active segment is re-validated batch
 * by batch and cut after the last intact batch; missing or corrupt indexes are rebuilt.
 */
export async function loadLocalLog(opts: LoadOptions & { clean: boolean }): Promise<LocalLog> {
  const { dir, config, deps } = opts;
  const logger = deps.resources.logger;
  // One listing tells which files exist, so loading probes none that do not: with 10,000 partitions loaded on
  // first use, every thread-pool round trip saved per partition counts.
  let names = listPartitionDir(dir);
  if (names.some(isCleaningLeftover)) {
    await recoverInterruptedCleaning(dir, logger);
    names = listPartitionDir(dir);
  }
  const present = await cleanDirectory(dir, names, logger);
  const bases = segmentBases(present);
  const limits = indexLimits(config);
  const legacyStart = present.has(LOG_START_OFFSET_CHECKPOINT_FILE) ? await readLegacyLogStartOffset(dir, logger) : null;
  const checkpointStart = maxOffset(deps.startOffsets.get(opts.topic, opts.partition), legacyStart);
  const segments: LogSegment[] = [];
  for (const base of bases) segments.push(await LogSegment.existing(dir, base, limits, deps.resources));
  if (segments.length === 0) {
    segments.push(LogSegment.deferred(dir, checkpointStart ?? 0n, limits, deps.resources));
  } else {
    await recoverSegments(segments, opts.clean, present, logger);
  }
  const active = segments[segments.length - 1];
  const logEnd = active.nextOffset;
  let start = checkpointStart ?? segments[0].baseOffset;
  if (start < segments[0].baseOffset) start = segments[0].baseOffset;
  if (start > logEnd) start = logEnd;
  const epochs = present.has(LEADER_EPOCH_CHECKPOINT_FILE) ? await LeaderEpochCache.load(dir, logger) : LeaderEpochCache.empty(dir, logger);
  epochs.truncateFromEnd(logEnd);
  if (epochs.latestEpoch < 0 && logEnd > start) await restoreFirstEpoch(epochs, segments, start);
  const txns = await loadTransactionState({ dir, segments, logEnd, clean: opts.clean, logger, present });
  const storedCleanerCheckpoint = present.has(CLEANER_CHECKPOINT_FILE) ? await readPartitionCheckpoint(path.join(dir, CLEANER_CHECKPOINT_FILE), logger) : null;
  let cleanerCheckpoint = storedCleanerCheckpoint ?? start;
  // Past the recovered log end (a crash cut the tail) the checkpoint would hide new data from the cleaner.
  if (cleanerCheckpoint > logEnd) cleanerCheckpoint = start;
  // Entries from the old per-partition checkpoint file move into the data directory's one.
  if (start > segments[0].baseOffset) deps.startOffsets.set(opts.topic, opts.partition, start);
  const log = new LocalLog(opts.topic, opts.partition, dir, segments, start, config, epochs, deps, txns, cleanerCheckpoint);
  log.recoveredAtLoad = !opts.clean && bases.length > 0;
  logger.debug({ dir, logStartOffset: start, logEndOffset: logEnd, segments: segments.length }, 'partition loaded');
  return log;
}

/**
 * A new partition in a directory the caller has just created, empty: nothing to read or recover, so no I/O at all.
 * The segment file appears with the first append (LogSegment.deferred).
 */
export function emptyLocalLog(opts: LoadOptions): LocalLog {
  const { dir, config, deps } = opts;
  const segment = LogSegment.deferred(dir, 0n, indexLimits(config), deps.resources);
  const epochs = LeaderEpochCache.empty(dir, deps.resources.logger);
  const txns = { producers: new ProducerStateManager(), aborted: new AbortedTxnList(), latestSnapshot: null };
  return new LocalLog(opts.topic, opts.partition, dir, [segment], 0n, config, epochs, deps, txns, 0n);
}

/**
 * A history left without entries although the log holds batches (its first entry is written lazily, and a crash
 * came first) starts with the epoch of the batch at the log start, as recovering Kafka reassigns epochs from the
 * batches it reads.
 */
async function restoreFirstEpoch(epochs: LeaderEpochCache, segments: readonly LogSegment[], start: bigint): Promise<void> {
  const seg = segments[floorSegmentIndex(segments, start)];
  const first = await seg.locateOffset(start, seg.size);
  if (first === null) return;
  const epoch = batchPartitionLeaderEpoch(await seg.readBytes(first.position, BATCH_HEADER.size));
  if (epoch >= 0) epochs.assign(epoch, start);
}

/** The partition directory's file names, creating the directory when it is missing (a crash before makeDirs). */
function listPartitionDir(dir: string): string[] {
  try {
    return fs.readdirSync(dir);
  } catch (err) {
    if (!isNotFound(err)) throw err;
    fs.mkdirSync(dir, { recursive: true });
    return [];
  }
}

function isCleaningLeftover(name: string): boolean {
  return name.endsWith(CLEANED_SUFFIX) || name.endsWith(SWAP_SUFFIX);
}

/** Removes leftovers of interrupted operations (among `names`) and returns the names that remain. */
async function cleanDirectory(dir: string, names: readonly string[], logger: Logger): Promise<Set<string>> {
  const present = new Set<string>();
  const logs = new Set<string>();
  for (const name of names) {
    if (name.endsWith(DELETED_SUFFIX) || name.endsWith(TEMP_SUFFIX)) {
      await fsp.rm(path.join(dir, name), { force: true });
      continue;
    }
    present.add(name);
    if (parseSegmentFileName(name, LOG_SUFFIX) !== null) logs.add(name.slice(0, -LOG_SUFFIX.length));
  }
  for (const name of names) {
    const stem = name.endsWith(INDEX_SUFFIX)
      ? name.slice(0, -INDEX_SUFFIX.length)
      : name.endsWith(TIME_INDEX_SUFFIX)
        ? name.slice(0, -TIME_INDEX_SUFFIX.length)
        : null;
    if (stem !== null && /^\d{20}$/.test(stem) && !logs.has(stem)) {
      logger.warn({ file: path.join(dir, name) }, 'removing index file without a log segment');
      await fsp.rm(path.join(dir, name), { force: true });
      present.delete(name);
    }
  }
  return present;
}

function segmentBases(names: ReadonlySet<string>): bigint[] {
  const bases: bigint[] = [];
  for (const name of names) {
    const base = parseSegmentFileName(name, LOG_SUFFIX);
    if (base !== null) bases.push(base);
  }
  return bases.sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
}

/** The per-partition checkpoint file earlier versions wrote; the data directory's one replaces it. */
function readLegacyLogStartOffset(dir: string, logger: Logger): Promise<bigint | null> {
  return readPartitionCheckpoint(path.join(dir, LOG_START_OFFSET_CHECKPOINT_FILE), logger);
}

async function readPartitionCheckpoint(file: string, logger: Logger): Promise<bigint | null> {
  try {
    const rows = await readCheckpointFile(file);
    const row = rows?.[0];
    if (row === undefined || row.length !== 3 || !/^\d+$/.test(row[2])) return null;
    return BigInt(row[2]);
  } catch (err) {
    if (!isNotFound(err)) logger.warn({ file, err }, 'unreadable checkpoint file; using the log start');
    return null;
  }
}

/**
 * Brings the segments to a consistent state. Clean shutdown: trust the files, rebuilding only unusable indexes.
 * Otherwise: re-validate the active segment, and every segment whose index files are missing or malformed; a
 * corrupt segment is cut after its last intact batch and every later segment is removed, as offsets after a hole
 * cannot be trusted.
 */
async function recoverSegments(segments: LogSegment[], clean: boolean, present: ReadonlySet<string>, logger: Logger): Promise<void> {
  if (!clean) {
    for (let i = 0; i < segments.length - 1; i++) {
      if (await indexFilesLookSane(segments[i])) continue;
      const outcome = await segments[i].rebuild({ verify: true, truncate: true });
      if (outcome.problem === null) {
        logger.warn({ file: segments[i].paths.log }, 'rebuilt missing or malformed index files');
        continue;
      }
      logger.warn(
        { file: segments[i].paths.log, problem: outcome.problem, validBytes: outcome.validBytes, cutBytes: outcome.cutBytes },
        'corrupt batch in closed segment; truncated it and removing later segments',
      );
      const later = segments.splice(i + 1);
      for (const seg of later) {
        const files = await seg.markDeleted();
        await unlinkAll(files);
      }
      segments[i].activate();
      return;
    }
  }
  const active = segments[segments.length - 1];
  // Empty (a partition created but never written, its file made at creation): nothing to trust, scan or cut, and
  // its indexes are in memory until it holds data; thousands of such partitions load without reading a byte.
  if (active.size === 0) {
    active.activate();
    return;
  }
  // A clean shutdown leaves no index files for a segment below index.interval.bytes (see close): rebuild at once.
  const indexed = active.size === 0 || (present.has(path.basename(active.paths.index)) && present.has(path.basename(active.paths.timeIndex)));
  if (clean && indexed && (await active.openAsActive())) return;
  // After a clean shutdown the index files are left out only for segments below index.interval.bytes (see close).
  const outcome = await active.rebuild({ verify: true, truncate: true, writeIndexes: !clean });
  active.activate();
  // Index files of a segment outgrowing index.interval.bytes save the next start this rebuild.
  if (clean && active.hasOffsetIndexEntries) await active.persistIndexes(false);
  if (outcome.problem !== null) {
    logger.warn(
      { file: active.paths.log, problem: outcome.problem, validBytes: outcome.validBytes, cutBytes: outcome.cutBytes },
      'truncated torn or corrupt tail of log segment',
    );
  } else {
    logger.debug({ file: active.paths.log, bytes: outcome.validBytes, clean }, 'recovered log segment; all batches intact');
  }
}

async function indexFilesLookSane(seg: LogSegment): Promise<boolean> {
  try {
    const [ix, tix] = await Promise.all([fsp.stat(seg.paths.index), fsp.stat(seg.paths.timeIndex)]);
    return ix.size % OFFSET_INDEX_ENTRY_SIZE === 0 && tix.size % TIME_INDEX_ENTRY_SIZE === 0;
  } catch {
    return false;
  }
}

function maxOffset(a: bigint | undefined, b: bigint | null): bigint | null {
  if (a === undefined) return b;
  return b === null || a > b ? a : b;
}
