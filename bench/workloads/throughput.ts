// Produce and consume throughput: librdkafka (python confluent-kafka) and kafkajs, 100 B and 1 KB records,
// acks=1 and acks=all, 1 and 8 partitions, no compression and lz4, against every target; plus one idempotent
// librdkafka row (100 B, 8 partitions), where the broker checks every batch's producer sequence. Each produce run writes
// a fresh topic, which the consume run then reads back from offset 0. Runs are interleaved across targets so
// background load on the machine hits all of them alike. Each run also reads the server's CPU time before and
// after, so a fast figure bought with more cores shows as such.
import type { BenchContext } from '../lib/context';
import { num, type JsonObject } from '../lib/line-child';
import { cpuMs } from '../lib/proc-stats';
import { untilQuiet } from '../lib/settle';
import { record, section, Section } from '../lib/results';
import { inRunOrder, ratiosToEddy, Target, targetColumns, TargetName, topicName } from '../lib/targets';

type Client = 'rdkafka' | 'kafkajs';

interface ProduceConfig {
  readonly size: 100 | 1000;
  readonly acks: 1 | -1;
  readonly partitions: 1 | 8;
  readonly compression: 'none' | 'lz4';
  /** enable.idempotence: acks=all, at most 5 requests in flight, sequence-checked batches. */
  readonly idempotent?: true;
}

/** The one idempotent row: librdkafka only (its figure is the one issue 22 set against the null sink). */
const IDEMPOTENT: ProduceConfig = { size: 100, acks: -1, partitions: 8, compression: 'none', idempotent: true };

function allConfigs(): ProduceConfig[] {
  const out: ProduceConfig[] = [];
  for (const size of [100, 1000] as const)
    for (const acks of [1, -1] as const)
      for (const partitions of [1, 8] as const) for (const compression of ['none', 'lz4'] as const) out.push({ size, acks, partitions, compression });
  return out;
}

function describe(c: ProduceConfig): string {
  const acks = c.idempotent === true ? 'idempotent' : `acks=${c.acks === 1 ? '1' : 'all'}`;
  return `${c.size === 100 ? '100 B' : '1 KB'} ${acks} p${c.partitions} ${c.compression}`;
}

/**
 * Records per run, and the seconds after which the producer stops handing over more (then flushes what it has). A
 * run of librdkafka's 60k 1 KB records lasted 0.1-0.3 s, where a new partition's first segment and a scheduling
 * hiccup on this 2-core machine weigh 5-20 %; issue 22 measured 500k. 200k (500k of 100 B) keep a run near a second.
 */
function volume(ctx: BenchContext, client: Client, size: number): { count: number; maxSeconds: number } {
  const small = size === 100;
  if (client === 'rdkafka') {
    return ctx.quick ? { count: small ? 40_000 : 10_000, maxSeconds: 0.6 } : { count: small ? 500_000 : 200_000, maxSeconds: 1.5 };
  }
  return ctx.quick ? { count: small ? 15_000 : 4_000, maxSeconds: 0.6 } : { count: small ? 80_000 : 25_000, maxSeconds: 1.2 };
}

/** The tailing runs keep the smaller volumes: beyond a few MB per partition the mock drops what its consumer has not read. */
function tailVolume(ctx: BenchContext, size: number): { count: number } {
  const small = size === 100;
  return { count: ctx.quick ? (small ? 40_000 : 10_000) : small ? 250_000 : 60_000 };
}

export interface ThroughputSections {
  produce: Section;
  consume: Section;
  tail: Section;
  /** Server CPU time per MB of values, for every produce and consume run. */
  cpu: Section;
}

export function throughputSections(targets: readonly TargetName[]): ThroughputSections {
  const columns = targetColumns(targets);
  const ratios = ratiosToEddy(targets);
  return {
    produce: section('produce', 'Produce throughput (records/s, MB/s of values)', columns, ratios),
    consume: section('consume', 'Consume throughput from offset 0 (records/s, MB/s of values)', columns, ratios),
    tail: section('tail', 'Tailing consume throughput while a producer writes (records/s, MB/s)', columns, ratios),
    cpu: section('cpu', 'Server CPU time per MB of record values (user + system, all threads; lower is leaner)', columns, ratios),
  };
}

/** Whether `--rows` lets the row called `name` run. */
function rowWanted(ctx: BenchContext, name: string): boolean {
  return ctx.rows === null || name.includes(ctx.rows);
}

function targetOf(ctx: BenchContext, target: TargetName): Target {
  const t = ctx.targets.get(target);
  if (!t) throw new Error(`target ${target} is not running`);
  return t;
}

interface Moved {
  readonly records: number;
  readonly seconds: number;
  /** The server's CPU time during the client's run, in ms. */
  readonly cpuMs: number | undefined;
}

/** Ms spent waiting for the servers to go quiet before runs, reported in a note. */
let settledMs = 0;

