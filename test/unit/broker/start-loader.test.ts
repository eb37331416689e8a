// The start bundle's V8 code cache (build/start-loader.ts, build/code-cache.ts): used when it was made for exactly
// this bundle, file and Node.js build; anything else compiles from source and behaves the same.
import { execFileSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { cacheFileFor, cacheKey, cachedDataFor, encodeCacheFile } from '../../../build/start-loader';

const DIST = path.resolve(__dirname, '..', '..', '..');
const LOADER = path.join(DIST, 'build', 'start-loader.js');

interface LoadReport {
  cacheUsed: boolean;
  value: unknown;
}

/** Loads `bundleFile` through the start loader in a fresh process; optionally writes its cache afterwards. */
function loadInChild(bundleFile: string, writeCache = false): LoadReport {
  const script =
    `const l = require(${JSON.stringify(LOADER)});` +
    `const r = l.loadStartBundle(${JSON.stringify(bundleFile)}, module, { ignoreCache: ${writeCache} });` +
    `const value = r.exports.value();` +
    (writeCache
      ? `require('fs').writeFileSync(l.cacheFileFor(${JSON.stringify(bundleFile)}), l.encodeCacheFile(` +
        `l.cacheKey(${JSON.stringify(bundleFile)}, require('fs').readFileSync(${JSON.stringify(bundleFile)}, 'utf8')), r.script.createCachedData()));`
      : '') +
    `process.stdout.write(JSON.stringify({ cacheUsed: r.cacheUsed, value }));`;
  return JSON.parse(execFileSync(process.execPath, ['-e', script]).toString()) as LoadReport;
}

test('a cache file carries its key, and gives its data only for that key', () => {
  const file = encodeCacheFile('key-a', Buffer.from([1, 2, 3]));
  expect(cachedDataFor(file, 'key-a')).toEqual(Buffer.from([1, 2, 3]));
  expect(cachedDataFor(file, 'key-b')).toBeUndefined();
  expect(cachedDataFor(Buffer.from('no newline'), 'no newline')).toBeUndefined();
});

test('the key changes with any byte of the bundle, with its path, and names the Node.js build', () => {
  const key = cacheKey('/app/dist/start-bundle.js', 'exports.a = 1;');
  expect(cacheKey('/app/dist/start-bundle.js', 'exports.a = 2;')).not.toBe(key);
  expect(cacheKey('/elsewhere/dist/start-bundle.js', 'exports.a = 1;')).not.toBe(key);
  expect(key).toContain(process.version);
  expect(key).not.toContain('\n');
});

describe('loading a bundle with and without its cache', () => {
  let dir: string;
  let bundle: string;
  const source = (n: number): string => `"use strict";\nfunction compute() { return ${n} * 2; }\nexports.value = () => compute();\n`;
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
