// `npm run bench` (about 16 minutes) and `npm run bench -- --quick` (about 2 minutes): Eddy side by side with
// librdkafka's mock cluster, a null sink and the reference Apache Kafka (when installed); prints a table of
// medians and writes bench/results.json.
// Options: --quick, --runs N, --only a,b (sections: codec, storage, startup, memory, throughput, tail, latency,
// scale, hostile, console, tls, faults, flood), --targets a,b (eddy, mock, null, kafka; Eddy always runs), --out FILE.
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { execFileSync, spawnSync } from 'child_process';
import type { BenchContext } from './lib/context';
import { LineChild } from './lib/line-child';
import { installCleanupHandlers, stopAll } from './lib/processes';
import { Section, toJson } from './lib/results';
import { formatSection } from './lib/table';
import { advertisedApiKeys } from './lib/net-probe';
import { referenceKafkaVersion } from './lib/reference-kafka';
import { chooseTargets, REPO_ROOT, startEddy, startTarget, Target, TargetName } from './lib/targets';
import { runThroughput, runTail, throughputSections } from './workloads/throughput';
import { latencySection, runLatency } from './workloads/latency';
import { runMemory, runStartup, startupSection } from './workloads/startup-memory';
import { runScale, scaleSection } from './workloads/scale';
import { codecSection, runCodec } from './workloads/codec';
import { runCompression } from './workloads/compression';
import { hostileSection, runHostile } from './workloads/hostile';
import { runStorage, storageSection } from './workloads/storage';
import { consoleSection, runConsole } from './workloads/console';
import { runTls, tlsSection } from './workloads/tls';
import { faultsSection, runFaults } from './workloads/faults';
import { floodSection, runFlood } from './workloads/produce-flood';

const JOIN_GROUP_API_KEY = 11;
const ALL_SECTIONS = [
  'codec',
  'storage',
  'startup',
  'memory',
  'throughput',
  'tail',
  'latency',
  'scale',
  'hostile',
  'console',
  'tls',
  'faults',
  'flood',
] as const;
type SectionName = (typeof ALL_SECTIONS)[number];

/** A section that makes its own table and needs nothing from the others (no shared targets, no shared table). */
interface StandaloneSection {
  readonly make: (targets: readonly TargetName[]) => Section;
  readonly run: (ctx: BenchContext, out: Section) => Promise<void>;
  /** Said before it runs, for the sections whose own progress starts late. */
  readonly announce?: string;
}

const STANDALONE: Partial<Record<SectionName, StandaloneSection>> = {
  codec: {
    make: codecSection,
    run: async (ctx, out) => {
      await runCodec(ctx, out);
      runCompression(ctx, out);
    },
    announce: 'codec figures',
  },
  storage: { make: storageSection, run: runStorage, announce: 'storage figures' },
  scale: { make: scaleSection, run: runScale },
  hostile: { make: hostileSection, run: runHostile },
  console: { make: consoleSection, run: runConsole },
  tls: { make: tlsSection, run: runTls },
  faults: { make: faultsSection, run: runFaults },
  flood: { make: floodSection, run: runFlood },
};

interface Options {
  quick: boolean;
  runs: number;
  only: ReadonlySet<SectionName>;
  /** Targets asked for by name; undefined runs every one that can run here. */
  targets: readonly string[] | undefined;
  out: string;
  rows: string | null;
}

function parseArgs(argv: readonly string[]): Options {
  let quick = false;
  let runs: number | undefined;
  let only: Set<SectionName> = new Set(ALL_SECTIONS);
  let out = path.join(REPO_ROOT, 'bench', 'results.json');
  let targets: string[] | undefined;
  let rows: string | null = null;
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a === '--quick') quick = true;
    else if (a === '--runs') runs = Number(argv[++i]);
    else if (a === '--out') out = path.resolve(argv[++i]);
    else if (a === '--targets') targets = argv[++i].split(',');
    else if (a === '--rows') rows = argv[++i];
    else if (a === '--only') {
      const names = argv[++i].split(',');
      for (const n of names) if (!(ALL_SECTIONS as readonly string[]).includes(n)) throw new Error(`unknown section ${n}; known: ${ALL_SECTIONS.join(', ')}`);
      only = new Set(names as SectionName[]);
    } else throw new Error(`unknown option ${a}`);
  }
  const chosenRuns = runs ?? (quick ? 1 : 3);
  if (!Number.isInteger(chosenRuns) || chosenRuns < 1) throw new Error('--runs needs a positive integer');
  if (rows === undefined || rows === '') throw new Error('--rows needs the text of a row name');
  return { quick, runs: chosenRuns, only, targets, out, rows };
}

