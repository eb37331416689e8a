// The start bundle (build/start-bundle.ts, esbuild): what `npm run build` guarantees about dist/start-bundle.js.
// It serves the same CLI as the compiled files, keeps lazily required modules unrun until first use, stays ASCII,
// and is used by bin/eddy.js only while it is current.
import { execFileSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { asciiOnly, BUNDLE_FILE, PACKAGES_NOT_BUNDLED, startBundleOptions } from '../../../build/start-bundle';
import { startBundleIsCurrent } from '../../../build/start-loader';

const DIST = path.resolve(__dirname, '..', '..', '..');
const ROOT = path.dirname(DIST);
const BUNDLE = path.join(DIST, 'start-bundle.js');
const LOADER = path.join(DIST, 'build', 'start-loader.js');
const EDDY_BIN = path.join(ROOT, 'bin', 'eddy.js');

function nodeOutput(args: string[]): string {
  return execFileSync(process.execPath, args).toString();
}

test('the build writes the bundle where bin/eddy.js looks for it, as one CommonJS wrapper', () => {
  const options = startBundleOptions(ROOT);
  expect(options.outfile).toBe(path.join(ROOT, BUNDLE_FILE));
  expect(options.outfile).toBe(BUNDLE);
  expect(options).toMatchObject({ bundle: true, platform: 'node', format: 'cjs', charset: 'ascii' });
  expect(options.external).toEqual([...PACKAGES_NOT_BUNDLED]);
  const text = fs.readFileSync(BUNDLE, 'latin1');
  expect(text.startsWith('(function (exports, require, module, __filename, __dirname) {')).toBe(true);
});

test('bin/eddy.js answers --help and --version from the bundle as the compiled CLI does', () => {
  const compiled = (argv: string[]): string => nodeOutput(['-e', `require(${JSON.stringify(path.join(DIST, 'src', 'cli.js'))}).main(${JSON.stringify(argv)})`]);
  expect(startBundleIsCurrent(BUNDLE, path.join(DIST, 'src', 'cli.js'))).toBe(true);
  const help = nodeOutput([EDDY_BIN, 'start', '--help']);
  expect(help).toContain('--data-dir');
  expect(help).toBe(compiled(['start', '--help']));
  const { version } = JSON.parse(fs.readFileSync(path.join(ROOT, 'package.json'), 'utf8')) as { version: string };
  expect(nodeOutput([EDDY_BIN, '--version']).trim()).toBe(version);
  expect(compiled(['--version']).trim()).toBe(version);
});

test("a started broker from the bundle has run no handler module but ApiVersions', no coordinator, no heap trim", () => {
  // V8's precise coverage counts calls of each function of the bundle. esbuild runs each module's body in a
  // wrapper function named after its file (dist/src/...), on its first require: a count of 0 means it never ran.
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'eddy-bundle-lazy-'));
  const script = `
    const inspector = require('inspector');
    const session = new inspector.Session();
    session.connect();
    const post = (method, params) => new Promise((resolve, reject) =>
      session.post(method, params, (err, result) => (err ? reject(err) : resolve(result))));
    (async () => {
      await post('Profiler.enable');
      await post('Profiler.startPreciseCoverage', { callCount: true, detailed: false });
      const cli = require(${JSON.stringify(LOADER)}).loadStartBundle(${JSON.stringify(BUNDLE)}, module, { ignoreCache: true }).exports;
      await cli.main(['start', '--host', '127.0.0.1', '--port', '0', '--data-dir', ${JSON.stringify(dataDir)}, '--log-level', 'warn', '--no-http']);
      const { result } = await post('Profiler.takePreciseCoverage');
      const bundle = result.find((s) => s.url.endsWith('start-bundle.js'));
      const modules = bundle.functions.filter((f) => /^dist\\//.test(f.functionName));
      process.stdout.write(JSON.stringify({
        all: modules.map((f) => f.functionName),
        ran: modules.filter((f) => f.ranges[0].count > 0).map((f) => f.functionName),
      }));
      process.exit(0);
    })().catch((err) => { console.error(err); process.exit(1); });`;
  try {
    const { all, ran } = JSON.parse(nodeOutput(['-e', script])) as { all: string[]; ran: string[] };
    const handlers = (names: string[]): string[] => names.filter((n) => /^dist\/src\/api\/\d\d-/.test(n));
    const coordinators = ['dist/src/groups/group-coordinator.js', 'dist/src/transactions/transaction-coordinator.js'];
    // The bundle holds every handler and both coordinators, so the counts below are about running, not holding.
    expect(handlers(all)).toContain('dist/src/api/00-produce.js');
    expect(handlers(all).length).toBeGreaterThan(30);
    expect(all).toEqual(expect.arrayContaining(coordinators));
    expect(handlers(ran)).toEqual(['dist/src/api/18-api-versions.js']);
    expect(ran.filter((n) => coordinators.includes(n))).toEqual([]);
    // The idle heap trim starts a second after the start (cli.ts), with its v8 and perf_hooks built-ins.
    expect(all).toContain('dist/src/broker/heap-trim.js');
    expect(ran).not.toContain('dist/src/broker/heap-trim.js');
  } finally {
    fs.rmSync(dataDir, { recursive: true, force: true });
  }
});

test('the bundle is ASCII, so V8 holds its source at one byte per character', () => {
  expect(asciiOnly('/** sent when \u2265 5 */ x();\n')).toBe('/** sent when \\u2265 5 */ x();\n');
  expect(/[^\x00-\x7f]/.test(fs.readFileSync(BUNDLE, 'utf8'))).toBe(false);
});

describe('whether the bundle is current', () => {
  let dir: string;
  let bundle: string;
  let entry: string;
  beforeEach(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'eddy-bundle-current-'));
    bundle = path.join(dir, 'start-bundle.js');
    entry = path.join(dir, 'cli.js');
    fs.writeFileSync(entry, '');
    fs.writeFileSync(bundle, '');
  });
  afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));
  const at = (file: string, seconds: number): void => fs.utimesSync(file, seconds, seconds);

  test('a bundle written after the compiled entry (npm run build) is used', () => {
    at(entry, 1_000_000);
    at(bundle, 1_000_001);
    expect(startBundleIsCurrent(bundle, entry)).toBe(true);
    at(bundle, 1_000_000);
    expect(startBundleIsCurrent(bundle, entry)).toBe(true);
  });

  test('a bundle older than the compiled entry (a bare tsc run since) is stale, and a missing one is not used', () => {
    at(bundle, 1_000_000);
    at(entry, 1_000_001);
    expect(startBundleIsCurrent(bundle, entry)).toBe(false);
    fs.rmSync(bundle);
    expect(startBundleIsCurrent(bundle, entry)).toBe(false);
  });
});
