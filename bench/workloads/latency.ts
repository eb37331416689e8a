// End-to-end latency at a fixed rate: one librdkafka producer (linger.ms=0) and one assign()-ed consumer in the
// same process, so send and receive times come from one clock. Measured twice: by a C program on librdkafka (the
// client's own floor) and by the python driver, whose interpreter adds milliseconds to the tail. The null sink
// replays old batches, so it has no meaningful latency and is left out; Apache Kafka runs like Eddy.
import type { BenchContext } from '../lib/context';
import { num } from '../lib/line-child';
import { cpuMs } from '../lib/proc-stats';
import { buildLatencyProbe, runLatencyProbe } from '../lib/latency-probe';
import { record, section, Section } from '../lib/results';
import { ratiosToEddy, targetColumns, TargetName, topicName } from '../lib/targets';

/** The targets with a meaningful latency: every one but the null sink. */
function latencyTargets(targets: readonly TargetName[]): TargetName[] {
  return targets.filter((t) => t !== 'null');
}

export function latencySection(targets: readonly TargetName[]): Section {
  const measured = latencyTargets(targets);
  return section(
    'latency',
    'End-to-end latency produce→consume (ms, librdkafka, 100 B records, 1 partition)',
    targetColumns(measured),
    ratiosToEddy(measured, ['kafka']),
  );
}

/**
 * The server's CPU time (user + system) over one client run, scaled to 10 s of load (warm-up included, as the
 * server spends it too): issue 22's "broker CPU for those 10 s". Undefined where /proc cannot tell (not Linux).
 */
function serverCpu(pid: number, loadSeconds: number): { start(): () => number | undefined } {
  return {
    start() {
      const before = cpuMs(pid);
      return () => {
        const after = cpuMs(pid);
        if (before === undefined || after === undefined) return undefined;
        return ((after - before) / 1000) * (10 / loadSeconds);
      };
    },
  };
}

function recordCpu(out: Section, name: string, target: TargetName, seconds: number | undefined): void {
  if (seconds !== undefined) record(out, name, 's', target, seconds);
}

export async function runLatency(ctx: BenchContext, out: Section): Promise<void> {
  const seconds = ctx.quick ? 1.5 : 4;
  const warmupSeconds = ctx.quick ? 0.5 : 1;
  const probe = buildLatencyProbe();
  if ('error' in probe) out.notes.push(`${probe.error}; only the python driver's figures are shown.`);
  for (let run = 0; run < ctx.runs; run++) {
    for (const rate of [1000, 10000]) {
      ctx.progress(`run ${run + 1}/${ctx.runs} latency at ${rate}/s`);
      for (const target of latencyTargets(ctx.targetNames)) {
        const t = ctx.targets.get(target);
        if (!t) continue;
        // The mock answers an empty fetch only when fetch.wait.max.ms expires (it is not woken by produce), so
        // its consumer polls every millisecond instead: that makes it the floor of client + machine latency.
        const fetchWaitMs = target === 'mock' ? 1 : 500;
        const cpu = serverCpu(t.pid, seconds + warmupSeconds);
        if ('binary' in probe) {
          const topic = topicName(['latc', `${rate}`, `r${run}`], 1);
          await t.createTopic(topic, 1);
          const used = cpu.start();
          const res = await runLatencyProbe(probe.binary, { bootstrap: t.bootstrap, topic, rate, seconds, warmupSeconds, size: 100, fetchWaitMs });
          for (const p of ['p50', 'p99', 'p999'] as const) record(out, `C probe ${rate} rec/s ${p}`, 'ms', target, res[p]);
          recordCpu(out, `C probe ${rate} rec/s server CPU per 10 s`, target, used());
        }
        const topic = topicName(['lat', `${rate}`, `r${run}`], 1);
        await t.createTopic(topic, 1);
        const used = cpu.start();
        const res = await ctx.rdkafka.run({ kind: 'latency', bootstrap: t.bootstrap, topic, rate, seconds, warmupSeconds, size: 100, fetchWaitMs });
        for (const p of ['p50', 'p99', 'p999'] as const) record(out, `python ${rate} rec/s ${p}`, 'ms', target, num(res, p));
        record(out, `python ${rate} rec/s achieved rate`, 'rec/s', target, num(res, 'rate'));
        recordCpu(out, `python ${rate} rec/s server CPU per 10 s`, target, used());
      }
    }
  }
  out.notes.push(
    `${seconds} s per run after warm-up. Server CPU: user + system time of the server process over the client's run (its flush and close included), scaled to 10 s of load. Eddy and Kafka: consumer fetch.wait.max.ms=500 (the Kafka default; both answer a waiting fetch as soon as data arrives). Mock: fetch.wait.max.ms=1, because it does not wake waiting fetches on produce.`,
  );
  out.notes.push(
    'C probe: bench/native/latency-probe.c, librdkafka without an interpreter; python: the confluent-kafka driver, whose poll loop and GIL add to the tail. On a shared machine both p99s mostly measure CPU contention: Eddy holds a record for about 0.1 ms (p50) to 1.5 ms (p99) between receiving the produce request and writing the fetch response.',
  );
}