function progress(message: string): void {
  process.stderr.write(`[bench ${new Date().toISOString().slice(11, 19)}] ${message}\n`);
}

/** A command's standard output, or `fallback` when it cannot run. */
function commandOutput(command: string, args: readonly string[], fallback: string): string {
  try {
    return execFileSync(command, args, { stdio: ['ignore', 'pipe', 'pipe'] })
      .toString()
      .trim();
  } catch {
    return fallback;
  }
}

/** The first line `java -version` prints (on stderr). */
function javaVersion(): string {
  const res = spawnSync('java', ['-version'], { encoding: 'utf8' });
  return res.status === 0 ? res.stderr.split('\n')[0].trim() : 'not installed';
}

function describeMachine(targets: readonly TargetName[]): Record<string, unknown> {
  const confluentKafka = commandOutput('/usr/bin/python3', ['-c', 'import confluent_kafka as c; print(c.version()[0], c.libversion()[0])'], 'not installed');
  const kafka = targets.includes('kafka') ? { apacheKafka: referenceKafkaVersion(), java: javaVersion() } : {};
  return {
    node: process.version,
    cpus: os.cpus().length,
    cpuModel: os.cpus()[0]?.model,
    loadAverageAtStart: os.loadavg(),
    totalMemoryMB: Math.round(os.totalmem() / 1024 / 1024),
    confluentKafkaAndLibrdkafka: confluentKafka,
    kafkajs: '2.2.4',
    targets,
    ...kafka,
  };
}

