// The shared parking place of long-polling fetches: woken by an append to one of their partitions, their deadline
// or their connection's end, each exactly once, and leaving no subscription behind.
import { FetchWaits } from '../../../src/api/fetch-waits';
import type { PartitionLog } from '../../../storage';

/** The part of a PartitionLog a wait uses: append subscriptions. */
class FakeLog {
  readonly listeners = new Set<() => void>();
  onAppend(listener: () => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }
  append(): void {
    for (const l of [...this.listeners]) l();
  }
  asLog(): PartitionLog {
    return this as unknown as PartitionLog;
  }
}

/** Resolves with whether `p` settled within a few event-loop turns. */
async function settled(p: Promise<void>): Promise<boolean> {
  let done = false;
  void p.then(() => (done = true));
  for (let i = 0; i < 5; i++) await new Promise((r) => setImmediate(r));
  return done;
}

describe('FetchWaits', () => {
  test('an append to any of the logs wakes the wait and removes its subscriptions', async () => {
    const waits = new FetchWaits();
    const a = new FakeLog();
    const b = new FakeLog();
    const wait = waits.wait([a.asLog(), b.asLog()], Date.now() + 60_000, new AbortController().signal);
    expect(await settled(wait)).toBe(false);
    b.append();
    expect(await settled(wait)).toBe(true);
    expect(a.listeners.size).toBe(0);
    expect(b.listeners.size).toBe(0);
    expect(waits.waiting).toBe(0);
  });

  test('the deadline wakes a wait no sooner than it, in deadline order', async () => {
    let now = 1_000;
    const waits = new FetchWaits(() => now);
    const log = new FakeLog();
    const order: string[] = [];
    const stop = new AbortController().signal;
    const late = waits.wait([log.asLog()], 1_020, stop).then(() => order.push('late'));
    const early = waits.wait([log.asLog()], 1_005, stop).then(() => order.push('early'));
    // The timer fires, but the injected clock says neither deadline has passed: nothing may wake.
    await new Promise((r) => setTimeout(r, 30));
    expect(order).toEqual([]);
    now = 1_010;
    await new Promise((r) => setTimeout(r, 30));
    expect(order).toEqual(['early']);
    now = 1_020;
    await Promise.all([late, early]);
    expect(order).toEqual(['early', 'late']);
    expect(log.listeners.size).toBe(0);
  });

  test("the connection's end wakes all of its waits and only those", async () => {
    const waits = new FetchWaits();
    const log = new FakeLog();
    const closing = new AbortController();
    const other = new AbortController();
    const deadline = Date.now() + 60_000;
    const first = waits.wait([log.asLog()], deadline, closing.signal);
    const second = waits.wait([log.asLog()], deadline, closing.signal);
    const elsewhere = waits.wait([log.asLog()], deadline, other.signal);
    closing.abort();
    expect(await settled(first)).toBe(true);
    expect(await settled(second)).toBe(true);
    expect(await settled(elsewhere)).toBe(false);
    expect(waits.waiting).toBe(1);
    other.abort();
    expect(await settled(elsewhere)).toBe(true);
  });

  test('a stopped connection or a passed deadline answers at once', async () => {
    const waits = new FetchWaits();
    const log = new FakeLog();
    const stopped = new AbortController();
    stopped.abort();
    expect(await settled(waits.wait([log.asLog()], Date.now() + 60_000, stopped.signal))).toBe(true);
    expect(await settled(waits.wait([log.asLog()], Date.now() - 1, new AbortController().signal))).toBe(true);
    expect(log.listeners.size).toBe(0);
  });

  test('thousands of woken waits do not pile up behind one long wait', async () => {
    const waits = new FetchWaits();
    const log = new FakeLog();
    const stop = new AbortController();
    const long = waits.wait([log.asLog()], Date.now() + 600_000, new AbortController().signal);
    const short: Array<Promise<void>> = [];
    for (let i = 0; i < 5_000; i++) short.push(waits.wait([new FakeLog().asLog()], Date.now() + 60_000, stop.signal));
    stop.abort();
    await Promise.all(short);
    expect(waits.waiting).toBe(1);
    expect((waits as unknown as { heap: unknown[] }).heap.length).toBeLessThan(2_100);
    log.append();
    await long;
  });
});
