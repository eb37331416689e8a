// The data directory's offset checkpoint file: Kafka's text format, round trip, and how writes are shared.
import * as fs from 'fs';
import * as path from 'path';
import { formatOffsetCheckpoint, LogStartOffsets, partitionKey, readOffsetCheckpoint } from '../../../storage/dir-checkpoints';
import { freshDataDirs } from './helpers';

describe('per-directory offset checkpoints', () => {
  const data = freshDataDirs();

  it('writes Kafka\'s format (version, count, "topic partition offset" lines) and reads it back', async () => {
    const offsets = new Map([
      [partitionKey('orders', 0), 0n],
      [partitionKey('orders', 12), 9007199254740993n],
      [partitionKey('a.b_c-d', 3), 42n],
    ]);
    const text = formatOffsetCheckpoint(offsets);
    expect(text).toBe('0\n3\norders 0 0\norders 12 9007199254740993\na.b_c-d 3 42\n');
    const file = path.join(data.dir, 'log-start-offset-checkpoint');
    fs.writeFileSync(file, text);
    expect(await readOffsetCheckpoint(file)).toEqual(offsets);
  });

  it('reads a missing file as empty and refuses a malformed one', async () => {
    const file = path.join(data.dir, 'log-start-offset-checkpoint');
    expect((await readOffsetCheckpoint(file)).size).toBe(0);
    fs.writeFileSync(file, '0\n2\nt 0 1\n');
    await expect(readOffsetCheckpoint(file)).rejects.toThrow(/Malformed/);
    fs.writeFileSync(file, '1\n0\n');
    await expect(readOffsetCheckpoint(file)).rejects.toThrow(/Malformed/);
  });

  it('persists only when something changed, and a change during a write is in the next one', async () => {
    const store = new LogStartOffsets(data.dir, new Map());
    const file = path.join(data.dir, 'log-start-offset-checkpoint');
    await store.persist();
    expect(fs.existsSync(file)).toBe(false);
    store.set('t', 0, 5n);
    const first = store.persist();
    store.set('t', 1, 7n);
    const second = store.persist();
    await Promise.all([first, second]);
    expect(fs.readFileSync(file, 'utf8')).toBe('0\n2\nt 0 5\nt 1 7\n');
    expect(store.hasUnwrittenChanges).toBe(false);
    const reloaded = await LogStartOffsets.load(data.dir);
    expect(reloaded.get('t', 1)).toBe(7n);
  });

  it('forgets the partitions of one topic only, not of topics sharing its name as a prefix', () => {
    const store = new LogStartOffsets(
      data.dir,
      new Map([
        [partitionKey('t', 0), 1n],
        [partitionKey('t', 5), 2n],
        [partitionKey('t-1', 0), 3n],
        [partitionKey('tt', 0), 4n],
      ]),
    );
    expect(store.forgetTopic('t', (p) => p < 3)).toBe(true);
    expect(store.get('t', 0)).toBe(1n);
    expect(store.get('t', 5)).toBeUndefined();
    expect(store.get('t-1', 0)).toBe(3n);
    expect(store.get('tt', 0)).toBe(4n);
    expect(store.forgetTopic('nothing')).toBe(false);
  });
});
