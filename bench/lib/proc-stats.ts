// Process memory and CPU time from /proc (Linux): resident set size now and its peak, and the CPU time a server
// has used so far (all its threads: a JVM's GC and I/O threads count as much as Node's main thread).
import { execFileSync } from 'child_process';
import * as fs from 'fs';

function statusField(pid: number, field: string): number | undefined {
  try {
    const text = fs.readFileSync(`/proc/${pid}/status`, 'utf8');
    const m = new RegExp(`^${field}:\\s+(\\d+) kB`, 'm').exec(text);
    return m ? Number(m[1]) * 1024 : undefined;
  } catch {
    return undefined;
  }
}

export function rssBytes(pid: number): number | undefined {
  return statusField(pid, 'VmRSS');
}

export function peakRssBytes(pid: number): number | undefined {
  return statusField(pid, 'VmHWM');
}

let clockTicksPerSecond: number | undefined;

function ticksPerSecond(): number {
  if (clockTicksPerSecond === undefined) {
    try {
      clockTicksPerSecond = Number(execFileSync('getconf', ['CLK_TCK']).toString().trim()) || 100;
    } catch {
      clockTicksPerSecond = 100;
    }
  }
  return clockTicksPerSecond;
}

/**
 * User + system CPU time of the whole process (every thread), in ms; undefined once it is gone.
 *
 * /proc/PID/stat counts in 10 ms clock ticks, so a 100 ms run read that way is off by up to a fifth. Each thread's
 * schedstat gives its time on CPU in nanoseconds instead, so the figure is the sum over the threads, plus the last
 * reading of every thread seen before that has since exited (a JVM retires compiler and GC threads). Threads that
 * exited before the first reading of a process are estimated from its ticks once. A thread that started and ended
 * between two readings is only in the process's ticks, which round down: the figure is never below them.
 */
export function cpuMs(pid: number): number | undefined {
  const processTicks = tickCpuMs(`/proc/${pid}/stat`);
  if (processTicks === undefined) {
    threadClocks.delete(pid);
    return undefined;
  }
  const live = threadCpuMs(pid);
  if (live === undefined) return processTicks;
  let known = threadClocks.get(pid);
  if (known === undefined) {
    let liveTicks = 0;
    for (const tid of live.keys()) liveTicks += tickCpuMs(`/proc/${pid}/task/${tid}/stat`) ?? 0;
    known = { exitedMs: Math.max(0, processTicks - liveTicks), last: live };
    threadClocks.set(pid, known);
  }
  for (const [tid, ms] of known.last) if (!live.has(tid)) known.exitedMs += ms;
  known.last = live;
  let total = known.exitedMs;
  for (const ms of live.values()) total += ms;
  // Threads born and gone between two readings are in the ticks only; the ticks round down, so the larger is nearer.
  return Math.max(total, processTicks);
}

/** Per process: the CPU time of its threads that have exited, and each live thread's last reading. */
const threadClocks = new Map<number, { exitedMs: number; last: Map<string, number> }>();

/** Each live thread's time on CPU from /proc/PID/task/TID/schedstat (first field, ns), in ms; undefined without it. */
function threadCpuMs(pid: number): Map<string, number> | undefined {
  const out = new Map<string, number>();
  let tids: string[];
  try {
    tids = fs.readdirSync(`/proc/${pid}/task`);
  } catch {
    return undefined;
  }
  for (const tid of tids) {
    try {
      const ns = Number(fs.readFileSync(`/proc/${pid}/task/${tid}/schedstat`, 'utf8').split(' ')[0]);
      if (Number.isFinite(ns)) out.set(tid, ns / 1e6);
    } catch {
      // The thread ended between the listing and this read: the next reading counts it as exited.
    }
  }
  return out.size > 0 ? out : undefined;
}

/** utime + stime of a /proc stat file (a process's or one thread's), in ms. */
function tickCpuMs(statPath: string): number | undefined {
  try {
    const stat = fs.readFileSync(statPath, 'utf8');
    // Fields after the parenthesised command name start at field 3 (state); utime and stime are fields 14 and 15.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return ((Number(fields[11]) + Number(fields[12])) * 1000) / ticksPerSecond();
  } catch {
    return undefined;
  }
}
