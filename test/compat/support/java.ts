// Where the Java compatibility suites (issue 17) find their programs: each Maven module under test/compat/java is
// built by .ci/install-compat-java into a cache folder keyed by the tree's hash, with a classpath.txt beside the
// classes and jars. A suite runs a module's main class as a child JVM against a running Eddy and checks what it
// printed; the JVM is stopped by its pid when the test ends or times out.
import { spawn, type ChildProcess } from 'child_process';
import * as crypto from 'crypto';
import * as fs from 'fs';
import * as path from 'path';
import { COMPAT_DIR } from './compat-clients';

export const JAVA_DIR = path.join(COMPAT_DIR, 'java');
export const JAVA_INSTALL_HINT = 'run `bash .ci/install-compat-java` (needs a JDK 17 and mvn on PATH)';

/** Every file under test/compat/java outside target/, relative and sorted as `LC_ALL=C sort` sorts them. */
function sourceFiles(dir: string, prefix = ''): string[] {
  const out: string[] = [];
  for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
    const relative = prefix === '' ? entry.name : `${prefix}/${entry.name}`;
    if (entry.isDirectory()) {
      if (entry.name !== 'target') out.push(...sourceFiles(path.join(dir, entry.name), relative));
    } else if (entry.isFile()) {
      out.push(relative);
    }
  }
  return out;
}

/** The key .ci/install-compat-java builds under; both must hash the same way. */
export function javaTreeKey(): string {
  const lines = sourceFiles(JAVA_DIR)
    .sort((a, b) => (Buffer.from(a) < Buffer.from(b) ? -1 : Buffer.from(a) > Buffer.from(b) ? 1 : 0))
    .map(
      (file) =>
        `${file}:${crypto
          .createHash('sha256')
          .update(fs.readFileSync(path.join(JAVA_DIR, file)))
          .digest('hex')}\n`,
    );
  return crypto.createHash('sha256').update(lines.join('')).digest('hex').slice(0, 16);
}

function moduleDir(module: string): string {
  const root = process.env.EDDY_COMPAT_JAVA_CACHE ?? '/var/cache/eddy-compat-java';
  return path.join(root, `${module}-${javaTreeKey()}`);
}

/** Why a module's programs cannot run here, or null when they can. */
export function javaModuleProblem(module: string): string | null {
  const classpathFile = path.join(moduleDir(module), 'classpath.txt');
  if (!fs.existsSync(classpathFile)) return `Java module ${module} is not built for this tree (no ${classpathFile}); ${JAVA_INSTALL_HINT}`;
  return null;
}

export function javaClasspath(module: string): string {
  return fs.readFileSync(path.join(moduleDir(module), 'classpath.txt'), 'utf8').trim();
}

export interface JavaRun {
  readonly code: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

export interface JavaOptions {
  readonly timeoutMs: number;
  readonly jvmArgs?: readonly string[];
  readonly env?: Readonly<Record<string, string>>;
  /** Called with each line the program prints on stdout, as it prints it (progress for long scenarios). */
  readonly onLine?: (line: string) => void;
  /** Give the program a stdin pipe (`child.stdin`) for programs that take commands; closed stdin otherwise. */
  readonly stdinPipe?: boolean;
  /** Jars to run with in place of the module's (the module is then only a name in messages). */
  readonly classpath?: string;
}

/** A JVM started from a module's classpath; `result` settles when it exits, `stop` ends it by pid. */
export interface JavaProcess {
  readonly child: ChildProcess;
  readonly result: Promise<JavaRun>;
  stop(): Promise<JavaRun>;
}

const STOP_GRACE_MS = 10_000;

export function spawnJava(module: string, mainClass: string, args: readonly string[], options: JavaOptions): JavaProcess {
  // A small heap and one JIT thread keep several JVMs within this two-core machine; Kafka's clients need little.
  const jvm = ['-Xmx256m', '-XX:+UseSerialGC', '-XX:TieredStopAtLevel=1', '-Xshare:auto', ...(options.jvmArgs ?? [])];
  const command = [...jvm, '-cp', options.classpath ?? javaClasspath(module), mainClass, ...args];
  const env = { ...process.env, ...(options.env ?? {}) };
  const child =
    options.stdinPipe === true
      ? spawn('java', command, { stdio: ['pipe', 'pipe', 'pipe'], env })
      : spawn('java', command, { stdio: ['ignore', 'pipe', 'pipe'], env });
  let stdout = '';
  let stderr = '';
  let pending = '';
  child.stdout.setEncoding('utf8').on('data', (chunk: string) => {
    stdout += chunk;
    pending += chunk;
    const lines = pending.split('\n');
    pending = lines.pop() ?? '';
    for (const line of lines) options.onLine?.(line);
  });
  child.stderr.setEncoding('utf8').on('data', (chunk: string) => {
    stderr += chunk;
  });
  const result = new Promise<JavaRun>((resolve) => {
    child.once('exit', (code) => resolve({ code, stdout, stderr }));
  });
  const timer = setTimeout(() => {
    stderr += `\n[eddy test] ${mainClass} killed after ${options.timeoutMs} ms\n`;
    child.kill('SIGKILL');
  }, options.timeoutMs);
  void result.then(() => clearTimeout(timer));
  const stop = async (): Promise<JavaRun> => {
    if (child.exitCode === null && child.signalCode === null) {
      child.kill('SIGTERM');
      const grace = setTimeout(() => child.kill('SIGKILL'), STOP_GRACE_MS);
      await result;
      clearTimeout(grace);
    }
    return result;
  };
  return { child, result, stop };
}

/** Runs a main class to its end and returns what it printed; a non-zero exit is for the caller to judge. */
export function runJava(module: string, mainClass: string, args: readonly string[], options: JavaOptions): Promise<JavaRun> {
  return spawnJava(module, mainClass, args, options).result;
}
