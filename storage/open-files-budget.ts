// How many segment files the descriptor pool may hold open when the broker is not told.
//
// Why: each file the pool closes to make room is opened again on its partition's next write, and a producer's
// first batch to each of N partitions, N above the pool, paid a synchronous open plus an asynchronous close per
// partition (the bench's 1,000-partition row: 0.21 s against librdkafka's mock at 0.085 s). Kafka keeps every
// segment file open and asks for a high descriptor limit; Node raises its soft limit to the hard one at start
// (20,000 on this machine, 1,048,576 under Docker's defaults), so the pool may follow the limit and leave the
// other half to connections and everything else.
import * as fs from 'fs';

/** The floor, and the value where the limit cannot be read: well inside a default 1,024 ulimit. */
export const MIN_OPEN_SEGMENT_FILES = 512;
/** Past this, a file per partition is already open for 8,192 partitions; more buys little and costs kernel memory. */
export const MAX_OPEN_SEGMENT_FILES = 8192;

/** Half of the process's open-files soft limit, within [MIN, MAX]; `limitsText` is /proc/self/limits (Linux). */
export function openSegmentFilesBudget(limitsText: string | null): number {
  const soft = limitsText === null ? null : softOpenFilesLimit(limitsText);
  if (soft === null) return MIN_OPEN_SEGMENT_FILES;
  return Math.min(MAX_OPEN_SEGMENT_FILES, Math.max(MIN_OPEN_SEGMENT_FILES, Math.floor(soft / 2)));
}

function softOpenFilesLimit(limitsText: string): number | null {
  const line = limitsText.split('\n').find((l) => l.startsWith('Max open files'));
  const soft = line?.slice('Max open files'.length).trim().split(/\s+/)[0];
  if (soft === undefined) return null;
  if (soft === 'unlimited') return Number.MAX_SAFE_INTEGER;
  const n = Number(soft);
  return Number.isInteger(n) && n > 0 ? n : null;
}

/** The budget for this process: reads /proc/self/limits where there is one. */
export function defaultOpenSegmentFiles(): number {
  return openSegmentFilesBudget(readLimits());
}

function readLimits(): string | null {
  try {
    return fs.readFileSync('/proc/self/limits', 'utf8');
  } catch {
    return null;
  }
}
