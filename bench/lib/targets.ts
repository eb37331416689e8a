// The servers every workload runs against: Eddy (as `node bin/eddy.js start`), librdkafka's mock cluster (C, in
// memory), the null sink and the reference Apache Kafka (a JVM, when installed). Each binds 127.0.0.1 only and is
// stopped by pid.
import type { ChildProcess } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import * as readline from 'readline';
import { buildNative, REPO_ROOT } from './native-build';
import { freePort, waitForApiVersions } from './net-probe';
import { spawnTracked, stopChild } from './processes';
import type { LineChild } from './line-child';
import { INSTALL_HINT, referenceKafkaProblem, startReferenceKafka } from './reference-kafka';

/** Where the repository is; kept here for the workloads that import it with the targets. */
export { REPO_ROOT };

export type TargetName = 'eddy' | 'mock' | 'null' | 'kafka';
export const TARGET_NAMES: readonly TargetName[] = ['eddy', 'mock', 'null', 'kafka'];
export const TARGET_LABELS: Record<TargetName, string> = { eddy: 'Eddy', mock: 'mock', null: 'null sink', kafka: 'Kafka' };

export interface Target {
  readonly name: TargetName;
  readonly bootstrap: string;
  readonly pid: number;
  /** From spawn to the first successful ApiVersions answer, in ms. */
  readonly startupMs: number;
  /** The data directory of a target that keeps data on disk (Eddy, Kafka). */
  readonly dataDir?: string;
  createTopic(topic: string, partitions: number): Promise<void>;
  stop(): Promise<void>;
}

/** Compiles the mock cluster launcher when missing or older than its source; needs cc and librdkafka-dev. */
export function buildMockCluster(): string {
  const built = buildNative('mock-cluster', { libs: ['-lrdkafka'] });
  if ('error' in built) throw new Error(`building the mock cluster failed (apt-get install librdkafka-dev?): ${built.error}`);
  return built.binary;
}

/** The child's stdout as lines: the first one resolves `first`, later ones go to `onLine`. */
function stdoutLines(child: ChildProcess, timeoutMs: number, onLine: (line: string) => void = () => undefined): Promise<string> {
  const rl = readline.createInterface({ input: child.stdout as NodeJS.ReadableStream });
  return new Promise((resolve, reject) => {
    let first = true;
    const timer = setTimeout(() => reject(new Error('no first line from child')), timeoutMs);
    rl.on('line', (line) => {
      if (!first) {
        onLine(line);
        return;
      }
      first = false;
      clearTimeout(timer);
      resolve(line);
    });
    child.once('exit', (code) => {
      clearTimeout(timer);
      if (first) reject(new Error(`child exited with ${code} before printing its address`));
    });
  });
}

export interface EddyOptions {
  /** The bench's scratch directory; the data dir and the log file go inside. */
  readonly workDir: string;
  readonly label: string;
  /** Creates topics through a driver's admin client (CreateTopics), as any user would. */
  readonly admin: LineChild;
  readonly extraArgs?: readonly string[];
  /** The HTTP console's port: a free one when absent, 'off' for --no-http. */
  readonly httpPort?: number | 'off';
  /** The port of the listener the bench talks to; a free one when not given (extraArgs may then name it in --listeners). */
  readonly port?: number;
  /** Flags for node itself, before the script (e.g. --trace-gc, whose lines go to the log file). */
  readonly nodeArgs?: readonly string[];
}

export async function startEddy(opts: EddyOptions): Promise<Target & { dataDir: string }> {
  const dataDir = path.join(opts.workDir, `eddy-${opts.label}`);
  const port = opts.port ?? (await freePort());
  const logFile = fs.openSync(path.join(opts.workDir, `eddy-${opts.label}.log`), 'a');
  const started = process.hrtime.bigint();
  const child = spawnTracked(
    process.execPath,
    [
      ...(opts.nodeArgs ?? []),
      path.join(REPO_ROOT, 'bin', 'eddy.js'),
      'start',
      '--host',
      '127.0.0.1',
      '--port',
      String(port),
      '--data-dir',
      dataDir,
      '--log-level',
      'warn',
      // The HTTP console stays on, as users run Eddy, on a free port.
      ...(opts.httpPort === 'off' ? ['--no-http'] : ['--http-port', String(opts.httpPort ?? 0)]),
      ...(opts.extraArgs ?? []),
    ],
    { stdio: ['ignore', logFile, logFile] },
  );
  fs.closeSync(logFile);
  const ready = await waitForApiVersions(port, 20000);
  const bootstrap = `127.0.0.1:${port}`;
  return {
    name: 'eddy',
    bootstrap,
    pid: child.pid ?? -1,
    dataDir,
    startupMs: Number(ready - started) / 1e6,
    createTopic: adminCreateTopic(opts.admin, bootstrap),
    stop: async () => {
      await stopChild(child, 30000);
    },
  };
}

/** CreateTopics through the admin client, then Metadata until every partition has a leader (Kafka elects them after answering). */
function adminCreateTopic(admin: LineChild, bootstrap: string): Target['createTopic'] {
  return async (topic, partitions) => {
    await admin.run({ kind: 'create', bootstrap, topic, partitions, waitForLeaders: true });
  };
}

/** The GC flags Kafka's own kafka-run-class.sh starts the broker with (KAFKA_JVM_PERFORMANCE_OPTS). */
const KAFKA_RUN_CLASS_JVM_OPTIONS = [
  '-server',
  '-XX:+UseG1GC',
  '-XX:MaxGCPauseMillis=20',
  '-XX:InitiatingHeapOccupancyPercent=35',
  '-XX:+ExplicitGCInvokesConcurrent',
  '-Djava.awt.headless=true',
];

