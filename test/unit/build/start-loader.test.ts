// The start bundle's V8 code cache (build/start-loader.ts, build/code-cache.ts): used when it was made for exactly
// this bundle, file and Node.js build; anything else compiles from source and behaves the same.
import { execFileSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { BUNDLE_EPILOGUE, BUNDLE_PROLOGUE, cacheFileFor, cacheKeyFor, cachedDataFor, encodeCacheFile } from '../../../build/start-loader';

const DIST = path.resolve(__dirname, '..', '..', '..');
const LOADER = path.join(DIST, 'build', 'start-loader.js');

interface LoadReport {
  cacheUsed: boolean;
  value: unknown;
}

/** Loads `bundleFile` through the start loader in a fresh process; optionally writes its cache afterwards. */
function loadInChild(bundleFile: string, writeCache = false): LoadReport {
  const file = JSON.stringify(bundleFile);
  const script =
    `const fs = require('fs'); const l = require(${JSON.stringify(LOADER)});` +
    `const r = l.loadStartBundle(${file}, module, { ignoreCache: ${writeCache} });` +
    `const value = r.exports.value();` +
    (writeCache
      ? `const key = l.cacheKeyFor(${file}, fs.readFileSync(${file}, 'latin1'), fs.statSync(${file}, { bigint: true }));` +
        `fs.writeFileSync(l.cacheFileFor(${file}), l.encodeCacheFile(key, r.script.createCachedData()));`
      : '') +
    `process.stdout.write(JSON.stringify({ cacheUsed: r.cacheUsed, value }));`;
  return JSON.parse(execFileSync(process.execPath, ['-e', script]).toString()) as LoadReport;
}

describe('cache keys', () => {
  let dir: string;
  let bundle: string;
  beforeEach(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'eddy-key-'));
    bundle = path.join(dir, 'start-bundle.js');
    fs.writeFileSync(bundle, 'exports.a = 1;');
  });
  afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));
  const stat = (): fs.BigIntStats => fs.statSync(bundle, { bigint: true });
  const data = Buffer.from([1, 2, 3]);

  test('a cache file gives its data for the bundle, place and Node.js build it was made for', () => {
    const file = encodeCacheFile(cacheKeyFor(bundle, 'exports.a = 1;', stat()), data);
    expect(cachedDataFor(file, bundle, 'exports.a = 1;', stat())).toEqual(data);
    expect(cachedDataFor(file, path.join(dir, 'moved.js'), 'exports.a = 1;', stat())).toBeUndefined();
    const otherNode = encodeCacheFile({ ...cacheKeyFor(bundle, 'exports.a = 1;', stat()), node: 'v0.0.1' }, data);
    expect(cachedDataFor(otherNode, bundle, 'exports.a = 1;', stat())).toBeUndefined();
    expect(cachedDataFor(Buffer.from('not a key'), bundle, 'exports.a = 1;', stat())).toBeUndefined();
  });

  test('a bundle whose size or mtime changed is checked by its hash', () => {
    const file = encodeCacheFile(cacheKeyFor(bundle, 'exports.a = 1;', stat()), data);
    fs.writeFileSync(bundle, 'exports.a = 2;');
    fs.utimesSync(bundle, new Date(2000, 1, 1), new Date(2000, 1, 1));
    expect(cachedDataFor(file, bundle, 'exports.a = 2;', stat())).toBeUndefined();
    fs.writeFileSync(bundle, 'exports.a = 1;');
    fs.utimesSync(bundle, new Date(2000, 1, 1), new Date(2000, 1, 1));
    expect(cachedDataFor(file, bundle, 'exports.a = 1;', stat())).toEqual(data);
  });

  test('the key is one line that names the Node.js build', () => {
    const key = JSON.stringify(cacheKeyFor(bundle, 'exports.a = 1;', stat()));
    expect(key).toContain(process.version);
    expect(key).not.toContain('\n');
  });
});

describe('loading a bundle with and without its cache', () => {
  let dir: string;
  let bundle: string;
  const source = (n: number): string =>
    `${BUNDLE_PROLOGUE}"use strict";\nfunction compute() { return ${n} * 2; }\nexports.value = () => compute();${BUNDLE_EPILOGUE}`;
  beforeEach(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'eddy-loader-'));
    bundle = path.join(dir, 'start-bundle.js');
    fs.writeFileSync(bundle, source(21));
  });
  afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

  test('uses a cache made for the bundle', () => {
    expect(loadInChild(bundle)).toEqual({ cacheUsed: false, value: 42 });
    expect(loadInChild(bundle, true)).toEqual({ cacheUsed: false, value: 42 });
    expect(fs.existsSync(cacheFileFor(bundle))).toBe(true);
    expect(loadInChild(bundle)).toEqual({ cacheUsed: true, value: 42 });
  });

  test('ignores the cache of an edited bundle of the same length, and runs the new code', () => {
    loadInChild(bundle, true);
    fs.writeFileSync(bundle, source(12));
    expect(loadInChild(bundle)).toEqual({ cacheUsed: false, value: 24 });
  });

  test('uses the cache of a copy with the same content but another mtime', () => {
    loadInChild(bundle, true);
    fs.utimesSync(bundle, new Date(2000, 1, 1), new Date(2000, 1, 1));
    expect(loadInChild(bundle)).toEqual({ cacheUsed: true, value: 42 });
  });

  test('falls back to compiling when V8 rejects the cached data', () => {
    loadInChild(bundle, true);
    const file = fs.readFileSync(cacheFileFor(bundle));
    const eol = file.indexOf(0x0a);
    for (let i = eol + 1; i < file.length; i++) file[i] ^= 0x5a;
    fs.writeFileSync(cacheFileFor(bundle), file);
    expect(loadInChild(bundle)).toEqual({ cacheUsed: false, value: 42 });
  });
});

test('the build writes a cache that the built start bundle uses', () => {
  const bundleFile = path.join(DIST, 'start-bundle.js');
  const script =
    `const r = require(${JSON.stringify(LOADER)}).loadStartBundle(${JSON.stringify(bundleFile)}, module);` +
    `process.stdout.write(JSON.stringify({ cacheUsed: r.cacheUsed, main: typeof r.exports.main }));`;
  expect(JSON.parse(execFileSync(process.execPath, ['-e', script]).toString())).toEqual({ cacheUsed: true, main: 'function' });
});
