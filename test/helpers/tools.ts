// Finding and running external client tools (kcat, Debian's python3 with confluent-kafka). Suites that need a
// missing tool are skipped with a message; .ci/run installs them so CI always runs them.
import { execFileSync, spawn } from 'child_process';
import * as fs from 'fs';

export function hasCommand(path: string): boolean {
  return fs.existsSync(path);
}

export const KCAT = '/usr/bin/kcat';
/** Debian's python, which has python3-confluent-kafka and python3-kafka from apt (not a pyenv python). */
export const DEBIAN_PYTHON = '/usr/bin/python3';

export function pythonHasModule(mod: string): boolean {
  if (!hasCommand(DEBIAN_PYTHON)) return false;
  try {
    execFileSync(DEBIAN_PYTHON, ['-c', `import ${mod}`], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

export interface RunResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** Runs a command with input, bounded in time; kills it (by pid) on timeout. */
export function run(cmd: string, args: string[], input = '', timeoutMs = 30000): Promise<RunResult> {
  return new Promise((resolve) => {
    const child = spawn(cmd, args, { stdio: ['pipe', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    });
    // A tool that exits before reading all its input is reported through its exit code, not as an EPIPE.
    child.stdin.on('error', () => undefined);
    child.stdin.end(input);
  });
}
