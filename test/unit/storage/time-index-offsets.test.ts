// Kafka's `.timeindex` entries name the last offset of the batch holding the max timestamp (LogSegment.append and
// recover use batch.lastOffset()), and kafka-dump-log's index verification reports any other offset as a
// mismatch. Eddy's files must say the same on every path that writes time-index entries: appends, the walk of an
// active segment at a clean start, the rebuild after a crash, and the segments compaction writes.
import * as fs from 'fs';
import * as path from 'path';
import { batchLastOffset, batchMaxTimestamp } from '../../../codecs/records/batch-header';
import { encodeRecordBatch } from '../../../codecs/records/record-batch';
import { batch, freshDataDirs, loadedLog, openManager, partitionDir, segmentFiles } from './helpers';

const RECORDS_PER_BATCH = 3;
const BATCHES = 40;

interface TimeEntry {
  timestamp: bigint;
  offset: bigint;
}

/** Every entry of a partition's `.timeindex` files, with absolute offsets. */
function timeIndexEntries(dataDir: string, topic = 't'): TimeEntry[] {
  const entries: TimeEntry[] = [];
  for (const file of segmentFiles(dataDir, topic, '.timeindex')) {
    const base = BigInt(file.slice(0, -'.timeindex'.length));
    const bytes = fs.readFileSync(path.join(partitionDir(dataDir, topic), file));
    for (let at = 0; at + 12 <= bytes.length; at += 12) {
      entries.push({ timestamp: bytes.readBigInt64BE(at), offset: base + BigInt(bytes.readInt32BE(at + 8)) });
    }
  }
  return entries;
}

/** Batch i holds offsets 3i..3i+2 with timestamps base+10i..base+10i+2: its max timestamp sits at its last offset. */
function expectLastOffsetsOfBatches(entries: readonly TimeEntry[]): void {
  expect(entries.length).toBeGreaterThan(2);
  for (const entry of entries) {
    const batchIndex = entry.offset / BigInt(RECORDS_PER_BATCH);
    expect(entry.offset % BigInt(RECORDS_PER_BATCH)).toBe(BigInt(RECORDS_PER_BATCH - 1));
    expect(entry.timestamp).toBe(20_000n + batchIndex * 10n + BigInt(RECORDS_PER_BATCH - 1));
  }
}

describe('time index entries point at the last offset of their batch, as in Kafka', () => {
  const fixture = freshDataDirs();

  async function writeAndClose(): Promise<void> {
    fixture.manager = await openManager(fixture.dir);
    await fixture.manager.createTopic('t', 1, { 'index.interval.bytes': '100' });
    const log = await loadedLog(fixture.manager, 't');
    for (let i = 0; i < BATCHES; i++) await log.append(batch(RECORDS_PER_BATCH, `b${i}`, BigInt(20_000 + i * 10)));
    await fixture.manager.close();
    fixture.manager = undefined;
  }

  test('appends and the closing entry', async () => {
    await writeAndClose();
    const entries = timeIndexEntries(fixture.dir);
    expectLastOffsetsOfBatches(entries);
    expect(entries[entries.length - 1].offset).toBe(BigInt(BATCHES * RECORDS_PER_BATCH - 1));
  });

  test('a rebuild from the log writes the same entries', async () => {
    await writeAndClose();
    const written = timeIndexEntries(fixture.dir);
    const dir = partitionDir(fixture.dir, 't');
    for (const f of fs.readdirSync(dir)) if (f.endsWith('.index') || f.endsWith('.timeindex')) fs.rmSync(path.join(dir, f));
    fixture.manager = await openManager(fixture.dir);
    const log = await loadedLog(fixture.manager, 't');
    expect((await log.offsetForTimestamp(20_000n + 10n * 7n))?.offset).toBe(21n);
    await fixture.manager.close();
    fixture.manager = undefined;
    const rebuilt = timeIndexEntries(fixture.dir);
    expectLastOffsetsOfBatches(rebuilt);
    expect(rebuilt).toEqual(written);
  });

  test('segments written by compaction', async () => {
    fixture.manager = await openManager(fixture.dir, { cleanerBackoffMs: 3_600_000, retentionCheckIntervalMs: 3_600_000 });
    const compact = { 'cleanup.policy': 'compact', 'segment.bytes': '300', 'min.cleanable.dirty.ratio': '0.01', 'index.interval.bytes': '1' };
    await fixture.manager.createTopic('c', 1, compact);
    const log = await loadedLog(fixture.manager, 'c');
    // Each batch keeps its own key and loses the shared one to a newer batch.
    for (let i = 0; i < 30; i++) {
      const ts = BigInt(30_000 + i * 10);
      const records = [`own-${i}`, 'shared'].map((key, j) => ({ key: Buffer.from(key), value: Buffer.from(`v${i}`), timestamp: ts + BigInt(j) }));
      await log.append(encodeRecordBatch({ baseTimestamp: ts, records }));
    }
    expect(await fixture.manager.runCleaner()).toHaveLength(1);
    const maxTimestampByLastOffset = new Map<bigint, bigint>();
    for (let next = log.logStartOffset; next < log.logEndOffset;) {
      const { batches } = await log.read(next, 1 << 20);
      if (batches.length === 0) break;
      for (const b of batches) maxTimestampByLastOffset.set(batchLastOffset(b), batchMaxTimestamp(b));
      next = batchLastOffset(batches[batches.length - 1]) + 1n;
    }
    await fixture.manager.close();
    fixture.manager = undefined;
    const entries = timeIndexEntries(fixture.dir, 'c');
    expect(entries.length).toBeGreaterThan(3);
    for (const entry of entries) expect(maxTimestampByLastOffset.get(entry.offset)).toBe(entry.timestamp);
  });
});
