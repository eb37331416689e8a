// PartitionLog.appendNow: the append without a promise that the produce handler tries first. It must write at
// once or decline having written nothing, keep the order of queued appends, leave concurrent appends to group
// commit, and fail exactly the append whose write failed.
import * as fs from 'fs';
import * as path from 'path';
import { encodeRecordBatch } from '../../../codecs/records/record-batch';
import { NODE_FILE_WRITER } from '../../../storage/fd-pool';
import { CorruptRecordError, FileWriter, LogClosedError, PartitionLog, RecordBatchTooLargeError, StorageWriteError } from '../../../storage';
import { batch, openManager, freshDataDirs } from './helpers';

/** Fails the next `failures` write calls with EIO, putting `partialBytes` of the first one in the file. */
class FailNextWriter implements FileWriter {
  failures = 0;
  partialBytes = 0;

  write(fd: number, data: Buffer, position: number): number {
    return this.writev(fd, [data], position);
  }

  writev(fd: number, buffers: readonly Buffer[], position: number): number {
    if (this.failures === 0) return NODE_FILE_WRITER.writev(fd, buffers, position);
    this.failures--;
    if (this.partialBytes > 0) {
      const partial = this.partialBytes;
      this.partialBytes = 0;
      fs.writeSync(fd, Buffer.concat(buffers).subarray(0, partial), 0, partial, position);
    }
    throw Object.assign(new Error('injected EIO'), { code: 'EIO' });
  }
}

/** Lets queued promise continuations run, so the next appendNow is in a new turn. */
function nextTurn(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve));
}

async function texts(log: PartitionLog): Promise<string[]> {
  const r = await log.read(log.logStartOffset, 1 << 20);
  return r.batches.map((b) => /[a-z]+-\d+/.exec(b.toString('latin1'))?.[0] ?? '?');
}