async function main(): Promise<void> {
  const opts = parseArgs(process.argv.slice(2));
  const startedAt = new Date();
  const t0 = Date.now();
  const workDir = fs.mkdtempSync(path.join(os.tmpdir(), 'eddy-bench-'));
  installCleanupHandlers(() => fs.rmSync(workDir, { recursive: true, force: true }));
  const sections: Section[] = [];
  const chosen = chooseTargets(opts.targets);
  for (const message of chosen.skipped) progress(message);
  const targetNames = chosen.targets;
  const machine = describeMachine(targetNames);
  progress(`mode ${opts.quick ? 'quick' : 'full'}, ${opts.runs} run(s) per figure, targets ${targetNames.join(', ')}, scratch ${workDir}`);

  const rdkafka = new LineChild('rdkafka', '/usr/bin/python3', [path.join(REPO_ROOT, 'bench', 'drivers', 'rdkafka_driver.py')]);
  const rdkafkaSide = new LineChild('rdkafka-side', '/usr/bin/python3', [path.join(REPO_ROOT, 'bench', 'drivers', 'rdkafka_driver.py')]);
  const kafkajs = new LineChild('kafkajs', process.execPath, [path.join(REPO_ROOT, 'dist', 'bench', 'drivers', 'kafkajs-driver.js')]);
  const targets = new Map<TargetName, Target>();
  const ctx: BenchContext = {
    quick: opts.quick,
    runs: opts.runs,
    workDir,
    rdkafka,
    rdkafkaSide,
    kafkajs,
    targetNames,
    targets,
    rows: opts.rows,
    eddyHasGroups: false,
    progress,
  };
  let failure: unknown = null;
  try {
    const runStandalone = async (names: readonly SectionName[]): Promise<void> => {
      for (const name of names) {
        const spec = STANDALONE[name];
        if (spec === undefined || !opts.only.has(name)) continue;
        const sec = spec.make(targetNames);
        sections.push(sec);
        if (spec.announce !== undefined) progress(spec.announce);
        await spec.run(ctx, sec);
      }
    };
    await runStandalone(['codec', 'storage']);
    const startup = startupSection(targetNames);
    if (opts.only.has('startup')) {
      sections.push(startup);
      await runStartup(ctx, startup);
    }
    if (opts.only.has('memory')) {
      if (!sections.includes(startup)) sections.push(startup);
      await runMemory(ctx, startup);
    }
    const needsTargets = ['throughput', 'tail', 'latency'].some((s) => opts.only.has(s as SectionName));
    if (needsTargets) {
      const eddy = await startEddy({ workDir, label: 'main', admin: rdkafka });
      targets.set('eddy', eddy);
      // kafkajs consumers need JoinGroup; measure them against Eddy once it serves consumer groups.
      ctx.eddyHasGroups = (await advertisedApiKeys(Number(eddy.bootstrap.split(':')[1]))).has(JOIN_GROUP_API_KEY);
      progress(`Eddy ${ctx.eddyHasGroups ? 'serves' : 'does not serve'} consumer groups`);
      for (const name of targetNames.filter((t) => t !== 'eddy')) {
        targets.set(name, await startTarget(name, { workDir, label: 'main', admin: rdkafka }));
      }
      const tp = throughputSections(targetNames);
      if (opts.only.has('throughput')) {
        sections.push(tp.produce, tp.consume, tp.cpu);
        await runThroughput(ctx, tp);
      }
      if (opts.only.has('tail')) {
        sections.push(tp.tail);
        await runTail(ctx, tp);
      }
      if (opts.only.has('latency')) {
        const sec = latencySection(targetNames);
        sections.push(sec);
        await runLatency(ctx, sec);
      }
      for (const t of targets.values()) await t.stop();
      targets.clear();
    }
    await runStandalone(['scale', 'hostile', 'console', 'tls', 'faults', 'flood']);
  } catch (err) {
    failure = err;
    progress(`FAILED: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}`);
    const log = path.join(workDir, 'eddy-main.log');
    if (fs.existsSync(log)) progress(`Eddy log tail:\n${fs.readFileSync(log, 'utf8').split('\n').slice(-20).join('\n')}`);
  } finally {
    for (const t of targets.values()) await t.stop().catch(() => undefined);
    await Promise.all([rdkafka.close(), rdkafkaSide.close(), kafkajs.close()]);
    await stopAll();
    progress('removing scratch data');
    fs.rmSync(workDir, { recursive: true, force: true });
  }

  const seconds = (Date.now() - t0) / 1000;
  const header = [
    `Eddy bench, ${opts.quick ? 'quick' : 'full'} mode, ${opts.runs} run(s) per figure (medians), ${seconds.toFixed(0)} s, ${startedAt.toISOString()}`,
    `machine: ${String(machine.cpus)} × ${String(machine.cpuModel)}, node ${process.version}, load average at start ${os
      .loadavg()
      .map((l) => l.toFixed(2))
      .join(' ')}`,
    `clients: librdkafka via python confluent-kafka ${String(machine.confluentKafkaAndLibrdkafka)}; kafkajs 2.2.4`,
    targetNames.includes('kafka')
      ? `Apache Kafka ${String(machine.apacheKafka)} on ${String(machine.java)}, one KRaft node, heap fixed at 512 MB`
      : `Apache Kafka not measured${chosen.skipped.length > 0 ? `: ${chosen.skipped.join(' ')}` : ' (--targets)'}`,
  ];
  process.stdout.write(`${header.join('\n')}\n\n${sections.map(formatSection).join('\n\n')}\n`);
  const json = {
    startedAt: startedAt.toISOString(),
    seconds,
    mode: opts.quick ? 'quick' : 'full',
    runs: opts.runs,
    machine,
    failed: failure === null ? null : failure instanceof Error ? failure.message : JSON.stringify(failure),
    sections: toJson(sections),
  };
  fs.writeFileSync(opts.out, `${JSON.stringify(json, null, 2)}\n`);
  process.stdout.write(`\nwrote ${path.relative(process.cwd(), opts.out)}\n`);
  if (failure !== null) process.exitCode = 1;
}

void main();
