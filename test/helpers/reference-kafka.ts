// The reference Apache Kafka broker (issue 16): the real thing, started as one KRaft process (broker and
// controller) on free loopback ports with its data in a temp dir, so tests can play the same requests against
// Eddy and Kafka. Its jars come from the cache .ci/install-reference-kafka fills from test/reference/pom.xml;
// without them a suite skips outside CI and fails under CI=true, as the compatibility suites do.
import { execFile, spawn, spawnSync, type ChildProcess } from 'child_process';
import * as crypto from 'crypto';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { promisify } from 'util';
import { freePort, waitForApiVersions } from '../../bench/lib/net-probe';

export interface ReferenceKafka {
  readonly bootstrap: string;
  readonly port: number;
  readonly pid: number;
  /** Milliseconds from spawning the broker's JVM to its first ApiVersions answer (storage formatting excluded). */
  readonly startMs: number;
  /** SIGTERM, SIGKILL if it has not exited in time, then the temp dir is removed. */
  stop(): Promise<void>;
  /** A clean shutdown (SIGTERM), then a new JVM on the same data dir and ports; resolves once it answers ApiVersions. */
  restart(): Promise<void>;
}

const execFileAsync = promisify(execFile);
const REPO_ROOT = path.resolve(__dirname, '..', '..', '..');
const REFERENCE_DIR = path.join(REPO_ROOT, 'test', 'reference');
export const INSTALL_HINT = 'run `bash .ci/install-reference-kafka` (needs java 17+ and mvn on PATH)';

const HEAP = ['-Xms512m', '-Xmx512m'];
const START_TIMEOUT_MS = 40_000;
const STOP_GRACE_MS = 15_000;

/** The folder the install script filled for the current pom: the same key, the pom's SHA-256 cut to 16 digits. */
function installDir(): string {
  const root = process.env.EDDY_REFERENCE_KAFKA_CACHE ?? '/var/cache/eddy-reference-kafka';
  const key = crypto
    .createHash('sha256')
    .update(fs.readFileSync(path.join(REFERENCE_DIR, 'pom.xml')))
    .digest('hex')
    .slice(0, 16);
  return path.join(root, key);
}

/** Why the reference broker cannot start here, or null when it can. */
export function referenceKafkaProblem(): string | null {
  const classpathFile = path.join(installDir(), 'classpath.txt');
  if (!fs.existsSync(classpathFile)) return `the reference Kafka's jars are not installed (no ${classpathFile})`;
  if (spawnSync('java', ['-version'], { stdio: 'ignore' }).status !== 0) return 'java is not on PATH';
  return null;
}

/** Declares a suite that needs the reference broker: skipped with a message outside CI when it is missing, failed under CI. */
export function describeWithReferenceKafka(title: string, body: () => void): void {
  const problem = referenceKafkaProblem();
  if (problem === null) {
    describe(title, body);
  } else if (process.env.CI !== 'true') {
    console.warn(`${title} skipped: ${problem}. To run it, ${INSTALL_HINT}.`);
    describe.skip(title, body);
  } else {
    describe(title, () => {
      test('the reference Kafka is installed', () => {
        throw new Error(`${title} cannot run: ${problem}. To install it, ${INSTALL_HINT}.`);
      });
    });
  }
}

/** A cluster id as Kafka's Uuid prints it: 16 random bytes in unpadded URL-safe base64, never starting with '-'. */
function randomClusterId(): string {
  for (;;) {
    const id = crypto.randomBytes(16).toString('base64url');
    if (!id.startsWith('-')) return id;
  }
}

function serverProperties(workDir: string, port: number, controllerPort: number): string {
  return [
    'process.roles=broker,controller',
    'node.id=1',
    `controller.quorum.voters=1@127.0.0.1:${controllerPort}`,
    `listeners=PLAINTEXT://127.0.0.1:${port},CONTROLLER://127.0.0.1:${controllerPort}`,
    `advertised.listeners=PLAINTEXT://127.0.0.1:${port}`,
    'controller.listener.names=CONTROLLER',
    'inter.broker.listener.name=PLAINTEXT',
    'listener.security.protocol.map=PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT',
    `log.dirs=${path.join(workDir, 'data')}`,
    // One node: internal topics cannot have more replicas than that.
    'offsets.topic.replication.factor=1',
    'transaction.state.log.replication.factor=1',
    'transaction.state.log.min.isr=1',
    'share.coordinator.state.topic.replication.factor=1',
    'share.coordinator.state.topic.min.isr=1',
    // Eddy's dev defaults, so group timings compare.
    'group.initial.rebalance.delay.ms=0',
    // Kafka 4.3 batches KIP-848 target assignments; Eddy computes them on the heartbeat that changes the group.
    'group.consumer.min.assignment.interval.ms=0',
    'group.consumer.assignment.interval.ms=0',
    '',
  ].join('\n');
}

function javaArgs(workDir: string, heap: readonly string[], mainClass: string, args: readonly string[]): string[] {
  const classpath = fs.readFileSync(path.join(installDir(), 'classpath.txt'), 'utf8').trim();
  return [
    ...heap,
    `-Dkafka.logs.dir=${workDir}`,
    `-Dlog4j2.configurationFile=${path.join(REFERENCE_DIR, 'log4j2.properties')}`,
    '-cp',
    classpath,
    mainClass,
    ...args,
  ];
}

