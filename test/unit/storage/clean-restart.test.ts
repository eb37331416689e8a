// Shutdown and restart at scale: one log-start-offset checkpoint per data directory, one durability step before
// the clean-shutdown marker, nothing written for untouched partitions, and partitions loaded on first use after
// a clean shutdown (eagerly recovered after a crash).
import { spawn } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import * as durableBarrier from '../../../storage/durable-barrier';
import { encodeRecordBatch } from '../../../codecs/records/record-batch';
import { CLEAN_SHUTDOWN_FILE } from '../../../storage/file-names';
import { LogManager, OffsetOutOfRangeError, PartitionLog } from '../../../storage';
import { silentLogger } from '../../../src/logger';
import { batch, describeBatches, loadedLog, openManager, partitionDir, removeDir, tempDir } from './helpers';

const DIR_CHECKPOINT = 'log-start-offset-checkpoint';

function idempotent(seq: number): Buffer {
  return encodeRecordBatch({ producerId: 7n, producerEpoch: 0, baseSequence: seq, records: [{ value: Buffer.from(`p${seq}`) }] });
}

/** What a kill -9 leaves: the files as they are (the page cache survives), without a clean-shutdown marker. */
function crashCopy(from: string): string {
  const to = tempDir('eddy-crash-');
  fs.cpSync(from, to, { recursive: true });
  fs.rmSync(path.join(to, '.lock'), { force: true });
  fs.rmSync(path.join(to, CLEAN_SHUTDOWN_FILE), { force: true });
  return to;
}

function runDeleteRecordsAndKill(dataDir: string, offset: bigint): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [path.join(__dirname, 'fixtures', 'delete-records-child.js'), dataDir, offset.toString()], {
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    let err = '';
    child.stderr.on('data', (d: Buffer) => (err += d.toString()));
    child.stdout.on('data', (d: Buffer) => {
      out += d.toString();
      if (out.includes('\n')) process.kill(child.pid as number, 'SIGKILL');
    });
    child.on('error', reject);
    child.on('exit', (code, signal) => (signal === 'SIGKILL' ? resolve(out.trim()) : reject(new Error(`child exited with ${code}: ${err}`))));
  });
}

