// What `npm pack` makes of this checkout, installed as a user's project installs it: the tarball carries the built
// dist/ (a tarball dependency is never built on install: npm runs `prepare` for git and directory dependencies only),
// and from a clean directory its `bin` (eddy --version, --help, start, a tool) and its entries (require, import,
// the types) work. The pack runs with --ignore-scripts: `prepare` would rebuild dist/ under the running tests, and
// the dist/ at hand is what the tests just ran. The install is `npm ci --offline` on a lockfile taken from this
// repo's (the tarball plus the repo's locked production dependencies): it needs only npm's cache, which holds what
// installed this checkout, and it installs the versions the repo tests with.
import { execFile, spawn } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import { promisify } from 'util';
import { removeDir, tempDataDir } from '../../helpers/broker';
import { waitFor } from '../../helpers/wait';
import type { ReadyInfo } from '../../../src/kit/ready-info';

jest.setTimeout(240000);

const REPO_ROOT = path.resolve(__dirname, '..', '..', '..', '..');
const run = promisify(execFile);
const COMMAND_TIMEOUT_MS = 120000;

interface PackedFile {
  readonly path: string;
}

interface LockEntry {
  readonly dev?: boolean;
  readonly link?: boolean;
  readonly [field: string]: unknown;
}

interface Manifest {
  readonly version: string;
  readonly license: string;
  readonly bin: Record<string, string>;
  readonly engines: Record<string, string>;
  readonly dependencies: Record<string, string>;
}

let workspace = '';
let project = '';
let packedFiles: readonly string[] = [];
const manifest = JSON.parse(fs.readFileSync(path.join(REPO_ROOT, 'package.json'), 'utf8')) as Manifest;

/** A lockfile for a project depending on the tarball alone: the repo's locked production packages, and eddy itself. */
function projectLockfile(tarball: string): object {
  const lock = JSON.parse(fs.readFileSync(path.join(REPO_ROOT, 'package-lock.json'), 'utf8')) as { packages: Record<string, LockEntry> };
  const dependency = `file:../${tarball}`;
  const packages: Record<string, unknown> = { '': { name: 'pack-check', version: '1.0.0', dependencies: { eddy: dependency } } };
  for (const [key, entry] of Object.entries(lock.packages)) if (key !== '' && entry.dev !== true && entry.link !== true) packages[key] = entry;
  const { version, license, dependencies, bin, engines } = manifest;
  packages['node_modules/eddy'] = { version, resolved: dependency, license, dependencies, bin, engines };
  return { name: 'pack-check', version: '1.0.0', lockfileVersion: 3, requires: true, packages };
}

const inProject = (command: string, args: readonly string[]) =>
  run(command, [...args], { cwd: project, timeout: COMMAND_TIMEOUT_MS, env: { ...process.env, EDDY_BOOTSTRAP_SERVER: '' } });

beforeAll(async () => {
  workspace = tempDataDir('eddy-pack-');
  const { stdout } = await run('npm', ['pack', '--ignore-scripts', '--json', '--pack-destination', workspace], { cwd: REPO_ROOT, timeout: COMMAND_TIMEOUT_MS });
  const [packed] = JSON.parse(stdout) as [{ filename: string; files: PackedFile[] }];
  packedFiles = packed.files.map((f) => f.path);
  project = path.join(workspace, 'project');
  fs.mkdirSync(project);
  const packageJson = { name: 'pack-check', version: '1.0.0', private: true, dependencies: { eddy: `file:../${packed.filename}` } };
  fs.writeFileSync(path.join(project, 'package.json'), JSON.stringify(packageJson, null, 2));
  fs.writeFileSync(path.join(project, 'package-lock.json'), JSON.stringify(projectLockfile(packed.filename), null, 2));
  await inProject('npm', ['ci', '--offline', '--no-audit', '--no-fund']);
});

afterAll(() => removeDir(workspace));

test('the tarball holds the compiled package and its launchers, not sources, tests or source maps', () => {
  for (const needed of ['package.json', 'bin/eddy.js', 'dist/src/index.js', 'dist/src/index.d.ts', 'dist/src/cli.js', 'esm/index.mjs', 'esm/vitest.mjs']) {
    expect(packedFiles).toContain(needed);
  }
  expect(packedFiles).toContain('dist/build/start-loader.js');
  expect(packedFiles).toContain('dist/src/kit/jest-global-setup.js');
  const unwanted = packedFiles.filter((file) =>
    /^(src|test|bench|build|codecs|storage)\/|^dist\/(test|bench)\/|\.map$|\.v8cache$|^dist\/codecs\/generator\//.test(file),
  );
  expect(unwanted).toEqual([]);
});

