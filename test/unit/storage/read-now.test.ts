// PartitionLog.readNow: the read a consumer keeping up makes, answered without a promise when no disk read is
// needed, and the same batches read gives; null when they must come from disk.
import { OffsetOutOfRangeError, PartitionLog } from '../../../storage';
import { batch, describeBatches, loadedLog, openManager, freshDataDirs } from './helpers';

describe('PartitionLog.readNow', () => {
  const data = freshDataDirs({ closeFailures: 'fail' });

  async function log(tailCacheBytes: number): Promise<PartitionLog> {
    data.manager = await openManager(data.dir, { tailCacheBytes });
    await data.manager.createTopic('t', 1);
    return loadedLog(data.manager, 't');
  }

  it('answers at the end of the log with no batches, and a reader there gets the next appends from the tail cache', async () => {
    const l = await log(1 << 20);
    await l.append(batch(2, 'a'));
    const atEnd = l.readNow(2n, 1 << 20);
    expect(atEnd).toEqual({ batches: [], bytes: 0, highWatermark: 2n, logStartOffset: 0n });
    await l.append(batch(3, 'b'));
    const cached = l.readNow(2n, 1 << 20);
    expect(cached).not.toBeNull();
    const read = await l.read(2n, 1 << 20);
    expect(describeBatches(cached?.batches ?? [])).toEqual(describeBatches(read.batches));
    expect(cached?.bytes).toBe(read.bytes);
    expect(cached?.highWatermark).toBe(5n);
  });

  it('gives null when the batches are only on disk, where read finds them', async () => {
    const l = await log(0);
    await l.append(batch(2, 'a'));
    await l.append(batch(3, 'b'));
    expect(l.readNow(0n, 1 << 20)).toBeNull();
    expect(describeBatches((await l.read(0n, 1 << 20)).batches).map((b) => b.baseOffset)).toEqual([0n, 2n]);
  });

  it('throws the out-of-range error read rejects with', async () => {
    const l = await log(1 << 20);
    await l.append(batch(2, 'a'));
    expect(() => l.readNow(3n, 1 << 20)).toThrow(OffsetOutOfRangeError);
    await expect(l.read(3n, 1 << 20)).rejects.toThrow(OffsetOutOfRangeError);
  });
});
