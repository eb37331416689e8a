// Runs the modules of a start bundle (see build/bundle-start.ts) as ordinary CommonJS modules: each gets a real
// Module object under its original file name in require.cache, so a module loaded later from disk (a handler on
// its first request) and a module from the bundle are the same instance, and __filename/__dirname are unchanged.
import * as path from 'path';
import Module = require('module');

/** The CommonJS wrapper a module's source sits in, as Node's loader would call it. */
export type ModuleBody = (
  exports: unknown,
  require: NodeJS.Require,
  module: NodeJS.Module,
  filename: string,
  dirname: string,
) => void;

/**
 * Requires resolved at build time (request -> bundle id): relative ones, which hold wherever the package is, and
 * package ones, which hold only where the bundle was built (see runStartBundle); then the module's body.
 */
export type BundledModule = readonly [
  relativeRequires: Readonly<Record<string, string>>,
  packageRequires: Readonly<Record<string, string>>,
  body: ModuleBody,
];

export interface StartBundle {
  /** The directory bundle ids are relative to (the package root). */
  readonly root: string;
  /** The package root when the bundle was built. */
  readonly builtAt: string;
  readonly entry: string;
  readonly modules: Readonly<Record<string, BundledModule>>;
}

/** Node's loader internals this needs; public in practice (every CJS tool uses them) but not in @types/node. */
interface ModuleInternals {
  _cache: Record<string, NodeJS.Module | undefined>;
  _nodeModulePaths(dir: string): string[];
  _resolveFilename(request: string, parent: NodeJS.Module, isMain: boolean, options?: { paths?: string[] }): string;
  new (id: string, parent?: NodeJS.Module): NodeJS.Module;
}

const Loader = Module as unknown as ModuleInternals;

/**
 * How the bundle names a file: relative to the package root (with "/"), so the bundle moves with the package; or
 * absolute for a file outside it (a package reached through a symlinked node_modules), which stays where it is.
 */
export function bundleId(root: string, file: string): string {
  const relative = path.relative(root, file);
  if (relative.startsWith('..') || path.isAbsolute(relative)) return file;
  return relative.split(path.sep).join('/');
}

/**
 * The file a bundle id names. Ids inside the package are clean relative paths (no "." or ".." segments, "/" as the
 * separator), so joining is a concatenation: path.join's normalisation, run for every require of every bundled
 * module, was a visible part of the start.
 */
export function bundleFile(root: string, id: string): string {
  if (path.isAbsolute(id)) return id;
  const relative = path.sep === '/' ? id : id.split('/').join(path.sep);
  return root.endsWith(path.sep) ? root + relative : root + path.sep + relative;
}

function isRelative(request: string): boolean {
  return request.startsWith('./') || request.startsWith('../');
}

/**
 * A module's node_modules search paths, computed when first read: modules from the bundle find their requires in
 * the bundle's tables and seldom need them.
 */
function lookUpPathsWhenRead(mod: NodeJS.Module, dir: string): void {
  let paths: string[] | undefined;
  Object.defineProperty(mod, 'paths', {
    configurable: true,
    enumerable: true,
    get: () => (paths ??= Loader._nodeModulePaths(dir)),
    set: (value: string[]) => {
      paths = value;
    },
  });
}

/** Loads the bundle's entry module and returns its exports. */
export function runStartBundle(bundle: StartBundle, parent: NodeJS.Module): unknown {
  // Where the bundle was built, its packages are where the build found them (the bundle holds their code, so a
  // package changed since is stale either way: `npm run build` rewrites both). Elsewhere (a moved tree), package
  // requests resolve as Node would, which keeps a package installed at another place loading correctly.
  const packagesAsBuilt = bundle.root === bundle.builtAt;
  const root = path.resolve(bundle.root);
  const filenames = new Map<string, string>();
  const fileOf = (id: string): string => {
    let file = filenames.get(id);
    if (file === undefined) filenames.set(id, (file = bundleFile(root, id)));
    return file;
  };
  const load = (id: string, from: NodeJS.Module): unknown => {
    const filename = fileOf(id);
    const cached = Loader._cache[filename];
    if (cached !== undefined) return cached.exports;
    const [relativeRequires, packageRequires, body] = bundle.modules[id];
    const mod = new Loader(filename, from);
    mod.filename = filename;
    lookUpPathsWhenRead(mod, path.dirname(filename));
    Loader._cache[filename] = mod;
    const requireFromModule = (request: string): unknown => {
      const known = relativeRequires[request] ?? (packagesAsBuilt ? packageRequires[request] : undefined);
      if (known !== undefined) return load(known, mod);
      if (!isRelative(request) && !Module.isBuiltin(request)) {
        const id = bundleId(bundle.root, Loader._resolveFilename(request, mod, false));
        if (bundle.modules[id] !== undefined) return load(id, mod);
      }
      return mod.require(request);
    };
    const localRequire = Object.assign(requireFromModule, {
      resolve: Object.assign(
        (request: string, options?: { paths?: string[] }) => Loader._resolveFilename(request, mod, false, options),
        { paths: (request: string) => (isRelative(request) ? [path.dirname(filename)] : mod.paths) },
      ),
      cache: Loader._cache,
      main: require.main,
      extensions: require.extensions,
    }) as NodeJS.Require;
    try {
      body.call(mod.exports, mod.exports, localRequire, mod, filename, path.dirname(filename));
    } catch (err) {
      delete Loader._cache[filename];
      throw err;
    }
    mod.loaded = true;
    return mod.exports;
  };
  return load(bundle.entry, parent);
}