/** Runs a driver job, once every server is quiet, and reads the server's CPU time around it. */
async function measured(ctx: BenchContext, t: Target, job: () => Promise<JsonObject>): Promise<{ res: JsonObject; cpuMs: number | undefined }> {
  settledMs += await untilQuiet([...ctx.targets.values()].map((server) => server.pid));
  const before = cpuMs(t.pid);
  const res = await job();
  const after = cpuMs(t.pid);
  return { res, cpuMs: before !== undefined && after !== undefined ? after - before : undefined };
}

function recordCpu(out: Section, rowName: string, target: TargetName, moved: Moved, size: number): void {
  if (moved.cpuMs === undefined || moved.records === 0) return;
  record(out, rowName, 'CPU ms/MB', target, moved.cpuMs / ((moved.records * size) / 1e6));
}

async function produceOnce(ctx: BenchContext, client: Client, target: TargetName, cfg: ProduceConfig, run: number): Promise<Moved & { topic: string }> {
  const t = targetOf(ctx, target);
  const topic = topicName(
    [client === 'rdkafka' ? 'rd' : 'js', `s${cfg.size}`, cfg.idempotent === true ? 'idem' : `a${cfg.acks === 1 ? 1 : 'all'}`, cfg.compression, `r${run}`],
    cfg.partitions,
  );
  await t.createTopic(topic, cfg.partitions);
  const driver = client === 'rdkafka' ? ctx.rdkafka : ctx.kafkajs;
  const m = await measured(ctx, t, () => driver.run({ kind: 'produce', bootstrap: t.bootstrap, topic, ...cfg, ...volume(ctx, client, cfg.size) }));
  return { topic, records: num(m.res, 'records'), seconds: num(m.res, 'seconds'), cpuMs: m.cpuMs };
}

export async function runThroughput(ctx: BenchContext, out: ThroughputSections): Promise<void> {
  settledMs = 0;
  const clients: Client[] = ['rdkafka', 'kafkajs'];
  for (let run = 0; run < ctx.runs; run++) {
    // kafkajs is the slower, secondary client: one run fewer keeps the full bench within its time budget.
    for (const client of clients.filter((c) => c === 'rdkafka' || ctx.runs === 1 || run < ctx.runs - 1)) {
      // --quick keeps every librdkafka figure but only the acks=1, 8-partition kafkajs ones.
      const configs = allConfigs().filter((c) => !(ctx.quick && client === 'kafkajs' && (c.acks === -1 || c.partitions === 1)));
      if (client === 'rdkafka') configs.push(IDEMPOTENT);
      for (const cfg of configs) {
        const produceName = `${client} ${describe(cfg)}`;
        if (!rowWanted(ctx, produceName)) continue;
        ctx.progress(`run ${run + 1}/${ctx.runs} ${client} produce ${describe(cfg)}`);
        for (const target of inRunOrder(ctx.targetNames, run)) {
          const p = await produceOnce(ctx, client, target, cfg, run).catch((err: unknown) => refusedLz4(out.produce, client, target, cfg, err));
          if (p === null) continue;
          record(out.produce, produceName, 'rec/s', target, p.records / p.seconds, cfg.size);
          recordCpu(out.cpu, `produce ${produceName}`, target, p, cfg.size);
          if (cfg.acks !== 1) continue;
          const consumeName = `${client} ${cfg.size === 100 ? '100 B' : '1 KB'} p${cfg.partitions} ${cfg.compression}`;
          const c = await consumeOnce(ctx, client, target, p.topic, cfg.partitions, p.records);
          if (c === null) continue;
          recordCpu(out.cpu, `consume ${consumeName}`, target, c, cfg.size);
          record(out.consume, consumeName, 'rec/s', target, c.records / c.seconds, cfg.size);
        }
      }
    }
  }
  if (!ctx.eddyHasGroups) {
    out.consume.notes.push('kafkajs consumers need consumer groups; left out while Eddy does not serve them.');
  } else {
    out.consume.notes.push('kafkajs consumers join a fresh group per run (the null sink has no groups); the clock starts at group join.');
  }
  if (ctx.runs > 1) out.produce.notes.push('kafkajs figures are medians of one run fewer than librdkafka ones (time budget).');
  if (ctx.quick) {
    out.produce.notes.push('--quick: kafkajs runs acks=1 with 8 partitions only; small volumes (about 0.5 s per figure); one run per figure.');
    out.consume.notes.push('--quick: no kafkajs consumers (a group join takes seconds).');
  }
  out.consume.notes.push('The mock keeps only the newest ~5 MB of each partition; its consumers read what it still holds.');
  out.produce.notes.push(
    `Each produce and consume run starts once every server has used under 5 % of a core over 100 ms (at most 3 s): a JVM compiles and collects for seconds after a run, which took CPU from the next target's run. Waited ${(settledMs / 1000).toFixed(1)} s in all.`,
  );
  out.cpu.notes.push(
    "The server process's CPU time (from /proc) across each produce or consume run above, divided by the MB of values moved; it includes topic lookup and, for Kafka, the JVM's GC and background threads. Each live thread's time comes from its schedstat (nanoseconds), threads that ended from /proc's 10 ms ticks.",
  );
}

