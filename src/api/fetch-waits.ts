// Where long-polling fetches wait: until an append to one of their partitions, their max_wait_ms deadline, or the
// end of their connection. At 10,000 fetches a second (a consumer caught up with a producer sending one record per
// request) each wait used to cost a timer of its own and an 'abort' listener on the connection's AbortSignal,
// about 10 µs of the ~30 µs a record cost the broker. Here every wait shares one timer armed for the earliest
// deadline (deadlines come in increasing order, so the timer is rarely re-armed), and each connection's signal
// gets one 'abort' listener for all the waits it ever has. Like Kafka's purgatory, a wait woken by data stays in
// the deadline heap until its deadline passes, holding nothing but its deadline.
import type { PartitionLog } from '../../storage';

/** One parked fetch; its references are dropped as soon as it is woken. */
interface Waiter {
  readonly deadline: number;
  resolve: (() => void) | null;
  unsubscribers: Array<() => void> | null;
  stop: AbortSignal | null;
}

/** Above this many woken waits left in the heap (and more than the waiting ones), the heap is rebuilt without them. */
const COMPACT_ABOVE = 1024;

export class FetchWaits {
  /** Min-heap by deadline; woken waits stay until they reach the top or a compaction drops them. */
  private heap: Waiter[] = [];
  private wokenInHeap = 0;
  private timer: NodeJS.Timeout | null = null;
  private armedFor = Number.POSITIVE_INFINITY;
  /**
   * The connections' signals given their one 'abort' listener. Their waits are found in the heap when one aborts (a
   * closing connection, rare) rather than kept in a Set per connection: a Set added to and emptied at the fetch
   * rate allocates a new hash table in the old generation each time (see storage/append-listeners.ts).
   */
  private readonly watched = new WeakSet<AbortSignal>();

  constructor(private readonly now: () => number = Date.now) {}

  /** Waits still parked (woken ones not counted). */
  get waiting(): number {
    return this.heap.length - this.wokenInHeap;
  }

  /** Resolves on the first append to any of `logs`, at `deadline` (a `now()` time), or when `stop` aborts. */
  wait(logs: readonly PartitionLog[], deadline: number, stop: AbortSignal): Promise<void> {
    if (stop.aborted || deadline <= this.now()) return Promise.resolve();
    return new Promise((resolve) => {
      const waiter: Waiter = { deadline, resolve, unsubscribers: null, stop };
      const wake = (): void => this.wake(waiter);
      const unsubscribers: Array<() => void> = [];
      for (const log of logs) unsubscribers.push(log.onAppend(wake));
      waiter.unsubscribers = unsubscribers;
      this.watch(stop);
      this.push(waiter);
    });
  }

  private watch(stop: AbortSignal): void {
    if (this.watched.has(stop)) return;
    this.watched.add(stop);
    stop.addEventListener('abort', () => {
      for (const w of this.heap.filter((waiter) => waiter.stop === stop)) this.wake(w);
    });
  }

  private wake(waiter: Waiter): void {
    const resolve = waiter.resolve;
    if (resolve === null) return;
    waiter.resolve = null;
    for (const unsubscribe of waiter.unsubscribers ?? []) unsubscribe();
    waiter.unsubscribers = null;
    waiter.stop = null;
    this.wokenInHeap++;
    resolve();
    if (this.wokenInHeap > COMPACT_ABOVE && this.wokenInHeap * 2 > this.heap.length) this.compact();
    // Only woken waits left: the timer stays armed (re-arming it for the next wait would cost what it saves) but
    // no longer keeps the process alive.
    if (this.waiting === 0) this.timer?.unref();
  }

  /** Wakes every wait whose deadline has passed, then arms the timer for the next one. */
  private expire(): void {
    this.timer = null;
    this.armedFor = Number.POSITIVE_INFINITY;
    const now = this.now();
    while (this.heap.length > 0 && this.heap[0].deadline <= now) {
      const top = this.pop();
      if (top.resolve === null) this.wokenInHeap--;
      else {
        this.wake(top);
        this.wokenInHeap--;
      }
    }
    this.dropWokenTops();
    this.arm();
  }

  private dropWokenTops(): void {
    while (this.heap.length > 0 && this.heap[0].resolve === null) {
      this.pop();
      this.wokenInHeap--;
    }
  }

  /** The timer for the earliest deadline; none while nothing waits, so an idle broker has no timer running. */
  private arm(): void {
    if (this.heap.length === 0) {
      if (this.timer !== null) clearTimeout(this.timer);
      this.timer = null;
      this.armedFor = Number.POSITIVE_INFINITY;
      return;
    }
    const next = this.heap[0].deadline;
    if (this.timer !== null && this.armedFor <= next) {
      if (this.waiting > 0) this.timer.ref();
      return;
    }
    if (this.timer !== null) clearTimeout(this.timer);
    this.armedFor = next;
    this.timer = setTimeout(() => this.expire(), Math.max(1, next - this.now()));
    if (this.waiting === 0) this.timer.unref();
  }

  private compact(): void {
    const live = this.heap.filter((w) => w.resolve !== null);
    this.heap = [];
    this.wokenInHeap = 0;
    for (const w of live) this.siftUp(this.heap.push(w) - 1);
    this.arm();
  }

  private push(waiter: Waiter): void {
    this.siftUp(this.heap.push(waiter) - 1);
    this.arm();
  }

  private pop(): Waiter {
    const heap = this.heap;
    const top = heap[0];
    const last = heap.pop() as Waiter;
    if (heap.length > 0) {
      heap[0] = last;
      this.siftDown(0);
    }
    return top;
  }

  private siftUp(index: number): void {
    const heap = this.heap;
    let i = index;
    while (i > 0) {
      const parent = (i - 1) >> 1;
      if (heap[parent].deadline <= heap[i].deadline) break;
      [heap[parent], heap[i]] = [heap[i], heap[parent]];
      i = parent;
    }
  }

  private siftDown(index: number): void {
    const heap = this.heap;
    let i = index;
    for (;;) {
      const left = 2 * i + 1;
      const right = left + 1;
      let least = i;
      if (left < heap.length && heap[left].deadline < heap[least].deadline) least = left;
      if (right < heap.length && heap[right].deadline < heap[least].deadline) least = right;
      if (least === i) return;
      [heap[least], heap[i]] = [heap[i], heap[least]];
      i = least;
    }
  }
}
