// Writes dist/start-bundle.js with esbuild: `eddy start`'s code (dist/src/cli.js and everything it requires,
// packages included) in one CommonJS file. Node's loader spends most of a cold start resolving, stat-ing, reading
// and wrapping ~140 small files one by one; one file, compiled from build/code-cache.ts's V8 code cache, cuts that.
// The input is tsc's output, not the TypeScript sources: the bundle then runs the very code the tests run, and
// relative requires (of package.json, say) resolve from the same places in both. Each CommonJS module sits in an
// esbuild wrapper that runs on its first require(), so modules Eddy requires lazily (handlers in
// src/api/registry.ts, coordinators in src/cluster/coordinators.ts) run on first use, not at start
// (test/unit/build/start-bundle.test.ts checks it). Only the text of the modules a start runs is in the bundle
// (build/start-modules.ts finds them): each of Eddy's other modules is a stub there, which runs its compiled file
// on first use (build/out-of-bundle.ts); a start then reads ~1 MB instead of ~3 MB.
// Run after tsc: `node dist/build/start-bundle.js` (part of `npm run build` and of the Dockerfile).
import * as fs from 'fs';
import { isBuiltin } from 'module';
import * as path from 'path';
import * as esbuild from 'esbuild';
import { BUNDLE_EPILOGUE, BUNDLE_PROLOGUE, cacheFileFor } from './start-loader';
import { startModules } from './start-modules';

export const BUNDLE_FILE = path.join('dist', 'start-bundle.js');
export const BUNDLE_ENTRY = path.join('dist', 'src', 'cli.js');

/**
 * The HTTP server's packages. Eddy's own HTTP code is in the bundle (loaded on first use, after the listeners are
 * bound) so that it shares the broker's classes and module state, but these load from node_modules when it runs:
 * bundled, they would make every start read and compile code that only the HTTP server needs, later.
 */
const HTTP_PACKAGES: readonly string[] = ['fastify', '@fastify/swagger', 'prom-client'];

/**
 * Packages left out of the bundle and required from node_modules as usual: those with a native addon, which a
 * bundle cannot hold. Packages required by a computed name (the optional compression codecs) stay out as well;
 * esbuild leaves such a require() as it is.
 */
export const PACKAGES_NOT_BUNDLED: readonly string[] = ['@node-rs/crc32', ...HTTP_PACKAGES];

/**
 * How esbuild builds the bundle from the package at `root`. No minification: with the code cache it saved no more
 * CPU per start than the benchmark's noise, and names and lines in stack traces stay readable. The text is one CommonJS
 * wrapper function (the banner and footer), which build/start-loader.ts compiles with the code cache as it is.
 * The output is ASCII (see asciiOnly).
 */
export function startBundleOptions(root: string): esbuild.BuildOptions & { metafile: true } {
  return {
    absWorkingDir: root,
    entryPoints: [path.join(root, BUNDLE_ENTRY)],
    outfile: path.join(root, BUNDLE_FILE),
    bundle: true,
    platform: 'node',
    format: 'cjs',
    target: 'node20',
    charset: 'ascii',
    external: [...PACKAGES_NOT_BUNDLED],
    banner: { js: BUNDLE_PROLOGUE.trimEnd() },
    footer: { js: BUNDLE_EPILOGUE.trim() },
    metafile: true,
    logLevel: 'warning',
  };
}

/**
 * The text with every non-ASCII character as a \uXXXX escape. esbuild's ASCII charset escapes code and strings
 * but keeps the comments it preserves (JSDoc before class members) as they are, and one character outside
 * Latin-1 would make V8 hold the whole ~1.5 MB source at two bytes per character. Only comments are left to
 * change, where an escape reads as well.
 */
export function asciiOnly(text: string): string {
  return text.replace(/[^\x00-\x7f]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
}

/** The runtime of the stubs, bundled: compiled from build/out-of-bundle.ts. */
const OUT_OF_BUNDLE_RUNTIME = path.join('dist', 'build', 'out-of-bundle.js');

/** A compiled file's literal requires (tsc writes an import as require("..."); Eddy's own requires keep their quotes). */
export function literalRequires(source: string): string[] {
  const ids = new Set<string>();
  for (const m of source.matchAll(/\brequire\((["'])([^"'\\]+)\1\)/g)) ids.add(m[2]);
  return [...ids];
}

/**
 * An esbuild plugin that puts a stub in the bundle for each of Eddy's compiled files (under dist/) outside
 * `keep`. The stub maps each of the file's literal requires that esbuild resolves, built-ins aside, to a function
 * requiring it from the bundle, so esbuild bundles those modules (or their stubs) as before; the file itself runs
 * from dist/ on the stub's first require (build/out-of-bundle.ts).
 */
function outOfBundlePlugin(root: string, keep: ReadonlySet<string>): esbuild.Plugin {
  const dist = path.join(root, 'dist') + path.sep;
  const bundleDir = path.dirname(path.join(root, BUNDLE_FILE));
  const runtime = path.join(root, OUT_OF_BUNDLE_RUNTIME);
  return {
    name: 'out-of-bundle',
    setup(build) {
      build.onLoad({ filter: /\.js$/ }, async (args) => {
        if (!args.path.startsWith(dist) || keep.has(args.path) || args.path === runtime) return undefined;
        const resolveDir = path.dirname(args.path);
        const requires: string[] = [];
        for (const id of literalRequires(fs.readFileSync(args.path, 'utf8'))) {
          if (isBuiltin(id)) continue;
          const resolved = await build.resolve(id, { kind: 'require-call', resolveDir });
          // One that does not resolve (a require in a comment, say) is left to Node's require at run time.
          if (resolved.errors.length === 0) requires.push(`  ${JSON.stringify(id)}: () => require(${JSON.stringify(id)}),`);
        }
        const file = path.relative(bundleDir, args.path).split(path.sep).join('/');
        const contents = [`require(${JSON.stringify(runtime)}).runOutOfBundle(module, __dirname, ${JSON.stringify(file)}, {`, ...requires, '});', ''].join(
          '\n',
        );
        return { contents, loader: 'js', resolveDir };
      });
    },
  };
}

/**
 * Builds the bundle; returns the source files it holds (stubs included). The old code cache goes first: it was for
 * the old bundle. With `keep` (the modules a start runs), Eddy's other modules are stubs; without, all are bundled.
 */
export async function buildStartBundle(root: string, keep?: ReadonlySet<string>): Promise<string[]> {
  const options = startBundleOptions(root);
  const out = path.join(root, BUNDLE_FILE);
  fs.rmSync(cacheFileFor(out), { force: true });
  const plugins = keep === undefined ? [] : [outOfBundlePlugin(root, keep)];
  const result = await esbuild.build({ ...options, plugins, write: false });
  fs.writeFileSync(out, asciiOnly(result.outputFiles[0].text));
  return Object.keys(result.metafile.inputs);
}

async function main(): Promise<void> {
  const root = path.resolve(__dirname, '..', '..');
  const keep = startModules(root);
  if (keep === undefined) process.stderr.write(`${BUNDLE_FILE}: holds every module (the warm-up start failed; see above)\n`);
  const inputs = await buildStartBundle(root, keep);
  process.stdout.write(`${BUNDLE_FILE}: ${inputs.length} modules, ${fs.statSync(path.join(root, BUNDLE_FILE)).size} bytes\n`);
}

if (require.main === module) {
  main().catch((err: unknown) => {
    process.stderr.write(`${err instanceof Error && err.stack ? err.stack : String(err)}\n`);
    process.exit(1);
  });
}
