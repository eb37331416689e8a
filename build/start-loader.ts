// Loads the start bundle (build/bundle-start.ts) the way Node's loader would, but compiles it with V8's code cache
// when dist/start-bundle.v8cache was made for exactly this bundle and this Node.js build (build/code-cache.ts):
// V8 then deserialises the bytecode of every function the start path runs instead of parsing and compiling ~0.8 MB
// of source on each start. A missing, stale or rejected cache only costs that compile; it never changes behaviour.
import * as crypto from 'crypto';
import * as fs from 'fs';
import * as path from 'path';
import * as vm from 'vm';
import Module = require('module');

/** The cache file next to a bundle. */
export function cacheFileFor(bundleFile: string): string {
  return bundleFile.replace(/\.js$/, '') + '.v8cache';
}

/**
 * What a cache is valid for: the bundle's exact text at its path, and the Node.js build that compiled it. V8 checks
 * its own version and flags, but it tells sources apart only by their length, so an edited bundle of the same size
 * would run with the old bytecode; the hash rules that out. The path is in the key because V8 restores the file
 * name stack traces show from the cache, not from where the bundle is now.
 */
export function cacheKey(bundleFile: string, bundleSource: string): string {
  const hash = crypto.createHash('sha256').update(bundleSource, 'utf8').digest('hex');
  return `eddy-start-bundle sha256=${hash} file=${encodeURIComponent(bundleFile)} node=${process.version} v8=${process.versions.v8} arch=${process.arch}`;
}

/** A cache file: the key on the first line, then V8's cached data. */
export function encodeCacheFile(key: string, cachedData: Buffer): Buffer {
  return Buffer.concat([Buffer.from(`${key}\n`, 'latin1'), cachedData]);
}

/** V8's cached data from a cache file, or undefined when the file was made for another bundle or Node.js build. */
export function cachedDataFor(file: Buffer, key: string): Buffer | undefined {
  const eol = file.indexOf(0x0a);
  if (eol < 0 || file.toString('latin1', 0, eol) !== key) return undefined;
  return file.subarray(eol + 1);
}

/** Node's CommonJS wrapper; the cache is tied to this exact text, so producing and using it share this function. */
function wrapped(source: string): string {
  return `(function (exports, require, module, __filename, __dirname) { ${source}\n})`;
}

/** Node's loader internals this needs (as in build/bundle-runtime.ts). */
interface ModuleInternals {
  _cache: Record<string, NodeJS.Module | undefined>;
  _nodeModulePaths(dir: string): string[];
  new (id: string, parent?: NodeJS.Module): NodeJS.Module;
}

const Loader = Module as unknown as ModuleInternals;

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

function readCachedData(bundleFile: string, bundleSource: string): Buffer | undefined {
  let file: Buffer;
  try {
    file = fs.readFileSync(cacheFileFor(bundleFile));
  } catch {
    return undefined;
  }
  return cachedDataFor(file, cacheKey(bundleFile, bundleSource));
}

/** Runs the bundle as the CommonJS module `bundleFile` (a child of `parent`) and returns what it exports. */
export function loadStartBundle(bundleFile: string, parent: NodeJS.Module | undefined, options: LoadOptions = {}): LoadedBundle {
  const source = fs.readFileSync(bundleFile, 'utf8');
  const cachedData = options.ignoreCache ? undefined : readCachedData(bundleFile, source);
  const script = new vm.Script(wrapped(source), {
    filename: bundleFile,
    cachedData,
    importModuleDynamically: vm.constants?.USE_MAIN_CONTEXT_DEFAULT_LOADER,
  });
  const body = script.runInThisContext() as (
    exports: unknown,
    require: NodeJS.Require,
    module: NodeJS.Module,
    filename: string,
    dirname: string,
  ) => void;
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
  return { exports: mod.exports, script, cacheUsed: cachedData !== undefined && script.cachedDataRejected !== true };
}