test('installing the tarball builds nothing: no compiler came with it, and dist/ is there', () => {
  expect(fs.existsSync(path.join(project, 'node_modules', 'typescript'))).toBe(false);
  expect(fs.existsSync(path.join(project, 'node_modules', 'eddy', 'dist', 'src', 'cli.js'))).toBe(true);
});

test('npx eddy --version and --help work from the clean project', async () => {
  expect((await inProject('npx', ['--no-install', 'eddy', '--version'])).stdout.trim()).toBe(manifest.version);
  expect((await inProject('npx', ['--no-install', 'eddy', '--help'])).stdout).toMatch(/eddy start[\s\S]*eddy topic/);
});

test('eddy start serves clients and its tools reach it; SIGTERM stops it', async () => {
  const ready = path.join(workspace, 'ready.json');
  const bin = path.join(project, 'node_modules', '.bin', 'eddy');
  const args = [
    'start',
    '--host',
    '127.0.0.1',
    '--port',
    '0',
    '--no-http',
    '--log-level',
    'warn',
    '--data-dir',
    path.join(workspace, 'data'),
    '--ready-file',
    ready,
  ];
  const broker = spawn(bin, args, { cwd: project, stdio: 'ignore' });
  const exited = new Promise<number | null>((resolve) => broker.once('exit', resolve));
  try {
    await waitFor('the ready file', () => fs.existsSync(ready), 30000);
    const { bootstrap } = JSON.parse(fs.readFileSync(ready, 'utf8')) as ReadyInfo;
    await inProject(bin, ['topic', 'create', 'packed', '--partitions', '2', '-b', bootstrap]);
    expect((await inProject(bin, ['topic', 'list', '-b', bootstrap])).stdout).toContain('packed');
  } finally {
    broker.kill('SIGTERM');
  }
  expect(await exited).toBe(0);
});

test("require('eddy') and import from 'eddy' start and stop a broker; the runner entries resolve", async () => {
  const cjs = "require('eddy').startBroker().then(async (b) => { console.log(b.bootstrap); await b.stop(); })";
  expect((await inProject(process.execPath, ['-e', cjs])).stdout).toMatch(/^127\.0\.0\.1:\d+$/m);
  const esm = "import { startBroker } from 'eddy'; const b = await startBroker({ partitions: 2 }); console.log(b.bootstrap); await b.stop();";
  expect((await inProject(process.execPath, ['--input-type=module', '-e', esm])).stdout).toMatch(/^127\.0\.0\.1:\d+$/m);
  const entries = "for (const e of ['eddy/jest', 'eddy/jest/global-setup', 'eddy/jest/global-teardown']) console.log(typeof require(e))";
  expect((await inProject(process.execPath, ['-e', entries])).stdout.split('\n').filter(Boolean)).toEqual(['object', 'function', 'function']);
  const resolved = "console.log(import.meta.resolve('eddy/vitest'), import.meta.resolve('eddy/vitest/global-setup'))";
  expect((await inProject(process.execPath, ['--input-type=module', '-e', resolved])).stdout).toMatch(/esm\/vitest\.mjs .*esm\/vitest-global-setup\.mjs/);
});

test('the types: a TypeScript ES module of the project type-checks against every entry', async () => {
  const source = [
    "import { startBroker, type RunningBroker, type StartBrokerOptions } from 'eddy';",
    "import { useBroker as useJestBroker, runBootstrap } from 'eddy/jest';",
    "import { useBroker as useVitestBroker } from 'eddy/vitest';",
    "const options: StartBrokerOptions = { partitions: 2, configs: { 'log.retention.ms': 1000 }, http: true };",
    'const started: Promise<RunningBroker> = startBroker(options);',
    "const getters: Array<() => RunningBroker> = [useJestBroker({ scope: 'test' }), useVitestBroker()];",
    'export const used = [started, getters, runBootstrap];',
    '',
  ].join('\n');
  fs.writeFileSync(path.join(project, 'check.mts'), source);
  const tsconfig = {
    compilerOptions: {
      module: 'node16',
      moduleResolution: 'node16',
      strict: true,
      noEmit: true,
      skipLibCheck: true,
      types: ['node'],
      typeRoots: [path.join(REPO_ROOT, 'node_modules', '@types')],
    },
    files: ['check.mts'],
  };
  fs.writeFileSync(path.join(project, 'tsconfig.json'), JSON.stringify(tsconfig));
  const tsc = path.join(REPO_ROOT, 'node_modules', 'typescript', 'bin', 'tsc');
  await expect(inProject(process.execPath, [tsc, '-p', 'tsconfig.json'])).resolves.toBeDefined();
});
