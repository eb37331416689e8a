import * as fs from 'fs';
import * as path from 'path';
import { ATTR_DELETE_HORIZON, Compression, batchAttributes, batchCompression } from '../../../codecs/records/batch-header';
import { encodeTransactionMarkerBatch } from '../../../codecs/records/control-batch';
import { decodeRecordBatch, encodeRecordBatch } from '../../../codecs/records/record-batch';
import { CLEAN_SHUTDOWN_FILE } from '../../../storage/file-names';
import { LogManager, PartitionLog } from '../../../storage';
import { loadedLog, openManager, partitionDir, removeDir, tempDir } from './helpers';

const NO_TIMER = { cleanerBackoffMs: 3_600_000, retentionCheckIntervalMs: 3_600_000 };
const COMPACT = { 'cleanup.policy': 'compact', 'segment.bytes': '300', 'min.cleanable.dirty.ratio': '0.01' };

function kv(key: string, value: string | null, opts: { compression?: Compression; ts?: bigint } = {}): Buffer {
  return keyed([[key, value]], opts);
}

function keyed(
  pairs: Array<[string, string | null]>,
  opts: { compression?: Compression; ts?: bigint; producerId?: bigint; seq?: number; transactional?: boolean } = {},
): Buffer {
  return encodeRecordBatch({
    baseTimestamp: opts.ts ?? BigInt(Date.now()),
    compression: opts.compression,
    producerId: opts.producerId,
    producerEpoch: opts.producerId === undefined ? undefined : 0,
    baseSequence: opts.seq,
    transactional: opts.transactional,
    records: pairs.map(([k, v]) => ({ key: Buffer.from(k), value: v === null ? null : Buffer.from(v) })),
  });
}

interface Rec {
  offset: bigint;
  key: string;
  value: string | null;
}

async function readAll(log: PartitionLog, from = 0n): Promise<{ records: Rec[]; batches: Buffer[] }> {
  const records: Rec[] = [];
  const batches: Buffer[] = [];
  let offset = from < log.logStartOffset ? log.logStartOffset : from;
  while (offset < log.logEndOffset) {
    const r = await log.read(offset, 1 << 20, { minOneBatch: true });
    if (r.batches.length === 0) break;
    for (const b of r.batches) {
      batches.push(b);
      const d = decodeRecordBatch(b);
      for (const rec of d.records) {
        if (!d.control) records.push({ offset: rec.offset, key: rec.key?.toString() ?? '', value: rec.value?.toString() ?? null });
      }
      offset = d.lastOffset + 1n;
    }
  }
  return { records, batches };
}

function latestByKey(records: readonly Rec[]): Map<string, Rec> {
  const m = new Map<string, Rec>();
  for (const r of records) m.set(r.key, r);
  return m;
}

