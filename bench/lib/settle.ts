// Waits for the servers under test to go quiet before a measured run. A JVM keeps working for seconds after a burst
// of requests: its C2 compiler thread compiles what the run just executed (the reference Kafka's passed 7 s of CPU
// within the first minutes of the throughput section), and G1 collects. On this 2-core machine, with the client on
// one core, that is CPU taken from whichever server runs next; when the targets ran in a fixed order, always the
// same one (Eddy, right after Kafka). The throughput section now also rotates the order each run.
import { cpuMs } from './proc-stats';

export interface SettleOptions {
  /** Length of one look at the servers' CPU use. */
  readonly windowMs: number;
  /** Quiet: all servers together used less than this share of one core during a window. */
  readonly busyShare: number;
  /** Give up waiting after this long (a server that never goes quiet is measured as it is). */
  readonly timeoutMs: number;
}

export const DEFAULT_SETTLE: SettleOptions = { windowMs: 100, busyShare: 0.05, timeoutMs: 3000 };

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

function totalCpuMs(pids: readonly number[]): number {
  let total = 0;
  for (const pid of pids) total += cpuMs(pid) ?? 0;
  return total;
}

/** Waits until the processes `pids` are quiet (or the timeout passes); returns the ms waited. */
export async function untilQuiet(pids: readonly number[], options: SettleOptions = DEFAULT_SETTLE): Promise<number> {
  const started = Date.now();
  let before = totalCpuMs(pids);
  for (;;) {
    const windowStart = Date.now();
    await sleep(options.windowMs);
    const after = totalCpuMs(pids);
    const elapsed = Date.now() - windowStart;
    if (after - before < elapsed * options.busyShare) return Date.now() - started;
    if (Date.now() - started >= options.timeoutMs) return Date.now() - started;
    before = after;
  }
}
