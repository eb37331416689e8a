// Makes everything written to a data directory durable in one step before the clean-shutdown marker. With 10,000
// partitions one fsync per file written costs seconds (each is a journal commit); Linux's syncfs(2) writes back the
// whole filesystem with one commit. Node has no binding for it, so coreutils' `sync -f <dir>` runs it; where that
// is missing or fails, every file is fsynced, then every directory whose entries changed.
import { execFile } from 'child_process';
import type { Logger } from './logger';
import { fsyncIfPresent } from './atomic-file';

/** Files and directories a shutdown wrote; the directories hold new or renamed entries. */
export interface WrittenFiles {
  readonly files: readonly string[];
  readonly dirs: readonly string[];
}

const FSYNC_CONCURRENCY = 32;
const SYNCFS_TIMEOUT_MS = 120_000;
/**
 * Below this many files an fsync each is cheaper than syncfs, which also writes back whatever else is dirty on the
 * filesystem (other processes' files included) and costs a process spawn.
 */
export const SYNCFS_MIN_FILES = 128;

export type DurabilityMethod = 'syncfs' | 'fsync';

/**
 * Resolves once `written` is on stable storage. `auto` takes syncfs for SYNCFS_MIN_FILES files or more; the
 * result says which method ran.
 */
export async function makeDurable(
  dataDir: string,
  written: WrittenFiles,
  logger: Logger,
  method: DurabilityMethod | 'auto' = 'auto',
): Promise<DurabilityMethod> {
  if (method === 'auto') method = written.files.length >= SYNCFS_MIN_FILES ? 'syncfs' : 'fsync';
  if (written.files.length === 0 && written.dirs.length === 0) return method;
  if (method === 'syncfs') {
    try {
      await syncFileSystem(dataDir);
      return 'syncfs';
    } catch (err) {
      logger.warn({ dataDir, err: (err as Error).message }, 'syncfs via `sync -f` unavailable; fsyncing each file');
    }
  }
  await fsyncAll([...new Set(written.files)], FSYNC_CONCURRENCY);
  await fsyncAll([...new Set(written.dirs)], FSYNC_CONCURRENCY);
  return 'fsync';
}

/** syncfs(2) on the filesystem holding `dir`; rejects when it cannot run or reports an error. */
export function syncFileSystem(dir: string): Promise<void> {
  return new Promise((resolve, reject) => {
    execFile('sync', ['-f', dir], { timeout: SYNCFS_TIMEOUT_MS }, (err) => {
      if (err) reject(err instanceof Error ? err : new Error(`sync -f ${dir} failed`));
      else resolve();
    });
  });
}

async function fsyncAll(paths: readonly string[], limit: number): Promise<void> {
  let next = 0;
  const workers = Array.from({ length: Math.min(limit, paths.length) }, async () => {
    while (next < paths.length) await fsyncIfPresent(paths[next++]);
  });
  await Promise.all(workers);
}
