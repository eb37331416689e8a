// The transaction coordinator's state machine over a real (temp-dir) log manager and a fake clock: epochs,
// markers, timeouts with fencing, id expiration, reload from __transaction_state, and producer id blocks.
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { LogManager } from '../../../storage';
import { silentLogger } from '../../../src/logger';
import { ErrorCode } from '../../../codecs/protocol/errors';
import { ProducerIdManager, PRODUCER_ID_BLOCK_SIZE } from '../../../src/transactions/producer-id-manager';
import { TransactionCoordinator, type TransactionCoordinatorConfig } from '../../../src/transactions/transaction-coordinator';
import { decodeRecordBatches } from '../../../codecs/records/record-batch';
import { TV_2 } from '../../../src/transactions/transaction-transitions';

const CONFIG = { numPartitions: 2, maxTimeoutMs: 60000, abortCheckIntervalMs: 3600000, idExpirationMs: 100000 };

describe('TransactionCoordinator', () => {
  let dir: string;
  let logs: LogManager;
  let clock: number;
  let coordinator: TransactionCoordinator;
  const completions: Array<[bigint, boolean]> = [];

  const start = async (config: TransactionCoordinatorConfig = CONFIG): Promise<TransactionCoordinator> =>
    TransactionCoordinator.start({
      storage: logs,
      producerIds: await ProducerIdManager.open(dir, silentLogger()),
      config,
      logger: silentLogger(),
      now: () => clock,
      onComplete: async (pid, _epoch, committed) => void completions.push([pid, committed]),
    });

  beforeEach(async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'eddy-txn-'));
    logs = await LogManager.open({ dataDir: dir, logger: silentLogger() });
    await logs.createTopic('t', 2);
    clock = 1_000_000;
    completions.length = 0;
    coordinator = await start();
  });

  afterEach(async () => {
    await coordinator.shutdown();
    await logs.close();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  async function markers(partition: number): Promise<Array<{ type: number; epoch: number }>> {
    const log = logs.partition('t', partition);
    if (!log) throw new Error('missing');
    const read = await log.read(0n, 1 << 20);
    return decodeRecordBatches(Buffer.concat(read.batches))
      .batches.filter((b) => b.control)
      .map((b) => ({ type: b.records[0].key?.readInt16BE(2) ?? -1, epoch: b.producerEpoch }));
  }

  test('init, add, commit: markers on every partition, listener told, state persisted and reloaded', async () => {
    const init = await coordinator.initProducerId({ transactionalId: 'a', transactionTimeoutMs: 5000, producerId: -1n, producerEpoch: -1 });
    expect(init).toMatchObject({ errorCode: 0, producerEpoch: 0 });
    expect(await coordinator.addPartitions('a', init.producerId, 0, [{ topic: 't', partitions: [0, 1] }])).toBe(0);
    expect(coordinator.describe('a')).toMatchObject({ state: 'Ongoing', startTimestamp: 1_000_000n });
    expect((await coordinator.endTransaction('a', init.producerId, 0, true)).errorCode).toBe(0);
    expect(await markers(0)).toEqual([{ type: 1, epoch: 0 }]);
    expect(await markers(1)).toEqual([{ type: 1, epoch: 0 }]);
    expect(completions).toEqual([[init.producerId, true]]);
    await coordinator.shutdown();
    coordinator = await start();
    expect(coordinator.describe('a')).toMatchObject({ state: 'CompleteCommit', producerId: init.producerId, producerEpoch: 0, timeoutMs: 5000 });
    expect(coordinator.describe('a')?.partitions.size).toBe(0);
  });

  test('a transaction past its timeout is aborted with a bumped epoch, fencing the producer', async () => {
    const init = await coordinator.initProducerId({ transactionalId: 'slow', transactionTimeoutMs: 5000, producerId: -1n, producerEpoch: -1 });
    await coordinator.addPartitions('slow', init.producerId, 0, [{ topic: 't', partitions: [1] }]);
    clock += 4000;
    await coordinator.abortTimedOut();
    expect(coordinator.describe('slow')?.state).toBe('Ongoing');
    clock += 2000;
    await coordinator.abortTimedOut();
    expect(coordinator.describe('slow')).toMatchObject({ state: 'CompleteAbort', producerEpoch: 1 });
    expect(await markers(1)).toEqual([{ type: 0, epoch: 1 }]);
    expect(completions).toEqual([[init.producerId, false]]);
    expect((await coordinator.endTransaction('slow', init.producerId, 0, true)).errorCode).toBe(ErrorCode.PRODUCER_FENCED);
    expect(await coordinator.addPartitions('slow', init.producerId, 0, [{ topic: 't', partitions: [1] }])).toBe(ErrorCode.PRODUCER_FENCED);
    // The producer's next instance continues past the fencing epoch.
    expect(await coordinator.initProducerId({ transactionalId: 'slow', transactionTimeoutMs: 5000, producerId: -1n, producerEpoch: -1 })).toMatchObject({
      producerEpoch: 2,
    });
  });

  test('idle transactional ids expire; open transactions do not', async () => {
    await coordinator.initProducerId({ transactionalId: 'idle', transactionTimeoutMs: 5000, producerId: -1n, producerEpoch: -1 });
    const busy = await coordinator.initProducerId({ transactionalId: 'busy', transactionTimeoutMs: 60000, producerId: -1n, producerEpoch: -1 });
    await coordinator.addPartitions('busy', busy.producerId, 0, [{ topic: 't', partitions: [0] }]);
    clock += CONFIG.idExpirationMs + 1;
    expect(await coordinator.expireIdleIds()).toBe(1);
    expect(coordinator.describe('idle')).toBeUndefined();
    expect(coordinator.describe('busy')?.state).toBe('Ongoing');
    await coordinator.shutdown();
    coordinator = await start();
    expect(coordinator.describe('idle')).toBeUndefined();
    expect(coordinator.list().map((m) => m.transactionalId)).toEqual(['busy']);
  });

  test('idle transactional ids are looked for every transaction.remove.expired.transaction.cleanup.interval.ms, until shutdown', async () => {
    await coordinator.shutdown();
    jest.useFakeTimers({ doNotFake: ['nextTick', 'setImmediate', 'queueMicrotask'] });
    try {
      coordinator = await start({ ...CONFIG, idExpirationCheckIntervalMs: 5000 });
      await coordinator.initProducerId({ transactionalId: 'forgotten', transactionTimeoutMs: 5000, producerId: -1n, producerEpoch: -1 });
      const passes = jest.spyOn(coordinator, 'expireIdleIds');
      clock += CONFIG.idExpirationMs + 1;
      jest.advanceTimersByTime(4999);
      expect(passes).not.toHaveBeenCalled();
      jest.advanceTimersByTime(1);
      expect(passes).toHaveBeenCalledTimes(1);
      expect(await passes.mock.results[0].value).toBe(1);
      expect(coordinator.describe('forgotten')).toBeUndefined();
      await coordinator.shutdown();
      jest.advanceTimersByTime(50_000);
      expect(passes).toHaveBeenCalledTimes(1);
    } finally {
      jest.useRealTimers();
    }
  });

  test('under protocol 2 each commit bumps the epoch and the markers carry it; an exhausted epoch moves to a new id', async () => {
    const init = await coordinator.initProducerId({ transactionalId: 'v2', transactionTimeoutMs: 5000, producerId: -1n, producerEpoch: -1 });
    expect(await coordinator.addPartitions('v2', init.producerId, 0, [{ topic: 't', partitions: [0] }], TV_2)).toBe(0);
    expect(await coordinator.endTransaction('v2', init.producerId, 0, true, TV_2)).toEqual({ errorCode: 0, producerId: init.producerId, producerEpoch: 1 });
    expect(await markers(0)).toEqual([{ type: 1, epoch: 1 }]);
    expect(coordinator.describe('v2')).toMatchObject({ state: 'CompleteCommit', producerEpoch: 1, lastProducerEpoch: 0, clientTransactionVersion: 2 });

    const meta = coordinator.describe('v2');
    if (meta === undefined) throw new Error('unknown');
    meta.producerEpoch = 32766;
    await coordinator.addPartitions('v2', init.producerId, 32766, [{ topic: 't', partitions: [1] }], TV_2);
    const rotated = await coordinator.endTransaction('v2', init.producerId, 32766, false, TV_2);
    expect(rotated).toMatchObject({ errorCode: 0, producerEpoch: 0 });
    expect(rotated.producerId).not.toBe(init.producerId);
    expect(await markers(1)).toEqual([{ type: 0, epoch: 32767 }]);
    // The new id and its Complete state survive a restart.
    await coordinator.shutdown();
    coordinator = await start();
    expect(coordinator.describe('v2')).toMatchObject({
      state: 'CompleteAbort',
      producerId: rotated.producerId,
      producerEpoch: 0,
      previousProducerId: init.producerId,
    });
  });

  test('producer ids come from blocks reserved on disk, so a restart never reuses one', async () => {
    const a = await ProducerIdManager.open(dir, silentLogger());
    const first = await Promise.all([a.nextId(), a.nextId(), a.nextId()]);
    expect(new Set(first).size).toBe(3);
    const b = await ProducerIdManager.open(dir, silentLogger());
    const next = await b.nextId();
    // The first manager reserved [0, 1000); the second starts at the next block.
    expect(next).toBe(PRODUCER_ID_BLOCK_SIZE);
    expect(first.every((id) => id < next)).toBe(true);
  });
});
