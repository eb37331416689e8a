// The broker alone under large produce requests (issue 22's 1 KiB rows): a raw client resends pre-built Produce
// requests of 1 MiB (1,000 records of 1,000 B values, acks=-1) over a few sockets with a bounded number in flight,
// to Eddy and to the null sink. The client does no encoding and no compression per request, so the figures are the
// broker's: records/s, its CPU per MB, its major GCs (V8's --trace-gc lines, counted over the run: a count does
// not depend on the machine's load) and its RSS after the runs. Each target is a fresh process per run.
import * as fs from 'fs';
import * as path from 'path';
import * as readline from 'readline';
import { Reader } from '../../codecs/primitives/reader';
import { ProduceRequestCodec } from '../../codecs/generated/ProduceRequest';
import { ProduceResponseCodec } from '../../codecs/generated/ProduceResponse';
import { encodeRecordBatch } from '../../codecs/records/record-batch';
import type { BenchContext } from '../lib/context';
import { cpuMs, rssBytes } from '../lib/proc-stats';
import { spawnTracked, stopChild } from '../lib/processes';
import { pipelineFrame, requestFrame } from '../lib/raw-pipeline';
import { record, section, type Section } from '../lib/results';
import { REPO_ROOT, startEddy, targetColumns, topicName, type TargetName } from '../lib/targets';
import { waitForApiVersions } from '../lib/net-probe';

const PRODUCE_VERSION = 9;
const VALUE_BYTES = 1000;
const RECORDS_PER_REQUEST = 1000;
const SOCKETS = 2;
const IN_FLIGHT_PER_SOCKET = 4;
const PARTITION_COUNTS = [1, 8] as const;
const MB = 1024 * 1024;
/** Eddy's heap trim runs after 3 s of quiet and again 7 s later (src/broker/heap-trim.ts); RSS is read after both. */
const IDLE_BEFORE_RSS_MS = 12000;
const MAJOR_GC = /Mark-Compact/;

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

const FLOOD_TARGETS: readonly TargetName[] = ['eddy', 'null'];

export function floodSection(targetNames: readonly TargetName[]): Section {
  const names = FLOOD_TARGETS.filter((t) => targetNames.includes(t));
  return section(
    'flood',
    'Raw produce flood: 1 MiB requests of 1 KB records, acks=all, broker alone',
    targetColumns(names),
    names.length > 1 ? [['eddy', 'null']] : [],
  );
}

/** One size-prefixed Produce request: RECORDS_PER_REQUEST records spread evenly over `partitions`, one batch each. */
export function floodFrame(topic: string, partitions: number): Buffer {
  const value = Buffer.alloc(VALUE_BYTES, 0x61);
  const perPartition = Math.ceil(RECORDS_PER_REQUEST / partitions);
  const partitionData = Array.from({ length: partitions }, (_, index) => ({
    index,
    records: encodeRecordBatch({ records: Array.from({ length: perPartition }, () => ({ value })) }),
  }));
  return requestFrame(ProduceRequestCodec, PRODUCE_VERSION, 'bench-flood', {
    transactionalId: null,
    acks: -1,
    timeoutMs: 30000,
    topicData: [{ name: topic, partitionData }],
  });
}

/** Throws unless every partition of a Produce response frame (size prefix stripped) answered without error. */
function checkAnswer(frame: Buffer): void {
  const reader = new Reader(frame);
  reader.readInt32();
  reader.readTaggedFields();
  const response = ProduceResponseCodec.decode(reader, PRODUCE_VERSION);
  for (const t of response.responses) {
    for (const p of t.partitionResponses) if (p.errorCode !== 0) throw new Error(`produce to ${t.name}[${p.index}] failed with error ${p.errorCode}`);
  }
}

/** Sends `frame` `requests` times (rounded up to a multiple of SOCKETS) spread over SOCKETS sockets; resolves with that count. */
export async function floodSockets(port: number, frame: Buffer, requests: number): Promise<number> {
  const perSocket = Math.ceil(requests / SOCKETS);
  await Promise.all(Array.from({ length: SOCKETS }, () => pipelineFrame(port, frame, perSocket, IN_FLIGHT_PER_SOCKET, checkAnswer)));
  return perSocket * SOCKETS;
}

/** A server for one run, with --trace-gc on: its pid, port, how many major GCs it has logged so far, and its stop. */
interface FloodServer {
  readonly pid: number;
  readonly port: number;
  createTopic(topic: string, partitions: number): Promise<void>;
  majorGcs(): number;
  stop(): Promise<void>;
}

