// Gives memory back to the system once a load has passed. Under a high allocation rate (thousands of connections a
// second, large produce bursts) V8 grows its young generation to its largest size (two 16 MiB semi-spaces on
// Node 20) and its old generation by the pages the load touched, and keeps them after the load ends: its own
// memory reducer only runs once allocation looks slow, which it measures at garbage collections, and an idle
// process collects nothing, so it waits for its 30 s watchdog at best (RSS stayed 45 MB above idle 15 s after a
// hostile burst). This runs a full collection when the process has gone quiet after its heap grew, and a second one
// 7 s later: together they shrink the young generation back to its smallest size and free emptied old-space pages.
// Each costs a few milliseconds on a heap of idle size, and neither runs while the event loop is busy.
import { getHeapStatistics, setFlagsFromString } from 'v8';
import { runInNewContext } from 'vm';
import { performance, type EventLoopUtilization } from 'perf_hooks';

export interface HeapTrimOptions {
  /** How often the load is looked at. */
  readonly checkEveryMs: number;
  /** Event-loop utilisation (0..1) under which an interval counts as quiet. */
  readonly quietUtilization: number;
  /** Quiet intervals in a row before a collection: the load must have really stopped. */
  readonly quietChecks: number;
  /** Growth of V8's committed heap since the last collection (or the start) that is worth giving back. */
  readonly minGrowthBytes: number;
  /**
   * Quiet intervals after a collection before the second one. V8 shrinks its young generation only at a collection
   * that finds the allocation rate low over the last 5 s; the first collection still counts what the load
   * allocated since the one before it, the second (with nothing allocated in between) does not.
   */
  readonly followUpQuietChecks: number;
}

export const DEFAULT_HEAP_TRIM: HeapTrimOptions = {
  checkEveryMs: 1000,
  quietUtilization: 0.05,
  quietChecks: 3,
  minGrowthBytes: 8 * 1024 * 1024,
  followUpQuietChecks: 7,
};

/** What the trim saw at one check; pure input to `nextTrimStep`. */
export interface HeapTrimSample {
  readonly utilization: number;
  /** V8's committed heap plus the external memory its objects hold (buffers): what a full collection can free. */
  readonly committedHeapBytes: number;
}

/** The state carried from one check to the next. */
export interface HeapTrimState {
  readonly quietInARow: number;
  /** V8's committed heap after the last collection this ran, or at start. */
  readonly floorBytes: number;
  /** A collection ran and its follow-up has not yet. */
  readonly followUpDue: boolean;
}

export function initialTrimState(committedHeapBytes: number): HeapTrimState {
  return { quietInARow: 0, floorBytes: committedHeapBytes, followUpDue: false };
}

/** Whether to collect now, and the state for the next check. */
export function nextTrimStep(options: HeapTrimOptions, state: HeapTrimState, sample: HeapTrimSample): { collect: boolean; state: HeapTrimState } {
  const quietInARow = sample.utilization < options.quietUtilization ? state.quietInARow + 1 : 0;
  // A heap that shrank by itself (V8's memory reducer got there first) lowers the floor.
  const floorBytes = Math.min(state.floorBytes, sample.committedHeapBytes);
  if (state.followUpDue && quietInARow >= options.followUpQuietChecks) {
    return { collect: true, state: { quietInARow: 0, floorBytes, followUpDue: false } };
  }
  const grown = sample.committedHeapBytes - floorBytes >= options.minGrowthBytes;
  if (quietInARow >= options.quietChecks && grown) return { collect: true, state: { quietInARow: 0, floorBytes, followUpDue: true } };
  return { collect: false, state: { quietInARow, floorBytes, followUpDue: state.followUpDue } };
}

type Collect = () => void;

/**
 * V8's full collection, as `--expose-gc` gives it, without exposing `gc` to the broker's own global scope: the
 * flag is set only while a fresh context is created to fetch it (the way test runners get it).
 */
function fullCollection(): Collect | null {
  const existing = (globalThis as { gc?: unknown }).gc;
  if (typeof existing === 'function') return existing as Collect;
  try {
    setFlagsFromString('--expose-gc');
    const gc = runInNewContext('gc') as unknown;
    return typeof gc === 'function' ? (gc as Collect) : null;
  } catch {
    return null;
  } finally {
    setFlagsFromString('--no-expose-gc');
  }
}

export interface HeapTrimEvent {
  readonly committedBefore: number;
  readonly committedAfter: number;
  readonly ms: number;
}

export interface HeapTrim {
  /** Collections run so far. */
  readonly trims: number;
  stop(): void;
}

/** Starts watching; `onTrim` hears about each collection (the broker logs it at debug). */
/** See HeapTrimSample.committedHeapBytes: dead Buffers are freed only by a collection too. */
function heldBytes(): number {
  const heap = getHeapStatistics();
  return heap.total_heap_size + heap.external_memory;
}

/** `beforeCollect` runs right before each collection: what it lets go is freed by that collection. */
export function startHeapTrim(onTrim: (event: HeapTrimEvent) => void, options: HeapTrimOptions = DEFAULT_HEAP_TRIM, beforeCollect?: () => void): HeapTrim {
  // Fetched at the first trim, not on the start path: creating a context costs a millisecond or two.
  let collect: Collect | null | undefined;
  let trims = 0;
  let state = initialTrimState(heldBytes());
  let lastElu: EventLoopUtilization = performance.eventLoopUtilization();
  const check = (): void => {
    const elu = performance.eventLoopUtilization();
    const utilization = performance.eventLoopUtilization(elu, lastElu).utilization;
    lastElu = elu;
    const step = nextTrimStep(options, state, { utilization, committedHeapBytes: heldBytes() });
    state = step.state;
    if (!step.collect) return;
    if (collect === undefined) collect = fullCollection();
    if (collect === null) return;
    const started = performance.now();
    const committedBefore = heldBytes();
    beforeCollect?.();
    collect();
    const committedAfter = heldBytes();
    state = { ...state, floorBytes: committedAfter };
    trims++;
    onTrim({ committedBefore, committedAfter, ms: performance.now() - started });
  };
  const timer = setInterval(check, options.checkEveryMs);
  timer.unref();
  return {
    get trims() {
      return trims;
    },
    stop: () => clearInterval(timer),
  };
}
