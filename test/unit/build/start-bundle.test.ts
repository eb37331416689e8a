// The start bundle (build/start-bundle.ts, esbuild): what `npm run build` guarantees about dist/start-bundle.js.
// It serves the same CLI as the compiled files, keeps lazily required modules unrun until first use, holds the text
// of the modules a start runs only (the others run from their compiled files, sharing the bundle's modules), stays
// ASCII, and is used by bin/eddy.js only while it is current.
import { execFileSync } from 'child_process';
import * as fs from 'fs';
import * as net from 'net';
import * as os from 'os';
import * as path from 'path';
import { asciiOnly, BUNDLE_FILE, literalRequires, PACKAGES_NOT_BUNDLED, startBundleOptions } from '../../../build/start-bundle';
import { startBundleIsCurrent } from '../../../build/start-loader';
import { startChild } from '../../helpers/broker';

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
    // The bundle holds every handler and both coordinators (most as stubs), so the counts below are about running.
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

/** The text esbuild put in the bundle for one compiled file (its section runs to the next file's comment). */
function bundleSection(bundle: string, file: string): string {
  const start = bundle.indexOf(`\n// ${file}\n`);
  expect(start).toBeGreaterThanOrEqual(0);
  const end = bundle.indexOf('\n// ', start + file.length + 5);
  return bundle.slice(start, end < 0 ? undefined : end);
}

test('modules a start does not run are stubs that run their compiled files; those a start runs are whole', () => {
  const bundle = fs.readFileSync(BUNDLE, 'latin1');
  const produce = bundleSection(bundle, 'dist/src/api/00-produce.js');
  expect(produce).toContain('.runOutOfBundle(module2, __dirname, "src/api/00-produce.js", {');
  // Its literal requires come from the bundle: the codecs (stubs too) and the modules a start has run.
  expect(produce).toContain('"../../codecs/generated/ProduceRequest": () => require_ProduceRequest()');
  expect(produce).toContain('"./handler": () => require_handler()');
  expect(bundleSection(bundle, 'dist/codecs/generated/ProduceRequest.js')).toContain('.runOutOfBundle(');
  for (const started of ['dist/src/api/18-api-versions.js', 'dist/codecs/generated/ApiVersionsResponse.js', 'dist/src/network/connection.js']) {
    expect(bundleSection(bundle, started)).not.toContain('.runOutOfBundle(');
  }
  expect(fs.statSync(BUNDLE).size).toBeLessThan(2_000_000);
});

test('literal requires: both quote styles, each once; computed ones are not', () => {
  const source = 'const a = require("./a");\nconst b = require(\'../b\');\nrequire("./a");\nrequire(path.join(x, "c"));\nrequire(name);';
  expect(literalRequires(source)).toEqual(['./a', '../b']);
});

/**
 * A Metadata v0 request with a null topic array, which v0 does not allow: the codec (dist/codecs/generated, a stub
 * in the bundle) throws a ProtocolDecodeError it constructs itself.
 */
function nullTopicsMetadataV0(): Buffer {
  const clientId = Buffer.from('bundle-test', 'latin1');
  const body = Buffer.alloc(10 + clientId.length + 4);
  body.writeInt16BE(3, 0); // Metadata
  body.writeInt16BE(0, 2);
  body.writeInt32BE(1, 4);
  body.writeInt16BE(clientId.length, 8);
  clientId.copy(body, 10);
  body.writeInt32BE(-1, 10 + clientId.length);
  const size = Buffer.alloc(4);
  size.writeInt32BE(body.length, 0);
  return Buffer.concat([size, body]);
}

test("a codec loaded from its compiled file throws the bundle's ProtocolDecodeError, which the connection recognises", async () => {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'eddy-bundle-shared-'));
  const broker = await startChild(dataDir, ['--log-level', 'warn']);
  try {
    const closed = new Promise<void>((resolve, reject) => {
      const socket = net.connect({ host: '127.0.0.1', port: broker.port }, () => socket.write(nullTopicsMetadataV0()));
      socket.once('error', reject);
      socket.once('close', () => resolve());
    });
    await closed;
    const deadline = Date.now() + 5000;
    while (!broker.logLines.some((l) => l.includes('malformed request')) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
    const closes = broker.logLines.filter((l) => l.includes('"apiKey":3'));
    expect(closes.some((l) => l.includes('malformed request'))).toBe(true);
    expect(closes.some((l) => l.includes('could not be decoded'))).toBe(false);
  } finally {
    await broker.kill();
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
