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
export function startChild(
  dataDir: string,
  args: string[] = [],
  port = 0,
  timeoutMs = 15000,
  env: NodeJS.ProcessEnv = process.env,
): Promise<ChildBroker> {
  const child = spawn(
    process.execPath,
    [EDDY_BIN, 'start', '--host', '127.0.0.1', '--port', String(port), '--data-dir', dataDir, '--log-level', 'info', ...args],
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