/**
 * kafkajs ships no LZ4 codec and borrows Eddy's frame writer, whose larger frames Apache Kafka's lz4-java decoder
 * sometimes rejects (UNKNOWN_SERVER_ERROR, "Failed to decompress record stream"). That one failure leaves the row
 * out with a note instead of ending the bench; any other failure still does.
 */
function refusedLz4(out: Section, client: Client, target: TargetName, cfg: ProduceConfig, err: unknown): null {
  if (client !== 'kafkajs' || target !== 'kafka' || cfg.compression !== 'lz4') throw err;
  const message = err instanceof Error ? err.message : String(err);
  out.notes.push(
    `kafkajs ${describe(cfg)} to Kafka left out: ${message.split('\n')[0]} (Kafka could not decompress the LZ4 frame Eddy's codec wrote for kafkajs).`,
  );
  return null;
}

async function consumeOnce(ctx: BenchContext, client: Client, target: TargetName, topic: string, partitions: number, expected: number): Promise<Moved | null> {
  const t = targetOf(ctx, target);
  // kafkajs consumers need groups: the null sink has none; without Eddy's, the mock's alone compare nothing.
  if (client === 'kafkajs' && (ctx.quick || target === 'null' || !ctx.eddyHasGroups)) return null;
  const driver = client === 'rdkafka' ? ctx.rdkafka : ctx.kafkajs;
  const m = await measured(ctx, t, () => driver.run({ kind: 'consume', bootstrap: t.bootstrap, topic, partitions, expected, maxSeconds: ctx.quick ? 15 : 30 }));
  const res = m.res;
  // The mock keeps only the newest few MB per partition; every other server must still hold all records.
  const available = typeof res.available === 'number' ? res.available : expected;
  if (res.complete !== true || (target !== 'mock' && available < expected)) {
    throw new Error(`${client} consume from ${target} got ${String(res.records)} of ${expected} records (${available} available)`);
  }
  return { records: num(res, 'records'), seconds: num(res, 'seconds'), cpuMs: m.cpuMs };
}

/** A consumer in place on an empty topic, then a producer; the rate is what the consumer sees. */
export async function runTail(ctx: BenchContext, out: ThroughputSections): Promise<void> {
  const all: ProduceConfig[] = [
    { size: 100, acks: 1, partitions: 1, compression: 'none' },
    { size: 100, acks: 1, partitions: 8, compression: 'none' },
    { size: 1000, acks: 1, partitions: 8, compression: 'none' },
  ];
  const configs = ctx.quick ? all.slice(1, 2) : all;
  for (let run = 0; run < ctx.runs; run++) {
    for (const cfg of configs) {
      const rowName = `rdkafka ${cfg.size === 100 ? '100 B' : '1 KB'} p${cfg.partitions}`;
      if (!rowWanted(ctx, rowName)) continue;
      ctx.progress(`run ${run + 1}/${ctx.runs} tail ${describe(cfg)}`);
      for (const target of inRunOrder(ctx.targetNames, run)) {
        const t = targetOf(ctx, target);
        const topic = topicName(['tail', `s${cfg.size}`, `r${run}`], cfg.partitions);
        await t.createTopic(topic, cfg.partitions);
        const vol = tailVolume(ctx, cfg.size);
        const ready = ctx.rdkafkaSide.waitForNote('#ready', 20000);
        const tail = ctx.rdkafkaSide.run({ kind: 'tail', bootstrap: t.bootstrap, topic, partitions: cfg.partitions, expected: vol.count, maxSeconds: 30 });
        await ready;
        await ctx.rdkafka.run({ kind: 'produce', bootstrap: t.bootstrap, topic, ...cfg, count: vol.count, maxSeconds: 60 });
        const res = await tail;
        // The mock drops the oldest records of a partition beyond a few MB, so a tailing consumer may miss some.
        if (res.complete !== true && target !== 'mock') throw new Error(`tailing consumer on ${target} got ${String(res.records)} of ${vol.count}`);
        if (res.complete !== true) {
          out.tail.notes.push(
            `run ${run + 1}: the mock dropped ${vol.count - num(res, 'records')} of ${vol.count} records (its in-memory retention) before the tailing consumer read them (${describe(cfg)}); that run is left out`,
          );
          continue;
        }
        record(out.tail, rowName, 'rec/s', target, num(res, 'records') / num(res, 'seconds'), cfg.size);
      }
    }
  }
}