describe('log compaction', () => {
  let dir: string;
  let manager: LogManager;

  beforeEach(() => {
    dir = tempDir('eddy-compaction-');
  });
  afterEach(async () => {
    await manager?.close();
    removeDir(dir);
  });

  async function compactedLog(configs: Record<string, string> = {}): Promise<PartitionLog> {
    manager = await openManager(dir, NO_TIMER);
    await manager.createTopic('c', 1, { ...COMPACT, ...configs });
    return loadedLog(manager, 'c');
  }

  it('keeps the newest value per key across segments, at its original offset; reads skip the gaps', async () => {
    const log = await compactedLog();
    const written: Rec[] = [];
    for (let i = 0; i < 30; i++) {
      const key = `k${i % 4}`;
      const value = `value-${i}`;
      const r = await log.append(kv(key, value));
      written.push({ offset: r.baseOffset, key, value });
    }
    expect(log.segmentCount()).toBeGreaterThan(4);
    const before = await readAll(log);
    const stats = await manager.runCleaner();
    expect(stats).toHaveLength(1);
    expect(stats[0].recordsRemoved).toBeGreaterThan(0);
    expect(stats[0].bytesAfter).toBeLessThan(stats[0].bytesBefore);

    const after = await readAll(log);
    expect(after.records.length).toBeLessThan(before.records.length);
    // Every survivor is exactly what was written at that offset.
    const byOffset = new Map(written.map((w) => [w.offset, w]));
    for (const r of after.records) expect(byOffset.get(r.offset)).toEqual(r);
    // The newest value of every key is still there.
    for (const [key, w] of latestByKey(written)) expect(latestByKey(after.records).get(key)).toEqual(w);
    // No key appears twice among the cleaned (closed) part.
    const cleanedPart = after.records.filter((r) => r.offset < stats[0].cleanedUpTo);
    expect(new Set(cleanedPart.map((r) => r.key)).size).toBe(cleanedPart.length);
    // Reading from an offset that was cleaned away returns the next surviving batch.
    const gone = written.find((w) => !after.records.some((r) => r.offset === w.offset));
    if (gone === undefined) throw new Error('expected some offset to be cleaned away');
    const next = await log.read(gone.offset, 1 << 20);
    expect(decodeRecordBatch(next.batches[0]).baseOffset).toBeGreaterThan(gone.offset);
    expect(log.logEndOffset).toBe(30n);

    // A second pass finds nothing dirty; a restart keeps the cleaned log and the checkpoint.
    expect(await manager.runCleaner()).toEqual([]);
    await manager.close();
    manager = await openManager(dir, NO_TIMER);
    const reopened = (await manager.loadedPartition('c', 0)) as PartitionLog;
    expect((await readAll(reopened)).records).toEqual(after.records);
    expect(await manager.runCleaner()).toEqual([]);
  });

  it('cleans a compacted partition that a clean start left unloaded, without anyone touching it', async () => {
    const log = await compactedLog();
    for (let i = 0; i < 30; i++) await log.append(kv(`k${i % 4}`, `value-${i}`));
    const before = await readAll(log);
    await manager.close();
    manager = await openManager(dir, NO_TIMER);
    expect(manager.unloadedPartitionCount()).toBe(1);
    const stats = await manager.runCleaner();
    expect(stats).toHaveLength(1);
    expect(stats[0].recordsRemoved).toBeGreaterThan(0);
    const after = await readAll((await manager.loadedPartition('c', 0)) as PartitionLog);
    expect(after.records.length).toBeLessThan(before.records.length);
    expect(latestByKey(after.records)).toEqual(latestByKey(before.records));
  });

  it('keeps tombstones until delete.retention.ms after cleaning, then removes them', async () => {
    const log = await compactedLog({ 'delete.retention.ms': '1000' });
    await log.append(kv('a', 'a1'));
    await log.append(kv('b', 'b1'));
    await log.append(kv('a', null));
    for (let i = 0; i < 6; i++) await log.append(kv(`f${i}`, 'x'.repeat(60)));
    const now = Date.now();
    await manager.runCleaner(now);
    let recs = (await readAll(log)).records;
    expect(recs.filter((r) => r.key === 'a')).toEqual([{ offset: 2n, key: 'a', value: null }]);
    const tombBatch = (await log.read(2n, 1 << 20)).batches[0];
    expect(batchAttributes(tombBatch) & ATTR_DELETE_HORIZON).toBe(ATTR_DELETE_HORIZON);

    // More dirty data, cleaned before the horizon: the tombstone stays.
    for (let i = 0; i < 6; i++) await log.append(kv(`g${i}`, 'y'.repeat(60)));
    await manager.runCleaner(now + 500);
    recs = (await readAll(log)).records;
    expect(recs.some((r) => r.key === 'a')).toBe(true);

    // Past the horizon the next cleaning drops it; b's value is untouched.
    for (let i = 0; i < 6; i++) await log.append(kv(`h${i}`, 'z'.repeat(60)));
    await manager.runCleaner(now + 1500);
    recs = (await readAll(log)).records;
    expect(recs.some((r) => r.key === 'a')).toBe(false);
    expect(recs.find((r) => r.key === 'b')?.value).toBe('b1');
  });

  it('re-compresses gzip batches that lose records', async () => {
    const log = await compactedLog({ 'segment.bytes': '600' });
    for (let i = 0; i < 12; i++) {
      await log.append(
        keyed(
          [
            [`k${i % 3}`, `v${i}`],
            [`u${i}`, `only-${i}`],
            [`k${(i + 1) % 3}`, `w${i}`],
          ],
          { compression: Compression.Gzip },
        ),
      );
    }
    const all = (await readAll(log)).records;
    await manager.runCleaner();
    const { records, batches } = await readAll(log);
    expect(records.length).toBeLessThan(all.length);
    for (const b of batches) expect(batchCompression(b)).toBe(Compression.Gzip);
    for (const [key, w] of latestByKey(all)) expect(latestByKey(records).get(key)).toEqual(w);
    // Unique keys are never superseded and all survive.
    expect(records.filter((r) => r.key.startsWith('u'))).toHaveLength(12);
  });

  it('removes the records of aborted transactions and keeps committed ones', async () => {
    const log = await compactedLog({ 'delete.retention.ms': '1000' });
    await log.append(kv('plain', 'p0'));
    await log.append(
      keyed(
        [
          ['t1', 'aborted-1'],
          ['t2', 'aborted-2'],
        ],
        { producerId: 7n, seq: 0, transactional: true },
      ),
    );
    await log.append(encodeTransactionMarkerBatch({ type: 'ABORT', producerId: 7n, producerEpoch: 0, coordinatorEpoch: 0 }), { origin: 'coordinator' });
    await log.append(keyed([['t3', 'committed-3']], { producerId: 7n, seq: 2, transactional: true }));
    await log.append(encodeTransactionMarkerBatch({ type: 'COMMIT', producerId: 7n, producerEpoch: 0, coordinatorEpoch: 0 }), { origin: 'coordinator' });
    for (let i = 0; i < 8; i++) await log.append(kv(`f${i}`, 'x'.repeat(60)));
    expect(log.abortedTransactions(0n, log.logEndOffset)).toHaveLength(1);
    await manager.runCleaner();
    const recs = (await readAll(log)).records;
    expect(recs.some((r) => r.value?.startsWith('aborted'))).toBe(false);
    expect(recs.find((r) => r.key === 't3')?.value).toBe('committed-3');
    expect(recs.find((r) => r.key === 'plain')?.value).toBe('p0');
    // The marker stays (with its .txnindex entry) while this pass removed data of its transaction.
    expect(log.abortedTransactions(0n, log.logEndOffset)).toHaveLength(1);
    // The producer's state survives: its next batch is accepted in sequence.
    await expect(log.append(keyed([['n', 'next']], { producerId: 7n, seq: 3 }))).resolves.toMatchObject({ duplicate: false });

    // Later passes: the marker no longer covers any data, so its index entry goes, then the marker itself.
    const now = Date.now();
    for (let i = 0; i < 8; i++) await log.append(kv(`g${i}`, 'y'.repeat(60)));
    await manager.runCleaner(now);
    expect(log.abortedTransactions(0n, log.logEndOffset)).toHaveLength(0);
    const txnIndexBytes = fs
      .readdirSync(partitionDir(dir, 'c'))
      .filter((f) => f.endsWith('.txnindex'))
      .reduce((n, f) => n + fs.statSync(path.join(partitionDir(dir, 'c'), f)).size, 0);
    expect(txnIndexBytes).toBe(0);
    for (let i = 0; i < 8; i++) await log.append(kv(`h${i}`, 'z'.repeat(60)));
    await manager.runCleaner(now + 2000);
    const controls = (await readAll(log)).batches.filter((b) => decodeRecordBatch(b).control && decodeRecordBatch(b).records.length > 0);
    expect(controls.filter((b) => decodeRecordBatch(b).records[0].key?.readInt16BE(2) === 0)).toEqual([]);
  });

  it('recovers from a crash with leftover .cleaned files or an unfinished .swap', async () => {
    const log = await compactedLog();
    for (let i = 0; i < 20; i++) await log.append(kv(`k${i % 2}`, `v${i}`));
    const original = (await readAll(log)).records;
    const closed = log.closedSegments();
    expect(closed.length).toBeGreaterThan(3);
    // Hand-made cleaning of the first two segments: keep only the last batch of the second one.
    const group = closed.slice(0, 2);
    const lastBatch = (await log.read(closed[2].baseOffset - 1n, 1 << 20)).batches[0];
    const writer = log.cleanedSegmentWriter(group[0].baseOffset);
    await writer.open();
    await writer.append(Buffer.from(lastBatch));
    await writer.finish([]);
    const pdir = partitionDir(dir, 'c');
    fs.writeFileSync(path.join(pdir, '00000000000000000099.log.cleaned'), 'half written');
    expect(fs.readdirSync(pdir).filter((f) => f.endsWith('.swap'))).toHaveLength(4);
    // "Crash": close without the clean-shutdown marker.
    await manager.close();
    fs.rmSync(path.join(dir, CLEAN_SHUTDOWN_FILE));
    manager = await openManager(dir, NO_TIMER);
    const reopened = (await manager.loadedPartition('c', 0)) as PartitionLog;
    const names = fs.readdirSync(pdir);
    expect(names.filter((f) => f.endsWith('.swap') || f.endsWith('.cleaned'))).toEqual([]);
    const recs = (await readAll(reopened)).records;
    const cut = closed[2].baseOffset;
    expect(recs.filter((r) => r.offset < cut)).toEqual(original.filter((r) => r.offset === cut - 1n));
    expect(recs.filter((r) => r.offset >= cut)).toEqual(original.filter((r) => r.offset >= cut));
    expect(reopened.logEndOffset).toBe(20n);
  });

  it('leaves the old segments when only .cleaned files survived the crash', async () => {
    const log = await compactedLog();
    for (let i = 0; i < 12; i++) await log.append(kv(`k${i % 2}`, `v${i}`));
    const original = (await readAll(log)).records;
    const pdir = partitionDir(dir, 'c');
    fs.writeFileSync(path.join(pdir, '00000000000000000000.log.cleaned'), 'partial');
    fs.writeFileSync(path.join(pdir, '00000000000000000000.index.swap'), Buffer.alloc(8));
    await manager.close();
    fs.rmSync(path.join(dir, CLEAN_SHUTDOWN_FILE));
    manager = await openManager(dir, NO_TIMER);
    expect(fs.readdirSync(pdir).filter((f) => f.endsWith('.swap') || f.endsWith('.cleaned'))).toEqual([]);
    expect((await readAll((await manager.loadedPartition('c', 0)) as PartitionLog)).records).toEqual(original);
  });

  it('keeps accepting appends and serving reads while cleaning', async () => {
    const log = await compactedLog();
    for (let i = 0; i < 40; i++) await log.append(kv(`k${i % 5}`, `v${i}`));
    const cleaning = manager.runCleaner();
    const appends = Array.from({ length: 40 }, (_, i) => log.append(kv(`k${i % 5}`, `late${i}`)));
    const reads = Array.from({ length: 10 }, () => readAll(log));
    const [stats, results] = await Promise.all([cleaning, Promise.all(appends), Promise.all(reads)]);
    expect(stats).toHaveLength(1);
    results.forEach((r, i) => expect(r.baseOffset).toBe(40n + BigInt(i)));
    const recs = (await readAll(log)).records;
    for (let k = 0; k < 5; k++) expect(latestByKey(recs).get(`k${k}`)?.value).toBe(`late${35 + k}`);
  });

  it('leaves delete-only topics alone and applies both policies with compact,delete', async () => {
    manager = await openManager(dir, NO_TIMER);
    await manager.createTopic('d', 1, { 'segment.bytes': '300' });
    await manager.createTopic('cd', 1, { ...COMPACT, 'cleanup.policy': 'compact,delete', 'retention.ms': '60000' });
    const d = (await manager.loadedPartition('d', 0)) as PartitionLog;
    const cd = (await manager.loadedPartition('cd', 0)) as PartitionLog;
    const old = BigInt(Date.now() - 3_600_000);
    for (let i = 0; i < 10; i++) {
      await d.append(kv(`k${i % 2}`, `v${i}`));
      await cd.append(kv(`k${i % 2}`, `v${i}`, { ts: old }));
    }
    for (let i = 0; i < 10; i++) await cd.append(kv(`k${i % 2}`, `n${i}`));
    // Retention drops the expired segments first (a cleaned segment merging old and new records would keep them).
    await manager.runBackgroundTasks();
    expect(cd.logStartOffset).toBeGreaterThan(0n);
    const stats = await manager.runCleaner();
    expect(stats.map((s) => s.topic)).toEqual(['cd']);
    expect((await readAll(d)).records).toHaveLength(10);
    const recs = (await readAll(cd)).records;
    expect(latestByKey(recs).get('k0')?.value).toBe('n8');
    expect(latestByKey(recs).get('k1')?.value).toBe('n9');
    expect(recs.some((r) => r.value?.startsWith('v'))).toBe(false);
  });
});
