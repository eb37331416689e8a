// Producer-id expiry on its own timer (Kafka's PeriodicProducerExpirationCheck), not only at a segment roll or a
// close: idle producers go at the first check past producer.id.expiration.ms, recent ones and open transactions
// stay, and the timer stops with the log manager. The clock is injected and the timers are jest's fake ones.
import { encodeRecordBatch } from '../../../codecs/records/record-batch';
import { silentLogger } from '../../../src/logger';
import { ProducerExpiry } from '../../../storage/producer-state-expiry';
import { openManager, removeDir, tempDir } from './helpers';

const T0 = 1_700_000_000_000;
const EXPIRATION_MS = 60_000;
const CHECK_MS = 10_000;

function producerBatch(producerId: bigint, timestamp: number, transactional = false): Buffer {
  return encodeRecordBatch({
    producerId,
    producerEpoch: 0,
    baseSequence: 0,
    transactional,
    baseTimestamp: BigInt(timestamp),
    records: [{ value: Buffer.from(`p${producerId}`) }],
  });
}

/** Timers and Date are faked; what promises and I/O callbacks run on is not. */
const FAKE_TIMERS: Parameters<typeof jest.useFakeTimers>[0] = { doNotFake: ['nextTick', 'setImmediate', 'queueMicrotask'] };

describe('producer id expiry on a timer', () => {
  let dir: string;

  beforeEach(() => {
    dir = tempDir('eddy-producer-expiry-');
  });

  afterEach(() => {
    jest.useRealTimers();
    removeDir(dir);
  });

  test('each check forgets producers idle past the expiration, keeping recent ones and open transactions', async () => {
    const manager = await openManager(dir, { producerIdExpirationMs: EXPIRATION_MS });
    try {
      await manager.createTopic('t', 1);
      const log = manager.partition('t', 0);
      if (log === undefined) throw new Error('no partition');
      await log.append(producerBatch(1n, T0));
      await log.append(producerBatch(2n, T0 + 50_000));
      await log.append(producerBatch(3n, T0, true));
      const known = (): bigint[] => log.producerStates().map((p) => p.producerId);

      let clock = T0 + EXPIRATION_MS + 1;
      const expiry = new ProducerExpiry({ logs: () => [log], logger: silentLogger(), now: () => clock });
      jest.useFakeTimers(FAKE_TIMERS);
      expiry.start(CHECK_MS);
      jest.advanceTimersByTime(CHECK_MS - 1);
      expect(known()).toEqual([1n, 2n, 3n]);
      jest.advanceTimersByTime(1);
      expect(known()).toEqual([2n, 3n]);

      clock = T0 + 50_000 + EXPIRATION_MS + 1;
      jest.advanceTimersByTime(CHECK_MS);
      // The producer whose transaction is open stays until its marker, however idle.
      expect(known()).toEqual([3n]);

      expiry.stop();
      expect(jest.getTimerCount()).toBe(0);
    } finally {
      jest.useRealTimers();
      await manager.close();
    }
  });

  test('the log manager runs the check every producer.id.expiration.check.interval.ms and stops it at close', async () => {
    jest.useFakeTimers(FAKE_TIMERS);
    const manager = await openManager(dir, { producerIdExpirationMs: EXPIRATION_MS, producerIdExpirationCheckIntervalMs: CHECK_MS });
    const checks = jest.spyOn(manager.producerExpiry, 'expireNow');
    jest.advanceTimersByTime(CHECK_MS - 1);
    expect(checks).not.toHaveBeenCalled();
    jest.advanceTimersByTime(1);
    expect(checks).toHaveBeenCalledTimes(1);
    jest.advanceTimersByTime(CHECK_MS);
    expect(checks).toHaveBeenCalledTimes(2);
    await manager.close();
    jest.advanceTimersByTime(10 * CHECK_MS);
    expect(checks).toHaveBeenCalledTimes(2);
  });
});
