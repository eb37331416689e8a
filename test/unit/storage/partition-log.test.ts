import * as fs from 'fs';
import * as path from 'path';
import {
  batchBaseOffset,
  batchCrc,
  batchMaxTimestamp,
  batchPartitionLeaderEpoch,
  computeBatchCrc,
  ATTR_TIMESTAMP_LOG_APPEND,
  batchAttributes,
} from '../../../codecs/records/batch-header';
import { OffsetOutOfRangeError, PartitionLog, CorruptRecordError } from '../../../storage';
import { batch, describeBatches, loadedLog, openManager, readToEnd, segmentFiles, freshDataDirs } from './helpers';

describe('PartitionLog', () => {
  const data = freshDataDirs({ closeFailures: 'fail' });

  async function topicLog(configs: Record<string, string> = {}, extra: Parameters<typeof openManager>[1] = {}): Promise<PartitionLog> {
    data.manager = await openManager(data.dir, extra);
    await data.manager.createTopic('t', 1, configs);
    return loadedLog(data.manager, 't');
  }

  it('round-trips appended batches with contiguous offsets', async () => {
    const log = await topicLog();
    const a = await log.append(batch(3, 'a'));
    const b = await log.append(batch(2, 'b'));
    expect(a).toEqual({ baseOffset: 0n, lastOffset: 2n, logAppendTime: -1n, logStartOffset: 0n, duplicate: false });
    expect(b.baseOffset).toBe(3n);
    expect(b.lastOffset).toBe(4n);
    expect(log.logEndOffset).toBe(5n);
    expect(log.highWatermark).toBe(5n);
    expect(log.lastStableOffset).toBe(5n);

    const r = await log.read(0n, 1 << 20);
    expect(describeBatches(r.batches).map((x) => [x.baseOffset, x.lastOffset])).toEqual([
      [0n, 2n],
      [3n, 4n],
    ]);
    expect(r.bytes).toBe(r.batches[0].length + r.batches[1].length);
    expect(r.highWatermark).toBe(5n);
    expect(r.logStartOffset).toBe(0n);
    // Record bytes survive unchanged apart from the patched header.
    expect(r.batches[1].includes(Buffer.from('b-1'))).toBe(true);
    expect(batchCrc(r.batches[0])).toBe(computeBatchCrc(r.batches[0]));
    expect(batchPartitionLeaderEpoch(r.batches[0])).toBe(0);
  });

  it('serves the batch containing a mid-batch fetch offset, and nothing at the log end', async () => {
    const log = await topicLog();
    await log.append(batch(5));
    await log.append(batch(5));
    const mid = await log.read(7n, 1 << 20);
    expect(describeBatches(mid.batches).map((x) => x.baseOffset)).toEqual([5n]);
    const end = await log.read(10n, 1 << 20);
    expect(end.batches).toEqual([]);
    await expect(log.read(11n, 100)).rejects.toBeInstanceOf(OffsetOutOfRangeError);
  });

  it('keeps offsets contiguous and in order under concurrent appends', async () => {
    const log = await topicLog();
    const counts = Array.from({ length: 200 }, (_, i) => 1 + (i % 4));
    const results = await Promise.all(counts.map((n, i) => log.append(batch(n, `c${i}`))));
    let expected = 0n;
    results.forEach((r, i) => {
      expect(r.baseOffset).toBe(expected);
      expect(r.lastOffset).toBe(expected + BigInt(counts[i] - 1));
      expected = r.lastOffset + 1n;
    });
    const read = await log.read(0n, 1 << 24);
    const infos = describeBatches(read.batches);
    expect(infos).toHaveLength(200);
    // Each batch holds the values of the request that was given that offset.
    read.batches.forEach((b, i) => expect(b.includes(Buffer.from(`c${i}-0`))).toBe(true));
    for (let i = 1; i < infos.length; i++) expect(infos[i].baseOffset).toBe(infos[i - 1].lastOffset + 1n);
    // Group commit: the appends queued behind the first write went out together.
    expect(log.writeCallCount).toBeLessThan(10);
  });

  it('splits a large group across segment rolls at the right places', async () => {
    const log = await topicLog({ 'segment.bytes': '1000' }, { tailCacheBytes: 0 });
    await log.append(batch(1, 'first'));
    const results = await Promise.all(Array.from({ length: 60 }, (_, i) => log.append(batch(2, `g${i}`))));
    expect(results[59].lastOffset).toBe(120n);
    for (const f of segmentFiles(data.dir, 't', '.log')) expect(fs.statSync(path.join(data.dir, 't-0', f)).size).toBeLessThanOrEqual(1000);
    expect(segmentFiles(data.dir, 't', '.log').length).toBeGreaterThan(5);
    for (let i = 0; i < 60; i += 7) {
      const r = await log.read(results[i].baseOffset, 1, { minOneBatch: true });
      expect(r.batches[0].includes(Buffer.from(`g${i}-0`))).toBe(true);
    }
  });

  it('appends several batches given in one buffer', async () => {
    const log = await topicLog();
    const r = await log.append(Buffer.concat([batch(2), batch(3), batch(1)]));
    expect(r.baseOffset).toBe(0n);
    expect(r.lastOffset).toBe(5n);
    const read = await log.read(0n, 1 << 20);
    expect(describeBatches(read.batches).map((x) => x.baseOffset)).toEqual([0n, 2n, 5n]);
  });

  it('rejects payloads with broken framing without writing anything', async () => {
    const log = await topicLog();
    const good = batch(2);
    await expect(log.append(good.subarray(0, good.length - 3))).rejects.toBeInstanceOf(CorruptRecordError);
    const badMagic = Buffer.from(good);
    badMagic.writeInt8(1, 16);
    await expect(log.append(badMagic)).rejects.toBeInstanceOf(CorruptRecordError);
    expect(log.logEndOffset).toBe(0n);
  });

  describe.each([
    ['tail cache', {}],
    ['disk', { tailCacheBytes: 0 }],
  ])('reads from the %s', (_name, extra) => {
    it('honours maxBytes, minOneBatch and maxOffset', async () => {
      const log = await topicLog({}, extra);
      for (let i = 0; i < 5; i++) await log.append(batch(2, `r${i}`));
      const size = (await log.read(0n, 1 << 20)).batches[0].length;

      const two = await log.read(0n, size * 2 + 10);
      expect(describeBatches(two.batches).map((x) => x.baseOffset)).toEqual([0n, 2n]);

      const none = await log.read(0n, size - 1);
      expect(none.batches).toEqual([]);
      const one = await log.read(0n, 1, { minOneBatch: true });
      expect(describeBatches(one.batches).map((x) => x.baseOffset)).toEqual([0n]);

      const bounded = await log.read(2n, 1 << 20, { maxOffset: 6n });
      expect(describeBatches(bounded.batches).map((x) => x.baseOffset)).toEqual([2n, 4n]);
      const atBound = await log.read(6n, 1 << 20, { maxOffset: 6n });
      expect(atBound.batches).toEqual([]);
    });
  });

  it('rolls segments by segment.bytes and finds batches in every segment', async () => {
    const log = await topicLog({ 'segment.bytes': '600', 'index.interval.bytes': '100' }, { tailCacheBytes: 0 });
    for (let i = 0; i < 40; i++) await log.append(batch(3, `s${i}`));
    const logs = segmentFiles(data.dir, 't', '.log');
    expect(logs.length).toBeGreaterThan(5);
    for (const f of logs) expect(fs.statSync(path.join(data.dir, 't-0', f)).size).toBeLessThanOrEqual(600);
    expect(logs[0]).toBe('00000000000000000000.log');
    for (let offset = 0n; offset < 120n; offset += 7n) {
      const r = await log.read(offset, 1, { minOneBatch: true });
      const [info] = describeBatches(r.batches);
      expect(info.baseOffset <= offset && offset <= info.lastOffset).toBe(true);
      expect(r.batches[0].includes(Buffer.from(`s${Number(offset / 3n)}-0`))).toBe(true);
    }
    expect(log.sizeInBytes()).toBe(logs.reduce((n, f) => n + fs.statSync(path.join(data.dir, 't-0', f)).size, 0));
  });

  it('rolls when the offset index is full', async () => {
    // 16 bytes of index = 2 offset entries (and 1 time entry); index.interval.bytes 0 indexes every batch.
    const log = await topicLog({ 'segment.index.bytes': '16', 'index.interval.bytes': '0' }, { tailCacheBytes: 0 });
    for (let i = 0; i < 12; i++) await log.append(batch(1, `i${i}`));
    expect(segmentFiles(data.dir, 't', '.log').length).toBeGreaterThanOrEqual(3);
    for (let offset = 0n; offset < 12n; offset++) {
      const r = await log.read(offset, 1, { minOneBatch: true });
      expect(batchBaseOffset(r.batches[0])).toBe(offset);
    }
  });

  it('rolls by segment.ms using batch timestamps', async () => {
    const log = await topicLog({ 'segment.ms': '1000' });
    await log.append(batch(1, 'a', 1_000_000n));
    await log.append(batch(1, 'b', 1_000_500n));
    expect(segmentFiles(data.dir, 't', '.log')).toHaveLength(1);
    await log.append(batch(1, 'c', 1_002_000n));
    expect(segmentFiles(data.dir, 't', '.log')).toEqual(['00000000000000000000.log', '00000000000000000002.log']);
  });

  it('stamps LogAppendTime and keeps the CRC valid', async () => {
    const log = await topicLog({ 'message.timestamp.type': 'LogAppendTime' });
    const before = BigInt(Date.now());
    const r = await log.append(batch(3, 'x', 5n));
    const after = BigInt(Date.now());
    expect(r.logAppendTime >= before && r.logAppendTime <= after).toBe(true);
    const [stored] = (await log.read(0n, 1 << 20)).batches;
    expect(batchMaxTimestamp(stored)).toBe(r.logAppendTime);
    expect(batchAttributes(stored) & ATTR_TIMESTAMP_LOG_APPEND).toBe(ATTR_TIMESTAMP_LOG_APPEND);
    expect(batchCrc(stored)).toBe(computeBatchCrc(stored));
  });

  it('stamps the leader epoch and answers OffsetForLeaderEpoch', async () => {
    const log = await topicLog();
    expect(log.leaderEpochStartOffset(0)).toEqual({ epoch: 0, endOffset: 0n });
    await log.append(batch(2));
    await log.append(batch(2), { leaderEpoch: 3 });
    await log.append(batch(1), { leaderEpoch: 3 });
    const [, second] = (await log.read(0n, 1 << 20)).batches;
    expect(batchPartitionLeaderEpoch(second)).toBe(3);
    expect(log.leaderEpochStartOffset(0)).toEqual({ epoch: 0, endOffset: 2n });
    expect(log.leaderEpochStartOffset(2)).toEqual({ epoch: 0, endOffset: 2n });
    expect(log.leaderEpochStartOffset(3)).toEqual({ epoch: 3, endOffset: 5n });
    expect(log.leaderEpochStartOffset(4)).toEqual({ epoch: -1, endOffset: -1n });
  });

  it('finds offsets by timestamp, at record precision', async () => {
    const log = await topicLog({ 'segment.bytes': '400', 'index.interval.bytes': '50' }, { tailCacheBytes: 0 });
    // Batch i holds 3 records with timestamps 1000*i + 0..2.
    for (let i = 0; i < 20; i++) await log.append(batch(3, `t${i}`, BigInt(1000 * i)));
    expect(segmentFiles(data.dir, 't', '.log').length).toBeGreaterThan(2);
    expect(await log.offsetForTimestamp(0n)).toEqual({ offset: 0n, timestamp: 0n });
    expect(await log.offsetForTimestamp(5001n)).toEqual({ offset: 16n, timestamp: 5001n });
    expect(await log.offsetForTimestamp(5003n)).toEqual({ offset: 18n, timestamp: 6000n });
    expect(await log.offsetForTimestamp(19002n)).toEqual({ offset: 59n, timestamp: 19002n });
    expect(await log.offsetForTimestamp(19003n)).toBeNull();
    expect(await log.maxTimestampAndOffset()).toEqual({ offset: 59n, timestamp: 19002n });
  });

  it('reports no max timestamp for an empty log', async () => {
    const log = await topicLog();
    expect(await log.maxTimestampAndOffset()).toBeNull();
    expect(await log.offsetForTimestamp(0n)).toBeNull();
  });

  it('moves the log start offset with deleteRecordsBefore and drops whole segments', async () => {
    const log = await topicLog({ 'segment.bytes': '500' });
    for (let i = 0; i < 20; i++) await log.append(batch(2, `d${i}`));
    const segmentsBefore = segmentFiles(data.dir, 't', '.log').length;
    expect(await log.deleteRecordsBefore(15n)).toBe(15n);
    expect(log.logStartOffset).toBe(15n);
    await expect(log.read(10n, 100)).rejects.toBeInstanceOf(OffsetOutOfRangeError);
    const r = await log.read(15n, 1 << 20);
    expect(batchBaseOffset(r.batches[0])).toBe(14n); // the batch holding offset 15
    expect(r.logStartOffset).toBe(15n);
    expect(segmentFiles(data.dir, 't', '.log').length).toBeLessThan(segmentsBefore);
    expect(await log.deleteRecordsBefore(3n)).toBe(15n); // never moves backwards
    await expect(log.deleteRecordsBefore(41n)).rejects.toBeInstanceOf(OffsetOutOfRangeError);
    expect(await log.deleteRecordsBefore(-1n)).toBe(40n);

    await data.opened.close();
    data.manager = await openManager(data.dir);
    expect((await data.manager.loadedPartition('t', 0))?.logStartOffset).toBe(40n);
  });

  it('enforces retention.bytes without touching the active segment', async () => {
    const log = await topicLog({ 'segment.bytes': '500', 'retention.bytes': '1000', 'retention.ms': '-1', 'file.delete.delay.ms': '0' });
    for (let i = 0; i < 30; i++) await log.append(batch(2, `b${i}`));
    const before = log.sizeInBytes();
    expect(before).toBeGreaterThan(2000);
    const deleted = await log.enforceRetention();
    expect(deleted).toBeGreaterThan(0);
    expect(log.sizeInBytes()).toBeLessThanOrEqual(1000 + 500);
    expect(log.sizeInBytes()).toBeGreaterThanOrEqual(1000 - 500);
    expect(log.logStartOffset).toBeGreaterThan(0n);
    expect(log.logEndOffset).toBe(60n);
    const r = await log.read(log.logStartOffset, 1 << 20);
    expect(batchBaseOffset(r.batches[0])).toBe(log.logStartOffset);
    // file.delete.delay.ms 0: the renamed files are unlinked on the next timer tick.
    const leftovers = (): string[] => fs.readdirSync(path.join(data.dir, 't-0')).filter((f) => f.endsWith('.deleted'));
    const deadline = Date.now() + 5000;
    while (leftovers().length > 0 && Date.now() < deadline) await new Promise((res) => setTimeout(res, 10));
    expect(leftovers()).toEqual([]);
  });

  it('enforces retention.ms from the background timer', async () => {
    const log = await topicLog({ 'segment.bytes': '400', 'retention.ms': '60000' }, { retentionCheckIntervalMs: 20 });
    const now = BigInt(Date.now());
    for (let i = 0; i < 10; i++) await log.append(batch(2, `old${i}`, now - 3_600_000n));
    for (let i = 0; i < 3; i++) await log.append(batch(2, `new${i}`, now));
    // Whole segments of old batches go; the one where old meets new stays (its largest timestamp is recent).
    const keeperBase = log
      .segmentBaseOffsets()
      .filter((b) => b <= 19n)
      .slice(-1)[0];
    expect(keeperBase).toBeGreaterThan(0n);
    const deadline = Date.now() + 5000;
    while (log.logStartOffset < keeperBase && Date.now() < deadline) await new Promise((res) => setTimeout(res, 20));
    expect(log.logStartOffset).toBe(keeperBase);
    expect(log.segmentBaseOffsets()[0]).toBe(keeperBase);
    expect(await log.enforceRetention()).toBe(0);
    const r = await log.read(log.logStartOffset, 1 << 20);
    expect(r.batches.some((b) => b.includes(Buffer.from('new0-0')))).toBe(true);
  });

  it('fsyncs per flush.messages, and never by default', async () => {
    const log = await topicLog({ 'flush.messages': '3' });
    for (let i = 0; i < 7; i++) await log.append(batch(1));
    expect(log.flushCount).toBe(2);
    await log.append(batch(5));
    expect(log.flushCount).toBe(3);
    await data.opened.createTopic('lazy', 1);
    const lazy = (await data.opened.loadedPartition('lazy', 0)) as PartitionLog;
    for (let i = 0; i < 20; i++) await lazy.append(batch(1));
    expect(lazy.flushCount).toBe(0);
  });

  it('fsyncs per flush.ms', async () => {
    const log = await topicLog({ 'flush.ms': '0' });
    await log.append(batch(1));
    await log.append(batch(1));
    expect(log.flushCount).toBe(2);
  });

  it('wakes append listeners and lets them unsubscribe', async () => {
    const log = await topicLog();
    let calls = 0;
    const off = log.onAppend(() => calls++);
    await log.append(batch(1));
    expect(calls).toBe(1);
    off();
    await log.append(batch(1));
    expect(calls).toBe(1);
  });

  it('preserves everything across a clean reopen', async () => {
    const log = await topicLog({ 'segment.bytes': '700', 'index.interval.bytes': '64' });
    const expected: Buffer[] = [];
    for (let i = 0; i < 30; i++) await log.append(batch(2, `p${i}`, BigInt(1000 + i)));
    expected.push(...(await readToEnd(log, 0n)).map((b) => Buffer.from(b)));
    await data.opened.close();
    expect(fs.existsSync(path.join(data.dir, '.kafka_cleanshutdown'))).toBe(true);

    data.manager = await openManager(data.dir, { tailCacheBytes: 0 });
    expect(fs.existsSync(path.join(data.dir, '.kafka_cleanshutdown'))).toBe(false);
    const again = await data.manager.loadedPartition('t', 0);
    if (again === undefined) throw new Error('partition missing after reopen');
    expect(again.logEndOffset).toBe(60n);
    const all: Buffer[] = [];
    let next = 0n;
    while (next < again.logEndOffset) {
      const r = await again.read(next, 1 << 24);
      all.push(...r.batches);
      next = describeBatches(r.batches).slice(-1)[0].lastOffset + 1n;
    }
    expect(all).toEqual(expected);
    const more = await again.append(batch(1, 'after'));
    expect(more.baseOffset).toBe(60n);
    expect(await again.offsetForTimestamp(1010n)).toEqual({ offset: 19n, timestamp: 1010n });
  });
});