async function startFloodEddy(ctx: BenchContext, label: string): Promise<FloodServer> {
  const eddy = await startEddy({ workDir: ctx.workDir, label, admin: ctx.rdkafka, nodeArgs: ['--trace-gc'] });
  const log = path.join(ctx.workDir, `eddy-${label}.log`);
  return {
    pid: eddy.pid,
    port: Number(eddy.bootstrap.split(':')[1]),
    createTopic: (topic, partitions) => eddy.createTopic(topic, partitions),
    majorGcs: () =>
      fs
        .readFileSync(log, 'utf8')
        .split('\n')
        .filter((l) => MAJOR_GC.test(l)).length,
    stop: () => eddy.stop(),
  };
}

async function startFloodNullSink(): Promise<FloodServer> {
  const child = spawnTracked(process.execPath, ['--trace-gc', path.join(REPO_ROOT, 'dist', 'bench', 'null-sink', 'main.js'), '0']);
  child.stderr?.resume();
  let gcs = 0;
  const port = await new Promise<number>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error('the null sink did not say where it listens')), 10000);
    readline.createInterface({ input: child.stdout as NodeJS.ReadableStream }).on('line', (line) => {
      if (MAJOR_GC.test(line)) gcs++;
      const m = /^listening (\d+)$/.exec(line);
      if (m) {
        clearTimeout(timer);
        resolve(Number(m[1]));
      }
    });
  });
  await waitForApiVersions(port, 10000);
  return {
    pid: child.pid ?? -1,
    port,
    createTopic: async () => undefined,
    majorGcs: () => gcs,
    stop: async () => {
      await stopChild(child);
    },
  };
}

export async function runFlood(ctx: BenchContext, out: Section): Promise<void> {
  const requests = ctx.quick ? 100 : 500;
  const names = out.columns.map((c) => c.key as TargetName);
  for (let run = 0; run < ctx.runs; run++) {
    for (const name of names) {
      ctx.progress(`flood run ${run + 1}/${ctx.runs}: ${name}`);
      const server = name === 'eddy' ? await startFloodEddy(ctx, `flood-${run}`) : await startFloodNullSink();
      try {
        for (const partitions of PARTITION_COUNTS) {
          const topic = topicName(['flood', run], partitions);
          await server.createTopic(topic, partitions);
          const frame = floodFrame(topic, partitions);
          // One untimed request per socket first: the topic's files exist and the code is warm before timing.
          await Promise.all(Array.from({ length: SOCKETS }, () => pipelineFrame(server.port, frame, 1, 1, checkAnswer)));
          const gcsBefore = server.majorGcs();
          const cpuBefore = cpuMs(server.pid) ?? NaN;
          const started = process.hrtime.bigint();
          const sent = await floodSockets(server.port, frame, requests);
          const seconds = Number(process.hrtime.bigint() - started) / 1e9;
          const cpu = (cpuMs(server.pid) ?? NaN) - cpuBefore;
          // trace-gc lines reach Eddy's log file through a pipe; let the last ones land.
          await sleep(200);
          const sentRecords = sent * Math.ceil(RECORDS_PER_REQUEST / partitions) * partitions;
          const megabytes = (sent * frame.length) / MB;
          const shape = `1 KB, acks=all, p${partitions}`;
          record(out, `produce ${shape} (rec/s)`, 'rec/s', name, sentRecords / seconds, VALUE_BYTES);
          record(out, `broker CPU per MB, ${shape}`, 'ms/MB', name, cpu / megabytes);
          record(out, `major GCs per ${sent} requests, ${shape}`, 'GCs', name, server.majorGcs() - gcsBefore);
        }
        const rssNow = rssBytes(server.pid);
        if (rssNow !== undefined) record(out, 'RSS right after the runs', 'MiB', name, rssNow / MB);
        await sleep(IDLE_BEFORE_RSS_MS);
        const rss = rssBytes(server.pid);
        if (rss !== undefined) record(out, `RSS ${IDLE_BEFORE_RSS_MS / 1000} s after the runs`, 'MiB', name, rss / MB);
      } finally {
        await server.stop();
      }
    }
  }
  out.notes.push(
    `${requests} requests of ${RECORDS_PER_REQUEST} × ${VALUE_BYTES} B records per figure, ${SOCKETS} sockets × ${IN_FLIGHT_PER_SOCKET} in flight, ` +
      'one pre-built frame resent (the broker patches offsets in its own copy). Major GCs: V8 Mark-Compact lines of --trace-gc during the timed run.',
  );
}
