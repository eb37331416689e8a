// Shared fixtures for the storage tests: temp data dirs, batches with known contents, a silent logger.
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { encodeRecordBatch } from '../../../codecs/records/record-batch';
import { batchBaseOffset, batchLastOffset, batchSize } from '../../../codecs/records/batch-header';
import { silentLogger } from '../../../src/logger';
import { LogManager, LogManagerOptions, PartitionLog } from '../../../storage';

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
