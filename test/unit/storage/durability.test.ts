// Storage-engine gaps closed after the append-path rework: failed writes, retention of the active segment,
// timer-driven flush.ms and flushing indexes before the clean-shutdown marker.
import * as fs from 'fs';
import * as path from 'path';
import * as atomicFile from '../../../storage/atomic-file';
import * as durableBarrier from '../../../storage/durable-barrier';
import { encodeRecordBatch } from '../../../codecs/records/record-batch';
import { CLEAN_SHUTDOWN_FILE } from '../../../storage/file-names';
import { NODE_FILE_WRITER } from '../../../storage/fd-pool';
import { FileWriter, PartitionLog, StorageWriteError } from '../../../storage';
import { batch, openManager, partitionDir, readToEnd, segmentFiles, freshDataDirs } from './helpers';

/** Writes like Node until told to fail; `partialBytes` lets a failing write put some bytes in first. */
class FaultyWriter implements FileWriter {
  failing = false;
  partialBytes = 0;
  failures = 0;

  write(fd: number, data: Buffer, position: number): number {
    return this.writev(fd, [data], position);
  }

  writev(fd: number, buffers: readonly Buffer[], position: number): number {
    if (!this.failing) return NODE_FILE_WRITER.writev(fd, buffers, position);
    this.failures++;
    if (this.partialBytes > 0) {
      const partial = this.partialBytes;
      this.partialBytes = 0;
      return fs.writeSync(fd, Buffer.concat(buffers).subarray(0, partial), 0, partial, position);
    }
    throw Object.assign(new Error('injected EIO'), { code: 'EIO' });
  }
}

function idempotent(seq: number, tag: string): Buffer {
  return encodeRecordBatch({ producerId: 42n, producerEpoch: 0, baseSequence: seq, baseTimestamp: BigInt(Date.now()), records: [{ value: Buffer.from(tag) }] });
}

async function values(log: PartitionLog): Promise<string[]> {
  const r = await log.read(log.logStartOffset, 1 << 20);
  return r.batches.map((b) => b.subarray(b.length - 20).toString('latin1'));
}

