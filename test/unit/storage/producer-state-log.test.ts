// Producer state inside PartitionLog: checks in the append queue, duplicates, the last stable offset, the
// `.txnindex`, and rebuilding at open from snapshots or from the log after a crash.
import * as fs from 'fs';
import * as path from 'path';
import { encodeRecordBatch } from '../../../codecs/records/record-batch';
import { encodeTransactionMarkerBatch } from '../../../codecs/records/control-batch';
import { CLEAN_SHUTDOWN_FILE } from '../../../storage/file-names';
import { ProducerStateError } from '../../../storage';
import { freshDataDirs, openManager, partitionDir, segmentFiles } from './helpers';

function pbatch(producerId: bigint, epoch: number, seq: number, count = 1, transactional = false): Buffer {
  return encodeRecordBatch({
    producerId,
    producerEpoch: epoch,
    baseSequence: seq,
    transactional,
    records: Array.from({ length: count }, (_, i) => ({ value: Buffer.from(`p${producerId}-${seq + i}`) })),
  });
}

function markerBatch(producerId: bigint, epoch: number, commit: boolean): Buffer {
  return encodeTransactionMarkerBatch({ type: commit ? 'COMMIT' : 'ABORT', producerId, producerEpoch: epoch, coordinatorEpoch: 0 });
}

describe('producer state in the partition log', () => {
  const data = freshDataDirs({ closeFailures: 'fail', openEach: true });
  beforeEach(() => data.opened.createTopic('t', 1).then(() => undefined));

  const log = () => {
    const l = data.opened.partition('t', 0);
    if (!l) throw new Error('no partition');
    return l;
  };

  test('duplicates resolve with the original offsets without writing; invalid batches reject', async () => {
    const a = await log().append(pbatch(1n, 0, 0, 3));
    const dup = await log().append(pbatch(1n, 0, 0, 3));
    expect(dup).toMatchObject({ baseOffset: a.baseOffset, lastOffset: 2n, duplicate: true });
    expect(log().logEndOffset).toBe(3n);
    await expect(log().append(pbatch(1n, 0, 9))).rejects.toMatchObject({ reason: 'OUT_OF_ORDER_SEQUENCE' });
    await expect(log().append(pbatch(1n, 0, 9))).rejects.toBeInstanceOf(ProducerStateError);
    expect(log().logEndOffset).toBe(3n);
  });

  test('appends queued together are judged in order: the first lands, its retry in the same group is a duplicate', async () => {
    const results = await Promise.allSettled([
      log().append(pbatch(1n, 0, 0, 2)),
      log().append(pbatch(1n, 0, 2, 2)),
      log().append(pbatch(1n, 0, 0, 2)),
      log().append(pbatch(1n, 0, 7)),
      log().append(pbatch(1n, 0, 4)),
    ]);
    expect(results.map((r) => (r.status === 'fulfilled' ? `${r.value.baseOffset}${r.value.duplicate ? 'd' : ''}` : 'rejected'))).toEqual([
      '0',
      '2',
      '0d',
      'rejected',
      '4',
    ]);
    expect(log().logEndOffset).toBe(5n);
  });

  test('a refused append of several batches leaves no trace of its accepted first batches', async () => {
    await expect(log().append(Buffer.concat([pbatch(1n, 0, 0), pbatch(1n, 0, 5)]))).rejects.toMatchObject({ reason: 'OUT_OF_ORDER_SEQUENCE' });
    expect(log().producerStates()).toEqual([]);
    expect(await log().append(pbatch(1n, 0, 0))).toMatchObject({ baseOffset: 0n, duplicate: false });
    expect(await log().append(Buffer.concat([pbatch(1n, 0, 1), pbatch(1n, 0, 2)]))).toMatchObject({ baseOffset: 1n, lastOffset: 2n });
  });

  test('an open transaction holds the last stable offset; an abort goes to the .txnindex', async () => {
    await log().append(pbatch(-1n, -1, -1, 2));
    await log().append(pbatch(5n, 0, 0, 2, true));
    await log().append(pbatch(-1n, -1, -1, 1));
    expect(log().highWatermark).toBe(5n);
    expect(log().lastStableOffset).toBe(2n);
    expect(log().openTransactions()).toEqual([{ producerId: 5n, firstOffset: 2n }]);
    await log().append(markerBatch(5n, 0, false), { origin: 'coordinator' });
    expect(log().lastStableOffset).toBe(6n);
    expect(log().abortedTransactions(0n, 6n)).toEqual([{ producerId: 5n, firstOffset: 2n, lastOffset: 5n, lastStableOffset: 6n }]);
    expect(log().abortedTransactions(6n, 10n)).toEqual([]);
    const [txnIndex] = segmentFiles(data.dir, 't', '.txnindex');
    expect(fs.statSync(path.join(partitionDir(data.dir, 't'), txnIndex)).size).toBe(34);
  });

  test('a clean close snapshots the state; reopening restores duplicates and open transactions', async () => {
    await log().append(pbatch(1n, 0, 0, 2));
    await log().append(pbatch(2n, 0, 0, 1, true));
    await data.opened.close();
    expect(segmentFiles(data.dir, 't', '.snapshot')).toEqual(['00000000000000000003.snapshot']);
    data.manager = await openManager(data.dir);
    await data.opened.loadPartitions('t', [0]);
    expect(await log().append(pbatch(1n, 0, 0, 2))).toMatchObject({ baseOffset: 0n, duplicate: true });
    expect(log().lastStableOffset).toBe(2n);
  });

  test('after a crash the state is rebuilt from the log and a missing abort index entry is restored', async () => {
    await log().append(pbatch(1n, 0, 0, 2));
    await log().append(pbatch(2n, 0, 0, 1, true));
    await log().append(markerBatch(2n, 0, false), { origin: 'coordinator' });
    await log().append(pbatch(3n, 0, 0, 1, true));
    await data.opened.close();
    // Simulate a crash that lost the snapshot and the index write: no clean-shutdown marker either.
    const pdir = partitionDir(data.dir, 't');
    for (const f of fs.readdirSync(pdir)) if (f.endsWith('.snapshot') || f.endsWith('.txnindex')) fs.rmSync(path.join(pdir, f));
    fs.rmSync(path.join(data.dir, CLEAN_SHUTDOWN_FILE), { force: true });
    data.manager = await openManager(data.dir);
    await data.opened.loadPartitions('t', [0]);
    expect(await log().append(pbatch(1n, 0, 0, 2))).toMatchObject({ baseOffset: 0n, duplicate: true });
    expect(log().abortedTransactions(0n, 10n)).toEqual([{ producerId: 2n, firstOffset: 2n, lastOffset: 3n, lastStableOffset: 4n }]);
    expect(log().lastStableOffset).toBe(4n);
    expect(segmentFiles(data.dir, 't', '.txnindex')).toHaveLength(1);
  });

  test('snapshots beyond the recovered log end are dropped', async () => {
    await log().append(pbatch(1n, 0, 0, 2));
    await data.opened.close();
    const pdir = partitionDir(data.dir, 't');
    fs.copyFileSync(path.join(pdir, '00000000000000000002.snapshot'), path.join(pdir, '00000000000000000099.snapshot'));
    fs.rmSync(path.join(data.dir, CLEAN_SHUTDOWN_FILE), { force: true });
    data.manager = await openManager(data.dir);
    await data.opened.loadPartitions('t', [0]);
    expect(segmentFiles(data.dir, 't', '.snapshot')).toEqual(['00000000000000000002.snapshot']);
    expect(await log().append(pbatch(1n, 0, 2))).toMatchObject({ baseOffset: 2n, duplicate: false });
  });
});
