// Shared fixtures for the storage tests: temp data dirs, batches with known contents, a silent logger.
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { encodeRecordBatch } from '../../../codecs/records/record-batch';
import { batchBaseOffset, batchLastOffset, batchSize } from '../../../codecs/records/batch-header';
import { silentLogger } from '../../../src/logger';
import { LogManager, LogManagerOptions, PartitionLog } from '../../../storage';
import type { CachedBatch, PartitionTailCache } from '../../../storage/tail-cache';

export function tempDir(prefix = 'eddy-storage-'): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), prefix));
}

export function removeDir(dir: string): void {
  fs.rmSync(dir, { recursive: true, force: true });
}

/** A batch of `count` records whose values are `${tag}-${i}`, timestamps `ts + i`. */
export function batch(count: number, tag = 'v', ts = 1_700_000_000_000n, valueBytes = 0): Buffer {
  return encodeRecordBatch({
    baseTimestamp: ts,
    records: Array.from({ length: count }, (_, i) => ({
      key: Buffer.from(`k${i}`),
      value: Buffer.from(`${tag}-${i}` + 'x'.repeat(valueBytes)),
      timestamp: ts + BigInt(i),
    })),
  });
}

export function openManager(dataDir: string, extra: Partial<LogManagerOptions> = {}): Promise<LogManager> {
  return LogManager.open({ dataDir, logger: silentLogger(), ...extra });
}

export interface BatchInfo {
  baseOffset: bigint;
  lastOffset: bigint;
  size: number;
}

export function describeBatches(batches: readonly Buffer[]): BatchInfo[] {
  return batches.map((b) => {
    expect(batchSize(b)).toBe(b.length);
    return { baseOffset: batchBaseOffset(b), lastOffset: batchLastOffset(b), size: b.length };
  });
}

export function partitionDir(dataDir: string, topic: string, partition = 0): string {
  return path.join(dataDir, `${topic}-${partition}`);
}

export function segmentFiles(dataDir: string, topic: string, suffix: string, partition = 0): string[] {
  return fs
    .readdirSync(partitionDir(dataDir, topic, partition))
    .filter((f) => f.endsWith(suffix))
    .sort();
}

/** A partition's log, loaded if a clean start left it unloaded; fails the test when the partition does not exist. */
export async function loadedLog(manager: LogManager, topic: string, partition = 0): Promise<PartitionLog> {
  const log = await manager.loadedPartition(topic, partition);
  if (log === undefined) throw new Error(`${topic}-${partition} missing`);
  return log;
}

/** A test's data directory and the manager it opened there (see freshDataDirs). */
export interface DataDirFixture {
  readonly dir: string;
  manager: LogManager | undefined;
  /** `manager`, failing the test when none is open. */
  readonly opened: LogManager;
}

/**
 * Gives every test of the enclosing describe a new data directory; after each test the manager it left in
 * `manager` is closed and the directory removed. `closeFailures: 'ignore'` is for tests that break writes on
 * purpose, whose close may fail; `restoreMocks` restores jest spies between closing and removing; `openEach`
 * opens a manager in the directory before each test.
 */
export function freshDataDirs(opts: { closeFailures?: 'ignore' | 'fail'; restoreMocks?: boolean; openEach?: boolean } = {}): DataDirFixture {
  const fixture = {
    dir: '',
    manager: undefined as LogManager | undefined,
    get opened(): LogManager {
      if (fixture.manager === undefined) throw new Error('no log manager open');
      return fixture.manager;
    },
  };
  beforeEach(async () => {
    fixture.dir = tempDir();
    if (opts.openEach === true) fixture.manager = await openManager(fixture.dir);
  });
  afterEach(async () => {
    const manager = fixture.manager;
    fixture.manager = undefined;
    if (opts.closeFailures === 'fail') await manager?.close();
    else await manager?.close().catch(() => undefined);
    if (opts.restoreMocks === true) jest.restoreAllMocks();
    removeDir(fixture.dir);
  });
  return fixture;
}

/** Runs `test` on a manager opened with `extra` in a new data directory; closes it and removes the directory after. */
export async function withManager(extra: Partial<LogManagerOptions>, test: (manager: LogManager, dir: string) => Promise<void>): Promise<void> {
  const dir = tempDir();
  let manager: LogManager | undefined;
  try {
    manager = await openManager(dir, extra);
    await test(manager, dir);
  } finally {
    await manager?.close();
    removeDir(dir);
  }
}

/**
 * Appends to a tail cache as the log does while a reader keeps up with the partition: the cache keeps batches only
 * for such a reader (storage/tail-cache.ts), and these tests are about what it keeps.
 */
export function addWhileRead(tail: PartitionTailCache, batches: readonly CachedBatch[]): void {
  tail.readerAtEnd();
  tail.add(batches);
}

/** Every batch from `from` to the log end, read the way a consumer does: one read per segment at most. */
export async function readToEnd(log: PartitionLog, from: bigint): Promise<Buffer[]> {
  const all: Buffer[] = [];
  let next = from;
  while (next < log.logEndOffset) {
    const r = await log.read(next, 1 << 24);
    if (r.batches.length === 0) break;
    all.push(...r.batches);
    next = batchLastOffset(r.batches[r.batches.length - 1]) + 1n;
  }
  return all;
}