describe('PartitionLog.appendNow', () => {
  const data = freshDataDirs();

  /** Partitions whose segment file exists (a first append made it), so appendNow can write at once. */
  async function writtenLogs(partitions = 1, writer?: FileWriter, configs: Record<string, string> = {}): Promise<PartitionLog[]> {
    data.manager = await openManager(data.dir, writer === undefined ? {} : { fileWriter: writer });
    await data.manager.createTopic('t', partitions, configs);
    const logs = Array.from({ length: partitions }, (_, p) => data.manager?.partition('t', p) as PartitionLog);
    for (const log of logs) await log.append(batch(1, 'first'));
    await nextTurn();
    return logs;
  }

  it('writes at once and answers with the offsets, with no promise', async () => {
    const [log] = await writtenLogs();
    const calls = log.writeCallCount;
    const result = log.appendNow(batch(3, 'now'));
    expect(result).toEqual({ baseOffset: 1n, lastOffset: 3n, logAppendTime: -1n, logStartOffset: 0n, duplicate: false });
    expect(log.logEndOffset).toBe(4n);
    expect(log.writeCallCount).toBe(calls + 1);
    expect((await log.read(1n, 1 << 20)).batches).toHaveLength(1);
  });

  it("writes a partition's first append at once into the file made at creation, else declines it to append()", async () => {
    data.manager = await openManager(data.dir);
    await data.manager.createTopic('t', 2000);
    // No yield since createTopic: the background has not made the last partition's file; append() makes it.
    const early = data.manager.partition('t', 1999) as PartitionLog;
    expect(early.appendNow(batch(1, 'a'))).toBeNull();
    expect(early.logEndOffset).toBe(0n);
    expect(await early.append(batch(1, 'a'))).toMatchObject({ baseOffset: 0n });
    await data.manager.directoriesCreated();
    const made = data.manager.partition('t', 0) as PartitionLog;
    expect(made.appendNow(batch(2, 'b'))).toMatchObject({ baseOffset: 0n, lastOffset: 1n });
    expect(early.logEndOffset).toBe(1n);
    expect(made.logEndOffset).toBe(2n);
    expect((await made.read(0n, 1 << 20)).batches).toHaveLength(1);
    expect((await early.read(0n, 1 << 20)).batches).toHaveLength(1);
  });

  it('declines a first append whose segment file cannot be opened; append() then reports the failure', async () => {
    data.manager = await openManager(data.dir);
    await data.manager.createTopic('t', 1);
    await data.manager.directoriesCreated();
    const log = data.manager.partition('t', 0) as PartitionLog;
    // A directory where the segment file should be: no open of it can succeed.
    const segment = path.join(data.dir, 't-0', '00000000000000000000.log');
    fs.rmSync(segment);
    fs.mkdirSync(segment);
    expect(log.appendNow(batch(1, 'a'))).toBeNull();
    expect(log.logEndOffset).toBe(0n);
    await expect(log.append(batch(1, 'a'))).rejects.toThrow();
    expect(log.logEndOffset).toBe(0n);
  });

  it('declines while appends are queued, so offsets follow arrival order', async () => {
    const [log] = await writtenLogs();
    const queued = log.append(batch(1, 'queued'));
    expect(log.appendNow(batch(1, 'later'))).toBeNull();
    expect((await queued).baseOffset).toBe(1n);
  });

  it("writes the first append of a turn and leaves the partition's next ones of that turn to one grouped write", async () => {
    const [log] = await writtenLogs();
    expect(log.appendNow(batch(1, 'a'))).not.toBeNull();
    expect(log.appendNow(batch(1, 'b'))).toBeNull();
    const calls = log.writeCallCount;
    const grouped = await Promise.all([log.append(batch(1, 'b')), log.append(batch(1, 'c'))]);
    expect(grouped.map((r) => r.baseOffset)).toEqual([2n, 3n]);
    expect(log.writeCallCount).toBe(calls + 1);
  });

  it('keeps group commit for a partition whose last write carried several appends, until a write carries one', async () => {
    const [log] = await writtenLogs();
    await Promise.all([log.append(batch(1, 'a')), log.append(batch(1, 'b'))]);
    await nextTurn();
    expect(log.appendNow(batch(1, 'c'))).toBeNull();
    await log.append(batch(1, 'c'));
    await nextTurn();
    expect(log.appendNow(batch(1, 'd'))).toMatchObject({ baseOffset: 4n });
  });

  it('writes the first append of each partition in the same turn', async () => {
    const logs = await writtenLogs(3);
    const results = logs.map((log, p) => log.appendNow(batch(1, `p${p}`)));
    expect(results.map((r) => r?.baseOffset)).toEqual([1n, 1n, 1n]);
  });

  it('declines an append that must roll the segment', async () => {
    // 227 bytes: fits a segment of 250 on its own, not after the first append.
    const [log] = await writtenLogs(1, undefined, { 'segment.bytes': '250' });
    const big = batch(1, 'big', undefined, 150);
    expect(log.appendNow(big)).toBeNull();
    expect(log.segmentCount()).toBe(1);
    expect(await log.append(big)).toMatchObject({ baseOffset: 1n });
    expect(log.segmentCount()).toBe(2);
  });

  it('refuses an append larger than a segment in both paths, writing nothing', async () => {
    const [log] = await writtenLogs(1, undefined, { 'segment.bytes': '200' });
    const big = batch(1, 'big', undefined, 150);
    expect(() => log.appendNow(big)).toThrow(RecordBatchTooLargeError);
    await expect(log.append(big)).rejects.toThrow('Record batch of 227 bytes exceeds segment.bytes');
    expect(log.logEndOffset).toBe(1n);
    expect(log.writeCallCount).toBe(1);
  });

  it('answers a retried idempotent batch with its original offsets, writing nothing', async () => {
    const [log] = await writtenLogs();
    const idem = (): Buffer =>
      encodeRecordBatch({ producerId: 7n, producerEpoch: 0, baseSequence: 0, baseTimestamp: 1_700_000_000_000n, records: [{ value: Buffer.from('x') }] });
    expect(log.appendNow(idem())).toMatchObject({ baseOffset: 1n, duplicate: false });
    await nextTurn();
    const calls = log.writeCallCount;
    expect(log.appendNow(idem())).toMatchObject({ baseOffset: 1n, duplicate: true });
    expect(log.writeCallCount).toBe(calls);
    expect(log.logEndOffset).toBe(2n);
  });

  it('throws what append() would reject with: corrupt framing, a closed log', async () => {
    const [log] = await writtenLogs();
    expect(() => log.appendNow(Buffer.alloc(10))).toThrow(CorruptRecordError);
    await data.manager?.close();
    data.manager = undefined;
    expect(() => log.appendNow(batch(1, 'late'))).toThrow(LogClosedError);
  });

  it('fails exactly the append whose write failed with a storage error: the file is cut back, the others stand', async () => {
    const writer = new FailNextWriter();
    const [p0, p1] = await writtenLogs(2, writer);
    writer.failures = 1;
    writer.partialBytes = 25;
    expect(() => p0.appendNow(batch(1, 'lost'))).toThrow(StorageWriteError);
    expect(p1.appendNow(batch(1, 'kept'))).toMatchObject({ baseOffset: 1n });
    expect(p0.logEndOffset).toBe(1n);
    await nextTurn();
    expect(p0.appendNow(batch(1, 'after'))).toMatchObject({ baseOffset: 1n });
    expect(await texts(p0)).toEqual(['first-0', 'after-0']);
    expect(await texts(p1)).toEqual(['first-0', 'kept-0']);
    // What a reader sees is what a restart finds: the failed bytes were cut from the file.
    await data.manager?.close();
    data.manager = await openManager(data.dir);
    expect(await texts((await data.manager.loadedPartition('t', 0)) as PartitionLog)).toEqual(['first-0', 'after-0']);
  });
});
