// Produce and consume throughput: librdkafka (python confluent-kafka) and kafkajs, 100 B and 1 KB records,
// acks=1 and acks=all, 1 and 8 partitions, no compression and lz4, against every target. Each produce run writes
// a fresh topic, which the consume run then reads back from offset 0. Runs are interleaved across targets so
// background load on the machine hits all of them alike.
import type { BenchContext } from '../lib/context';
import { num } from '../lib/line-child';
import { record, section, Section } from '../lib/results';
import { TARGET_LABELS, TARGET_NAMES, TargetName, topicName } from '../lib/targets';

type Client = 'rdkafka' | 'kafkajs';

interface ProduceConfig {
  readonly size: 100 | 1000;
  readonly acks: 1 | -1;
  readonly partitions: 1 | 8;
  readonly compression: 'none' | 'lz4';
}

function allConfigs(): ProduceConfig[] {
  const out: ProduceConfig[] = [];
  for (const size of [100, 1000] as const)
    for (const acks of [1, -1] as const)
      for (const partitions of [1, 8] as const) for (const compression of ['none', 'lz4'] as const) out.push({ size, acks, partitions, compression });
  return out;
}

function describe(c: ProduceConfig): string {
  return `${c.size === 100 ? '100 B' : '1 KB'} acks=${c.acks === 1 ? '1' : 'all'} p${c.partitions} ${c.compression}`;
}

function volume(ctx: BenchContext, client: Client, size: number): { count: number; maxSeconds: number } {
  const small = size === 100;
  if (client === 'rdkafka') {
    return ctx.quick ? { count: small ? 40_000 : 10_000, maxSeconds: 0.6 } : { count: small ? 250_000 : 60_000, maxSeconds: 1.5 };
  }
  return ctx.quick ? { count: small ? 15_000 : 4_000, maxSeconds: 0.6 } : { count: small ? 80_000 : 25_000, maxSeconds: 1.2 };
}

const COLUMNS = TARGET_NAMES.map((t) => ({ key: t, label: TARGET_LABELS[t] }));
const RATIOS = [
  ['eddy', 'mock'],
  ['eddy', 'null'],
] as const;

export interface ThroughputSections {
  produce: Section;
  consume: Section;
  tail: Section;
}

export function throughputSections(): ThroughputSections {
  return {
    produce: section('produce', 'Produce throughput (records/s, MB/s of values)', COLUMNS, RATIOS),
    consume: section('consume', 'Consume throughput from offset 0 (records/s, MB/s of values)', COLUMNS, RATIOS),
    tail: section('tail', 'Tailing consume throughput while a producer writes (records/s, MB/s)', COLUMNS, RATIOS),
  };
}

async function produceOnce(
  ctx: BenchContext,
  client: Client,
  target: TargetName,
  cfg: ProduceConfig,
  run: number,
): Promise<{ topic: string; records: number; seconds: number }> {
  const t = ctx.targets.get(target);
  if (!t) throw new Error(`target ${target} is not running`);
  const topic = topicName([client === 'rdkafka' ? 'rd' : 'js', `s${cfg.size}`, `a${cfg.acks === 1 ? 1 : 'all'}`, cfg.compression, `r${run}`], cfg.partitions);
  await t.createTopic(topic, cfg.partitions);
  const driver = client === 'rdkafka' ? ctx.rdkafka : ctx.kafkajs;
  const res = await driver.run({ kind: 'produce', bootstrap: t.bootstrap, topic, ...cfg, ...volume(ctx, client, cfg.size) });
  return { topic, records: num(res, 'records'), seconds: num(res, 'seconds') };
}

export async function runThroughput(ctx: BenchContext, out: ThroughputSections): Promise<void> {
  const clients: Client[] = ['rdkafka', 'kafkajs'];
  for (let run = 0; run < ctx.runs; run++) {
    // kafkajs is the slower, secondary client: one run fewer keeps the full bench within its time budget.
    for (const client of clients.filter((c) => c === 'rdkafka' || ctx.runs === 1 || run < ctx.runs - 1)) {
      // --quick keeps every librdkafka figure but only the acks=1, 8-partition kafkajs ones.
      const configs = allConfigs().filter((c) => !(ctx.quick && client === 'kafkajs' && (c.acks === -1 || c.partitions === 1)));
      for (const cfg of configs) {
        ctx.progress(`run ${run + 1}/${ctx.runs} ${client} produce ${describe(cfg)}`);
        for (const target of TARGET_NAMES) {
          const p = await produceOnce(ctx, client, target, cfg, run);
          record(out.produce, `${client} ${describe(cfg)}`, 'rec/s', target, p.records / p.seconds, cfg.size);
          if (cfg.acks !== 1) continue;
          const consumeName = `${client} ${cfg.size === 100 ? '100 B' : '1 KB'} p${cfg.partitions} ${cfg.compression}`;
          const c = await consumeOnce(ctx, client, target, p.topic, cfg.partitions, p.records);
          if (c === null) continue;
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
}

async function consumeOnce(
  ctx: BenchContext,
  client: Client,
  target: TargetName,
  topic: string,
  partitions: number,
  expected: number,
): Promise<{ records: number; seconds: number } | null> {
  const t = ctx.targets.get(target);
  if (!t) throw new Error(`target ${target} is not running`);
  // kafkajs consumers need groups: the null sink has none; without Eddy's, the mock's alone compare nothing.
  if (client === 'kafkajs' && (ctx.quick || target === 'null' || !ctx.eddyHasGroups)) return null;
  const driver = client === 'rdkafka' ? ctx.rdkafka : ctx.kafkajs;
  const res = await driver.run({ kind: 'consume', bootstrap: t.bootstrap, topic, partitions, expected, maxSeconds: ctx.quick ? 15 : 30 });
  // The mock keeps only the newest few MB per partition; every other server must still hold all records.
  const available = typeof res.available === 'number' ? res.available : expected;
  if (res.complete !== true || (target !== 'mock' && available < expected)) {
    throw new Error(`${client} consume from ${target} got ${String(res.records)} of ${expected} records (${available} available)`);
  }
  return { records: num(res, 'records'), seconds: num(res, 'seconds') };
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
      ctx.progress(`run ${run + 1}/${ctx.runs} tail ${describe(cfg)}`);
      for (const target of TARGET_NAMES) {
        const t = ctx.targets.get(target);
        if (!t) continue;
        const topic = topicName(['tail', `s${cfg.size}`, `r${run}`], cfg.partitions);
        await t.createTopic(topic, cfg.partitions);
        const vol = volume(ctx, 'rdkafka', cfg.size);
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
        record(
          out.tail,
          `rdkafka ${cfg.size === 100 ? '100 B' : '1 KB'} p${cfg.partitions}`,
          'rec/s',
          target,
          num(res, 'records') / num(res, 'seconds'),
          cfg.size,
        );
      }
    }
  }
}
