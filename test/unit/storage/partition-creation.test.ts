// Creating partitions cheaply: directories and empty first segment files are made in the background after the
// catalog lists the topic (as Kafka makes them when it creates a partition), a partition written before them makes
// its own, and nothing of that may cost a record or resurrect old data.
import * as fs from 'fs';
import * as path from 'path';
import { LogManager } from '../../../storage';
import { batch, openManager, partitionDir, removeDir, tempDir } from './helpers';

/** Copies a live data directory: the copy looks like a crash (no clean-shutdown marker). */
function crashCopy(from: string): string {
  const to = tempDir('eddy-crash-');
  fs.cpSync(from, to, { recursive: true });
  return to;
}

describe('partition creation', () => {
  const dirs: string[] = [];
  const managers: LogManager[] = [];
  const open = async (dir: string): Promise<LogManager> => {
    const m = await openManager(dir);
    managers.push(m);
    return m;
  };
  const fresh = (): string => {
    const d = tempDir();
    dirs.push(d);
    return d;
  };

  afterEach(async () => {
    for (const m of managers.splice(0)) await m.close();
    for (const d of dirs.splice(0)) removeDir(d);
  });

  it('makes every partition directory with an empty first segment, which the first append opens', async () => {
    const dir = fresh();
    const m = await open(dir);
    await m.createTopic('many', 600);
    await m.directoriesCreated();
    for (let p = 0; p < 600; p++) expect(fs.readdirSync(partitionDir(dir, 'many', p))).toEqual(['00000000000000000000.log']);
    const segment = path.join(partitionDir(dir, 'many', 7), '00000000000000000000.log');
    expect(fs.statSync(segment).size).toBe(0);
    const written = await (await m.loadedPartition('many', 7))?.append(batch(2));
    expect(written?.baseOffset).toBe(0n);
    expect(fs.statSync(segment).size).toBeGreaterThan(0);
    expect(fs.statSync(path.join(partitionDir(dir, 'many', 8), '00000000000000000000.log')).size).toBe(0);
  });

  it('never lets the background creation replace a file an earlier append made', async () => {
    const dir = fresh();
    const m = await open(dir);
    await m.createTopic('race', 1500);
    // Before the background reaches them: the last partitions' first appends make their own files.
    for (const p of [1497, 1498, 1499]) expect((await (await m.loadedPartition('race', p))?.append(batch(2)))?.baseOffset).toBe(0n);
    await m.directoriesCreated();
    for (const p of [1497, 1498, 1499]) {
      const log = await m.loadedPartition('race', p);
      expect(log?.logEndOffset).toBe(2n);
      expect((await log?.read(0n, 1 << 20))?.batches).toHaveLength(1);
      expect(fs.readdirSync(partitionDir(dir, 'race', p))).toEqual(['00000000000000000000.log']);
    }
  });

  it('accepts an append to a partition whose directory the background job has not made yet', async () => {
    const dir = fresh();
    const m = await open(dir);
    await m.createTopic('early', 2000);
    // No yield since createTopic resolved: the last batch of directories cannot exist yet.
    const log = await m.loadedPartition('early', 1999);
    expect(fs.existsSync(partitionDir(dir, 'early', 1999))).toBe(false);
    const result = await log?.append(batch(3));
    expect(result?.baseOffset).toBe(0n);
    await m.directoriesCreated();
    expect(log?.logEndOffset).toBe(3n);
    const read = await log?.read(0n, 1 << 20);
    expect(read?.batches).toHaveLength(1);
  });

  it('keeps a topic whose directories were not made before a crash, and loads untouched partitions as empty', async () => {
    const dir = fresh();
    const m = await open(dir);
    await m.createTopic('t', 3);
    await m.directoriesCreated();
    await (await m.loadedPartition('t', 0))?.append(batch(5));
    // A crash right after CreateTopics returned: the catalog lists the topic, one partition has no directory.
    const crashed = crashCopy(dir);
    dirs.push(crashed);
    fs.rmSync(partitionDir(crashed, 't', 2), { recursive: true });
    const reopened = await open(crashed);
    expect(reopened.topic('t')?.partitions).toBe(3);
    expect((await reopened.loadedPartition('t', 0))?.logEndOffset).toBe(5n);
    for (const p of [1, 2]) {
      const log = await reopened.loadedPartition('t', p);
      expect(log?.logEndOffset).toBe(0n);
      expect((await log?.read(0n, 1024))?.batches).toEqual([]);
      expect((await log?.append(batch(1)))?.baseOffset).toBe(0n);
    }
    expect(fs.existsSync(partitionDir(crashed, 't', 2))).toBe(true);
  });

  it('writes no checkpoints into untouched partitions at shutdown, and they reopen empty', async () => {
    const dir = fresh();
    let m = await open(dir);
    await m.createTopic('idle', 4);
    await m.close();
    managers.splice(managers.indexOf(m), 1);
    for (let p = 0; p < 4; p++) expect(fs.readdirSync(partitionDir(dir, 'idle', p))).toEqual(['00000000000000000000.log']);
    m = await open(dir);
    expect((await m.loadedPartition('idle', 3))?.logStartOffset).toBe(0n);
    expect((await (await m.loadedPartition('idle', 3))?.append(batch(2)))?.lastOffset).toBe(1n);
  });

  it('recovers created but never written partitions after a crash without writing into them', async () => {
    const dir = fresh();
    const m = await open(dir);
    await m.createTopic('quiet', 3);
    await m.directoriesCreated();
    await (await m.loadedPartition('quiet', 1))?.append(batch(4));
    const crashed = crashCopy(dir);
    dirs.push(crashed);
    const reopened = await open(crashed);
    // Recovery read nothing of the empty partitions and left them as created.
    for (const p of [0, 2]) expect(fs.readdirSync(partitionDir(crashed, 'quiet', p))).toEqual(['00000000000000000000.log']);
    expect((await reopened.loadedPartition('quiet', 1))?.logEndOffset).toBe(4n);
    for (const p of [0, 2]) {
      const log = await reopened.loadedPartition('quiet', p);
      expect(log?.logEndOffset).toBe(0n);
      expect((await log?.read(0n, 1024))?.batches).toEqual([]);
      expect((await log?.append(batch(2)))?.lastOffset).toBe(1n);
      expect((await log?.read(0n, 1 << 20))?.batches).toHaveLength(1);
    }
  });

  it('removes a stale directory of the same name before creating the partition', async () => {
    const dir = fresh();
    const m = await open(dir);
    // What a topic deletion interrupted by a crash leaves behind (its catalog entry already gone).
    fs.mkdirSync(partitionDir(dir, 'reborn', 1), { recursive: true });
    fs.writeFileSync(path.join(partitionDir(dir, 'reborn', 1), '00000000000000000000.log'), Buffer.alloc(100, 1));
    await m.createTopic('reborn', 2);
    await m.directoriesCreated();
    expect(fs.readdirSync(partitionDir(dir, 'reborn', 1))).toEqual(['00000000000000000000.log']);
    expect(fs.statSync(path.join(partitionDir(dir, 'reborn', 1), '00000000000000000000.log')).size).toBe(0);
    expect((await m.loadedPartition('reborn', 1))?.logEndOffset).toBe(0n);
  });

  it('deletes a topic whose directories are still being made without leaving any behind', async () => {
    const dir = fresh();
    const m = await open(dir);
    await m.createTopic('brief', 1500);
    await m.deleteTopic('brief');
    await m.directoriesCreated();
    expect(fs.readdirSync(dir).filter((f) => f.startsWith('brief'))).toEqual([]);
  });

  it('writes the first leader epoch entry lazily and restores it from the log after a crash', async () => {
    const dir = fresh();
    const m = await open(dir);
    await m.createTopic('e', 1);
    const log = await m.loadedPartition('e', 0);
    await log?.append(batch(2), { leaderEpoch: 2 });
    await log?.append(batch(3), { leaderEpoch: 2 });
    const checkpoint = path.join(partitionDir(dir, 'e', 0), 'leader-epoch-checkpoint');
    expect(fs.existsSync(checkpoint)).toBe(false);
    const crashed = crashCopy(dir);
    dirs.push(crashed);
    const reopened = await open(crashed);
    expect((await reopened.loadedPartition('e', 0))?.leaderEpochStartOffset(2)).toEqual({ epoch: 2, endOffset: 5n });
    // A later epoch is written at once, together with the first.
    await (await reopened.loadedPartition('e', 0))?.append(batch(1), { leaderEpoch: 4 });
    await reopened.close();
    managers.splice(managers.indexOf(reopened), 1);
    expect(fs.readFileSync(path.join(partitionDir(crashed, 'e', 0), 'leader-epoch-checkpoint'), 'utf8')).toBe('0\n2\n2 0\n4 5\n');
    // A clean shutdown leaves a lone first entry unwritten too (one file per partition less to write), and the
    // next start restores it from the log as after a crash.
    await m.close();
    managers.splice(managers.indexOf(m), 1);
    expect(fs.existsSync(checkpoint)).toBe(false);
    const again = await open(dir);
    expect((await again.loadedPartition('e', 0))?.leaderEpochStartOffset(2)).toEqual({ epoch: 2, endOffset: 5n });
  });

  it('adds partitions the same way', async () => {
    const dir = fresh();
    const m = await open(dir);
    await m.createTopic('grow', 1);
    await m.createPartitions('grow', 400);
    expect((await (await m.loadedPartition('grow', 399))?.append(batch(1)))?.baseOffset).toBe(0n);
    await m.directoriesCreated('grow');
    for (let p = 0; p < 400; p++) expect(fs.existsSync(partitionDir(dir, 'grow', p))).toBe(true);
  });
});
