// Starting Eddy for tests: in-process (fast, for most suites) or as a child process through the real CLI (for
// restarts, kill -9 and CLI behaviour). Both bind 127.0.0.1 on a free port and use a fresh temp data dir.
import { ChildProcess, spawn } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import * as readline from 'readline';
import { Broker } from '../../src/broker/broker';
import { BrokerConfig } from '../../src/config/broker-config';
import { Logger, silentLogger } from '../../src/logger';

export function tempDataDir(prefix = 'eddy-test-'): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), prefix));
}

export function removeDir(dir: string): void {
  fs.rmSync(dir, { recursive: true, force: true });
}

export async function startInProcess(
  dataDir: string = tempDataDir(),
  overrides: Record<string, string> = {},
  logger: Logger = silentLogger(),
): Promise<{ broker: Broker; dataDir: string; bootstrap: string }> {
  const config = new BrokerConfig({ listeners: 'PLAINTEXT://127.0.0.1:0', 'log.dirs': dataDir, ...overrides });
  const broker = await Broker.start({ config, logger });
  return { broker, dataDir, bootstrap: `127.0.0.1:${broker.port}` };
}

const REPO_ROOT = path.resolve(__dirname, '..', '..', '..');
export const EDDY_BIN = path.join(REPO_ROOT, 'bin', 'eddy.js');

export interface ChildBroker {
  readonly process: ChildProcess;
  readonly port: number;
  readonly bootstrap: string;
  readonly logLines: string[];
  /** SIGTERM and wait for exit; returns the exit code. */
  stop(): Promise<number | null>;
  /** SIGKILL and wait for exit. */
  kill(): Promise<void>;
}

/** Runs `node bin/eddy.js start` and resolves once its listener is up (parsed from its JSON log line). */
export function startChild(dataDir: string, args: string[] = [], port = 0, timeoutMs = 15000, env: NodeJS.ProcessEnv = process.env): Promise<ChildBroker> {
  const child = spawn(
    process.execPath,
    // No HTTP server unless a test asks for one: its default port is fixed, and tests use free ports only.
    [
      EDDY_BIN,
      'start',
      '--host',
      '127.0.0.1',
      '--port',
      String(port),
      '--data-dir',
      dataDir,
      '--log-level',
      'info',
      ...(args.some((a) => a.startsWith('--http')) ? [] : ['--no-http']),
      ...args,
    ],
    { stdio: ['ignore', 'pipe', 'pipe'], env },
  );
  const logLines: string[] = [];
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`broker did not start within ${timeoutMs} ms:\n${logLines.join('\n')}`));
    }, timeoutMs);
    child.stderr?.on('data', (d: Buffer) => logLines.push(d.toString()));
    const rl = readline.createInterface({ input: child.stdout as NodeJS.ReadableStream });
    rl.on('line', (line) => {
      logLines.push(line);
      let parsed: { msg?: string; port?: number };
      try {
        parsed = JSON.parse(line) as { msg?: string; port?: number };
      } catch {
        return;
      }
      if (parsed.msg === 'listening' && typeof parsed.port === 'number') {
        clearTimeout(timer);
        const boundPort = parsed.port;
        resolve({
          process: child,
          port: boundPort,
          bootstrap: `127.0.0.1:${boundPort}`,
          logLines,
          stop: async () => {
            if (child.exitCode === null) child.kill('SIGTERM');
            return exited;
          },
          kill: async () => {
            if (child.exitCode === null) child.kill('SIGKILL');
            await exited;
          },
        });
      }
    });
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`broker exited with ${code} before listening:\n${logLines.join('\n')}`));
    });
  });
}

/** Brokers and data dirs that tests of a file start; whatever a test leaves running is cleaned up after it. */
export interface BrokersPerTest {
  /** A fresh temp data dir, removed after the test. */
  dataDir(): string;
  /** `startChild`; the process is killed after the test if it still runs (killing twice is harmless). */
  child(dataDir: string, args?: string[], env?: NodeJS.ProcessEnv): Promise<ChildBroker>;
  /** `startInProcess`; the broker is stopped after the test unless the test stopped it with `stop`. */
  inProcess(dataDir: string, overrides?: Record<string, string>): Promise<{ broker: Broker; dataDir: string; bootstrap: string }>;
  stop(broker: Broker): Promise<void>;
}

/** Registers an afterEach that stops the brokers and removes the data dirs each test started. */
export function brokersPerTest(): BrokersPerTest {
  const dirs: string[] = [];
  const children: ChildBroker[] = [];
  const brokers: Broker[] = [];
  afterEach(async () => {
    for (const b of brokers.splice(0)) await b.stop();
    for (const c of children.splice(0)) await c.kill();
    for (const d of dirs.splice(0)) removeDir(d);
  });
  return {
    dataDir: () => {
      const dir = tempDataDir();
      dirs.push(dir);
      return dir;
    },
    child: async (dataDir, args = [], env = process.env) => {
      const child = await startChild(dataDir, args, 0, 15000, env);
      children.push(child);
      return child;
    },
    inProcess: async (dataDir, overrides = {}) => {
      const started = await startInProcess(dataDir, overrides);
      brokers.push(started.broker);
      return started;
    },
    stop: async (broker) => {
      brokers.splice(brokers.indexOf(broker), 1);
      await broker.stop();
    },
  };
}

/** One in-process broker shared by the tests of a describe block (or file). */
export interface SuiteBroker {
  readonly broker: Broker;
  readonly bootstrap: string;
  readonly dataDir: string;
  /** Stops the broker and starts it again on the same data dir with the same settings. */
  restart(): Promise<void>;
}

export interface SuiteBrokerOptions {
  readonly overrides?: Record<string, string>;
  readonly dataDirPrefix?: string;
  readonly logger?: Logger;
  /** Runs before the broker stops at the end of the suite (clients disconnect here). */
  readonly beforeStop?: () => Promise<void>;
}

/** Registers the beforeAll/afterAll hooks that start the suite's broker and stop it and remove its data dir. */
export function brokerPerSuite(options: SuiteBrokerOptions = {}): SuiteBroker {
  let running: { broker: Broker; bootstrap: string } | undefined;
  let dataDir = '';
  const start = async (): Promise<void> => {
    running = await startInProcess(dataDir, options.overrides, options.logger);
  };
  beforeAll(async () => {
    dataDir = tempDataDir(options.dataDirPrefix);
    await start();
  });
  afterAll(async () => {
    await options.beforeStop?.();
    await running?.broker.stop();
    removeDir(dataDir);
  });
  const current = (): { broker: Broker; bootstrap: string } => {
    if (!running) throw new Error('the suite broker is not started');
    return running;
  };
  return {
    get broker() {
      return current().broker;
    },
    get bootstrap() {
      return current().bootstrap;
    },
    get dataDir() {
      return dataDir;
    },
    restart: async () => {
      await current().broker.stop();
      running = undefined;
      await start();
    },
  };
}
