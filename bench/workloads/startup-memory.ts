// Startup (process start to the first successful ApiVersions answer), idle memory, and memory after a large
// volume was produced and consumed (it must stay bounded: Eddy keeps data on disk, not in memory). Apache Kafka,
// when it is a target, runs the same steps: its figures are the JVM's, with the heap fixed at 512 MB.
import * as fs from 'fs';
import * as path from 'path';
import type { BenchContext } from '../lib/context';
import { num } from '../lib/line-child';
import { cpuMs, peakRssBytes, rssBytes } from '../lib/proc-stats';
import { record, section, Section } from '../lib/results';
import { spawnTracked } from '../lib/processes';
import { REFERENCE_KAFKA_HEAP_MB } from '../lib/reference-kafka';
import { ratiosToEddy, startTarget, Target, targetColumns, TargetName, topicName } from '../lib/targets';

const MB = 1024 * 1024;

export function startupSection(targets: readonly TargetName[]): Section {
  return section('startup', 'Startup and memory', targetColumns(targets), ratiosToEddy(targets, ['kafka']));
}

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

/** Spawn to exit of `node -e 0`: what any Node.js server pays before its own code runs, on this machine. */
function nodeBaselineMs(): Promise<number> {
  const started = process.hrtime.bigint();
  const child = spawnTracked(process.execPath, ['-e', '0'], { stdio: 'ignore' });
  return new Promise((resolve, reject) => {
    child.once('error', reject);
    child.once('exit', () => resolve(Number(process.hrtime.bigint() - started) / 1e6));
  });
}

async function stopAndClean(t: Target): Promise<void> {
  await t.stop();
  if (t.dataDir !== undefined) fs.rmSync(t.dataDir, { recursive: true, force: true });
}

const HEAP_NOTE = `Kafka: the broker JVM's own figures; its heap is fixed at ${REFERENCE_KAFKA_HEAP_MB} MB (-Xms = -Xmx), of which RSS counts only the pages the JVM has touched, plus metaspace, code cache, thread stacks and mapped index files.`;

export async function runStartup(ctx: BenchContext, out: Section): Promise<void> {
  // Startup figures are short and the machine is shared: 15 interleaved starts per target give a stable median.
  const starts = ctx.quick ? 2 : 15;
  for (let i = 0; i < starts; i++) {
    ctx.progress(`startup ${i + 1}/${starts}`);
    record(out, 'baseline: spawn → exit of `node -e 0` (no server)', 'ms', 'eddy', await nodeBaselineMs());
    for (const name of ctx.targetNames) {
      const t = await startTarget(name, { workDir: ctx.workDir, label: `startup-${i}`, admin: ctx.rdkafka });
      const cpuAtReady = cpuMs(t.pid);
      record(out, 'startup: spawn → first ApiVersions answer (empty data dir)', 'ms', name, t.startupMs);
      if (cpuAtReady !== undefined) record(out, 'startup: CPU time used by then (all threads)', 'ms', name, cpuAtReady);
      if ('formatMs' in t && typeof t.formatMs === 'number') {
        record(out, 'Kafka only: storage format before the start (kafka-storage format, own JVM)', 'ms', name, t.formatMs);
      }
      await sleep(ctx.quick ? 500 : 1000);
      const rss = rssBytes(t.pid);
      if (rss !== undefined) record(out, `idle RSS ${ctx.quick ? 0.5 : 1} s after start`, 'MB', name, rss / MB);
      await stopAndClean(t);
    }
  }
  if (ctx.targetNames.includes('kafka')) {
    out.notes.push(
      "Kafka's startup runs from spawning the broker's JVM (java kafka.Kafka, kafka-run-class.sh's GC flags) to its first ApiVersions answer; formatting its storage, which a KRaft node needs first, is a separate JVM and its own row.",
    );
    out.notes.push(HEAP_NOTE);
  }
}

/** The targets that store what they are given: the memory run needs all of it back. */
const STORING_TARGETS: readonly TargetName[] = ['eddy', 'kafka'];

