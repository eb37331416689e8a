import { atWallClock } from '../../../src/faults/fault-injector';

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

afterEach(() => jest.restoreAllMocks());

test('a timer that fires before Date.now() reaches the due time waits for the rest instead of running early', async () => {
  let now = 1000;
  jest.spyOn(Date, 'now').mockImplementation(() => now);
  const timers: NodeJS.Timeout[] = [];
  let runs = 0;
  atWallClock(timers, 1010, () => runs++);
  // The timer's own clock reaches 10 ms while the wall clock still says 1009.
  now = 1009;
  await sleep(40);
  expect(runs).toBe(0);
  expect(timers.length).toBeGreaterThan(1);
  now = 1010;
  await sleep(40);
  expect(runs).toBe(1);
  for (const t of timers) clearTimeout(t);
});

test('a due time already passed runs on the next turn of the loop', async () => {
  jest.spyOn(Date, 'now').mockImplementation(() => 5000);
  const timers: NodeJS.Timeout[] = [];
  let runs = 0;
  atWallClock(timers, 4000, () => runs++);
  expect(runs).toBe(0);
  await sleep(5);
  expect(runs).toBe(1);
  expect(timers).toHaveLength(1);
});
