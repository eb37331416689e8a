// Starts the reference Apache Kafka broker (issue 16) as one KRaft process (broker and controller) on free
// loopback ports with its data in a temp dir, stopped by pid. Two users: the differential tests play the same
// requests against Eddy and Kafka (test/helpers/reference-kafka.ts adds the jest parts), and the bench measures
// Kafka beside Eddy. It lives here because the bench must never import from test/. Its jars come from the cache
// .ci/install-reference-kafka fills from test/reference/pom.xml.
import { execFile, spawn, spawnSync, type ChildProcess } from 'child_process';
import * as crypto from 'crypto';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { promisify } from 'util';
import { freePort, waitForApiVersions } from './net-probe';

export interface ReferenceKafka {
  readonly bootstrap: string;
  readonly port: number;
  readonly pid: number;
  /** Milliseconds from spawning the broker's JVM to its first ApiVersions answer (storage formatting excluded). */
  readonly startMs: number;
  /** Milliseconds Kafka's storage tool took to format the node, in its own JVM, before the broker was spawned. */
  readonly formatMs: number;
  /** The broker's log.dirs. */
  readonly dataDir: string;
  /** The SASL_PLAINTEXT listener's port when started with `saslPlainUsers`, else null. */
  readonly saslPort: number | null;
  /** SIGTERM, SIGKILL if it has not exited in time, then the temp dir is removed. */
  stop(): Promise<void>;
  /** A clean shutdown (SIGTERM), then a new JVM on the same data dir and ports; resolves once it answers ApiVersions. */
  restart(): Promise<void>;
}

export interface ReferenceKafkaOptions {
  /** JVM options added after the fixed 512 MB heap (e.g. the GC flags kafka-run-class.sh passes). */
  readonly jvmOptions?: readonly string[];
  /** A log4j2 properties file in place of test/reference/log4j2.properties (INFO into server.log). */
  readonly log4jConfig?: string;
  /** Where the broker's temp dir goes; the system temp dir by default. */
  readonly parentDir?: string;
  /** How long the JVM may take to answer its first ApiVersions; 40 s by default. */
  readonly startTimeoutMs?: number;
  /** Adds a SASL_PLAINTEXT listener with PLAIN and these users (name to password); its port is `saslPort`. */
  readonly saslPlainUsers?: Readonly<Record<string, string>>;
  /** Server properties added after the fixed ones (e.g. authorizer.class.name and super.users). */
  readonly properties?: Readonly<Record<string, string>>;
}

/** The SASL_PLAINTEXT listener of a broker started with `saslPlainUsers`. */
interface SaslListener {
  readonly port: number;
  readonly users: Readonly<Record<string, string>>;
}

const execFileAsync = promisify(execFile);
const REPO_ROOT = path.resolve(__dirname, '..', '..', '..');
const REFERENCE_DIR = path.join(REPO_ROOT, 'test', 'reference');
const POM = path.join(REFERENCE_DIR, 'pom.xml');
export const INSTALL_HINT = 'run `bash .ci/install-reference-kafka` (needs java 17+ and mvn on PATH)';

/** The broker's heap, fixed (-Xms = -Xmx) so its memory figures compare from run to run. */
export const REFERENCE_KAFKA_HEAP_MB = 512;
const HEAP = [`-Xms${REFERENCE_KAFKA_HEAP_MB}m`, `-Xmx${REFERENCE_KAFKA_HEAP_MB}m`];
const DEFAULT_START_TIMEOUT_MS = 40_000;
const STOP_GRACE_MS = 15_000;

/** The Kafka version test/reference/pom.xml pins (its kafka.version property). */
export function referenceKafkaVersion(): string {
  const m = /<kafka\.version>([^<]+)<\/kafka\.version>/.exec(fs.readFileSync(POM, 'utf8'));
  return m ? m[1] : 'unknown';
}

/** The folder the install script filled for the current pom: the same key, the pom's SHA-256 cut to 16 digits. */
function installDir(): string {
  const root = process.env.EDDY_REFERENCE_KAFKA_CACHE ?? '/var/cache/eddy-reference-kafka';
  const key = crypto.createHash('sha256').update(fs.readFileSync(POM)).digest('hex').slice(0, 16);
  return path.join(root, key);
}