describe('clean shutdown and restart', () => {
  const dirs: string[] = [];
  const managers: LogManager[] = [];
  const open = async (dir: string, extra: Parameters<typeof openManager>[1] = {}): Promise<LogManager> => {
    const m = await openManager(dir, extra);
    managers.push(m);
    return m;
  };
  const close = async (m: LogManager): Promise<void> => {
    managers.splice(managers.indexOf(m), 1);
    await m.close();
  };
  /** A clean shutdown of `m`, then the next start in `dir`. */
  const restart = async (m: LogManager, dir: string): Promise<LogManager> => {
    await close(m);
    return open(dir);
  };
  const fresh = (): string => {
    const dir = tempDir();
    dirs.push(dir);
    return dir;
  };
  /** A manager in a fresh directory with `topic` created, and the log of its partition 0. */
  const started = async (topic: string, partitions: number, configs: Record<string, string>): Promise<{ dir: string; m: LogManager; log: PartitionLog }> => {
    const dir = fresh();
    const m = await open(dir);
    await m.createTopic(topic, partitions, configs);
    return { dir, m, log: await loadedLog(m, topic, 0) };
  };
  afterEach(async () => {
    jest.restoreAllMocks();
    for (const m of managers.splice(0)) await m.close().catch(() => undefined);
    for (const d of dirs.splice(0)) removeDir(d);
  });

  it('loads no partition at a clean start, and each on first use with its data, offsets and producer state', async () => {
    const dir = fresh();
    let m = await open(dir);
    await m.createTopic('many', 3, { 'segment.bytes': '300' });
    await m.createTopic('other', 1);
    const written: bigint[] = [];
    for (let i = 0; i < 6; i++) written.push((await (await loadedLog(m, 'many', 1)).append(batch(3, `b${i}`))).baseOffset);
    await (await loadedLog(m, 'many', 2)).append(idempotent(0));
    await (await loadedLog(m, 'other', 0)).append(batch(1));
    const segmentsBefore = (await loadedLog(m, 'many', 1)).segmentCount();
    expect(segmentsBefore).toBeGreaterThan(1);
    m = await restart(m, dir);
    expect(m.unloadedPartitionCount()).toBe(4);
    expect(m.hasUnloadedPartitions).toBe(true);
    expect(m.partition('many', 1)).toBeUndefined();
    const log = await loadedLog(m, 'many', 1);
    expect(m.unloadedPartitionCount()).toBe(3);
    expect(log.segmentCount()).toBe(segmentsBefore);
    expect(log.logEndOffset).toBe(18n);
    const read = await log.read(0n, 1 << 20);
    expect(describeBatches(read.batches).map((b) => b.baseOffset)).toEqual(written.slice(0, read.batches.length));
    expect((await log.append(batch(1))).baseOffset).toBe(18n);
    // Producer state came back: the retried batch is a duplicate with its original offset.
    const p2 = await loadedLog(m, 'many', 2);
    expect(await p2.append(idempotent(0))).toMatchObject({ baseOffset: 0n, duplicate: true });
    expect(m.partition('many', 0)).toBeUndefined();
    expect((await loadedLog(m, 'many', 0)).logEndOffset).toBe(0n);
    expect((await loadedLog(m, 'other', 0)).logEndOffset).toBe(1n);
    expect(m.hasUnloadedPartitions).toBe(false);
  });

  it('loads every partition eagerly after a crash, recovering a torn tail before anything is served', async () => {
    const dir = fresh();
    const m = await open(dir);
    await m.createTopic('t', 2);
    await (await loadedLog(m, 't', 0)).append(batch(2));
    await (await loadedLog(m, 't', 1)).append(batch(3));
    const crashed = crashCopy(dir);
    dirs.push(crashed);
    fs.appendFileSync(path.join(partitionDir(crashed, 't', 1), '00000000000000000000.log'), Buffer.alloc(40, 7));
    const after = await open(crashed);
    expect(after.unloadedPartitionCount()).toBe(0);
    expect(after.partition('t', 0)?.logEndOffset).toBe(2n);
    expect(after.partition('t', 1)?.logEndOffset).toBe(3n);
    expect((await after.partition('t', 1)?.append(batch(1)))?.baseOffset).toBe(3n);
    // What recovery wrote (the cut tail, rebuilt indexes) is made durable before the next clean-shutdown marker,
    // for the partition left untouched since too.
    const synced: string[] = [];
    const real = durableBarrier.makeDurable;
    jest.spyOn(durableBarrier, 'makeDurable').mockImplementation(async (dataDir, written, logger, method) => {
      synced.push(...written.files);
      return real(dataDir, written, logger, method);
    });
    await close(after);
    for (const p of [0, 1]) expect(synced).toContain(path.join(partitionDir(crashed, 't', p), '00000000000000000000.log'));
  });

  it("keeps the log start offset of DeleteRecords across a clean restart, in the directory's checkpoint", async () => {
    const start = await started('t', 2, { 'segment.bytes': '200' });
    const { dir, log } = start;
    let m = start.m;
    for (let i = 0; i < 8; i++) await log.append(batch(2, `d${i}`));
    expect(await log.deleteRecordsBefore(7n)).toBe(7n);
    // Durable once acknowledged: the directory's checkpoint holds it already.
    expect(fs.readFileSync(path.join(dir, DIR_CHECKPOINT), 'utf8')).toContain('t 0 7\n');
    expect(fs.existsSync(path.join(partitionDir(dir, 't', 0), DIR_CHECKPOINT))).toBe(false);
    m = await restart(m, dir);
    const reopened = await loadedLog(m, 't', 0);
    expect(reopened.logStartOffset).toBe(7n);
    expect(reopened.logEndOffset).toBe(16n);
    await expect(reopened.read(2n, 1 << 20)).rejects.toBeInstanceOf(OffsetOutOfRangeError);
    // A second restart without loading it keeps the entry (the checkpoint is rewritten from what is known).
    m = await restart(m, dir);
    await (await loadedLog(m, 't', 1)).append(batch(1));
    m = await restart(m, dir);
    expect((await loadedLog(m, 't', 0)).logStartOffset).toBe(7n);
  });

  it('checkpoints a log start offset moved by retention later (its segments are gone anyway), and at shutdown', async () => {
    const { dir, m, log } = await started('r', 1, { 'segment.bytes': '200', 'retention.ms': '1000' });
    for (let i = 0; i < 6; i++) await log.append(batch(2, `r${i}`));
    await m.runBackgroundTasks();
    expect(log.logStartOffset).toBe(12n);
    const file = path.join(dir, DIR_CHECKPOINT);
    expect(fs.existsSync(file) ? fs.readFileSync(file, 'utf8') : '').not.toContain('r 0 12');
    // A crash now: the deleted segments stay deleted, so the start is where retention moved it.
    const crashed = crashCopy(dir);
    dirs.push(crashed);
    const after = await open(crashed);
    expect(after.partition('r', 0)?.logStartOffset).toBe(12n);
    await close(m);
    expect(fs.readFileSync(file, 'utf8')).toContain('r 0 12\n');
  });

  it('keeps the log start offset of an acknowledged DeleteRecords after kill -9', async () => {
    const { dir, m, log } = await started('t', 1, { 'segment.bytes': '200' });
    for (let i = 0; i < 8; i++) await log.append(batch(2, `k${i}`));
    await close(m);
    expect(await runDeleteRecordsAndKill(dir, 9n)).toBe('deleted 9');
    expect(fs.existsSync(path.join(dir, CLEAN_SHUTDOWN_FILE))).toBe(false);
    fs.rmSync(path.join(dir, '.lock'), { force: true });
    const after = await open(dir);
    const recovered = after.partition('t', 0) as PartitionLog;
    expect(recovered.logStartOffset).toBe(9n);
    expect(recovered.logEndOffset).toBe(16n);
  });

  it('reads the per-partition log-start-offset-checkpoint files of the previous version', async () => {
    const dir = fresh();
    let m = await open(dir);
    await m.createTopic('old', 2);
    for (let i = 0; i < 5; i++) await (await loadedLog(m, 'old', 1)).append(batch(2));
    await close(m);
    // The previous layout: no directory checkpoint, one file in the partition's directory.
    fs.rmSync(path.join(dir, DIR_CHECKPOINT), { force: true });
    fs.writeFileSync(path.join(partitionDir(dir, 'old', 1), DIR_CHECKPOINT), '0\n1\nold 1 4\n');
    m = await open(dir);
    expect((await loadedLog(m, 'old', 1)).logStartOffset).toBe(4n);
    expect((await loadedLog(m, 'old', 0)).logStartOffset).toBe(0n);
    await close(m);
    expect(fs.readFileSync(path.join(dir, DIR_CHECKPOINT), 'utf8')).toContain('old 1 4\n');
    // A crash copy (eager load) reads it the same way.
    const crashed = crashCopy(dir);
    dirs.push(crashed);
    fs.rmSync(path.join(crashed, DIR_CHECKPOINT));
    const after = await open(crashed);
    expect(after.partition('old', 1)?.logStartOffset).toBe(4n);
  });

  it('drops start offsets of topics the catalog no longer lists, so a new topic of that name starts at 0', async () => {
    const dir = fresh();
    let m = await open(dir);
    await m.createTopic('kept', 1);
    await close(m);
    // A deletion that crashed before rewriting the checkpoint leaves an entry behind.
    fs.writeFileSync(path.join(dir, DIR_CHECKPOINT), '0\n2\ngone 0 7\nkept 0 0\n');
    m = await open(dir);
    expect(fs.readFileSync(path.join(dir, DIR_CHECKPOINT), 'utf8')).not.toContain('gone');
    await m.createTopic('gone', 1);
    expect((await (await loadedLog(m, 'gone', 0)).append(batch(2))).baseOffset).toBe(0n);
    m = await restart(m, dir);
    expect((await loadedLog(m, 'gone', 0)).logStartOffset).toBe(0n);
  });

  it("forgets a deleted topic's start offsets, so a new topic of the same name starts at 0", async () => {
    const start = await started('again', 1, { 'segment.bytes': '200' });
    const { dir, log } = start;
    let m = start.m;
    for (let i = 0; i < 6; i++) await log.append(batch(2));
    await log.deleteRecordsBefore(5n);
    m = await restart(m, dir);
    await m.deleteTopic('again');
    expect(fs.readFileSync(path.join(dir, DIR_CHECKPOINT), 'utf8')).not.toContain('again');
    await m.createTopic('again', 1);
    await (await loadedLog(m, 'again', 0)).append(batch(1));
    m = await restart(m, dir);
    const reborn = await loadedLog(m, 'again', 0);
    expect(reborn.logStartOffset).toBe(0n);
    expect(reborn.logEndOffset).toBe(1n);
  });

  it('writes nothing for partitions untouched since the start, and syncs only what the touched ones wrote', async () => {
    const dir = fresh();
    let m = await open(dir);
    await m.createTopic('t', 3, { 'index.interval.bytes': '1' });
    for (let p = 0; p < 3; p++) for (let i = 0; i < 3; i++) await (await loadedLog(m, 't', p)).append(batch(2));
    await close(m);
    const before = (p: number): Record<string, number> =>
      Object.fromEntries(fs.readdirSync(partitionDir(dir, 't', p)).map((f) => [f, fs.statSync(path.join(partitionDir(dir, 't', p), f)).mtimeMs]));
    const untouched = [before(0), before(2)];
    m = await open(dir);
    await (await loadedLog(m, 't', 1)).append(batch(1));
    // Loaded and read, but not written: nothing to persist for it either.
    await (await loadedLog(m, 't', 2)).read(0n, 1024);
    const synced: string[][] = [];
    const real = durableBarrier.makeDurable;
    jest.spyOn(durableBarrier, 'makeDurable').mockImplementation(async (dataDir, written, logger, method) => {
      synced.push([...written.files, ...written.dirs]);
      return real(dataDir, written, logger, method);
    });
    await close(m);
    expect(synced).toHaveLength(1);
    expect(synced[0].length).toBeGreaterThan(0);
    expect(synced[0].filter((f) => !f.startsWith(partitionDir(dir, 't', 1)))).toEqual([]);
    expect([before(0), before(2)]).toEqual(untouched);
    // A start and stop touching nothing syncs nothing.
    synced.length = 0;
    m = await open(dir);
    await close(m);
    expect(synced).toEqual([[]]);
    expect(fs.existsSync(path.join(dir, CLEAN_SHUTDOWN_FILE))).toBe(true);
  });

  it('writes neither index files nor a snapshot for a small partition without producer state, and reopens it', async () => {
    const dir = fresh();
    let m = await open(dir);
    await m.createTopic('small', 1);
    await (await loadedLog(m, 'small', 0)).append(batch(3));
    await close(m);
    expect(fs.readdirSync(partitionDir(dir, 'small', 0))).toEqual(['00000000000000000000.log']);
    m = await open(dir);
    const log = await loadedLog(m, 'small', 0);
    expect(log.logEndOffset).toBe(3n);
    expect(await log.offsetForTimestamp(1_700_000_000_001n)).toEqual({ offset: 1n, timestamp: 1_700_000_000_001n });
    // Reopening did not write them either.
    expect(fs.readdirSync(partitionDir(dir, 'small', 0))).toEqual(['00000000000000000000.log']);
  });

  it('falls back to an fsync per file when syncfs cannot run', async () => {
    const dir = fresh();
    const file = path.join(dir, 'written');
    fs.writeFileSync(file, 'x');
    // `sync -f` fails on a path that does not exist, as it would where syncfs is unavailable.
    const method = await durableBarrier.makeDurable(
      path.join(dir, 'missing'),
      { files: [file, path.join(dir, 'deleted-since')], dirs: [dir] },
      silentLogger(),
      'syncfs',
    );
    expect(method).toBe('fsync');
    expect(await durableBarrier.makeDurable(dir, { files: [file], dirs: [dir] }, silentLogger(), 'syncfs')).toBe('syncfs');
    expect(await durableBarrier.makeDurable(dir, { files: [file], dirs: [dir] }, silentLogger(), 'fsync')).toBe('fsync');
    // By default: an fsync each for a few files, one syncfs for many.
    expect(await durableBarrier.makeDurable(dir, { files: [file], dirs: [dir] }, silentLogger())).toBe('fsync');
    const many = Array.from({ length: durableBarrier.SYNCFS_MIN_FILES }, () => file);
    expect(await durableBarrier.makeDurable(dir, { files: many, dirs: [dir] }, silentLogger())).toBe('syncfs');
  });

  it('uses syncfs where coreutils provides it, and an fsync per file when configured so', async () => {
    const dir = fresh();
    const methods: string[] = [];
    const real = durableBarrier.makeDurable;
    jest.spyOn(durableBarrier, 'makeDurable').mockImplementation(async (...args) => {
      const used = await real(...args);
      methods.push(used);
      return used;
    });
    for (const shutdownSync of ['syncfs', 'fsync'] as const) {
      const m = await LogManager.open({ dataDir: dir, logger: silentLogger(), shutdownSync });
      managers.push(m);
      await m.createTopic(`t-${shutdownSync}`, 1);
      await (await loadedLog(m, `t-${shutdownSync}`, 0)).append(batch(1));
      await close(m);
    }
    expect(methods).toEqual(['syncfs', 'fsync']);
  });
});
