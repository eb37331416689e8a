// `eddy start --ready-file F`: the JSON file (and the same line on stdout) that tells a script in any language where
// the broker listens once it does, and the README's shell and Python examples, run as written.
import { ChildProcess, execFile, spawn } from 'child_process';
import * as fs from 'fs';
import * as net from 'net';
import * as path from 'path';
import { promisify } from 'util';
import { EDDY_BIN, removeDir, tempDataDir } from '../../helpers/broker';
import { waitFor } from '../../helpers/wait';
import type { ReadyInfo } from '../../../src/kit/ready-info';

jest.setTimeout(60000);

const REPO_ROOT = path.resolve(__dirname, '..', '..', '..', '..');

interface Started {
  readonly child: ChildProcess;
  readonly stdout: string[];
  readonly exited: Promise<number | null>;
}

const children: ChildProcess[] = [];
const dirs: string[] = [];
afterEach(() => {
  for (const child of children.splice(0)) if (child.exitCode === null) child.kill('SIGKILL');
  for (const dir of dirs.splice(0)) removeDir(dir);
});

function workDir(): string {
  const dir = tempDataDir('eddy-ready-');
  dirs.push(dir);
  return dir;
}

function startEddy(args: readonly string[], env: NodeJS.ProcessEnv = process.env): Started {
  const child = spawn(process.execPath, [EDDY_BIN, 'start', '--host', '127.0.0.1', '--log-level', 'warn', ...args], { stdio: ['ignore', 'pipe', 'pipe'], env });
  children.push(child);
  const stdout: string[] = [];
  let partial = '';
  child.stdout?.on('data', (chunk: Buffer) => {
    const lines = (partial + chunk.toString()).split('\n');
    partial = lines.pop() ?? '';
    stdout.push(...lines);
  });
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  return { child, stdout, exited };
}

/** The ready file's content once it exists and, when given, differs from what a test wrote there before. */
async function readyFileOf(file: string, stale?: string): Promise<ReadyInfo> {
  const current = (): string | undefined => (fs.existsSync(file) ? fs.readFileSync(file, 'utf8') : undefined);
  await waitFor(`the ready file ${file}`, () => ![undefined, stale].includes(current()), 20000);
  return JSON.parse(current() as string) as ReadyInfo;
}

function answers(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = net.connect({ host: '127.0.0.1', port }, () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
  });
}

test('--port 0 --ready-file: the bound port, bootstrap and pid in the file and on stdout; removed on SIGTERM', async () => {
  const dir = workDir();
  const file = path.join(dir, 'ready.json');
  const eddy = startEddy(['--port', '0', '--no-http', '--data-dir', path.join(dir, 'data'), '--ready-file', file]);
  const info = await readyFileOf(file);
  const port = info.listeners[0].port;
  expect(info).toEqual({
    bootstrap: `127.0.0.1:${port}`,
    listeners: [{ name: 'PLAINTEXT', host: '127.0.0.1', port, advertised: `127.0.0.1:${port}` }],
    http: null,
    pid: eddy.child.pid,
  });
  expect(port).toBeGreaterThan(0);
  expect(await answers(port)).toBe(true);
  await waitFor('the ready line on stdout', () => eddy.stdout.some((line) => line === JSON.stringify(info)));
  eddy.child.kill('SIGTERM');
  expect(await eddy.exited).toBe(0);
  expect(fs.existsSync(file)).toBe(false);
});

test('EDDY_READY_FILE, every listener and the HTTP console: the file waits for all of them; a stale file is replaced', async () => {
  const dir = workDir();
  const file = path.join(dir, 'ready.json');
  const stale = '{"bootstrap":"stale:1"}';
  fs.writeFileSync(file, stale);
  const listeners = 'PLAINTEXT://127.0.0.1:0,SECOND://127.0.0.1:0';
  const env = { ...process.env, EDDY_READY_FILE: file };
  const eddy = startEddy(['--listeners', listeners, '--http-port', '0', '--data-dir', path.join(dir, 'data')], env);
  const info = await readyFileOf(file, stale);
  expect(info.listeners.map((l) => l.name)).toEqual(['PLAINTEXT', 'SECOND']);
  for (const listener of info.listeners) expect(await answers(listener.port)).toBe(true);
  expect(info.http).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
  expect((await fetch(`${info.http}/health`)).status).toBe(200);
  eddy.child.kill('SIGTERM');
  expect(await eddy.exited).toBe(0);
});

test('a ready file that cannot be written stops the broker with exit code 1', async () => {
  const dir = workDir();
  const file = path.join(dir, 'no-such-dir', 'ready.json');
  const eddy = startEddy(['--port', '0', '--no-http', '--data-dir', path.join(dir, 'data'), '--ready-file', file, '--log-level', 'fatal']);
  expect(await eddy.exited).toBe(1);
  expect(eddy.stdout.join('\n')).toContain('Eddy could not write its ready file');
});

/** The fenced block that follows the README's marker for this example. */
function readmeExample(language: string): string {
  const readme = fs.readFileSync(path.join(REPO_ROOT, 'README.md'), 'utf8');
  const marker = readme.indexOf(`<!-- ready-file example: ${language} `);
  expect(marker).toBeGreaterThan(0);
  const fence = readme.indexOf('```', marker);
  const start = readme.indexOf('\n', fence) + 1;
  return readme.slice(start, readme.indexOf('\n```', start) + 1);
}

/** A directory for PATH holding `eddy`, as an install's node_modules/.bin would. */
function eddyOnPath(dir: string): string {
  const bin = path.join(dir, 'bin');
  fs.mkdirSync(bin);
  fs.writeFileSync(path.join(bin, 'eddy'), `#!/bin/sh\nexec "${process.execPath}" "${EDDY_BIN}" "$@"\n`, { mode: 0o755 });
  return `${bin}${path.delimiter}${process.env.PATH ?? ''}`;
}

test("the README's shell example starts Eddy, hands its address to the tests and stops it", async () => {
  const dir = workDir();
  // The tests the example runs: they check the broker answers and note the address they were given.
  const tests = ['#!/bin/bash', 'exec 3<>"/dev/tcp/${KAFKA_BOOTSTRAP%:*}/${KAFKA_BOOTSTRAP##*:}" || exit 1', 'echo "$KAFKA_BOOTSTRAP" > given.txt'];
  fs.writeFileSync(path.join(dir, 'run-my-tests.sh'), `${tests.join('\n')}\n`, { mode: 0o755 });
  const script = `set -e\n${readmeExample('sh')}`;
  await promisify(execFile)('bash', ['-c', script], { cwd: dir, env: { ...process.env, PATH: eddyOnPath(dir) }, timeout: 30000 });
  expect(fs.readFileSync(path.join(dir, 'given.txt'), 'utf8').trim()).toMatch(/^127\.0\.0\.1:\d+$/);
});

test("the README's Python example starts Eddy, hands its address to the tests and stops it", async () => {
  const dir = workDir();
  const tests = [
    'import socket',
    'def run_my_tests(bootstrap):',
    '    host, port = bootstrap.rsplit(":", 1)',
    '    socket.create_connection((host, int(port)), timeout=5).close()',
    '    print("given " + bootstrap)',
    '',
  ].join('\n');
  const script = tests + readmeExample('python') + 'print("exit code", eddy.returncode)\n';
  const { stdout } = await promisify(execFile)('python3', ['-c', script], { cwd: dir, env: { ...process.env, PATH: eddyOnPath(dir) }, timeout: 30000 });
  expect(stdout).toMatch(/^given 127\.0\.0\.1:\d+$/m);
  expect(stdout).toContain('exit code 0');
});