/** Why the reference broker cannot start here, or null when it can. */
export function referenceKafkaProblem(): string | null {
  const classpathFile = path.join(installDir(), 'classpath.txt');
  if (!fs.existsSync(classpathFile)) return `the reference Kafka's jars are not installed (no ${classpathFile})`;
  if (spawnSync('java', ['-version'], { stdio: 'ignore' }).status !== 0) return 'java is not on PATH';
  return null;
}

/** A cluster id as Kafka's Uuid prints it: 16 random bytes in unpadded URL-safe base64, never starting with '-'. */
function randomClusterId(): string {
  for (;;) {
    const id = crypto.randomBytes(16).toString('base64url');
    if (!id.startsWith('-')) return id;
  }
}

/** Kafka's PLAIN login module with one user_<name> entry per user. */
function plainJaasConfig(users: Readonly<Record<string, string>>): string {
  const entries = Object.entries(users).map(([name, password]) => `user_${name}="${password}"`);
  return `org.apache.kafka.common.security.plain.PlainLoginModule required ${entries.join(' ')};`;
}

function saslProperties(sasl: SaslListener | null): string[] {
  if (sasl === null) return [];
  return ['sasl.enabled.mechanisms=PLAIN', `listener.name.sasl_plaintext.plain.sasl.jaas.config=${plainJaasConfig(sasl.users)}`];
}

function serverProperties(dataDir: string, port: number, controllerPort: number, sasl: SaslListener | null, extra: Readonly<Record<string, string>>): string {
  const saslListener = sasl === null ? '' : `,SASL_PLAINTEXT://127.0.0.1:${sasl.port}`;
  return [
    'process.roles=broker,controller',
    'node.id=1',
    `controller.quorum.voters=1@127.0.0.1:${controllerPort}`,
    `listeners=PLAINTEXT://127.0.0.1:${port},CONTROLLER://127.0.0.1:${controllerPort}${saslListener}`,
    `advertised.listeners=PLAINTEXT://127.0.0.1:${port}${saslListener}`,
    'controller.listener.names=CONTROLLER',
    'inter.broker.listener.name=PLAINTEXT',
    `listener.security.protocol.map=PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT${sasl === null ? '' : ',SASL_PLAINTEXT:SASL_PLAINTEXT'}`,
    ...saslProperties(sasl),
    `log.dirs=${dataDir}`,
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
    ...Object.entries(extra).map(([key, value]) => `${key}=${value}`),
    '',
  ].join('\n');
}

interface JvmSetup {
  readonly workDir: string;
  readonly heap: readonly string[];
  readonly jvmOptions: readonly string[];
  readonly log4jConfig: string;
}

/** The reference install's jars (broker, clients, tools), joined as `java -cp` takes them; the bench's Java producer driver uses them too. */
export function referenceKafkaClasspath(): string {
  return fs.readFileSync(path.join(installDir(), 'classpath.txt'), 'utf8').trim();
}

