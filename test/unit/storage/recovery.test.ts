import * as fs from 'fs';
import * as path from 'path';
import { batchBaseOffset, batchCrc, computeBatchCrc } from '../../../codecs/records/batch-header';
import { LogManager, PartitionLog } from '../../../storage';
import { batch, describeBatches, openManager, partitionDir, removeDir, segmentFiles, tempDir } from './helpers';

/** Copies a live data directory: the copy looks like a crash (no clean-shutdown marker, indexes unwritten). */
function crashCopy(from: string): string {
  const to = tempDir('eddy-crash-');
  fs.cpSync(from, to, { recursive: true });
  return to;
}

async function readAll(log: PartitionLog): Promise<Buffer[]> {
  const out: Buffer[] = [];
  let next = log.logStartOffset;
  while (next < log.logEndOffset) {
    const r = await log.read(next, 1 << 24);
    if (r.batches.length === 0) break;
    out.push(...r.batches);
    next = describeBatches(r.batches).slice(-1)[0].lastOffset + 1n;
  }
  return out;
}

describe('recovery after an unclean shutdown', () => {
  const dirs: string[] = [];
  const managers: LogManager[] = [];

  afterEach(async () => {
    for (const m of managers.splice(0)) await m.close();
    for (const d of dirs.splice(0)) removeDir(d);
  });

  /** A crash copy of `dir` (see crashCopy), removed after the test. */
  function crashCopyOf(dir: string): string {
    const crashed = crashCopy(dir);
    dirs.push(crashed);
    return crashed;
  }

  async function open(dir: string, extra: Parameters<typeof openManager>[1] = {}): Promise<LogManager> {
    const m = await openManager(dir, extra);
    managers.push(m);
    return m;
  }

  async function writeLog(segmentBytes: number, batches: number): Promise<{ dir: string; expected: Buffer[] }> {
    const dir = tempDir();
    dirs.push(dir);
    const m = await open(dir);
    await m.createTopic('t', 1, { 'segment.bytes': String(segmentBytes), 'index.interval.bytes': '100' });
    const log = (await m.loadedPartition('t', 0)) as PartitionLog;
    for (let i = 0; i < batches; i++) await log.append(batch(3, `r${i}`, BigInt(10_000 + i * 10)));
    const expected = (await readAll(log)).map((b) => Buffer.from(b));
    return { dir, expected };
  }

  function lastLogFile(dir: string): string {
    const logs = segmentFiles(dir, 't', '.log');
    return path.join(partitionDir(dir, 't'), logs[logs.length - 1]);
  }

  it('keeps every batch when the files are intact, rebuilding missing indexes', async () => {
    const { dir, expected } = await writeLog(100_000, 50);
    const crashed = crashCopyOf(dir);
    for (const f of fs.readdirSync(partitionDir(crashed, 't'))) {
      if (f.endsWith('.index') || f.endsWith('.timeindex')) fs.rmSync(path.join(partitionDir(crashed, 't'), f));
    }
    const m = await open(crashed, { tailCacheBytes: 0 });
    const log = (await m.loadedPartition('t', 0)) as PartitionLog;
    expect(log.logEndOffset).toBe(150n);
    expect(await readAll(log)).toEqual(expected);
    expect(segmentFiles(crashed, 't', '.index')).toHaveLength(1);
    expect(fs.statSync(path.join(partitionDir(crashed, 't'), segmentFiles(crashed, 't', '.index')[0])).size).toBeGreaterThan(0);
    // The rebuilt index serves lookups in the middle of the segment.
    const r = await log.read(77n, 1, { minOneBatch: true });
    expect(batchBaseOffset(r.batches[0])).toBe(75n);
    expect(await log.offsetForTimestamp(10_251n)).toEqual({ offset: 76n, timestamp: 10_251n });
  });

  it('cuts a torn batch at the tail and keeps the intact prefix', async () => {
    const { dir, expected } = await writeLog(100_000, 20);
    const crashed = crashCopyOf(dir);
    const file = lastLogFile(crashed);
    const size = fs.statSync(file).size;
    const lastSize = expected[expected.length - 1].length;
    fs.truncateSync(file, size - Math.floor(lastSize / 2));
    const m = await open(crashed, { tailCacheBytes: 0 });
    const log = (await m.loadedPartition('t', 0)) as PartitionLog;
    expect(log.logEndOffset).toBe(57n);
    expect(await readAll(log)).toEqual(expected.slice(0, 19));
    expect(fs.statSync(file).size).toBe(size - lastSize);
    // Appends continue right after the intact prefix.
    expect((await log.append(batch(1))).baseOffset).toBe(57n);
  });

  it('drops the last batch when one of its bytes is corrupted', async () => {
    const { dir, expected } = await writeLog(100_000, 12);
    const crashed = crashCopyOf(dir);
    const file = lastLogFile(crashed);
    const content = fs.readFileSync(file);
    const lastSize = expected[expected.length - 1].length;
    content[content.length - lastSize + 40] ^= 0x01; // inside the CRC-covered header fields
    fs.writeFileSync(file, content);
    const m = await open(crashed, { tailCacheBytes: 0 });
    const log = (await m.loadedPartition('t', 0)) as PartitionLog;
    expect(log.logEndOffset).toBe(33n);
    expect(await readAll(log)).toEqual(expected.slice(0, 11));
    expect(fs.statSync(file).size).toBe(content.length - lastSize);
  });

  it('cuts from a batch whose CRC no longer matches, together with the torn tail and missing indexes', async () => {
    const { dir, expected } = await writeLog(1_000, 40);
    const crashed = crashCopyOf(dir);
    const pdir = partitionDir(crashed, 't');
    const logs = segmentFiles(crashed, 't', '.log');
    expect(logs.length).toBeGreaterThan(3);
    const file = lastLogFile(crashed);
    const content = fs.readFileSync(file);
    // Locate the second batch of the active segment and flip a byte inside its records.
    const firstSize = content.readInt32BE(8) + 12;
    const corruptAt = firstSize + 70;
    content[corruptAt] ^= 0xff;
    const secondSize = content.readInt32BE(firstSize + 8) + 12;
    // And tear the end of the file as well.
    fs.writeFileSync(file, content.subarray(0, content.length - 5));
    for (const f of fs.readdirSync(pdir)) if (f.endsWith('.index') || f.endsWith('.timeindex')) fs.rmSync(path.join(pdir, f));

    const m = await open(crashed, { tailCacheBytes: 0 });
    const log = (await m.loadedPartition('t', 0)) as PartitionLog;
    const activeBase = BigInt(logs[logs.length - 1].slice(0, 20));
    const kept = expected.filter((b) => batchBaseOffset(b) <= activeBase);
    expect(log.logEndOffset).toBe(activeBase + 3n);
    expect(fs.statSync(file).size).toBe(firstSize);
    expect(secondSize).toBeGreaterThan(0);
    const all = await readAll(log);
    expect(all).toEqual(kept);
    for (const b of all) expect(batchCrc(b)).toBe(computeBatchCrc(b));
    // Indexes were rebuilt for every segment: random lookups across them work.
    for (let offset = 0n; offset < log.logEndOffset; offset += 5n) {
      const r = await log.read(offset, 1, { minOneBatch: true });
      const [info] = describeBatches(r.batches);
      expect(info.baseOffset <= offset && offset <= info.lastOffset).toBe(true);
    }
    for (const f of segmentFiles(crashed, 't', '.log')) {
      expect(fs.existsSync(path.join(pdir, f.replace('.log', '.index')))).toBe(true);
    }
  });

  it('truncates a closed segment with a corrupt batch and drops the segments after it', async () => {
    const { dir, expected } = await writeLog(1_000, 40);
    const crashed = crashCopyOf(dir);
    const pdir = partitionDir(crashed, 't');
    const logs = segmentFiles(crashed, 't', '.log');
    const victim = path.join(pdir, logs[1]);
    const content = fs.readFileSync(victim);
    content[content.length - 10] ^= 0x55;
    fs.writeFileSync(victim, content);
    fs.rmSync(victim.replace('.log', '.index'));

    const m = await open(crashed, { tailCacheBytes: 0 });
    const log = (await m.loadedPartition('t', 0)) as PartitionLog;
    expect(segmentFiles(crashed, 't', '.log')).toEqual(logs.slice(0, 2));
    const all = await readAll(log);
    expect(all.length).toBeGreaterThan(0);
    expect(all).toEqual(expected.slice(0, all.length));
    expect(log.logEndOffset).toBe(describeBatches(all).slice(-1)[0].lastOffset + 1n);
    expect((await log.append(batch(1))).baseOffset).toBe(log.logEndOffset - 1n);
  });

  it('trusts the files after a clean shutdown', async () => {
    const { dir, expected } = await writeLog(1_000, 30);
    await managers.splice(0)[0].close();
    const m = await open(dir, { tailCacheBytes: 0 });
    const log = (await m.loadedPartition('t', 0)) as PartitionLog;
    expect(await readAll(log)).toEqual(expected);
  });
});
