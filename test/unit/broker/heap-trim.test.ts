// When the broker gives memory back after a load: only once the event loop has been quiet for a few checks in a
// row, and only when V8's heap grew by enough since the last time to be worth a full collection.
import { DEFAULT_HEAP_TRIM, HeapTrimState, initialTrimState, nextTrimStep, startHeapTrim, type HeapTrimOptions } from '../../../src/broker/heap-trim';

const MB = 1024 * 1024;
const options = { ...DEFAULT_HEAP_TRIM, quietChecks: 3, minGrowthBytes: 8 * MB, quietUtilization: 0.05, followUpQuietChecks: 2 };

function run(samples: ReadonlyArray<[number, number]>, floorBytes = 10 * MB): boolean[] {
  let state: HeapTrimState = initialTrimState(floorBytes);
  return samples.map(([utilization, heapMb]) => {
    const step = nextTrimStep(options, state, { utilization, committedHeapBytes: heapMb * MB });
    state = step.state;
    return step.collect;
  });
}

describe('heap trim', () => {
  it('collects after the given number of quiet checks once the heap grew, then not again until it grows again', () => {
    const busy: [number, number] = [0.9, 50];
    const quiet: [number, number] = [0.01, 50];
    const settled: [number, number] = [0.01, 12];
    expect(run([busy, busy, quiet, quiet, quiet, settled, settled, settled, settled])).toEqual([false, false, false, false, true, false, true, false, false]);
  });

  it('follows a collection with a second one after more quiet checks, once, and only while quiet', () => {
    expect(
      run([
        [0, 50],
        [0, 50],
        [0, 50],
        [0, 12],
        [0.5, 12],
        [0, 12],
        [0, 12],
        [0, 12],
      ]),
    ).toEqual([false, false, true, false, false, false, true, false]);
  });

  it('never collects while the loop is busy, however large the heap', () => {
    expect(run(Array.from({ length: 20 }, (): [number, number] => [0.5, 80]))).toEqual(Array.from({ length: 20 }, () => false));
  });

  it('leaves a heap alone that grew less than the threshold', () => {
    expect(run(Array.from({ length: 6 }, (): [number, number] => [0, 15]))).toEqual(Array.from({ length: 6 }, () => false));
  });

  it('starts counting quiet checks again after a busy one', () => {
    expect(
      run([
        [0, 50],
        [0, 50],
        [0.5, 50],
        [0, 50],
        [0, 50],
        [0, 50],
      ]),
    ).toEqual([false, false, false, false, false, true]);
  });

  it('measures growth from a heap that shrank by itself', () => {
    // V8 shrank the heap to 6 MB on its own; 15 MB is then 9 MB of growth.
    expect(
      run([
        [0.5, 6],
        [0, 15],
        [0, 15],
        [0, 15],
      ]),
    ).toEqual([false, false, false, true]);
  });

  it('runs on an unref-ed timer and stops', () => {
    const trim = startHeapTrim(() => undefined, { ...options, checkEveryMs: 10 });
    expect(trim.trims).toBe(0);
    trim.stop();
  });

  it('lets go of what the hook releases right before its collection', async () => {
    const released: number[] = [];
    const quiet: HeapTrimOptions = { ...options, checkEveryMs: 20, quietUtilization: 1.01, quietChecks: 1, minGrowthBytes: 0 };
    const trims: number[] = [];
    const trim = startHeapTrim(
      () => trims.push(released.length),
      quiet,
      () => released.push(Date.now()),
    );
    await new Promise((resolve) => setTimeout(resolve, 200));
    trim.stop();
    expect(trim.trims).toBeGreaterThan(0);
    // Each collection saw its hook run first.
    expect(trims.every((hooksBefore, i) => hooksBefore === i + 1)).toBe(true);
  });
});
