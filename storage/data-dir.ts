// File work on the data directory for the log manager: what open cleans up and checks (deleted topics' leftovers,
// orphan directories, the log start offset checkpoint), making and removing partition directories, and sizing a
// partition from its segment files without loading it.
import * as fs from 'fs';
import { promises as fsp } from 'fs';
import * as path from 'path';
import type { Logger } from './logger';
import { isNotFound } from './atomic-file';
import { DELETE_DIR_SUFFIX, LOG_SUFFIX, parseSegmentFileName, partitionDirName, segmentPaths } from './file-names';
import { LogStartOffsets } from './dir-checkpoints';
import { TopicCatalog } from './topic-catalog';

/**
 * File-system calls in flight while new partitions' directories and files are made. They go through libuv's thread
 * pool (4 threads by default), so the event loop never waits for the disk; one thread stays free for fetches' reads.
 */
const CREATE_CONCURRENCY = 3;

/**
 * Makes each new partition's directory and its empty first segment file, as Kafka does when it creates a partition,
 * so that a partition's first append opens an existing file instead of creating it (a directory and a file creation
 * cost the disk's journal about a millisecond here). Runs in the background after CreateTopics/CreatePartitions was
 * answered; an append that comes first creates what it needs itself, so either order ends with the same files: this
 * never truncates or replaces anything (EEXIST is success). Partitions `inUse` (written to already: their first
 * file exists and later segments may have replaced it) are skipped.
 */
export async function makePartitionFiles(dataDir: string, topic: string, from: number, to: number, inUse: (partition: number) => boolean): Promise<void> {
  let next = from;
  const worker = async (): Promise<void> => {
    while (next < to) {
      const partition = next++;
      if (inUse(partition)) continue;
      const dir = path.join(dataDir, partitionDirName(topic, partition));
      await ignoreExists(fsp.mkdir(dir));
      // Asked again after the mkdir: an append meanwhile made the file, and the log may have moved past it since.
      if (!inUse(partition)) await createEmptyFile(segmentPaths(dir, 0n).log);
    }
  };
  await Promise.all(Array.from({ length: Math.min(CREATE_CONCURRENCY, to - from) }, worker));
}

/** An empty file at `file` unless one exists; open and close through the callback API (no FileHandle to track). */
function createEmptyFile(file: string): Promise<void> {
  return new Promise((resolve, reject) => {
    fs.open(file, 'wx', (err, fd) => {
      if (err !== null) {
        if (isAlreadyExists(err)) resolve();
        else reject(err);
        return;
      }
      fs.close(fd, (closeErr) => (closeErr === null ? resolve() : reject(closeErr)));
    });
  });
}

async function ignoreExists(made: Promise<unknown>): Promise<void> {
  try {
    await made;
  } catch (err) {
    if (!isAlreadyExists(err)) throw err;
  }
}

/** Directories of these partitions left by a deletion a crash interrupted: one readdir finds them all. */
export async function removeStaleDirs(dataDir: string, topic: string, from: number, to: number, logger: Logger): Promise<void> {
  const prefix = `${topic}-`;
  for (const name of await fsp.readdir(dataDir)) {
    if (!name.startsWith(prefix)) continue;
    const suffix = name.slice(prefix.length);
    if (!/^\d+$/.test(suffix)) continue;
    const p = Number(suffix);
    if (p < from || p >= to) continue;
    const dir = path.join(dataDir, name);
    logger.warn({ dir }, 'removing stale partition directory before creating the partition');
    await fsp.rm(dir, { recursive: true, force: true });
  }
}

function isAlreadyExists(err: unknown): boolean {
  return typeof err === 'object' && err !== null && (err as { code?: unknown }).code === 'EEXIST';
}

export async function exists(file: string): Promise<boolean> {
  try {
    await fsp.access(file);
    return true;
  } catch {
    return false;
  }
}

export async function removeDeletedTopicDirs(dataDir: string, entries: readonly fs.Dirent[], logger: Logger): Promise<void> {
  for (const { name } of entries) {
    if (!name.endsWith(DELETE_DIR_SUFFIX)) continue;
    logger.info({ dir: name }, 'removing leftover directory of a deleted topic');
    await fsp.rm(path.join(dataDir, name), { recursive: true, force: true });
  }
}

/** The data directory's log start offsets as stored; an unreadable checkpoint is logged and read as empty. */
export async function readStartOffsets(dataDir: string, logger: Logger): Promise<LogStartOffsets> {
  const onWriteError = (err: unknown): void => logger.error({ dataDir, err }, 'writing the log start offset checkpoint failed');
  try {
    return await LogStartOffsets.load(dataDir, onWriteError);
  } catch (err) {
    logger.warn({ dataDir, err }, 'unreadable log start offset checkpoint; partitions start at their first segment');
    return new LogStartOffsets(dataDir, new Map(), onWriteError);
  }
}

/**
 * Entries of partitions the catalog no longer lists (a topic deleted just before a crash) are dropped from the
 * stored log start offsets and the file rewritten before anything is served: a new topic of the same name must
 * never inherit them.
 */
export async function reconcileStartOffsets(offsets: LogStartOffsets, catalog: TopicCatalog): Promise<LogStartOffsets> {
  let dropped = false;
  for (const name of offsets.topics()) {
    const topic = catalog.get(name);
    if (offsets.forgetTopic(name, (p) => topic !== undefined && p < topic.partitions)) dropped = true;
  }
  if (dropped) await offsets.persist();
  return offsets;
}

/** Partition directories the catalog does not list are left alone (never deleted), but reported. */
export function warnAboutOrphanDirs(dataDir: string, entries: readonly fs.Dirent[], catalog: TopicCatalog, logger: Logger): void {
  for (const entry of entries) {
    if (!entry.isDirectory() || entry.name.endsWith(DELETE_DIR_SUFFIX)) continue;
    const match = /^(.+)-(\d+)$/.exec(entry.name);
    if (match === null) continue;
    const topic = catalog.get(match[1]);
    if (topic === undefined || Number(match[2]) >= topic.partitions) {
      logger.warn({ dir: path.join(dataDir, entry.name) }, 'partition directory not in the topic catalog; ignored');
    }
  }
}

/** Runs `fn` over `items` with at most `limit` in flight. */
export async function forEachLimited<T>(items: readonly T[], limit: number, fn: (item: T) => Promise<unknown>): Promise<void> {
  let next = 0;
  const workers = Array.from({ length: Math.min(limit, items.length) }, async () => {
    while (next < items.length) {
      const item = items[next++];
      await fn(item);
    }
  });
  await Promise.all(workers);
}

/** Total size of the segment (.log) files in a partition directory; 0 when it has none. */
export async function segmentFilesSize(dir: string): Promise<number> {
  let names: string[];
  try {
    names = await fsp.readdir(dir);
  } catch (err) {
    if (isNotFound(err)) return 0;
    throw err;
  }
  const logs = names.filter((name) => parseSegmentFileName(name, LOG_SUFFIX) !== null);
  const sizes = await Promise.all(
    logs.map((name) =>
      fsp.stat(path.join(dir, name)).then(
        (st) => st.size,
        (err: unknown) => (isNotFound(err) ? 0 : Promise.reject(err)),
      ),
    ),
  );
  return sizes.reduce((sum, size) => sum + size, 0);
}
