// Startup (process start to the first successful ApiVersions answer), idle memory, and memory after a large
// volume was produced and consumed (it must stay bounded: Eddy keeps data on disk, not in memory).
import * as fs from 'fs';
import * as path from 'path';
import type { BenchContext } from '../lib/context';
import { num } from '../lib/line-child';
import { peakRssBytes, rssBytes } from '../lib/proc-stats';
import { record, section, Section } from '../lib/results';
import { spawnTracked } from '../lib/processes';
import { startEddy, startMock, startNullSinkProcess, Target, TargetName, topicName } from '../lib/targets';

const MB = 1024 * 1024;

export function startupSection(): Section {
  return section('startup', 'Startup and memory', [
    { key: 'eddy', label: 'Eddy' },
    { key: 'mock', label: 'mock' },
    { key: 'null', label: 'null sink' },
  ]);
}

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

async function startFresh(ctx: BenchContext, target: TargetName, label: string): Promise<Target> {
  if (target === 'eddy') return startEddy({ workDir: ctx.workDir, label, admin: ctx.rdkafka });
  if (target === 'mock') return startMock();
  return startNullSinkProcess();
}

/** Spawn to exit of `node -e 0`: what any Node.js server pays before its own code runs, on this machine. */
function nodeBaselineMs(): Promise<number> {
  const started = process.hrtime.bigint();
  const child = spawnTracked(process.execPath, ['-e', '0'], { stdio: 'ignore' });
  return new Promise((resolve, reject) => {
    child.once('error', reject);
    child.once('exit', () => resolve(Number(process.hrtime.bigint() - started) / 1e6));
  });
}

export async function runStartup(ctx: BenchContext, out: Section): Promise<void> {
  // Startup figures are short and the machine is shared: 15 interleaved starts per target give a stable median.
  const starts = ctx.quick ? 2 : 15;
  for (let i = 0; i < starts; i++) {
    ctx.progress(`startup ${i + 1}/${starts}`);
    record(out, 'baseline: spawn → exit of `node -e 0` (no server)', 'ms', 'eddy', await nodeBaselineMs());
    for (const name of ['eddy', 'mock', 'null'] as const) {
      const t = await startFresh(ctx, name, `startup-${i}`);
      record(out, 'startup: spawn → first ApiVersions answer (empty data dir)', 'ms', name, t.startupMs);
      await sleep(ctx.quick ? 500 : 1000);
      const rss = rssBytes(t.pid);
      if (rss !== undefined) record(out, `idle RSS ${ctx.quick ? 0.5 : 1} s after start`, 'MB', name, rss / MB);
      await t.stop();
      if ('dataDir' in t && typeof t.dataDir === 'string') fs.rmSync(t.dataDir, { recursive: true, force: true });
    }
  }
}

/** Produces `volume` bytes of 1 KB records into 8 partitions, reads them all back, then samples Eddy's memory. */
export async function runMemory(ctx: BenchContext, out: Section): Promise<void> {
  const volumeBytes = ctx.quick ? 100 * MB : 1024 * MB;
  const label = ctx.quick ? '100 MB (--quick)' : '1 GB';
  const eddy = await startEddy({ workDir: ctx.workDir, label: 'memory', admin: ctx.rdkafka });
  try {
    const topic = topicName(['memory'], 8);
    await eddy.createTopic(topic, 8);
    await sleep(500);
    const idle = rssBytes(eddy.pid);
    const count = Math.floor(volumeBytes / 1000);
    ctx.progress(`memory: producing ${label} into Eddy`);
    await ctx.rdkafka.run({
      kind: 'produce',
      bootstrap: eddy.bootstrap,
      topic,
      partitions: 8,
      size: 1000,
      acks: 1,
      compression: 'none',
      count,
      maxSeconds: 600,
    });
    const afterProduce = rssBytes(eddy.pid);
    // Twice: what the first pass leaves behind must not grow on the second (read buffers are recycled).
    const passes: Array<{ rss: number | undefined; recordsPerSecond: number }> = [];
    for (let pass = 1; pass <= 2; pass++) {
      ctx.progress(`memory: consuming ${label} from Eddy (pass ${pass}/2)`);
      const res = await ctx.rdkafka.run({ kind: 'consume', bootstrap: eddy.bootstrap, topic, partitions: 8, expected: count, maxSeconds: 600 });
      if (res.complete !== true) throw new Error(`memory run consumed ${String(res.records)} of ${count}`);
      await sleep(2000);
      passes.push({ rss: rssBytes(eddy.pid), recordsPerSecond: num(res, 'records') / num(res, 'seconds') });
    }
    const peak = peakRssBytes(eddy.pid);
    if (idle !== undefined) record(out, `RSS before the ${label} run (topic created)`, 'MB', 'eddy', idle / MB);
    if (afterProduce !== undefined) record(out, `RSS after producing ${label}`, 'MB', 'eddy', afterProduce / MB);
    const [first, second] = passes;
    if (first.rss !== undefined) record(out, `RSS after producing + consuming ${label}, 2 s idle`, 'MB', 'eddy', first.rss / MB);
    if (second.rss !== undefined) record(out, `RSS after consuming ${label} a second time, 2 s idle`, 'MB', 'eddy', second.rss / MB);
    if (peak !== undefined) record(out, `peak RSS during the ${label} run`, 'MB', 'eddy', peak / MB);
    record(out, `consume ${label} from offset 0 (1 KB, p8)`, 'rec/s', 'eddy', first.recordsPerSecond, 1000);
    const onDisk = dirSize(eddy.dataDir);
    record(out, `data dir after ${label}`, 'MB', 'eddy', onDisk / MB);
  } finally {
    await eddy.stop();
    fs.rmSync(eddy.dataDir, { recursive: true, force: true });
  }
  if (ctx.quick) out.notes.push('--quick: 100 MB instead of 1 GB for the memory run.');
}

function dirSize(dir: string): number {
  let total = 0;
  for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
    const p = path.join(dir, entry.name);
    if (entry.isDirectory()) total += dirSize(p);
    else if (entry.isFile()) total += fs.statSync(p).size;
  }
  return total;
}
