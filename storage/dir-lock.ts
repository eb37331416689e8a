// Guards a data directory against a second broker using it at the same time (Kafka holds `.lock` with flock).
// Node has no flock, so the lock file records the owner's pid: a lock whose process is gone is stale and taken
// over, which is what makes a restart after kill -9 work.
import * as fs from 'fs';
import { promises as fsp } from 'fs';
import * as path from 'path';
import { isNotFound } from './atomic-file';
import { TEMP_SUFFIX } from './file-names';
import { StorageError } from './errors';

export const LOCK_FILE = '.lock';

/** Directories locked by this process; a pid check cannot tell two owners inside one process apart. */
const lockedHere = new Set<string>();

export class DataDirLockedError extends StorageError {}

function processAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    // EPERM: the process exists but belongs to someone else.
    return typeof err === 'object' && err !== null && (err as { code?: unknown }).code === 'EPERM';
  }
}

function lockOwner(file: string): number | null {
  try {
    const pid = Number(fs.readFileSync(file, 'utf8').trim());
    return Number.isInteger(pid) && pid > 0 ? pid : null;
  } catch (err) {
    if (isNotFound(err)) return null;
    throw err;
  }
}

/**
 * Takes the lock. Its few calls on one small file are made synchronously: each would otherwise be a thread-pool
 * round trip, and this runs while the broker starts, with nothing else to serve yet.
 */
export async function lockDataDir(dataDir: string): Promise<void> {
  const dir = path.resolve(dataDir);
  if (lockedHere.has(dir)) throw new DataDirLockedError(`Data directory ${dir} is already in use by this process`);
  const file = path.join(dir, LOCK_FILE);
  const owner = lockOwner(file);
  if (owner !== null && owner !== process.pid && processAlive(owner)) {
    throw new DataDirLockedError(`Data directory ${dir} is in use by process ${owner}`);
  }
  lockedHere.add(dir);
  // Written aside and renamed, so a reader never finds it half written; no fsync, as a lost lock file is harmless.
  const temp = file + TEMP_SUFFIX;
  fs.writeFileSync(temp, `${process.pid}\n`);
  fs.renameSync(temp, file);
}

export async function unlockDataDir(dataDir: string): Promise<void> {
  const dir = path.resolve(dataDir);
  lockedHere.delete(dir);
  await fsp.rm(path.join(dir, LOCK_FILE), { force: true });
}