/** The reference Apache Kafka: one KRaft node, storage formatted first (not counted in startupMs), 512 MB heap. */
export async function startKafka(opts: Omit<EddyOptions, 'label' | 'extraArgs'>): Promise<Target & { dataDir: string; formatMs: number }> {
  const kafka = await startReferenceKafka({
    jvmOptions: KAFKA_RUN_CLASS_JVM_OPTIONS,
    log4jConfig: path.join(REPO_ROOT, 'bench', 'reference-kafka-log4j2.properties'),
    parentDir: opts.workDir,
    // The bench shares its two cores with other work; a JVM starting under that load can take a minute.
    startTimeoutMs: 120_000,
  });
  return {
    name: 'kafka',
    bootstrap: kafka.bootstrap,
    pid: kafka.pid,
    dataDir: kafka.dataDir,
    startupMs: kafka.startMs,
    formatMs: kafka.formatMs,
    createTopic: adminCreateTopic(opts.admin, kafka.bootstrap),
    stop: () => kafka.stop(),
  };
}

/** Starts a fresh server of the given kind; Eddy's and Kafka's data go into the bench's scratch directory. */
export function startTarget(name: TargetName, opts: EddyOptions): Promise<Target> {
  if (name === 'eddy') return startEddy(opts);
  if (name === 'kafka') return startKafka(opts);
  if (name === 'mock') return startMock();
  return startNullSinkProcess();
}

/**
 * The targets a run measures: those asked for (all by default), Eddy always first. Kafka is left out with a
 * message when it cannot start here (no java, no jars), unless it was asked for by name, which is then an error.
 */
export function chooseTargets(
  requested: readonly string[] | undefined,
  kafkaProblem: () => string | null = referenceKafkaProblem,
): { targets: TargetName[]; skipped: string[] } {
  const unknown = (requested ?? []).filter((n) => !(TARGET_NAMES as readonly string[]).includes(n));
  if (unknown.length > 0) throw new Error(`unknown target ${unknown.join(', ')}; known: ${TARGET_NAMES.join(', ')}`);
  const wanted = TARGET_NAMES.filter((n) => n === 'eddy' || requested === undefined || requested.includes(n));
  const skipped: string[] = [];
  if (wanted.includes('kafka')) {
    const problem = kafkaProblem();
    if (problem !== null && requested !== undefined) throw new Error(`target kafka cannot run: ${problem}; ${INSTALL_HINT}`);
    if (problem !== null) {
      skipped.push(`Apache Kafka left out: ${problem}. To measure it, ${INSTALL_HINT}.`);
      return { targets: wanted.filter((n) => n !== 'kafka'), skipped };
    }
  }
  return { targets: wanted, skipped };
}

export async function startMock(): Promise<Target> {
  const binary = buildMockCluster();
  const started = process.hrtime.bigint();
  const child = spawnTracked(binary, []);
  child.stderr?.resume();
  const answers: ((line: string) => void)[] = [];
  const bootstrap = await stdoutLines(child, 10000, (line) => answers.shift()?.(line));
  const port = Number(bootstrap.split(':').pop());
  const ready = await waitForApiVersions(port, 10000);
  return {
    name: 'mock',
    bootstrap,
    pid: child.pid ?? -1,
    startupMs: Number(ready - started) / 1e6,
    createTopic: async (topic, partitions) => {
      const answer = new Promise<string>((resolve) => answers.push(resolve));
      child.stdin?.write(`create ${topic} ${partitions}\n`);
      const line = await answer;
      if (line !== 'ok') throw new Error(`mock cluster could not create ${topic}: ${line}`);
    },
    stop: async () => {
      child.stdin?.end();
      await stopChild(child);
    },
  };
}

export async function startNullSinkProcess(): Promise<Target> {
  const started = process.hrtime.bigint();
  const child = spawnTracked(process.execPath, [path.join(REPO_ROOT, 'dist', 'bench', 'null-sink', 'main.js'), '0']);
  child.stderr?.resume();
  const line = await stdoutLines(child, 10000);
  const m = /^listening (\d+)$/.exec(line);
  if (!m) throw new Error(`null sink said: ${line}`);
  const port = Number(m[1]);
  const ready = await waitForApiVersions(port, 10000);
  return {
    name: 'null',
    bootstrap: `127.0.0.1:${port}`,
    pid: child.pid ?? -1,
    startupMs: Number(ready - started) / 1e6,
    // The sink knows every topic; the partition count travels in the name (".p<N>").
    createTopic: async () => undefined,
    stop: async () => {
      await stopChild(child);
    },
  };
}

/** One table column per target, in run order. */
export function targetColumns(names: readonly TargetName[]): { key: TargetName; label: string }[] {
  return names.map((t) => ({ key: t, label: TARGET_LABELS[t] }));
}

/**
 * The targets in the order run `run` measures them: rotated by one each run, so no target always runs right after
 * the same one (a JVM's compiler and collector work on after its run) or always first on a cold client.
 */
export function inRunOrder<T>(names: readonly T[], run: number): T[] {
  const shift = names.length === 0 ? 0 : run % names.length;
  return [...names.slice(shift), ...names.slice(0, shift)];
}

/** Eddy ÷ each other target in the run (and in `among`, when given): the ratios the tables print. */
export function ratiosToEddy(names: readonly TargetName[], among: readonly TargetName[] = TARGET_NAMES): (readonly [TargetName, TargetName])[] {
  return names.filter((t) => t !== 'eddy' && among.includes(t)).map((t) => ['eddy', t] as const);
}

/** Topic names carry their partition count so the null sink can answer Metadata for them. */
export function topicName(parts: readonly (string | number)[], partitions: number): string {
  return `bench.${parts.join('.')}.p${partitions}`;
}
