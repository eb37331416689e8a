// Kafka's command-line tools for the compatibility suite: one JVM (test/compat/java/tools, eddy.tools.ToolRunner)
// runs every tool's main class in turn, so the suite pays the JVM start once. Commands go one per line on the
// runner's stdin and each answer comes back as one line (see ToolRunner.java for the format).
import { spawnJava, type JavaProcess } from './java';

export const TOOLS_MODULE = 'tools';
/** The kafka-tools version test/compat/java/tools/pom.xml builds against (for messages and the README). */
export const KAFKA_TOOLS_VERSION = '4.4.0';

/** The main classes the bin/kafka-*.sh scripts of Kafka 4.4 start. */
export const TOOL = {
  topics: 'org.apache.kafka.tools.TopicCommand',
  consoleProducer: 'org.apache.kafka.tools.ConsoleProducer',
  consoleConsumer: 'org.apache.kafka.tools.consumer.ConsoleConsumer',
  consumerGroups: 'org.apache.kafka.tools.consumer.group.ConsumerGroupCommand',
  configs: 'org.apache.kafka.tools.ConfigCommand',
  getOffsets: 'org.apache.kafka.tools.GetOffsetShell',
  transactions: 'org.apache.kafka.tools.TransactionsCommand',
  producerPerfTest: 'org.apache.kafka.tools.ProducerPerformance',
  logDirs: 'org.apache.kafka.tools.LogDirsCommand',
  deleteRecords: 'org.apache.kafka.tools.DeleteRecordsCommand',
  dumpLog: 'org.apache.kafka.tools.DumpLogSegments',
} as const;

export interface ToolResult {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

const ANSWER_PREFIX = 'EDDY-TOOL\t';
const RUNNER_TIMEOUT_MS = 300_000;

function b64(text: string): string {
  return Buffer.from(text, 'utf8').toString('base64');
}

function fromB64(text: string): string {
  return Buffer.from(text, 'base64').toString('utf8');
}

/** The runner JVM; `run` calls wait for each other, as the tools share System.out. */
export class KafkaTools {
  private readonly jvm: JavaProcess;
  private readonly waiting: Array<(line: string) => void> = [];
  private queue: Promise<unknown> = Promise.resolve();

  /**
   * The runner of the tools module, or `elsewhere`: the runner's source launched on other jars (java runs a single
   * source file given in place of a main class), for another Kafka version's tools.
   */
  constructor(elsewhere?: { readonly classpath: string; readonly runnerSource: string }) {
    this.jvm = spawnJava(TOOLS_MODULE, elsewhere?.runnerSource ?? 'eddy.tools.ToolRunner', [], {
      timeoutMs: RUNNER_TIMEOUT_MS,
      stdinPipe: true,
      classpath: elsewhere?.classpath,
      onLine: (line) => {
        if (line.startsWith(ANSWER_PREFIX)) this.waiting.shift()?.(line);
      },
    });
  }

  /** Runs one tool to its end (its Exit.exit or the end of main); fails when the tool outlives `timeoutMs`. */
  run(mainClass: string, args: readonly string[], options: { input?: string; timeoutMs?: number } = {}): Promise<ToolResult> {
    const next = this.queue.then(() => this.send(mainClass, args, options.input ?? '', options.timeoutMs ?? 30_000));
    this.queue = next.catch(() => undefined);
    return next;
  }

  /** Like `run`, failing with the tool's output unless it exits with 0. */
  async ok(mainClass: string, args: readonly string[], options: { input?: string; timeoutMs?: number } = {}): Promise<string> {
    const res = await this.run(mainClass, args, options);
    if (res.code !== 0) throw new Error(`${mainClass} ${args.join(' ')} exited with ${res.code}:\n${res.stdout}\n${res.stderr}`);
    return res.stdout;
  }

  private send(mainClass: string, args: readonly string[], input: string, timeoutMs: number): Promise<ToolResult> {
    const stdin = this.jvm.child.stdin;
    if (stdin === null || this.jvm.child.exitCode !== null) return Promise.reject(new Error('the tool runner JVM is not running'));
    return new Promise<ToolResult>((resolve, reject) => {
      const timer = setTimeout(() => {
        // The runner cannot interrupt a tool: end the JVM, later commands fail.
        void this.jvm.stop();
        reject(new Error(`${mainClass} ${args.join(' ')} did not finish within ${timeoutMs} ms`));
      }, timeoutMs);
      const exited = (): void => {
        clearTimeout(timer);
        reject(new Error(`the tool runner JVM ended during ${mainClass}`));
      };
      void this.jvm.result.then(exited);
      this.waiting.push((line) => {
        clearTimeout(timer);
        const [, code, out, err] = line.split('\t');
        resolve({ code: Number(code), stdout: fromB64(out ?? ''), stderr: fromB64(err ?? '') });
      });
      stdin.write([mainClass, input, ...args].map(b64).join('\t') + '\n');
    });
  }

  /** Ends the runner by closing its stdin; the pid is killed if it does not leave within the stop grace. */
  async close(): Promise<void> {
    this.jvm.child.stdin?.end();
    let timer: NodeJS.Timeout | undefined;
    const late = new Promise<null>((resolve) => {
      timer = setTimeout(() => resolve(null), 5_000);
    });
    const ended = await Promise.race([this.jvm.result, late]);
    clearTimeout(timer);
    if (ended === null) await this.jvm.stop();
  }
}

/** Rows of the whitespace-aligned tables consumer-groups prints, keyed by their header line's column names. */
export function parseTable(stdout: string, firstColumn: string): Array<Record<string, string>> {
  const lines = stdout.split('\n').filter((l) => l.trim().length > 0);
  const headerAt = lines.findIndex((l) => l.trim().split(/\s+/)[0] === firstColumn);
  if (headerAt < 0) throw new Error(`no table with a ${firstColumn} column in:\n${stdout}`);
  const columns = lines[headerAt].trim().split(/\s+/);
  return lines.slice(headerAt + 1).map((line) => {
    const cells = line.trim().split(/\s+/);
    return Object.fromEntries(columns.map((c, i) => [c, cells[i] ?? '']));
  });
}

/** `key=value` pairs of ConfigCommand's describe lines ("  retention.ms=1000 sensitive=false synonyms={...}"). */
export function parseConfigLines(stdout: string): Map<string, string> {
  const out = new Map<string, string>();
  for (const line of stdout.split('\n')) {
    const m = /^ {2}([^=\s]+)=(\S*) sensitive=/.exec(line);
    if (m !== null) out.set(m[1], m[2]);
  }
  return out;
}

/** `Name: value` fields of a tab-separated line (kafka-topics --describe, console consumer's printed properties). */
export function parseFields(line: string): Map<string, string> {
  const out = new Map<string, string>();
  for (const cell of line.split('\t')) {
    const m = /^\s*([A-Za-z]+):\s?(.*)$/.exec(cell);
    if (m !== null) out.set(m[1], m[2].trim());
  }
  return out;
}