function logTail(workDir: string): string {
  const tails = ['server.log', 'console.log'].map((name) => {
    const file = path.join(workDir, name);
    if (!fs.existsSync(file)) return '';
    return `--- ${name}:\n${fs.readFileSync(file, 'utf8').split('\n').slice(-30).join('\n')}`;
  });
  return tails.filter((t) => t !== '').join('\n');
}

/** Kafka's storage tool writes meta.properties and the bootstrap metadata; a KRaft node refuses to start without them. */
async function formatStorage(workDir: string, propertiesFile: string): Promise<void> {
  const args = javaArgs(workDir, ['-Xmx256m'], 'kafka.tools.StorageTool', ['format', '-t', randomClusterId(), '-c', propertiesFile]);
  try {
    await execFileAsync('java', args, { timeout: 30_000 });
  } catch (err) {
    const { stdout, stderr } = err as { stdout?: string; stderr?: string };
    throw new Error(`Kafka's storage tool failed: ${(err as Error).message}\n${stdout ?? ''}${stderr ?? ''}`, { cause: err });
  }
}

/** JVMs still running when this process exits, killed then so a failed test never leaves a broker behind. */
const running = new Set<ChildProcess>();
process.once('exit', () => {
  for (const child of running) child.kill('SIGKILL');
});

/** Resolves once the process has exited, or at once when it never started (spawn reports that as 'error'). */
function exited(child: ChildProcess): Promise<void> {
  if (child.pid === undefined || child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    child.once('exit', () => resolve());
    child.once('error', () => resolve());
  });
}

async function stopProcess(child: ChildProcess): Promise<void> {
  const gone = exited(child);
  child.kill('SIGTERM');
  const timer = setTimeout(() => child.kill('SIGKILL'), STOP_GRACE_MS);
  await gone;
  clearTimeout(timer);
  running.delete(child);
}

/** Spawns the broker's JVM on a formatted work dir; resolves once it answers ApiVersions, rejects if it dies first. */
async function spawnBroker(workDir: string, propertiesFile: string, port: number): Promise<{ child: ChildProcess; answeredAt: bigint; spawnedAt: bigint }> {
  // The JVM's own output (a crash, a bad flag) goes to a file: a pipe nobody reads could block the broker.
  const output = fs.openSync(path.join(workDir, 'console.log'), 'a');
  const spawnedAt = process.hrtime.bigint();
  const child = spawn('java', javaArgs(workDir, HEAP, 'kafka.Kafka', [propertiesFile]), { stdio: ['ignore', output, output] });
  fs.closeSync(output);
  running.add(child);
  // Settles only if the JVM dies or cannot be spawned; once the race below is won, its later rejection is ignored.
  const died = new Promise<never>((_resolve, reject) => {
    child.once('error', reject);
    child.once('exit', (code, signal) => reject(new Error(`the reference Kafka exited during start-up (${code ?? signal})`)));
  });
  try {
    const answeredAt = await Promise.race([waitForApiVersions(port, START_TIMEOUT_MS), died]);
    return { child, answeredAt, spawnedAt };
  } catch (err) {
    await stopProcess(child);
    throw err;
  }
}

/** Formats a fresh node, starts it and resolves once it answers ApiVersions on its PLAINTEXT port. */
export async function startReferenceKafka(): Promise<ReferenceKafka> {
  const problem = referenceKafkaProblem();
  if (problem !== null) throw new Error(`${problem}; ${INSTALL_HINT}`);
  const workDir = fs.mkdtempSync(path.join(os.tmpdir(), 'eddy-reference-kafka-'));
  const removeWorkDir = (): void => fs.rmSync(workDir, { recursive: true, force: true });
  try {
    const port = await freePort();
    let controllerPort = await freePort();
    while (controllerPort === port) controllerPort = await freePort();
    const propertiesFile = path.join(workDir, 'server.properties');
    fs.writeFileSync(propertiesFile, serverProperties(workDir, port, controllerPort));
    await formatStorage(workDir, propertiesFile);

    const first = await spawnBroker(workDir, propertiesFile, port);
    let current = first.child;
    const pidOf = (child: ChildProcess): number => {
      if (child.pid === undefined) throw new Error('the reference Kafka has no pid');
      return child.pid;
    };
    pidOf(current);
    return {
      bootstrap: `127.0.0.1:${port}`,
      port,
      // The JVM running now: a restart spawns a new one.
      get pid(): number {
        return pidOf(current);
      },
      startMs: Number(first.answeredAt - first.spawnedAt) / 1e6,
      stop: async () => {
        await stopProcess(current);
        removeWorkDir();
      },
      restart: async () => {
        await stopProcess(current);
        try {
          current = (await spawnBroker(workDir, propertiesFile, port)).child;
        } catch (err) {
          throw new Error(`${(err as Error).message}\n${logTail(workDir)}`, { cause: err });
        }
      },
    };
  } catch (err) {
    const tail = logTail(workDir);
    removeWorkDir();
    throw new Error(`${(err as Error).message}${tail === '' ? '' : `\n${tail}`}`, { cause: err });
  }
}
