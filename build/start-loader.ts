// Loads the start bundle (build/start-bundle.ts) as a CommonJS module, compiled with V8's code cache when
// dist/start-bundle.v8cache was made for exactly this bundle and this Node.js build (build/code-cache.ts): V8 then
// deserialises the bytecode of every function the start path runs instead of parsing and compiling ~1.4 MB of
// source on each start. A missing, stale or rejected cache only costs that compile; it never changes behaviour.
// bin/eddy.js also asks this module whether the bundle is current (see startBundleIsCurrent).
import type * as Crypto from 'crypto';
import * as fs from 'fs';
import * as path from 'path';
import * as vm from 'vm';
import Module = require('module');

/** The bundle's first and last lines: its text is one CommonJS wrapper function, which the script evaluates to. */
export const BUNDLE_PROLOGUE = '(function (exports, require, module, __filename, __dirname) {\n';
export const BUNDLE_EPILOGUE = '\n})\n';

/**
 * Whether the bundle was written after the compiled entry it stands for (`npm run build` writes it after tsc).
 * A bare `tsc` run after a build leaves it older, and stale: then the compiled files load as they are.
 */
export function startBundleIsCurrent(bundleFile: string, compiledEntry: string): boolean {
  try {
    return fs.statSync(bundleFile).mtimeMs >= fs.statSync(compiledEntry).mtimeMs;
  } catch {
    return false; // no bundle (or nothing compiled, which loading the compiled entry then reports)
  }
}

/** The cache file next to a bundle. */
export function cacheFileFor(bundleFile: string): string {
  return bundleFile.replace(/\.js$/, '') + '.v8cache';
}

/** What a cache was made for; the first line of the cache file, as JSON. */
export interface CacheKey {
  /** The Node.js build: V8 rejects another version's cache itself, this also catches a rebuilt binary. */
  readonly node: string;
  readonly v8: string;
  readonly arch: string;
  /** The bundle's path: V8 restores the file name that stack traces show from the cache. */
  readonly file: string;
  /** V8 tells sources apart only by their length, so an edited bundle of the same size needs this to be caught. */
  readonly sha256: string;
  /** The bundle file as written: while its size and mtime are unchanged, its content is, and hashing is skipped. */
  readonly size: number;
  readonly mtimeNs: string;
}

export function sha256Of(source: string): string {
  // Required here: hashing is rare (see cachedDataFor), and crypto is ~36 built-in modules a start does without.
  const crypto = require('crypto') as typeof Crypto;
  // latin1: the bundle is ASCII (esbuild escapes the rest), and this encoding hashes its text without a UTF-8 pass.
  return crypto.createHash('sha256').update(source, 'latin1').digest('hex');
}

export function cacheKeyFor(bundleFile: string, source: string, stat: fs.BigIntStats): CacheKey {
  return {
    node: process.version,
    v8: process.versions.v8,
    arch: process.arch,
    file: bundleFile,
    sha256: sha256Of(source),
    size: Number(stat.size),
    mtimeNs: String(stat.mtimeNs),
  };
}

/** A cache file: its key as one line of JSON, then V8's cached data. */
export function encodeCacheFile(key: CacheKey, cachedData: Buffer): Buffer {
  return Buffer.concat([Buffer.from(`${JSON.stringify(key)}\n`, 'latin1'), cachedData]);
}

/**
 * V8's cached data from a cache file, or undefined when it was made for another bundle, place or Node.js build.
 * The bundle is hashed only when its size or mtime differ from the build's (a copy that kept its content).
 */
export function cachedDataFor(file: Buffer, bundleFile: string, source: string, stat: fs.BigIntStats): Buffer | undefined {
  const eol = file.indexOf(0x0a);
  if (eol < 0) return undefined;
  let key: Partial<CacheKey>;
  try {
    key = JSON.parse(file.toString('latin1', 0, eol)) as Partial<CacheKey>;
  } catch {
    return undefined;
  }
  if (key.node !== process.version || key.v8 !== process.versions.v8 || key.arch !== process.arch || key.file !== bundleFile) {
    return undefined;
  }
  const unchanged = key.size === Number(stat.size) && key.mtimeNs === String(stat.mtimeNs);
  if (!unchanged && key.sha256 !== sha256Of(source)) return undefined;
  return file.subarray(eol + 1);
}

/** Node's loader internals this needs; public in practice (every CommonJS tool uses them) but not in @types/node. */
interface ModuleInternals {
  _cache: Record<string, NodeJS.Module | undefined>;
  _nodeModulePaths(dir: string): string[];
  new (id: string, parent?: NodeJS.Module): NodeJS.Module;
}

const Loader = Module as unknown as ModuleInternals;

type ModuleWrapper = (exports: unknown, require: NodeJS.Require, module: NodeJS.Module, filename: string, dirname: string) => void;

export interface LoadedBundle {
  readonly exports: unknown;
  /** The compiled bundle, from which build/code-cache.ts takes the cache once the start path has run. */
  readonly script: vm.Script;
  /** Whether V8 used the cache (false when there was none, or it did not fit). */
  readonly cacheUsed: boolean;
}

export interface LoadOptions {
  /** Ignore any cache file (build/code-cache.ts compiles from source, to cache what a start compiles). */
  readonly ignoreCache?: boolean;
}

interface CompiledBundle {
  readonly script: vm.Script;
  readonly cacheUsed: boolean;
}

/**
 * Compiles the bundle's text as it is on disk (it is the wrapper function already, so V8 keeps one copy of it).
 * The cache file's buffer is garbage once this returns, before the modules run and allocate: the first scavenge
 * frees it instead of it surviving, promoted, until a full collection.
 */
function compile(bundleFile: string, options: LoadOptions): CompiledBundle {
  const stat = fs.statSync(bundleFile, { bigint: true });
  const source = fs.readFileSync(bundleFile, 'latin1');
  let cachedData: Buffer | undefined;
  if (!options.ignoreCache) {
    try {
      cachedData = cachedDataFor(fs.readFileSync(cacheFileFor(bundleFile)), bundleFile, source, stat);
    } catch {
      cachedData = undefined; // no cache file
    }
  }
  const script = new vm.Script(source, {
    filename: bundleFile,
    cachedData,
    importModuleDynamically: vm.constants?.USE_MAIN_CONTEXT_DEFAULT_LOADER,
  });
  return { script, cacheUsed: cachedData !== undefined && script.cachedDataRejected !== true };
}

/** Runs the bundle as the CommonJS module `bundleFile` (a child of `parent`) and returns what it exports. */
export function loadStartBundle(bundleFile: string, parent: NodeJS.Module | undefined, options: LoadOptions = {}): LoadedBundle {
  const { script, cacheUsed } = compile(bundleFile, options);
  const body = script.runInThisContext() as ModuleWrapper;
  const mod = new Loader(bundleFile, parent);
  mod.filename = bundleFile;
  mod.paths = Loader._nodeModulePaths(path.dirname(bundleFile));
  Loader._cache[bundleFile] = mod;
  try {
    body.call(mod.exports, mod.exports, Module.createRequire(bundleFile), mod, bundleFile, path.dirname(bundleFile));
  } catch (err) {
    delete Loader._cache[bundleFile];
    throw err;
  }
  mod.loaded = true;
  return { exports: mod.exports, script, cacheUsed };
}