function javaArgs(jvm: JvmSetup, mainClass: string, args: readonly string[]): string[] {
  const classpath = referenceKafkaClasspath();
  return [
    ...jvm.heap,
    ...jvm.jvmOptions,
    `-Dkafka.logs.dir=${jvm.workDir}`,
    `-Dlog4j2.configurationFile=${jvm.log4jConfig}`,
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
async function formatStorage(jvm: JvmSetup, propertiesFile: string): Promise<void> {
  const args = javaArgs({ ...jvm, heap: ['-Xmx256m'] }, 'kafka.tools.StorageTool', ['format', '-t', randomClusterId(), '-c', propertiesFile]);
  try {
    await execFileAsync('java', args, { timeout: 30_000 });
  } catch (err) {
    const { stdout, stderr } = err as { stdout?: string; stderr?: string };
    throw new Error(`Kafka's storage tool failed: ${(err as Error).message}\n${stdout ?? ''}${stderr ?? ''}`, { cause: err });
  }
}

/** JVMs still running when this process exits, killed then so a failed test or bench never leaves a broker behind. */
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

function pidOf(child: ChildProcess): number {
  if (child.pid === undefined) throw new Error('the reference Kafka has no pid');
  return child.pid;
}

/** Spawns the broker's JVM on a formatted work dir; resolves once it answers ApiVersions, rejects (and stops it) if it dies first. */
async function spawnBroker(
  jvm: JvmSetup,
  propertiesFile: string,
  port: number,
  timeoutMs: number,
): Promise<{ child: ChildProcess; answeredAt: bigint; spawnedAt: bigint }> {
  // The JVM's own output (a crash, a bad flag) goes to a file: a pipe nobody reads could block the broker.
  const output = fs.openSync(path.join(jvm.workDir, 'console.log'), 'a');
  const spawnedAt = process.hrtime.bigint();
  const child = spawn('java', javaArgs(jvm, 'kafka.Kafka', [propertiesFile]), { stdio: ['ignore', output, output] });
  fs.closeSync(output);
  running.add(child);
  // Settles only if the JVM dies or cannot be spawned; once the race below is won, its later rejection is ignored.
  const died = new Promise<never>((_resolve, reject) => {
    child.once('error', reject);
    child.once('exit', (code, signal) => reject(new Error(`the reference Kafka exited during start-up (${code ?? signal})`)));
  });
  try {
    const answeredAt = await Promise.race([waitForApiVersions(port, timeoutMs), died]);
    pidOf(child);
    return { child, answeredAt, spawnedAt };
  } catch (err) {
    await stopProcess(child);
    throw err;
  }
}

/** `count` free ports, no two alike (the OS may hand out a port again once its probe closed). */
async function distinctFreePorts(count: number): Promise<number[]> {
  const ports: number[] = [];
  while (ports.length < count) {
    const port = await freePort();
    if (!ports.includes(port)) ports.push(port);
  }
  return ports;
}

const elapsedMs = (since: bigint): number => Number(process.hrtime.bigint() - since) / 1e6;

/** Formats a fresh node, starts it and resolves once it answers ApiVersions on its PLAINTEXT port. */
export async function startReferenceKafka(options: ReferenceKafkaOptions = {}): Promise<ReferenceKafka> {
  const problem = referenceKafkaProblem();
  if (problem !== null) throw new Error(`${problem}; ${INSTALL_HINT}`);
  const workDir = fs.mkdtempSync(path.join(options.parentDir ?? os.tmpdir(), 'eddy-reference-kafka-'));
  const removeWorkDir = (): void => fs.rmSync(workDir, { recursive: true, force: true });
  const jvm: JvmSetup = {
    workDir,
    heap: HEAP,
    jvmOptions: options.jvmOptions ?? [],
    log4jConfig: options.log4jConfig ?? path.join(REFERENCE_DIR, 'log4j2.properties'),
  };
  try {
    const [port, controllerPort, saslPort] = await distinctFreePorts(options.saslPlainUsers === undefined ? 2 : 3);
    const sasl = options.saslPlainUsers === undefined ? null : { port: saslPort, users: options.saslPlainUsers };
    const dataDir = path.join(workDir, 'data');
    const propertiesFile = path.join(workDir, 'server.properties');
    fs.writeFileSync(propertiesFile, serverProperties(dataDir, port, controllerPort, sasl, options.properties ?? {}));
    const formatStarted = process.hrtime.bigint();
    await formatStorage(jvm, propertiesFile);
    const formatMs = elapsedMs(formatStarted);

    const timeoutMs = options.startTimeoutMs ?? DEFAULT_START_TIMEOUT_MS;
    const first = await spawnBroker(jvm, propertiesFile, port, timeoutMs);
    let current = first.child;
    return {
      bootstrap: `127.0.0.1:${port}`,
      port,
      // The JVM running now: a restart spawns a new one.
      get pid(): number {
        return pidOf(current);
      },
      startMs: Number(first.answeredAt - first.spawnedAt) / 1e6,
      formatMs,
      dataDir,
      saslPort: sasl?.port ?? null,
      stop: async () => {
        await stopProcess(current);
        removeWorkDir();
      },
      restart: async () => {
        await stopProcess(current);
        try {
          current = (await spawnBroker(jvm, propertiesFile, port, timeoutMs)).child;
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
