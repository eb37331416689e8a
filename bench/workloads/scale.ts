// Many partitions: create one topic with N partitions, time Metadata for it and one acked record to every
// partition, and sample the server's memory as N grows. Fresh servers, so earlier workloads do not count. A topic
// counts as created once every partition has a leader: Apache Kafka elects them after answering CreateTopics.
import * as fs from 'fs';
import { Kafka, logLevel } from 'kafkajs';
import type { BenchContext } from '../lib/context';
import { num } from '../lib/line-child';
import { rssBytes } from '../lib/proc-stats';
import { record, section, Section } from '../lib/results';
import { ratiosToEddy, startTarget, Target, targetColumns, TargetName, topicName } from '../lib/targets';
import { LogManager } from '../../storage';
import { encodeRecordBatch } from '../../codecs/records/record-batch';
import { silentLogger } from '../../src/logger';

const MB = 1024 * 1024;
/**
 * Kafka refuses a request that writes more than 10,000 metadata records (the topic plus one per partition) with
 * POLICY_VIOLATION, and so does Eddy: larger topics are created in two steps, CreateTopics then CreatePartitions.
 */
const MAX_PARTITIONS_PER_CREATE = 9_999;
/** The targets that enforce Kafka's limit on metadata records per request. */
const LIMITED_TARGETS: readonly TargetName[] = ['eddy', 'kafka'];

async function createScaleTopic(ctx: BenchContext, t: Target, topic: string, partitions: number): Promise<void> {
  if (!LIMITED_TARGETS.includes(t.name) || partitions <= MAX_PARTITIONS_PER_CREATE) {
    await t.createTopic(topic, partitions);
    return;
  }
  await t.createTopic(topic, MAX_PARTITIONS_PER_CREATE);
  const admin = new Kafka({ clientId: 'bench-scale', brokers: [t.bootstrap], logLevel: logLevel.NOTHING }).admin();
  await admin.connect();
  try {
    await admin.createPartitions({ topicPartitions: [{ topic, count: partitions }], timeout: 120_000 });
  } finally {
    await admin.disconnect();
  }
  await ctx.rdkafka.run({ kind: 'leaders', bootstrap: t.bootstrap, topic, partitions });
}

export function scaleSection(targets: readonly TargetName[]): Section {
  return section('scale', 'Scale: one topic with many partitions (librdkafka)', targetColumns(targets), ratiosToEddy(targets, ['mock', 'kafka']));
}

export async function runScale(ctx: BenchContext, out: Section): Promise<void> {
  await runStorageRestart(ctx, out);
  // The 1,000-partition figures take about a second per server, so they are taken on a fresh server every run
  // and reported as medians (one run swung the produce figure from 1.25x to 3.6x the mock). Creating and deleting
  // 10,000 partition directories takes minutes on Kafka, so that count runs once, in the first run.
  const runs = Math.max(1, ctx.runs);
  for (let run = 0; run < runs; run++) {
    const counts = ctx.quick || run > 0 ? [1000] : [1000, 10000];
    for (const name of ctx.targetNames) {
      const t = await startTarget(name, { workDir: ctx.workDir, label: `scale-${run}`, admin: ctx.rdkafka });
      try {
        for (const n of counts) {
          ctx.progress(`scale run ${run + 1}/${runs}: ${n} partitions on ${name}`);
          const topic = topicName(['scale', `r${run}`], n);
          const created = process.hrtime.bigint();
          await createScaleTopic(ctx, t, topic, n);
          record(out, `create topic with ${n} partitions`, 'ms', name, Number(process.hrtime.bigint() - created) / 1e6);
          const res = await ctx.rdkafka.run({ kind: 'scale', bootstrap: t.bootstrap, topic, partitions: n, acks: 1 });
          record(out, `metadata for ${n} partitions`, 'ms', name, num(res, 'metadataSeconds') * 1000);
          record(out, `1 record to each of ${n} partitions, all acked`, 'ms', name, num(res, 'produceSeconds') * 1000);
          const rss = rssBytes(t.pid);
          if (rss !== undefined) record(out, `RSS after ${n} partitions (cumulative)`, 'MB', name, rss / MB);
        }
        if (run === 0 && name === 'eddy' && counts.some((n) => n > MAX_PARTITIONS_PER_CREATE)) {
          out.notes.push(
            `Eddy, like Kafka, refuses one request creating more than ${MAX_PARTITIONS_PER_CREATE.toLocaleString('en-US')} partitions: on both, the 10,000-partition topic is created with CreateTopics + CreatePartitions, both timed, until every partition has a leader.`,
          );
        }
        if (ctx.quick && run === 0 && name === 'eddy') out.notes.push('--quick: 1,000 partitions only (the full run adds 10,000).');
      } finally {
        await t.stop();
        // Thousands of partition directories: remove them now rather than all at the end.
        if (t.dataDir !== undefined) fs.rmSync(t.dataDir, { recursive: true, force: true });
      }
    }
  }
}

function elapsedMs(since: bigint): number {
  return Number(process.hrtime.bigint() - since) / 1e6;
}

/**
 * Shutdown and restart of the storage engine alone (in process, Eddy column only): a clean close right after one
 * record went to every partition, the reopen after that clean stop, the first produce after it (its partition is
 * loaded on first use) and one record to every partition after it (all of them loaded).
 */
async function runStorageRestart(ctx: BenchContext, out: Section): Promise<void> {
  const counts = ctx.quick ? [1000] : [1000, 10000];
  const runs = Math.max(1, ctx.runs);
  const record1 = encodeRecordBatch({ records: [{ value: Buffer.from('scale') }] });
  for (let run = 0; run < runs; run++) {
    for (const n of counts) {
      ctx.progress(`scale restart run ${run + 1}/${runs}: ${n} partitions in process`);
      const dataDir = fs.mkdtempSync(`${ctx.workDir}/scale-restart-`);
      const open = (): Promise<LogManager> => LogManager.open({ dataDir, logger: silentLogger(), retentionCheckIntervalMs: 3_600_000 });
      try {
        let logs = await open();
        await logs.createTopic('restart', n);
        await logs.directoriesCreated();
        const appendAll = (m: LogManager): Promise<unknown[]> =>
          Promise.all(Array.from({ length: n }, async (_, p) => (await m.loadedPartition('restart', p))?.append(Buffer.from(record1))));
        await appendAll(logs);
        let t = process.hrtime.bigint();
        await logs.close();
        record(out, `close ${n} just-written partitions (storage, in process)`, 'ms', 'eddy', elapsedMs(t));
        t = process.hrtime.bigint();
        logs = await open();
        record(out, `reopen ${n} partitions after a clean stop (storage, in process)`, 'ms', 'eddy', elapsedMs(t));
        t = process.hrtime.bigint();
        await (await logs.loadedPartition('restart', n - 1))?.append(Buffer.from(record1));
        record(out, `first produce after reopening ${n} partitions (storage, in process)`, 'ms', 'eddy', elapsedMs(t));
        t = process.hrtime.bigint();
        await appendAll(logs);
        record(out, `1 record to each of ${n} reopened partitions (storage, in process)`, 'ms', 'eddy', elapsedMs(t));
        await logs.close();
      } finally {
        fs.rmSync(dataDir, { recursive: true, force: true });
      }
    }
  }
  out.notes.push(
    'Storage rows: LogManager alone in the bench process; after a clean stop partitions load on first use, so the last row includes loading every partition.',
  );
}