describe('storage durability and retention', () => {
  const data = freshDataDirs({ restoreMocks: true });

  async function topicLog(configs: Record<string, string> = {}, writer?: FileWriter): Promise<PartitionLog> {
    data.manager = await openManager(data.dir, writer === undefined ? {} : { fileWriter: writer });
    await data.manager.createTopic('t', 1, configs);
    return (await data.manager.loadedPartition('t', 0)) as PartitionLog;
  }

  function logFileSize(): number {
    const [first] = segmentFiles(data.dir, 't', '.log');
    return fs.statSync(path.join(partitionDir(data.dir, 't'), first)).size;
  }

  describe('a failed write', () => {
    it('fails every append of that write with a storage error, cuts the file back, and later appends work', async () => {
      const writer = new FaultyWriter();
      const log = await topicLog({}, writer);
      await log.append(batch(2, 'before'));
      const goodSize = logFileSize();
      writer.failing = true;
      writer.partialBytes = 30;
      const failed = await Promise.allSettled([log.append(batch(1, 'lost-a')), log.append(batch(3, 'lost-b')), log.append(batch(1, 'lost-c'))]);
      for (const f of failed) {
        expect(f.status).toBe('rejected');
        expect((f as PromiseRejectedResult).reason).toBeInstanceOf(StorageWriteError);
      }
      expect(writer.failures).toBeGreaterThan(0);
      expect(logFileSize()).toBe(goodSize);
      expect(log.logEndOffset).toBe(2n);

      writer.failing = false;
      const after = await log.append(batch(2, 'after'));
      expect(after.baseOffset).toBe(2n);
      const read = await log.read(0n, 1 << 20);
      expect(read.batches).toHaveLength(2);
      expect(read.batches[1].includes(Buffer.from('after-1'))).toBe(true);
      expect(read.batches.some((b) => b.includes(Buffer.from('lost')))).toBe(false);
    });

    it('keeps producer state as if the failed batch never arrived, so its retry is appended', async () => {
      const writer = new FaultyWriter();
      const log = await topicLog({}, writer);
      await log.append(idempotent(0, 'seq0'));
      writer.failing = true;
      await expect(log.append(idempotent(1, 'seq1'))).rejects.toBeInstanceOf(StorageWriteError);
      writer.failing = false;
      const retried = await log.append(idempotent(1, 'seq1'));
      expect(retried).toMatchObject({ baseOffset: 1n, duplicate: false });
      const again = await log.append(idempotent(1, 'seq1'));
      expect(again).toMatchObject({ baseOffset: 1n, duplicate: true });
    });

    it('survives a restart: the log holds exactly the acknowledged appends', async () => {
      const writer = new FaultyWriter();
      const log = await topicLog({}, writer);
      await log.append(batch(1, 'kept'));
      writer.failing = true;
      writer.partialBytes = 10;
      await expect(log.append(batch(1, 'lost'))).rejects.toBeInstanceOf(StorageWriteError);
      writer.failing = false;
      await data.manager?.close();
      data.manager = await openManager(data.dir);
      const reopened = (await data.manager.loadedPartition('t', 0)) as PartitionLog;
      expect(reopened.logEndOffset).toBe(1n);
      expect((await values(reopened)).join()).toContain('kept');
    });
  });

  describe('retention of the active segment', () => {
    const old = 1_600_000_000_000n;

    it('rolls a non-empty active segment past retention.ms and deletes it', async () => {
      const log = await topicLog({ 'retention.ms': '60000', 'file.delete.delay.ms': '0' });
      await log.append(batch(2, 'a', old));
      await log.append(batch(3, 'b', old));
      expect(log.segmentCount()).toBe(1);
      expect(await log.enforceRetention()).toBe(1);
      expect(log.segmentBaseOffsets()).toEqual([5n]);
      expect(log.logStartOffset).toBe(5n);
      expect(log.logEndOffset).toBe(5n);
      expect((await log.append(batch(1, 'c', BigInt(Date.now())))).baseOffset).toBe(5n);
      // The fresh active segment holds recent data only: nothing more to delete, and an empty one never goes.
      expect(await log.enforceRetention()).toBe(0);
    });

    it('keeps an active segment whose data is recent, and an empty one', async () => {
      const log = await topicLog({ 'retention.ms': '60000' });
      expect(await log.enforceRetention(Date.now() + 3_600_000)).toBe(0);
      await log.append(batch(2, 'fresh', BigInt(Date.now())));
      expect(await log.enforceRetention()).toBe(0);
      expect(log.logStartOffset).toBe(0n);
    });

    it('deletes the active segment when retention.bytes leaves no room for it', async () => {
      const log = await topicLog({ 'retention.bytes': '0' });
      await log.append(batch(4, 'x', BigInt(Date.now())));
      expect(await log.enforceRetention()).toBe(1);
      expect(log.logStartOffset).toBe(4n);
      expect(log.sizeInBytes()).toBe(0);
    });

    it('does not roll the active segment for the log start offset alone (DeleteRecords)', async () => {
      const log = await topicLog();
      await log.append(batch(3, 'x', BigInt(Date.now())));
      expect(await log.deleteRecordsBefore(-1n)).toBe(3n);
      expect(log.segmentCount()).toBe(1);
      expect(await log.enforceRetention()).toBe(0);
      expect(log.segmentCount()).toBe(1);
    });

    it('never deletes appends that race with the pass, and keeps their order', async () => {
      const log = await topicLog({ 'retention.ms': '60000' });
      await log.append(batch(1, 'old', old));
      const retention = log.enforceRetention();
      const now = BigInt(Date.now());
      const appends = [log.append(batch(1, 'n1', now)), log.append(batch(1, 'n2', now))];
      await retention;
      const results = await Promise.all(appends);
      expect(results.map((r) => r.baseOffset)).toEqual([1n, 2n]);
      expect(log.logStartOffset).toBeLessThanOrEqual(1n);
      const read = await readToEnd(log, log.logStartOffset);
      expect(read.some((b) => b.includes(Buffer.from('n2-0')))).toBe(true);
    });
  });

  describe('flush.ms', () => {
    it('flushes a quiet log once its flush.ms is up, driven by a timer', async () => {
      const log = await topicLog({ 'flush.ms': '200' });
      await log.append(batch(1));
      const flushedByAppend = log.flushCount;
      const deadline = Date.now() + 5000;
      while (log.flushCount === flushedByAppend && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
      expect(log.flushCount).toBe(flushedByAppend + 1);
      // Nothing new: no further fsyncs.
      await new Promise((r) => setTimeout(r, 450));
      expect(log.flushCount).toBe(flushedByAppend + 1);
    });

    it('a timer that fires before flush.ms is up by the wall clock waits out the rest instead of dropping the flush', async () => {
      // Timers run on the event loop's cached clock; under load it lags Date.now(), so a timer can fire early.
      const log = await topicLog({ 'flush.ms': '100' });
      const realNow = Date.now.bind(Date);
      let lag = 0;
      const clock = jest.spyOn(Date, 'now').mockImplementation(() => realNow() - lag);
      try {
        await log.append(batch(1));
        const before = log.flushCount;
        lag = 40;
        const deadline = realNow() + 3000;
        while (log.flushCount === before && realNow() < deadline) await new Promise((r) => setTimeout(r, 10));
        expect(log.flushCount).toBe(before + 1);
      } finally {
        clock.mockRestore();
      }
    });

    it('never flushes on a timer by default', async () => {
      const log = await topicLog();
      await log.append(batch(1));
      await new Promise((r) => setTimeout(r, 100));
      expect(log.flushCount).toBe(0);
    });
  });

  describe('clean shutdown', () => {
    it('writes the active segment indexes and makes them durable before the clean-shutdown marker', async () => {
      const log = await topicLog({ 'index.interval.bytes': '1' });
      for (let i = 0; i < 5; i++) await log.append(batch(2, `i${i}`));
      const events: string[] = [];
      let synced: readonly string[] = [];
      const realWrite = atomicFile.writeFileAtomic;
      jest.spyOn(atomicFile, 'writeFileAtomic').mockImplementation(async (file, data, opts) => {
        events.push(path.basename(file));
        await realWrite(file, data, opts);
      });
      const realDurable = durableBarrier.makeDurable;
      jest.spyOn(durableBarrier, 'makeDurable').mockImplementation(async (dataDir, written, logger, method) => {
        events.push('durable');
        synced = written.files;
        return realDurable(dataDir, written, logger, method);
      });
      await data.manager?.close();
      data.manager = undefined;
      const index = events.findIndex((e) => e.endsWith('.index'));
      const timeIndex = events.findIndex((e) => e.endsWith('.timeindex'));
      const durable = events.indexOf('durable');
      const marker = events.indexOf(CLEAN_SHUTDOWN_FILE);
      expect(index).toBeGreaterThanOrEqual(0);
      expect(timeIndex).toBeGreaterThanOrEqual(0);
      expect(durable).toBeGreaterThan(Math.max(index, timeIndex));
      expect(marker).toBeGreaterThan(durable);
      const names = synced.map((f) => path.basename(f));
      expect(names).toEqual(expect.arrayContaining(['00000000000000000000.log', '00000000000000000000.index', '00000000000000000000.timeindex']));
    });

    it('writes no clean-shutdown marker when a partition cannot persist its indexes', async () => {
      // Past index.interval.bytes, so the close has index files to write.
      const log = await topicLog({ 'index.interval.bytes': '1' });
      await log.append(batch(2));
      await log.append(batch(2));
      const [logFile] = segmentFiles(data.dir, 't', '.log');
      // A non-empty directory where the offset index goes: renaming the new index over it fails.
      const indexPath = path.join(partitionDir(data.dir, 't'), logFile.replace(/\.log$/, '.index'));
      fs.rmSync(indexPath, { force: true });
      fs.mkdirSync(path.join(indexPath, 'blocker'), { recursive: true });
      await expect(data.manager?.close()).rejects.toBeDefined();
      data.manager = undefined;
      expect(fs.existsSync(path.join(data.dir, CLEAN_SHUTDOWN_FILE))).toBe(false);
      fs.rmSync(indexPath, { recursive: true, force: true });
      // The next start recovers (unclean) and finds the data.
      data.manager = await openManager(data.dir);
      expect(((await data.manager.loadedPartition('t', 0)) as PartitionLog).logEndOffset).toBe(4n);
    });
  });
});