/** Produces `volume` bytes of 1 KB records into 8 partitions, reads them all back, then samples the server's memory. */
export async function runMemory(ctx: BenchContext, out: Section): Promise<void> {
  const volumeBytes = ctx.quick ? 100 * MB : 1024 * MB;
  const label = ctx.quick ? '100 MB (--quick)' : '1 GB';
  for (const name of ctx.targetNames.filter((t) => STORING_TARGETS.includes(t))) {
    await memoryRun(ctx, out, name, volumeBytes, label);
  }
  if (ctx.quick) out.notes.push('--quick: 100 MB instead of 1 GB for the memory run.');
  out.notes.push('The memory run is left out for the mock (it keeps only the newest ~5 MB per partition) and the null sink (it stores nothing).');
  if (ctx.targetNames.includes('kafka') && !out.notes.includes(HEAP_NOTE)) out.notes.push(HEAP_NOTE);
}

async function memoryRun(ctx: BenchContext, out: Section, name: TargetName, volumeBytes: number, label: string): Promise<void> {
  const server = await startTarget(name, { workDir: ctx.workDir, label: 'memory', admin: ctx.rdkafka });
  try {
    const topic = topicName(['memory'], 8);
    await server.createTopic(topic, 8);
    await sleep(500);
    const idle = rssBytes(server.pid);
    const count = Math.floor(volumeBytes / 1000);
    ctx.progress(`memory: producing ${label} into ${name}`);
    const cpuBeforeProduce = cpuMs(server.pid);
    await ctx.rdkafka.run({
      kind: 'produce',
      bootstrap: server.bootstrap,
      topic,
      partitions: 8,
      size: 1000,
      acks: 1,
      compression: 'none',
      count,
      maxSeconds: 600,
    });
    const cpuAfterProduce = cpuMs(server.pid);
    const afterProduce = rssBytes(server.pid);
    // Twice: what the first pass leaves behind must not grow on the second (read buffers are recycled).
    const passes: Array<{ rss: number | undefined; recordsPerSecond: number; cpu: number | undefined }> = [];
    for (let pass = 1; pass <= 2; pass++) {
      ctx.progress(`memory: consuming ${label} from ${name} (pass ${pass}/2)`);
      const cpuBefore = cpuMs(server.pid);
      const res = await ctx.rdkafka.run({ kind: 'consume', bootstrap: server.bootstrap, topic, partitions: 8, expected: count, maxSeconds: 600 });
      if (res.complete !== true) throw new Error(`memory run on ${name} consumed ${String(res.records)} of ${count}`);
      const cpuAfter = cpuMs(server.pid);
      await sleep(2000);
      const cpu = cpuBefore !== undefined && cpuAfter !== undefined ? cpuAfter - cpuBefore : undefined;
      passes.push({ rss: rssBytes(server.pid), recordsPerSecond: num(res, 'records') / num(res, 'seconds'), cpu });
    }
    const peak = peakRssBytes(server.pid);
    if (idle !== undefined) record(out, `RSS before the ${label} run (topic created)`, 'MB', name, idle / MB);
    if (afterProduce !== undefined) record(out, `RSS after producing ${label}`, 'MB', name, afterProduce / MB);
    const [first, second] = passes;
    if (first.rss !== undefined) record(out, `RSS after producing + consuming ${label}, 2 s idle`, 'MB', name, first.rss / MB);
    if (second.rss !== undefined) record(out, `RSS after consuming ${label} a second time, 2 s idle`, 'MB', name, second.rss / MB);
    if (peak !== undefined) record(out, `peak RSS during the ${label} run`, 'MB', name, peak / MB);
    record(out, `consume ${label} from offset 0 (1 KB, p8)`, 'rec/s', name, first.recordsPerSecond, 1000);
    if (cpuBeforeProduce !== undefined && cpuAfterProduce !== undefined) {
      record(out, `server CPU time producing ${label}`, 'ms', name, cpuAfterProduce - cpuBeforeProduce);
    }
    if (first.cpu !== undefined) record(out, `server CPU time consuming ${label}`, 'ms', name, first.cpu);
    if (server.dataDir !== undefined) record(out, `data dir after ${label} (allocated on disk)`, 'MB', name, diskUsage(server.dataDir) / MB);
  } finally {
    await stopAndClean(server);
  }
}

/** Bytes allocated on disk under `dir`: Kafka's index files are preallocated sparse, so their length would overstate. */
function diskUsage(dir: string): number {
  let total = 0;
  for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
    const p = path.join(dir, entry.name);
    if (entry.isDirectory()) total += diskUsage(p);
    else if (entry.isFile()) total += fs.statSync(p).blocks * 512;
  }
  return total;
}
